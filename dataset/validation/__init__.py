"""Validation: rules as data (rules.py) and the Great Expectations runner."""
