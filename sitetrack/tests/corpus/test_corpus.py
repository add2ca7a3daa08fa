"""Every hostile file and payload of the corpus through its importer, form or API: no 500,
no traceback, a clear message naming the file, nothing written, no run left unfinished.

Set CORPUS_IGNORE_XFAIL=1 to run the cases marked xfail as ordinary tests (to see which
ones another engineer's fix has turned green: remove their mark).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sitetrack.assessments.models import SiteAssessment
from sitetrack.core.testing import BaseCase
from sitetrack.demo.fake_export import write_kobo_csv
from sitetrack.geo.models import AdminArea
from sitetrack.geo.services import AdminAreaImportError, admin_areas_import
from sitetrack.intake.models import ImportStatus, RawSubmission
from sitetrack.intake.run_errors import error_message
from sitetrack.intake.services import import_file
from sitetrack.intake.tests.helpers import IntakeCase
from sitetrack.sites.models import Site
from sitetrack.sites.services import sites_import
from sitetrack.tests.corpus import cases as corpus

UNFINISHED = (ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.SAVING)


def _slug(case_id: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", case_id.lower()).strip("_")


def attach(cls, cases, runner_name: str) -> None:
    """One test method per case (unittest classes cannot be parametrized)."""
    for case in cases:

        def test(self, case=case):
            getattr(self, runner_name)(case)

        test.__doc__ = f"{case.id} ({case.expect})"
        if case.xfail and not os.getenv("CORPUS_IGNORE_XFAIL"):
            test = pytest.mark.xfail(strict=True, reason=case.xfail)(test)
        setattr(cls, f"test_{_slug(case.id)}", test)


class FileCaseMixin:
    def setUp(self) -> None:
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def write(self, case: corpus.Case) -> Path:
        path = self.tmp / case.filename
        path.write_bytes(case.content)
        return path

    def check_outcome(self, case, refused: bool, message: str, written: bool) -> None:
        if case.expect == "refuse":
            self.assertTrue(refused, f"{case.id} was accepted: {message[:300]}")
        if refused:
            self.assertTrue(message.strip(), f"{case.id} was refused without a message")
            self.assertLess(len(message), 20_000, f"{case.id}: the message is a dump, not a message")
            self.assertNotIn("Traceback", message)
            self.assertFalse(written, f"{case.id} was refused but wrote rows")


class SitesCorpusTests(FileCaseMixin, BaseCase):
    def run_case(self, case: corpus.Case) -> None:
        before = Site.objects.count()
        try:
            report = sites_import(
                operation=self.operation, user=self.imani, path=str(self.write(case)), filename=case.filename
            )
        except ValidationError as error:
            refused, message = True, " ".join(error.messages)
        else:
            refused, message = not report.ok, report.as_text()
        if refused:
            self.assertIn(case.filename, message, f"{case.id}: the message does not name the file")
        self.check_outcome(case, refused, message, Site.objects.count() != before)


class CodCorpusTests(FileCaseMixin, BaseCase):
    def run_case(self, case: corpus.Case) -> None:
        before = AdminArea.objects.count()
        try:
            report = admin_areas_import(paths=[self.write(case)])
        except AdminAreaImportError as error:
            refused, message = True, "\n".join(str(p) for p in error.problems)
        else:
            written = sum(c.created + c.updated for c in report.counts.values())
            refused, message = written == 0, "\n".join(str(f) for f in report.findings)
        if refused:
            self.assertIn(case.filename, message, f"{case.id}: the message does not name the file")
        self.check_outcome(case, refused, message, AdminArea.objects.count() != before)


class IntakeCorpusTests(FileCaseMixin, IntakeCase):
    def run_case(self, case: corpus.Case) -> None:
        before = (SiteAssessment.objects.count(), RawSubmission.objects.count())
        try:
            run = import_file(
                operation=self.operation,
                round=self.round,
                user=self.imani,
                path=self.write(case),
                file_name=case.filename,
            )
        except ValidationError as error:
            refused, message = True, " ".join(error.messages)
        else:
            self.assertNotIn(run.status, UNFINISHED, f"{case.id} left its run {run.status}")
            created = SiteAssessment.objects.count() - before[0]
            error = run.error or {}
            rejected = run.log.filter(change_type="rejected").exists()
            refused = run.status == ImportStatus.FAILED or (created == 0 and rejected)
            message = error_message(error) or " ".join(
                entry.message for entry in run.log.order_by("id")[:20]
            )
            if run.status == ImportStatus.FAILED:
                self.assertEqual(error.get("file"), case.filename, f"{case.id}: the error names no file")
        written = SiteAssessment.objects.count() != before[0]
        self.check_outcome(case, refused, message, written)


class ApiPayloadCorpusTests(BaseCase):
    def run_payload(self, name: str, body: object) -> None:
        text = body if isinstance(body, str) and body.startswith(("{", "[")) else json.dumps(body)
        before = (Site.objects.count(), SiteAssessment.objects.count())
        response = self.api_as(self.imani).post(reverse(name), data=text, content_type="application/json")
        self.assertIn(response.status_code, (400, 401, 403, 404, 415), response.content[:300])
        self.assertIsInstance(response.json(), dict)
        self.assertEqual((Site.objects.count(), SiteAssessment.objects.count()), before)

    def test_html_in_every_text_field_of_the_site_form_is_shown_as_text(self):
        self.login(self.imani)
        script = "<script>alert(1)</script>"
        response = self.client.post(
            reverse("sites:create"),
            {
                "code": "CF7111-S950",
                "name": script,
                "site_type": "collective_centre",
                "admin_area": "CF7111",
                "notes": script,
                "aliases": script,
            },
        )
        self.assertLess(response.status_code, 500)
        if Site.objects.filter(code="CF7111-S950").exists():
            page = self.client.get(reverse("sites:detail", args=["CF7111-S950"]))
            self.assertNotContains(page, script)
            self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")


def _deep_text(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


for _id, _name, _body, _xfail in corpus.API_PAYLOADS:
    _payload = _deep_text(3000) if _id.endswith("deep-json") else _body

    def _test(self, name=_name, body=_payload):
        self.run_payload(name, body)

    if _xfail and not os.getenv("CORPUS_IGNORE_XFAIL"):
        _test = pytest.mark.xfail(strict=True, reason=_xfail)(_test)
    setattr(ApiPayloadCorpusTests, f"test_{_slug(_id)}", _test)


def _kobo_good() -> bytes:
    """A good Kobo CSV export for the base case's two sites (fake_export writes it)."""
    directory = Path(tempfile.mkdtemp())
    try:
        sites = [("CF7111-S001", "CF71", "CF711"), ("CF7131-S001", "CF71", "CF713")]
        path = write_kobo_csv(directory / "good.csv", submissions=3, sites=sites, seed=5)
        return Path(path).read_bytes()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


attach(SitesCorpusTests, corpus.sites_cases(), "run_case")
attach(CodCorpusTests, corpus.cod_cases(), "run_case")
attach(IntakeCorpusTests, corpus.intake_cases(_kobo_good()), "run_case")
