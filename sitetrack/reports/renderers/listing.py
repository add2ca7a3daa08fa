"""Fixed-pitch listings: the long tables of the PDF (every site, the gap lists).

WeasyPrint spends about half a millisecond on every table cell (style, boxes, line
layout, text shaping, drawing), so a national site table of 5,000 rows x 20 cells took
minutes. A listing puts one whole row in a single cell: its columns are aligned with
spaces in a monospaced font (DejaVu Sans Mono), long text wraps onto further lines of
the same row, and bold marks what matters. Nothing is cut: a row simply gets taller.

    listing = Listing([Column("Code"), Column("Site", flex=True), Column("People", align=">")])
    html = listing.table([listing.row(["CF7111-S001", "M'Poko", "1,200"])])

The widths are counted in characters; `line_chars` is how many fit across the page.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django.utils.html import escape


class Bold(str):
    """Text printed in bold."""


@dataclass
class Column:
    label: str
    align: str = "<"  # "<" left, ">" right, "^" centred
    most: int = 40  # widest the column may grow to fit its values (it wraps beyond)
    least: int = 1
    flex: bool = False  # takes the characters the other columns leave on the line
    space: int = 1  # blank characters before the column
    width: int = 0  # set by Listing.fit


Segment = tuple[str, bool]  # text, bold


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]


def _pad(text: str, width: int, align: str) -> str:
    if align == ">":
        return text.rjust(width)
    if align == "^":
        return text.center(width)
    return text.ljust(width)


class Listing:
    def __init__(self, columns: list[Column], rows: list[list] | None = None, *, line_chars: int) -> None:
        self.columns = columns
        self.line_chars = line_chars
        self.fit(rows or [])

    def fit(self, rows: list[list]) -> None:
        """Width of each column: its longest value (or header word), at most `most`; the
        flexible column gets what is left, and wrapping columns shrink if needed."""
        longest = [max((len(w) for w in c.label.split()), default=0) for c in self.columns]
        for row in rows:
            for i, value in enumerate(row):
                for line in value if isinstance(value, list) else [value]:
                    if len(line) > longest[i]:
                        longest[i] = len(line)
        for c, n in zip(self.columns, longest, strict=True):
            c.width = max(c.least, min(c.most, n))
        spaces = sum(c.space for c in self.columns[1:])
        flex = [c for c in self.columns if c.flex]
        fixed = sum(c.width for c in self.columns if not c.flex)
        left = self.line_chars - spaces - fixed
        for c, n in zip(self.columns, longest, strict=True):
            if c.flex:
                c.width = max(c.least, min(left // len(flex), n))
        # Room to spare: widen the gaps between groups of columns (up to 3 more blanks).
        spare = self.line_chars - spaces - sum(c.width for c in self.columns)
        groups = [c for c in self.columns[1:] if c.space > 1]
        if spare > 0 and groups:
            more = min(3, spare // len(groups))
            for c in groups:
                c.space += more
            spaces += more * len(groups)
        # Still too wide: narrow the widest left-aligned (text) columns, which wrap.
        while sum(c.width for c in self.columns) + spaces > self.line_chars:
            text = [c for c in self.columns if c.align == "<" and c.width > c.least]
            if not text:
                break
            max(text, key=lambda c: c.width).width -= 1

    def _lines(self, cells: list, bold: bool) -> list[list[Segment]]:
        columns = self.columns
        if len(cells) == len(columns) and all(
            not isinstance(v, list) and len(str(v)) <= c.width for c, v in zip(columns, cells, strict=True)
        ):
            # Every value fits its column (most rows of a national table): one line, the
            # same as the general case below gives, without wrapping anything.
            line: list[Segment] = []
            for i, (c, v) in enumerate(zip(columns, cells, strict=True)):
                if i:
                    line.append((" " * c.space, False))
                line.append((_pad(str(v), c.width, c.align), bold or isinstance(v, Bold)))
            return [line]
        wrapped = []
        for c, value in zip(self.columns, cells, strict=True):
            lines: list[Segment] = []
            for part in value if isinstance(value, list) else [value]:
                strong = bold or isinstance(part, Bold)
                lines.extend((line, strong) for line in _wrap(str(part), c.width))
            wrapped.append(lines)
        height = max(len(w) for w in wrapped)
        out = []
        for n in range(height):
            line: list[Segment] = []
            for i, (c, w) in enumerate(zip(self.columns, wrapped, strict=True)):
                if i:
                    line.append((" " * c.space, False))
                text, strong = w[n] if n < len(w) else ("", False)
                line.append((_pad(text, c.width, c.align), strong))
            out.append(line)
        return out

    @staticmethod
    def _html(lines: list[list[Segment]]) -> str:
        out = []
        for line in lines:
            # Trailing blanks are not drawn: cut them (fewer glyphs to lay out).
            while line and not line[-1][0].strip():
                line = line[:-1]
            if line:
                text, strong = line[-1]
                line = [*line[:-1], (text.rstrip(), strong)]
            merged: list[Segment] = []
            for text, strong in line:
                if merged and (merged[-1][1] == strong or not text.strip()):
                    merged[-1] = (merged[-1][0] + text, merged[-1][1])
                else:
                    merged.append((text, strong))
            out.append("".join(f"<b>{escape(t)}</b>" if s else escape(t) for t, s in merged))
        return "\n".join(out)

    def header(self) -> str:
        return self._html(self._lines([c.label for c in self.columns], True))

    def row(self, cells: list, *, bold: bool = False) -> str:
        return self._html(self._lines(cells, bold))

    def block(self, parts: list[list]) -> str:
        """Several sub-rows printed as one row (kept together on a page): a site and the
        indicators it misses, one under the other."""
        lines: list[list[Segment]] = []
        for cells in parts:
            lines.extend(self._lines(cells, False))
        return self._html(lines)

    def table(self, rows: list[tuple[str, str]], *, css: str = "", chunk: int = 0) -> str:
        """The rows (class, html) as tables of `chunk` rows, each repeating the header on
        the pages it runs across."""
        head = f"<thead><tr><th>{self.header()}</th></tr></thead>"
        size = chunk or len(rows) or 1
        out = []
        for start in range(0, max(len(rows), 1), size):
            body = "".join(
                f'<tr class="{cls}"><td>{html}</td></tr>' if cls else f"<tr><td>{html}</td></tr>"
                for cls, html in rows[start : start + size]
            )
            out.append(f'<table class="lst {css}">{head}<tbody>{body}</tbody></table>')
        return "".join(out)
