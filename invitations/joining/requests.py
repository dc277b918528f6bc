"""Asking to join from the public page, and HR's decision matched against the register."""

import re
from dataclasses import dataclass, replace

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from alumni_network.mail.models import normalise_email
from alumni_network.mail.queueing import queue_email

from ..models import Invitation, JoinRequest, Leaver

# Requests to join -----------------------------------------------------------------------


def request_to_join(
    *, name: str, email: str, years: str, department: str, message: str, language: str
) -> JoinRequest:
    """Queue a request for HR; asking again while it waits returns the first request.

    HR hears of it in the next digest (announcements.py), not by an email each.
    """
    email = normalise_email(email)
    existing = JoinRequest.objects.filter(
        email__iexact=email, status=JoinRequest.Status.PENDING
    ).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return JoinRequest.objects.create(
                name=name.strip(),
                email=email,
                years=years.strip(),
                department=department.strip(),
                message=message.strip(),
                language=language if language in dict(settings.LANGUAGES) else "nb",
            )
    except IntegrityError:
        return JoinRequest.objects.get(email__iexact=email, status=JoinRequest.Status.PENDING)


def _split_name(name: str) -> tuple[str, str]:
    parts = name.split()
    if len(parts) < 2:
        return name.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
EMAIL_SCORE, NAME_SCORE, DEPARTMENT_SCORE, YEARS_SCORE = 100, 10, 4, 5


def years_span(text: str) -> tuple[int, int] | None:
    """The first and last year written in a request's "years at the company" (e.g. 2012–2019)."""
    years = [int(year) for year in YEAR.findall(text or "")]
    return (min(years), max(years)) if years else None


def _leaver_span(leaver: Leaver) -> tuple[int, int] | None:
    if leaver.hired_on is None and leaver.left_on is None:
        return None
    start = (leaver.hired_on or leaver.left_on).year
    return start, (leaver.left_on or leaver.hired_on).year


def _same_department(leaver: Leaver, department: str) -> bool:
    ours, theirs = leaver.department.strip().casefold(), department.strip().casefold()
    return bool(ours and theirs) and (ours in theirs or theirs in ours)


@dataclass(frozen=True)
class Suggestion:
    """A register row that may be the requester, and why."""

    leaver: Leaver
    by: str  # "email" or "name"
    same_department: bool = False
    years_overlap: bool = False
    preselected: bool = False

    @property
    def score(self) -> int:
        return (
            (EMAIL_SCORE if self.by == "email" else NAME_SCORE)
            + DEPARTMENT_SCORE * self.same_department
            + YEARS_SCORE * self.years_overlap
        )

    @property
    def strong(self) -> bool:
        """Sure enough to preselect: the same address, or the same name in the same years."""
        return self.by == "email" or self.years_overlap

    @property
    def years(self) -> str:
        span = _leaver_span(self.leaver)
        return f"{span[0]}–{span[1]}" if span else ""


def _suggestion(leaver: Leaver, request: JoinRequest, *, by: str) -> Suggestion:
    wanted, worked = years_span(request.years), _leaver_span(leaver)
    overlap = bool(wanted and worked) and wanted[0] <= worked[1] and worked[0] <= wanted[1]
    return Suggestion(
        leaver,
        by,
        same_department=_same_department(leaver, request.department),
        years_overlap=overlap,
    )


def _name_key(name: str) -> tuple[str, str] | None:
    first, last = _split_name(name)
    return (first.split()[0].lower(), last.lower()) if last else None


def _name_matches(join_requests: list[JoinRequest]) -> list[Leaver]:
    query = Q()
    for request in join_requests:
        if key := _name_key(request.name):
            query |= Q(last_name__iexact=key[1], first_name__istartswith=key[0])
    return list(Leaver.objects.filter(query)[:200]) if query else []


def _has_name(leaver: Leaver, key: tuple[str, str] | None) -> bool:
    return bool(key) and (
        leaver.last_name.lower() == key[1] and leaver.first_name.lower().startswith(key[0])
    )


def suggest_matches(join_requests: list[JoinRequest]) -> dict[int, list[Suggestion]]:
    """Register rows that may be each requester, best first. Two queries in all.

    The same address ranks first; then the same name, higher when the department
    and the years they wrote match the register's.
    """
    emails = {normalise_email(request.email) for request in join_requests}
    by_email: dict[str, list[Leaver]] = {}
    for leaver in Leaver.objects.filter(email__in=emails).exclude(email=""):
        by_email.setdefault(leaver.email, []).append(leaver)
    by_name = _name_matches(join_requests)
    suggestions: dict[int, list[Suggestion]] = {}
    for request in join_requests:
        found = [
            _suggestion(leaver, request, by="email")
            for leaver in by_email.get(normalise_email(request.email), [])
        ]
        seen = {suggestion.leaver.pk for suggestion in found}
        key = _name_key(request.name)
        found += [
            _suggestion(leaver, request, by="name")
            for leaver in by_name
            if leaver.pk not in seen and _has_name(leaver, key)
        ]
        found.sort(key=lambda suggestion: (-suggestion.score, suggestion.leaver.pk))
        suggestions[request.pk] = _with_preselection(found[:5])
    return suggestions


def _with_preselection(ranked: list[Suggestion]) -> list[Suggestion]:
    """Mark the best row to preselect: only a strong match that no other row ties with.

    Two rows equally likely is a question for HR, not a guess for the form.
    """
    if not ranked or not ranked[0].strong:
        return ranked
    if len(ranked) > 1 and ranked[1].score == ranked[0].score:
        return ranked
    return [replace(ranked[0], preselected=True), *ranked[1:]]


def _decide(join_request: JoinRequest, *, status: str, user, leaver=None) -> bool:
    return bool(
        JoinRequest.objects.filter(pk=join_request.pk, status=JoinRequest.Status.PENDING).update(
            status=status, decided_by=user, decided_at=timezone.now(), leaver=leaver
        )
    )


@transaction.atomic
def approve_join_request(
    *, join_request: JoinRequest, leaver: Leaver | None, user
) -> Invitation | None:
    """Approve once: link (or add) the register entry and send a join invitation."""
    email = normalise_email(join_request.email)
    if leaver is None:
        leaver = Leaver.objects.with_email(email).first()
    if leaver is None:
        first, last = _split_name(join_request.name)
        leaver = Leaver.objects.create(
            first_name=first, last_name=last, email=email, department=join_request.department
        )
    if not _decide(join_request, status=JoinRequest.Status.APPROVED, user=user, leaver=leaver):
        return None
    if leaver.email != email and not Leaver.objects.with_email(email).exists():
        # Matched by name: the address they wrote from is the one they use now,
        # and the one the account is created with.
        Leaver.objects.filter(pk=leaver.pk).update(email=email, updated_at=timezone.now())
    invitation = Invitation.objects.filter(leaver=leaver, campaign__isnull=True).first()
    if invitation is None:
        invitation = Invitation.objects.create(
            leaver=leaver, language=join_request.language, last_contacted_at=timezone.now()
        )
    Leaver.objects.filter(pk=leaver.pk, status=Leaver.Status.IN_REGISTER).update(
        status=Leaver.Status.INVITED
    )
    # To the address they asked from: they proved nothing yet, but they asked.
    queue_email(
        kind="join_invitation",
        to=email,
        language=join_request.language,
        refers_to=invitation,
        data={"leaver": leaver.pk, "first_name": _split_name(join_request.name)[0]},
        dedupe_key=f"join-invitation:{join_request.pk}",
        reply_to=user.email if user else "",
    )
    return invitation


@transaction.atomic
def reject_join_request(*, join_request: JoinRequest, user) -> bool:
    if not _decide(join_request, status=JoinRequest.Status.REJECTED, user=user):
        return False
    queue_email(
        kind="join_rejected",
        to=join_request.email,
        language=join_request.language,
        refers_to=join_request,
        data={"first_name": _split_name(join_request.name)[0]},
        dedupe_key=f"join-rejected:{join_request.pk}",
        reply_to=user.email if user else "",
    )
    return True
