"""Per-language data files (furniture/, metadata/, gazetteer/) and their shared reader."""
