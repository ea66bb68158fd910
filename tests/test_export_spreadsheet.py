"""CSV exports opened in a real spreadsheet: LibreOffice Calc, headless, with its import dialog's default separators.

LibreOffice's CSV import ticks Tab, Comma and Semicolon by default, so a cell holding ``;`` or a tab that is not
quoted spills into extra columns, and a part after a tab can start with ``=`` and become a live formula. Each test
converts a CSV to a flat ODS file (``soffice --convert-to fods``) with those separators and formulas evaluated, then
reads the sheet back: every row has the columns Python's csv module reads, every text cell is the text exported,
and no cell holds a formula (a line break inside a cell may come back as LF alone).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
from exporthelp import hostile_dataset

from clirun import run
from nkwatch.export.csv import EVENT_COLUMNS, FIGURE_COLUMNS, csv_line

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

# CI sets CI=true, so that a missing LibreOffice fails there instead of skipping the test unseen.
pytestmark = pytest.mark.skipif(SOFFICE is None and os.environ.get("CI") != "true",
                                reason="LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui)")

# The import filter's options, in LibreOffice's order: separators tab/comma/semicolon (9/44/59), text delimiter ",
# UTF-8 (76), from line 1, standard cell formats, English (US), quoted fields not forced to text, special numbers
# not detected (the dialog's defaults), and then formulas evaluated, the stricter setting.
IMPORT_OPTIONS = "CSV:9/44/59,34,76,1,,1033,false,false,false,false,false,-1,true"

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


class Cell:
    """One cell of the converted sheet: its type, its text and its formula (None when it has none)."""

    def __init__(self, element: ElementTree.Element):
        self.type = element.get(f"{{{OFFICE}}}value-type")
        self.formula = element.get(f"{{{TABLE}}}formula")
        self.text = "\n".join(paragraph_text(p) for p in element.iter(f"{{{TEXT}}}p"))


def paragraph_text(paragraph: ElementTree.Element) -> str:
    """A text:p element's text, its tab, space-run and line-break elements turned back into characters."""
    parts = [paragraph.text or ""]
    for child in paragraph:
        name = child.tag.rsplit("}", 1)[1]
        parts.append({"tab": "\t", "line-break": "\n"}.get(name, " " * int(child.get(f"{{{TEXT}}}c", "1"))
                                                                  if name == "s" else "".join(child.itertext())))
        parts.append(child.tail or "")
    return "".join(parts)


def sheet_rows(fods: Path) -> list[list[Cell]]:
    """The rows of the first sheet of a flat ODS file, repeated cells expanded, trailing empty cells dropped."""
    table = ElementTree.parse(fods).getroot().find(f".//{{{TABLE}}}table")
    rows = []
    for row in table.iter(f"{{{TABLE}}}table-row"):
        cells = []
        for element in row.iter(f"{{{TABLE}}}table-cell"):
            cells += [Cell(element)] * int(element.get(f"{{{TABLE}}}number-columns-repeated", "1"))
        while cells and cells[-1].type is None and not cells[-1].text:
            cells.pop()
        repeats = int(row.get(f"{{{TABLE}}}number-rows-repeated", "1"))
        rows += [cells] * (1 if cells else repeats)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def opened_in_libreoffice(text: str, folder: Path) -> list[list[Cell]]:
    """A CSV's rows as LibreOffice Calc imports them with its default separators."""
    assert SOFFICE, "LibreOffice is needed under CI: apt-get install -y libreoffice-calc-nogui"
    source = folder / "export.csv"
    source.write_text(text, encoding="utf-8", newline="")
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    f"--infilter={IMPORT_OPTIONS}", "--convert-to", "fods", "--outdir", str(folder), str(source)],
                   check=True, capture_output=True, timeout=120)
    return sheet_rows(folder / "export.fods")


def assert_opens_whole(text: str, folder: Path, columns: int) -> int:
    """Every row LibreOffice reads has the cells Python's csv module reads, none of them a formula; return the
    number of rows."""
    expected = list(csv.reader(io.StringIO(text, newline="")))
    sheet = opened_in_libreoffice(text, folder)
    assert len(sheet) == len(expected)
    for number, (cells, row) in enumerate(zip(sheet, expected, strict=True), start=1):
        while row and row[-1] == "":
            row = row[:-1]
        assert len(row) <= columns and len(cells) == len(row), f"row {number}: {[c.text for c in cells]}"
        assert [c.formula for c in cells if c.formula] == [], f"row {number} has a formula"
        texts = [(c.text, exported.replace("\r\n", "\n")) for c, exported in zip(cells, row, strict=True)
                 if c.type == "string"]
        assert [exported for _, exported in texts] == [text for text, _ in texts], f"row {number}"
    return len(sheet)


def test_the_bundled_events_open_whole(capsys, tmp_path):
    text = run(capsys, "export", "-f", "csv").out
    assert text.count(";") > 100  # the lists and sources that used to spill into extra columns
    assert assert_opens_whole(text, tmp_path, len(EVENT_COLUMNS)) >= 46


def test_the_bundled_figures_open_whole(capsys, tmp_path):
    text = run(capsys, "export", "-f", "csv", "--figures").out
    assert assert_opens_whole(text, tmp_path, len(FIGURE_COLUMNS)) >= 41


def test_hostile_events_open_whole_with_no_formula(capsys, tmp_path):
    root = hostile_dataset(tmp_path)
    text = run(capsys, "--data", str(root), "export", "-f", "csv").out
    assert assert_opens_whole(text, tmp_path, len(EVENT_COLUMNS)) == 11


CELLS = ["\t=1+1", "a\t=2+2", "b;=3+3", "c,=4+4", "d\n=5+5", "e\r\n=6+6", '"=7+7"', "=8+8", "；=9+9", "plain"]


def test_separators_inside_cells_never_split_them_into_formulas(tmp_path):
    text = csv_line(["id", *[f"c{i}" for i in range(len(CELLS))]], raw=True)
    text += csv_line(["row", *CELLS]) + csv_line(["reversed", *reversed(CELLS)])
    assert assert_opens_whole(text, tmp_path, len(CELLS) + 1) == 3
