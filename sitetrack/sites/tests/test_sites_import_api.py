"""POST /api/sites/import/ with a mapping, defaults and check-only."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site

LIST = b"Lieu;Genre;Zone;Nb HH\nCentre Jean XXIII;IDP site;CF7111; 1,475 \n"


class SitesImportApiTest(BaseCase):
    def post(self, user, **data):
        data.setdefault("file", SimpleUploadedFile("list.csv", LIST, content_type="text/csv"))
        return self.api_as(user).post("/api/sites/import/", data, format="multipart")

    def test_an_imo_checks_then_imports_with_a_mapping_and_a_default(self):
        mapping = json.dumps(
            {"name": "Lieu", "site_type": "Genre", "admin_area": "Zone", "households": "Nb HH"}
        )
        defaults = json.dumps({"site_type": "transit_centre"})
        checked = self.post(self.imani, mapping=mapping, defaults=defaults)
        self.assertEqual(checked.status_code, 200, checked.json())
        body = checked.json()
        self.assertTrue(body["dry_run"])
        self.assertEqual(body["mapping"]["households"], "Nb HH")
        self.assertFalse(Site.objects.filter(name="Centre Jean XXIII").exists())
        done = self.post(self.imani, mapping=mapping, defaults=defaults, dry_run="false")
        self.assertEqual(done.status_code, 200, done.json())
        site = Site.objects.get(name="Centre Jean XXIII")
        self.assertEqual((site.site_type, site.assessments.get().households), ("transit_centre", 1475))

    def test_errors_come_back_with_their_place_in_the_file(self):
        answer = self.post(
            self.imani, mapping=json.dumps({"name": "Lieu", "site_type": "Genre", "admin_area": "Zone"})
        )
        self.assertEqual(answer.status_code, 400)
        (error,) = answer.json()["errors"]
        self.assertEqual((error["row"], error["column"], error["rule"]), (2, "Genre", "generic_site_type"))

    def test_a_bad_mapping_and_other_roles_are_refused(self):
        self.assertEqual(self.post(self.imani, mapping="not json").status_code, 400)
        self.assertEqual(self.post(self.fatou).status_code, 403)
