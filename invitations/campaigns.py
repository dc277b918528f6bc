"""Invitation campaigns: who a segment reaches, starting once, pausing, reminders and the funnel.

Every state change of a campaign is a conditional UPDATE on its row, so pressing
Send twice or two beat processes make one run; the unique (campaign, leaver)
constraint and the outbox's dedupe keys back that up in the database.
"""

import datetime
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, fields

from celery import shared_task
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Invitation, Leaver, Segment
from .outbox import OutboxEmail
from .register import segment_leavers
from .sending import BulkEmail, batch_cache, queue_email, queue_emails_bulk, schedule_drain

logger = logging.getLogger(__name__)

INVITATION_KIND = "campaign_invitation"
REMINDER_KIND = "campaign_reminder"
# Campaigns whose invitations still count as open: their people are not invited again.
OPEN_STATUSES = (Campaign.Status.SENDING, Campaign.Status.PAUSED)
IN_FLIGHT = (OutboxEmail.Status.QUEUED, OutboxEmail.Status.SENDING, OutboxEmail.Status.HELD)

EXCLUSION_REASONS = {
    "member": _("Already members"),
    "suppressed": _("Asked not to be contacted, or their address bounced"),
    "no_email": _("No email address"),
    "declined": _("Declined an earlier invitation"),
    "invited": _("Already invited in an open campaign"),
}


# Placeholders ---------------------------------------------------------------------------

# name -> function(data: dict, language: str) -> str, called with the recipient's
# data inside translation.override(language). Other apps add theirs (the gatherings
# app provides {next_gathering}) with register_placeholder.
PLACEHOLDERS: dict[str, Callable[[dict, str], str]] = {}
# Placeholders whose text is the same for every recipient of a language: filled
# once per outbox batch and language, not once per email (the next gathering is a
# query).
SHARED_PLACEHOLDERS: set[str] = set()
PLACEHOLDER_PATTERN = re.compile(r"\{(\w+)\}")


def register_placeholder(
    name: str, func: Callable[[dict, str], str], *, shared: bool | None = None
) -> None:
    """Add or replace a placeholder; a replacement keeps `shared` unless it says otherwise."""
    PLACEHOLDERS[name] = func
    if shared is True:
        SHARED_PLACEHOLDERS.add(name)
    elif shared is False:
        SHARED_PLACEHOLDERS.discard(name)


def _first_name(data: dict, language: str) -> str:
    # "Hei du," reads well where a name is missing.
    return data.get("first_name") or gettext("there")


def _years(data: dict, language: str) -> str:
    years = data.get("years")
    if not years:
        return gettext("your time")
    return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}


def _next_gathering(data: dict, language: str) -> str:
    return gettext("members hear about the next gathering first, by email")


register_placeholder("first_name", _first_name, shared=False)
register_placeholder("years", _years, shared=False)
register_placeholder("next_gathering", _next_gathering, shared=True)
register_placeholder("company", lambda data, language: settings.COMPANY_NAME, shared=True)
register_placeholder("network", lambda data, language: settings.NETWORK_NAME, shared=True)


def fill_placeholders(text: str, *, data: dict, language: str) -> str:
    """Replace the known {placeholders}; anything else in braces stays as written."""
    cache: dict[str, str] = {}
    shared = batch_cache()

    def value(name: str) -> str:
        try:
            return str(PLACEHOLDERS[name](data, language))
        except Exception:  # noqa: BLE001 - one broken provider must not stop a campaign
            logger.exception("Placeholder %s failed", name)
            return ""

    def replace(match):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        if name not in cache:
            if name in SHARED_PLACEHOLDERS:
                key = ("placeholder", name, language)
                if key not in shared:
                    shared[key] = value(name)
                cache[name] = shared[key]
            else:
                cache[name] = value(name)
        return cache[name]

    with translation.override(language):
        return PLACEHOLDER_PATTERN.sub(replace, text)


def recipient_data(leaver: Leaver | dict, *, campaign_id: int | None) -> dict:
    """What an outbox row needs to personalise the message, without reading the register."""
    get = leaver.get if isinstance(leaver, dict) else lambda name: getattr(leaver, name)
    hired, left = get("hired_on"), get("left_on")
    years = None
    if hired and left and left > hired:
        years = (left - hired).days // 365 or None
    return {
        "campaign": campaign_id,
        "leaver": get("pk") if isinstance(leaver, dict) else leaver.pk,
        "first_name": get("first_name") or "",
        "years": years,
    }


# Default message ------------------------------------------------------------------------

DEFAULT_SUBJECT = gettext_noop("Join {network}, the network for former colleagues")
DEFAULT_BODY = gettext_noop(
    "Hi {first_name},\n\n"
    "Thank you for {years} with us at {company}. Many of those who have worked here "
    "keep in touch, and {network} is where they do it: a network for everyone who has "
    "worked at {company}. We would like you to join.\n\n"
    "As a member you get:\n"
    "- gatherings of two to three hours, or a breakfast, with news from the company, a "
    "former colleague on an exciting job or project, a professional talk and time to talk\n"
    "- a directory where you find former colleagues by competence and where they work now\n"
    "- open positions and project work, shown first to people who already know us\n\n"
    "Next gathering: {next_gathering}.\n\n"
    "Joining takes a minute with the button below. It is free, and you can leave "
    "whenever you like.\n\n"
    "Why you get this email: you are in our register of former employees. We contact "
    "you because we have a legitimate interest in keeping in touch with people who "
    "have worked here, and we use only your name, your email address and when and "
    "where you worked with us. If you do not want to hear from us, answer “No thanks” "
    "on the join page or use the unsubscribe link at the bottom of this email, and we "
    "will not write to you about this again."
)


def default_message(language: str) -> tuple[str, str]:
    with translation.override(language):
        return gettext(DEFAULT_SUBJECT), gettext(DEFAULT_BODY)


@transaction.atomic
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


# The audience ---------------------------------------------------------------------------


def _open_invitation_of_leaver():
    return Invitation.objects.filter(
        leaver=OuterRef("pk"), status=Invitation.Status.PENDING
    ).filter(Q(campaign__isnull=True) | Q(campaign__status__in=OPEN_STATUSES))


def _with_exclusion_reason(leavers: QuerySet) -> QuerySet:
    """Each leaver annotated with why a campaign leaves them out ("" = invited)."""
    return leavers.annotate(
        exclusion=Case(
            When(Q(member__isnull=False) | Q(status=Leaver.Status.JOINED), then=Value("member")),
            When(status=Leaver.Status.SUPPRESSED, then=Value("suppressed")),
            When(email="", then=Value("no_email")),
            When(status=Leaver.Status.DECLINED, then=Value("declined")),
            When(Exists(_open_invitation_of_leaver()), then=Value("invited")),
            default=Value(""),
        )
    )


@dataclass(frozen=True)
class Audience:
    recipients: int
    excluded: list[tuple[str, str, int]]  # (reason, label, count), every reason listed

    @property
    def excluded_total(self) -> int:
        return sum(count for _reason, _label, count in self.excluded)

    @property
    def total(self) -> int:
        return self.recipients + self.excluded_total


def audience(*, segment: Segment) -> Audience:
    """How many of the segment a campaign would invite now, and who it leaves out, by reason."""
    counts = dict(
        _with_exclusion_reason(segment_leavers(segment))
        .order_by()
        .values_list("exclusion")
        .annotate(count=Count("pk"))
    )
    return Audience(
        recipients=counts.get("", 0),
        excluded=[(key, label, counts.get(key, 0)) for key, label in EXCLUSION_REASONS.items()],
    )


def excluded_sample(*, segment: Segment, limit: int = 20) -> list:
    """A few of those left out, with their reason, so HR sees who they are."""
    return list(
        _with_exclusion_reason(segment_leavers(segment))
        .exclude(exclusion="")
        .order_by("last_name", "first_name", "pk")[:limit]
    )


def recipients(*, segment: Segment) -> QuerySet:
    return _with_exclusion_reason(segment_leavers(segment)).filter(exclusion="")


def _preferred_languages(leaver_ids) -> dict[int, str]:
    """English only for those known to prefer it (they asked to join in English)."""
    return dict(
        Invitation.objects.filter(leaver_id__in=leaver_ids, campaign__isnull=True)
        .exclude(language=settings.LANGUAGE_CODE)
        .values_list("leaver_id", "language")
    )


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
            lambda: start_campaign_task.apply_async(
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


# Reminders ------------------------------------------------------------------------------


def _invitation_email_sent():
    return OutboxEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Invitation),
        object_id=OuterRef("pk"),
        kind=INVITATION_KIND,
        status=OutboxEmail.Status.SENT,
    )


def remindable(invitations: QuerySet) -> QuerySet:
    """Invitations that may still get a reminder: unanswered, reachable, not all sent yet."""
    return (
        invitations.filter(
            status=Invitation.Status.PENDING,
            campaign__isnull=False,
            reminders_sent__lt=F("campaign__reminder_count"),
        )
        .exclude(leaver__status=Leaver.Status.SUPPRESSED)
        .filter(Exists(_invitation_email_sent()))
    )


def due_reminders(*, campaign: Campaign, now: datetime.datetime) -> QuerySet:
    """Selected by what is due, never by an exact date: a missed day still sends, once."""
    cutoff = now - datetime.timedelta(days=campaign.reminder_interval_days)
    return remindable(Invitation.objects.filter(campaign=campaign)).filter(
        last_contacted_at__lte=cutoff
    )


def send_due_reminders(*, now: datetime.datetime | None = None, batch_size: int = 1000) -> int:
    now = now or timezone.now()
    total = 0
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.SENDING, reminder_count__gt=0
    ).select_related("created_by"):
        while True:
            count = _remind_batch(campaign=campaign, now=now, size=batch_size)
            total += count
            if count < batch_size:
                break
    return total


def _remind_batch(*, campaign: Campaign, now: datetime.datetime, size: int) -> int:
    with transaction.atomic():
        # Locked and counted in one transaction: a second beat process skips
        # these rows, and the dedupe key stops any reminder being queued twice.
        ids = list(
            due_reminders(campaign=campaign, now=now)
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return 0
        invitations = list(
            Invitation.objects.filter(pk__in=ids, status=Invitation.Status.PENDING).select_related(
                "leaver"
            )
        )
        Invitation.objects.filter(pk__in=[invitation.pk for invitation in invitations]).update(
            reminders_sent=F("reminders_sent") + 1, last_contacted_at=now
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
                        "reminder": invitation.reminders_sent + 1,
                        "invited_at": campaign.started_at.isoformat()
                        if campaign.started_at
                        else "",
                    },
                    dedupe_key=f"campaign-reminder:{invitation.pk}:{invitation.reminders_sent + 1}",
                )
                for invitation in invitations
            ],
            refers_to_model=Invitation,
            reply_to=campaign.reply_address(),
        )
    return len(ids)


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


@shared_task(name="invitations.start_campaign", ignore_result=True)
def start_campaign_task(*, campaign_id: int) -> None:
    start_campaign(campaign_id=campaign_id)


@shared_task(name="invitations.run_campaigns", ignore_result=True)
def run_campaigns() -> None:
    """The beat task: start what is due, send due reminders, close finished campaigns."""
    now = timezone.now()
    due = Campaign.objects.filter(status=Campaign.Status.SCHEDULED, scheduled_at__lte=now)
    for campaign_id in due.values_list("pk", flat=True):
        start_campaign(campaign_id=campaign_id, now=now)
    send_due_reminders(now=now)
    finish_campaigns(now=now)
    settle_paused_and_stopped(now=now)


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


# The funnel -----------------------------------------------------------------------------


@dataclass
class Funnel:
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    joined: int = 0
    declined: int = 0
    unsubscribed: int = 0
    pending_reminders: int = 0
    # Invitation emails not handled yet (queued, sending or held), and those never sent
    # because the address was suppressed or the campaign stopped.
    in_flight: int = 0
    not_sent: int = 0

    @property
    def processed(self) -> int:
        return self.recipients - self.in_flight

    @property
    def percent(self) -> int:
        return 100 if not self.recipients else round(100 * self.processed / self.recipients)

    @property
    def answered(self) -> int:
        return self.joined + self.declined + self.unsubscribed

    def add(self, other: "Funnel") -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def campaign_funnels(*, campaign_ids: list[int] | None = None) -> dict[int, Funnel]:
    """The funnel of each campaign, in two grouped queries whatever the number of campaigns."""
    invitations = Invitation.objects.filter(campaign__isnull=False)
    if campaign_ids is not None:
        invitations = invitations.filter(campaign_id__in=campaign_ids)
    first_email = OutboxEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Invitation),
        object_id=OuterRef("pk"),
        kind=INVITATION_KIND,
    ).order_by("pk")
    rows = (
        invitations.annotate(mail=Subquery(first_email.values("status")[:1]))
        .order_by()
        .values_list("campaign_id", "status", "mail")
        .annotate(count=Count("pk"))
    )
    funnels: dict[int, Funnel] = {}
    for campaign_id, status, mail, count in rows:
        funnel = funnels.setdefault(campaign_id, Funnel())
        funnel.recipients += count
        if mail == OutboxEmail.Status.SENT:
            funnel.sent += count
        elif mail == OutboxEmail.Status.FAILED:
            funnel.failed += count
        elif mail in IN_FLIGHT:
            funnel.in_flight += count
        else:
            funnel.not_sent += count
        if status in ("joined", "declined", "unsubscribed", "bounced"):
            setattr(funnel, status, getattr(funnel, status) + count)
    pending = (
        remindable(invitations.filter(campaign__status=Campaign.Status.SENDING))
        .order_by()
        .values_list("campaign_id")
        .annotate(count=Count("pk"))
    )
    for campaign_id, count in pending:
        funnels.setdefault(campaign_id, Funnel()).pending_reminders = count
    return funnels


def overall_funnel(funnels: dict[int, Funnel]) -> Funnel:
    total = Funnel()
    for funnel in funnels.values():
        total.add(funnel)
    return total
