"""Gatherings of the network: the meeting, its agenda, who answered and who organises it."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from members.models import Member, Organisation
from members.privacy import member_name


class Gathering(models.Model):
    """One afternoon or breakfast meeting of the network."""

    class Format(models.TextChoices):
        AFTERNOON = "afternoon", _("Afternoon")
        BREAKFAST = "breakfast", _("Breakfast meeting")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        DONE = "done", pgettext_lazy("gathering status", "Held")
        CANCELLED = "cancelled", pgettext_lazy("gathering status", "Cancelled")

    title = models.CharField(_("title"), max_length=200)
    format = models.CharField(
        _("format"), max_length=16, choices=Format.choices, default=Format.AFTERNOON
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("capacity"), default=40)
    # How many Yes answers hold a seat: a Yes takes one with a conditional
    # UPDATE of this counter instead of counting answers under a lock. Recounted
    # from the answers whenever the gathering looks full (gatherings/rsvp.py).
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    # The last waiting-list ticket drawn; a Yes beyond capacity draws the next.
    waitlist_tickets = models.PositiveIntegerField(default=0, editable=False)
    description = models.TextField(_("description"), blank=True)
    rsvp_deadline = models.DateTimeField(_("answer by"), null=True, blank=True)
    ask_dietary = models.BooleanField(_("ask for dietary needs"), default=True)

    host = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_gatherings",
        verbose_name=_("host"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    room = models.CharField(_("room"), max_length=150, blank=True)
    directions = models.TextField(_("directions"), blank=True)

    # {} is everyone; otherwise any of "departments", "locations" (lists of
    # words matched in the member's profile) and "left_from"/"left_to" (years).
    audience = models.JSONField(_("audience"), default=dict, blank=True)

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    # Bumped whenever time or venue changes, so calendars replace the event.
    sequence = models.PositiveIntegerField(_("calendar version"), default=0)
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The networking task: talk to this many old acquaintances and new people.
    task_old_count = models.PositiveSmallIntegerField(_("old acquaintances to talk to"), default=3)
    task_new_count = models.PositiveSmallIntegerField(_("new people to talk to"), default=2)
    # The same seed and the same attendees give the same tasks.
    task_seed = models.PositiveIntegerField(_("task seed"), default=0, editable=False)
    check_in_closed_at = models.DateTimeField(_("check-in closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("gathering")
        verbose_name_plural = _("gatherings")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="gathering_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=0), name="gathering_capacity_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(rsvp_deadline__isnull=True) | Q(rsvp_deadline__lte=F("start")),
                name="gathering_deadline_before_start",
            ),
            models.CheckConstraint(
                condition=Q(task_old_count__lte=10) & Q(task_new_count__lte=10),
                name="gathering_task_size_sensible",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def venue_line(self) -> str:
        return ", ".join(
            part for part in (self.host.name if self.host else "", self.address) if part
        )

    def answers_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED or now >= self.start:
            return False
        return self.rsvp_deadline is None or now <= self.rsvp_deadline

    def is_door_day(self, now=None) -> bool:
        """The gathering is today (in local time) or under way: the day its door is run."""
        now = now or timezone.now()
        if self.status != self.Status.PUBLISHED:
            return False
        return timezone.localdate(self.start) <= timezone.localdate(now) and now < self.end


class HostContact(models.Model):
    """Someone at the host organisation HR talks to about the practical side."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="host_contacts")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("host contact")
        verbose_name_plural = _("host contacts")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        COMPANY_UPDATE = "company_update", _("Company update")
        ALUMNUS_STORY = "alumnus_story", _("Alumnus story")
        TALK = "talk", _("Professional talk")
        NETWORKING = "networking", _("Networking task")
        FOOD = "food", _("Food and break")
        SOCIAL = "social", _("Social")

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField(_("order"), default=0)
    duration_minutes = models.PositiveIntegerField(_("minutes"), default=15)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.TALK)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    speaker_member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("speaker (member)"),
    )
    speaker_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("speaker (staff)"),
    )
    speaker_name = models.CharField(_("speaker (external)"), max_length=150, blank=True)
    speaker_organisation = models.CharField(_("speaker's organisation"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="agenda_item_has_duration"
            ),
            # One speaker: a member, a staff user, or an external name.
            models.CheckConstraint(
                condition=Q(speaker_member__isnull=True) | Q(speaker_user__isnull=True),
                name="agenda_item_one_speaker",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def speaker(self) -> str:
        if self.speaker_member_id:
            return member_name(self.speaker_member)
        if self.speaker_user_id:
            return str(self.speaker_user)
        if self.speaker_name and self.speaker_organisation:
            return f"{self.speaker_name}, {self.speaker_organisation}"
        return self.speaker_name


class Rsvp(models.Model):
    """One member's answer to one gathering. Created unanswered by the invitation wave."""

    class Answer(models.TextChoices):
        PENDING = "", _("Not answered")
        YES = "yes", _("Yes")
        NO = "no", _("No")
        MAYBE = "maybe", _("Maybe")

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="rsvps")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rsvps")
    answer = models.CharField(
        _("answer"), max_length=8, choices=Answer.choices, blank=True, default=""
    )
    # A ticket number on the gathering's waiting list; the place shown is the
    # number of tickets before it. Null unless a Yes is waiting for a seat.
    waitlist_position = models.PositiveIntegerField(_("waiting list ticket"), null=True, blank=True)
    dietary = models.CharField(_("dietary needs"), max_length=300, blank=True)
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    # The personal code typed or scanned at the door, e.g. "K7M-42P"; given with
    # the first Yes (gatherings/rsvp.py), kept after, unique within the gathering.
    code = models.CharField(_("personal code"), max_length=7, blank=True, default="")
    # The day-after email (thanks and feedback, or "we missed you") was queued.
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    evening_reminded_at = models.DateTimeField(
        _("reminded the evening before"), null=True, blank=True
    )
    nudged_at = models.DateTimeField(_("asked to answer"), null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["gathering", "member"], name="rsvp_once_per_member"),
            models.UniqueConstraint(
                fields=["gathering", "waitlist_position"], name="rsvp_waitlist_ticket_unique"
            ),
            models.CheckConstraint(
                condition=Q(waitlist_position__isnull=True) | Q(answer="yes"),
                name="rsvp_only_yes_waits",
            ),
            models.UniqueConstraint(
                fields=["gathering", "code"], condition=~Q(code=""), name="rsvp_code_unique"
            ),
        ]
        # The HR dashboard counts members checked in during a period.
        indexes = [
            models.Index(
                fields=["checked_in_at", "member"],
                condition=Q(checked_in_at__isnull=False),
                name="rsvp_checked_in_idx",
            )
        ]

    def __str__(self):
        return f"{self.member_id}: {self.gathering_id} {self.answer}"

    @property
    def confirmed(self) -> bool:
        return self.answer == self.Answer.YES and self.waitlist_position is None

    @property
    def waitlisted(self) -> bool:
        return self.waitlist_position is not None


class Organiser(models.Model):
    """A member HR trusted with one gathering: its agenda and its attendees."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="organisers")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="organised")
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("organiser")
        verbose_name_plural = _("organisers")
        constraints = [
            models.UniqueConstraint(fields=["gathering", "member"], name="organiser_once"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.gathering_id}"


class Guest(models.Model):
    """Someone registered at the door who is not a member: a partner, a new colleague."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"), max_length=254)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("checked in by"),
    )
    # Set when HR (or the organiser) asked the guest to join the network.
    invited_to_join_at = models.DateTimeField(_("asked to join"), null=True, blank=True)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering = ["checked_in_at", "pk"]
        constraints = [
            models.UniqueConstraint("gathering", Lower("email"), name="guest_once_per_gathering"),
        ]

    def __str__(self):
        return self.name


class NetworkingTask(models.Model):
    """One attendee's "talk to three old and two new" for one gathering."""

    gathering = models.ForeignKey(
        Gathering, on_delete=models.CASCADE, related_name="networking_tasks"
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="networking_tasks")
    generated_at = models.DateTimeField(_("generated"), default=timezone.now)
    # First shown to the member; a regeneration keeps the picks of a seen task where it can.
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("networking task")
        verbose_name_plural = _("networking tasks")
        constraints = [
            models.UniqueConstraint(fields=["gathering", "member"], name="task_once_per_member"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.gathering_id}"


class NetworkingPick(models.Model):
    """One person to talk to, and why."""

    class Kind(models.TextChoices):
        OLD = "old", _("Old acquaintance")
        NEW = "new", _("New person")

    class Reason(models.TextChoices):
        WORKED_TOGETHER = "worked_together", _("Worked together")
        MET_BEFORE = "met_before", _("Met at an earlier gathering")
        NEVER_MET = "never_met", _("Have not met before")

    task = models.ForeignKey(NetworkingTask, on_delete=models.CASCADE, related_name="picks")
    person = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    # For "worked together": where and when both were there.
    department = models.CharField(_("department"), max_length=150, blank=True)
    overlap_from = models.PositiveSmallIntegerField(_("from"), null=True, blank=True)
    overlap_to = models.PositiveSmallIntegerField(_("to"), null=True, blank=True)
    # For "met before": the gathering where they met.
    met_at = models.ForeignKey(
        Gathering, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("person to talk to")
        verbose_name_plural = _("people to talk to")
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "person"], name="pick_once_per_task"),
            models.CheckConstraint(
                condition=(Q(kind="new") & Q(reason="never_met"))
                | (Q(kind="old") & Q(reason__in=["worked_together", "met_before"])),
                name="pick_reason_fits_kind",
            ),
            models.CheckConstraint(
                condition=Q(overlap_from__isnull=True)
                | Q(overlap_to__isnull=True)
                | Q(overlap_to__gte=F("overlap_from")),
                name="pick_overlap_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.task_id}: {self.person_id} ({self.kind})"


class Connection(models.Model):
    """Two members who talked, recorded by either of them, at a gathering.

    Stored once per pair and gathering, the lower member id first, so "have
    these two met?" is one lookup whichever side asks.
    """

    member_low = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    member_high = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="connections")
    recorded_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        constraints = [
            models.CheckConstraint(
                condition=Q(member_low__lt=F("member_high")), name="connection_pair_ordered"
            ),
            models.UniqueConstraint(
                fields=["member_low", "member_high", "gathering"], name="connection_once"
            ),
        ]
        indexes = [models.Index(fields=["member_high"], name="connection_high_idx")]

    def __str__(self):
        return f"{self.member_low_id}–{self.member_high_id} ({self.gathering_id})"


class Feedback(models.Model):
    """An attendee's rating of a gathering, from 1 to 5, and an optional comment."""

    gathering = models.ForeignKey(Gathering, on_delete=models.CASCADE, related_name="feedback")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(fields=["gathering", "member"], name="feedback_once"),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.gathering_id} {self.rating}"


def private_storage():
    return storages["private"]


def material_upload_to(instance, filename):
    # A random name: nothing in the path says whose or which talk it is.
    import uuid

    return f"materials/{uuid.uuid4().hex}.pdf"


class Material(models.Model):
    """A speaker's slides (a PDF) or a link, attached to an agenda item."""

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="materials")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"), upload_to=material_upload_to, storage=private_storage, blank=True
    )
    # The uploaded file's own name, offered again on download.
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("size in bytes"), null=True, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["created_at", "pk"]
        constraints = [
            # A file or a link, never both, never neither.
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="material_file_or_link",
            ),
        ]

    def __str__(self):
        return self.title
