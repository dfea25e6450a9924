"""Karabakh News: raw multilingual news documents -> a versioned, validated dataset release.

The release version is declared here and nowhere else: pyproject.toml, CITATION.cff, the card,
croissant.json, the Parquet metadata and the build manifest all read it.
"""

__version__ = "0.1.0"
