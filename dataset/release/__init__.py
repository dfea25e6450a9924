"""Artefacts of a finished release folder.

Accounting and manifest, integrity, versions, diff, changelog, citation, card, croissant, Hub
upload.
"""
