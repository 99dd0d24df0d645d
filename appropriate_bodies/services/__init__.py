"""Writes for appropriate bodies, one module per kind of write, each a keyword-only function in
one transaction: `access` (support gives a person access to a body)."""
