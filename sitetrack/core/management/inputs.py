"""What every importing command checks before reading a file: that it names one."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def input_file(name: str) -> Path:
    """The file a command was given, or a CommandError saying what is wrong with it (a
    traceback or a failed run otherwise: the readers are not asked to tell)."""
    path = Path(name)
    if path.is_dir():
        raise CommandError(_("%(path)s is a folder, not a file: give the file to import.") % {"path": name})
    if not path.is_file():
        raise CommandError(
            _("No file %(path)s (the path is relative to %(here)s).") % {"path": name, "here": Path.cwd()}
        )
    return path
