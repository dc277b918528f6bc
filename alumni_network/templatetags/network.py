"""Template tags shared by the three areas."""

import json
from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import conditional_escape, urlize
from django.utils.safestring import mark_safe

from ..navigation import HR_GROUPS, HR_MORE, MEMBER_NAV, resolve_groups, resolve_items

register = template.Library()


@register.simple_tag(takes_context=True)
def area_nav(context, area: str):
    """The area's menu for this user and page.

    Which entries the user may open and which is current are worked out on every
    request; the markup for that menu is drawn once per process and language (a
    menu is a few dozen links, drawn twice for wide screens and phones: a fifth
    of an HR page's time from the cache).
    """
    request = context["request"]
    if area == "hr":
        menu = {"area": area, **resolve_groups(HR_GROUPS, HR_MORE, request.path, request.user)}
    else:
        menu = {"area": area, "items": resolve_items(MEMBER_NAV, request.path, request.user)}
    # Labels are lazy: json.dumps translates them now, in the language the page is in.
    return _menu_markup(translation.get_language(), json.dumps(menu, default=str))


@lru_cache(maxsize=512)
def _menu_markup(language: str, menu: str) -> str:
    with translation.override(language):
        return render_to_string("includes/area_nav.html", json.loads(menu))


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
