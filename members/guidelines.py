"""The network's versioned guidelines, their acceptance, and the gate before the member area."""

from functools import wraps
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from .access import request_member
from .models import GuidelinesAcceptance, GuidelinesVersion, Member


def current_guidelines(*, member: Member | None = None) -> GuidelinesVersion | None:
    """The version in force; with `member`, annotated `accepted` in the same query."""
    versions = _current_versions()
    if member is not None:
        versions = versions.annotate(
            accepted=Exists(
                GuidelinesAcceptance.objects.filter(member=member, version=OuterRef("pk"))
            )
        )
    return versions.first()


def _current_versions():
    return GuidelinesVersion.objects.filter(published_at__lte=timezone.now()).order_by(
        "-published_at", "-pk"
    )


def with_guidelines_state(members: QuerySet[Member]) -> QuerySet[Member]:
    """`members` annotated with what `needs_acceptance` asks, in the same query.

    The member area loads the member once per request (`access.request_member`)
    with this, so the guidelines gate asks the database nothing more.
    """
    return members.annotate(
        current_guidelines_id=Subquery(_current_versions().values("pk")[:1])
    ).annotate(
        current_guidelines_accepted=Exists(
            GuidelinesAcceptance.objects.filter(
                member=OuterRef("pk"), version=OuterRef("current_guidelines_id")
            )
        )
    )


def needs_acceptance(*, member: Member) -> bool:
    """A version is in force that `member` has not accepted."""
    if hasattr(member, "current_guidelines_accepted"):  # loaded by with_guidelines_state
        return member.current_guidelines_id is not None and not member.current_guidelines_accepted
    version = current_guidelines(member=member)
    return version is not None and not version.accepted


def accept_guidelines(*, member: Member, version: GuidelinesVersion) -> GuidelinesAcceptance:
    """Record acceptance; accepting twice keeps the first time."""
    try:
        with transaction.atomic():
            return GuidelinesAcceptance.objects.create(member=member, version=version)
    except IntegrityError:
        return GuidelinesAcceptance.objects.get(member=member, version=version)


def accept_current_guidelines(*, user) -> GuidelinesAcceptance | None:
    """The join flow calls this when a new member ticks "I accept"."""
    version = current_guidelines()
    if version is None:
        return None
    return accept_guidelines(member=request_member(user), version=version)


def publish_guidelines(*, text_nb: str, text_en: str, by) -> GuidelinesVersion:
    """A new version; every member must accept it before using the member area again."""
    version = GuidelinesVersion(text_nb=text_nb, text_en=text_en, published_by=by)
    version.full_clean()
    version.save()
    return version


def guidelines_gate(view):
    """Send a member who has not accepted the current guidelines to the accept page.

    Apply inside `permission_required`. HR staff without a member profile pass.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        member = request_member(request.user)
        if member is not None and needs_acceptance(member=member):
            url = reverse("members:guidelines")
            return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapped
