"""sitetrack xlsform site-assessment [--lang en,fr] [--operation SLUG] > form.xlsx"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from sitetrack.core.operations import operation_for_command
from sitetrack.intake.xlsform.build import FORMS, form_for, xlsform_bytes


class Command(BaseCommand):
    help = "Write an XLSForm generated from the indicator catalogue and the site registry."

    def add_arguments(self, parser):
        parser.add_argument("form", choices=FORMS)
        parser.add_argument("--lang", default="en,fr")
        parser.add_argument("--operation", default="", help="registry and catalogue of this operation")
        parser.add_argument("--output", "-o", default="", help="file to write (default: standard output)")

    def handle(self, *args, **opts):
        operation = None
        if opts["operation"]:
            operation = operation_for_command(opts["operation"])
        data = xlsform_bytes(form_for(operation, opts["form"]), [x.strip() for x in opts["lang"].split(",")])
        if opts["output"]:
            with open(opts["output"], "wb") as fh:
                fh.write(data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
