"""The day-after emails, chosen by what is due and marked on the answer row.

From 09:00 Oslo time the day after a gathering ends, everyone who was checked
in gets the follow-up and every confirmed Yes who did not come gets "we missed
you". Each answer's `followed_up_at` is set by a guarded UPDATE before its
email is queued, so a rerun sends nothing twice and a missed run catches up
(for up to two weeks; after that the email would be stale).
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ..calendars import OSLO
from ..models import Gathering, Rsvp
from . import emails

SEND_FROM = time(9, 0)
TOO_OLD = timedelta(days=14)

CAME = Q(checked_in_at__isnull=False)
NO_SHOW = Q(answer=Rsvp.Answer.YES, waitlist_position__isnull=True, checked_in_at__isnull=True)


def follow_up_moment(gathering: Gathering) -> datetime:
    """09:00 Oslo time on the day after the gathering ends."""
    day_after = timezone.localtime(gathering.end, OSLO).date() + timedelta(days=1)
    return datetime.combine(day_after, SEND_FROM, tzinfo=OSLO)


def due_gatherings(*, now) -> list[Gathering]:
    """Held (or still marked published) gatherings whose day-after morning has come."""
    # A coarse cut in SQL; the exact morning is worked out in Oslo time below.
    candidates = Gathering.objects.filter(
        status__in=[Gathering.Status.PUBLISHED, Gathering.Status.DONE],
        end__lte=now,
        end__gte=now - TOO_OLD,
    )
    return [g for g in candidates if now >= follow_up_moment(g)]


def _mark_and_queue(rsvps, *, now, queue) -> int:
    sent = 0
    for rsvp in rsvps:
        with transaction.atomic():
            # The guarded mark: only the run that flips it from empty queues the email.
            if Rsvp.objects.filter(pk=rsvp.pk, followed_up_at__isnull=True).update(
                followed_up_at=now
            ):
                queue(rsvp=rsvp)
                sent += 1
    return sent


def send_due_follow_ups(*, now=None) -> dict[str, int]:
    """Queue the day-after email of every due answer once; counts by kind."""
    now = now or timezone.now()
    gatherings = due_gatherings(now=now)
    due = list(
        Rsvp.objects.filter(
            CAME | NO_SHOW,
            gathering__in=gatherings,
            followed_up_at__isnull=True,
            member__user__is_active=True,
        )
        .select_related("member__user")
        .order_by("pk")
    )
    came = [rsvp for rsvp in due if rsvp.checked_in_at is not None]
    missed = [rsvp for rsvp in due if rsvp.checked_in_at is None]
    return {
        "follow_up": _mark_and_queue(came, now=now, queue=emails.queue_follow_up),
        "missed": _mark_and_queue(missed, now=now, queue=emails.queue_missed),
    }
