"""Run the command line as ``python -m nkwatch``."""

from nkwatch.cli import main

if __name__ == "__main__":
    main()
