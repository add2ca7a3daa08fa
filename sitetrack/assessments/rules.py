"""The state rules of a site assessment, in one place.

The web form, the API and the bulk import all ask this module:

- `status_after_save` — the status an assessment has once new figures are written;
- `write_mode` — whether new figures are an ordinary save or an IMO's correction;
- `save_refusal` — why figures may not be written (None when they may);
- `history_columns` — the columns of a history row that a bulk path sets itself
  (django-simple-history fills them on `save()`; an SQL path must write the same);
- `permissions` / `may_edit` … `may_correct` — what a user may do with an assessment
  now, asking the user's role through `core.access.can`.

Nothing here writes. Statuses are plain strings (`AssessmentStatus` values) so that a
bulk path holding rows as tuples can call these functions without building models.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from sitetrack.assessments.models import AssessmentStatus, RoundStatus
from sitetrack.core.access import can

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from sitetrack.assessments.models import Round, SiteAssessment
    from sitetrack.core.models import Operation

HISTORY_REASON_LENGTH = 100  # simple_history's history_change_reason column

# Whose figures the facilitator (or the import) may still change.
OPEN_STATES = frozenset({AssessmentStatus.DRAFT, AssessmentStatus.RETURNED})
# Figures an IMO may change only as a correction, with a reason.
CORRECTABLE_STATES = frozenset({AssessmentStatus.SUBMITTED, AssessmentStatus.VALIDATED})
FINAL_STATES = frozenset({AssessmentStatus.VALIDATED, AssessmentStatus.LOCKED})


class WriteMode(StrEnum):
    SAVE = "save"  # assessment_save: a draft, a returned one, or (IMO) a submitted one
    CORRECT = "correct"  # assessment_correct: an IMO changes reviewed figures, with a reason


class HistoryType(StrEnum):
    """simple_history's `history_type` values."""

    CREATED = "+"
    CHANGED = "~"
    DELETED = "-"


def status_after_save(current: str | None, *, error_count: int, submitted: bool) -> str:
    """The status of an assessment once figures are saved.

    `current`: its status before (None for a new one). `error_count`: errors the
    validation rules found in the saved figures. `submitted`: whether the figures come as
    a submission (a Kobo/ODK record is one; the web form and the API save drafts and
    submit in a separate step).

    - a new assessment is a draft, or submitted when it comes as a submission without error;
    - a draft or returned one comes back submitted the same way, else keeps its status;
    - a submitted one with errors goes back to draft (submitted figures have no error);
    - validated and locked ones never change here (see `write_mode`).
    """
    if current in FINAL_STATES:
        return current
    if current == AssessmentStatus.SUBMITTED:
        return AssessmentStatus.DRAFT.value if error_count else AssessmentStatus.SUBMITTED.value
    if submitted and not error_count:
        return AssessmentStatus.SUBMITTED.value
    return current or AssessmentStatus.DRAFT.value


def write_mode(current: str | None, *, reason_given: bool = False) -> WriteMode:
    """Whether figures for an assessment in status `current` are saved or corrected.

    Validated assessments are only ever corrected; a submitted one is corrected when a
    reason is given (an IMO's correction), saved otherwise. Locked ones are neither (their
    round is closed): they go to the save, which says so."""
    if current == AssessmentStatus.VALIDATED:
        return WriteMode.CORRECT
    if current == AssessmentStatus.SUBMITTED and reason_given:
        return WriteMode.CORRECT
    return WriteMode.SAVE


def save_refusal(current: str | None, *, may_validate: bool) -> str | None:
    """Why figures may not be saved over an assessment in status `current` (None: they
    may). `may_validate`: the user's role may validate (an IMO)."""
    if current in FINAL_STATES:
        return _("This assessment is %(status)s; an IMO can correct it with a reason.") % {
            "status": AssessmentStatus(current).label.lower()
        }
    if current == AssessmentStatus.SUBMITTED and not may_validate:
        return _("This assessment is submitted; ask an IMO to return it before changing it.")
    return None


def correct_refusal(current: str) -> str | None:
    """Why an assessment in status `current` may not be corrected (None: it may)."""
    if current not in CORRECTABLE_STATES:
        return _("Only submitted or validated assessments are corrected; edit drafts directly.")
    return None


def history_reason(text: str) -> str:
    """A change reason cut to the history column's length."""
    return text if len(text) <= HISTORY_REASON_LENGTH else text[: HISTORY_REASON_LENGTH - 1] + "…"


def history_columns(
    *, history_type: HistoryType, when: datetime.datetime, user_id: int | None, reason: str
) -> dict[str, object]:
    """The history columns a bulk write sets on each history row; the other columns copy
    the assessment row. `when` is the time of the change (prepared for the database by
    the caller when it writes raw SQL)."""
    return {
        "history_type": str(history_type),
        "history_date": when,
        "history_user_id": user_id,
        "history_change_reason": history_reason(reason),
    }


# --- what a user may do -------------------------------------------------------------------------


@dataclass(frozen=True)
class Permissions:
    """What one user may do with one assessment (or with a site's missing one) now."""

    edit: bool  # open the form and save figures
    submit: bool
    validate: bool
    return_: bool
    correct: bool

    @property
    def any(self) -> bool:
        return self.edit or self.submit or self.validate or self.return_ or self.correct


def _round_open(round: Round) -> bool:
    return round.status == RoundStatus.OPEN


def may_edit(user: AbstractBaseUser, operation: Operation, round: Round, status: str | None) -> bool:
    """Whether the user may save figures on the assessment (status None: not yet made)."""
    if not _round_open(round) or not can(user, operation, "assess"):
        return False
    return save_refusal(status, may_validate=can(user, operation, "validate")) is None


def may_submit(user: AbstractBaseUser, operation: Operation, round: Round, status: str | None) -> bool:
    return _round_open(round) and status in OPEN_STATES and can(user, operation, "assess")


def may_validate(user: AbstractBaseUser, operation: Operation, round: Round, status: str | None) -> bool:
    return _round_open(round) and status == AssessmentStatus.SUBMITTED and can(user, operation, "validate")


def may_return(user: AbstractBaseUser, operation: Operation, round: Round, status: str | None) -> bool:
    return _round_open(round) and status in CORRECTABLE_STATES and can(user, operation, "validate")


def may_correct(user: AbstractBaseUser, operation: Operation, round: Round, status: str | None) -> bool:
    return may_return(user, operation, round, status)


def permissions(user: AbstractBaseUser, round: Round, assessment: SiteAssessment | None) -> Permissions:
    """Everything the user may do with the assessment of a site in `round` (None: the
    site has none yet). Scope (the site in the user's areas) is checked by the
    `access_*` helper that fetched the site or the assessment."""
    operation = round.operation
    status = assessment.status if assessment is not None else None
    return Permissions(
        edit=may_edit(user, operation, round, status),
        submit=may_submit(user, operation, round, status),
        validate=may_validate(user, operation, round, status),
        return_=may_return(user, operation, round, status),
        correct=may_correct(user, operation, round, status),
    )
