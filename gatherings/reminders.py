"""Reminders, chosen by what is due and marked as sent on the row, so a rerun sends nothing twice.

A missed beat (worker down for a day) catches up on the next run: each kind
selects every answer whose moment has come and whose mark is still empty.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import emails
from .calendars import OSLO
from .models import Gathering, Rsvp

# How many days before the gathering confirmed attendees are reminded.
REMINDER_DAYS = getattr(settings, "GATHERING_REMINDER_DAYS", 2)
# How long before the answer deadline those who have not answered are nudged.
NUDGE_BEFORE = timedelta(days=3)
# Breakfast meetings: the evening before, from this time.
EVENING_AT = time(18, 0)


def _mark_and_queue(rsvps, *, field: str, now, queue) -> int:
    sent = 0
    for rsvp in rsvps:
        with transaction.atomic():
            # The guarded mark: only the run that flips it from empty queues the email.
            if Rsvp.objects.filter(pk=rsvp.pk, **{f"{field}__isnull": True}).update(**{field: now}):
                queue(rsvp)
                sent += 1
    return sent


def _open(now):
    return Rsvp.objects.filter(
        gathering__status=Gathering.Status.PUBLISHED, gathering__start__gt=now
    ).select_related("member__user", "gathering")


def send_due_reminders(*, now=None) -> dict[str, int]:
    now = now or timezone.now()
    confirmed = _open(now).filter(answer=Rsvp.Answer.YES, waitlist_position__isnull=True)
    counts = {
        "reminder": _mark_and_queue(
            confirmed.filter(
                reminded_at__isnull=True,
                gathering__start__lte=now + timedelta(days=REMINDER_DAYS),
            ),
            field="reminded_at",
            now=now,
            queue=lambda rsvp: emails.queue_reminder(rsvp=rsvp),
        ),
        "nudge": _mark_and_queue(
            _open(now).filter(
                answer=Rsvp.Answer.PENDING,
                nudged_at__isnull=True,
                invited_at__isnull=False,
                gathering__rsvp_deadline__gt=now,
                gathering__rsvp_deadline__lte=now + NUDGE_BEFORE,
            ),
            field="nudged_at",
            now=now,
            queue=lambda rsvp: emails.queue_nudge(rsvp=rsvp),
        ),
    }
    evening = [
        rsvp
        for rsvp in confirmed.filter(
            gathering__format=Gathering.Format.BREAKFAST,
            evening_reminded_at__isnull=True,
            # A coarse cut in SQL; the exact evening is worked out in Oslo time below.
            gathering__start__lte=now + timedelta(days=2),
        )
        if now >= evening_before(rsvp.gathering)
    ]
    counts["evening"] = _mark_and_queue(
        evening,
        field="evening_reminded_at",
        now=now,
        queue=lambda rsvp: emails.queue_reminder(rsvp=rsvp, evening=True),
    )
    return counts


def evening_before(gathering: Gathering) -> datetime:
    day_before = timezone.localtime(gathering.start, OSLO).date() - timedelta(days=1)
    return datetime.combine(day_before, EVENING_AT, tzinfo=OSLO)
