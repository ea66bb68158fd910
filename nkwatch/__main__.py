"""The ``nkwatch`` command (and ``python -m nkwatch``): the command line, and Ctrl-C at any moment exiting 130.

While the command line is being imported (Typer and Rich take a tenth of a second) nothing has been read or
written, so Ctrl-C ends the process at once, with no output: raising KeyboardInterrupt there could land inside
the import machinery's own callbacks, which Python reports as "Exception ignored" with a traceback. Once the
imports are done, Ctrl-C raises KeyboardInterrupt again, so that an index build or a record being written is rolled
back and its temporary file removed, and ``nkwatch.cli.main`` exits 130.
"""

import os
import signal


def _leave_at_once(signal_number, frame) -> None:
    os._exit(130)


signal.signal(signal.SIGINT, _leave_at_once)  # first of all, when the command starts importing this module

import sys  # noqa: E402

EXIT_INTERRUPTED = 130


def run() -> None:
    """Run the command line; an interrupt anywhere exits 130 without a traceback."""
    signal.signal(signal.SIGINT, _leave_at_once)
    from nkwatch.cli import main

    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        main()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while leaving changes nothing
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    run()
