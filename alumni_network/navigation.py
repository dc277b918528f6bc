"""The menus of the member and HR areas. Each app adds its pages here.

The HR menu is grouped so that its top row fits one line: each group links to
its first page and lists the rest in a second row; pages used now and then sit
behind "More". An entry whose URL does not resolve, or that the user may not
open, is left out, so a menu never links to a dead end.
"""

from dataclasses import dataclass, field

import rules
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # URL prefix that counts as "inside" this page, for aria-current.
    section: str = ""
    # Shown only to users with this django-rules permission, when set.
    permission: str = ""


@dataclass(frozen=True)
class NavGroup:
    label: str
    items: list[NavItem] = field(default_factory=list)


MEMBER_NAV = [
    NavItem(_("Home"), "members:home"),
    NavItem(_("Gatherings"), "gatherings:list", section="/gatherings/"),
    NavItem(_("Directory"), "members:directory", section="/members/directory/"),
    NavItem(_("Jobs"), "members:job_list", section="/members/jobs/"),
    NavItem(_("News"), "members:news_list", section="/members/news/"),
    NavItem(_("My profile"), "members:profile_edit", section="/members/profile/"),
]

HR_GROUPS = [
    NavGroup(_("Overview"), [NavItem(_("Overview"), "hr_dashboard")]),
    NavGroup(
        pgettext_lazy("HR menu", "Register"),
        [
            NavItem(_("Leavers register"), "hr_invitations:register", section="/hr/register/"),
            NavItem(_("Imports"), "hr_invitations:import_start", section="/hr/register/import/"),
            NavItem(_("Segments"), "hr_invitations:segments", section="/hr/register/segments/"),
            NavItem(
                _("Requests to join"), "hr_invitations:join_requests", section="/hr/join-requests/"
            ),
            NavItem(
                _("Retention period"), "hr_invitations:retention", section="/hr/register/retention/"
            ),
        ],
    ),
    NavGroup(
        _("Campaigns"),
        [NavItem(_("Campaigns"), "hr_invitations:campaigns", section="/hr/campaigns/")],
    ),
    NavGroup(
        _("Gatherings"),
        [
            NavItem(_("Gatherings"), "hr_gatherings:list", section="/hr/gatherings/"),
            NavItem(_("Host rotation"), "hr_gatherings:hosts", section="/hr/gatherings/hosts/"),
        ],
    ),
    NavGroup(
        _("Members"),
        [
            NavItem(_("Competence search"), "hr_members:competence_search", section="/hr/members/"),
            NavItem(
                _("Organisations"), "hr_members:organisation_list", section="/hr/organisations/"
            ),
        ],
    ),
    NavGroup(
        pgettext_lazy("HR menu", "Content"),
        [
            NavItem(_("News"), "hr_members:news_list", section="/hr/news/"),
            NavItem(_("Jobs"), "hr_members:job_list", section="/hr/jobs/"),
            NavItem(_("Guidelines"), "hr_members:guidelines", section="/hr/guidelines/"),
        ],
    ),
    NavGroup(
        _("Outbox"),
        [NavItem(_("Outbox"), "hr_invitations:outbox", section="/hr/outbox/")],
    ),
]

HR_MORE = [
    NavItem(_("Roles"), "hr_members:roles", section="/hr/roles/"),
    NavItem(
        _("Audit log"),
        "hr_members:audit_log",
        section="/hr/audit-log/",
        permission="members.view_audit_log",
    ),
]


def resolve_items(items, current_path: str, user=None) -> list[dict]:
    """The items this user may open, with their URL; the one the path is inside is current."""
    resolved = [entry for item in items if (entry := _resolve(item, current_path, user))]
    _mark_current(resolved)
    return resolved


def resolve_groups(groups, more, current_path: str, user=None) -> dict:
    """The grouped menu: groups with their pages, "More", and the group holding the current page."""
    resolved_groups = [
        (group, [entry for item in group.items if (entry := _resolve(item, current_path, user))])
        for group in groups
    ]
    more_pages = [entry for item in more if (entry := _resolve(item, current_path, user))]
    _mark_current([page for _group, pages in resolved_groups for page in pages] + more_pages)
    menu = [
        {
            "label": group.label,
            "url": pages[0]["url"],
            "pages": pages,
            "current": any(page["current"] for page in pages),
        }
        for group, pages in resolved_groups
        if pages
    ]
    return {
        "groups": menu,
        "more": more_pages,
        "more_current": any(page["current"] for page in more_pages),
        "current_group": next((group for group in menu if group["current"]), None),
    }


def _resolve(item: NavItem, current_path: str, user) -> dict | None:
    # django-rules alone: the predicates need no query, unlike the model backend's permissions.
    if item.permission and not (user and rules.has_perm(item.permission, user)):
        return None
    try:
        url = reverse(item.url_name)
    except NoReverseMatch:
        return None
    if current_path == url:
        depth = len(url)
    elif item.section and current_path.startswith(item.section):
        depth = len(item.section)
    else:
        depth = 0
    return {"label": item.label, "url": url, "current": False, "depth": depth}


def _mark_current(entries: list[dict]) -> None:
    # The deepest section wins: /hr/register/segments/ is Segments, not the register.
    best = max(entries, key=lambda entry: entry["depth"], default=None)
    if best and best["depth"]:
        best["current"] = True
