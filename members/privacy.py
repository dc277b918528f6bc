"""What of a profile a viewer may see: the one place every page, search and export asks.

A member sets a visibility per group of fields: all members, HR only, or only
me. The member always sees everything of their own; HR sees what is for all
members or for HR; another member sees what is for all members, and nothing at
all of someone who left the directory.

The selector: `visible_profile(member=, viewer=)` is "this member as seen by that
viewer", a `ProfileView` holding only what the viewer may see (its `name` is the
one name to print: never the login email). `directory_cards(members=, viewer=,
competences=)` is the same rule for a list at once, without queries. Every page,
export, suggestion list and email that shows a member to someone else gets one
of these, never a bare `Member`. The rest answer narrower questions by the same
rule: `can_view_profile`, `visible_groups`, `visible_q` (a filter for searches and
suggestions), `shown_to_every_member` (what is printed for a room), and
`hr_only_groups_shown` (what an HR view must audit-log).
tests/test_privacy_everywhere.py renders every route, export and email as each
role with a member who hid everything, so a new page that forgets this fails.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import is_member, is_staff_user
from .models import Member, Visibility

# Visibility group -> the fields it covers. Each group has a `<group>_visibility` column.
GROUPS: dict[str, tuple[str, ...]] = {
    "photo": ("photo",),
    "personal_email": ("personal_email",),
    "phone": ("phone",),
    "work": ("employer", "title"),
    "location": ("location",),
    "linkedin": ("linkedin_url",),
    "bio": ("bio",),
    "competences": ("competences",),
    "languages": ("languages",),
    "history": ("started_year", "left_year", "departments"),
    "availability": (
        "open_to_returning",
        "open_to_projects",
        "open_to_speaking",
        "open_to_hosting",
        "open_to_mentoring",
    ),
}

FLAG_LABELS = {
    "open_to_returning": _("Open to returning"),
    "open_to_projects": _("Open to project work"),
    "open_to_speaking": _("Open to speaking"),
    "open_to_hosting": _("Open to hosting a gathering"),
    "open_to_mentoring": _("Open to mentoring"),
}

ALL_LEVELS = frozenset(Visibility.values)
ALL_GROUPS = frozenset(GROUPS)
STAFF_LEVELS = frozenset({Visibility.MEMBERS, Visibility.HR})
MEMBER_LEVELS = frozenset({Visibility.MEMBERS})


def levels_for(viewer) -> frozenset[str]:
    """The visibility levels a viewer may see of *another* member's profile."""
    if is_staff_user(viewer):
        return STAFF_LEVELS
    if is_member(viewer):
        return MEMBER_LEVELS
    return frozenset()


@dataclass(frozen=True)
class _Viewer:
    """What the rules below ask of a viewer, asked once for a whole list."""

    pk: int | None
    staff: bool
    member: bool
    levels: frozenset[str]

    @classmethod
    def of(cls, viewer) -> "_Viewer":
        return cls(
            pk=getattr(viewer, "pk", None),
            staff=is_staff_user(viewer),
            member=is_member(viewer),
            levels=levels_for(viewer),
        )


def _can_view(member: Member, viewer: _Viewer) -> bool:
    if member.user_id == viewer.pk:
        return True
    if not member.user.is_active:
        return False
    if viewer.staff:
        return True
    return viewer.member and member.in_directory


def _groups(member: Member, viewer: _Viewer) -> frozenset[str]:
    if member.user_id == viewer.pk:
        return ALL_GROUPS
    if not _can_view(member, viewer):
        return frozenset()
    return frozenset(g for g in GROUPS if getattr(member, f"{g}_visibility") in viewer.levels)


def member_name(member: Member) -> str:
    """The name to show of `member` to whoever may see them at all: never the login
    email, which `str(member)` falls back to for someone without a name."""
    return member.user.get_full_name() or str(_("Member"))


def can_view_profile(*, member: Member, viewer) -> bool:
    return _can_view(member, _Viewer.of(viewer))


def visible_groups(*, member: Member, viewer) -> frozenset[str]:
    """The visibility groups of `member` that `viewer` may see."""
    return _groups(member, _Viewer.of(viewer))


def shown_to_every_member(*, member: Member, group: str) -> bool:
    """Whether any member may see this group of `member`'s profile: for what is printed
    or shown to a room (a name badge), where the viewer is whoever stands there."""
    if not member.user.is_active or not member.in_directory:
        return False
    return getattr(member, f"{group}_visibility") in MEMBER_LEVELS


def hr_only_groups_shown(*, member: Member, viewer) -> frozenset[str]:
    """Groups shown to `viewer` only because they are HR: these views are audit-logged."""
    if member.user_id == getattr(viewer, "pk", None) or not is_staff_user(viewer):
        return frozenset()
    return frozenset(
        g
        for g in visible_groups(member=member, viewer=viewer)
        if getattr(member, f"{g}_visibility") == Visibility.HR
    )


def visible_q(group: str, viewer) -> Q:
    """A filter on members whose `group` the viewer may see (for searches)."""
    levels = levels_for(viewer)
    own = Q(user_id=viewer.pk) if getattr(viewer, "pk", None) else Q(pk__in=[])
    return own | Q(**{f"{group}_visibility__in": sorted(levels)})


@dataclass
class ProfileView:
    """A profile as one viewer may see it. Templates and exports get only this."""

    pk: int
    name: str
    groups: frozenset[str]
    url: str = ""
    photo_url: str = ""
    personal_email: str = ""
    phone: str = ""
    employer: str = ""
    title: str = ""
    location: str = ""
    linkedin_url: str = ""
    bio: str = ""
    competences: list[str] = field(default_factory=list)
    languages: str = ""
    started_year: int | None = None
    left_year: int | None = None
    departments: str = ""
    flags: list[str] = field(default_factory=list)
    hr_only: frozenset[str] = frozenset()

    @property
    def initial(self) -> str:
        return str(self.name)[:1]

    @property
    def initials(self) -> str:
        """The first letters of the first and the last name ("KB"), where there is no photo."""
        words = str(self.name).split()
        return "".join(word[:1] for word in (words[:1] + words[1:][-1:])).upper()

    @property
    def work(self) -> str:
        """Title and employer, as a card shows them."""
        return ", ".join(part for part in (self.title, self.employer) if part)

    @property
    def period(self) -> str:
        if self.started_year and self.left_year:
            return f"{self.started_year}–{self.left_year}"
        return str(self.started_year or self.left_year or "")


def _hr_only(*, member: Member, groups: frozenset[str], to_hr: bool) -> frozenset[str]:
    # What only HR may see, shown to HR (not their own): such views are audit-logged.
    if not to_hr:
        return frozenset()
    return frozenset(g for g in groups if getattr(member, f"{g}_visibility") == Visibility.HR)


def visible_profile(*, member: Member, viewer) -> ProfileView:
    """Shape `member` for `viewer`. Uses only prefetched data: no queries if the
    caller selected `user` and `employer` and prefetched `competences`."""
    groups = visible_groups(member=member, viewer=viewer)
    is_self = member.user_id == getattr(viewer, "pk", None)
    view = ProfileView(
        pk=member.pk,
        name=member_name(member),
        groups=groups,
        url=reverse("members:profile", kwargs={"pk": member.pk}),
        hr_only=_hr_only(member=member, groups=groups, to_hr=not is_self and is_staff_user(viewer)),
    )
    if "photo" in groups and member.photo:
        view.photo_url = reverse("members:photo", kwargs={"pk": member.pk})
    if "personal_email" in groups:
        view.personal_email = member.personal_email
    if "phone" in groups:
        view.phone = member.phone
    _fill_work(view, member, groups)
    if "location" in groups:
        view.location = member.location
    if "linkedin" in groups:
        view.linkedin_url = member.linkedin_url
    if "bio" in groups:
        view.bio = member.bio
    if "competences" in groups:
        view.competences = [c.name for c in member.competences.all()]
    if "languages" in groups:
        view.languages = member.languages
    if "history" in groups:
        view.started_year = member.started_year
        view.left_year = member.left_year
        view.departments = member.departments
    if "availability" in groups:
        view.flags = [str(label) for f, label in FLAG_LABELS.items() if getattr(member, f)]
    return view


def _fill_work(view: ProfileView, member: Member, groups: frozenset[str]) -> None:
    if "work" in groups:
        view.employer = member.employer.name if member.employer_id else ""
        view.title = member.title


def _url_maker(name: str):
    """pk -> the URL of `name` for that pk: reversed once, not once per row."""
    marker = 987654321
    head, tail = reverse(name, kwargs={"pk": marker}).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def directory_cards(*, members, viewer, competences: dict[int, list[str]]) -> list[ProfileView]:
    """`members` shaped as directory cards for `viewer`: name, photo, work, location
    and competences, by the same rules as `visible_profile` (the same groups, the
    same HR-only flags for the audit log). Reads only those fields (see
    `members.directory.CARD_FIELDS`), with `user` and `employer` selected, and
    `competences` given as member pk -> names: no queries."""
    profile_url = _url_maker("members:profile")
    photo_url = _url_maker("members:photo")
    facts = _Viewer.of(viewer)
    cards = []
    for member in members:
        groups = _groups(member, facts)
        is_self = member.user_id == facts.pk
        card = ProfileView(
            pk=member.pk,
            name=member_name(member),
            groups=groups,
            url=profile_url(member.pk),
            hr_only=_hr_only(member=member, groups=groups, to_hr=facts.staff and not is_self),
        )
        if "photo" in groups and member.photo:
            card.photo_url = photo_url(member.pk)
        _fill_work(card, member, groups)
        if "location" in groups:
            card.location = member.location
        if "competences" in groups:
            card.competences = competences.get(member.pk, [])
        cards.append(card)
    return cards


def directory_search_text(*, member: Member) -> str:
    """What any member may find `member` by: the name and the fields shown to all members."""
    parts = [member.user.first_name, member.user.last_name]
    shown = {g for g in GROUPS if getattr(member, f"{g}_visibility") == Visibility.MEMBERS}
    if "work" in shown:
        parts += [member.employer.name if member.employer_id else "", member.title]
    if "location" in shown:
        parts.append(member.location)
    if "competences" in shown:
        parts += [c.name for c in member.competences.all()]
    if "history" in shown:
        parts.append(member.departments)
    return " ".join(" ".join(p.split()) for p in parts if p).lower()
