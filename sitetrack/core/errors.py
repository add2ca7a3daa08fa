"""Field errors collected while cleaning one record, raised together: every service that
checks several fields (sites, 3W activities, organisations, referrals) reports all the
problems of a record at once rather than the first."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class Errors:
    """Collects field → messages and raises one ValidationError with all of them."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.by_field.setdefault(field, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.by_field)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)
