"""What goes on a name badge: who gets one, and what of them other members may read on it.

A badge is worn among members, so it shows only what the member lets every
member see (members/privacy.py): the employer and the years at the company
appear only when those groups are open to members and the member is in the
directory. Building the badges reads everything in a few queries; the PDF
drawing (gatherings/badges/pdf.py) gets plain values.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from members.models import Member
from members.privacy import member_name, shown_to_every_member

from ..models import Gathering, Guest, NetworkingPick, NetworkingTask, Rsvp
from ..networking.reasons import reason_text, years_text

# Words that say what kind of company it is, left out of the short name on a badge.
COMPANY_SUFFIXES = {"as", "asa", "sa", "energi", "group", "gruppen", "konsern"}


@dataclass(frozen=True)
class TaskLine:
    """One person to talk to, with the reason in words."""

    name: str
    reason: str


@dataclass(frozen=True)
class Badge:
    """Everything printed on one badge, as plain text."""

    name: str
    sort_key: tuple
    employer: str = ""
    years: str = ""
    guest: bool = False
    code: str = ""
    # None: no task generated yet; []: a task with nobody to talk to.
    task: list[TaskLine] | None = None
    task_note: str = ""


def company_short_name(name: str | None = None) -> str:
    """ "Fjordvik Energi AS" -> "Fjordvik": the company's name without its legal and trade words."""
    words = (name if name is not None else settings.COMPANY_NAME).split()
    kept = [word for word in words if word.lower().strip(".,") not in COMPANY_SUFFIXES]
    return " ".join(kept) or " ".join(words)


def employer_line(member: Member) -> str:
    if member.employer_id and shown_to_every_member(member=member, group="work"):
        return member.employer.name
    return ""


def years_line(member: Member) -> str:
    """E.g. "Fjordvik 2008–2015": the register row's years, else the profile's; "" if private."""
    if not shown_to_every_member(member=member, group="history"):
        return ""
    leaver = getattr(member, "leaver", None)
    start, end = member.started_year, member.left_year
    if leaver is not None and (leaver.hired_on or leaver.left_on):
        start = leaver.hired_on.year if leaver.hired_on else None
        end = leaver.left_on.year if leaver.left_on else None
    years = years_text(start, end)
    return f"{company_short_name()} {years}" if years else ""


def _surname_key(first: str, last: str) -> tuple:
    return (last.casefold(), first.casefold())


def _guest_sort_key(name: str) -> tuple:
    *first, last = name.split() or [""]
    return _surname_key(" ".join(first), last)


def badge_rsvps(*, gathering: Gathering):
    """Who gets a member badge: confirmed (not waiting) and anyone already checked in."""
    confirmed = Q(answer=Rsvp.Answer.YES, waitlist_position__isnull=True)
    return _with_badge_data(
        Rsvp.objects.filter(confirmed | Q(checked_in_at__isnull=False), gathering=gathering)
    )


def _with_badge_data(rsvps):
    return rsvps.select_related("member__user", "member__employer", "member__leaver")


def _tasks_by_member(*, gathering: Gathering, member_ids) -> dict[int, NetworkingTask]:
    picks = NetworkingPick.objects.select_related("person__user", "met_at").order_by("order")
    tasks = NetworkingTask.objects.filter(gathering=gathering, member_id__in=member_ids)
    return {
        task.member_id: task for task in tasks.prefetch_related(Prefetch("picks", queryset=picks))
    }


def _task_lines(task: NetworkingTask) -> list[TaskLine]:
    """The picks as printed; someone who left the directory since is left out, as on the card."""
    return [
        TaskLine(
            name=pick.person.user.get_full_name(),
            reason=reason_text(
                pick, show_history=shown_to_every_member(member=pick.person, group="history")
            ),
        )
        for pick in task.picks.all()
        if pick.person.user.is_active and pick.person.in_directory
    ]


def member_badge(rsvp: Rsvp, task: NetworkingTask | None) -> Badge:
    member = rsvp.member
    user = member.user
    return Badge(
        name=member_name(member),
        sort_key=_surname_key(user.first_name, user.last_name),
        employer=employer_line(member),
        years=years_line(member),
        code=rsvp.code,
        task=_task_lines(task) if task is not None else None,
        task_note="" if task is not None else _("Your networking task will be in the member area."),
    )


def guest_badge(guest: Guest) -> Badge:
    return Badge(
        name=guest.name,
        sort_key=_guest_sort_key(guest.name),
        employer=guest.employer,
        guest=True,
    )


def _member_badges(*, gathering: Gathering, rsvps: list[Rsvp]) -> list[Badge]:
    # Only reads: a Yes got its code with the answer (gatherings/rsvp.py); a
    # walk-in, already in, has none and needs none.
    tasks = _tasks_by_member(gathering=gathering, member_ids=[r.member_id for r in rsvps])
    return [member_badge(rsvp, tasks.get(rsvp.member_id)) for rsvp in rsvps]


def gathering_badges(*, gathering: Gathering) -> list[Badge]:
    """Badges for everyone expected or arrived, and the gathering's guests, by surname."""
    badges = _member_badges(gathering=gathering, rsvps=list(badge_rsvps(gathering=gathering)))
    badges += [guest_badge(guest) for guest in gathering.guests.all()]
    return sorted(badges, key=lambda badge: badge.sort_key)


def rsvp_badge(*, gathering: Gathering, rsvp_id: int) -> Badge | None:
    """One member's badge (a walk-in, a lost badge); None if the answer is not this gathering's."""
    rsvp = _with_badge_data(Rsvp.objects.filter(gathering=gathering, pk=rsvp_id)).first()
    if rsvp is None:
        return None
    return _member_badges(gathering=gathering, rsvps=[rsvp])[0]


def single_guest_badge(*, gathering: Gathering, guest_id: int) -> Badge | None:
    guest = Guest.objects.filter(gathering=gathering, pk=guest_id).first()
    return guest_badge(guest) if guest is not None else None
