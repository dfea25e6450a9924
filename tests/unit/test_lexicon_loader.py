"""The shared per-language lexicon file reader (dataset/lexicon/loader.py)."""

from __future__ import annotations

import pytest

from dataset.build.clean import read_lexicon_file
from dataset.build.metadata_lexicon import read_metadata_file
from dataset.errors import ConfigError
from dataset.lexicon.loader import read_language_file


def test_a_valid_file_is_returned_as_its_mapping(tmp_path):
    path = tmp_path / "hy.yaml"
    path.write_text("language: hy\nwidgets: [Գովազդ, Մեկնաբանություններ]\n", encoding="utf-8")
    assert read_language_file(path) == {
        "language": "hy",
        "widgets": ["Գովազդ", "Մեկնաբանություններ"],
    }


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("vi.yaml", "language: vi\nwidgets: [Chia sẻ\n", "not valid YAML"),
        ("ar.yaml", "language: fa\n", "'language' is the file name's code 'ar'"),
        ("zh.yaml", "- 分享\n", "'language' is the file name's code 'zh'"),
        ("ru.yaml", "", "'language' is the file name's code 'ru'"),
    ],
)
@pytest.mark.parametrize("reader", [read_language_file, read_lexicon_file, read_metadata_file])
def test_every_lexicon_reader_refuses_a_bad_file_in_one_line(
    tmp_path, reader, name, text, expected
):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        reader(path)
    message = str(info.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message
