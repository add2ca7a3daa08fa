import io

from django.urls import reverse
from openpyxl import load_workbook

from sitetrack.core.testing import BaseCase


class XLSFormDownloadTest(BaseCase):
    def test_an_imo_downloads_the_generated_xlsform_from_the_import_page(self) -> None:
        self.login(self.imani)
        url = reverse("web:xlsform", args=["site-assessment"])
        self.assertContains(self.client.get(reverse("intake:home")), f'href="{url}"')
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("car-bangui-2014-site-assessment.xlsx", response["Content-Disposition"])
        book = load_workbook(io.BytesIO(response.content))
        self.assertIn("survey", book.sheetnames)
        header = [cell.value for cell in book["survey"][1]]
        self.assertTrue(any(h and "fr" in h.lower() for h in header), header)

    def test_a_facilitator_may_not_download_it(self) -> None:
        self.login(self.fatou)
        self.assertEqual(self.client.get(reverse("web:xlsform", args=["site-assessment"])).status_code, 403)

    def test_an_unknown_form_is_not_found(self) -> None:
        self.login(self.imani)
        self.assertEqual(self.client.get(reverse("web:xlsform", args=["nothing"])).status_code, 404)

    def test_the_import_page_defaults_to_the_newest_open_round(self) -> None:
        from sitetrack.assessments.tests.fixtures import make_round

        make_round(self.operation, 1)
        newest = make_round(self.operation, 2)
        self.login(self.imani)
        form = self.client.get(reverse("intake:home")).context["form"]
        self.assertNotIn("---------", str(form["round"]))
        self.assertEqual(list(form.fields["round"].queryset)[0], newest)
