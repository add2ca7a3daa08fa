from django.core.management.base import BaseCommand

from sitetrack.core.models import Membership
from sitetrack.demo.context import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo users, their roles and the demo password."

    def handle(self, *args, **options) -> None:
        rows = (
            Membership.objects.filter(operation__slug="car-bangui-2014")
            .select_related("user")
            .order_by("role")
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for m in rows:
            self.stdout.write(f"  {m.user.username:<12} {m.get_role_display()}")
