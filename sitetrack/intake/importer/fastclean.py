"""Typing 100,000 submissions quickly, with the web form's semantics.

`assessments.validation.clean_values` is the reference; this module produces the same
typed values for well-formed input with precomputed per-field converters, and returns
None for anything unusual so that the caller falls back to the reference (which also
gives the user-facing message). A test checks both agree on generated exports.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sitetrack.assessments.validation import COUNT_FIELDS, PRIORITY_FIELDS, SEVERITY_FIELDS
from sitetrack.core.catalogue import CatalogueIndex, IndicatorDef
from sitetrack.core.models import IndicatorType
from sitetrack.core.sectors import Sector

_INT_FIELDS = frozenset((*COUNT_FIELDS, *SEVERITY_FIELDS))
_SECTORS = frozenset(Sector.values)
_YES = {"yes", "y", "true", "1", "oui", "o"}
_NO = {"no", "n", "false", "0", "non"}
_MISSING = object()


def _int(value: Any) -> Any:
    if value is None:
        return None
    t = type(value)
    if t is int:
        return value
    if t is float:
        return int(value) if value.is_integer() else _MISSING
    if t is str:
        text = value.strip()
        if not text:
            return None
        if text.isdigit():
            return int(text)
        try:
            number = float(text)
        except ValueError:
            return _MISSING
        return int(number) if number.is_integer() and "," not in text else _MISSING
    return _MISSING


def _float(value: Any) -> Any:
    t = type(value)
    if t is int or t is float:
        return float(value)
    if t is str:
        text = value.strip()
        if not text or "," in text or " " in text:
            return _MISSING
        try:
            return float(text)
        except ValueError:
            return _MISSING
    return _MISSING


def _converter(d: IndicatorDef):
    kind = d.type
    if kind == IndicatorType.INTEGER:

        def conv(v):
            n = _int(v)
            return _MISSING if n is None or (n is not _MISSING and n < 0) else n

        return conv
    if kind == IndicatorType.DECIMAL:

        def conv(v):
            n = _float(v)
            return _MISSING if n is not _MISSING and n < 0 else n

        return conv
    if kind == IndicatorType.YES_NO:

        def conv(v):
            if type(v) is bool:
                return v
            text = str(v).strip().lower()
            return True if text in _YES else False if text in _NO else _MISSING

        return conv
    names = frozenset(d.choice_names)
    if kind == IndicatorType.SELECT_ONE:
        return lambda v: str(v).strip() if str(v).strip() in names else _MISSING
    if kind == IndicatorType.SELECT_MULTIPLE:

        def conv(v):
            if not isinstance(v, str):
                return _MISSING
            items = v.split()
            return items if all(i in names for i in items) else _MISSING

        return conv
    return str


_WHOLE, _PRIORITY = 1, 2
# What each scalar field is, looked up once per value (other fields are copied as given).
_KINDS = {**dict.fromkeys(_INT_FIELDS, _WHOLE), **dict.fromkeys(PRIORITY_FIELDS, _PRIORITY)}
_SKIP = object()  # a derived indicator, or no value: left out of the typed copy


def _indicator_converter(d: IndicatorDef):
    """The whole typing of one indicator's value: the typed value, _SKIP (not kept) or
    _MISSING (the reference cleaning must decide)."""
    if d.derived:
        return lambda raw: _SKIP
    conv = _converter(d)
    if d.type == IndicatorType.INTEGER:

        def integer(raw):
            if type(raw) is int:  # the usual case, already typed by the reader
                return raw if raw >= 0 else _MISSING
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                return _SKIP
            return conv(raw)

        return integer

    def other(raw):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return _SKIP
        return conv(raw)

    return other


class FastCleaner:
    def __init__(self, catalogue: CatalogueIndex) -> None:
        self.converters = {code: _indicator_converter(d) for code, d in catalogue.indicators.items()}

    def clean(self, values: dict[str, Any]) -> dict[str, Any] | None:
        """Typed copy of values, or None when the reference cleaning must decide."""
        out = dict(values)
        kinds = _KINDS
        for name, value in values.items():
            kind = kinds.get(name)
            if kind is None:
                continue
            if kind is _WHOLE:
                if type(value) is int:  # the usual case, already typed by the reader
                    if value < 0:
                        return None
                    continue
                n = _int(value)
                if n is _MISSING or (n is not None and n < 0):
                    return None
                out[name] = n
            else:
                text = "" if value is None else str(value).strip()
                if text and text not in _SECTORS:
                    return None
                out[name] = text
        indicators = {}
        converters = self.converters
        for code, raw in (values.get("indicators") or {}).items():
            conv = converters.get(code)
            if conv is None:
                return None
            v = conv(raw)
            if v is _SKIP:
                continue
            if v is _MISSING:
                return None
            indicators[code] = v
        out["indicators"] = indicators
        return out


def fast_catalogue(catalogue: CatalogueIndex) -> CatalogueIndex:
    """The same catalogue with each label resolved once (in the current language), so the
    rules do not look the language up for every value of every row."""
    labels = {code: d.label for code, d in catalogue.indicators.items()}
    choice_names = {code: d.choice_names for code, d in catalogue.indicators.items()}

    class _Def(IndicatorDef):
        label = property(lambda self: labels.get(self.code, self.label_en))
        choice_names = property(lambda self: choice_names.get(self.code, ()))

    def convert(d: IndicatorDef) -> IndicatorDef:
        return _Def(**{f.name: getattr(d, f.name) for f in dataclasses.fields(IndicatorDef)})

    indicators = {code: convert(d) for code, d in catalogue.indicators.items()}
    by_name = {d.xlsform_name or d.code: d for d in indicators.values()}
    return CatalogueIndex(version=catalogue.version, indicators=indicators, by_xlsform_name=by_name)
