"""Invitation campaigns, the invitations they make, and requests to join from the public page."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Campaign(models.Model):
    """One email campaign inviting a segment of the register to join the network."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        STOPPED = "stopped", _("Stopped")
        DONE = "done", _("Done")

    name = models.CharField(_("name"), max_length=150)
    segment = models.ForeignKey(
        "invitations.Segment",
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("segment"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    subject_nb = models.CharField(_("subject (Norwegian)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_nb = models.TextField(_("message (Norwegian)"))
    body_en = models.TextField(_("message (English)"))
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(
        _("reminders"),
        default=2,
        help_text=_("How many reminders someone who has not answered gets."),
    )
    reminder_interval_days = models.PositiveSmallIntegerField(
        _("days between reminders"), default=7
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    reply_to = models.EmailField(
        _("replies go to"),
        blank=True,
        help_text=_("Leave empty to receive replies at your own address."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(scheduled_at__isnull=False),
                name="campaign_scheduled_has_time",
            ),
            # Once sending has begun the campaign has a start time; only a draft
            # or a scheduled campaign has none.
            models.CheckConstraint(
                condition=Q(status__in=["draft", "scheduled"]) | Q(started_at__isnull=False),
                name="campaign_started_has_time",
            ),
            models.CheckConstraint(
                condition=Q(reminder_interval_days__gte=1),
                name="campaign_reminder_interval_positive",
            ),
            models.CheckConstraint(
                condition=Q(reminder_count__lte=10), name="campaign_reminder_count_bounded"
            ),
        ]
        indexes = [models.Index(fields=["status", "scheduled_at"], name="campaign_due_idx")]

    def __str__(self):
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SCHEDULED)

    @property
    def has_started(self) -> bool:
        return self.started_at is not None

    def subject_for(self, language: str) -> str:
        return self.subject_en if language == "en" and self.subject_en else self.subject_nb

    def body_for(self, language: str) -> str:
        return self.body_en if language == "en" and self.body_en else self.body_nb

    def reply_address(self) -> str:
        if self.reply_to:
            return self.reply_to
        return self.created_by.email if self.created_by else ""


class Invitation(models.Model):
    """One leaver invited to join, by a campaign or by an approved request to join."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Not answered")
        JOINED = "joined", _("Joined")
        DECLINED = "declined", _("Declined")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        BOUNCED = "bounced", _("Bounced")

    # Empty for the invitation an approved request to join makes.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("campaign"),
    )
    leaver = models.ForeignKey(
        "invitations.Leaver",
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("leaver"),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nb"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    # When we last wrote to them (the invitation, then each reminder); the next
    # reminder is due a campaign's interval after this.
    last_contacted_at = models.DateTimeField(_("last contacted"), null=True, blank=True)
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "leaver"], name="invitation_once_per_campaign"
            ),
            models.UniqueConstraint(
                fields=["leaver"],
                condition=Q(campaign__isnull=True),
                name="invitation_once_without_campaign",
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(responded_at__isnull=False),
                name="invitation_answer_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["campaign", "last_contacted_at"],
                condition=Q(status="pending"),
                name="invitation_reminder_due_idx",
            ),
            # The HR dashboard: who was invited in a period, and who answered how
            # (index-only counts of distinct leavers).
            models.Index(fields=["created_at", "leaver"], name="invitation_created_idx"),
            models.Index(
                fields=["status", "responded_at", "leaver"],
                condition=~Q(status="pending"),
                name="invitation_answered_idx",
            ),
        ]

    def __str__(self):
        return f"{self.leaver_id} ({self.campaign_id or '-'}): {self.status}"


class JoinRequest(models.Model):
    """Someone asking to join from the public page, waiting for HR to check them."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    years = models.CharField(_("years at the company"), max_length=50)
    department = models.CharField(_("department"), max_length=150, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="nb"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    leaver = models.ForeignKey(
        "invitations.Leaver",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="join_requests",
        verbose_name=_("register entry"),
    )
    # When HR's digest of new requests listed it; set once, by a conditional UPDATE.
    announced_at = models.DateTimeField(_("announced to HR"), null=True, blank=True)

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Asking twice while waiting is the same request.
            models.UniqueConstraint(
                Lower("email"), condition=Q(status="pending"), name="join_request_pending_once"
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="join_request_decision_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}>"
