from django.core.management.base import BaseCommand
from rest_framework.authtoken.models import Token

from sitetrack.core.models import Membership
from sitetrack.demo.context import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo users, their roles, API tokens and the demo password."

    def handle(self, *args, **options) -> None:
        rows = (
            Membership.objects.filter(operation__slug="car-bangui-2014")
            .select_related("user")
            .order_by("role", "user__username")
        )
        tokens = dict(Token.objects.filter(user__in=[m.user for m in rows]).values_list("user_id", "key"))
        self.stdout.write(
            f"Demo logins (password for all: {DEMO_PASSWORD}; demo tokens are public — never use them in production):"
        )
        for m in rows:
            self.stdout.write(
                f"  {m.user.username:<13} {m.get_role_display():<34} token {tokens.get(m.user_id, '-')}"
            )
        token = tokens.get(next((m.user_id for m in rows if m.role == "imo"), None))
        if token:
            self.stdout.write(
                f'  try: curl -H "Authorization: Token {token}" http://127.0.0.1:8000/api/sites/'
            )
