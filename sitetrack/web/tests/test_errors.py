from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from sitetrack.core.testing import BaseCase


class ErrorPagesTest(BaseCase):
    def test_a_forbidden_page_is_in_the_layout_with_the_menu_and_a_way_back(self) -> None:
        self.login(self.fatou)
        page = self.client.get(reverse("intake:home"))
        self.assertEqual(page.status_code, 403)
        self.assertTemplateUsed(page, "web/403.html")
        self.assertContains(page, 'class="mainnav"', status_code=403)
        self.assertContains(page, f'href="{reverse("web:home")}"', status_code=403)
        self.assertContains(page, "Site facilitator", status_code=403)

    @override_settings(DEBUG=False)
    def test_a_missing_page_is_in_the_layout(self) -> None:
        self.login(self.imani)
        page = self.client.get("/sites/NO-SUCH-SITE/")
        self.assertEqual(page.status_code, 404)
        self.assertTemplateUsed(page, "web/404.html")
        self.assertContains(page, 'id="site-search"', status_code=404)

    def test_the_error_pages_are_translated(self) -> None:
        self.login(self.fatou)
        with translation.override("fr"):
            page = self.client.get(reverse("intake:home"), HTTP_ACCEPT_LANGUAGE="fr")
        self.assertContains(page, "Retour à l’accueil", status_code=403)

    def test_a_server_error_page_is_drawn_with_a_way_back(self) -> None:
        from django.test import RequestFactory

        from sitetrack.web.views import error_500

        request = RequestFactory().get("/")
        request.user = self.imani
        request.operation = self.operation
        response = error_500(request)
        self.assertEqual(response.status_code, 500)
        self.assertIn(b'href="/"', response.content)
