"""The nkwatch benchmark: whole-process times against a floor measured in the same run.

Usage (from the checkout, with nkwatch installed in the active environment):

    python bench/run.py [--sizes 1000,10000,100000] [--runs 7]

It generates synthetic datasets in the real on-disk format (and the same events as one JSON file for jq), then
times, as medians of several runs after a warm-up: the interpreter alone (`python -c pass`, the floor), the
installed `nkwatch` command on the bundled data and on each synthetic dataset, libyaml's C loader parsing the same
files (the bar for the first index build), and jq running the same country filter over the JSON file. It prints
times, ratios to the floor and to jq, and each command's peak memory.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
sys.path.insert(0, str(HERE))

from generate import SEARCHED_WORD, generate  # noqa: E402

# The command users run: the script pip installs beside this interpreter (`python -m nkwatch` adds runpy's ~2 ms).
_SCRIPT = Path(sys.executable).with_name("nkwatch")
NKWATCH = [str(_SCRIPT)] if _SCRIPT.is_file() else [sys.executable, "-m", "nkwatch"]
LIBYAML_PARSE = (
    "import sys, yaml, os\n"
    "root = sys.argv[1]\n"
    "for folder in ('sources', 'actors', 'places', 'events'):\n"
    "    d = os.path.join(root, folder)\n"
    "    for name in os.listdir(d):\n"
    "        with open(os.path.join(d, name), 'rb') as f:\n"
    "            yaml.load(f, Loader=yaml.CSafeLoader)\n"
)
STAT_EVERY_FILE = (
    "import sys, os\n"
    "root = sys.argv[1]\n"
    "for folder in ('sources', 'actors', 'places', 'events', 'figures'):\n"
    "    with os.scandir(os.path.join(root, folder)) as entries:\n"
    "        for entry in entries:\n"
    "            entry.stat(follow_symlinks=False)\n"
)
"""What any freshness check that looks at every file's size and time costs at least: the interpreter, and one
lstat a file (what `find -printf '%s %T@'` pays too)."""

EDITS = 5
"""Queries timed after an edit, each after a file of its own was changed."""

BUILD_RUNS = 3
"""First builds timed at 100,000 events (a minute a pair); smaller sizes take --runs pairs, since a build of a few
hundred milliseconds varies by a third from one run to the next on a shared machine."""


def timed(command: list[str], env: dict) -> tuple[float, int]:
    """One whole-process run: wall seconds and peak resident memory in KiB (from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: command failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss


def median_run(command: list[str], env: dict, runs: int, warmups: int = 1) -> tuple[float, int]:
    """Median wall time and peak memory over RUNS runs after WARMUPS unmeasured ones."""
    for _ in range(warmups):
        timed(command, env)
    samples = [timed(command, env) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


FLOOR = [sys.executable, "-c", "pass"]


def paired_run(command: list[str], env: dict, runs: int) -> tuple[float, int, float]:
    """Median wall time and peak memory of a command, and the median of the floor run just before each of its runs:
    a ratio of the two is not moved by the machine slowing down or speeding up between one row and the next."""
    timed(command, env)
    floors, samples = [], []
    for _ in range(runs):
        floors.append(timed(FLOOR, env)[0])
        samples.append(timed(command, env))
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples), statistics.median(floors)


class Table:
    """Rows of measurements, printed as a Markdown table with ratios."""

    def __init__(self, floor: float):
        self.floor = floor
        self.rows: list[tuple[str, float, float | None, int, float]] = []

    def add(self, name: str, seconds: float, memory_kib: int, jq: float | None = None,
            floor: float | None = None) -> None:
        """A row; its ratio is to the floor given (measured beside it), else to the run's first floor."""
        self.rows.append((name, seconds, jq, memory_kib, floor or self.floor))
        print(f"  {name}: {seconds * 1000:.0f} ms", file=sys.stderr, flush=True)

    def render(self) -> str:
        lines = ["| command | median | × floor | × jq (lower is faster) | peak memory |", "|---|---:|---:|---:|---:|"]
        for name, seconds, jq, memory, floor in self.rows:
            versus_jq = f"{seconds / jq:.2f}" if jq else ""
            lines.append(f"| `{name}` | {seconds * 1000:.0f} ms | {seconds / floor:.1f} | {versus_jq} | "
                         f"{memory / 1024:.0f} MB |")
        return "\n".join(lines)


def bundled(table: Table, env: dict, runs: int) -> None:
    """The everyday commands on the bundled dataset, piped (as scripts run them), then two as a terminal shows
    them (Rich's layout, at 80 columns)."""
    for args in (["--help"], ["show", "Ningpo 13"], ["timeline", "--country", "russia"], ["list"],
                 ["search", "smartphone"], ["facts", "wage"], ["stats"], ["cite", "ningpo"],
                 ["export", "--format", "csv"], ["validate"]):
        seconds, memory, floor = paired_run([*NKWATCH, *args], env, runs)
        table.add(f"nkwatch {' '.join(args)}", seconds, memory, floor=floor)
    terminal = {**env, "TTY_COMPATIBLE": "1", "COLUMNS": "80"}
    for args in (["timeline", "--country", "russia"], ["show", "Ningpo 13"]):
        seconds, memory, floor = paired_run([*NKWATCH, *args], terminal, runs)
        table.add(f"nkwatch {' '.join(args)} (terminal layout)", seconds, memory, floor=floor)


def synthetic(table: Table, env: dict, size: int, runs: int, build_runs: int = BUILD_RUNS) -> None:
    """First build, warm queries, jq, and the query after one file changes, at one dataset size."""
    root = OUT / f"data-{size}"
    json_path = generate(root, size) if not root.exists() else root.with_suffix(".json")
    data_env = {**env, "NKWATCH_DATA": str(root)}
    # Interleaved, so that a slow spell of the machine weighs on both: each varies by a few seconds at 100,000.
    parses, builds = [], []
    build_runs = runs if size <= 10_000 else build_runs
    for _ in range(build_runs):
        parses.append(timed([sys.executable, "-c", LIBYAML_PARSE, str(root)], env))
        shutil.rmtree(Path(env["XDG_CACHE_HOME"]), ignore_errors=True)
        builds.append(timed([*NKWATCH, "validate"], data_env))
    for name, samples in ((f"libyaml C loader, {size:,} files", parses),
                          (f"first run (index build), {size:,} events", builds)):
        table.add(f"{name}, median of {build_runs}", statistics.median(s[0] for s in samples),
                  max(s[1] for s in samples))
    stat_floor, stat_memory = median_run([sys.executable, "-c", STAT_EVERY_FILE, str(root)], env, runs)
    table.add(f"python: lstat of every file, {size:,} events (the freshness floor)", stat_floor, stat_memory)
    jq_filter = '[.[] | select(.countries | index("RU"))]'
    jq, jq_memory = median_run(["jq", "-c", jq_filter, str(json_path)], env, runs)
    table.add(f"jq country filter, {size:,} events", jq, jq_memory)
    for args in (["timeline", "--country", "russia", "--limit", "50"], ["export", "--format", "csv", "--country",
                                                                        "russia"],
                 ["search", SEARCHED_WORD, "--limit", "50"]):
        seconds, memory = median_run([*NKWATCH, *args], data_env, runs)
        table.add(f"nkwatch {' '.join(args)} ({size:,})", seconds, memory, jq)
    samples = []
    for number in range(EDITS):  # a different file each time, so that each query has one changed file to read
        changed = root / "events" / f"event-{number:06d}.yaml"
        changed.write_text(changed.read_text().replace("title: ", "title: Changed ", 1))
        samples.append(timed([*NKWATCH, "timeline", "--country", "russia", "--limit", "50"], data_env))
    seconds, memory = sorted(samples)[EDITS // 2]
    table.add(f"query after one file changed ({size:,}), median of {EDITS}", seconds, memory)


def compile_package() -> None:
    """Byte-compile nkwatch as `pip install` does, so that an editable install is not timed recompiling itself."""
    import compileall

    import nkwatch

    compileall.compile_dir(str(Path(nkwatch.__file__).parent), quiet=1)


def machine() -> str:
    """A line describing the machine the figures come from."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"
    return f"{system}, {cpu}, Python {platform.python_version()}"


def main() -> None:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--build-runs", type=int, default=BUILD_RUNS, help="first builds timed above 10,000 events")
    args = parser.parse_args()
    if not shutil.which("jq"):
        raise SystemExit("bench: jq is needed (apt-get install jq)")
    cache = Path(tempfile.mkdtemp(prefix="nkwatch-bench-cache-"))
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "NO_COLOR": "1"}
    env.pop("NKWATCH_DATA", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    compile_package()
    floor, memory = median_run(FLOOR, env, args.runs * 2)
    table = Table(floor)
    table.add("python -c pass (floor)", floor, memory)
    bundled(table, env, args.runs)
    for size in (int(s) for s in args.sizes.split(",")):
        synthetic(table, env, size, args.runs, args.build_runs)
    print(f"Machine: {machine()}\n")
    print(table.render())
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
