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
    NavItem(_("Gatherings"), "gatherings:list", section="/gatherings/"),
    NavItem(_("Directory"), "members:directory", section="/members/directory/"),
    NavItem(_("Jobs"), "members:job_list", section="/members/jobs/"),
    NavItem(_("News"), "members:news_list", section="/members/news/"),
    NavItem(_("My profile"), "members:profile_edit", section="/members/profile/"),
]

HR_NAV = [
    NavItem(_("Overview"), "hr_dashboard"),
    NavItem(_("Leavers register"), "hr_invitations:register", section="/hr/register/"),
    NavItem(_("Campaigns"), "hr_invitations:campaigns", section="/hr/campaigns/"),
    NavItem(_("Gatherings"), "hr_gatherings:list", section="/hr/gatherings/"),
    NavItem(_("Requests to join"), "hr_invitations:join_requests", section="/hr/join-requests/"),
    NavItem(_("Outbox"), "hr_invitations:outbox", section="/hr/outbox/"),
    NavItem(_("Competence search"), "hr_members:competence_search", section="/hr/members/"),
    NavItem(_("Jobs"), "hr_members:job_list", section="/hr/jobs/"),
    NavItem(_("News"), "hr_members:news_list", section="/hr/news/"),
    NavItem(_("Guidelines"), "hr_members:guidelines", section="/hr/guidelines/"),
    NavItem(_("Roles"), "hr_members:roles", section="/hr/roles/"),
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
