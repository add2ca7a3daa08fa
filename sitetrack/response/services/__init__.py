"""Writes of the response app (see each module): organisations, activities and their
monthly figures, referrals, site facilities and work orders."""

from sitetrack.response.services.activities import (
    activity_create,
    activity_report_save,
    activity_update,
    reporting_period_get,
    reporting_period_lock,
    reporting_period_reopen,
)
from sitetrack.response.services.organisations import (
    organisation_alias_add,
    organisation_create,
    organisation_merge,
    organisation_review_confirm,
)
from sitetrack.response.services.referrals import referral_change_status, referral_comment, referral_create
from sitetrack.response.services.strategy import (
    objective_create,
    objective_delete,
    objective_indicator_add,
    objective_update,
)
from sitetrack.response.services.works import (
    facility_create,
    facility_update,
    work_order_create,
    work_order_update,
)

__all__ = [
    "activity_create",
    "activity_report_save",
    "activity_update",
    "facility_create",
    "facility_update",
    "objective_create",
    "objective_delete",
    "objective_indicator_add",
    "objective_update",
    "organisation_alias_add",
    "organisation_create",
    "organisation_merge",
    "organisation_review_confirm",
    "referral_change_status",
    "referral_comment",
    "referral_create",
    "reporting_period_get",
    "reporting_period_lock",
    "reporting_period_reopen",
    "work_order_create",
    "work_order_update",
]
