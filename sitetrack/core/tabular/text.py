"""Reading the text of the tables people send us (COD tables, site master lists, Kobo and
ODK CSV exports): one way to guess the encoding and the separator, one way to turn a
cell into text, so that every importer accepts and refuses the same files."""

from __future__ import annotations

import codecs
import re
from typing import Any

from django.utils.translation import gettext as _

# C0/C1 control characters never appear in a real CSV; finding one means we decoded a
# binary file or picked the wrong encoding.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class UndecodableText(ValueError):
    """The bytes are not a text table in an encoding we accept; the message says why."""


def decode_text(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252,
    which COD tables and CSVs saved by Excel on Windows use (the real CAR tables are)."""
    if raw.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "cp1252"]
    error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            error = exc
            continue
        bad = _CONTROL.search(text)
        if bad:
            raise UndecodableText(
                _(
                    "The file does not look like text (control character U+%(code)04X at position %(pos)d): "
                    "expected CSV in UTF-8 or Windows-1252."
                )
                % {"code": ord(bad.group()), "pos": bad.start()}
            )
        return text, encoding
    assert error is not None
    raise UndecodableText(
        _(
            "Cannot decode the file: byte 0x%(byte)02X at position %(pos)d is neither UTF-8 nor "
            "Windows-1252 (Latin-1). Save it as CSV UTF-8."
        )
        % {"byte": error.object[error.start], "pos": error.start}
    )


def sniff_delimiter(header_line: str) -> str:
    """The separator of a CSV from its header line: `,` (default), `;` (French Excel) or tab."""
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def cell_text(value: Any) -> str:
    """A cell as stripped text; 12000.0 read from a spreadsheet is "12000"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Names a message lists before it says how many more there are: a header of 20,000
# columns must not become a message of 150 KB.
SHOWN_NAMES = 10
SHOWN_NAME_CHARS = 60


def some_names(names, *, limit: int = SHOWN_NAMES, quote: bool = True) -> str:
    """The first `limit` names, quoted and each cut to 60 characters, then how many more:
    “a”, “b”, “c” and 19,997 more."""
    names = list(names)
    shown = []
    for name in names[:limit]:
        text = str(name)
        if len(text) > SHOWN_NAME_CHARS:
            text = text[: SHOWN_NAME_CHARS - 1] + "…"
        shown.append(f"“{text}”" if quote else text)
    listed = ", ".join(shown)
    rest = len(names) - len(shown)
    if rest <= 0:
        return listed
    return _("%(names)s and %(n)s more") % {"names": listed, "n": f"{rest:,}"}
