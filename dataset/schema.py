"""Load the table declarations in schemas/ and derive every other form of them.

This module is the only reader of schemas/*.yaml. It turns a declaration into the pyarrow schema
the writer uses, the Hugging Face ``features`` the card declares, and plain column facts for the
validation suites. Nothing in the package restates a column name or type by hand.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import yaml

from dataset.paths import find_resource_dir

ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "float32": pa.float32(),
    "date32": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "list<string>": pa.list_(pa.string()),
}
# Types of the fields of a ``list<struct>`` column.
FIELD_ARROW_TYPES: dict[str, pa.DataType] = {"string": pa.string(), "int32": pa.int32()}
STRUCT_LIST = "list<struct>"
HF_DTYPES: dict[str, Any] = {
    "string": "string",
    "float32": "float32",
    "date32": "date32",
    "timestamp": "timestamp[us, tz=UTC]",
    "list<string>": {"list": "string"},
}


@dataclass(frozen=True)
class Column:
    """One declared column: name, logical type, nullability, description and optional rules.

    A ``list<struct>`` column declares its record's ``fields`` (each a ``Column`` whose type is
    a key of FIELD_ARROW_TYPES); other columns have none.
    """

    name: str
    type: str
    nullable: bool
    description: str
    pattern: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    fields: tuple[Column, ...] = ()

    def arrow_type(self) -> pa.DataType:
        """The Arrow type: a list of structs for ``list<struct>``, else ARROW_TYPES."""
        if self.type == STRUCT_LIST:
            return pa.list_(pa.struct([
                pa.field(f.name, FIELD_ARROW_TYPES[f.type], nullable=f.nullable)
                for f in self.fields
            ]))
        return ARROW_TYPES[self.type]

    def hf_feature(self) -> dict[str, Any]:
        """This column's entry of the card's ``dataset_info.features``."""
        if self.type == STRUCT_LIST:
            return {"name": self.name,
                    "list": [{"name": f.name, "dtype": f.type} for f in self.fields]}
        # A copy: datasets' Features._from_yaml_list pops keys from the dicts it is given.
        return {"name": self.name, "dtype": copy.deepcopy(HF_DTYPES[self.type])}


@dataclass(frozen=True)
class TableSchema:
    """A declared table (``article`` or ``reject``) as read from schemas/<name>.yaml."""

    name: str
    schema_version: str
    description: str
    primary_key: str
    sort_key: str
    columns: tuple[Column, ...]
    reasons: tuple[tuple[str, str], ...] = ()

    @property
    def column_names(self) -> list[str]:
        """The declared column names, in order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """The declared column ``name``; KeyError naming the schema file when there is none."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"column {name!r} is not declared in schemas/{self.name}.yaml")

    def to_pyarrow(self) -> pa.Schema:
        """The explicit Arrow schema (``string``, never ``large_string``) with nullability."""
        return pa.schema(
            [pa.field(c.name, c.arrow_type(), nullable=c.nullable) for c in self.columns]
        )

    def to_hf_features(self) -> list[dict[str, Any]]:
        """The ``dataset_info.features`` list of the card, in column order."""
        return [c.hf_feature() for c in self.columns]


@functools.cache
def load_table_schema(name: str) -> TableSchema:
    """Read and check schemas/<name>.yaml.

    Raises ValueError naming the file when a column has an unknown type or a key is missing.
    """
    path = find_resource_dir("schemas") / f"{name}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        columns = tuple(_parse_column(c) for c in raw["columns"])
        return TableSchema(
            name=raw["name"],
            schema_version=str(raw["schema_version"]),
            description=raw["description"],
            primary_key=raw["primary_key"],
            sort_key=raw["sort_key"],
            columns=columns,
            reasons=tuple((k, v) for k, v in (raw.get("reasons") or {}).items()),
        )
    except KeyError as exc:
        raise ValueError(f"{path}: missing key {exc}") from None


def _parse_column(
    raw: dict[str, Any], valid: Iterable[str] = (*ARROW_TYPES, STRUCT_LIST)
) -> Column:
    if raw["type"] not in valid:
        raise ValueError(
            f"column {raw['name']!r}: unknown type {raw['type']!r}; valid: {sorted(valid)}"
        )
    fields = tuple(_parse_column(f, FIELD_ARROW_TYPES) for f in raw.get("fields") or ())
    if (raw["type"] == STRUCT_LIST) != bool(fields):
        raise ValueError(
            f"column {raw['name']!r}: `fields` is required for {STRUCT_LIST} and only for it"
        )
    return Column(
        name=raw["name"],
        type=raw["type"],
        nullable=bool(raw["nullable"]),
        description=" ".join(str(raw["description"]).split()),
        pattern=raw.get("pattern"),
        minimum=raw.get("minimum"),
        maximum=raw.get("maximum"),
        fields=fields,
    )


def article_schema() -> TableSchema:
    """The declaration of the article table (schemas/article.yaml)."""
    return load_table_schema("article")


def reject_schema() -> TableSchema:
    """The declaration of the rejects table (schemas/reject.yaml)."""
    return load_table_schema("reject")


def reject_reasons() -> dict[str, str]:
    """Reason code -> explanation, as declared in schemas/reject.yaml."""
    return dict(reject_schema().reasons)
