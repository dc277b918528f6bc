"""The back office (Django admin, superusers only) for gatherings, their agenda and attendees."""

from django.contrib import admin
from django.db import models

from alumni_network.mail.admin import ViewOnlyAdmin

from .models import AgendaItem, Feedback, Gathering, Guest, Material, Organiser, Rsvp


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ("order", "kind", "title", "duration_minutes", "speaker_member", "speaker_name")
    raw_id_fields = ("speaker_member", "speaker_user")
    ordering = ("order",)


class OrganiserInline(admin.TabularInline):
    """Shown only: organisers are granted on /hr/roles/ (told by email, audit-logged)."""

    model = Organiser
    extra = 0
    fields = ("member", "created_at")
    readonly_fields = ("member", "created_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# Links typed without a scheme are https (the default turns to https in Django 6).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Gathering)
class GatheringAdmin(admin.ModelAdmin):
    list_display = ("title", "start", "format", "status", "host", "capacity", "seats_taken")
    list_select_related = ("host",)
    list_filter = ("status", "format")
    search_fields = ("title", "address")
    raw_id_fields = ("host", "created_by")
    # Publishing invites people and cancelling tells them: that is planning's job, on /hr/.
    readonly_fields = ("status",)
    date_hierarchy = "start"
    inlines = (AgendaItemInline, OrganiserInline)


@admin.register(Rsvp)
class RsvpAdmin(ViewOnlyAdmin):
    """View only: an answer moves seats and the waiting list, which only rsvp.py keeps right."""

    list_display = ("member", "gathering", "answer", "waitlist_position", "checked_in_at")
    list_select_related = ("member__user", "gathering")
    list_filter = ("answer", "gathering")
    search_fields = ("member__user__email", "member__user__last_name", "gathering__title")
    raw_id_fields = ("member", "gathering", "checked_in_by")
    show_full_result_count = False


@admin.register(Organiser)
class OrganiserAdmin(ViewOnlyAdmin):
    """View only: organisers are granted on /hr/roles/ (told by email, audit-logged)."""

    list_display = ("member", "gathering", "created_at")
    list_select_related = ("member__user", "gathering")
    search_fields = ("member__user__email", "member__user__last_name", "gathering__title")
    raw_id_fields = ("member", "gathering")


@admin.register(Guest)
class GuestAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "employer", "gathering", "checked_in_at")
    list_select_related = ("gathering",)
    search_fields = ("name", "email", "employer")
    raw_id_fields = ("gathering", "checked_in_by")


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("gathering", "member", "rating", "created_at")
    list_select_related = ("gathering", "member__user")
    list_filter = ("rating", "gathering")
    search_fields = ("comment", "gathering__title")
    raw_id_fields = ("gathering", "member")


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ("title", "agenda_item", "filename", "url", "created_at")
    list_select_related = ("agenda_item__gathering",)
    search_fields = ("title", "filename", "agenda_item__title")
    raw_id_fields = ("agenda_item", "added_by")
