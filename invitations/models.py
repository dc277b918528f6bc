"""The leavers register, its imports and segments of it.

There is deliberately no field for why someone left: the register never stores it,
even when an HR export carries it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alumni_network.mail.models import normalise_email


class LeaverQuerySet(models.QuerySet):
    def with_email(self, email: str):
        """Case- and whitespace-insensitive lookup by address."""
        return self.filter(email=normalise_email(email)).exclude(email="")


class Leaver(models.Model):
    """A former employee as the HR register knows them."""

    class Status(models.TextChoices):
        IN_REGISTER = "in_register", _("In register")
        INVITED = "invited", _("Invited")
        JOINED = "joined", _("Joined")
        DECLINED = "declined", _("Declined")
        SUPPRESSED = "suppressed", _("Suppressed")

    employee_number = models.CharField(_("employee number"), max_length=64, blank=True)
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    # Stored normalised (see normalise_email) so equality is the case-insensitive lookup.
    email = models.EmailField(_("email"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    department = models.CharField(_("department"), max_length=150, blank=True)
    title = models.CharField(_("job title"), max_length=150, blank=True)
    location = models.CharField(_("location"), max_length=150, blank=True)
    hired_on = models.DateField(_("hired"), null=True, blank=True)
    left_on = models.DateField(_("left"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.IN_REGISTER
    )
    member = models.OneToOneField(
        "members.Member",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leaver",
        verbose_name=_("member"),
    )
    # The import that added the person, and the file's line: the first link of the
    # leaver's history. Kept on the row (later imports that change the person add a
    # LeaverChange) so a first import of a million people writes one row per person,
    # not two. No index: nothing looks leavers up by import but the rare delete of
    # an abandoned upload, which added nobody.
    created_by_import = models.ForeignKey(
        "RegisterImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="created_leavers",
        verbose_name=_("import"),
    )
    created_line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = LeaverQuerySet.as_manager()

    class Meta:
        verbose_name = _("leaver")
        verbose_name_plural = _("leavers")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "employee_number",
                condition=~Q(employee_number=""),
                name="leaver_employee_number_unique",
            ),
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="leaver_email_ci_unique"
            ),
            models.CheckConstraint(
                condition=Q(hired_on__isnull=True)
                | Q(left_on__isnull=True)
                | Q(left_on__gte=models.F("hired_on")),
                name="leaver_left_after_hired",
            ),
        ]
        # Every index is paid for by each row an HR feed adds or changes (a changed
        # row is rewritten into every index), so only those that serve reads are
        # kept: leaving dates sort the register page; the statuses other than "in
        # register" are the few rows a status filter looks for. A department or a
        # status is shared by too many rows for an index to beat a scan.
        indexes = [
            models.Index(fields=["left_on"], name="leaver_left_on_idx"),
            models.Index(
                fields=["status"],
                condition=~Q(status="in_register"),
                name="leaver_status_uncommon_idx",
            ),
            # The HR dashboard counts leavers added in a period.
            models.Index(fields=["created_at"], name="leaver_created_idx"),
        ]

    def __str__(self):
        # A member who erased their account leaves a row with no name, kept for the counts.
        return self.full_name or self.email or self.employee_number or str(_("Erased person"))

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def can_be_invited(self) -> bool:
        return bool(self.email) and self.status == self.Status.IN_REGISTER

    def history(self) -> list["LeaverChange"]:
        """What each import did to this leaver, newest first: the changes later imports
        made, then the import that added them (an unsaved LeaverChange of action created)."""
        changes = list(self.changes.select_related("register_import__uploaded_by"))
        created_by = (
            RegisterImport.objects.select_related("uploaded_by")
            .filter(pk=self.created_by_import_id)
            .first()
            if self.created_by_import_id
            else None
        )
        if created_by is not None:
            changes.append(
                LeaverChange(
                    leaver=self,
                    register_import=created_by,
                    line=self.created_line or 0,
                    action=LeaverChange.Action.CREATED,
                    changes={},
                )
            )
        return changes


def register_upload_path(instance, filename):
    return f"register_imports/{timezone.now():%Y/%m}/{filename}"


class RegisterImport(models.Model):
    """One uploaded register file on its way through map → preview → commit."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for column mapping")
        PREVIEWING = "previewing", _("Checking the rows")
        PREVIEWED = "previewed", _("Previewed")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to=register_upload_path, blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    # The file's own header row and the field each column was mapped to ("" = ignored).
    headers = models.JSONField(_("headers"), default=list, blank=True)
    mapping = models.JSONField(_("column mapping"), default=list, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    without_email_count = models.PositiveIntegerField(_("without email"), default=0)
    # {"notes": [...], "errors": [{"line", "reason", "values"}], "sample": [...]}
    report = models.JSONField(_("report"), default=dict, blank=True)
    failure = models.TextField(_("failure"), blank=True)

    class Meta:
        verbose_name = _("register import")
        verbose_name_plural = _("register imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.file_name

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class LeaverChange(models.Model):
    """What one import did to one leaver: its history."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    # No index of its own: the unique (leaver, register_import) below serves lookups by leaver.
    leaver = models.ForeignKey(
        Leaver,
        on_delete=models.CASCADE,
        related_name="changes",
        db_index=False,
        verbose_name=_("leaver"),
    )
    register_import = models.ForeignKey(
        RegisterImport,
        on_delete=models.PROTECT,
        related_name="changes",
        verbose_name=_("import"),
    )
    line = models.PositiveIntegerField(_("line"), default=0)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    # {field: [old, new]}
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    class Meta:
        verbose_name = _("leaver change")
        verbose_name_plural = _("leaver changes")
        ordering = ["-register_import__created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["leaver", "register_import"], name="leaver_change_once_per_import"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: {self.leaver_id} ({self.register_import_id})"


class ColumnMapping(models.Model):
    """The mapping a coordinator chose, remembered for the next file with the same headers."""

    signature = models.CharField(_("header signature"), max_length=64, unique=True)
    headers = models.JSONField(_("headers"), default=list)
    mapping = models.JSONField(_("column mapping"), default=list)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")

    def __str__(self):
        return ", ".join(self.headers)


class Segment(models.Model):
    """A saved selection of the register: a filter, optionally narrowed to chosen leavers."""

    name = models.CharField(_("name"), max_length=150)
    # The register filter as query parameters, e.g. {"department": "IT", "status": "in_register"}.
    filters = models.JSONField(_("filter"), default=dict, blank=True)
    leavers = models.ManyToManyField(
        Leaver, blank=True, related_name="segments", verbose_name=_("chosen leavers")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.name


from .campaigns.models import Campaign, Invitation, JoinRequest  # noqa: E402,F401 - campaigns and joining
