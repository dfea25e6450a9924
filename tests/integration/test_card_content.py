"""What the seed release's card says: a real example row, collection facts from the build and its
config, tasks that match the columns, curators and repository from the config, the caveats."""

from __future__ import annotations

import json
import re

import polars as pl
import pytest

from dataset.config import SEED_COLLECTION, Collection
from dataset.release.card import card_problems, render_card, split_card
from dataset.release.croissant import build_croissant
from dataset.schema import article_schema

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def card(seed_release) -> tuple[dict, str]:
    return split_card((seed_release / "README.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def articles(seed_release) -> pl.DataFrame:
    return pl.read_parquet(seed_release / "data" / "*" / "*.parquet")


def example_shown(body: str) -> dict:
    section = body.split("### Data Instances", 1)[1]
    return json.loads(re.search(r"```json\n(.*?)\n```", section, re.S).group(1))


def test_the_example_instance_is_a_real_row_with_its_text_cut(card, articles):
    shown = example_shown(card[1])
    assert list(shown) == article_schema().column_names
    row = articles.filter(pl.col("id") == shown["id"]).to_dicts()[0]
    assert shown["text"].endswith(" [...]")
    assert row["text"].startswith(shown["text"].removesuffix(" [...]"))
    for name in ("title", "publisher", "language", "script", "other_languages", "source_file"):
        assert shown[name] == row[name], name
    assert shown["published_date"] == row["published_date"].isoformat()
    assert shown["language_score"] == pytest.approx(row["language_score"], abs=1e-6)


def test_collection_facts_come_from_the_build_and_its_config(card, articles):
    body = card[1]
    dates = articles["published_date"].drop_nulls().sort()
    assert f"- **How the raw folder was assembled:** {SEED_COLLECTION['description']}" in body
    assert f"- **Selection:** {SEED_COLLECTION['selection']}" in body
    assert f"- **Collection period:** {SEED_COLLECTION['period']}" in body
    assert f"dates in this release:** {dates[0].isoformat()} to {dates[-1].isoformat()}" in body
    for publisher in articles["publisher"].drop_nulls().unique():
        assert f"{publisher} (" in body.split("- **Outlets:**", 1)[1].split("\n", 1)[0]
    languages = body.split("- **Languages:**", 1)[1].split("\n", 1)[0]
    assert all(f"(`{code}`)" in languages for code in articles["language"].unique())


def test_tasks_curators_repository_and_caveats(card, seed_release):
    meta, body = card
    defaults = Collection()
    assert meta["task_categories"] == ["text-generation", "fill-mask"]
    assert card_problems(f"---\n{json.dumps(meta)}\n---\n{body}", seed_release) == []
    assert f"- **Curated by:** {', '.join(defaults.curators)}" in body
    assert f"- **Repository:** {defaults.repository}" in body
    assert "**Reposts and machine-translated copies:**" in body
    assert "[More Information Needed]" not in body
    creator = build_croissant(seed_release)["creator"]
    assert creator["name"] == defaults.curators[0]


def test_other_languages_describe_the_released_text(articles):
    # the French seed's Vietnamese lines are captions, removed from its text
    french = articles.filter(pl.col("language") == "fr").to_dicts()
    assert french and all(row["other_languages"] == [] for row in french)


def test_repository_comes_from_the_manifest_and_repo_id_overrides_it(seed_release_copy):
    manifest_path = seed_release_copy / "build_manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["collection"]["repository"] = "https://git.example.org/kn/karabakh-news"
    manifest["collection"]["curators"] = ["Trần Thị Mai", "Անի Հակոբյան"]
    manifest_path.write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    local = render_card(seed_release_copy)
    assert "- **Repository:** https://git.example.org/kn/karabakh-news" in local
    assert "- **Curated by:** Trần Thị Mai, Անի Հակոբյան" in local
    assert 'load_dataset("path/to/release", "all")' in local
    assert 'load_dataset("karabakh-news/' not in local and "Pinned release:** the repo" in local
    hub = render_card(seed_release_copy, "my-org/kn")
    assert 'load_dataset("my-org/kn", "all", revision="v' in hub
    croissant = build_croissant(seed_release_copy)
    assert croissant["url"].startswith("https://git.example.org/kn/karabakh-news/tree/v")
    assert [c["name"] for c in croissant["creator"]] == ["Trần Thị Mai", "Անի Հակոբյան"]
