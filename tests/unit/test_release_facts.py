"""The card and croissant.json are rendered from one facts object: they state the build's own
thresholds, counts and library versions, and every section template is used."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tomllib
from types import SimpleNamespace

import jinja2
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataset.build.language import MODEL_FILE
from dataset.config import CONTENT_KEYS
from dataset.paths import PROJECT_ROOT
from dataset.records import Reject
from dataset.release.card import card_problems, render_card
from dataset.release.citation import load_citation
from dataset.release.croissant import build_croissant, croissant_problems
from dataset.release.facts import (
    LANGUAGE_MODEL,
    LIBRARIES,
    OUR_LICENCE,
    ReleaseFacts,
    example_row,
    first_stated_row,
)
from dataset.release.layout import ReleaseLayout
from dataset.release.prose import environment, render
from dataset.schema import article_schema, reject_reasons, reject_schema
from dataset.validation.rules import load_domain_rules
from dataset.validation.runner import PARQUET_SCHEMA_SUITE

TEMPLATES = PROJECT_ROOT / "dataset" / "release" / "templates"
# Settings unlike the defaults, so a text that printed a default instead would be caught.
SETTINGS = {
    "split_ratios": {"train": 0.6, "validation": 0.25, "test": 0.15},
    "min_text_chars": 37,
    "max_text_chars": 4321,
    "language_score_threshold": 0.37,
    "near_duplicate_threshold": 0.71,
    "minhash_permutations": 96,
    "shingle_size": 4,
}


def article(id_: str, language: str, script: str, text: str, **extra) -> dict:
    row = {name: None for name in article_schema().column_names}
    return (
        row
        | {
            "id": id_,
            "language": language,
            "language_score": 0.91,
            "script": script,
            "other_languages": [],
            "text": text,
            "duplicate_cluster": id_,
            "source_file": f"{id_}.txt",
            "raw_sha256": "0" * 64,
        }
        | extra
    )


@pytest.fixture
def release(tmp_path):
    """A two-language release written inline: Armenian (train, dated, a publisher with a `|`)
    and Arabic (test, undated)."""
    shards = {
        ("hy", "train"): [
            article(
                "00000000000000a1",
                "hy",
                "Armn",
                "Ստեփանակերտում այսօր հանդիպում տեղի ունեցավ։ " * 3,
                title="Հանդիպում",
                published_date=dt.date(2023, 9, 20),
                publisher="Լուր | Նորություններ",
            )
        ],
        ("ar", "test"): [
            article("00000000000000b2", "ar", "Arab", "عقد اجتماع في المدينة اليوم. " * 3)
        ],
    }
    schema = article_schema().to_pyarrow()
    for (language, split), rows in shards.items():
        path = tmp_path / "data" / language / f"{split}-00000-of-00001.parquet"
        path.parent.mkdir(parents=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    (tmp_path / "rejects").mkdir()
    short = Reject("c3.txt", "1" * 64, "too_short", "c3.txt: short", text="Կարճ", language="hy")
    pq.write_table(
        pa.Table.from_pylist([short.to_row()], schema=reject_schema().to_pyarrow()),
        tmp_path / "rejects/rejects.parquet",
    )
    manifest = {
        "release_version": "3.1.4",
        "config": SETTINGS,
        "counts": {
            "documents_in": 3,
            "kept": 2,
            "rejected": 1,
            "rejected_by_reason": {"too_short": 1},
        },
    }
    (tmp_path / "build_manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    shutil.copy(PROJECT_ROOT / "CITATION.cff", tmp_path / "CITATION.cff")
    return tmp_path


def test_the_card_states_the_builds_settings_counts_and_library_versions(release):
    text = render_card(release)
    assert card_problems(text, release) == []
    assert "Bodies shorter than 37 characters" in text and "longer than 4321" in text
    assert "articles scoring under 0.37 are rejected" in text
    assert "(96 permutations, 4-character shingles, Jaccard threshold 0.71)" in text
    assert "(ratios train 0.6, validation 0.25, test 0.15)" in text
    assert "- `too_short` (1):" in text
    assert "Rejected documents by the language detected on the page" in text
    assert "no letters): hy 1." in text
    assert "3 raw UTF-8 text files went in; 2 became articles and 1 were rejected" in text
    for key in ("fasttext", "dateparser", "tldextract"):
        assert str(LIBRARIES[key]) in text, key
    assert f"Great Expectations {LIBRARIES['great_expectations'].version}" not in text  # no run
    assert "built without validation (`--no-validate`)" in text
    assert "| Armenian | `hy` | 1 | 0 | 0 | 1 | 2023-09-20 to 2023-09-20 (1/1 dated) |" in text
    assert "Լուր &#124; Նորություններ (1)" in text
    assert "| Arabic | `ar` | 0 | 0 | 1 | 1 | none stated (0/1 dated) | none stated |" in text


def test_rejects_are_counted_by_language_most_first_and_unknown_as_none(release):
    rows = [
        Reject(name, None, reason, name, language=language).to_row()
        for name, reason, language in [
            ("a.txt", "boilerplate_only", "ru"),
            ("b.txt", "binary", None),
            ("c.txt", "language_uncertain", "sr"),
            ("d.txt", "exact_duplicate", "ru"),
        ]
    ]
    table = pa.Table.from_pylist(rows, schema=reject_schema().to_pyarrow())
    pq.write_table(table, release / "rejects/rejects.parquet")
    assert ReleaseFacts(release).rejects_by_language == [("ru", 2), ("none", 1), ("sr", 1)]


def test_rejects_of_an_older_build_without_languages_give_no_language_line(release):
    pq.write_table(
        pa.table({"source_file": ["a.txt"], "reason": ["empty"]}),
        release / "rejects/rejects.parquet",
    )
    assert ReleaseFacts(release).rejects_by_language == []
    assert "Rejected documents by the language" not in render_card(release)


def test_croissant_prose_states_the_same_facts(release):
    document = build_croissant(release)
    assert croissant_problems(document) == []
    assert document["description"].startswith("Karabakh News 3.1.4: 2 news articles")
    assert "in 2 languages" in document["description"]
    steps = " ".join(document["rai:dataPreprocessingProtocol"])
    assert "shorter than 37 characters or longer than 4321" in steps
    assert "reject scores under 0.37" in steps and "(96 permutations, Jaccard 0.71)" in steps
    assert document["rai:machineAnnotationTools"][:2] == [
        f"{LIBRARIES['fasttext']} (fastText lid.176)",
        f"{LIBRARIES['rensa']} (MinHash permutations)",
    ]
    assert document["rai:dataCollectionRawData"].startswith("3 raw text files")
    assert "(ar, hy)" in document["rai:dataUseCases"][0]


def test_facts_are_gathered_once_and_croissant_reads_no_rows(release, monkeypatch):
    facts = ReleaseFacts(release)
    assert facts.total == 2 and facts.filled["publisher"] == 1
    assert [row["code"] for row in facts.language_rows] == ["ar", "hy"]
    calls = []
    monkeypatch.setattr("dataset.release.facts.collect_stats", lambda layout: calls.append(1))
    build_croissant(release)
    assert calls == []


def test_every_section_template_is_included_by_the_card():
    """card.md.j2 includes each card/*.md.j2, directly or from a section that includes it."""
    sections = {f"card/{path.name}" for path in (TEMPLATES / "card").glob("*.md.j2")}
    included, todo = set(), ["card.md.j2"]
    while todo:
        text = (TEMPLATES / todo.pop()).read_text(encoding="utf-8")
        for name in re.findall(r'{% include "(card/[\w.]+)" %}', text):
            if name not in included:
                included.add(name)
                todo.append(name)
    assert included == sections


def test_a_fact_nobody_gathered_is_an_error_not_a_blank():
    with pytest.raises(jinja2.UndefinedError, match="no_such_fact"):
        environment().from_string("{{ release.no_such_fact }}").render(release=SimpleNamespace())


def test_the_licence_facts_match_the_project_and_the_vendored_model():
    text = render("license.md.j2", licence=OUR_LICENCE)
    assert text.endswith(f"({OUR_LICENCE.spdx}), {OUR_LICENCE.url}\n")
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]
    assert OUR_LICENCE.spdx == project["license"] == load_citation()["license"]
    assert (PROJECT_ROOT / "dataset" / LANGUAGE_MODEL.file).is_file()
    assert LANGUAGE_MODEL.file == MODEL_FILE
    resources = (PROJECT_ROOT / "dataset" / "resources" / "README.md").read_text(encoding="utf-8")
    assert LANGUAGE_MODEL.licence_url in resources


def test_every_code_name_the_templates_cite_is_declared():
    """A backticked snake_case name (a column, reject reason, rule, suite or setting) in the
    prose must exist in the code, so renaming a rule or a reason cannot leave the card stale."""
    declared = (
        set(article_schema().column_names)
        | set(reject_reasons())
        | {rule.name for rule in load_domain_rules().rules}
        | {PARQUET_SCHEMA_SUITE}
        | set(CONTENT_KEYS)
    )
    cited = {
        name
        for path in TEMPLATES.rglob("*.*")
        for name in re.findall(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)`", path.read_text())
    }
    assert {"id_in_one_split_only", "too_short", "language_score"} <= cited
    assert cited <= declared, sorted(cited - declared)


def test_croissant_context_is_the_one_mlcroissant_writes_for_croissant_1_1():
    from mlcroissant._src.core.context import Context, CroissantVersion
    from mlcroissant._src.core.rdf import make_context

    from dataset.release.croissant import croissant_context

    expected = make_context(Context(conforms_to=CroissantVersion.V_1_1))
    assert croissant_context() == expected
    assert list(croissant_context()) == list(expected)


def python_first_stated(rows: list[dict]) -> int | None:
    """The definition: the first row whose title, date and publisher Python finds truthy."""
    return next(
        (k for k, r in enumerate(rows) if r["title"] and r["published_date"] and r["publisher"]),
        None,
    )


STATED_ROWS = [
    {"id": "a", "title": "", "published_date": dt.date(2023, 9, 19), "publisher": "示例新闻社"},
    {"id": "b", "title": "ثلاثة", "published_date": None, "publisher": "صحيفة المثال"},
    {"id": "c", "title": "Tin tức", "published_date": dt.date(2020, 9, 27), "publisher": None},
    {"id": "d", "title": " ", "published_date": dt.date(2020, 10, 1), "publisher": "Пример-Инфо"},
    {
        "id": "e",
        "title": "Հայերեն",
        "published_date": dt.date(2021, 1, 2),
        "publisher": "Օրինակ լուր",
    },
]
STATED_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("title", pa.string()),
        ("published_date", pa.date32()),
        ("publisher", pa.string()),
    ]
)


@pytest.mark.parametrize("start", range(len(STATED_ROWS) + 1))
def test_first_stated_row_is_the_first_row_python_finds_stated(start):
    rows = STATED_ROWS[start:]
    table = pa.Table.from_pylist(rows, schema=STATED_SCHEMA)
    assert first_stated_row(table) == python_first_stated(rows)


def test_example_row_is_the_first_stated_row_across_files_and_row_groups(tmp_path):
    unstated = [dict(r, publisher=None) for r in STATED_ROWS]
    files = {
        "data/ar/train-00000-of-00001.parquet": unstated[:3],
        "data/zh/train-00000-of-00001.parquet": unstated[3:] + STATED_ROWS[2:],
    }
    for relative, rows in files.items():
        (tmp_path / relative).parent.mkdir(parents=True)
        pq.write_table(
            pa.Table.from_pylist(rows, schema=STATED_SCHEMA), tmp_path / relative, row_group_size=2
        )
    shards = {relative.split("/")[1]: {"train": [relative]} for relative in files}
    assert example_row(ReleaseLayout(tmp_path, shards)) == STATED_ROWS[3]
    only_unstated = {"ar": {"train": ["data/ar/train-00000-of-00001.parquet"]}}
    assert example_row(ReleaseLayout(tmp_path, only_unstated)) == unstated[0]
