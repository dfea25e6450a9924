"""A legitimate corpus always builds: quality warnings are reported, never a reason to refuse.

The corpus is written here: short news pages in Armenian, Georgian, Korean and Hebrew (languages
the seeds never showed) whose headline is repeated as the first body line, as many sites print
it, and whose lead restates the headline word for word before going on, as news leads often do.
It is built with the README's command, validation on.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dataset.release.card import split_card
from tests.conftest import PROJECT_ROOT, run_cli

pytestmark = pytest.mark.integration

# language: (headline, rest of the lead after the headline's words, further paragraphs)
PAGES = {
    "hy": (
        "Երևանում կայացել է հանդիպում խաղաղության համաձայնագրի շուրջ",
        ", որին մասնակցել են երկու երկրների արտաքին գործերի նախարարները։",
        [
            "Կողմերը քննարկել են սահմանազատման, տրանսպորտային ուղիների բացման և գերիների "
            "վերադարձի հարցերը։ Հանդիպումից հետո նախարարները հայտարարել են, որ "
            "բանակցությունները կշարունակվեն հաջորդ ամիս։",
            "Փորձագետների կարծիքով՝ համաձայնագրի ստորագրումը կարող է տևել ևս մի քանի ամիս, "
            "քանի որ դեռ կան չլուծված հարցեր։",
        ],
    ),
    "ka": (
        "თბილისში სომხეთისა და აზერბაიჯანის წარმომადგენლები შეხვდნენ",
        " და მშვიდობის ხელშეკრულების პროექტი განიხილეს.",
        [
            "მხარეებმა ისაუბრეს საზღვრის დემარკაციაზე, სატრანსპორტო გზების გახსნასა და "
            "ტყვეების დაბრუნებაზე. შეხვედრის შემდეგ მინისტრებმა განაცხადეს, რომ "
            "მოლაპარაკებები მომავალ თვეში გაგრძელდება.",
            "ექსპერტების აზრით, ხელშეკრულების ხელმოწერას კიდევ რამდენიმე თვე დასჭირდება, "
            "რადგან ბევრი საკითხი ჯერ კიდევ გადაუწყვეტელია.",
        ],
    ),
    "ko": (
        "아르메니아와 아제르바이잔 외무장관, 평화협정 초안 논의",
        "를 위해 수요일 회담을 가졌다고 양국 외교부가 밝혔다.",
        [
            "양측은 국경 획정, 교통로 개방, 포로 송환 문제에 대해 의견을 나눴다. 회담 후 "
            "장관들은 다음 달에 협상을 계속할 것이라고 말했다.",
            "전문가들은 아직 해결되지 않은 문제가 많아 협정 서명까지 몇 달이 더 걸릴 수 "
            "있다고 내다봤다.",
            "나고르노카라바흐 지역에서는 2023년 9월 군사 작전 이후 대부분의 아르메니아계 "
            "주민이 아르메니아로 떠났다. 국제 인권 단체들은 난민들에 대한 지원을 늘려야 "
            "한다고 촉구했다.",
        ],
    ),
    "he": (
        "שרי החוץ של ארמניה ואזרבייג'ן נפגשו בבריסל",
        " ודנו בטיוטת הסכם השלום בין שתי המדינות.",
        [
            "הצדדים שוחחו על סימון הגבול, פתיחת דרכי התחבורה והחזרת השבויים. לאחר הפגישה "
            "אמרו השרים כי המשא ומתן יימשך בחודש הבא.",
            "לדברי מומחים, חתימת ההסכם עשויה להימשך עוד כמה חודשים משום שנותרו שאלות רבות "
            "שלא נפתרו.",
        ],
    ),
}
WARNING_RULE = "title_not_repeated_at_text_start"


def write_pages(raw: Path) -> Path:
    """One page per language: outlet, date, headline, the headline again, lead, paragraphs."""
    raw.mkdir(parents=True)
    for code, (headline, rest, paragraphs) in PAGES.items():
        lines = ["Caucasus Wire", "2023-10-05", headline, headline, headline + rest, *paragraphs]
        (raw / f"{code}.txt").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    return raw


def comparable(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(release folder, build stdout) of the pages built with the README's default command."""
    root = tmp_path_factory.mktemp("legitimate")
    raw = write_pages(root / "raw")
    result = run_cli("build", "--raw", str(raw), "--out", str(root / "release"), check=False)
    assert result.returncode == 0, result.stderr
    return root / "release", result.stdout


def test_pages_echoing_the_headline_build_and_the_warning_is_reported(built):
    release, stdout = built
    rows = [
        row
        for f in sorted(release.glob("data/*/*.parquet"))
        for row in pq.read_table(f).to_pylist()
    ]
    echoing = [
        r["id"]
        for r in rows
        if r["title"] and comparable(r["text"]).startswith(comparable(r["title"]))
    ]
    assert len(rows) == len(PAGES)
    assert echoing  # the leads stay in the text, so the bodies open with the headline's words
    summary = json.loads((release / "validation" / "summary.json").read_text(encoding="utf-8"))
    assert summary["success"] is True
    assert summary["warnings"] >= 1
    rule = next(r for r in summary["rules"] if r["rule"] == WARNING_RULE)
    assert (rule["severity"], rule["passed"]) == ("warning", False)
    assert (rule["unexpected_count"], rule["element_count"]) == (len(echoing), len(rows))
    assert rule["unexpected_ids"] == sorted(echoing)
    assert not [r for r in summary["rules"] if r["severity"] == "critical" and not r["passed"]]
    assert f"WARNING {WARNING_RULE}: {len(echoing)} of {len(rows)} articles" in stdout
    card = (release / "README.md").read_text(encoding="utf-8")
    assert f"- `{WARNING_RULE}`: {len(echoing)} of {len(rows)} articles" in card


def test_validate_lists_the_warning_apart_and_exits_0(built):
    release, _ = built
    result = run_cli("validate", str(release))
    warnings = result.stdout.split("Warnings (quality expectations", 1)[1]
    assert f"WARNING {WARNING_RULE}" in warnings
    assert "FAILED" not in result.stdout
    assert "PASSED" in result.stdout.splitlines()[-1]


def test_every_detected_language_is_a_config_in_card_and_croissant(built):
    release, _ = built
    languages = sorted(PAGES)
    assert sorted(p.name for p in (release / "data").iterdir()) == languages
    card = (release / "README.md").read_text(encoding="utf-8")
    meta, _ = split_card(card)
    assert meta["language"] == languages
    assert [c["config_name"] for c in meta["configs"]] == [*languages, "all"]
    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["inLanguage"] == languages
    run_cli("card", str(release), "--check")


REALPAGES = PROJECT_ROOT.parent / "shared" / "realpages" / "raw"


@pytest.mark.skipif(not REALPAGES.is_dir(), reason="../shared/realpages is not beside the clone")
def test_development_set_of_real_pages_builds_with_the_default_command(tmp_path):
    out = tmp_path / "release"
    result = run_cli("build", "--raw", str(REALPAGES), "--out", str(out), check=False)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / "validation" / "summary.json").read_text(encoding="utf-8"))
    assert summary["success"] is True
    card, _ = split_card((out / "README.md").read_text(encoding="utf-8"))
    languages = sorted(p.name for p in (out / "data").iterdir())
    assert [c["config_name"] for c in card["configs"]] == [*languages, "all"]
