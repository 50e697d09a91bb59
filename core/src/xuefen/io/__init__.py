"""Readers and writers for the public formats of FORMATS.md."""
