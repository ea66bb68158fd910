"""Hostile dataset folders through the CLI: special files, links, folders where files belong and the reverse, and
writes that fail or would leave the dataset. Each case holds the exact line a user sees; none may hang or read
anything outside the dataset.
"""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sys
import time
from pathlib import Path

import pytest

from clirun import run
from conftest import MINI
from nkwatch.errors import DataError
from nkwatch.loader import load_dataset

NO_FIFO = not hasattr(os, "mkfifo")
ONE_PROBLEM = "nkwatch: the dataset has 1 problem"
OUTSIDE = "is a link to a file outside the dataset; links outside the dataset are not followed"
SECRET = "SECRET-KEY-MATERIAL"
COMMANDS = [["validate"], ["timeline"], ["show", "kim-defects"], ["export", "--format", "json"]]


def symlink(target, link: Path) -> None:
    """A symbolic link, or the test is skipped where the system will not make one (Windows without the right)."""
    try:
        os.symlink(target, link)
    except (OSError, NotImplementedError) as error:
        pytest.skip(f"cannot make a symbolic link here: {error}")


@pytest.fixture
def root(tmp_path) -> Path:
    """A writable copy of the mini dataset, with a secret file beside it (outside it)."""
    dataset = tmp_path / "data"
    shutil.copytree(MINI, dataset)
    (tmp_path / "secret.yaml").write_text(f"{SECRET}: {'s' * 200}\nmore: secret\n")
    return dataset


def one_line_everywhere(capsys, root: Path, line: str) -> None:
    """Every command exits 1 with exactly this problem line, and prints nothing on stdout."""
    for command in COMMANDS:
        result = run(capsys, "--data", str(root), *command)
        assert (result.code, result.out, result.err.splitlines()) == (1, "", [line, ONE_PROBLEM]), command


@pytest.mark.skipif(NO_FIFO, reason="no named pipes on this platform")
@pytest.mark.parametrize("name", ["events/x.yaml", "sources/x.yml"])
def test_a_named_pipe_is_never_opened(capsys, root, name):
    os.mkfifo(root / name)
    one_line_everywhere(capsys, root, f"{root / name}: is a named pipe (FIFO), not a YAML file; only regular files "
                                      "are read")


@pytest.mark.skipif(NO_FIFO, reason="no named pipes on this platform")
def test_a_named_pipe_in_place_of_themes_yaml(capsys, root):
    (root / "themes.yaml").unlink()
    os.mkfifo(root / "themes.yaml")
    result = run(capsys, "--data", str(root), "validate")
    assert result.code == 1
    assert result.err.splitlines()[0] == (f"{root}/themes.yaml: is a named pipe (FIFO), not a YAML file; only "
                                          "regular files are read")


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX") or sys.platform == "win32", reason="no Unix sockets")
def test_a_socket_is_never_opened(capsys, root):
    path = root / "events" / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError as error:  # a path too long for a socket address
        pytest.skip(str(error))
    finally:
        server.close()
    one_line_everywhere(capsys, root, f"{path}: is a socket, not a YAML file; only regular files are read")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_link_to_a_device_is_never_read(capsys, root, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    link = root / "events" / "z.yaml"
    symlink(device, link)
    one_line_everywhere(capsys, root, f"{link}: {OUTSIDE}")


def test_a_device_inside_the_dataset_is_never_read(capsys, root, monkeypatch):
    import stat

    from nkwatch import yamlread

    device = root / "events" / "dev.yaml"
    device.write_text("not really a device")
    real_lstat = os.lstat

    def as_a_device(path, *args, **kwargs):
        status = real_lstat(path, *args, **kwargs)
        if os.fspath(path) == str(device):
            return os.stat_result((stat.S_IFCHR | 0o666, *status[1:]))
        return status

    monkeypatch.setattr(yamlread.os, "lstat", as_a_device)
    one_line_everywhere(capsys, root, f"{device}: is a device, not a YAML file; only regular files are read")


@pytest.mark.parametrize(("name", "target"), [
    ("events/y.yaml", "/etc/passwd"),
    ("sources/notes.yaml", "SECRET"),
    ("events/relative.yaml", "../../secret.yaml"),
])
def test_a_link_out_of_the_dataset_is_never_followed(capsys, root, name, target):
    link = root / name
    link.unlink(missing_ok=True)
    symlink(str(root.parent / "secret.yaml") if target == "SECRET" else target, link)
    one_line_everywhere(capsys, root, f"{link}: {OUTSIDE}")
    result = run(capsys, "--data", str(root), "validate")
    assert SECRET not in result.err and "root:" not in result.err


def test_themes_yaml_linked_out_of_the_dataset(capsys, root):
    (root / "themes.yaml").unlink()
    symlink(root.parent / "secret.yaml", root / "themes.yaml")
    result = run(capsys, "--data", str(root), "validate")
    assert result.code == 1
    assert result.err.splitlines()[0] == f"{root}/themes.yaml: {OUTSIDE}"
    assert SECRET not in result.err


def test_a_link_inside_the_dataset_is_followed(capsys, root):
    kept = root / "kept"
    kept.mkdir()
    (root / "events" / "kim-defects.yaml").rename(kept / "kim-defects.yaml")
    symlink("../kept/kim-defects.yaml", root / "events" / "kim-defects.yaml")
    result = run(capsys, "--data", str(root), "show", "kim-defects")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("Kim Test-ho defects")


def test_an_edit_through_a_link_is_seen_by_the_next_command_whatever_its_size_and_time(capsys, root):
    kept = root / "kept"
    kept.mkdir()
    target = kept / "kim-defects.yaml"
    (root / "events" / "kim-defects.yaml").rename(target)
    link = root / "events" / "kim-defects.yaml"
    symlink("../kept/kim-defects.yaml", link)
    stamp = os.stat(target).st_mtime_ns - 10**10  # long still: not a file the clock tick could hide
    for path in (target, link):
        os.utime(path, ns=(stamp, stamp), follow_symlinks=False)
    assert run(capsys, "--data", str(root), "show", "kim-defects").out.startswith("Kim Test-ho defects")
    assert run(capsys, "--data", str(root), "show", "kim-defects").out.startswith("Kim Test-ho defects")
    target.write_text(target.read_text(encoding="utf-8").replace("Kim Test-ho", "Kim Test-hx"), encoding="utf-8")
    os.utime(target, ns=(stamp, stamp))  # the same size and time: only reading it again sees the change
    result = run(capsys, "--data", str(root), "show", "kim-defects")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("Kim Test-hx defects")


def test_a_link_loop_is_a_problem_of_its_own(capsys, root):
    link = root / "events" / "loop.yaml"
    symlink("loop.yaml", link)
    result = run(capsys, "--data", str(root), "validate")
    assert result.code == 1
    assert result.err.splitlines() == [f"{link}: cannot be read: {os.strerror(errno.ELOOP)}", ONE_PROBLEM]


def test_a_dangling_link_is_reported_by_the_loader(root):
    link = root / "events" / "w.yaml"
    symlink("nowhere.yaml", link)
    with pytest.raises(DataError) as raised:
        load_dataset(root)
    assert [str(p) for p in raised.value.problems] == [f"{link}: is a link to a file that does not exist"]


def test_a_dangling_link_is_reported_by_every_command(capsys, root):
    link = root / "events" / "w.yaml"
    symlink("nowhere.yaml", link)
    one_line_everywhere(capsys, root, f"{link}: is a link to a file that does not exist")


def _name_not_utf8(root: Path) -> str:
    folder = os.fsencode(root / "events")
    try:
        shutil.copyfile(root / "events" / "kim-defects.yaml", os.path.join(folder, b"caf\xe9.yaml"))
    except (OSError, UnicodeError) as error:  # a file system that stores names as Unicode refuses such a name
        pytest.skip(f"this file system refuses a name that is not UTF-8: {error}")
    return f"{root}/events/caf\\xe9.yaml: the file name is not UTF-8 text (byte 0xe9); rename the file after its " \
           "record's id"


def test_a_file_name_that_is_not_utf8_is_reported_by_the_loader(root):
    line = _name_not_utf8(root)
    with pytest.raises(DataError) as raised:
        load_dataset(root)
    assert [str(p) for p in raised.value.problems] == [line]


def test_a_file_name_that_is_not_utf8_is_reported_by_every_command(capsys, root):
    one_line_everywhere(capsys, root, _name_not_utf8(root))


def test_a_file_name_that_is_not_utf8_is_listed_in_the_same_place_with_or_without_the_index(capsys, root):
    _name_not_utf8(root)
    (root / "events" / "zz-broken.yaml").write_text("id: zz-broken\n", encoding="utf-8")
    (root / "actors" / "aa-broken.yaml").write_text("id: [\n", encoding="utf-8")
    with pytest.raises(DataError) as raised:
        load_dataset(root)
    read = [str(p) for p in raised.value.problems]
    assert read[1] == f"{root}/events/caf\\xe9.yaml: the file name is not UTF-8 text (byte 0xe9); rename the " \
                      "file after its record's id"
    for _ in range(2):  # the first run builds the index, the second answers from it
        assert run(capsys, "--data", str(root), "validate").err.splitlines()[:-1] == read


@pytest.mark.parametrize("name", ["a\x1b[2Jb.yaml", "a\nb.yaml", "a\u202eb.yaml"])
def test_a_file_name_holding_control_characters_is_escaped(capsys, root, name):
    try:
        shutil.copyfile(root / "events" / "kim-defects.yaml", root / "events" / name)
    except OSError as error:
        pytest.skip(str(error))
    escaped = name.replace("\x1b", "\\x1b").replace("\n", "\\x0a").replace("\u202e", "\\u202e")
    result = run(capsys, "--data", str(root), "validate")
    assert result.code == 1
    assert result.err.splitlines()[0] == (f"{root}/events/{escaped}:1:1: kim-defects id: id 'kim-defects' must "
                                          f"match the file name {Path(name).stem!r}")


def test_a_file_where_a_folder_belongs(capsys, root):
    shutil.rmtree(root / "events")
    (root / "events").write_text("not a folder")
    one_line_everywhere(capsys, root, f"{root}/events: is a file where the folder of events records belongs; a "
                                      "dataset keeps its events in a folder of that name")


def test_a_folder_link_out_of_the_dataset(capsys, root):
    outside = root.parent / "elsewhere"
    shutil.move(root / "events", outside)
    symlink(outside, root / "events")
    one_line_everywhere(capsys, root, f"{root}/events: is a link to a folder outside the dataset; links outside the "
                                      "dataset are not followed")


def test_a_folder_link_to_nothing(capsys, root):
    shutil.rmtree(root / "sources")
    symlink("gone", root / "sources")
    one_line_everywhere(capsys, root, f"{root}/sources: is a link to a folder that does not exist")


def test_a_folder_that_cannot_be_read(capsys, root, monkeypatch):
    real_scandir = os.scandir
    locked = root / "events"

    def refuse(path=".", *args, **kwargs):
        if Path(path) == locked:
            raise PermissionError(errno.EACCES, "Permission denied")
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", refuse)
    one_line_everywhere(capsys, root, f"{locked}: cannot be read: permission denied, so its events cannot be checked")


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads a folder whatever its mode")
def test_a_folder_that_cannot_be_read_for_real(capsys, root):
    (root / "events").chmod(0)
    try:
        one_line_everywhere(capsys, root, f"{root}/events: cannot be read: permission denied, so its events cannot "
                                          "be checked")
    finally:
        (root / "events").chmod(0o755)


def test_the_size_limit_counts_the_bytes_read_not_the_size_claimed(capsys, root, monkeypatch):
    from nkwatch import yamlread

    grown = root / "events" / "grown.yaml"
    grown.write_bytes(b"title: " + b"x" * 2_000_000 + b"\n")
    real_lstat = os.lstat

    def claims_ten_bytes(path, *args, **kwargs):  # as /proc files and devices do, or a file growing meanwhile
        status = real_lstat(path, *args, **kwargs)
        return os.stat_result((*status[:6], 10, *status[7:])) if os.fspath(path) == str(grown) else status

    monkeypatch.setattr(yamlread.os, "lstat", claims_ten_bytes)
    one_line_everywhere(capsys, root, f"{grown}: is over 1 MB; a record file must be under 1 MB")


def test_a_device_named_by_the_user_is_read_no_further_than_the_limit():
    from nkwatch.yamlread import YamlProblem, read_text

    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    started = time.perf_counter()
    with pytest.raises(YamlProblem) as raised:
        read_text("/dev/zero")
    assert raised.value.message == "is over 1 MB; a record file must be under 1 MB"
    assert time.perf_counter() - started < 5


NEW_EVENT = """id: new-walkout
title: A second crew walks out
date: "2016-09"
countries: [RU]
themes: [defection]
summary: A fictional crew left another site.
sources:
  - {source: alpha-news}
attestation: {basis: outlet, asserted_by: Alpha News}
"""


def _record(tmp_path: Path) -> Path:
    path = tmp_path / "new.yaml"
    path.write_text(NEW_EVENT)
    return path


def test_add_never_writes_through_a_folder_link_out_of_the_dataset(capsys, root, tmp_path):
    outside = tmp_path / "elsewhere"
    shutil.move(root / "events", outside)
    symlink(outside, root / "events")
    before = sorted(p.name for p in outside.iterdir())
    result = run(capsys, "--data", str(root), "add", "--from", str(_record(tmp_path)))
    assert result.code == 1
    assert result.err.splitlines() == [
        f"{root}/events: is a link to a folder outside the dataset; links outside the dataset are not followed",
        "nkwatch: the event was not added: 1 problem; nothing was written"]
    assert sorted(p.name for p in outside.iterdir()) == before


def test_add_never_writes_through_a_folder_link_even_inside_the_dataset(capsys, root, tmp_path):
    (root / "events").rename(root / "kept-events")
    symlink("kept-events", root / "events")
    result = run(capsys, "--data", str(root), "add", "--from", str(_record(tmp_path)))
    assert result.code == 1
    assert result.err == (f"nkwatch: cannot write to {root}/events: it is a link, and nkwatch writes only into "
                          "folders inside the dataset; nothing was written\n")
    assert not (root / "kept-events" / "new-walkout.yaml").exists()


def test_add_clears_the_temporary_files_a_killed_add_left(capsys, root, tmp_path):
    events = root / "events"
    old, fresh = events / ".kim-defects.yaml.ab12cd34.tmp", events / ".other.yaml.zz99yy88.tmp"
    not_ours = events / ".notes.txt.ab12cd34.tmp"
    for path in (old, fresh, not_ours):
        path.write_text("half a record")
    hours_ago = time.time() - 7200
    for path in (old, not_ours):
        os.utime(path, (hours_ago, hours_ago))
    result = run(capsys, "--data", str(root), "add", "--from", str(_record(tmp_path)))
    assert result.code == 0, result.err
    assert not old.exists()
    assert fresh.exists() and not_ours.exists()


def test_export_clears_the_temporary_files_a_killed_export_left(capsys, root, tmp_path):
    target = tmp_path / "out.csv"
    old = tmp_path / ".out.csv.ab12cd34.tmp"
    old.write_text("half an export")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    assert run(capsys, "--data", str(root), "export", "-o", str(target)).code == 0
    assert not old.exists() and target.exists()


def _full_disk(monkeypatch):
    def no_space(handle):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)


def test_export_onto_a_full_disk_exits_1_with_one_line(capsys, root, tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    _full_disk(monkeypatch)
    result = run(capsys, "--data", str(root), "export", "-o", str(target))
    assert (result.code, result.out) == (1, "")
    assert result.err == f"nkwatch: cannot write {target}: {os.strerror(errno.ENOSPC)}; nothing was written\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "data", "secret.yaml"]


def test_export_into_a_folder_it_may_not_write_exits_1(capsys, root, tmp_path, monkeypatch):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    target = tmp_path / "out.json"
    result = run(capsys, "--data", str(root), "export", "-o", str(target))
    assert (result.code, result.err) == (1, f"nkwatch: cannot write {target}: Permission denied; nothing was written\n")


def test_add_onto_a_full_disk_exits_1_with_one_line(capsys, root, tmp_path, monkeypatch):
    record = _record(tmp_path)
    _full_disk(monkeypatch)
    result = run(capsys, "--data", str(root), "add", "--from", str(record))
    assert (result.code, result.out) == (1, "")
    assert result.err == (f"nkwatch: cannot write to {root}/events: {os.strerror(errno.ENOSPC)}; nothing was "
                          "written\n")
    assert not list((root / "events").glob(".*"))


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full to stand for a full disk")
@pytest.mark.parametrize("command", [["export", "--format", "json"], ["timeline"]])
def test_output_onto_a_full_disk_exits_1_with_one_line(root, tmp_path, command):
    import subprocess

    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "nkwatch", "--data", str(root), *command], stdout=full,
                              stderr=subprocess.PIPE, text=True, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    assert (done.returncode, done.stderr) == (1, f"nkwatch: cannot write the output: {os.strerror(errno.ENOSPC)}\n")
