"""Raw files -> rows, one module per step in flow order.

Per document (``process``): read, sources -> document (clean, metadata, language) -> filters ->
dedupe keys; the results stream into ``corpus``. Corpus steps: duplicates -> split -> write.
"""
