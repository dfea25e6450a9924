"""The project README's generated blocks: facts that the code holds, written once.

A block sits between ``<!-- facts:NAME ... -->`` and ``<!-- /facts:NAME -->`` in README.md and is
``templates/readme/NAME.md.j2`` rendered with the build settings and the credited libraries
(``dataset.release.facts``). ``python -m dataset.release.readme`` rewrites every block;
``tests/unit/test_readme_facts.py`` fails when one differs from its rendering.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from dataset.paths import PROJECT_ROOT
from dataset.release.facts import LIBRARIES, content_settings
from dataset.release.prose import render

README = PROJECT_ROOT / "README.md"
BLOCK = re.compile(
    r"(?P<open><!-- facts:(?P<name>[\w-]+)\b[^\n]*-->\n)"
    r"(?P<body>.*?)"
    r"(?P<close><!-- /facts:(?P=name) -->)",
    re.S,
)


def render_block(name: str) -> str:
    """The text block ``name`` should hold (``templates/readme/NAME.md.j2``)."""
    return render(f"readme/{name}.md.j2", libraries=LIBRARIES, settings=content_settings())


def readme_blocks(text: str) -> dict[str, str]:
    """``{name: body}`` of every generated block of a README text."""
    return {match["name"]: match["body"] for match in BLOCK.finditer(text)}


def refresh_readme(text: str) -> str:
    """``text`` with every generated block replaced by its fresh rendering."""
    return BLOCK.sub(
        lambda m: m["open"] + render_block(m["name"]) + m["close"],
        text,
    )


def main(path: Path = README) -> int:
    """Rewrite the blocks of ``path``; prints whether anything changed."""
    text = path.read_text(encoding="utf-8")
    fresh = refresh_readme(text)
    if fresh == text:
        print(f"{path}: generated blocks are up to date")
        return 0
    path.write_text(fresh, encoding="utf-8")
    print(f"{path}: generated blocks rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
