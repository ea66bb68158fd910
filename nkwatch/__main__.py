"""The ``nkwatch`` command (and ``python -m nkwatch``): the command line, and Ctrl-C at any moment exiting 130.

Ctrl-C is caught here as well as in ``nkwatch.cli.main``, so that one pressed while the command line is still being
imported (Typer and Rich take a tenth of a second) also ends the process quietly, with no traceback.
"""

import signal
import sys

EXIT_INTERRUPTED = 130


def run() -> None:
    """Run the command line; an interrupt anywhere exits 130 without a traceback."""
    try:
        from nkwatch.cli import main

        main()
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C while leaving changes nothing
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    run()
