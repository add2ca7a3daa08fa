"""YAML that users bring (catalogue changes, intake mappings), read without surprises.

`yaml.safe_load` builds no Python objects, but it still expands anchors and aliases (a
few hundred bytes can grow into gigabytes: "billion laughs") and recurses once per
nesting level (a deep document raises RecursionError). `load_user_yaml` refuses both,
and a document larger than `max_bytes`, before anything is built, and says where.

Its error is a `yaml.YAMLError`, so callers that already catch YAML errors keep working.
"""

from __future__ import annotations

from typing import Any

import yaml
from django.utils.translation import gettext as _

MAX_DEPTH = 20
MAX_BYTES = 1024 * 1024


class UserYamlError(yaml.YAMLError):
    """A YAML document we refuse to read; the message says why and where."""


def _where(event: yaml.Event) -> str:
    mark = event.start_mark
    return _("line %(line)d, column %(column)d") % {"line": mark.line + 1, "column": mark.column + 1}


def load_user_yaml(text: str, *, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_BYTES) -> Any:
    """The document in `text` as plain data (dicts, lists, strings, numbers, None).

    Raises UserYamlError for anchors or aliases, nesting deeper than `max_depth`, more
    than `max_bytes`, or YAML that cannot be parsed (the parser's own message and position).
    """
    if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise UserYamlError(
            _("The YAML is larger than %(size)d KB; split it into smaller changes.")
            % {"size": max_bytes // 1024}
        )
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise UserYamlError(
                    _("Anchors and aliases (& and *) are not accepted (%(where)s); write each value out.")
                    % {"where": _where(event)}
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > max_depth:
                    raise UserYamlError(
                        _("The YAML is nested more than %(depth)d levels deep (%(where)s).")
                        % {"depth": max_depth, "where": _where(event)}
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader, checked above
    except UserYamlError:
        raise
    except yaml.YAMLError as error:
        raise UserYamlError(str(error)) from error
    except (RecursionError, ValueError, OverflowError) as error:
        raise UserYamlError(_("The YAML could not be read: %(error)s") % {"error": error}) from error


def load_user_yaml_mapping(text: str, **limits: int) -> dict:
    """Like `load_user_yaml`, for a document that must be one mapping (key: value lines)."""
    data = load_user_yaml(text, **limits)
    if not isinstance(data, dict):
        kind = (
            _("a list") if isinstance(data, list) else _("nothing") if data is None else _("a single value")
        )
        raise UserYamlError(
            _("The YAML must be a mapping (lines of key: value), not %(kind)s.") % {"kind": kind}
        )
    return data
