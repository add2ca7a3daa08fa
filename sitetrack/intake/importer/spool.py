"""The spool: re-import work (updates, holds, refreshed raw records) pickled to a file
between the checking and the saving phase, so memory stays flat.

What it holds comes from field exports — key informants' names and phone numbers — so it
lives in the data folder (SITETRACK_DATA_DIR/intake/spool, readable by this user only),
never in the system's temporary folder. It is removed when the import ends, when the
process exits (atexit), and any left by a killed process is removed when the next
import starts (`spool_sweep`).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

PREFIX = "sitetrack-import-"
SUFFIX = ".spool"
_open: set[str] = set()


class SpoolItem(NamedTuple):
    """One thing to write: kind is "update", "hold" or "raw"."""

    kind: str
    record: tuple
    assessment_id: int | None
    reason: tuple | str  # a hold's (code, params) of intake/log_messages.py
    existing: tuple | None


def spool_dir() -> Path:
    from django.conf import settings

    path = Path(settings.DATA_DIR) / "intake" / "spool"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def spool_sweep() -> int:
    """Remove spool files of processes that are gone (a killed import); their number."""
    removed = 0
    for path in spool_dir().glob(f"{PREFIX}*{SUFFIX}"):
        try:
            pid = int(path.name[len(PREFIX) :].split("-", 1)[0])
        except ValueError:
            pid = 0
        if pid and pid != os.getpid() and _pid_alive(pid):
            continue
        if pid == os.getpid() and str(path) in _open:
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed


@atexit.register
def _remove_open_spools() -> None:
    for name in list(_open):
        with contextlib.suppress(OSError):
            os.unlink(name)
    _open.clear()


class Spool:
    """Items to write, pickled to a file of the data folder between the two phases."""

    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(
            prefix=f"{PREFIX}{os.getpid()}-{int(time.time())}-", suffix=SUFFIX, dir=spool_dir()
        )
        _open.add(self.path)
        self.fh = os.fdopen(fd, "wb")
        self.count = 0

    def add(self, item: SpoolItem) -> None:
        pickle.dump(tuple(item), self.fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def items(self) -> Iterable[SpoolItem]:
        self.fh.close()
        with open(self.path, "rb") as fh:
            while True:
                try:
                    yield SpoolItem(*pickle.load(fh))
                except EOFError:
                    return

    def close(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        _open.discard(self.path)
