"""Template tags shared by the three areas."""

from django import template

from ..navigation import HR_NAV, MEMBER_NAV, resolve_items

register = template.Library()


@register.inclusion_tag("includes/area_nav.html", takes_context=True)
def area_nav(context, area: str):
    items = HR_NAV if area == "hr" else MEMBER_NAV
    request = context["request"]
    return {"items": resolve_items(items, request.path), "area": area}
