"""The ``nkwatch`` command (and ``python -m nkwatch``): start the dataset's freshness check, then the command line.

The check is started before ``nkwatch.cli`` imports Typer and Rich, so that on a large dataset stat'ing the files
(in forked processes) overlaps those imports.
"""

import os
import sys


def run() -> None:
    """Run the command line."""
    from nkwatch.freshness import start_for_command_line

    start_for_command_line(sys.argv[1:], os.environ)
    from nkwatch.cli import main

    main()


if __name__ == "__main__":
    run()
