"""HR pages about members, mounted under /hr/."""

from django.urls import path

from . import hr_organisation_views, hr_rehire_views, hr_roles_views, hr_views

app_name = "hr_members"
urlpatterns = [
    path("members/search/", hr_views.competence_search, name="competence_search"),
    path("members/search/export/", hr_views.competence_export, name="competence_export"),
    path("members/<int:pk>/", hr_views.member_detail, name="member_detail"),
    path("organisations/", hr_views.organisation_list, name="organisation_list"),
    path("organisations/new/", hr_views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", hr_views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<int:pk>/merge/",
        hr_organisation_views.organisation_merge,
        name="organisation_merge",
    ),
    path("jobs/", hr_views.job_list, name="job_list"),
    path("jobs/new/", hr_views.job_create, name="job_create"),
    path("jobs/<int:pk>/", hr_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/edit/", hr_views.job_edit, name="job_edit"),
    path("jobs/<int:pk>/delete/", hr_views.job_delete, name="job_delete"),
    path("news/", hr_views.news_list, name="news_list"),
    path("news/new/", hr_views.news_create, name="news_create"),
    path("news/<int:pk>/edit/", hr_views.news_edit, name="news_edit"),
    path("news/<int:pk>/delete/", hr_views.news_delete, name="news_delete"),
    path("guidelines/", hr_views.guidelines_versions, name="guidelines"),
    path("audit-log/", hr_views.audit_log, name="audit_log"),
    path("members/<int:pk>/rehire/", hr_rehire_views.rehire_create, name="rehire_add"),
    path("rehires/<int:pk>/remove/", hr_rehire_views.rehire_delete, name="rehire_remove"),
    path("members/export/", hr_views.member_export, name="member_export"),
    path("roles/", hr_roles_views.roles_page, name="roles"),
    path("roles/coordinators/", hr_roles_views.coordinator_grant, name="coordinator_grant"),
    path(
        "roles/coordinators/<int:pk>/revoke/",
        hr_roles_views.coordinator_revoke,
        name="coordinator_revoke",
    ),
    path("roles/<slug:role>/", hr_roles_views.role_grant, name="role_grant"),
    path("roles/<slug:role>/<int:pk>/revoke/", hr_roles_views.role_revoke, name="role_revoke"),
]
