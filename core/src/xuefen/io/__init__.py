"""Readers and writers for the public formats of docs/formats.md."""
