"""The objects the access matrix needs in the URLs it requests: one of each kind, in
Fatou's arrondissement (CF711) unless named `_outside` (CF713, outside her scope)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from sitetrack.accounts.services import api_token_create
from sitetrack.assessments import services as assessment_services
from sitetrack.assessments.tests.fixtures import good_values, make_round
from sitetrack.intake.models import DuplicateHold, FieldMapping, ImportRun, ImportStatus
from sitetrack.profiles.models import ProfileBatch
from sitetrack.profiles.tests.fixtures import assess, month_round
from sitetrack.reports.models import Subscription
from sitetrack.response.models import Facility, Referral, StrategyObjective, WorkOrder
from sitetrack.response.tests.helpers import make_activity
from sitetrack.returns.models import Survey


@dataclass
class Objects:
    round: Any
    assessment: Any
    assessment_outside: Any
    run: Any
    mapping: Any
    hold: Any
    subscription: Any
    token: Any
    activity: Any
    referral: Any
    facility: Any
    work_order: Any
    month: Any
    batch: Any
    objective: Any


def build(case) -> Objects:
    round = make_round(case.operation)
    inside = assessment_services.assessment_save(
        site=case.mpoko, round=round, user=case.imani, values=good_values()
    )
    outside = assessment_services.assessment_save(
        site=case.boy_rabe, round=round, user=case.imani, values=good_values()
    )
    run = ImportRun.objects.create(
        operation=case.operation, round=round, created_by=case.imani, status=ImportStatus.DONE
    )
    mapping = FieldMapping.objects.create(operation=case.operation, name="matrix", fields={})
    hold = DuplicateHold.objects.create(
        operation=case.operation, round=round, site=case.mpoko, assessment=inside, run=run, uuid="u-1"
    )
    subscription = Subscription.objects.create(
        operation=case.operation, name="WASH cluster", email="wash@example.org"
    )
    token, _key = api_token_create(user=case.victor, name="matrix")
    activity = make_activity(case, case.ngo)
    referral = Referral.objects.create(
        operation=case.operation,
        site=case.mpoko,
        sector="wash",
        to_organisation=case.ngo,
        title="Latrines full",
        due_date=datetime.date(2014, 2, 1),
        created_by=case.imani,
    )
    # The returns app's pages and API address a survey by its month (by_kwarg "month").
    Survey.objects.create(operation=case.operation, month=datetime.date(2014, 3, 1))
    facility = Facility.objects.create(site=case.mpoko, kind="shower", checked_on=datetime.date(2014, 2, 1))
    work_order = WorkOrder.objects.create(
        operation=case.operation,
        site=case.mpoko,
        requested_on=datetime.date(2014, 2, 1),
        title="Repair pump",
        organisation=case.ngo,
        status="assigned",
    )
    month = month_round(case.operation, 1)
    assess(month, case.mpoko)
    batch = ProfileBatch.objects.create(round=month, created_by=case.imani)
    objective = StrategyObjective.objects.create(operation=case.operation, code="SO1", title="Safe WASH")
    return Objects(
        round,
        inside,
        outside,
        run,
        mapping,
        hold,
        subscription,
        token,
        activity,
        referral,
        facility,
        work_order,
        month,
        batch,
        objective,
    )


def kwargs_for(name: str, kwarg_names: list[str], case, objects: Objects) -> dict[str, Any]:
    """Values for a URL's keyword arguments: by URL name where the same kwarg means
    different objects, else by kwarg name. A URL whose kwargs are not known here fails the
    matrix test with a message saying to add them."""
    by_url: dict[str, dict[str, Any]] = {
        "api-round": {"pk": objects.round.pk},
        "api-round-close": {"pk": objects.round.pk},
        "assessments:board": {"pk": objects.round.pk},
        "assessments:round_close": {"pk": objects.round.pk},
        "api-import": {"pk": objects.run.pk},
        "api-import-log": {"pk": objects.run.pk},
        "intake:run": {"pk": objects.run.pk},
        "intake:run-status": {"pk": objects.run.pk},
        "intake:run-log": {"pk": objects.run.pk},
        "intake:run-new-sites": {"pk": objects.run.pk},
        "intake:hold-resolve": {"pk": objects.hold.pk},
        "intake:mapping": {"pk": objects.mapping.pk},
        "intake:mapping-download": {"pk": objects.mapping.pk},
        "reports:subscription-edit": {"pk": objects.subscription.pk},
        "api-token-revoke": {"pk": objects.token.pk},
        "api-activity": {"pk": objects.activity.pk},
        "api-activity-reports": {"pk": objects.activity.pk},
        "api-organisation": {"pk": case.ngo.pk},
        "api-referral-status": {"pk": objects.referral.pk},
        "response:activity": {"pk": objects.activity.pk},
        "response:activity-edit": {"pk": objects.activity.pk},
        "response:referral": {"pk": objects.referral.pk},
        "api-facility": {"pk": objects.facility.pk},
        "response:facility-edit": {"pk": objects.facility.pk},
        "api-work-order": {"pk": objects.work_order.pk},
        "response:work-order": {"pk": objects.work_order.pk},
        "response:objective-edit": {"pk": objects.objective.pk},
        "response:objective-delete": {"pk": objects.objective.pk},
    }
    by_kwarg: dict[str, Any] = {
        "code": case.mpoko.code,
        "pcode": case.arr1.pcode,
        "round_pk": objects.round.pk,
        "number": objects.round.number,
        "fmt": "xlsx",
        "form": "site-assessment",
        "object_id": "1",
        "id": "1",
        "app_label": "auth",
        "content_type_id": "1",
        "url": "nothing-here/",
        "month": "2014-03",
    }
    if name.startswith(("api-assessment", "assessments:")) and "pk" in kwarg_names:
        by_kwarg["pk"] = objects.assessment.pk
    if name.startswith("profiles:"):
        by_kwarg |= {"number": objects.month.number, "pk": objects.batch.pk}
    values = dict(by_url.get(name, {}))
    for kwarg in kwarg_names:
        if kwarg not in values and kwarg in by_kwarg:
            values[kwarg] = by_kwarg[kwarg]
    return values
