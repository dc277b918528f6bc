"""A campaign from draft to finished: scheduling, starting once, pausing, resuming, stopping.

Every state change of a campaign is a conditional UPDATE on its row, so pressing
Send twice or two beat processes make one run; the unique (campaign, leaver)
constraint and the outbox's dedupe keys back that up in the database.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.queueing import BulkEmail, queue_email, queue_emails_bulk, schedule_drain

from ..models import Campaign, Invitation, Leaver, Segment
from .audience import _preferred_languages, recipients
from .emails import INVITATION_KIND
from .placeholders import default_message, fill_placeholders, recipient_data
from .reminders import remindable

logger = logging.getLogger(__name__)


IN_FLIGHT = (OutboxEmail.Status.QUEUED, OutboxEmail.Status.SENDING, OutboxEmail.Status.HELD)


@transaction.atomic
def _start_campaign_task():
    from .tasks import start_campaign_task  # the task calls back into this module

    return start_campaign_task


def create_campaign(*, name: str, segment: Segment, user) -> Campaign:
    subject_nb, body_nb = default_message("nb")
    subject_en, body_en = default_message("en")
    campaign = Campaign(
        name=name,
        segment=segment,
        created_by=user,
        subject_nb=subject_nb,
        subject_en=subject_en,
        body_nb=body_nb,
        body_en=body_en,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


# Running a campaign ---------------------------------------------------------------------


def _transition(campaign_id: int, *, from_statuses, **changes) -> bool:
    """Move the campaign on only from the expected state: one winner when two try."""
    return bool(
        Campaign.objects.filter(pk=campaign_id, status__in=list(from_statuses)).update(**changes)
    )


def schedule_campaign(*, campaign: Campaign, when: datetime.datetime) -> bool:
    done = _transition(
        campaign.pk,
        from_statuses=[Campaign.Status.DRAFT, Campaign.Status.SCHEDULED],
        status=Campaign.Status.SCHEDULED,
        scheduled_at=when,
    )
    if done and when <= timezone.now():
        # Started in the background; the beat task starts it too if the broker is down.
        transaction.on_commit(
            lambda: _start_campaign_task().apply_async(
                kwargs={"campaign_id": campaign.pk}, retry=False
            ),
            robust=True,
        )
    return done


def send_campaign_now(*, campaign: Campaign) -> bool:
    return schedule_campaign(campaign=campaign, when=timezone.now())


def unschedule_campaign(*, campaign: Campaign) -> bool:
    return _transition(
        campaign.pk,
        from_statuses=[Campaign.Status.SCHEDULED],
        status=Campaign.Status.DRAFT,
        scheduled_at=None,
    )


def start_campaign(*, campaign_id: int, now: datetime.datetime | None = None) -> int | None:
    """Invite the audience once; None when the campaign was not due or someone else started it.

    The invitations, their outbox rows and the leavers' new status are written in
    the one transaction that claims the campaign, so a crash leaves it unstarted.
    """
    now = now or timezone.now()
    with transaction.atomic():
        if not Campaign.objects.filter(
            pk=campaign_id, status=Campaign.Status.SCHEDULED, scheduled_at__lte=now
        ).update(status=Campaign.Status.SENDING, started_at=now):
            return None
        campaign = Campaign.objects.select_related("segment", "created_by").get(pk=campaign_id)
        people = list(
            recipients(segment=campaign.segment)
            .order_by("pk")
            .values("pk", "email", "first_name", "hired_on", "left_on")
        )
        languages = _preferred_languages([person["pk"] for person in people])
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    campaign=campaign,
                    leaver_id=person["pk"],
                    language=languages.get(person["pk"], settings.LANGUAGE_CODE),
                    last_contacted_at=now,
                    created_at=now,
                )
                for person in people
            ],
            batch_size=2000,
        )
        emails = [
            BulkEmail(
                to=person["email"],
                language=invitation.language,
                object_id=invitation.pk,
                data=recipient_data(person, campaign_id=campaign.pk),
                dedupe_key=f"campaign-invitation:{invitation.pk}",
            )
            for person, invitation in zip(people, invitations, strict=True)
        ]
        queue_emails_bulk(
            kind=INVITATION_KIND,
            emails=emails,
            refers_to_model=Invitation,
            reply_to=campaign.reply_address(),
            parallel_drains=max(1, min(4, len(emails) // 1000)),
        )
        Leaver.objects.filter(
            invitations__campaign=campaign, status=Leaver.Status.IN_REGISTER
        ).update(status=Leaver.Status.INVITED, updated_at=now)
        if not people:
            _transition(
                campaign.pk,
                from_statuses=[Campaign.Status.SENDING],
                status=Campaign.Status.DONE,
                finished_at=now,
            )
    logger.info("Campaign %s started with %s invitations", campaign_id, len(people))
    return len(people)


def campaign_emails(campaign: Campaign) -> QuerySet:
    """The outbox rows of a campaign: its invitations and their reminders."""
    return OutboxEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Invitation),
        object_id__in=Invitation.objects.filter(campaign=campaign).values("pk"),
    )


@transaction.atomic
def pause_campaign(*, campaign: Campaign) -> bool:
    """Hold what has not gone out yet; rows a worker is sending right now still go."""
    if not _transition(
        campaign.pk, from_statuses=[Campaign.Status.SENDING], status=Campaign.Status.PAUSED
    ):
        return False
    campaign_emails(campaign).filter(status=OutboxEmail.Status.QUEUED).update(
        status=OutboxEmail.Status.HELD
    )
    return True


@transaction.atomic
def resume_campaign(*, campaign: Campaign) -> bool:
    if not _transition(
        campaign.pk, from_statuses=[Campaign.Status.PAUSED], status=Campaign.Status.SENDING
    ):
        return False
    campaign_emails(campaign).filter(status=OutboxEmail.Status.HELD).update(
        status=OutboxEmail.Status.QUEUED, next_attempt_at=timezone.now()
    )
    # Always, not only when rows were held: a row that came back to `queued`
    # during the pause (a transient failure) goes at its retry time, not when
    # the next sweep happens to find it.
    schedule_drain()
    return True


@transaction.atomic
def stop_campaign(*, campaign: Campaign) -> bool:
    """End it for good: nothing more goes out, no reminders follow."""
    if not _transition(
        campaign.pk,
        from_statuses=[Campaign.Status.SENDING, Campaign.Status.PAUSED],
        status=Campaign.Status.STOPPED,
        finished_at=timezone.now(),
    ):
        return False
    campaign_emails(campaign).filter(
        status__in=[OutboxEmail.Status.QUEUED, OutboxEmail.Status.HELD]
    ).update(status=OutboxEmail.Status.CANCELLED)
    return True


def finish_campaigns(*, now: datetime.datetime | None = None) -> int:
    """A sending campaign is done when nothing is in flight and no reminder is left to send."""
    now = now or timezone.now()
    finished = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.SENDING):
        if campaign_emails(campaign).filter(status__in=IN_FLIGHT).exists():
            continue
        if remindable(Invitation.objects.filter(campaign=campaign)).exists():
            continue
        finished += _transition(
            campaign.pk,
            from_statuses=[Campaign.Status.SENDING],
            status=Campaign.Status.DONE,
            finished_at=now,
        )
    return finished


def settle_paused_and_stopped(*, now: datetime.datetime) -> int:
    """Hold or cancel rows that came back to `queued` after a pause or stop.

    A row a worker was sending when HR pressed Pause or Stop goes back to
    `queued` if that attempt fails transiently; this catches it before a retry.
    """
    settled = 0
    for campaign in Campaign.objects.filter(
        Q(status=Campaign.Status.PAUSED)
        | Q(status=Campaign.Status.STOPPED, finished_at__gte=now - datetime.timedelta(days=1))
    ):
        target = (
            OutboxEmail.Status.HELD
            if campaign.status == Campaign.Status.PAUSED
            else OutboxEmail.Status.CANCELLED
        )
        settled += (
            campaign_emails(campaign).filter(status=OutboxEmail.Status.QUEUED).update(status=target)
        )
    return settled


# Test send and preview ------------------------------------------------------------------


def sample_data(*, campaign: Campaign, leaver: Leaver | None) -> dict:
    if leaver is None:
        return {"campaign": campaign.pk, "leaver": 0, "first_name": "", "years": None}
    return recipient_data(leaver, campaign_id=campaign.pk)


def send_test(*, campaign: Campaign, user, language: str) -> OutboxEmail:
    """The message to the coordinator's own address, personalised as the first recipient."""
    leaver = recipients(segment=campaign.segment).order_by("last_name", "pk").first()
    data = sample_data(campaign=campaign, leaver=leaver)
    with translation.override(language):
        subject = gettext("[Test] %(subject)s") % {
            "subject": fill_placeholders(
                campaign.subject_for(language), data=data, language=language
            )
        }
        body = fill_placeholders(campaign.body_for(language), data=data, language=language)
        body += "\n\n" + gettext("[In the real email, the join button comes here.]")
    return queue_email(
        kind="notice",
        to=user.email,
        language=language,
        refers_to=campaign,
        data={"subject": subject, "body": body},
    )
