"""The xuefen command line."""
