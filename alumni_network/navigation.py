"""The menus of the three areas. Each app adds its pages here.

An entry whose URL does not resolve is left out, so a menu never links to a
page that is not there.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # URL prefixes that count as "inside" this item, for aria-current.
    section: str = ""


MEMBER_NAV = [
    NavItem(_("Home"), "members:home"),
]

HR_NAV = [
    NavItem(_("Overview"), "hr_dashboard"),
]


def resolve_items(items, current_path: str) -> list[dict]:
    resolved = []
    for item in items:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        section = item.section or url
        current = current_path == url or (section != url and current_path.startswith(section))
        resolved.append({"label": item.label, "url": url, "current": current})
    return resolved
