"""HR pages of invitations, mounted under /hr/."""

from django.urls import path

from .campaigns import hr_views as campaigns
from .campaigns import outbox_views as outbox
from .joining import hr_views as joining
from .register import hr_views as register

app_name = "hr_invitations"
urlpatterns = [
    path("register/", register.register, name="register"),
    path("register/<int:pk>/", register.leaver_detail, name="leaver_detail"),
    path("register/<int:pk>/edit/", register.leaver_edit, name="leaver_edit"),
    path("register/<int:pk>/erase/", register.leaver_erase, name="leaver_erase"),
    path("register/retention/", register.retention, name="retention"),
    path("register/segments/", register.segments, name="segments"),
    path("register/segments/new/", register.segment_create, name="segment_create"),
    path("register/segments/<int:pk>/", register.segment_edit, name="segment_edit"),
    path("register/segments/<int:pk>/delete/", register.segment_delete, name="segment_delete"),
    path("register/import/", register.import_start, name="import_start"),
    path("register/import/<int:pk>/", register.import_detail, name="import_detail"),
    path("register/import/<int:pk>/progress/", register.import_progress, name="import_progress"),
    path("register/import/<int:pk>/errors.csv", register.import_errors, name="import_errors"),
    path("campaigns/", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/preview/", campaigns.campaign_preview, name="campaign_preview"),
    path(
        "campaigns/<int:pk>/preview/html/",
        campaigns.campaign_preview_html,
        name="campaign_preview_html",
    ),
    path("campaigns/<int:pk>/test/", campaigns.campaign_test, name="campaign_test"),
    path("campaigns/<int:pk>/control/", campaigns.campaign_control, name="campaign_control"),
    path("campaigns/<int:pk>/progress/", campaigns.campaign_progress, name="campaign_progress"),
    path("outbox/", outbox.outbox, name="outbox"),
    path("outbox/<int:pk>/", outbox.outbox_email, name="outbox_email"),
    path("outbox/<int:pk>/html/", outbox.outbox_email_html, name="outbox_email_html"),
    path("join-requests/", joining.join_requests, name="join_requests"),
    path(
        "join-requests/<int:pk>/decide/",
        joining.join_request_decide,
        name="join_request_decide",
    ),
    path("register/export/", register.register_export, name="register_export"),
    path("campaigns/<int:pk>/export/", campaigns.campaign_export, name="campaign_export"),
]
