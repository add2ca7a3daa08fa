"""The Content-Security-Policy allows no inline style: no template has a <style> block
or a style="" attribute (they are in static CSS files), and the header's style-src has
no 'unsafe-inline'. The narrow exceptions: the weekly report's PDF template (rendered by
WeasyPrint, never served as a page), its HTML document (allowed by the hash of exactly
its stylesheet), and third-party pages (admin, browsable API: inline styles, no
inline scripts)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

from django.test import SimpleTestCase
from django.urls import reverse

from sitetrack.accounts.tests.test_content_security_policy import policy
from sitetrack.core.testing import BaseCase

APPS = Path(__file__).resolve().parents[2]
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
# Rendered to PDF by WeasyPrint only (reports/renderers/pdf.py), and the standalone HTML
# document whose stylesheet's hash the policy allows.
ALLOWED = {"reports/templates/reports/weekly_pdf.html", "reports/templates/reports/weekly_document.html"}
# The other products' PDF templates, rendered by WeasyPrint only (test below).
PDF_ONLY = {
    "monthly/templates/monthly/pdf.html": "monthly/renderers.py",
    "profiles/templates/profiles/profile_pdf.html": "profiles/rendering.py",
    "returns/templates/returns/report_pdf.html": "returns/renderers/pdf.py",
}
ALLOWED |= set(PDF_ONLY)


class TemplateInlineStyleTests(SimpleTestCase):
    def test_no_served_template_has_an_inline_style(self):
        found = []
        for path in sorted(APPS.glob("*/templates/**/*.html")):
            rel = str(path.relative_to(APPS))
            if rel in ALLOWED:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if INLINE_STYLE.search(line):
                    found.append(f"{rel}:{number}: {line.strip()[:100]}")
        self.assertEqual(
            found,
            [],
            "The Content-Security-Policy blocks inline styles: move them to the app's static CSS "
            "(a <link rel=stylesheet> in {% block head %}) or a class of web/static/web/sitetrack.css.",
        )

    def test_the_pdf_template_is_only_ever_rendered_to_pdf(self):
        users = [
            str(p.relative_to(APPS))
            for p in APPS.glob("**/*.py")
            if "weekly_pdf.html" in p.read_text(encoding="utf-8") and "/tests/" not in str(p)
        ]
        self.assertEqual(users, ["reports/renderers/pdf.py"])

    def test_the_other_pdf_templates_are_only_rendered_to_pdf(self):
        for template, renderer in PDF_ONLY.items():
            name = template.split("/templates/", 1)[1]
            users = sorted(
                str(p.relative_to(APPS))
                for p in APPS.glob("**/*.py")
                if name in p.read_text(encoding="utf-8") and "/tests/" not in str(p)
            )
            with self.subTest(template=template):
                self.assertEqual(users, [renderer])


class StylePolicyHeaderTests(BaseCase):
    def test_pages_allow_no_inline_style(self):
        from sitetrack.assessments.tests.fixtures import make_round
        from sitetrack.intake.models import ImportRun

        round = make_round(self.operation)
        run = ImportRun.objects.create(operation=self.operation, round=round, created_by=self.imani)
        self.login(self.imani)
        urls = [
            reverse("web:home"),
            reverse("sites:list"),
            reverse("sites:map"),
            reverse("assessments:form", args=[round.pk, "CF7111-S001"]),
            reverse("assessments:catalogue"),
            reverse("intake:run", args=[run.pk]),
            reverse("response:gaps"),
            reverse("reports:weekly", args=[round.number]),
        ]
        for url in urls:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                directives = policy(response)
                self.assertEqual(directives["style-src"], ["'self'"])
                self.assertNotRegex(response.content.decode(), r"<style\b|\sstyle=")

    def test_moved_styles_are_served_as_static_files(self):
        from django.contrib.staticfiles import finders

        for name in ("assessments/assessment_form.css", "response/gap_matrix.css", "web/sitetrack.css"):
            with self.subTest(name=name):
                self.assertIsNotNone(finders.find(name))
        self.assertIn(".wide", Path(finders.find("web/sitetrack.css")).read_text(encoding="utf-8"))

    def test_the_weekly_html_document_allows_exactly_its_own_stylesheet(self):
        from sitetrack.assessments.tests.fixtures import make_round

        round = make_round(self.operation)
        self.login(self.imani)
        response = self.client.get(reverse("reports:weekly-download", args=[round.number, "html"]))
        self.assertEqual(response.status_code, 200)
        styles = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
        self.assertEqual(len(styles), 1)
        digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
        directives = policy(response)
        self.assertIn(f"'sha256-{digest}'", directives["style-src"])
        self.assertNotIn("'unsafe-inline'", directives["style-src"])
        self.assertNotIn("'unsafe-inline'", directives["script-src"])

    def test_third_party_pages_get_inline_styles_but_no_inline_scripts(self):
        self.login(self.ada)
        response = self.client.get("/admin/")
        directives = policy(response)
        self.assertIn("'unsafe-inline'", directives["style-src"])
        self.assertNotIn("'unsafe-inline'", directives["script-src"])
