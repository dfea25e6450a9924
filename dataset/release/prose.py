"""The Jinja2 environment that renders the card, croissant.json's prose and the README's blocks.

Templates are package data in ``dataset/release/templates/``; they are fed facts
(``dataset.release.facts``), never literal library names or thresholds. Undefined names fail
(``StrictUndefined``): a template that mentions a fact nobody gathered is an error, not a blank.
The filters below are the formatting the templates share.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import jinja2

from dataset.release.citation import to_apa, to_bibtex

PUBLISHERS_SHOWN = 5


@functools.cache
def environment() -> jinja2.Environment:
    """The shared Jinja2 environment over ``dataset/release/templates/``, with the filters below.

    Block tags take their line with them (``trim_blocks``, ``lstrip_blocks``) and a template's
    final newline is kept, so an included section ends with one newline.
    """
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("dataset.release", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        code=code,
        language_name=language_name,
        language_label=language_label,
        date_range=date_range,
        publisher_list=publisher_list,
        cell=table_cell,
        json_row=json_row,
        plural=plural,
        bibtex=to_bibtex,
        apa=to_apa,
    )
    return env


def render(template: str, **context: Any) -> str:
    """Render the named template of ``dataset/release/templates/``."""
    return environment().get_template(template).render(**context)


def render_string(source: str, **context: Any) -> str:
    """Render a template given as text (the string values of ``croissant.yaml``)."""
    return environment().from_string(source).render(**context)


def code(text: str) -> str:
    """Text as Markdown inline code."""
    return f"`{text}`"


def language_label(code: str) -> str:
    """``English name (`code`)`` of an ISO 639 code."""
    return f"{language_name(code)} (`{code}`)"


@functools.cache
def language_name(code: str) -> str:
    """English name of an ISO 639 code, from the IANA registry shipped with langcodes.

    An ISO 639-3 code of a language with a 639-1 code, such as ``hbs``, is named by the latter;
    a code the registry does not hold is returned as it is.
    """
    from langcodes.data_dicts import LANGUAGE_ALPHA3

    alpha2 = {alpha3: tag for tag, alpha3 in LANGUAGE_ALPHA3.items() if "-" not in tag}
    subtag = alpha2.get(code, code)
    return registry_language_names().get(subtag, code)


# A language record of the IANA registry as langcodes ships it: type, subtag, description first.
REGISTRY_LANGUAGE = re.compile(r"^%%\nType: language\nSubtag: (.*)\nDescription: (.*)$", re.M)


@functools.cache
def registry_language_names() -> dict[str, str]:
    """``{language subtag: its first description}`` of the IANA registry shipped with langcodes.

    Read once per process, by one regex over the file's text (continuation lines, which start
    with two spaces, joined to the line before with one space, as langcodes' parser does): a
    third of the time of ``langcodes.registry_parser.parse_registry``'s entry dicts. When a language
    record lays out its first fields otherwise, that parser is used.
    """
    from langcodes.registry_parser import parse_registry
    from langcodes.util import data_filename

    text = Path(data_filename("language-subtag-registry.txt")).read_text(encoding="utf-8")
    text = text.replace("\n  ", " ")
    names: dict[str, str] = {}
    found = REGISTRY_LANGUAGE.findall(text)
    if len(found) == text.count("\nType: language\n"):
        for subtag, description in found:
            names.setdefault(subtag, description)
        return names
    for entry in parse_registry():
        if entry.get("Type") == "language" and "Subtag" in entry:
            names.setdefault(entry["Subtag"], entry["Description"][0])
    return names


def date_range(dates: list, rows: int) -> str:
    """``first to last (n/rows dated)`` of sorted dates, or that none is stated."""
    if not dates:
        return f"none stated (0/{rows} dated)"
    return f"{dates[0].isoformat()} to {dates[-1].isoformat()} ({len(dates)}/{rows} dated)"


def publisher_list(publishers: Counter) -> str:
    """The most frequent publishers with their counts, ``and N more`` beyond PUBLISHERS_SHOWN."""
    if not publishers:
        return "none stated"
    top = sorted(publishers.items(), key=lambda kv: (-kv[1], kv[0]))[:PUBLISHERS_SHOWN]
    shown = ", ".join(f"{table_cell(name)} ({n})" for name, n in top)
    more = len(publishers) - len(top)
    return shown + (f" and {more} more" if more > 0 else "")


def table_cell(text: str) -> str:
    """Text safe inside a Markdown table cell (a ``|`` would end the cell)."""
    return text.replace("|", "&#124;")


def plural(count: int, word: str) -> str:
    """``word`` with an ``s`` unless ``count`` is 1."""
    return word + ("s" if count != 1 else "")


def json_row(row: dict[str, Any]) -> str:
    """A row as indented JSON, non-ASCII kept, dates and timestamps in ISO form."""
    return json.dumps(row, ensure_ascii=False, indent=2, default=json_value)


def json_value(value: Any) -> Any:
    """JSON form of the values a Parquet row can hold beyond JSON's own (dates, timestamps)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"no JSON form for {type(value).__name__}")
