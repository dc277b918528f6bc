"""Demo campaigns: one sent three weeks ago whose funnel shows every state, one draft,
two requests to join, and the campaigns of the network's three years before them.
Deterministic; a second run changes nothing.

Nothing is really sent: the outbox rows get their final status in the same
transaction, so the drain that runs after it finds nothing due.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail, Suppression
from alumni_network.mail.queueing import BulkEmail, queue_emails_bulk
from alumni_network.mail.suppression import suppress_email
from members.models import GuidelinesAcceptance, Member, User

from ..joining.join import decline_invitation, join_network
from ..joining.requests import request_to_join
from ..models import Campaign, Invitation, JoinRequest, Leaver, Segment
from .emails import INVITATION_KIND, REMINDER_KIND
from .lifecycle import create_campaign, schedule_campaign, start_campaign
from .placeholders import recipient_data

SENT_CAMPAIGN = "Høst 2026 – sluttet 2022–2025"
DRAFT_CAMPAIGN = "Vår 2027 – sluttet 2019–2025"


@transaction.atomic
def seed(stdout) -> None:
    coordinator = User.objects.filter(is_staff=True).order_by("pk").first()
    if not Campaign.objects.filter(name=SENT_CAMPAIGN).exists():
        segment, _created = Segment.objects.get_or_create(
            name="Sluttet 2022–2025, med e-post",
            defaults={
                "filters": {"left_from": "2022-01-01", "left_to": "2025-12-31", "has_email": "yes"},
                "created_by": coordinator,
            },
        )
        _sent_campaign(segment=segment, coordinator=coordinator)
    if not Campaign.objects.filter(name=DRAFT_CAMPAIGN).exists():
        # Overlaps the sent campaign, so its audience shows who is already invited.
        wider, _created = Segment.objects.get_or_create(
            name="Sluttet 2019–2025, med e-post",
            defaults={
                "filters": {"left_from": "2019-01-01", "left_to": "2025-12-31", "has_email": "yes"},
                "created_by": coordinator,
            },
        )
        create_campaign(name=DRAFT_CAMPAIGN, segment=wider, user=coordinator)
    _join_requests()
    # After the campaigns above, so they and the join requests stay as they always were.
    _history(coordinator=coordinator)
    stdout.write(
        f"Campaigns: {Campaign.objects.count()}, invitations: {Invitation.objects.count()}"
    )


def _sent_campaign(*, segment, coordinator) -> None:
    rng = random.Random(2026)
    started = timezone.now() - datetime.timedelta(days=20)
    campaign = create_campaign(name=SENT_CAMPAIGN, segment=segment, user=coordinator)
    schedule_campaign(campaign=campaign, when=started)
    start_campaign(campaign_id=campaign.pk, now=started)
    Campaign.objects.filter(pk=campaign.pk).update(created_at=started)
    invitations = list(
        Invitation.objects.filter(campaign=campaign).select_related("leaver").order_by("pk")
    )
    rows = OutboxEmail.objects.filter(
        kind=INVITATION_KIND, object_id__in=[i.pk for i in invitations]
    )
    rows.update(status=OutboxEmail.Status.SENT, sent_at=started, attempts=1, created_at=started)
    rng.shuffle(invitations)
    failed, bounced, unsubscribed = invitations[:2], invitations[2:4], invitations[4:6]
    joined, declined, pending = invitations[6:10], invitations[10:13], invitations[13:]

    rows.filter(object_id__in=[i.pk for i in failed]).update(
        status=OutboxEmail.Status.FAILED,
        sent_at=None,
        last_error="SMTPRecipientsRefused: 550 5.1.1 No such user here",
    )
    for invitation in bounced:
        suppress_email(email=invitation.leaver.email, reason=Suppression.Reason.BOUNCED)
    for invitation in unsubscribed:
        suppress_email(email=invitation.leaver.email, reason=Suppression.Reason.OPTED_OUT)
    for invitation in joined:
        join_network(
            invitation=invitation,
            first_name=invitation.leaver.first_name,
            last_name=invitation.leaver.last_name,
            password=None,
            language="nb",
        )
    for invitation in declined:
        decline_invitation(invitation=invitation)

    # Half of those who have not answered already got their first reminder.
    reminded = pending[: len(pending) // 2]
    first_reminder = started + datetime.timedelta(days=7)
    Invitation.objects.filter(pk__in=[i.pk for i in reminded]).update(
        reminders_sent=1, last_contacted_at=first_reminder
    )
    queue_emails_bulk(
        kind=REMINDER_KIND,
        emails=[
            BulkEmail(
                to=invitation.leaver.email,
                language=invitation.language,
                object_id=invitation.pk,
                data={
                    **recipient_data(invitation.leaver, campaign_id=campaign.pk),
                    "reminder": 1,
                    "invited_at": started.isoformat(),
                },
                dedupe_key=f"campaign-reminder:{invitation.pk}:1",
            )
            for invitation in reminded
        ],
        refers_to_model=Invitation,
    )
    OutboxEmail.objects.filter(kind=REMINDER_KIND, object_id__in=[i.pk for i in reminded]).update(
        status=OutboxEmail.Status.SENT,
        sent_at=first_reminder,
        attempts=1,
        created_at=first_reminder,
    )


CHANGED_ADDRESS_MESSAGE = "Jeg har byttet e-postadresse siden jeg sluttet."


def _join_requests() -> None:
    # Known by its message: the history invites leavers afterwards, so on a second
    # run the sixth uninvited leaver is someone else.
    if not JoinRequest.objects.filter(message=CHANGED_ADDRESS_MESSAGE).exists():
        _changed_address_request()
    if not JoinRequest.objects.filter(email="sam.kowalski@example.com").exists():
        request_to_join(
            name="Sam Kowalski",
            email="sam.kowalski@example.com",
            years="2019–2021",
            department="Consultant via Bemanning AS",
            message="I worked on the grid project as a contractor.",
            language="en",
        )


def _changed_address_request() -> None:
    """A leaver in the register asks to join from a new address (HR gets a suggested match)."""
    named = Leaver.objects.filter(status=Leaver.Status.IN_REGISTER).exclude(email="").order_by("pk")
    match = named[5] if named.count() > 5 else None
    if match:
        request_to_join(
            name=match.full_name,
            email=f"{match.first_name.lower()}.privat@epost.example".replace("ø", "o")
            .replace("å", "a")
            .replace("æ", "ae"),
            years=f"{match.hired_on.year if match.hired_on else 2015}–"
            f"{match.left_on.year if match.left_on else 2023}",
            department=match.department,
            message=CHANGED_ADDRESS_MESSAGE,
            language="nb",
        )


# The network's history -------------------------------------------------------------------

# (days ago it went out, left from, left to). Older leavers than the campaigns above
# invite, so those keep their audiences; each cohort is invited once.
HISTORY = [
    (1040, "2016-01-01", "2018-12-31"),
    (830, "2013-01-01", "2015-12-31"),
    (640, "2010-01-01", "2012-12-31"),
    (430, "2006-01-01", "2009-12-31"),
    (250, "1990-01-01", "2005-12-31"),
]
# What became of the invitations, as shares of each campaign (the rest never answered).
OUTCOMES = [("failed", 0.03), ("bounced", 0.04), ("unsubscribed", 0.04)]
OUTCOMES += [("joined", 0.32), ("declined", 0.12)]
ANSWER_WITHIN_DAYS = 21


def _history_segment_name(left_from: str, left_to: str) -> str:
    return f"Sluttet {left_from[:4]}–{left_to[:4]}, med e-post"


def history_members():
    """The members who joined through the history's campaigns (the demo's gatherings leave
    them out of the two gatherings made before the history was)."""
    names = [_history_segment_name(left_from, left_to) for _days, left_from, left_to in HISTORY]
    return Member.objects.filter(
        leaver__invitations__campaign__segment__name__in=names,
        leaver__invitations__status=Invitation.Status.JOINED,
    )


def _history(*, coordinator) -> None:
    for days_ago, left_from, left_to in HISTORY:
        # Known by its segment: the campaign's name carries its date, which moves with today.
        segment_name = _history_segment_name(left_from, left_to)
        if Campaign.objects.filter(segment__name=segment_name).exists():
            continue
        segment, _created = Segment.objects.get_or_create(
            name=segment_name,
            defaults={
                "filters": {"left_from": left_from, "left_to": left_to, "has_email": "yes"},
                "created_by": coordinator,
            },
        )
        started = timezone.now() - datetime.timedelta(days=days_ago)
        name = f"{_season(started)} {started.year} – sluttet {left_from[:4]}–{left_to[:4]}"
        _done_campaign(name=name, segment=segment, coordinator=coordinator, started=started)


def _season(when: datetime.datetime) -> str:
    return "Vår" if when.month <= 6 else "Høst"


def _done_campaign(*, name, segment, coordinator, started) -> Campaign:
    """A campaign that went out at `started` and is long finished, through the real lifecycle.

    Its invitation emails are marked sent in the same transaction that queued them,
    so nothing goes out; reminders are recorded as sent, without outbox rows.
    """
    rng = random.Random(segment.name)
    campaign = create_campaign(name=name, segment=segment, user=coordinator)
    schedule_campaign(campaign=campaign, when=started)
    start_campaign(campaign_id=campaign.pk, now=started)
    invitations = list(
        Invitation.objects.filter(campaign=campaign).select_related("leaver").order_by("pk")
    )
    rows = OutboxEmail.objects.filter(
        kind=INVITATION_KIND, object_id__in=[i.pk for i in invitations]
    )
    rows.update(status=OutboxEmail.Status.SENT, sent_at=started, attempts=1, created_at=started)
    rng.shuffle(invitations)
    groups = _split(invitations, OUTCOMES)
    rows.filter(object_id__in=[i.pk for i in groups["failed"]]).update(
        status=OutboxEmail.Status.FAILED,
        sent_at=None,
        last_error="SMTPRecipientsRefused: 550 5.1.1 No such user here",
    )
    for invitation in groups["bounced"]:
        suppress_email(email=invitation.leaver.email, reason=Suppression.Reason.BOUNCED)
    for invitation in groups["unsubscribed"]:
        suppress_email(email=invitation.leaver.email, reason=Suppression.Reason.OPTED_OUT)
    for invitation in groups["joined"]:
        _joined_back_then(invitation, when=started + _answer_delay(rng))
    for invitation in groups["declined"]:
        decline_invitation(invitation=invitation)
    _date_answers(campaign=campaign, started=started, rng=rng)
    Invitation.objects.filter(campaign=campaign, status=Invitation.Status.PENDING).update(
        reminders_sent=campaign.reminder_count,
        last_contacted_at=started
        + datetime.timedelta(days=campaign.reminder_interval_days * campaign.reminder_count),
    )
    finished = started + datetime.timedelta(days=ANSWER_WITHIN_DAYS + 7)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=Campaign.Status.DONE, created_at=started, finished_at=finished
    )
    return campaign


def _split(items: list, shares: list[tuple[str, float]]) -> dict[str, list]:
    """Consecutive slices of `items`, one per outcome, sized by its share."""
    groups, start = {}, 0
    for outcome, share in shares:
        size = round(len(items) * share)
        groups[outcome] = items[start : start + size]
        start += size
    return groups


def _answer_delay(rng: random.Random) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randrange(ANSWER_WITHIN_DAYS), hours=rng.randrange(8, 22))


def _joined_back_then(invitation: Invitation, *, when: datetime.datetime) -> None:
    """Join through the real path, then date the account to when it happened."""
    user = join_network(
        invitation=invitation,
        first_name=invitation.leaver.first_name,
        last_name=invitation.leaver.last_name,
        password=None,
        language="nb",
    )
    User.objects.filter(pk=user.pk).update(date_joined=when)
    Member.objects.filter(user=user).update(joined_at=when)
    GuidelinesAcceptance.objects.filter(member__user=user).update(accepted_at=when)
    Invitation.objects.filter(pk=invitation.pk).update(responded_at=when)


def _date_answers(*, campaign: Campaign, started: datetime.datetime, rng: random.Random) -> None:
    """Declines, bounces and opt-outs happened in the weeks after the campaign, not today."""
    answered = Invitation.objects.filter(campaign=campaign).exclude(
        status__in=[Invitation.Status.PENDING, Invitation.Status.JOINED]
    )
    for invitation in answered.order_by("pk"):
        when = started + _answer_delay(rng)
        Invitation.objects.filter(pk=invitation.pk).update(responded_at=when)
        Leaver.objects.filter(pk=invitation.leaver_id).update(updated_at=when)
