import datetime

from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils import translation


class DateAndNumberStyleTest(SimpleTestCase):
    def render(self, text: str, **context) -> str:
        return Template("{% load web %}" + text).render(Context(context))

    def test_dates_have_one_style_per_language(self) -> None:
        day = datetime.date(2014, 3, 24)
        with translation.override("en"):
            self.assertEqual(self.render('{{ d|date:"DATE_FORMAT" }}', d=day), "24 Mar 2014")
        with translation.override("fr"):
            self.assertEqual(self.render('{{ d|date:"DATE_FORMAT" }}', d=day), "24 mars 2014")
            self.assertEqual(self.render('{{ d|date:"SHORT_DATE_FORMAT" }}', d=day), "2014-03-24")

    def test_numbers_follow_the_language_with_a_real_minus_sign(self) -> None:
        with translation.override("en"):
            self.assertEqual(self.render("{{ n|num }} {{ c|signed }}", n=12345, c=-650), "12,345 \u2212650")
        with translation.override("fr"):
            self.assertEqual(self.render("{{ n|num }} {{ c|signed }}", n=12345, c=650), "12\u00a0345 +650")
