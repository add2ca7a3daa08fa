"""POST /api/sites/ with a 23-digit capacity, infinity or NaN: 400 naming the field, not
a 500 (OverflowError); nothing written."""

from django.urls import reverse

from sitetrack.core.testing import BaseCase
from sitetrack.sites.models import Site


class SiteApiHugeNumberTests(BaseCase):
    def post(self, **extra):
        body = {"code": "CF7111-S900", "name": "x", "site_type": "collective_centre", "admin_area": "CF7111"}
        body.update(extra)
        return self.api_as(self.imani).post(reverse("api-sites"), data=body, format="json")

    def test_a_23_digit_capacity_is_a_400_on_the_capacity_field(self):
        before = Site.objects.count()
        response = self.post(capacity=10**23)
        self.assertEqual(response.status_code, 400, response.content[:300])
        self.assertIn("capacity", str(response.json()))
        self.assertIn("2,147,483,647", str(response.json()))
        self.assertEqual(Site.objects.count(), before)

    def test_a_23_digit_area_as_text_is_a_400(self):
        response = self.post(area_m2="12345678901234567890123")
        self.assertEqual(response.status_code, 400, response.content[:300])
        self.assertIn("area_m2", str(response.json()))

    def test_infinity_and_nan_are_refused(self):
        for value in ("inf", "-inf", "nan", "1e400"):
            with self.subTest(value=value):
                response = self.post(capacity=value)
                self.assertEqual(response.status_code, 400, response.content[:300])
                self.assertIn("capacity", str(response.json()))

    def test_the_largest_capacity_the_column_holds_is_accepted(self):
        response = self.post(capacity=2_147_483_647)
        self.assertEqual(response.status_code, 201, response.content[:300])
        self.assertEqual(Site.objects.get(code="CF7111-S900").capacity, 2_147_483_647)
