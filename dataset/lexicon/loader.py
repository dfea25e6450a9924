"""The one reader of per-language lexicon files (``<code>.yaml``, one language a file).

Contract: ``read_language_file(path)`` returns the file's mapping when it is valid YAML and its
``language`` equals the file name's code (``hy.yaml`` says ``language: hy``); otherwise it raises
ConfigError with one line naming the file and the fix. Each lexicon checks its own keys.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from dataset.errors import ConfigError

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_language_file(path: Path) -> dict:
    """The mapping of one language's lexicon file (see the module docstring)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except yaml.YAMLError as error:
        problem = str(error).replace("\n", " ")
        raise ConfigError(f"{path}: not valid YAML ({problem}); fix the file") from None
    if not isinstance(data, dict) or data.get("language") != path.stem:
        raise ConfigError(
            f"{path}: expected a mapping whose 'language' is the file name's code "
            f"{path.stem!r}; see {path.parent / 'README.md'}"
        )
    return data
