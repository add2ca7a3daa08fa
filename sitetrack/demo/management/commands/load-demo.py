from __future__ import annotations

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sitetrack.accounts.checks import LOAD_DEMO_REFUSAL
from sitetrack.demo.builders import STEPS
from sitetrack.demo.context import DemoContext

# Translated in the accounts catalogue (the refusals that protect production live there).
REFUSAL = LOAD_DEMO_REFUSAL


class Command(BaseCommand):
    help = "Build the demo operation (Bangui and Ombella M'Poko, early 2014) on the real CAR P-codes."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo operation first and rebuild it."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo even though DEBUG is off (public passwords and tokens).",
        )

    def handle(self, *args, reset: bool = False, force: bool = False, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(str(REFUSAL))
        ctx = DemoContext(log=lambda msg: self.stdout.write(f"  {msg}"))
        ctx.extra["reset"] = reset
        with transaction.atomic():
            for dotted in STEPS:
                module = importlib.import_module(dotted)
                self.stdout.write(f"demo: {step_name(dotted)}")
                module.build(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo operation ready: {ctx.operation}"))


def step_name(dotted: str) -> str:
    """The step's name in the log: its module, or its app for an app's own `demo` module
    ("sitetrack.response.demo" is "response")."""
    parts = dotted.split(".")
    return parts[-2] if parts[-1] == "demo" else parts[-1]
