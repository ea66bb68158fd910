"""The ``nkwatch`` command (and ``python -m nkwatch``): start the dataset's freshness check, then the command line.

The check is started before ``nkwatch.cli`` imports Typer and Rich, so that on a large dataset stat'ing the files
(in forked processes) overlaps those imports.
"""

import os
import sys


def run() -> None:
    """Run the command line, then leave at once (see ``leave``)."""
    from nkwatch.freshness import start_for_command_line

    start_for_command_line(sys.argv[1:], os.environ)
    from nkwatch.cli import main

    try:
        main()
    except SystemExit as done:
        leave(done.code)
    leave(0)


def leave(code: object) -> None:
    """End the process with code, skipping the interpreter's teardown of every module and object.

    That teardown took 14 ms, a sixth of a short command's run. What must happen at exit still does: the index's
    connections are closed, the exit handlers run and the output is flushed.
    """
    import atexit
    import contextlib

    index = sys.modules.get("nkwatch.index")
    if index is not None:
        index.close_connections()
    atexit._run_exitfuncs()
    if isinstance(code, str):  # sys.exit("message"), as Python itself would show it
        print(code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing more can be written
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


if __name__ == "__main__":
    run()
