"""The Django admin as the superusers' back office: who gets in, and through which login.

The site mounts it with `path("admin/", admin.site.urls)` and lists
`members.admin_site.BackOfficeAdminConfig` instead of `django.contrib.admin`
in INSTALLED_APPS. Only superusers get in, with two-factor authentication
where HR_REQUIRE_MFA asks for it (`members.open_back_office`). Logging in goes
through allauth, never the admin's own password form, which would skip the
second factor.
"""

from functools import wraps

import rules
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class BackOfficeSite(admin.AdminSite):
    site_header = _("Back office")
    site_title = _("Back office")
    index_title = _("Everything in the database")
    # "View site" leads to the HR area, where the work is done.
    site_url = "/hr/"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and rules.has_perm("members.open_back_office", user)

    def admin_view(self, view, cacheable=False):
        """Answer the logged-in who may not come in here and now, not with the admin's login form.

        A superuser who still has to set up two-factor authentication is sent
        to set it up, as on the HR pages; anyone else logged in gets 403.
        """
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            # Imported here: this module is imported to find the AppConfig, before any model.
            from .access import mfa_pending

            user = request.user
            if user.is_authenticated and not self.has_permission(request):
                if user.is_superuser and mfa_pending(user):
                    messages.warning(
                        request,
                        gettext("Set up two-factor authentication before you open the HR area."),
                    )
                    return redirect("mfa_activate_totp")
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        """Send the anonymous to allauth's login; refuse the logged-in who may not come in."""
        # Imported here: this module is imported to find the AppConfig, before any model.
        from django.contrib.auth.views import redirect_to_login

        if not request.user.is_authenticated:
            return redirect_to_login(
                request.GET.get(REDIRECT_FIELD_NAME) or self.index_url(),
                settings.LOGIN_URL,
            )
        if self.has_permission(request):
            return redirect(self.index_url())
        raise PermissionDenied

    def index_url(self) -> str:
        return reverse("admin:index", current_app=self.name)


class BackOfficeAdminConfig(AdminConfig):
    default_site = "members.admin_site.BackOfficeSite"
