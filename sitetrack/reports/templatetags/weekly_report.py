from django import template
from django.utils.safestring import mark_safe

from sitetrack.reports import formatting

register = template.Library()


@register.filter
def num(value):
    return formatting.number(value)


@register.filter
def signed(value):
    return formatting.signed(value)


@register.filter
def dec(value):
    return formatting.decimal(value)


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def cssstr(value):
    """Text safe inside a double-quoted CSS string."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return mark_safe(text)  # inside <style>: no HTML entities, and no "<" can close the tag
