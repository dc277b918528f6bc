"""Template tags shared by the three areas."""

from django import template
from django.utils.html import conditional_escape, urlize

from ..navigation import HR_NAV, MEMBER_NAV, resolve_items

register = template.Library()


@register.inclusion_tag("includes/area_nav.html", takes_context=True)
def area_nav(context, area: str):
    items = HR_NAV if area == "hr" else MEMBER_NAV
    request = context["request"]
    return {"items": resolve_items(items, request.path), "area": area}


# What urlize can turn into a link; text without any of these is left alone.
_ADDRESS_HINTS = ("://", "www.", "@", ".com", ".org", ".net")


@register.filter(is_safe=True, needs_autoescape=True)
def link_addresses(text, autoescape=True):
    """urlize, run only where an address can be: it scans every word (0.5 ms an email)."""
    text = str(text)
    if any(hint in text for hint in _ADDRESS_HINTS):
        return urlize(text, nofollow=True, autoescape=autoescape)
    return conditional_escape(text) if autoescape else text
