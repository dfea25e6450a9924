"""Per-language metadata lexicon files (dataset/lexicon/metadata/, build.metadata_lexicon)."""

from __future__ import annotations

import pytest

from dataset.build.metadata_lexicon import METADATA_LEXICON, load_metadata_lexicon
from dataset.errors import ConfigError


def test_cldr_case_forms_are_loaded():
    months = METADATA_LEXICON.month_numbers
    assert months["декабря"] == 12  # Russian genitive (CLDR format context)
    assert months["դեկտեմբերի"] == 12  # Armenian genitive
    assert months["δεκεμβρίου"] == 12  # Greek genitive
    assert "listopada" not in months  # November in Polish, October in Croatian: dropped
    assert "շաբաթ" in METADATA_LEXICON.weekday_names


def test_adding_a_language_is_adding_a_file(tmp_path):
    (tmp_path / "xx.yaml").write_text(
        "language: xx\nmonths:\n  3: [Marzyx]\ndate_labels: [Veröffxx]\n", encoding="utf-8"
    )
    lexicon = load_metadata_lexicon(tmp_path)
    assert lexicon.month_numbers == {"marzyx": 3}
    assert lexicon.phrases["date_labels"] == ("Veröffxx",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("language: yy\n", "'language' is the file name's code", id="wrong-code"),
        pytest.param("language: xx\ndate_lables: [a]\n", "unknown key 'date_lables'", id="typo"),
        pytest.param("language: xx\ndate_labels: a\n", "'date_labels' must be a list", id="str"),
        pytest.param("language: xx\nmonths: {13: [a]}\n", "'months' maps", id="month-13"),
        pytest.param(
            "language: xx\nself_credit: ['reports']\n", "{name} or {outlet}", id="no-slot"
        ),
        pytest.param("language: xx\n  bad: [\n", "not valid YAML", id="yaml"),
    ],
)
def test_bad_file_is_one_line_naming_file_and_key(tmp_path, content, message):
    (tmp_path / "xx.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_metadata_lexicon(tmp_path)
    assert "xx.yaml" in str(error.value) and message in str(error.value)
    assert "\n" not in str(error.value)


def test_generated_cldr_names_match_babel():
    """cldr_names.json is what babel (pinned in the dev extra) gives for the listed locales."""
    import json

    from dataset.build.metadata_lexicon import (
        CLDR_NAMES_FILE,
        METADATA_LEXICON_DIR,
        cldr_locales,
        read_babel_names,
    )

    table = json.loads((METADATA_LEXICON_DIR / CLDR_NAMES_FILE).read_text(encoding="utf-8"))
    assert sorted(table["locales"]) == cldr_locales()
    for locale_id in ("hy", "ru", "ka"):
        assert table["locales"][locale_id] == read_babel_names(locale_id), (
            "stale: python -m dataset.build.metadata_lexicon"
        )


def test_listed_locale_missing_from_the_table_is_named(tmp_path):
    (tmp_path / "xx.yaml").write_text("language: xx\ncldr: [xx]\n", encoding="utf-8")
    (tmp_path / "cldr_names.json").write_text('{"locales": {}}', encoding="utf-8")
    with pytest.raises(ConfigError, match="no CLDR names for locale 'xx'"):
        load_metadata_lexicon(tmp_path)
