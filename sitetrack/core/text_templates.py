"""Reading back text that was written from a message template ("%(name)s" placeholders):
records saved before messages were stored as a code and its parameters."""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def template_pattern(template: str) -> re.Pattern:
    """A pattern matching the whole of a text made from `template`, one named group per
    placeholder."""
    parts, end = [], 0
    for m in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[end : m.start()]))
        parts.append(f"(?P<{m.group(1)}>.+?)")
        end = m.end()
    parts.append(re.escape(template[end:]))
    return re.compile("".join(parts) + r"\Z", re.S)
