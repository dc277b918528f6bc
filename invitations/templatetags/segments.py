"""Reading a segment's saved filter on HR pages."""

from django import template

from ..register.filters import filter_summary

register = template.Library()


@register.filter
def segment_summary(filters: dict) -> str:
    """A segment's filter in words and the active language's date format."""
    return "; ".join(filter_summary(filters or {}))
