from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from sitetrack.demo.builders import STEPS
from sitetrack.demo.context import DemoContext


class Command(BaseCommand):
    help = "Build the demo operation (Bangui and Ombella M'Poko, early 2014) on the real CAR P-codes."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo operation first and rebuild it."
        )

    def handle(self, *args, reset: bool = False, **options) -> None:
        ctx = DemoContext(log=lambda msg: self.stdout.write(f"  {msg}"))
        ctx.extra["reset"] = reset
        with transaction.atomic():
            for dotted in STEPS:
                module = importlib.import_module(dotted)
                self.stdout.write(f"demo: {dotted.rsplit('.', 1)[-1]}")
                module.build(ctx)
        self.stdout.write(self.style.SUCCESS(f"Demo operation ready: {ctx.operation}"))
