"""The README's generated blocks (build settings, credited libraries) equal their rendering from
the code, as test_cli_docs.py does for the command synopsis."""

from __future__ import annotations

import difflib

import pytest

from dataset.config import CONTENT_KEYS, BuildConfig
from dataset.release.facts import LIBRARIES
from dataset.release.readme import README, readme_blocks, refresh_readme, render_block

EXPECTED_BLOCKS = {"settings", "libraries"}


def test_the_readme_has_the_generated_blocks():
    assert set(readme_blocks(README.read_text(encoding="utf-8"))) == EXPECTED_BLOCKS


@pytest.mark.parametrize("name", sorted(EXPECTED_BLOCKS))
def test_each_block_equals_its_rendering(name):
    current = readme_blocks(README.read_text(encoding="utf-8"))[name]
    fresh = render_block(name)
    diff = "\n".join(difflib.unified_diff(current.splitlines(), fresh.splitlines(), lineterm=""))
    assert current == fresh, (
        f"README block {name!r} drifted; run `python -m dataset.release.readme`:\n{diff}"
    )


def test_the_settings_block_has_every_content_setting_with_its_default():
    block = render_block("settings")
    defaults = BuildConfig()
    for key in CONTENT_KEYS:
        value = getattr(defaults, key)
        if not isinstance(value, dict):
            shown = "not set" if value is None else value  # never Python's "None"
            assert f"| `{key}` | {shown} |" in block
    assert "| None |" not in block


def test_the_libraries_block_has_each_library_with_its_installed_version():
    block = render_block("libraries")
    for library in LIBRARIES.values():
        assert f"| `{library.distribution}` | {library.version} | `{library.used_in}` |" in block


def test_refresh_rewrites_a_stale_block_and_keeps_the_rest():
    text = (
        "# Заголовок — عنوان\n\n<!-- facts:settings (generated) -->\n| stale | 0.5 |\n"
        "<!-- /facts:settings -->\n\nTiếng Việt ở cuối.\n"
    )
    fresh = refresh_readme(text)
    assert fresh.startswith("# Заголовок — عنوان\n\n<!-- facts:settings (generated) -->\n")
    assert fresh.endswith("<!-- /facts:settings -->\n\nTiếng Việt ở cuối.\n")
    assert readme_blocks(fresh) == {"settings": render_block("settings")}
    assert refresh_readme(fresh) == fresh
