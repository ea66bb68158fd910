"""nkwatch's optional C extensions (built by ``hatch_build.py``), each a faster copy of a Python function that stays
in the package and gives the same results: the caller falls back to that function when the extension is missing."""


def compiled(module: str, name: str):
    """The function ``name`` of the C extension ``nkwatch.<module>``; None when it was not built, or cannot be
    loaded where it runs (a shared libyaml missing, say)."""
    try:
        # __import__ rather than importlib.import_module: the freshness check loads this before anything else.
        return getattr(__import__(f"nkwatch.{module}", fromlist=[name]), name)
    except ImportError:
        return None
