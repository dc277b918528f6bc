"""Figures of the door for pages the door does not render itself (HR's gathering page)."""

from django import template

from ..door.selectors import door_counts

register = template.Library()


@register.simple_tag
def door_figures(gathering):
    """Arrived, confirmed, walk-ins and guests of `gathering`: two queries."""
    return door_counts(gathering=gathering)
