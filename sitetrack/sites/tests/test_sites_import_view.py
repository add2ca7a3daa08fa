"""The web master-list import: upload, mapping step (columns, samples, a field per
column, remembered per operation), check, import; clear errors for files it cannot take."""

import re
import shutil
import tempfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site, SiteImportMapping


class SitesImportViewTest(BaseCase):
    def setUp(self) -> None:
        # Uploads wait in MEDIA_ROOT between the steps: a folder of this test's own.
        media = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, media, ignore_errors=True)
        overridden = override_settings(MEDIA_ROOT=media)
        overridden.enable()
        self.addCleanup(overridden.disable)

    def upload(self, text: bytes, name: str = "list.csv", **extra):
        data = {"file": SimpleUploadedFile(name, text, content_type="text/csv"), **extra}
        return self.client.post(reverse("sites:import"), data)

    def token(self, page) -> str:
        return re.search(rb'name="token" value="([^"]+)"', page.content).group(1).decode()

    def post_mapping(self, page, action: str, fields: dict[int, str], headers: dict[int, str], **extra):
        data = {"stage": "map", "token": self.token(page), "action": action, **extra}
        for index, header in headers.items():
            data[f"header_{index}"] = header
            data[f"col_{index}"] = fields.get(index, "")
        return self.client.post(reverse("sites:import"), data)

    def test_an_imo_maps_checks_then_imports_a_list(self) -> None:
        self.login(self.imani)
        text = "nom du site;genre;pcode;Nb HH\nSaint-Sauveur;centre collectif;CF7131; 1,475 \n".encode(
            "cp1252"
        )
        page = self.upload(text)
        self.assertContains(page, "Map the columns")
        self.assertContains(page, "centre collectif")  # sample values are shown
        self.assertContains(page, '<option value="name" selected>')  # "nom du site" recognised
        headers = {0: "nom du site", 1: "genre", 2: "pcode", 3: "Nb HH"}
        fields = {0: "name", 1: "site_type", 2: "admin_area", 3: "households"}
        checked = self.post_mapping(page, "check", fields, headers)
        self.assertContains(checked, "nothing was written")
        self.assertFalse(Site.objects.filter(name="Saint-Sauveur").exists())
        done = self.post_mapping(checked, "import", fields, headers)
        self.assertContains(done, "1 new")
        site = Site.objects.get(name="Saint-Sauveur")
        self.assertEqual(site.assessments.get().households, 1475)
        # The choices are remembered: the next list with these headers is mapped the same way.
        saved = SiteImportMapping.objects.get(operation=self.operation)
        self.assertEqual(saved.columns["genre"], "site_type")
        again = self.upload(text)
        self.assertContains(again, '<option value="site_type" selected>')
        self.assertContains(again, '<option value="households" selected>')

    def test_a_column_set_to_ignore_is_listed_as_ignored(self) -> None:
        self.login(self.imani)
        page = self.upload(b"name;type;pcode;notes\nX;transit;CF7131;hello\n")
        headers = {0: "name", 1: "type", 2: "pcode", 3: "notes"}
        checked = self.post_mapping(page, "check", {0: "name", 1: "site_type", 2: "admin_area"}, headers)
        self.assertContains(checked, "Columns ignored")
        self.assertNotContains(checked, "notes ← notes")

    def test_errors_are_listed(self) -> None:
        self.login(self.imani)
        page = self.upload(b"name;type;pcode\nX;transit;ZZ1\n")
        headers = {0: "name", 1: "type", 2: "pcode"}
        checked = self.post_mapping(page, "import", {0: "name", 1: "site_type", 2: "admin_area"}, headers)
        self.assertContains(checked, "list.csv, row 2, column “pcode”, value “ZZ1”: Unknown P-code “ZZ1”.")
        self.assertFalse(Site.objects.filter(name="X").exists())

    def test_a_cell_of_ten_megabytes_gets_a_clear_error(self) -> None:
        self.login(self.imani)
        page = self.upload(b"name;notes\nX;" + b"x" * (10 * 1024 * 1024) + b"\n")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "a spreadsheet cell holds at most")

    def test_an_oversize_upload_gets_a_clear_error(self) -> None:
        self.login(self.imani)
        with override_settings(SITETRACK_MAX_UPLOAD_BYTES=1024):
            page = self.upload(b"name;notes\n" + b"X;y\n" * 1000)
        # Refused before the body is read (accounts' upload limit), in the site's layout.
        self.assertContains(page, "at most", status_code=413)
        self.assertContains(page, "Upload too large", status_code=413)
        self.assertFalse(Site.objects.filter(name="X").exists())

    def test_another_sessions_token_is_refused(self) -> None:
        self.login(self.imani)
        page = self.upload(b"name;type;pcode\nX;transit;CF7131\n")
        self.client.logout()
        self.login(self.ada)
        other = self.post_mapping(page, "import", {0: "name"}, {0: "name"})
        self.assertContains(other, "no longer here")
        self.assertFalse(Site.objects.filter(name="X").exists())

    def test_a_facilitator_cannot_import(self) -> None:
        self.login(self.fatou)
        self.assertEqual(self.client.get(reverse("sites:import")).status_code, 403)
