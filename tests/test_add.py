"""Adding data: init, add and add-source through the CLI; nothing is ever lost, half-written or overwritten."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import nkwatch
from clirun import run
from nkwatch.loader import bundled_data_path, load_dataset

NEW_EVENT = """\
id: new-walkout
title: A second crew walks out
date: 2016-09
countries: [RU]
actors:
  - {actor: acme-works, role: employer}
themes: [defection]
people: 12
summary: A fictional crew left another site.
sources:
  - {source: alpha-news, supports: the head count}
attestation: {basis: outlet, asserted_by: Alpha News}
"""

INSTALLED_SCHEMAS = Path(nkwatch.__file__).parent / "schema"
# A dataset outside nkwatch's checkout names the installed schema by its file URI, which an editor can open.
# The file as written: the schema line first and the date quoted, as the dataset's format has it.
WRITTEN_EVENT = (f"# yaml-language-server: $schema={(INSTALLED_SCHEMAS / 'event.schema.json').as_uri()}\n"
                 + NEW_EVENT.replace("date: 2016-09", 'date: "2016-09"'))


READ_ONLY = "the dataset folder is read-only; nothing was written\n"


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (hidden ones too) with its bytes: what 'unchanged' is checked against."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def event_file(tmp_path: Path, text: str = NEW_EVENT, name: str = "new.yaml") -> Path:
    """A --from file outside the dataset."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def nk(capsys, mini):
    """Run nkwatch against the writable mini dataset."""
    return lambda *args: run(capsys, "--data", str(mini), *args)


def test_add_from_file_writes_the_event_in_the_dataset_format(nk, mini, tmp_path):
    result = nk("add", "--from", str(event_file(tmp_path)))
    target = mini / "events" / "new-walkout.yaml"
    assert (result.code, result.out, result.err) == (0, f"added event new-walkout ({target})\n", "")
    assert target.read_text(encoding="utf-8") == WRITTEN_EVENT
    assert load_dataset(mini).events["new-walkout"].people.min == 12
    assert not [p for p in (mini / "events").iterdir() if p.name.startswith(".")]


def test_added_event_is_listed_at_once(nk, tmp_path):
    nk("timeline")  # builds the index before the add
    nk("add", "--from", str(event_file(tmp_path)))
    assert "A second crew walks out" in nk("timeline").out


def test_add_goes_to_the_dataset_named_by_nkwatch_data(capsys, mini, tmp_path, monkeypatch):
    monkeypatch.setenv("NKWATCH_DATA", str(mini))
    result = run(capsys, "add", "--from", str(event_file(tmp_path)))
    assert result.code == 0
    assert (mini / "events" / "new-walkout.yaml").is_file()


def test_existing_id_is_refused_and_nothing_written(nk, mini, tmp_path):
    before = snapshot(mini)
    result = nk("add", "--from", str(event_file(tmp_path, NEW_EVENT.replace("new-walkout", "tomsk-walkout"))))
    assert result.code == 1
    assert result.err == (f"nkwatch: event 'tomsk-walkout' exists already ({mini}/events/tomsk-walkout.yaml); "
                          "nothing was written\n")
    assert snapshot(mini) == before


def test_second_add_of_the_same_event_is_refused(nk, mini, tmp_path):
    source = str(event_file(tmp_path))
    assert nk("add", "--from", source).code == 0
    after_first = snapshot(mini)
    second = nk("add", "--from", source)
    assert second.code == 1
    assert "event 'new-walkout' exists already" in second.err
    assert snapshot(mini) == after_first


def test_dangling_reference_is_refused_with_file_and_line(nk, mini, tmp_path):
    before = snapshot(mini)
    path = event_file(tmp_path, NEW_EVENT.replace("{actor: acme-works", "{actor: acme-wrks"))
    result = nk("add", "--from", str(path))
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{path}:6:6: new-walkout actors[0].actor: no actor has the id 'acme-wrks'; did you mean acme-works?",
        "nkwatch: the event was not added: 1 problem; nothing was written",
    ]
    assert snapshot(mini) == before


def test_invalid_record_is_refused_with_every_problem(nk, mini, tmp_path):
    path = event_file(tmp_path, NEW_EVENT.replace("people: 12", "people: x\ncolour: red"))
    result = nk("add", "--from", str(path))
    assert result.code == 1
    assert result.err.splitlines()[-1] == "nkwatch: the event was not added: 2 problems; nothing was written"
    assert not (mini / "events" / "new-walkout.yaml").exists()


def test_unreadable_from_file_is_a_data_error(nk, tmp_path):
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"id: x\n\x00\x00")
    result = nk("add", "--from", str(path))
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{path}:2: is binary (holds NUL bytes), not YAML text"


def test_missing_from_file_is_a_usage_error(nk, tmp_path):
    result = nk("add", "--from", str(tmp_path / "nothing.yaml"))
    assert (result.code, result.err) == (2, f"nkwatch: --from {tmp_path}/nothing.yaml: no such file\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders; see the simulated test below")
def test_read_only_dataset_is_refused(nk, mini, tmp_path):
    (mini / "events").chmod(0o555)
    try:
        result = nk("add", "--from", str(event_file(tmp_path)))
    finally:
        (mini / "events").chmod(0o755)
    assert result.code == 1
    assert result.err == f"nkwatch: cannot write to {mini}/events: {READ_ONLY}"


def test_read_only_dataset_is_refused_simulated(nk, mini, tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    before = snapshot(mini)
    result = nk("add", "--from", str(event_file(tmp_path)))
    assert result.code == 1
    assert result.err == f"nkwatch: cannot write to {mini}/events: {READ_ONLY}"
    assert snapshot(mini) == before


def test_no_dataset_chosen_is_refused(capsys, tmp_path):
    result = run(capsys, "add", "--from", str(event_file(tmp_path)))
    assert result.code == 2
    assert result.err.startswith("nkwatch: no dataset chosen, and the bundled one is never written to; run "
                                 "`nkwatch init DIR`")


def test_dataset_inside_the_package_is_refused(capsys, tmp_path):
    inside = Path(__import__("nkwatch").__file__).parent / "data"
    result = run(capsys, "--data", str(inside), "add", "--from", str(event_file(tmp_path)))
    assert result.code == 2
    assert "inside the installed nkwatch package" in result.err
    assert "nkwatch init DIR" in result.err


@pytest.mark.parametrize("where", ["check", "fsync", "link"])
def test_interrupt_during_add_leaves_the_dataset_unchanged(nk, mini, tmp_path, monkeypatch, where):
    import nkwatch.loader
    import nkwatch.writer

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    target = {"check": (nkwatch.loader, "check_candidate"), "fsync": (os, "fsync"), "link": (os, "link")}[where]
    monkeypatch.setattr(*target, interrupt)
    before = snapshot(mini)
    result = nk("add", "--from", str(event_file(tmp_path)))
    assert (result.code, result.out, result.err) == (130, "", "")
    assert snapshot(mini) == before


def test_add_source_from_file(nk, mini, tmp_path):
    path = event_file(tmp_path, "id: gamma-wire\npublisher: Gamma Wire\ntitle: A wire story\nauthor: null\n"
                                "published: 2017-01-05\nurl: null\nkind: wire\nlanguage: en\n", "source.yaml")
    result = nk("add-source", "--from", str(path))
    assert result.code == 0
    assert (mini / "sources" / "gamma-wire.yaml").read_text(encoding="utf-8") == (
        f"# yaml-language-server: $schema={(INSTALLED_SCHEMAS / 'source.schema.json').as_uri()}\nid: gamma-wire\n"
        "publisher: Gamma Wire\ntitle: A wire story\nauthor: null\npublished: \"2017-01-05\"\nurl: null\nkind: wire\n"
        "language: en\n")
    assert "gamma-wire" in load_dataset(mini).sources


def test_hostile_text_in_an_added_event_is_stored_inert(nk, mini, tmp_path):
    title = 'title: "[bold red]X[/] \\e[2J \\e]0;title\\a \\u202Eend"'
    nk("add", "--from", str(event_file(tmp_path, NEW_EVENT.replace("title: A second crew walks out", title))))
    assert load_dataset(mini).events["new-walkout"].title == "[bold red]X[/] [2J ]0;title end"


ANSWERS = [
    "Bad Id", "walk-two",            # an invalid id is asked again
    "Second walkout",
    "2016-13", "2016-09",            # so is an invalid date
    "",                              # date note (optional)
    "russia, CN",                    # countries by name or code
    "",                              # places
    "acme-works", "employer",        # actors, then each one's role
    "defection, nope", "defection",  # an unknown theme is asked again
    "6-10",
    "A second fictional walkout.",
    "alpha-news", "the count",       # sources, then what each supports
    "outlet", "Alpha News", "",      # attestation
    "",                              # related
]


def interactive(capsys, monkeypatch, mini, answers: list[str]):
    """Run `nkwatch add` with the answers on standard input."""
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(a + "\n" for a in answers)))
    return run(capsys, "--data", str(mini), "add")


def test_interactive_add_asks_each_field_and_writes_on_confirmation(capsys, monkeypatch, mini):
    result = interactive(capsys, monkeypatch, mini, [*ANSWERS, "y"])
    assert result.code == 0
    assert result.out == f"added event walk-two ({mini}/events/walk-two.yaml)\n"
    assert "an id is lowercase letters and digits joined by single hyphens" in result.err
    assert "'2016-13' has month 13; months run 01 to 12" in result.err
    assert "Themes to choose from (3):\n  arrest     defection  protest\n" in result.err
    assert "2016-08-20/2016-08-31                        an interval" in result.err
    assert "  will store 2016-09: September 2016, to the month\n" in result.err
    assert "date: \"2016-09\"\ncountries: [RU, CN]" in result.err  # the record is shown before confirmation
    event = load_dataset(mini).events["walk-two"]
    assert (event.countries, event.people.max, event.actors[0].role) == (("RU", "CN"), 10, "employer")


def test_interactive_add_declined_writes_nothing(capsys, monkeypatch, mini):
    before = snapshot(mini)
    result = interactive(capsys, monkeypatch, mini, [*ANSWERS, "n"])
    assert (result.code, result.out) == (0, "")
    assert result.err.endswith("Nothing was written.\n")
    assert snapshot(mini) == before


def test_interactive_add_with_input_ending_early_is_a_usage_error(capsys, monkeypatch, mini):
    before = snapshot(mini)
    result = interactive(capsys, monkeypatch, mini, ANSWERS[:5])
    assert result.code == 2
    assert result.err.splitlines()[-1].endswith("nkwatch: the input ended before every question was answered; "
                                                "nothing was written (use --from FILE to add without questions)")
    assert snapshot(mini) == before


def test_ctrl_c_at_a_question_exits_130_and_writes_nothing(capsys, monkeypatch, mini):
    class Interrupting(io.StringIO):
        def readline(self, *args):
            raise KeyboardInterrupt

    before = snapshot(mini)
    monkeypatch.setattr(sys, "stdin", Interrupting())
    result = run(capsys, "--data", str(mini), "add")
    assert result.code == 130
    assert "Traceback" not in result.err
    assert snapshot(mini) == before


def test_interactive_add_source(capsys, monkeypatch, mini):
    answers = ["gamma-wire", "Gamma Wire", "A wire story", "", "2017-01-05", "", "wire", "en", "", "y"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(a + "\n" for a in answers)))
    result = run(capsys, "--data", str(mini), "add-source")
    assert result.code == 0
    assert load_dataset(mini).sources["gamma-wire"].kind == "wire"


def test_interactive_add_takes_plain_dates_and_suggests_ids(capsys, monkeypatch, mini):
    answers = [*ANSWERS[:3], "late Aug 2016", *ANSWERS[5:8], "acme-work", "acme-works", *ANSWERS[9:], "y"]
    result = interactive(capsys, monkeypatch, mini, answers)
    assert result.code == 0, result.err
    assert "  will store 2016-08-21/2016-08-31: late August 2016, to the day\n" in result.err
    assert "  no actor has the id 'acme-work'; did you mean:\n    acme-works\n" in result.err
    assert load_dataset(mini).events["walk-two"].date.text == "2016-08-21/2016-08-31"


def test_interactive_add_place_and_actor(capsys, monkeypatch, mini):
    place = ["omsk", "Omsk", "Омск", "russia", "95", "54.99", "73.37", "y"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(a + "\n" for a in place)))
    result = run(capsys, "--data", str(mini), "add-place")
    assert (result.code, result.out) == (0, f"added place omsk ({mini}/places/omsk.yaml)\n")
    assert "write a decimal number from -90 to 90 (56.5)" in result.err
    actor = ["omsk-works", "Omsk Works", "", "firm", "company", "RU", "A fictional employer.", "y"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(a + "\n" for a in actor)))
    result = run(capsys, "--data", str(mini), "add-actor")
    assert (result.code, result.out) == (0, f"added actor omsk-works ({mini}/actors/omsk-works.yaml)\n")
    dataset = load_dataset(mini)
    assert (dataset.places["omsk"].country, dataset.places["omsk"].lat) == ("RU", 54.99)
    assert (dataset.actors["omsk-works"].kind, dataset.actors["omsk-works"].countries) == ("company", ("RU",))


def test_init_copies_the_bundled_dataset(capsys, tmp_path):
    target = tmp_path / "mine"
    result = run(capsys, "init", str(target))
    assert result.code == 0
    assert result.out == f"started a dataset at {target}; add to it with: nkwatch --data {target} add\n"
    bundled = bundled_data_path()
    copied = {p.relative_to(target) for p in target.rglob("*.yaml")}
    assert copied == {p.relative_to(bundled) for p in bundled.rglob("*.yaml")}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left
    for path in [target / "themes.yaml", *target.glob("*/*.yaml")]:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        schema = first.removeprefix("# yaml-language-server: $schema=file://")
        assert Path(schema).parent == INSTALLED_SCHEMAS and Path(schema).is_file(), (path, first)
    assert run(capsys, "--data", str(target), "validate").code == 0


def test_init_into_an_empty_folder(capsys, tmp_path):
    (tmp_path / "empty").mkdir()
    assert run(capsys, "init", str(tmp_path / "empty")).code == 0
    assert (tmp_path / "empty" / "themes.yaml").is_file()


def test_init_refuses_a_non_empty_folder(capsys, tmp_path):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    result = run(capsys, "init", str(tmp_path / "full"))
    assert (result.code, result.err) == (2, f"nkwatch: {tmp_path}/full is not empty; nkwatch init needs a new or "
                                            "empty folder\n")
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["notes.txt"]


def test_init_never_writes_into_the_package(capsys):
    inside = Path(__import__("nkwatch").__file__).parent / "my-copy"
    result = run(capsys, "init", str(inside))
    assert result.code == 2
    assert not inside.exists()


def _subprocess_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NKWATCH_DATA", "FORCE_COLOR")}
    env.update(NO_COLOR="1", XDG_CACHE_HOME=str(tmp_path / "cache"))
    return env


def _add_at_once(mini: Path, files: list[Path], env: dict[str, str]) -> list[subprocess.CompletedProcess]:
    """Start one `nkwatch add --from` per file, all before any has finished, and wait for them all."""
    processes = [subprocess.Popen([sys.executable, "-m", "nkwatch", "--data", str(mini), "add", "--from", str(f)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
                 for f in files]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def test_twenty_adds_at_once_each_with_its_own_id(mini, tmp_path):
    files = [event_file(tmp_path, NEW_EVENT.replace("new-walkout", f"walkout-{i}"), f"e{i}.yaml") for i in range(20)]
    results = _add_at_once(mini, files, _subprocess_env(tmp_path))
    assert [(r.returncode, r.stderr) for r in results] == [(0, "")] * 20
    dataset = load_dataset(mini)
    assert {f"walkout-{i}" for i in range(20)} <= set(dataset.events)
    assert len(dataset.events) == 24
    assert not [p for p in (mini / "events").iterdir() if p.name.startswith(".")]


def test_adds_of_one_id_at_once_let_exactly_one_through(mini, tmp_path):
    files = [event_file(tmp_path, NEW_EVENT.replace("people: 12", f"people: {i}"), f"e{i}.yaml") for i in range(8)]
    results = _add_at_once(mini, files, _subprocess_env(tmp_path))
    assert sorted(r.returncode for r in results) == [0] + [1] * 7
    assert all("event 'new-walkout' exists already" in r.stderr for r in results if r.returncode)
    winner = next(i for i, r in enumerate(results) if r.returncode == 0)
    assert load_dataset(mini).events["new-walkout"].people.min == winner


def test_a_name_taken_between_check_and_write_is_never_overwritten(nk, mini, tmp_path, monkeypatch):
    import nkwatch.writer

    # As if another add had passed the same check a moment earlier and published first.
    monkeypatch.setattr(nkwatch.writer, "refuse_taken_id", lambda *args: None)
    theirs = mini / "events" / "new-walkout.yaml"
    original_check = nkwatch.writer.check_record

    def check_then_lose_the_race(*args):
        value = original_check(*args)
        theirs.write_text("theirs", encoding="utf-8")
        return value

    monkeypatch.setattr(nkwatch.writer, "check_record", check_then_lose_the_race)
    result = nk("add", "--from", str(event_file(tmp_path)))
    assert result.code == 1
    assert result.err == f"nkwatch: event 'new-walkout' exists already ({theirs}); nothing was written\n"
    assert theirs.read_text(encoding="utf-8") == "theirs"
    assert not [p for p in (mini / "events").iterdir() if p.name.startswith(".")]


def test_a_real_sigint_while_writing_exits_130_and_leaves_nothing(mini, tmp_path):
    script = (
        "import os, signal, sys\n"
        "real_fsync = os.fsync\n"
        "def fsync_then_interrupt(fd):\n"
        "    real_fsync(fd)\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "os.fsync = fsync_then_interrupt\n"
        "from nkwatch.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    before = snapshot(mini)
    result = subprocess.run([sys.executable, "-c", script, "--data", str(mini), "add", "--from",
                             str(event_file(tmp_path))], capture_output=True, text=True, env=_subprocess_env(tmp_path),
                            timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "")
    assert snapshot(mini) == before


def test_a_dataset_inside_the_checkout_names_its_schema_relatively(tmp_path):
    from nkwatch.writer import schema_reference

    checkout_data = Path(__file__).parent.parent / "data"
    assert schema_reference(checkout_data, "event.schema.json") == "../../nkwatch/schema/event.schema.json"
    assert schema_reference(tmp_path, "event.schema.json") == (INSTALLED_SCHEMAS / "event.schema.json").as_uri()
