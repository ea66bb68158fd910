"""Laying text out at a terminal's width without cutting what people come for.

Modelled on gh's table printer: some fields (dates, ids, counts) keep their whole width and are never wrapped or
cut; the others (titles, summaries, lists of names) wrap at word boundaries and never mid-word. A table that cannot
fit its fixed fields and a readable width for the rest is not squeezed: the caller shows a stacked layout instead.
Piped output is tab-separated rows with every value whole (``nkwatch.rows``). Lines come back as Rich ``Text``
built from plain strings (no markup is read), already fitted to the width, to be printed without further wrapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from rich.cells import cell_len
from rich.text import Text

from nkwatch.rows import clean

GAP = 2
"""Blanks between two table columns."""


class Column(NamedTuple):
    """One column of a table: a fixed one keeps every value whole on one line; a flexible one wraps at words."""

    header: str
    fixed: bool = False
    right: bool = False
    style: str = ""
    min_width: int = 16
    """The narrowest a flexible column may become before the table gives way to a stacked layout."""


def wrap(text: str, width: int, first_width: int | None = None) -> list[str]:
    """Words filled into lines of at most width cells (the first line first_width); a word longer than the width
    keeps a line of its own, whole."""
    lines: list[str] = []
    line = ""
    for word in clean(text).split(" "):
        candidate = f"{line} {word}" if line else word
        room = first_width if first_width is not None and not lines else width
        if line and cell_len(candidate) > room:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    return lines


def hanging(first: str, text: str, width: int, indent: int, style: str = "") -> list[Text]:
    """first + text, wrapped to width with every following line indented by indent blanks."""
    body = wrap(text, max(width - indent, 20), max(width - cell_len(first), 20))
    head = Text(first)
    head.append(body[0], style)
    lines = [head]
    lines += [Text.assemble(" " * indent, (line, style)) for line in body[1:]]
    return lines


def _pad(value: str, width: int, right: bool) -> str:
    room = width - cell_len(value)
    return " " * room + value if right else value + " " * room


def _widths(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[int] | None:
    """Each column's width: fixed ones their longest value; the rest share what is left. None when it will not fit."""
    longest = [max([cell_len(c.header)] + [cell_len(row[i]) for row in rows]) for i, c in enumerate(columns)]
    fixed = sum(w for w, c in zip(longest, columns, strict=True) if c.fixed)
    flexible = [i for i, c in enumerate(columns) if not c.fixed]
    room = width - fixed - GAP * (len(columns) - 1)
    floors = {i: max(columns[i].min_width, max([cell_len(w) for row in rows for w in row[i].split(" ")] + [0]))
              for i in flexible}
    floors = {i: min(floor, longest[i]) for i, floor in floors.items()}
    if room < sum(floors.values()):
        return None
    widths = list(longest)
    wanted = sum(longest[i] for i in flexible)
    if wanted > room:  # share the room in proportion to what each column would like, never below its floor
        spare = room - sum(floors.values())
        extra = wanted - sum(floors.values()) or 1
        for i in flexible:
            widths[i] = floors[i] + (longest[i] - floors[i]) * spare // extra
    return widths


def table(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[Text] | None:
    """The rows as an aligned table at most width cells wide, with a header; None when it would have to squeeze."""
    rows = [[clean(cell) for cell in row] for row in rows]
    widths = _widths(columns, rows, width)
    if widths is None:
        return None
    head = Text(" " * GAP).join(Text(_pad(c.header, w, c.right), "bold") for c, w in zip(columns, widths, strict=True))
    lines = [head]
    for row in rows:
        cells = [[value] if c.fixed else wrap(value, w) for value, c, w in zip(row, columns, widths, strict=True)]
        for n in range(max(len(cell) for cell in cells)):
            parts = [Text(_pad(cell[n] if n < len(cell) else "", w, c.right), c.style)
                     for cell, c, w in zip(cells, columns, widths, strict=True)]
            lines.append(Text(" " * GAP).join(parts))
    for line in lines:
        line.rstrip()
    return lines


def in_columns(values: Sequence[str], width: int, indent: int = 2) -> list[str]:
    """Values whole, in as many columns as fit the width, read down each column (as ls does)."""
    values = [clean(v) for v in values]
    if not values:
        return []
    cell = max(cell_len(v) for v in values) + GAP
    per_line = max(1, (width - indent + GAP) // cell)
    rows = -(-len(values) // per_line)
    lines = []
    for r in range(rows):
        line = "".join(_pad(values[i], cell, False) for i in range(r, len(values), rows))
        lines.append((" " * indent + line).rstrip())
    return lines


def joined(lines: Iterable[Text]) -> Text:
    """Lines as one Text."""
    return Text("\n").join(lines)
