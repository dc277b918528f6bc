"""The day-after email: thanks, the one-click rating, materials, new connections, what is next.

Those who came get `gathering_follow_up`; a confirmed Yes who did not come gets
the shorter `gathering_missed`. Both are mass mail to a gathering's people, so
they are bulk: they carry List-Unsubscribe and respect suppression, like the
invitations. Builders run in the worker, in the recipient's language.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alumni_network.mail.kinds import EmailContent, EmailKind, register_email_kind
from alumni_network.mail.queueing import queue_email
from alumni_network.mail.rendering import batch_cache
from members.models import Member
from members.privacy import directory_cards

from .. import selectors
from ..models import Gathering, Material, Rsvp
from . import connections, feedback

FOLLOW_UP = "gathering_follow_up"
MISSED = "gathering_missed"


def _queue(kind: str, *, rsvp: Rsvp):
    return queue_email(
        kind=kind,
        to=rsvp.member.user.email,
        language=rsvp.member.user.language or settings.LANGUAGE_CODE,
        refers_to=rsvp,
        # One day-after email per answer, whichever kind it turned out to be.
        dedupe_key=f"gathering-follow-up:{rsvp.pk}",
    )


def queue_follow_up(*, rsvp: Rsvp):
    return _queue(FOLLOW_UP, rsvp=rsvp)


def queue_missed(*, rsvp: Rsvp):
    return _queue(MISSED, rsvp=rsvp)


def _absolute(name: str, **kwargs) -> str:
    return settings.SITE_URL + reverse(name, kwargs=kwargs or None)


def materials_of(gathering: Gathering) -> list[dict]:
    """Titles and absolute links of the gathering's materials, in agenda order.

    The same for every attendee: read once per batch of emails being rendered.
    """
    cache = batch_cache()
    key = ("gathering-materials", gathering.pk)
    if key not in cache:
        cache[key] = _read_materials(gathering)
    return cache[key]


def _read_materials(gathering: Gathering) -> list[dict]:
    rows = (
        Material.objects.filter(agenda_item__gathering=gathering)
        .select_related("agenda_item")
        .order_by("agenda_item__order", "agenda_item__pk", "created_at", "pk")
    )
    return [
        {
            "title": material.title,
            "item": material.agenda_item.title,
            "url": _absolute("gatherings:material", pk=gathering.pk, material_pk=material.pk),
        }
        for material in rows
    ]


def next_gathering(*, member: Member, after: Gathering, now=None) -> Gathering | None:
    """The next published gathering meant for `member`, starting after this one and from now."""
    now = now or timezone.now()
    return (
        selectors.visible_to_member(member=member)
        .filter(status=Gathering.Status.PUBLISHED, start__gt=max(after.start, now))
        .select_related("host")
        .order_by("start")
        .first()
    )


def new_connection_names(*, rsvp: Rsvp) -> list[str]:
    """Names of those the recipient is connected with at this gathering, as they may see them."""
    ids = connections.met_at(gathering=rsvp.gathering, member=rsvp.member)
    shown = Member.objects.filter(pk__in=ids, in_directory=True, user__is_active=True)
    cards = directory_cards(
        members=shown.select_related("user", "employer").order_by(
            "user__first_name", "user__last_name"
        ),
        viewer=rsvp.member.user,
        competences={},
    )
    return [str(card.name) for card in cards]


def _rsvp(email) -> Rsvp:
    return Rsvp.objects.select_related("member__user", "gathering__host").get(pk=email.object_id)


def _common(rsvp: Rsvp) -> dict:
    gathering = rsvp.gathering
    upcoming = next_gathering(member=rsvp.member, after=gathering)
    return {
        "rsvp": rsvp,
        "member": rsvp.member,
        "gathering": gathering,
        "page_url": _absolute("gatherings:detail", pk=gathering.pk),
        "next_gathering": upcoming,
        "next_url": _absolute("gatherings:detail", pk=upcoming.pk) if upcoming else "",
        "gatherings_url": _absolute("gatherings:list"),
    }


def build_follow_up(email) -> EmailContent:
    rsvp = _rsvp(email)
    context = _common(rsvp) | {
        "rating_links": [
            {
                "rating": rating,
                "label": label,
                "url": feedback.feedback_url(rsvp=rsvp, rating=rating),
            }
            for rating, label in feedback.rating_labels()
        ],
        "feedback_url": feedback.feedback_url(rsvp=rsvp),
        "materials": materials_of(rsvp.gathering),
        "connections": new_connection_names(rsvp=rsvp),
        "connections_url": _absolute("gatherings:connections"),
        "record_url": _absolute("gatherings:detail", pk=rsvp.gathering_id) + "#met-people",
    }
    return EmailContent(context=context)


def build_missed(email) -> EmailContent:
    rsvp = _rsvp(email)
    has_materials = Material.objects.filter(agenda_item__gathering_id=rsvp.gathering_id).exists()
    return EmailContent(context=_common(rsvp) | {"has_materials": has_materials})


def register() -> None:
    for name, template, build, label in (
        (FOLLOW_UP, "gatherings/email/follow_up", build_follow_up, _("Thanks after a gathering")),
        (MISSED, "gatherings/email/missed", build_missed, _("Missed you at a gathering")),
    ):
        register_email_kind(
            EmailKind(name=name, template=template, bulk=True, build=build, label=label)
        )
