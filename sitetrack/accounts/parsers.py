"""A JSON body nested thousands of levels deep made the standard parser raise
RecursionError (a 500 on every endpoint that reads JSON); here it is a 400 that says why."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_("JSON parse error: the body is nested too deeply.")) from error
