"""Raw files -> rows, one module per step in flow order.

Per document (``process``, steps as in ``steps``): read, sources -> document (clean, metadata,
language) -> dedupe keys -> filters; the results stream into ``corpus``. Corpus steps:
duplicates -> repeated_lines -> split -> write.
"""
