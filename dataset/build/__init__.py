"""Raw files -> rows, one module per step in flow order.

read -> document (clean, metadata, language) -> dedupe -> split -> write.
"""
