from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site


class SitesImportViewTest(BaseCase):
    def upload(self, text: bytes, dry_run: bool):
        data = {"file": SimpleUploadedFile("list.csv", text, content_type="text/csv")}
        if dry_run:
            data["dry_run"] = "on"
        return self.client.post(reverse("sites:import"), data)

    def test_an_imo_checks_then_imports_a_list(self) -> None:
        self.login(self.imani)
        text = "nom du site;type de site;pcode\nSaint-Sauveur;centre collectif;CF7131\n".encode("cp1252")
        checked = self.upload(text, dry_run=True)
        self.assertContains(checked, "nothing was written")
        self.assertContains(checked, "type de site")  # the mapping is shown
        self.assertFalse(Site.objects.filter(name="Saint-Sauveur").exists())
        self.upload(text, dry_run=False)
        self.assertTrue(Site.objects.filter(name="Saint-Sauveur").exists())

    def test_errors_are_listed(self) -> None:
        self.login(self.imani)
        page = self.upload(b"name;type;pcode\nX;transit;ZZ1\n", dry_run=False)
        self.assertContains(page, "list.csv, row 2, column “pcode”, value “ZZ1”: Unknown P-code “ZZ1”.")

    def test_a_facilitator_cannot_import(self) -> None:
        self.login(self.fatou)
        self.assertEqual(self.client.get(reverse("sites:import")).status_code, 403)
