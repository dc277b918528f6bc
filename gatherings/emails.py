"""The emails a gathering sends, through the outbox: what to queue and how each is built.

Builders run in the worker at send time, inside the recipient's language, so
an email always shows the gathering as it is when it leaves.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alumni_network.mail.kinds import (
    EmailContent,
    EmailKind,
    inline_image,
    register_email_kind,
)
from alumni_network.mail.queueing import queue_email

from . import calendars
from .door.qr import code_png
from .models import Gathering, Rsvp

INVITATION = "gathering_invitation"
NUDGE = "gathering_nudge"
ANSWER = "gathering_answer"
PROMOTION = "gathering_promotion"
UPDATE = "gathering_update"
REMINDER = "gathering_reminder"
CANCELLATION = "gathering_cancellation"
MESSAGE = "gathering_message"


def _language(rsvp: Rsvp) -> str:
    return rsvp.member.user.language or settings.LANGUAGE_CODE


def _queue(kind: str, *, rsvp: Rsvp, data: dict | None = None, dedupe_key: str | None = None):
    return queue_email(
        kind=kind,
        to=rsvp.member.user.email,
        language=_language(rsvp),
        refers_to=rsvp,
        data=data or {},
        dedupe_key=dedupe_key,
    )


def queue_invitation(*, rsvp: Rsvp):
    return _queue(INVITATION, rsvp=rsvp, dedupe_key=f"gathering-invitation:{rsvp.pk}")


def queue_nudge(*, rsvp: Rsvp):
    return _queue(NUDGE, rsvp=rsvp, dedupe_key=f"gathering-nudge:{rsvp.pk}")


def queue_answer(*, rsvp: Rsvp):
    """A Yes was recorded: the email confirms the seat or tells the waiting-list place.

    Queued before the capacity decision, so the gathering lock is not held for
    the outbox insert; the builder reads which of the two it is at send time.
    """
    return _queue(ANSWER, rsvp=rsvp)


def queue_promotion(*, rsvp: Rsvp):
    return _queue(PROMOTION, rsvp=rsvp)


def queue_update(*, rsvp: Rsvp, sequence: int):
    return _queue(UPDATE, rsvp=rsvp, dedupe_key=f"gathering-update:{rsvp.pk}:{sequence}")


def queue_cancellation(*, rsvp: Rsvp):
    return _queue(CANCELLATION, rsvp=rsvp, dedupe_key=f"gathering-cancel:{rsvp.pk}")


def queue_reminder(*, rsvp: Rsvp, evening: bool = False):
    which = "evening" if evening else "days"
    return _queue(
        REMINDER,
        rsvp=rsvp,
        data={"evening": evening},
        dedupe_key=f"gathering-reminder:{rsvp.pk}:{which}:{rsvp.gathering.start.date()}",
    )


def queue_message(*, rsvp: Rsvp, subject: str, body: str, message_id: str):
    return _queue(
        MESSAGE,
        rsvp=rsvp,
        data={"subject": subject, "body": body},
        dedupe_key=f"gathering-message:{message_id}:{rsvp.pk}",
    )


def _gathering_context(rsvp: Rsvp) -> dict:
    from . import agenda
    from . import rsvp as rsvp_module

    gathering = (
        Gathering.objects.select_related("host")
        .prefetch_related("agenda_items")
        .get(pk=rsvp.gathering_id)
    )
    return {
        "rsvp": rsvp,
        "member": rsvp.member,
        "gathering": gathering,
        "agenda": agenda.timed_items(gathering=gathering, items=gathering.agenda_items.all()),
        "yes_url": rsvp_module.answer_url(rsvp=rsvp, answer="yes"),
        "no_url": rsvp_module.answer_url(rsvp=rsvp, answer="no"),
        "maybe_url": rsvp_module.answer_url(rsvp=rsvp, answer="maybe"),
        "answer_url": rsvp_module.answer_url(rsvp=rsvp),
        "page_url": settings.SITE_URL + reverse("gatherings:detail", kwargs={"pk": gathering.pk}),
        "google_url": calendars.google_calendar_url(gathering),
        "outlook_url": calendars.outlook_calendar_url(gathering),
        "waitlist_place": rsvp_module.waitlist_place(rsvp=rsvp),
    }


def _ics(rsvp: Rsvp, gathering: Gathering, method: str) -> tuple[str, str, str]:
    text = calendars.ics_for(
        gathering=gathering, method=method, attendee_email=rsvp.member.user.email
    )
    # No charset here: Django adds it to a text/* part, and a second one is invalid.
    return (calendars.calendar_filename(), text, f"text/calendar; method={method}")


def _rsvp(email) -> Rsvp:
    return Rsvp.objects.select_related("member__user").get(pk=email.object_id)


def build_invitation(email) -> EmailContent:
    rsvp = _rsvp(email)
    context = _gathering_context(rsvp) | {"nudge": email.kind == NUDGE}
    return EmailContent(
        context=context,
        attachments=[_ics(rsvp, context["gathering"], calendars.METHOD_PUBLISH)],
    )


def build_attendance(email) -> EmailContent:
    """Confirmation, promotion from the waiting list, update and reminder share one layout."""
    rsvp = _rsvp(email)
    if email.kind == ANSWER and rsvp.waitlisted:
        context = _gathering_context(rsvp) | {"purpose": "waitlisted"}
        return EmailContent(context=context)
    purpose = {
        ANSWER: "confirmation",
        PROMOTION: "promotion",
        UPDATE: "update",
        REMINDER: "evening" if email.data.get("evening") else "reminder",
    }[email.kind]
    context = _gathering_context(rsvp) | {"purpose": purpose}
    images = []
    if email.kind in CARRIES_CODE and rsvp.confirmed and rsvp.code:
        image = _code_image(rsvp.code)
        context |= {"code": rsvp.code, "code_image": image}
        images.append(image)
    return EmailContent(
        context=context,
        attachments=[_ics(rsvp, context["gathering"], calendars.METHOD_PUBLISH)],
        inline_images=images,
    )


# The emails a confirmed attendee brings to the door: they carry the personal code.
CARRIES_CODE = (ANSWER, REMINDER)


def _code_image(code: str):
    """The QR code of the attendee's code for the door, as an inline image.

    The code came with their Yes (gatherings/rsvp.py): rendering an email, also
    again for HR's copy of it, only reads it.
    """
    return inline_image(code_png(code), name="checkin-code")


def build_cancellation(email) -> EmailContent:
    rsvp = _rsvp(email)
    context = _gathering_context(rsvp)
    return EmailContent(
        context=context,
        attachments=[_ics(rsvp, context["gathering"], calendars.METHOD_CANCEL)],
    )


def build_message(email) -> EmailContent:
    rsvp = _rsvp(email)
    context = _gathering_context(rsvp) | {
        "subject": email.data.get("subject", ""),
        "body": email.data.get("body", ""),
    }
    return EmailContent(context=context)


# What HR reads in the outbox for each kind.
LABELS = {
    INVITATION: _("Gathering invitation"),
    NUDGE: _("Gathering: please answer"),
    ANSWER: _("Gathering: answer received"),
    PROMOTION: _("Gathering: place from the waiting list"),
    UPDATE: _("Gathering changed"),
    REMINDER: _("Gathering reminder"),
    CANCELLATION: _("Gathering cancelled"),
    MESSAGE: _("Message to attendees"),
}


def register() -> None:
    for name, template, bulk, build in (
        (INVITATION, "gatherings/email/invitation", True, build_invitation),
        (NUDGE, "gatherings/email/invitation", True, build_invitation),
        (ANSWER, "gatherings/email/attendance", False, build_attendance),
        (PROMOTION, "gatherings/email/attendance", False, build_attendance),
        (UPDATE, "gatherings/email/attendance", False, build_attendance),
        (REMINDER, "gatherings/email/attendance", False, build_attendance),
        (CANCELLATION, "gatherings/email/cancellation", False, build_cancellation),
        (MESSAGE, "gatherings/email/message", True, build_message),
    ):
        register_email_kind(
            EmailKind(name=name, template=template, bulk=bulk, build=build, label=LABELS[name])
        )
