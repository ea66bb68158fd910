"""What each start-up trick that reaches into another library buys: whole-process times with and without it.

Usage: python bench/tricks.py [--rounds 20]

Each pair of variants runs interleaved, round after round, on the bundled dataset (index built first), and the
medians are printed. The variants without a trick are made here, in the measuring process's command line, so that
nkwatch itself carries no switch for them:
- help screens: ``nkwatch --help`` with ``cli/helpscreen.py``'s stand-ins, against Typer's help renderer imported
  the ordinary way first;
- a quick exit: ``nkwatch timeline`` ending through the interpreter's teardown, against ``os._exit`` after the
  exit handlers and a flush.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

RUN = "import sys; sys.argv = ['nkwatch', *sys.argv[1:]]\n"
PLAIN = RUN + "from nkwatch.__main__ import run; run()\n"
ORDINARY_HELP = RUN + "import typer.rich_utils\nfrom nkwatch.__main__ import run; run()\n"
QUICK_EXIT = RUN + (
    "import atexit, os\n"
    "from nkwatch.cli import main\n"
    "try:\n    main()\nexcept SystemExit as done:\n    code = done.code\n"
    "atexit._run_exitfuncs(); sys.stdout.flush(); sys.stderr.flush(); os._exit(code or 0)\n")

PAIRS = {
    "help screen stand-ins (nkwatch --help)": (["--help"], PLAIN, ORDINARY_HELP),
    "quick exit, os._exit (nkwatch timeline)": (["timeline", "--country", "russia"], QUICK_EXIT, PLAIN),
}
"""What is measured: arguments, the variant with the trick, the variant without it."""


def timed(script: str, args: list[str], env: dict) -> float:
    """Wall seconds of one process."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, *args], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    """Measure every pair and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    env = {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp(prefix="nkwatch-tricks-"), "NO_COLOR": "1"}
    env.pop("NKWATCH_DATA", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    timed(PLAIN, ["validate"], env)
    print("| trick | with | without | saved |\n|---|---:|---:|---:|")
    for name, (args, with_trick, without) in PAIRS.items():
        samples: dict[str, list[float]] = {"with": [], "without": []}
        timed(with_trick, args, env)
        timed(without, args, env)
        for _ in range(rounds):
            samples["with"].append(timed(with_trick, args, env))
            samples["without"].append(timed(without, args, env))
        with_ms, without_ms = (statistics.median(samples[k]) * 1000 for k in ("with", "without"))
        print(f"| {name} | {with_ms:.0f} ms | {without_ms:.0f} ms | {without_ms - with_ms:.0f} ms |", flush=True)


if __name__ == "__main__":
    main()
