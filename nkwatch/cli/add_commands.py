"""Commands that add to a dataset of one's own: init, add, add-source, add-place and add-actor.

Adds go to the dataset chosen with ``--data`` or ``NKWATCH_DATA``, never to the bundled one. Every new record is
checked against the whole dataset before it is written, and written atomically (``nkwatch.writer``). The questions
and the record shown before confirmation go to stderr; stdout gets only the line saying what was added.
"""


import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Annotated

import typer

from nkwatch.cli import State
from nkwatch.cli.commands import command
from nkwatch.errors import UsageError

FromFile = Annotated[Path | None, typer.Option(
    "--from", help="A YAML file holding one record in the dataset's own format (see data/README.md); "
    "without it, the fields are asked for one by one.")]
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_PAGE_LINES = 20
"""Choices are shown this many lines at a time when a person is at the keyboard."""
DATE_HELP = """Dates no more precise than the sources allow, as a filter takes them or in EDTF:
  2016, Aug 2016, 25 Aug 2016, late Aug 2016   plain forms (late Aug 2016 is days 21 to 31)
  2016-08, 2016-08-25                          the same in digits
  2016-08~ / 2016-08?                          about August 2016 / August 2016 but the source is unsure
  2016-08-20/2016-08-31                        an interval
  ../2016-10-12 / 2021-12/..                   on or before 12 Oct 2016 / from December 2021 on"""


class InputEnded(UsageError):
    """Standard input ran out before every question was answered."""


def _dataset_root() -> Path:
    """The dataset adds go to: only one chosen with --data or NKWATCH_DATA, never the bundled one by default."""
    if State.data is None:
        raise UsageError("no dataset chosen, and the bundled one is never written to; run `nkwatch init DIR` to start "
                         "a copy of your own, then `nkwatch --data DIR add` (or set NKWATCH_DATA=DIR)")
    return State.data


def say(text: str = "") -> None:
    """A line of the dialogue, on stderr."""
    typer.echo(text, err=True)


def _prompted(prompt: Callable[[], object]) -> object:
    """Run a Typer prompt; input that ends is a usage error, Ctrl-C an interrupt (Typer turns both into Abort)."""
    try:
        return prompt()
    except typer.Abort as error:
        if isinstance(error.__context__, EOFError):
            raise InputEnded("the input ended before every question was answered; nothing was written "
                             "(use --from FILE to add without questions)") from None
        raise KeyboardInterrupt from None


def _answer(question: str, default: str | None) -> str:
    # The question is written here, on stderr: Typer would write the prompt's last character to stdout.
    typer.echo(f"{question}: ", nl=False, err=True)
    return _prompted(lambda: typer.prompt("", default=default, prompt_suffix="", show_default=False, err=True))


def ask(question: str, check: Callable[[str], object] = str.strip, optional: bool = False) -> object:
    """Ask until the answer passes check, saying what is wrong with each one that does not."""
    while True:
        text = _answer(question + (" (optional)" if optional else ""), "" if optional else None).strip()
        if optional and not text:
            return None
        try:
            return check(text)
        except (UsageError, ValueError) as error:
            say(f"  {error}")


def _split(text: str) -> list[str]:
    return list(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))


def _screen_width() -> int:
    import shutil

    return shutil.get_terminal_size((80, 24)).columns


def _show_choices(label: str, choices: Iterable[str]) -> None:
    """Every choice, whole, in columns; a page at a time when a person is at the keyboard."""
    import sys

    from nkwatch.layout import in_columns

    values = sorted(choices)
    say(f"{label} ({len(values)}):" if values else f"{label}: (none yet)")
    lines = in_columns(values, _screen_width())
    for start in range(0, len(lines), _PAGE_LINES):
        for line in lines[start:start + _PAGE_LINES]:
            say(line)
        rest = len(lines) - start - _PAGE_LINES
        if rest > 0 and sys.stdin.isatty() and sys.stderr.isatty():
            typer.echo(f"  -- {rest} more lines: Enter to see them, q to stop -- ", nl=False, err=True)
            if _prompted(lambda: typer.prompt("", default="", prompt_suffix="", show_default=False,
                                              err=True)).strip().lower() == "q":
                return


def ids_from(choices: Iterable[str], kind: str) -> Callable[[str], list[str]]:
    """A check: comma-separated ids, each one of choices."""
    known = set(choices)

    def check(text: str) -> list[str]:
        ids = _split(text)
        if not ids:
            raise UsageError(f"give at least one {kind} id")
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise UsageError(_not_a_choice(kind, unknown[0], known))
        return ids

    return check


def _not_a_choice(kind: str, wanted: str, known: Iterable[str]) -> str:
    from nkwatch.query import closest

    close = closest(wanted, known)
    if not close:
        return f"no {kind} has the id {wanted!r}; choose from the list above"
    return f"no {kind} has the id {wanted!r}; did you mean:\n" + "\n".join(f"    {c}" for c in close)


def new_id(taken: Iterable[str], kind: str) -> Callable[[str], str]:
    """A check: a lowercase slug no record of this kind has."""
    used = set(taken)

    def check(text: str) -> str:
        if not _SLUG.fullmatch(text):
            raise UsageError("an id is lowercase letters and digits joined by single hyphens (tomsk-walkout)")
        if text in used:
            raise UsageError(f"{kind} {text!r} exists already; choose another id")
        return text

    return check


def edtf(text: str) -> str:
    """A check: a date as a filters take it (late Aug 2016) or in the EDTF subset; says what will be stored."""
    from nkwatch.dates import date_in_words, parse_edtf, precision_words
    from nkwatch.loosedates import loose_date

    try:
        stored = loose_date(text)
    except ValueError:
        try:
            parse_edtf(text)
        except ValueError as error:
            raise UsageError(f"{error}; or write it as Aug 2016, 25 Aug 2016 or late Aug 2016") from None
        stored = text
    value = parse_edtf(stored)
    say(f"  will store {stored}: {date_in_words(value)}, {precision_words(value)}")
    return stored


def text_required(text: str) -> str:
    """A check: any text but none."""
    if not text:
        raise UsageError("this field is required")
    return text


def one_of(choices: Iterable[str]) -> Callable[[str], str]:
    """A check: one of a few words."""
    allowed = list(choices)

    def check(text: str) -> str:
        if text not in allowed:
            raise UsageError(f"choose one of: {', '.join(allowed)}")
        return text

    return check


def countries_from(dataset) -> Callable[[str], list[str]]:
    """A check: comma-separated country codes or names, turned into ISO alpha-2 codes."""
    from nkwatch.query import resolve_country

    def check(text: str) -> list[str]:
        codes = [resolve_country(dataset, part) for part in _split(text)]
        if not codes:
            raise UsageError("give at least one country")
        return list(dict.fromkeys(codes))

    return check


def people_count(text: str) -> int | dict:
    """A check: a whole number, or MIN-MAX."""
    low, _, high = text.partition("-")
    if not (low.strip().isdigit() and (not high or high.strip().isdigit())):
        raise UsageError("write a whole number (13) or a range (6-10)")
    if not high:
        return int(low)
    if int(high) < int(low):
        raise UsageError("the range runs low to high: 6-10")
    return {"min": int(low), "max": int(high)}


def _ask_ids(label: str, choices: Iterable[str], kind: str, optional: bool = False) -> list[str]:
    _show_choices(f"{label} to choose from", choices)
    return ask(f"{label}, comma-separated ids", ids_from(choices, kind), optional) or []


def coordinate(low: float, high: float) -> Callable[[str], float]:
    """A check: a decimal number from low to high (a latitude or longitude)."""

    def check(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"write a decimal number from {low:g} to {high:g} (56.5)") from None
        if not low <= value <= high:
            raise UsageError(f"write a decimal number from {low:g} to {high:g} (56.5)")
        return value

    return check


def _ask_attestation() -> dict:
    say("Who says so: named (a named person), anonymous (an unnamed source through an outlet), outlet (the outlet's "
        "own reporting) or document (an official document)")
    basis = ask("Basis", one_of(("named", "anonymous", "outlet", "document")))
    asserted_by = ask("Asserted by (the person, or a description of the source)", text_required)
    outlets = ask("Outlets that carried it, comma-separated", _split, optional=True)
    return {"basis": basis, "asserted_by": asserted_by, "outlets": outlets or []}


def ask_event(dataset) -> dict:
    """Every field of a new event, asked one by one with the valid choices."""
    value: dict = {"id": ask("Id, lowercase words joined by hyphens", new_id(dataset.events, "event"))}
    value["title"] = ask("Title, a short headline in your own words", text_required)
    say(DATE_HELP)
    value["date"] = ask("Date", edtf)
    value["date_note"] = ask("Date note: what the sources say about the date", optional=True)
    _show_choices("Countries in this dataset (any ISO code or country name is accepted)",
                  {c for e in dataset.events.values() for c in e.countries})
    value["countries"] = ask("Countries, comma-separated codes or names", countries_from(dataset))
    value["places"] = _ask_ids("Places", dataset.places, "place", optional=True)
    actors = _ask_ids("Actors", dataset.actors, "actor", optional=True)
    value["actors"] = [{"actor": a, "role": ask(f"Role of {a} in the event", text_required)} for a in actors]
    value["themes"] = _ask_ids("Themes", dataset.themes, "theme")
    value["people"] = ask("How many people: a number or MIN-MAX", people_count, optional=True)
    value["summary"] = ask("Summary: what happened, in your own words", text_required)
    sources = _ask_ids("Sources", dataset.sources, "source")
    value["sources"] = [{"source": s, "supports": ask(f"What {s} supports", optional=True)} for s in sources]
    value["attestation"] = _ask_attestation()
    value["related"] = _ask_ids("Related events", dataset.events, "event", optional=True)
    return value


def ask_source(dataset) -> dict:
    """Every field of a new source, asked one by one."""
    value: dict = {"id": ask("Id, lowercase words joined by hyphens (dailynk-2016-10-mokran)",
                             new_id(dataset.sources, "source"))}
    value["publisher"] = ask("Publisher: the outlet, ministry or organisation", text_required)
    value["title"] = ask("Title, as published", text_required)
    value["author"] = ask("Author", optional=True)
    say(DATE_HELP)
    value["published"] = ask("Published", edtf)
    value["url"] = ask("Address (http:// or https://)", optional=True)
    kinds = ("news", "blog", "government", "ngo", "report", "wire", "other")
    value["kind"] = ask(f"Kind ({', '.join(kinds)})", one_of(kinds))
    value["language"] = ask("Language, a two-letter ISO 639-1 code (en, ko, ru)", text_required)
    value["notes"] = ask("Notes: how the date was established, whom it relays", optional=True)
    return value


def ask_place(dataset) -> dict:
    """Every field of a new place, asked one by one."""
    value: dict = {"id": ask("Id, lowercase words joined by hyphens (tomsk)", new_id(dataset.places, "place"))}
    value["name"] = ask("Name, as English writes it", text_required)
    value["aliases"] = ask("Other names and spellings, comma-separated", _split, optional=True) or []
    value["country"] = ask("Country: an ISO code or a name", countries_from(dataset))[0]
    value["lat"] = ask("Latitude (decimal degrees, north positive)", coordinate(-90, 90), optional=True)
    value["lon"] = ask("Longitude (decimal degrees, east positive)", coordinate(-180, 180), optional=True)
    return value


ACTOR_KINDS = ("person", "state-body", "company", "ngo", "media", "research", "government", "group")


def ask_actor(dataset) -> dict:
    """Every field of a new actor, asked one by one."""
    value: dict = {"id": ask("Id, lowercase words joined by hyphens (thae-yong-ho)", new_id(dataset.actors, "actor"))}
    value["name"] = ask("Name, as English writes it", text_required)
    value["aliases"] = ask("Other names and spellings, comma-separated", _split, optional=True) or []
    value["kind"] = ask(f"Kind ({', '.join(ACTOR_KINDS)})", one_of(ACTOR_KINDS))
    value["countries"] = ask("Countries, comma-separated codes or names", countries_from(dataset), optional=True) or []
    value["description"] = ask("Description: who they are, in your own words", optional=True)
    return value


def _add(folder: str, questions: Callable, from_file: Path | None) -> None:
    """Add a record to FOLDER: read from a YAML file when one is given, else asked field by field."""
    if from_file is not None:
        _from_file(folder, from_file)
    else:
        _interactive(folder, questions)


def _interactive(folder: str, questions: Callable) -> None:
    """Ask for a record, check it against the dataset, show it, and write it on confirmation."""
    from nkwatch.loader import load_dataset
    from nkwatch.writer import SINGULAR, check_record, dump_record, refuse_bundled, write_record

    root = _dataset_root()
    refuse_bundled(root)
    answers = questions(load_dataset(root))
    checked = check_record(root, folder, dump_record(folder, answers, root), f"the new {SINGULAR[folder]}")
    say("\n" + dump_record(folder, checked, root))
    typer.echo(f"Add this {SINGULAR[folder]}? [y/N]: ", nl=False, err=True)
    if not _prompted(lambda: typer.confirm("", default=False, prompt_suffix="", show_default=False, err=True)):
        say("Nothing was written.")
        return
    _added(folder, write_record(root, folder, checked))


def _from_file(folder: str, path: Path) -> None:
    from nkwatch.writer import add_record_file

    _added(folder, add_record_file(_dataset_root(), folder, path))


def _added(folder: str, path: Path) -> None:
    from nkwatch.writer import SINGULAR

    typer.echo(f"added {SINGULAR[folder]} {path.stem} ({path})")


@command("init")
def init(
    directory: Annotated[Path, typer.Argument(help="A new or empty folder to hold the copy.", metavar="DIR")],
) -> None:
    """Start a dataset of your own at DIR, as a copy of the bundled one; add to it with --data DIR.

    Examples:

      nkwatch init ~/nkwatch-data

      nkwatch --data ~/nkwatch-data add

      export NKWATCH_DATA=~/nkwatch-data; nkwatch add --from new-event.yaml
    """
    from nkwatch.writer import init_dataset

    init_dataset(directory)
    typer.echo(f"started a dataset at {directory}; add to it with: nkwatch --data {directory} add")


@command("add")
def add(from_file: FromFile = None) -> None:
    """Add an event: asked field by field, or read from a YAML file; checked against the whole dataset first.

    Exits 1, writing nothing, when the id exists, a reference names nothing, or the folder is read-only.

    Examples:

      nkwatch --data ~/nkwatch-data add

      nkwatch --data ~/nkwatch-data add --from tomsk-walkout.yaml

      NKWATCH_DATA=~/nkwatch-data nkwatch add --from event.yaml
    """
    _add("events", ask_event, from_file)


@command("add-source")
def add_source(from_file: FromFile = None) -> None:
    """Add a source (an article, report or statement): asked field by field, or read from a YAML file.

    Examples:

      nkwatch --data ~/nkwatch-data add-source

      nkwatch --data ~/nkwatch-data add-source --from dailynk-2016-10-mokran.yaml

      NKWATCH_DATA=~/nkwatch-data nkwatch add-source --from source.yaml
    """
    _add("sources", ask_source, from_file)


@command("add-place")
def add_place(from_file: FromFile = None) -> None:
    """Add a place (a city, site or border crossing): asked field by field, or read from a YAML file.

    Examples:

      nkwatch --data ~/nkwatch-data add-place

      nkwatch --data ~/nkwatch-data add-place --from tomsk.yaml
    """
    _add("places", ask_place, from_file)


@command("add-actor")
def add_actor(from_file: FromFile = None) -> None:
    """Add an actor (a person, state body, company or outlet): asked field by field, or read from a YAML file.

    Examples:

      nkwatch --data ~/nkwatch-data add-actor

      nkwatch --data ~/nkwatch-data add-actor --from thae-yong-ho.yaml
    """
    _add("actors", ask_actor, from_file)
