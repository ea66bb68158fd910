"""Help screens without two imports they never use.

Typer draws help with ``typer.rich_utils``, which imports ``rich.markdown`` (and with it markdown-it) and
``rich.traceback`` as it loads: about 35 ms of the 150 that ``nkwatch --help`` took, for a Markdown markup mode
nkwatch does not use and a traceback view it turns off. So before a help screen, ``rich_utils`` is loaded with those
two modules stood in for by placeholders whose classes import the real module if they are ever called. The
placeholders leave ``sys.modules`` as soon as ``rich_utils`` has loaded, so any later import gets the real modules;
if a Typer release asks the placeholders for anything else, ``rich_utils`` is loaded the ordinary way.
"""

from __future__ import annotations

import importlib
import sys
import types

_UNUSED = {"rich.markdown": ("Markdown",), "rich.traceback": ("Traceback",)}
_HELP_OPTIONS = ("-h", "--help")


def wants_help(arguments: list[str]) -> bool:
    """True when the command line asks for a help screen (nkwatch shows one when given nothing at all)."""
    options = arguments[: arguments.index("--")] if "--" in arguments else arguments
    return not arguments or any(option in _HELP_OPTIONS for option in options)


def load_help_renderer() -> None:
    """Import ``typer.rich_utils`` without the modules its help screens do not use."""
    if "typer.rich_utils" in sys.modules:
        return
    placed = {name: _Placeholder(name) for name in _UNUSED if name not in sys.modules}
    sys.modules.update(placed)
    try:
        importlib.import_module("typer.rich_utils")
    except (ImportError, TypeError):
        sys.modules.pop("typer.rich_utils", None)  # half-loaded: the ordinary import below starts it again
    finally:
        for name, placeholder in placed.items():
            if sys.modules.get(name) is placeholder:
                del sys.modules[name]
    importlib.import_module("typer.rich_utils")


class _Placeholder(types.ModuleType):
    """Stands in for a module while another one imports names from it; offers only the names in _UNUSED."""

    def __getattr__(self, name: str) -> type:
        if name not in _UNUSED[self.__name__]:
            raise AttributeError(name)
        return _stand_in(self.__name__, name)


def _stand_in(module: str, name: str) -> type:
    """A class that, when called, imports the real module and returns an instance of the real class."""

    def __new__(cls, *args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    return type(name, (), {"__new__": __new__, "__doc__": f"Imports {module} and makes a {name} when called."})
