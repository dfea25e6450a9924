"""Artefacts of a finished release folder: manifest, integrity, versions, diff,
changelog, citation, card, croissant, Hub upload."""
