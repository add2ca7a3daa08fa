"""The profile pages: who reads what, the PDF download, the batch page and its progress."""

from __future__ import annotations

import zipfile

from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.profiles.models import BatchStatus, ProfileBatch
from sitetrack.profiles.selectors import site_profile
from sitetrack.profiles.tests.fixtures import build_profile_fixture
from sitetrack.reports.formatting import number


class ProfileViewTests(BaseCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_profile_fixture(cls)

    def url(self, name: str, *args) -> str:
        return reverse(f"profiles:{name}", args=args)

    def test_a_viewer_reads_a_site_profile_with_the_selectors_figures(self) -> None:
        self.login(self.victor)
        response = self.client.get(self.url("profile", 3, self.mpoko.code))
        self.assertEqual(response.status_code, 200)
        profile = site_profile(self.mpoko, self.round3)
        html = response.content.decode()
        self.assertIn(f'data-figure="individuals">{number(profile.individuals)}<', html)
        self.assertIn(f'data-figure="households">{number(profile.households)}<', html)
        self.assertIn("✖</span> not met", html)

    def test_the_pdf_downloads_in_the_language_asked(self) -> None:
        self.login(self.victor)
        response = self.client.get(self.url("profile-pdf", 3, self.mpoko.code) + "?lang=fr")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn("round-3-fr.pdf", response["Content-Disposition"])
        self.assertTrue(response.content.startswith(b"%PDF"))

    def test_the_page_is_in_french_for_a_french_reader(self) -> None:
        self.login(self.victor)
        response = self.client.get(self.url("profile", 3, self.mpoko.code), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(response, "Services par rapport aux seuils")
        self.assertContains(response, 'data-figure="individuals">1\u00a0200<')

    def test_a_facilitator_reads_only_the_sites_of_her_areas(self) -> None:
        self.login(self.fatou)
        self.assertEqual(self.client.get(self.url("profile", 3, self.mpoko.code)).status_code, 200)
        self.assertEqual(self.client.get(self.url("profile", 3, self.boy_rabe.code)).status_code, 404)
        page = self.client.get(self.url("round", 3))
        self.assertContains(page, self.mpoko.code)
        self.assertNotContains(page, self.boy_rabe.code)
        self.assertNotContains(page, "Generate in English")

    def test_someone_without_a_role_is_refused(self) -> None:
        self.login(self.olga)
        self.assertIn(self.client.get(self.url("profile", 3, self.mpoko.code)).status_code, (403, 404))
        self.assertIn(self.client.get(self.url("round", 3)).status_code, (403, 404))

    def test_a_site_not_validated_in_the_round_or_an_unknown_round_is_404(self) -> None:
        self.login(self.imani)
        self.assertEqual(self.client.get(self.url("profile", 3, self.don_bosco.code)).status_code, 404)
        self.assertEqual(self.client.get(self.url("profile", 9, self.mpoko.code)).status_code, 404)

    def test_the_rounds_page_links_each_monthly_round(self) -> None:
        self.login(self.victor)
        response = self.client.get(self.url("rounds"))
        self.assertContains(response, self.url("round", 3))

    def test_an_imo_starts_the_batch_follows_it_and_downloads_the_zip(self) -> None:
        self.login(self.imani)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(self.url("batch-start", 3), {"lang": "en"})
        self.assertRedirects(response, self.url("round", 3))
        batch = ProfileBatch.objects.get()
        self.assertEqual(batch.status, BatchStatus.DONE)
        status = self.client.get(self.url("batch-status", 3, batch.pk)).json()
        self.assertEqual(
            (status["done"], status["failed"], status["total"], status["percent"]), (2, 0, 2, 100)
        )
        self.assertTrue(status["finished"])
        page = self.client.get(self.url("round", 3))
        self.assertContains(page, self.url("batch-download", 3, batch.pk))
        download = self.client.get(self.url("batch-download", 3, batch.pk))
        self.assertEqual(download.status_code, 200)
        import io

        names = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
        self.assertIn("site-profiles-round-3-en.pdf", names)

    def test_the_page_shows_the_sites_that_failed(self) -> None:
        batch = ProfileBatch.objects.create(
            round=self.round3,
            status=BatchStatus.DONE,
            total=2,
            done=1,
            failed=1,
            errors=[{"code": "CF7131-S001", "name": "Monastère Boy-Rabe", "error": "ValueError: bad"}],
        )
        self.login(self.imani)
        self.assertContains(self.client.get(self.url("round", 3)), "CF7131-S001: ValueError: bad")
        self.assertEqual(
            self.client.get(self.url("batch-status", 3, batch.pk)).json()["errors"][0]["code"], "CF7131-S001"
        )

    def test_viewers_and_facilitators_may_not_start_or_read_batches(self) -> None:
        batch = ProfileBatch.objects.create(round=self.round3)
        for user in (self.victor, self.fatou, self.paul):
            self.login(user)
            self.assertEqual(self.client.post(self.url("batch-start", 3), {"lang": "en"}).status_code, 403)
            self.assertEqual(self.client.get(self.url("batch-status", 3, batch.pk)).status_code, 403)
            self.assertEqual(self.client.get(self.url("batch-download", 3, batch.pk)).status_code, 403)
        self.assertEqual(ProfileBatch.objects.count(), 1)
