"""People with an account, and the member profile of a former employee."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import audit_details


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).strip(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. Email is the only identifier; staff are the HR coordinators."""

    email = models.EmailField(_("email address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, blank=True
    )
    is_staff = models.BooleanField(
        _("HR coordinator"),
        default=False,
        help_text=_("Gives access to the HR area."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]
        indexes = [
            # The directory leaves out the few inactive accounts without joining every user.
            models.Index(fields=["id"], condition=models.Q(is_active=False), name="user_inactive"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class Visibility(models.TextChoices):
    """Who may see one part of a profile (besides the member themself)."""

    MEMBERS = "members", _("All members")
    HR = "hr", _("HR only")
    HIDDEN = "hidden", _("Only me")


def _visibility(label, default):
    return models.CharField(label, max_length=8, choices=Visibility.choices, default=default)


class Organisation(models.Model):
    """An employer of members; later also a host of gatherings."""

    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            # One row per employer, however members type its name.
            models.UniqueConstraint(Lower("name"), name="organisation_name_ci_unique"),
            models.UniqueConstraint(
                fields=["org_number"],
                condition=~models.Q(org_number=""),
                name="organisation_org_number_unique",
            ),
        ]

    def __str__(self):
        return self.name


class Competence(models.Model):
    """A normalised competence tag: "python", "Python " and "PYTHON" are one."""

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("key"), max_length=80, unique=True, allow_unicode=True)

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["name"]

    def __str__(self):
        return self.name


def photo_upload_to(instance, filename):
    # A random name: the file name must not reveal whose photo it is.
    import uuid

    return f"photos/{uuid.uuid4().hex}.jpg"


class Member(models.Model):
    """The member profile of a former employee who joined the network."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="member",
        verbose_name=_("user"),
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    personal_email = models.EmailField(_("personal email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    photo = models.ImageField(_("photo"), upload_to=photo_upload_to, blank=True)
    employer = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employees",
        verbose_name=_("current employer"),
    )
    title = models.CharField(_("title"), max_length=150, blank=True)
    location = models.CharField(
        pgettext_lazy("place of residence", "location"), max_length=150, blank=True
    )
    linkedin_url = models.URLField(_("LinkedIn profile"), blank=True)
    bio = models.TextField(_("about me"), max_length=2000, blank=True)
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="members", verbose_name=_("competences")
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    started_year = models.PositiveSmallIntegerField(
        _("started at the company"), null=True, blank=True
    )
    left_year = models.PositiveSmallIntegerField(_("left the company"), null=True, blank=True)
    departments = models.CharField(_("departments"), max_length=300, blank=True)

    open_to_returning = models.BooleanField(_("open to returning"), default=False)
    open_to_projects = models.BooleanField(_("open to project work"), default=False)
    open_to_speaking = models.BooleanField(_("open to speaking"), default=False)
    open_to_hosting = models.BooleanField(_("open to hosting a gathering"), default=False)
    open_to_mentoring = models.BooleanField(_("open to mentoring"), default=False)

    wants_gathering_emails = models.BooleanField(_("invitations to gatherings"), default=True)
    wants_news_emails = models.BooleanField(_("news digest"), default=False)
    wants_job_emails = models.BooleanField(_("matching jobs"), default=True)

    # Conservative defaults: contact details and availability stay with HR
    # until the member chooses to share them.
    in_directory = models.BooleanField(_("show me in the directory"), default=True)
    photo_visibility = _visibility(_("who sees my photo"), Visibility.MEMBERS)
    personal_email_visibility = _visibility(_("who sees my personal email"), Visibility.HR)
    phone_visibility = _visibility(_("who sees my phone"), Visibility.HR)
    work_visibility = _visibility(_("who sees my employer and title"), Visibility.MEMBERS)
    location_visibility = _visibility(_("who sees my location"), Visibility.MEMBERS)
    linkedin_visibility = _visibility(_("who sees my LinkedIn profile"), Visibility.MEMBERS)
    bio_visibility = _visibility(_("who sees my bio"), Visibility.MEMBERS)
    competences_visibility = _visibility(_("who sees my competences"), Visibility.MEMBERS)
    languages_visibility = _visibility(_("who sees my languages"), Visibility.MEMBERS)
    history_visibility = _visibility(_("who sees my years and departments"), Visibility.MEMBERS)
    availability_visibility = _visibility(_("who sees what I am open to"), Visibility.HR)

    employment_confirmed_at = models.DateTimeField(_("employer confirmed"), null=True, blank=True)
    last_job_digest_at = models.DateTimeField(_("last job digest"), null=True, blank=True)
    last_news_digest_at = models.DateTimeField(_("last news digest"), null=True, blank=True)
    # What other members may find this member by: only fields they may see,
    # lower-cased; rebuilt by members.profiles.refresh_search_text.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    # "lastname firstname", lower-cased: the directory sorts without joining users.
    sort_name = models.CharField(_("sort name"), max_length=301, blank=True, editable=False)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["user__last_name", "user__first_name"]
        indexes = [
            models.Index(fields=["sort_name", "id"], name="member_sort_name"),
            # The dashboard counts joins per month and in a period.
            models.Index(fields=["joined_at"], name="member_joined_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(left_year__isnull=True)
                | models.Q(started_year__isnull=True)
                | models.Q(left_year__gte=models.F("started_year")),
                name="member_left_after_started",
            ),
        ]

    def __str__(self):
        return str(self.user)


class GuidelinesVersion(models.Model):
    """One published version of the network's purpose and guidelines."""

    text_nb = models.TextField(_("text (Norwegian)"))
    text_en = models.TextField(_("text (English)"))
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("guidelines version")
        verbose_name_plural = _("guidelines versions")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return _("Guidelines of %(date)s") % {"date": self.published_at.date().isoformat()}

    def text_for(self, language: str) -> str:
        return self.text_en if language == "en" and self.text_en else self.text_nb


class GuidelinesAcceptance(models.Model):
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="guidelines_acceptances"
    )
    version = models.ForeignKey(
        GuidelinesVersion, on_delete=models.PROTECT, related_name="acceptances"
    )
    accepted_at = models.DateTimeField(_("accepted"), default=timezone.now)

    class Meta:
        verbose_name = _("guidelines acceptance")
        verbose_name_plural = _("guidelines acceptances")
        constraints = [
            models.UniqueConstraint(fields=["member", "version"], name="guidelines_accepted_once"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.version_id}"


class Job(models.Model):
    """An open position at the company that a former employee might come back to."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    location = models.CharField(pgettext_lazy("workplace", "location"), max_length=150, blank=True)
    link = models.URLField(_("link to the advertisement"), blank=True)
    deadline = models.DateField(_("application deadline"), null=True, blank=True)
    competences = models.ManyToManyField(
        Competence, blank=True, related_name="jobs", verbose_name=_("competences")
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title


class JobInterest(models.Model):
    """A member pressed "I'm interested" on a job; HR sees these on the job's page."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="interests")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="job_interests")
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("job interest")
        verbose_name_plural = _("job interests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "member"], name="job_interest_once"),
        ]

    def __str__(self):
        return f"{self.member_id}: {self.job_id}"


class NewsItem(models.Model):
    """What changed at the company since the last gathering."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title


class AuditLog(models.Model):
    """Who looked at, exported, erased or changed what, when and from where.

    Written only through `members.audit.record`; never changed or deleted from
    the UI or the admin, and never deleted by an erasure. Kept for
    AUDIT_LOG_RETENTION_DAYS, then purged with the register's retention.
    """

    class Action(models.TextChoices):
        VIEW_HR_FIELDS = "view_hr_fields", _("Viewed HR-only fields")
        VIEW_PERSONAL_DATA = "view_personal_data", _("Viewed personal data")
        EXPORT = "export", _("Exported data")
        DOWNLOAD = "download", _("Downloaded a file with personal data")
        OWN_DATA_EXPORT = "own_data_export", _("Downloaded own data")
        ERASURE = "erasure", _("Erased an account")
        ROLE_CHANGE = "role_change", _("Changed a role")
        IMPORT = "import", _("Imported the register")
        CAMPAIGN_SEND = "campaign_send", _("Sent a campaign")
        ORGANISATION_MERGE = "organisation_merge", _("Merged two organisations")

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text: the log must outlive the account that acted.
    actor_label = models.CharField(_("who"), max_length=254, blank=True)
    action = models.CharField(_("what"), max_length=32, choices=Action.choices)
    # The object acted on, by its model label and id, e.g. "invitations.leaver" 1024:
    # plain values, so deleting or erasing the object leaves the entry intact.
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    # The English msgid of a registered detail (members.audit_details), or plain
    # English in entries written before details were translated.
    detail = models.TextField(_("detail"), blank=True)
    detail_params = models.JSONField(_("detail parameters"), default=dict, blank=True)
    # Plain ids, not foreign keys: erasing a member leaves the log intact.
    member_ids = models.JSONField(_("members"), default=list, blank=True)
    ip_address = models.GenericIPAddressField(_("from"), null=True, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["action", "-created_at"], name="auditlog_action_idx"),
            models.Index(fields=["object_type", "object_id"], name="auditlog_object_idx"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    @property
    def detail_text(self) -> str:
        """The detail in the reader's (active) language, its parameters filled in."""
        return audit_details.detail_text(
            detail=self.detail, params=self.detail_params, object_type=self.object_type
        )


class Rehire(models.Model):
    """A former employee who came back to work: the boomerang the network hopes for."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="rehires")
    rehired_on = models.DateField(_("started again"))
    role = models.CharField(_("role"), max_length=150)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("rehire")
        verbose_name_plural = _("rehires")
        ordering = ["-rehired_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "rehired_on"], name="rehire_once_per_day"),
        ]
        indexes = [models.Index(fields=["rehired_on"], name="rehire_date_idx")]

    def __str__(self):
        return f"{self.member_id}: {self.rehired_on} {self.role}"
