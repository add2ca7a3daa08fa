from django.urls import reverse

from sitetrack.core.testing import BaseCase


class NavigationTest(BaseCase):
    def nav_links(self, user) -> set[str]:
        self.login(user)
        html = self.client.get(reverse("web:home")).content.decode()
        nav = html.split('<nav class="mainnav"', 1)[1].split("</nav>", 1)[0]
        return {href for href in (part.split('"', 1)[0] for part in nav.split('href="')[1:])}

    def test_facilitators_partners_and_viewers_are_not_shown_data_intake(self) -> None:
        for user in (self.fatou, self.paul, self.victor):
            with self.subTest(user=user.username):
                links = self.nav_links(user)
                self.assertNotIn(reverse("intake:home"), links)
                self.assertNotIn(reverse("assessments:catalogue"), links)
                self.assertIn(reverse("sites:list"), links)

    def test_an_imo_is_shown_intake_and_the_catalogue(self) -> None:
        links = self.nav_links(self.imani)
        self.assertIn(reverse("intake:home"), links)
        self.assertIn(reverse("assessments:catalogue"), links)

    def test_only_administrators_are_shown_new_operation(self) -> None:
        self.assertIn(reverse("core:operation-create"), self.nav_links(self.ada))
        for user in (self.imani, self.fatou, self.paul, self.victor):
            with self.subTest(user=user.username):
                self.assertNotIn(reverse("core:operation-create"), self.nav_links(user))

    def test_every_link_in_the_menu_opens_for_its_role(self) -> None:
        for user in (self.ada, self.imani, self.fatou, self.paul, self.victor):
            for href in self.nav_links(user):
                with self.subTest(user=user.username, href=href):
                    self.assertEqual(self.client.get(href).status_code, 200)

    def test_someone_without_a_role_sees_only_home(self) -> None:
        self.assertEqual(self.nav_links(self.olga), {reverse("web:home")})

    def test_the_language_switch_and_a_breadcrumb_are_on_a_section_page(self) -> None:
        self.login(self.imani)
        page = self.client.get(reverse("sites:detail", args=[self.mpoko.code]))
        self.assertContains(page, 'name="language" value="fr"')
        self.assertContains(page, 'class="crumbs"')
        self.assertContains(page, f'href="{reverse("sites:list")}"')

    def test_the_menu_collapses_behind_a_button_on_phones(self) -> None:
        self.login(self.imani)
        self.assertContains(
            self.client.get(reverse("web:home")),
            'class="menubtn" aria-expanded="false" aria-controls="topmenu"',
        )
