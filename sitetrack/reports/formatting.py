"""How numbers look in every format (web, PDF, email): one rule, so tests can rely on it."""

from __future__ import annotations

from django.utils.translation import get_language

# French groups thousands with a no-break space, English with a comma.
THOUSANDS = {"fr": "\u00a0", "en": ","}
DECIMAL = {"fr": ",", "en": "."}


def _lang() -> str:
    return "fr" if (get_language() or "en").startswith("fr") else "en"


def number(value: int | float | None, decimals: int = 0) -> str:
    """12345 → "12,345" (en) / "12 345" (fr); None → "–"."""
    if value is None:
        return "–"
    lang = _lang()
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", DECIMAL[lang]).replace("\x00", THOUSANDS[lang])


def signed(value: int | float | None, decimals: int = 0) -> str:
    """+120 / −35 / 0, with the same grouping as `number`; the minus is U+2212 (a true minus
    sign, as typographers and screen readers expect), not the ASCII hyphen."""
    if value is None:
        return "–"
    if value > 0:
        return "+" + number(value, decimals)
    if value < 0:
        return "\u2212" + number(-value, decimals)
    return number(0, decimals)


def decimal(value: float | None) -> str:
    """Indicator values: one decimal below 100, none above."""
    if value is None:
        return "–"
    value = float(value)
    return number(value, 1 if abs(value) < 100 else 0)
