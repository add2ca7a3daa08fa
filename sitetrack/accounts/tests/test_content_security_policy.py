"""Every page carries a Content-Security-Policy that runs no inline script without the
page's nonce, and no template has an inline script or event handler that would need one."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import SimpleTestCase
from django.urls import reverse

from sitetrack.core.testing import BaseCase

TEMPLATES = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>"
)
HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


class PolicyHeaderTests(BaseCase):
    def test_pages_forbid_inline_scripts_plugins_and_framing(self):
        self.login(self.imani)
        for url in (reverse("web:home"), reverse("sites:list"), reverse("sites:map"), reverse("login")):
            with self.subTest(url=url):
                directives = policy(self.client.get(url))
                self.assertNotIn("'unsafe-inline'", directives["script-src"])
                self.assertNotIn("'unsafe-eval'", directives["script-src"])
                self.assertEqual(directives["object-src"], ["'none'"])
                self.assertEqual(directives["frame-ancestors"], ["'none'"])

    def test_the_polling_import_page_needs_no_inline_script(self):
        # Its progress is polled by htmx from static files (it had the last inline script).
        from sitetrack.assessments.tests.fixtures import make_round
        from sitetrack.intake.models import ImportRun, ImportStatus

        run = ImportRun.objects.create(
            operation=self.operation,
            round=make_round(self.operation),
            created_by=self.imani,
            status=ImportStatus.CHECKING,
        )
        self.login(self.imani)
        response = self.client.get(reverse("intake:run", args=[run.pk]))
        self.assertContains(response, 'hx-trigger="every 1500ms"')
        self.assertNotIn("'unsafe-inline'", policy(response)["script-src"])
        self.assertNotRegex(response.content.decode(), r"<script(?![^>]*\bsrc=)[^>]*>")

    def test_only_the_api_docs_allow_inline_scripts_and_they_use_no_cdn(self):
        self.login(self.imani)
        response = self.client.get(reverse("api-docs"))
        self.assertIn("'unsafe-inline'", policy(response)["script-src"])
        self.assertNotContains(response, "cdn.jsdelivr.net")
        self.assertNotContains(response, "unpkg.com")


class TemplateInlineScriptTests(SimpleTestCase):
    def test_no_template_has_an_inline_script_without_a_nonce_or_an_inline_handler(self):
        found = []
        for path in sorted(TEMPLATES.glob("*/templates/**/*.html")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if INLINE_SCRIPT.search(line) or HANDLER.search(line):
                    found.append(f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}")
        self.assertEqual(
            found,
            [],
            'Inline scripts need nonce="{{ request.csp_nonce }}"; event handlers (onclick=...) are '
            "blocked by the Content-Security-Policy: use data-autosubmit / data-confirm "
            "(web/static/web/site.js) or a static script.",
        )
