"""Placeholder, replaced below."""
def demo_data(seed):
    return None
