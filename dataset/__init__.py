"""Karabakh News: raw multilingual news documents -> a versioned, validated dataset release.

This is the package's version (pyproject.toml and the project's CITATION.cff read it). A data
release's version is a build input (``build --version``; by default the smallest the change since
``--previous`` allows), and this version is only the default of a first release.
"""

__version__ = "0.1.0"
