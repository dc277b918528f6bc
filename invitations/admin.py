"""The back office (Django admin, superusers only) for the register, campaigns and joining."""

from django.contrib import admin

from .campaigns.models import Campaign, Invitation, JoinRequest
from .models import Leaver, RegisterImport, Segment


@admin.register(Leaver)
class LeaverAdmin(admin.ModelAdmin):
    list_display = ("last_name", "first_name", "email", "department", "left_on", "status")
    list_filter = ("status", "left_on")
    # Prefixes walk the index; a million rows make "%x%" searches crawl.
    search_fields = ("^email", "=employee_number", "^last_name", "^first_name")
    raw_id_fields = ("member", "created_by_import")
    show_full_result_count = False
    ordering = ("-pk",)


@admin.register(RegisterImport)
class RegisterImportAdmin(admin.ModelAdmin):
    list_display = (
        "file_name",
        "status",
        "uploaded_by",
        "created_at",
        "total_rows",
        "created_count",
        "updated_count",
        "error_count",
    )
    list_select_related = ("uploaded_by",)
    list_filter = ("status",)
    search_fields = ("file_name",)
    raw_id_fields = ("uploaded_by",)
    date_hierarchy = "created_at"


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "created_at")
    list_select_related = ("created_by",)
    search_fields = ("name",)
    raw_id_fields = ("created_by", "leavers")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "segment", "scheduled_at", "started_at", "finished_at")
    list_select_related = ("segment",)
    list_filter = ("status",)
    search_fields = ("name", "subject_nb", "subject_en")
    raw_id_fields = ("segment", "created_by")
    date_hierarchy = "created_at"


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("leaver", "campaign", "status", "language", "reminders_sent", "responded_at")
    list_select_related = ("leaver", "campaign")
    list_filter = ("status", "language")
    search_fields = ("^leaver__email", "^leaver__last_name", "campaign__name")
    raw_id_fields = ("leaver", "campaign")
    show_full_result_count = False
    ordering = ("-pk",)


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "years", "status", "created_at", "decided_by")
    list_select_related = ("decided_by",)
    list_filter = ("status", "language")
    search_fields = ("name", "email", "department")
    raw_id_fields = ("decided_by", "leaver")
    date_hierarchy = "created_at"
