"""Demo campaigns: one sent three weeks ago whose funnel shows every state, one draft,
and two requests to join. Deterministic; a second run changes nothing.

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
from members.models import User

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


def _join_requests() -> None:
    named = Leaver.objects.filter(status=Leaver.Status.IN_REGISTER).exclude(email="").order_by("pk")
    match = named[5] if named.count() > 5 else None
    if match and not JoinRequest.objects.filter(name=match.full_name).exists():
        request_to_join(
            name=match.full_name,
            email=f"{match.first_name.lower()}.privat@epost.example".replace("ø", "o")
            .replace("å", "a")
            .replace("æ", "ae"),
            years=f"{match.hired_on.year if match.hired_on else 2015}–"
            f"{match.left_on.year if match.left_on else 2023}",
            department=match.department,
            message="Jeg har byttet e-postadresse siden jeg sluttet.",
            language="nb",
        )
    if not JoinRequest.objects.filter(email="sam.kowalski@example.com").exists():
        request_to_join(
            name="Sam Kowalski",
            email="sam.kowalski@example.com",
            years="2019–2021",
            department="Consultant via Bemanning AS",
            message="I worked on the grid project as a contractor.",
            language="en",
        )
