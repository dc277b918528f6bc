"""Template tags shared by the three areas."""

from django import template
from django.utils.html import conditional_escape, urlize
from django.utils.safestring import mark_safe

from ..navigation import HR_GROUPS, HR_MORE, MEMBER_NAV, resolve_groups, resolve_items

register = template.Library()


@register.inclusion_tag("includes/area_nav.html", takes_context=True)
def area_nav(context, area: str):
    request = context["request"]
    if area == "hr":
        menu = resolve_groups(HR_GROUPS, HR_MORE, request.path, request.user)
        return {"area": area, **menu}
    return {"area": area, "items": resolve_items(MEMBER_NAV, request.path, request.user)}


# What urlize can turn into a link; text without any of these is left alone.
_ADDRESS_HINTS = ("://", "www.", "@", ".com", ".org", ".net")


@register.filter(is_safe=True, needs_autoescape=True)
def link_addresses(text, autoescape=True):
    """urlize, run only where an address can be: it scans every word (0.5 ms an email)."""
    text = str(text)
    if any(hint in text for hint in _ADDRESS_HINTS):
        # urlize has escaped the text around the links; marked safe, as Django's own
        # urlize filter does, or a filter after this one (linebreaksbr) escapes it again.
        return mark_safe(urlize(text, nofollow=True, autoescape=autoescape))  # noqa: S308
    return conditional_escape(text) if autoescape else text
