"""nkwatch: a timeline and fact-lookup tool about North Korean workers sent abroad.

The public API: ``load_dataset`` reads and validates a dataset; the records are in ``nkwatch.models``; filters,
lookup and search are in ``nkwatch.query``.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "load_dataset"]


def __getattr__(name: str):
    # Keep `import nkwatch` cheap: the loader (and YAML) load only when asked for.
    if name == "load_dataset":
        from nkwatch.loader import load_dataset

        return load_dataset
    raise AttributeError(f"module 'nkwatch' has no attribute {name!r}")
