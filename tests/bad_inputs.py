"""Generated bad raw inputs (never committed as binary fixtures): one function per family.

``write_bad_corpus(folder)`` writes every case into ``folder`` and returns, per document path,
the set of outcomes it may end in: reject reason codes, or ``"kept"``. Some cases have two
acceptable outcomes because they depend on the extractor (boilerplate_only vs too_short).
"""

from __future__ import annotations

import os
import random
import socket
from pathlib import Path

ARABIC = (
    "تتواصل المفاوضات بين أرمينيا وأذربيجان حول إقليم ناغورني قره باغ، وقال المتحدث باسم وزارة "
    "الخارجية إن الجانبين اتفقا على مواصلة الحوار في الأسابيع المقبلة. وأضاف أن اللجنة المشتركة "
    "ستجتمع في العاصمة لمناقشة ترسيم الحدود وإعادة فتح الطرق وتبادل الأسرى.\n\n"
    "وأشار المراقبون إلى أن الوضع الإنساني في المنطقة لا يزال صعبا، إذ ينتظر آلاف النازحين "
    "المساعدات منذ أشهر، بينما تدعو المنظمات الدولية إلى ضمان وصول الإغاثة دون عوائق.\n"
)
CHINESE = (
    "亚美尼亚和阿塞拜疆就纳戈尔诺-卡拉巴赫地区问题继续举行谈判。外交部发言人表示，双方同意在未来"
    "几周内继续对话，并呼吁国际社会支持和平进程。联合委员会将在首都举行会议，讨论划界、重新开放交通"
    "线路和交换战俘等问题。\n\n观察人士指出，该地区的人道主义局势依然严峻，数千名流离失所者数月来一"
    "直在等待援助，国际组织呼吁确保救援物资畅通无阻地送达。\n\n另据报道，当地居民表示，冬季即将来临，"
    "燃料和药品短缺问题日益突出。多个人道主义机构已提交新的援助计划，希望各方尽快达成协议，保障平民安全。\n"
)
CHINESE_2 = "（新华社巴库电）" + CHINESE  # another article than CHINESE, not a duplicate of it
FRENCH = (
    "Selon le ministère, la délégation française a rencontré hier à Bakou les représentants du "
    "gouvernement azerbaïdjanais. « Nous sommes très préoccupés », a déclaré le porte-parole, "
    "évoquant la situation humanitaire à Stepanakert où des milliers de réfugiés attendent "
    "toujours une aide.\n\nLe président a également souligné l'importance du dialogue entre "
    "Erevan et Bakou, et appelé à la réouverture du corridor de Latchine dès que possible.\n"
)
VIETNAMESE = (
    "Các cuộc đàm phán giữa Armenia và Azerbaijan về khu vực Nagorno-Karabakh vẫn đang tiếp diễn. "
    "Người phát ngôn Bộ Ngoại giao cho biết hai bên đã đồng ý tiếp tục đối thoại trong những tuần "
    "tới và kêu gọi cộng đồng quốc tế ủng hộ tiến trình hòa bình.\n\nCác nhà quan sát lưu ý rằng "
    "tình hình nhân đạo trong khu vực vẫn còn khó khăn khi hàng nghìn người sơ tán đang chờ viện "
    "trợ suốt nhiều tháng qua.\n"
)
MIXED = (
    "Nagorno-Karabakh / Нагорный Карабах / Լեռնային Ղարաբաղ / ناغورني قره باغ / "
    "纳戈尔诺-卡拉巴赫\n\n" + FRENCH + "\n" + ARABIC + "\n" + CHINESE
)
BOILERPLATE = "Source link\n\nLeave a Comment\n\nShare\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
# Same text with other line endings or a BOM: the first in path order is kept, the rest are
# exact duplicates of it (the id ignores line endings and the BOM).
SAME_TEXT = {"kept", "exact_duplicate"}
READ_REASONS = {"not_utf8", "binary", "empty", "too_large", "unreadable", "not_a_file"}


def text_cases() -> dict[str, tuple[bytes, set[str]]]:
    """Byte contents and the acceptable outcomes, for cases that are plain files."""
    rng = random.Random(7)
    random_bytes = bytes(b for b in rng.randbytes(4000) if b != 0)
    truncated = ARABIC.rstrip(" .\n").encode("utf-8")[:-1]  # cut inside the last (2-byte) character
    return {
        "arabic_cp1256.txt": (ARABIC.encode("cp1256"), {"kept"}),
        "chinese_gb18030.txt": (CHINESE.encode("gb18030"), {"kept"}),
        "french_latin1.txt": (FRENCH.encode("latin-1"), {"not_utf8"}),
        "vietnamese_utf8_bom.txt": (b"\xef\xbb\xbf" + VIETNAMESE.encode("utf-8"), SAME_TEXT),
        "french_utf16le_bom.txt": (FRENCH.encode("utf-16"), {"kept"}),  # LE with BOM on x86
        "chinese_utf16be_bom.txt": (b"\xfe\xff" + CHINESE_2.encode("utf-16-be"), {"kept"}),
        "french_utf16le_no_bom.txt": (FRENCH.encode("utf-16-le"), {"binary"}),
        "image_png.txt": (PNG_BYTES, {"binary"}),
        "nul_bytes.txt": (FRENCH.encode("utf-8").replace(b" ", b"\x00", 3), {"binary"}),
        "control_chars.txt": (bytes(range(1, 9)) * 50 + b"text", {"binary"}),
        "random_bytes.txt": (random_bytes, {"not_utf8", "binary"}),
        "arabic_truncated_utf8.txt": (truncated, {"kept"}),
        "empty.txt": (b"", {"empty"}),
        "whitespace_only.txt": (b" \t\r\n \n\n\t ", {"empty"}),
        "bom_and_spaces_only.txt": (b"\xef\xbb\xbf  \n", {"empty"}),
        "utf16_bom_only.txt": (b"\xff\xfe", {"empty"}),
        "zero_width_only.txt": ("\u200b\u200c\ufeff \u2060\n".encode(), {"empty"}),
        "boilerplate_only.txt": (BOILERPLATE.encode(), {"boilerplate_only", "too_short"}),
        "vietnamese_lf.txt": (VIETNAMESE.encode(), SAME_TEXT),
        "vietnamese_crlf.txt": (VIETNAMESE.replace("\n", "\r\n").encode(), SAME_TEXT),
        "vietnamese_cr.txt": (VIETNAMESE.replace("\n", "\r").encode(), SAME_TEXT),
        # About a third each of French, Arabic and Chinese: no main language reaches the score
        # threshold, so the document is rejected with a reason rather than mislabelled.
        "mixed_scripts.txt": (MIXED.encode(), {"language_uncertain"}),
    }


def write_bad_corpus(folder: Path) -> dict[str, set[str]]:
    """Write every bad input into ``folder`` (created); return the acceptable outcomes per path."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, set[str]] = {}
    for name, (data, outcomes) in text_cases().items():
        (folder / name).write_bytes(data)
        expected[name] = outcomes

    with (folder / "huge_50mb.txt").open("wb") as f:  # sparse: costs no disk space
        f.write(FRENCH.encode())
        f.truncate(50_000_000)
    expected["huge_50mb.txt"] = {"too_large"}
    # One 1 MB line of real words: read and extracted without hanging, then rejected because the
    # cleaned body exceeds max_text_chars (100,000 by default).
    line = (FRENCH.replace("\n", " ") * (1_000_000 // len(FRENCH) + 1))[:1_000_000]
    (folder / "one_line_1mb.txt").write_text(line, encoding="utf-8")
    expected["one_line_1mb.txt"] = {"too_long"}

    outside = folder.parent / f"{folder.name}-outside.txt"
    outside.write_text(ARABIC, encoding="utf-8")
    os.symlink(outside, folder / "symlink_outside.txt")
    expected["symlink_outside.txt"] = {"unreadable"}
    os.symlink("arabic_cp1256.txt", folder / "symlink_inside.txt")
    expected["symlink_inside.txt"] = {"exact_duplicate"}
    os.symlink("no_such_target.txt", folder / "symlink_dangling.txt")
    expected["symlink_dangling.txt"] = {"unreadable"}
    os.symlink("symlink_loop.txt", folder / "symlink_loop.txt")
    expected["symlink_loop.txt"] = {"unreadable"}

    (folder / "a_directory.txt").mkdir()
    expected["a_directory.txt"] = {"not_a_file"}
    os.mkfifo(folder / "a_fifo.txt")
    expected["a_fifo.txt"] = {"not_a_file"}
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "a_socket.txt"))
    expected["a_socket.txt"] = {"not_a_file"}
    return expected
