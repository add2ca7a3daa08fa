"""Country outlines from Natural Earth (world-atlas), by ISO code."""

from django.test import SimpleTestCase, override_settings

from sitetrack.geo import countries
from sitetrack.geo.countries import check_point, iso3


class CountryOutlineTest(SimpleTestCase):
    def test_iso_codes_of_every_form_name_the_same_country(self):
        self.assertEqual(iso3("CF"), "CAF")
        self.assertEqual(iso3("caf"), "CAF")
        self.assertEqual(iso3("140"), "CAF")
        self.assertIsNone(iso3("QQ"))

    def test_a_point_in_bangui_is_inside_and_paris_is_outside(self):
        self.assertEqual(check_point("CF", 4.3986, 18.5189).verdict, "inside")
        paris = check_point("CAF", 48.8566, 2.3522)
        self.assertEqual(paris.verdict, "outside")
        self.assertGreater(paris.distance_km, 3000)

    def test_swapped_latitude_and_longitude_are_recognised(self):
        self.assertEqual(check_point("MZ", -19.84, 34.84).verdict, "inside")  # Beira
        self.assertEqual(check_point("MZ", 34.84, -19.84).verdict, "swapped")

    def test_a_country_without_an_outline_is_skipped(self):
        self.assertEqual(check_point("QQ", 1, 1).verdict, "skipped")

    def test_without_the_npm_package_every_check_is_skipped(self):
        countries._topology.cache_clear()
        countries._outline.cache_clear()
        try:
            with override_settings(SITETRACK_COUNTRY_OUTLINES="/nonexistent/countries.json"):
                self.assertEqual(check_point("CF", 4.39, 18.51).verdict, "skipped")
        finally:
            countries._topology.cache_clear()
            countries._outline.cache_clear()
