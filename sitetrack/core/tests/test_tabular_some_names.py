"""some_names: a message lists the first few names and says how many more, so a header
of 20,000 columns gives a message of a few hundred characters, not 150 KB."""

from django.test import SimpleTestCase
from django.utils import translation

from sitetrack.core.tabular import some_names


class SomeNamesTests(SimpleTestCase):
    def test_a_short_list_is_given_whole(self):
        self.assertEqual(some_names(["a", "b"]), "“a”, “b”")
        self.assertEqual(some_names(["a", "b"], quote=False), "a, b")

    def test_a_long_list_names_the_first_ten_and_counts_the_rest(self):
        with translation.override("en"):
            text = some_names([f"c{i}" for i in range(20_000)])
        self.assertTrue(text.startswith("“c0”, “c1”"), text)
        self.assertIn("“c9”", text)
        self.assertNotIn("“c10”", text)
        self.assertTrue(text.endswith("and 19,990 more"), text)
        self.assertLess(len(text), 200)

    def test_a_long_name_is_cut(self):
        text = some_names(["x" * 5000])
        self.assertLess(len(text), 70)
        self.assertTrue(text.endswith("…”"))

    def test_in_french(self):
        with translation.override("fr"):
            self.assertIn("et 5 autres", some_names([str(i) for i in range(15)]))
