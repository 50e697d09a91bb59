from xuefen.hookspecs import hookimpl  # noqa: F401

__version__ = '0.1.0'
