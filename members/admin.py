"""The back office (Django admin, superusers only) for the members app.

Roles are granted on /hr/roles/ (reauthentication, email, audit log), so the
staff and superuser flags are read-only here; the audit log is view-only and
never deletable.
"""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from alumni_network.mail.admin import ViewOnlyAdmin

from .models import (
    AuditLog,
    Competence,
    GuidelinesVersion,
    Job,
    Member,
    NewsItem,
    Organisation,
    Rehire,
    User,
)

# Links typed without a scheme are https (the default turns to https in Django 6).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "first_name",
        "last_name",
        "language",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "is_superuser", "language")
    search_fields = ("email", "first_name", "last_name")
    ordering = ("email",)
    fields = (
        "email",
        "first_name",
        "last_name",
        "language",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
        "date_joined",
    )
    # Coordinator rights go through /hr/roles/: reauthentication, an email, the audit log.
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "org_number", "city")
    search_fields = ("name", "org_number", "city")
    ordering = ("name",)


@admin.register(Competence)
class CompetenceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    ordering = ("name",)


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("__str__", "user_email", "employer", "title", "in_directory", "joined_at")
    list_select_related = ("user", "employer")
    list_filter = ("in_directory", "open_to_returning", "open_to_hosting", "open_to_speaking")
    search_fields = ("user__email", "user__first_name", "user__last_name", "title")
    raw_id_fields = ("user", "employer")
    autocomplete_fields = ("competences",)
    date_hierarchy = "joined_at"
    ordering = ("sort_name", "pk")

    @admin.display(description=_("email"), ordering="user__email")
    def user_email(self, member):
        return member.user.email


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("title", "location", "deadline", "published_at", "created_by")
    list_select_related = ("created_by",)
    list_filter = ("published_at", "deadline")
    search_fields = ("title", "location", "description")
    raw_id_fields = ("created_by",)
    autocomplete_fields = ("competences",)
    date_hierarchy = "published_at"


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ("title", "published_at", "created_by")
    list_select_related = ("created_by",)
    search_fields = ("title", "body")
    raw_id_fields = ("created_by",)
    date_hierarchy = "published_at"


@admin.register(GuidelinesVersion)
class GuidelinesVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "published_at", "published_by")
    list_select_related = ("published_by",)
    search_fields = ("text_nb", "text_en")
    raw_id_fields = ("published_by",)
    date_hierarchy = "published_at"


@admin.register(Rehire)
class RehireAdmin(admin.ModelAdmin):
    list_display = ("member", "rehired_on", "role", "recorded_by", "created_at")
    list_select_related = ("member__user", "recorded_by")
    search_fields = ("member__user__email", "member__user__last_name", "role")
    raw_id_fields = ("member", "recorded_by")
    date_hierarchy = "rehired_on"


@admin.register(AuditLog)
class AuditLogAdmin(ViewOnlyAdmin):
    list_display = (
        "created_at",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "detail_text",
        "ip_address",
    )
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "detail", "detail_params", "object_id")
    # The stored msgid and parameters stay visible; the detail as read comes after them.
    readonly_fields = ("detail_text",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")

    @admin.display(description=_("detail"))
    def detail_text(self, entry: AuditLog) -> str:
        return entry.detail_text
