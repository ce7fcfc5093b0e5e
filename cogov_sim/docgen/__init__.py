"""Generators of the reference pages (docs/mechanisms.md, the ODD's parameter tables)
from the code, kept current by tests."""
