"""`sitetrack report gaps --round N [--operation SLUG] --out DIR [--lang fr]`: the gap matrix
XLSX. The `report` command (reports app) hands the `gaps` product to these two functions."""

from __future__ import annotations

from pathlib import Path


def add_gaps_parser(products) -> None:
    gaps = products.add_parser(
        "gaps", help="The gap matrix (sites × sectors, need against coverage) of a weekly round."
    )
    gaps.add_argument("--round", type=int, required=True, help="Number of the weekly round.")
    gaps.add_argument("--operation", help="Operation slug (needed when there are several).")
    gaps.add_argument("--out", default=".", help="Folder to write the file into (created if needed).")
    gaps.add_argument("--lang", default="en", choices=["en", "fr"], help="Language of the file.")


def handle_gaps(command, options) -> None:
    from sitetrack.assessments.models import RoundKind
    from sitetrack.response.gap_files import gap_matrix_filename, gap_matrix_xlsx
    from sitetrack.response.gaps import gap_matrix

    operation = command._operation(options["operation"])
    number = options["round"]
    round = command._round(operation, RoundKind.WEEKLY, number)
    matrix = gap_matrix(round, language=options["lang"])
    out = Path(options["out"])
    out.mkdir(parents=True, exist_ok=True)
    path = out / gap_matrix_filename(matrix)
    content = gap_matrix_xlsx(matrix, language=options["lang"])
    path.write_bytes(content)
    gaps = sum(t["gap"] for t in matrix.totals.values())
    command.stdout.write(
        f"xlsx: {path} ({len(content):,} bytes; {len(matrix.rows)} sites, {gaps} site-sector gaps)"
    )
