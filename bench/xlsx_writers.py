"""Which XLSX writer: SiteTrack's own (sitetrack.core.xlsx) against XlsxWriter in
constant-memory mode and openpyxl's write-only mode, on the same rows, in one run.

    python -m bench.xlsx_writers [--rows 20000] [--repetitions 3]

Prints the best time of each and the ratio to SiteTrack's writer. XlsxWriter is a dev
dependency for this comparison only; the cells are typed the same way in every writer
(write_number / write_string, no type guessing).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from sitetrack.core import xlsx

COLUMNS = 25


def sample_rows(n: int) -> list[list]:
    """Rows shaped like the report's site table: codes, names, P-codes, counts, decimals."""
    return [
        [f"CF7111-S{i:05d}", f"Site name {i}", "CF71", "Bangui", i * 3, i * 0.5, None, "wash", 12.25, i]
        + list(range(COLUMNS - 10))
        for i in range(n)
    ]


def ours(path: Path, rows: list[list]) -> None:
    book = xlsx.XlsxBook(path)
    sheet = book.sheet("Sites", widths=[12] * COLUMNS, freeze_top_row=True)
    for row in rows:
        sheet.row(row)
    book.save()


def xlsxwriter_constant_memory(path: Path, rows: list[list]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Sites")
    sheet.set_column(0, COLUMNS - 1, 12)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            else:
                sheet.write_number(r, c, value)
    book.close()


def openpyxl_write_only(path: Path, rows: list[list]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Sites")
    for row in rows:
        sheet.append(row)
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--repetitions", type=int, default=3)
    args = parser.parse_args()
    rows = sample_rows(args.rows)
    cells = args.rows * COLUMNS
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, writer in (
            ("sitetrack.core.xlsx", ours),
            ("XlsxWriter constant_memory", xlsxwriter_constant_memory),
            ("openpyxl write_only", openpyxl_write_only),
        ):
            best = float("inf")
            for n in range(args.repetitions):
                start = time.perf_counter()
                try:
                    writer(Path(tmp) / f"{n}.xlsx", rows)
                except ImportError as exc:
                    print(f"{name}: not installed ({exc})")
                    break
                best = min(best, time.perf_counter() - start)
            else:
                results[name] = best
    base = results["sitetrack.core.xlsx"]
    for name, seconds in results.items():
        print(f"{name:28s} {seconds:7.3f} s  {seconds / cells * 1e6:5.2f} µs/cell  {seconds / base:5.2f}x")


if __name__ == "__main__":
    main()
