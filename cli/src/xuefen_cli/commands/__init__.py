"""One module per concern; each exposes ``COMMANDS``."""
