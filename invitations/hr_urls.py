"""HR pages of invitations, mounted under /hr/."""

from django.urls import path

from . import campaign_views, retention_views, segment_views, views

app_name = "hr_invitations"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/<int:pk>/", views.leaver_detail, name="leaver_detail"),
    path("register/<int:pk>/erase/", retention_views.leaver_erase, name="leaver_erase"),
    path("register/retention/", retention_views.retention, name="retention"),
    path("register/segments/", views.segments, name="segments"),
    path("register/segments/new/", views.segment_create, name="segment_create"),
    path("register/segments/<int:pk>/", segment_views.segment_edit, name="segment_edit"),
    path("register/segments/<int:pk>/delete/", segment_views.segment_delete, name="segment_delete"),
    path("register/import/", views.import_start, name="import_start"),
    path("register/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("register/import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("register/import/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
    path("campaigns/", campaign_views.campaign_list, name="campaigns"),
    path("campaigns/new/", campaign_views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", campaign_views.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/edit/", campaign_views.campaign_edit, name="campaign_edit"),
    path("campaigns/<int:pk>/preview/", campaign_views.campaign_preview, name="campaign_preview"),
    path("campaigns/<int:pk>/test/", campaign_views.campaign_test, name="campaign_test"),
    path("campaigns/<int:pk>/control/", campaign_views.campaign_control, name="campaign_control"),
    path(
        "campaigns/<int:pk>/progress/", campaign_views.campaign_progress, name="campaign_progress"
    ),
    path("outbox/", campaign_views.outbox, name="outbox"),
    path("join-requests/", campaign_views.join_requests, name="join_requests"),
    path(
        "join-requests/<int:pk>/decide/",
        campaign_views.join_request_decide,
        name="join_request_decide",
    ),
]
