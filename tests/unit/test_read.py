"""Stage 1, read: discovery, the regular-file and symlink policies, size limit, decoding."""

from __future__ import annotations

import codecs
import os
import signal
import socket
import tracemalloc
from pathlib import Path

import pytest

from dataset.build.read import (
    DocumentNames,
    check_lock,
    decode_document,
    find_document_names,
    find_documents,
    hash_file,
    lock_path_for,
    read_document,
    read_up_to,
    relative_name,
    source_id,
)
from dataset.errors import InputError
from dataset.records import RawDocument, Reject
from dataset.schema import reject_reasons
from tests.bad_inputs import ARABIC, CHINESE, FRENCH, READ_REASONS, VIETNAMESE, text_cases

MAX = 10_000_000


@pytest.fixture
def no_hang():
    """Fail instead of hanging (a FIFO opened for reading blocks without O_NONBLOCK)."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("read blocked"))
    signal.alarm(10)
    yield
    signal.alarm(0)


@pytest.mark.parametrize("name", sorted(text_cases()))
def test_every_generated_case_decodes_or_is_rejected_with_a_declared_reason(name):
    data, outcomes = text_cases()[name]
    result = decode_document(name, data)
    read_outcomes = outcomes & READ_REASONS
    if read_outcomes:
        assert isinstance(result, Reject)
        assert result.reason in read_outcomes
        assert result.detail.startswith(name)
        assert "\n" not in result.detail
        assert result.raw_sha256 is not None
    else:
        assert isinstance(result, RawDocument), result
    assert result.source_file == name


def test_declared_reasons_cover_every_read_reason():
    assert set(reject_reasons()) >= READ_REASONS


@pytest.mark.parametrize(
    ("text", "encoding"), [(ARABIC, "cp1256"), (CHINESE, "gb18030")], ids=["arabic", "chinese"]
)
def test_legacy_encodings_are_detected_and_recorded(text, encoding):
    result = decode_document("doc.txt", text.encode(encoding))
    assert isinstance(result, RawDocument)
    assert result.text == text
    assert (result.encoding, result.decoded_from) == (encoding, "charset-normalizer")


def test_ambiguous_latin1_is_rejected_naming_the_candidates():
    result = decode_document("fr.txt", FRENCH.encode("latin-1"))
    assert isinstance(result, Reject)
    assert result.reason == "not_utf8"
    assert "ambiguous" in result.detail
    assert "cp1252" in result.detail
    assert "re-save it as UTF-8" in result.detail


def test_short_legacy_text_is_rejected_not_guessed():
    result = decode_document("short.txt", "مرحبا بكم".encode("cp1256"))
    assert isinstance(result, Reject)
    assert result.reason == "not_utf8"


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_a_byte_order_mark_names_the_encoding(bom, codec):
    result = decode_document("v.txt", bom + VIETNAMESE.encode(codec))
    assert isinstance(result, RawDocument)
    assert result.text == VIETNAMESE
    assert (result.encoding, result.decoded_from) == (codec, "bom")


def test_a_bom_that_lies_is_not_utf8():
    result = decode_document("odd.txt", codecs.BOM_UTF16_LE + b"abc")  # odd number of bytes
    assert isinstance(result, Reject)
    assert result.reason == "not_utf8"


@pytest.mark.parametrize(
    "text",
    [ARABIC, CHINESE, VIETNAMESE.rstrip(" .\n") + " hôm thứ tư"],
    ids=["arabic", "chinese", "vietnamese"],
)
def test_utf8_cut_inside_its_last_character_loses_only_that_character(text):
    whole = text.rstrip(" .。\n")
    assert not whole[-1].isascii()  # so the cut falls inside a multi-byte character
    result = decode_document("cut.txt", whole.encode("utf-8")[:-1])
    assert isinstance(result, RawDocument)
    assert result.text == whole[:-1]
    assert (result.encoding, result.decoded_from) == ("utf-8", "utf-8-truncated")


def test_bad_utf8_before_the_end_is_not_repaired():
    data = VIETNAMESE.encode("utf-8")
    result = decode_document("bad.txt", data[:10] + b"\xff" + data[10:])
    assert isinstance(result, Reject)
    assert result.reason == "not_utf8"


def test_plain_utf8_keeps_its_text_and_says_so():
    result = decode_document("vi.txt", VIETNAMESE.encode())
    assert isinstance(result, RawDocument)
    assert (result.text, result.encoding, result.decoded_from) == (VIETNAMESE, "utf-8", "utf-8")


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")],
    ids=["empty", "whitespace", "bom-only", "utf16-spaces"],
)
def test_empty_after_decoding_is_empty(data):
    result = decode_document("e.txt", data)
    assert isinstance(result, Reject)
    assert result.reason == "empty"


def test_id_comes_from_the_path_not_the_bytes(tmp_path):
    """A corrected file keeps its id; the same bytes under another name get another id."""
    for name in ("vi/tin.txt", "ar/خبر.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
    (tmp_path / "vi/tin.txt").write_text(VIETNAMESE, encoding="utf-8")
    first = read_document(tmp_path / "vi/tin.txt", tmp_path, MAX)
    (tmp_path / "vi/tin.txt").write_text(VIETNAMESE.replace("Armenia", "Armênia"), encoding="utf-8")
    corrected = read_document(tmp_path / "vi/tin.txt", tmp_path, MAX)
    (tmp_path / "ar/خبر.txt").write_text(VIETNAMESE, encoding="utf-8")
    copy = read_document(tmp_path / "ar/خبر.txt", tmp_path, MAX)
    assert first.raw_sha256 != corrected.raw_sha256
    assert source_id(first.source_file) == source_id(corrected.source_file)
    assert copy.raw_sha256 == first.raw_sha256
    assert source_id(copy.source_file) != source_id(first.source_file)


def test_id_is_the_sha256_of_the_nfc_relative_path_or_the_url():
    import hashlib

    decomposed = "tin/Vi\u1ec7t.txt".replace("\u1ec7", "e\u0323\u0302")  # as macOS stores it
    assert source_id(decomposed) == source_id("tin/Vi\u1ec7t.txt")
    expected = hashlib.sha256("file:中文/新闻.txt".encode()).hexdigest()[:16]
    assert source_id("中文/新闻.txt") == expected
    url = "https://news.example.am/hy/article/1"
    assert source_id("a.txt", url) == source_id("b.txt", url)
    assert source_id("a.txt", url) == hashlib.sha256(f"url:{url}".encode()).hexdigest()[:16]
    assert source_id("a.txt", url) != source_id("a.txt")


def test_too_large_is_rejected_without_reading_the_file(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as f:
        f.write(FRENCH.encode())
        f.truncate(50_000_000)
    tracemalloc.start()
    result = read_document(path, tmp_path, MAX)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert isinstance(result, Reject)
    assert (result.reason, result.raw_sha256) == ("too_large", None)
    assert "50000000 bytes" in result.detail
    assert peak < 1_000_000


def test_read_up_to_reads_past_the_expected_size_but_never_past_the_limit(tmp_path):
    data = ("Ժողովուրդ " * 20_000).encode()  # 380 KB: several reads after the expected size
    path = tmp_path / "grown.txt"
    path.write_bytes(data)
    cases = (
        (len(data), 10**9, data),
        (10, 10**9, data),
        (10, 1_000, data[:1_000]),
        (0, 1, b"\xd4"),
    )
    for expected, limit, want in cases:
        fd = os.open(path, os.O_RDONLY)
        try:
            assert read_up_to(fd, expected, limit) == want
        finally:
            os.close(fd)
    (tmp_path / "empty.txt").write_bytes(b"")
    fd = os.open(tmp_path / "empty.txt", os.O_RDONLY)
    try:
        assert read_up_to(fd, 0, 10) == b""
    finally:
        os.close(fd)


def test_size_limit_is_inclusive(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(FRENCH.encode())
    size = path.stat().st_size
    assert isinstance(read_document(path, tmp_path, size), RawDocument)
    assert read_document(path, tmp_path, size - 1).reason == "too_large"


def test_special_files_named_like_documents_are_not_files(tmp_path, no_hang):
    (tmp_path / "dir.txt").mkdir()
    os.mkfifo(tmp_path / "fifo.txt")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock.txt"))
    for name, kind in [("dir.txt", "directory"), ("fifo.txt", "FIFO"), ("sock.txt", "socket")]:
        result = read_document(tmp_path / name, tmp_path, MAX)
        assert isinstance(result, Reject)
        assert result.reason == "not_a_file"
        assert result.detail.startswith(f"{name} is a {kind}")


def test_symlink_inside_the_folder_is_followed(tmp_path):
    raw = tmp_path / "raw"
    (raw / "sub").mkdir(parents=True)
    (raw / "sub" / "a.txt").write_text(ARABIC, encoding="utf-8")
    os.symlink("sub/a.txt", raw / "link.txt")
    result = read_document(raw / "link.txt", raw, MAX)
    assert isinstance(result, RawDocument)
    assert (result.source_file, result.text) == ("link.txt", ARABIC)


def test_raw_folder_reached_through_a_symlink_still_follows_inner_links(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_text(ARABIC, encoding="utf-8")
    os.symlink("a.txt", real / "b.txt")
    os.symlink(real, tmp_path / "alias")
    alias = tmp_path / "alias"
    assert isinstance(read_document(alias / "b.txt", alias, MAX), RawDocument)


@pytest.mark.parametrize(
    ("make", "phrase"),
    [
        (lambda raw, out: os.symlink(out, raw / "x.txt"), "outside the raw folder"),
        (lambda raw, out: os.symlink("missing.txt", raw / "x.txt"), "dangling symlink"),
        (lambda raw, out: os.symlink("x.txt", raw / "x.txt"), "symlink loop"),
    ],
    ids=["outside", "dangling", "loop"],
)
def test_unsafe_symlinks_are_unreadable(tmp_path, make, phrase):
    raw = tmp_path / "raw"
    raw.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text(FRENCH, encoding="utf-8")
    make(raw, outside)
    result = read_document(raw / "x.txt", raw, MAX)
    assert isinstance(result, Reject)
    assert (result.reason, result.raw_sha256) == ("unreadable", None)
    assert result.detail.startswith("x.txt is a")
    assert phrase in result.detail


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 files; see the FIFO test")
def test_a_file_without_read_permission_is_unreadable(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text(FRENCH, encoding="utf-8")
    path.chmod(0)
    result = read_document(path, tmp_path, MAX)
    assert result.reason == "unreadable"
    assert "Permission denied" in result.detail


def test_find_documents_lists_every_visible_txt_path(tmp_path):
    (tmp_path / "b.txt").write_text("b")
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("c")
    (tmp_path / "notes.md").write_text("n")
    names = [p.relative_to(tmp_path).as_posix() for p in find_documents(tmp_path)]
    assert names == ["b.txt", "dir.txt", "sub/a.txt"]


TRICKY_NAMES = [
    "a/b.txt",
    "a-b.txt",
    "a.txt",
    "a/c/d.txt",
    "ab/x.txt",
    "a b.txt",
    "A.txt",
    "é.txt",
    "中文/新闻.txt",
    "عربي.txt",
    "Tiếng Việt.txt",
    "z.txt/inside.txt",
]


def test_document_names_are_in_path_order_and_in_name_order(tmp_path):
    for name in TRICKY_NAMES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "z.txt" / ".hidden.txt").write_text("x")
    os.symlink(tmp_path / "a", tmp_path / "link.txt")
    names = find_document_names(tmp_path)
    in_path_order = sorted(tmp_path / n for n in [*TRICKY_NAMES, "z.txt", "link.txt"])
    assert list(names) == [p.relative_to(tmp_path).as_posix() for p in in_path_order]
    order = list(names)
    assert order.index("a/c/d.txt") < order.index("a b.txt") < order.index("a-b.txt")  # "/" first
    assert find_documents(tmp_path) == in_path_order
    assert list(names.in_name_order()) == sorted(names)
    assert names.to_arrow().to_pylist() == sorted(names)
    assert [names[i] for i in names.name_order()] == sorted(names)
    assert names.path(3) == in_path_order[3]


def test_document_names_keep_any_name_and_show_undecodable_bytes_safely(tmp_path):
    odd = ["x\udcff.txt", "", "tab\t.txt", "中"]  # \udcff: byte 0xff of a non-UTF-8 name
    names = DocumentNames(tmp_path, odd)
    shown = ["x\\xff.txt", "", "tab\t.txt", "中"]
    assert sorted(names) == sorted(shown) and len(names) == 4
    assert names.to_arrow().to_pylist() == sorted(shown)
    assert {names.path(i) for i in range(4)} == {tmp_path / name for name in odd}
    assert names[1:3] == [names[1], names[2]]


def test_an_empty_raw_folder_is_one_clear_error(tmp_path):
    with pytest.raises(InputError, match=r"holds no \.txt documents \(it is empty\)"):
        find_documents(tmp_path)


def test_a_raw_folder_of_other_files_names_one(tmp_path):
    (tmp_path / "page.html").write_text("<p>x</p>")
    with pytest.raises(InputError, match=r"1 other file\(s\), e\.g\. page\.html"):
        find_documents(tmp_path)


@pytest.mark.parametrize(
    ("lock", "message"),
    [
        (
            {"b.txt": "ok", "c/d.txt": "ok", "中.txt": "bad"},
            r"b\.txt is in .* but missing",
        ),
        ({"中.txt": "bad"}, r"c/d\.txt is not in .*raw\.lock"),
        ({"c/d.txt": "bad", "中.txt": "bad"}, r"c/d\.txt changed since .*\(sha256 "),
    ],
    ids=["missing", "not in lock", "changed"],
)
def test_lock_check_names_the_first_file_in_name_order(tmp_path, lock, message):
    """Every case also has a later error (中.txt changed): the first name in order is reported."""
    raw = tmp_path / "raw"
    (raw / "c").mkdir(parents=True)
    for name in ["a.txt", "c/d.txt", "中.txt"]:
        (raw / name).write_text(name, encoding="utf-8")
    lock = {"a.txt": "ok", **lock}
    lines = [f"{hash_file(raw / n) if v == 'ok' else '1' * 64}  {n}" for n, v in lock.items()]
    lock_path_for(raw).write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message):
        check_lock(raw)


def test_lock_check_passes_on_matching_files(tmp_path):
    raw = tmp_path / "raw"
    (raw / "c").mkdir(parents=True)
    for name in ["a.txt", "c/d.txt", "中.txt"]:
        (raw / name).write_text(name, encoding="utf-8")
    lines = [f"{hash_file(raw / n)}  {n}" for n in ["中.txt", "a.txt", "c/d.txt"]]
    lock_path_for(raw).write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert check_lock(raw) is True


def test_lock_check_never_opens_special_files(tmp_path, no_hang):
    raw = tmp_path / "raw"
    raw.mkdir()
    os.mkfifo(raw / "fifo.txt")
    assert hash_file(raw / "fifo.txt") is None
    lock_path_for(raw).write_text(f"{'0' * 64}  fifo.txt\n")
    with pytest.raises(InputError, match=r"fifo\.txt changed since .*not a readable file"):
        check_lock(raw)


@pytest.mark.parametrize(
    "spelling",
    ["{root}/vi/tin.txt", "{root}//vi/tin.txt", "{root}/./vi/tin.txt", "{root}/vi//tin.txt",
     "{root}/ar/خبر.txt", "{root}/新闻.txt", "{root}/ Հայ .txt", "{root}/a/../b.txt",
     "{root}/vi/", "{root}/./", "{root}/vi/."],
)  # fmt: skip
def test_relative_name_is_the_posix_relative_path_of_any_spelling(tmp_path, spelling):
    path = spelling.format(root=tmp_path)
    expected = Path(path).relative_to(tmp_path).as_posix()
    assert relative_name(path, tmp_path) == expected
    assert relative_name(Path(path), tmp_path) == expected


def test_relative_name_refuses_a_path_outside_the_folder(tmp_path):
    with pytest.raises(ValueError):
        relative_name(f"{tmp_path}-other/a.txt", tmp_path)
    with pytest.raises(ValueError):
        relative_name("/", tmp_path)
    assert relative_name(f"{tmp_path}/", tmp_path) == "."  # as pathlib says


@pytest.mark.parametrize("text", [CHINESE, ARABIC, VIETNAMESE, "", " \n\t\n"])
def test_a_str_path_reads_like_its_path(tmp_path, text):
    (tmp_path / "ar").mkdir()
    path = tmp_path / "ar" / "خبر.txt"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "link.txt").symlink_to(path)
    for target in (path, tmp_path / "link.txt", tmp_path / "missing.txt"):
        assert read_document(str(target), tmp_path, MAX) == read_document(target, tmp_path, MAX)
