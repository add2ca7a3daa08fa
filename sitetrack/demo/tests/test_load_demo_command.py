"""`load-demo` resets the demo users' passwords and tokens to public values: outside debug
mode it refuses unless forced."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings


class LoadDemoRefusalTests(TestCase):
    @override_settings(DEBUG=False)
    def test_it_refuses_outside_debug_and_changes_no_password(self):
        admin = User.objects.create_user("admin", password="the-real-production-password")
        with self.assertRaisesMessage(CommandError, "--force"):
            call_command("load-demo")
        admin.refresh_from_db()
        self.assertTrue(admin.check_password("the-real-production-password"))
        self.assertEqual(User.objects.count(), 1)


class LoadDemoTakenUsernameTests(TestCase):
    @override_settings(DEBUG=True)
    def test_it_does_not_take_over_a_user_who_has_a_demo_username(self):
        admin = User.objects.create_user("admin", email="it@ngo.example", password="my-own-long-password")
        with self.assertRaisesMessage(CommandError, "admin (it@ngo.example)"):
            call_command("load-demo", stdout=StringIO())
        admin.refresh_from_db()
        self.assertTrue(admin.check_password("my-own-long-password"))
        self.assertEqual((admin.email, User.objects.count()), ("it@ngo.example", 1))


class LoadDemoStepsTests(TestCase):
    @override_settings(DEBUG=True)
    def test_the_demo_has_partners_activities_and_referrals(self):
        from io import StringIO

        from sitetrack.response.models import Activity, Referral

        out = StringIO()
        call_command("load-demo", stdout=out)
        self.assertIn("demo: response", out.getvalue())
        self.assertGreater(Activity.objects.filter(site__isnull=False).count(), 50)
        self.assertTrue(Referral.objects.exists())
