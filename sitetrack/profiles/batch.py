"""Rendering the profiles of a whole round on every CPU core, into one ZIP.

The database is read once, before any process starts (`round_site_profiles`: a fixed
number of queries). The rendering processes are forked from this one and inherit the
profiles (a module-level list: nothing is pickled to start them, each task is an index);
they never touch the database: their inherited connections are set aside at start
(`_child_start`), so an accidental query would open a connection of its own instead of
talking over the parent's socket (SQLite and PostgreSQL alike). Each process renders its
share (HTML, charts, WeasyPrint) and writes each PDF to a temporary folder; this process
collects them as they finish, reports progress, and writes the ZIP:

    site-profile-<code>-round-<n>-<lang>.pdf   one per site rendered
    site-profiles-round-<n>-<lang>.pdf         every rendered page, merged, in code order
                                               (pdfunite when installed, else pypdf)
    manifest.csv                               one row per site: code, name, file, status, error
    errors.txt                                 only when a site failed: which and why

A site that fails is reported (manifest, errors.txt, the batch page) and the others are
still rendered. Without `fork` (not Linux) or with one core, rendering runs in this process.
"""

from __future__ import annotations

import contextlib
import csv
import io
import logging
import multiprocessing
import os
import shutil
import subprocess
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from sitetrack.profiles.rendering import profile_filename, render_profile_pdf
from sitetrack.profiles.selectors import SiteProfile

log = logging.getLogger(__name__)

# Called with (profiles done, profiles failed, profiles in all).
Progress = Callable[[int, int, int], None]

# The job the forked processes inherit: (profiles, render function, output folder).
_JOB: tuple[list[SiteProfile], Callable[[SiteProfile], bytes], str] | None = None
# Database connections inherited from the parent, kept referenced (never closed here:
# closing would end the parent's session on PostgreSQL) and detached from Django.
_INHERITED: list = []


@dataclass
class SiteResult:
    code: str
    name: str
    filename: str = ""
    error: str = ""
    seconds: float = 0.0


@dataclass
class BatchResult:
    path: Path
    total: int
    rendered: list[SiteResult] = field(default_factory=list)
    failed: list[SiteResult] = field(default_factory=list)
    workers: int = 1
    render_s: float = 0.0
    zip_s: float = 0.0
    merged_name: str = ""


def worker_count(sites: int, workers: int | None = None) -> int:
    """Every core (os.cpu_count()), never more processes than sites."""
    wanted = workers or os.cpu_count() or 1
    return max(1, min(wanted, sites))


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _child_start() -> None:
    """In a rendering process: set aside the database connections inherited from the
    parent (kept alive so that nothing closes the parent's session)."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is not None:
            _INHERITED.append(conn.connection)
            conn.connection = None


def _render_one(index: int) -> tuple[int, str, str, float]:
    """Render one profile to a PDF file: (index, file name, error, seconds)."""
    assert _JOB is not None
    profiles, render, folder = _JOB
    profile = profiles[index]
    started = time.perf_counter()
    try:
        content = render(profile)
        name = profile_filename(profile)
        Path(folder, name).write_bytes(content)
        return index, name, "", time.perf_counter() - started
    except Exception as exc:  # noqa: BLE001 — one site's failure is reported, not raised
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return index, "", detail, time.perf_counter() - started


def _render_all(
    profiles: list[SiteProfile], folder: str, workers: int, progress: Progress | None
) -> dict[int, tuple[str, str, float]]:
    results: dict[int, tuple[str, str, float]] = {}
    total = len(profiles)

    def record(index: int, name: str, error: str, seconds: float) -> None:
        results[index] = (name, error, seconds)
        if progress:
            failed = sum(1 for _n, e, _s in results.values() if e)
            progress(len(results) - failed, failed, total)

    if workers <= 1 or not can_fork():
        for index in range(total):
            record(*_render_one(index))
        return results
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_child_start) as pool:
            futures = [pool.submit(_render_one, index) for index in range(total)]
            for future in as_completed(futures):
                record(*future.result())
    except BrokenProcessPool as exc:
        # A rendering process died (killed, out of memory): the sites it had not
        # finished are reported as failed; the others are kept.
        for index in range(total):
            if index not in results:
                record(index, "", f"rendering process stopped: {exc}", 0.0)
    return results


def merged_filename(profiles: list[SiteProfile]) -> str:
    first = profiles[0] if profiles else None
    number = first.round_number if first else 0
    language = first.language if first else "en"
    return f"site-profiles-round-{number}-{language}.pdf"


def _merge(folder: str, names: list[str]) -> bytes:
    """The pages of every PDF in order, in one PDF: poppler's `pdfunite` when installed
    (about five times faster than pypdf on a thousand pages), else pypdf."""
    tool = shutil.which("pdfunite")
    if tool:
        target = Path(folder, "merged.pdf.tmp")
        done = subprocess.run(
            [tool, *(str(Path(folder, n)) for n in names), str(target)], capture_output=True, check=False
        )
        if done.returncode == 0 and target.exists():
            return target.read_bytes()
        log.warning("pdfunite failed (%s); merging with pypdf", done.stderr[:200])
    from pypdf import PdfWriter

    writer = PdfWriter()
    for name in names:
        writer.append(str(Path(folder, name)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _manifest(profiles: list[SiteProfile], results: dict[int, tuple[str, str, float]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["site_code", "site_name", "file", "status", "error"])
    for index, profile in enumerate(profiles):
        name, error, _seconds = results.get(index, ("", "not rendered", 0.0))
        writer.writerow([profile.code, profile.name, name, "failed" if error else "ok", error])
    return out.getvalue()


def _errors_text(failed: list[SiteResult], total: int) -> str:
    lines = [f"{len(failed)} of {total} site profiles could not be rendered; the others are in this ZIP.", ""]
    lines += [f"{r.code} ({r.name}): {r.error}" for r in failed]
    return "\n".join(lines) + "\n"


def render_batch(
    profiles: list[SiteProfile],
    path: Path,
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    render: Callable[[SiteProfile], bytes] | None = None,
) -> BatchResult:
    """Render every profile (in parallel) and write the ZIP at `path` (`render`: one
    profile to PDF bytes, by default `render_profile_pdf`)."""
    global _JOB
    render = render or render_profile_pdf
    count = worker_count(len(profiles), workers)
    result = BatchResult(path=Path(path), total=len(profiles), workers=count)
    folder = tempfile.mkdtemp(prefix="sitetrack-profiles-")
    try:
        started = time.perf_counter()
        _JOB = (profiles, render, folder)
        try:
            results = _render_all(profiles, folder, count, progress)
        finally:
            _JOB = None
        result.render_s = time.perf_counter() - started
        for index, profile in enumerate(profiles):
            name, error, seconds = results[index]
            site = SiteResult(profile.code, profile.name, name, error, seconds)
            (result.failed if error else result.rendered).append(site)
        started = time.perf_counter()
        names = [r.filename for r in result.rendered]
        result.merged_name = merged_filename(profiles)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as archive:
            # PDFs are compressed already: stored, not deflated again.
            for name in names:
                archive.write(Path(folder, name), name)
            if names:
                archive.writestr(result.merged_name, _merge(folder, names))
            archive.writestr("manifest.csv", _manifest(profiles, results), compress_type=zipfile.ZIP_DEFLATED)
            if result.failed:
                archive.writestr("errors.txt", _errors_text(result.failed, len(profiles)))
        result.zip_s = time.perf_counter() - started
        return result
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(folder)
