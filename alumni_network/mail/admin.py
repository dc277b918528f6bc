"""The back office (Django admin, superusers only) for the outbox and suppressions: view only.

The outbox sends each row once and suppression keeps people uncontacted;
editing either by hand would bypass both, so they are shown, never changed.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import MailEvent, OutboxEmail, Suppression, email_hash


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows that only an app's own rules write: look, never add, change or delete.

    The one such class of the back office; the other apps' admins import it.
    """

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ViewOnlyAdmin):
    list_display = ("created_at", "kind", "to_email", "language", "status", "attempts", "sent_at")
    list_filter = ("status", "kind", "bulk", "language")
    search_fields = ("to_email", "provider_message_id")
    date_hierarchy = "created_at"
    show_full_result_count = False
    ordering = ("-pk",)


@admin.register(Suppression)
class SuppressionAdmin(ViewOnlyAdmin):
    list_display = ("email_hash", "reason", "created_at")
    list_filter = ("reason",)
    # Only the hash is stored: a search for an address looks up its hash.
    search_fields = ("=email_hash",)
    search_help_text = _("An email address, or its hash.")
    date_hierarchy = "created_at"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(email_hash__in=[term, email_hash(term)]), False


@admin.register(MailEvent)
class MailEventAdmin(ViewOnlyAdmin):
    list_display = ("occurred_at", "type", "email_hash", "outbox_email")
    list_filter = ("type",)
    search_fields = ("=email_hash",)
    date_hierarchy = "occurred_at"
    raw_id_fields = ("outbox_email",)
