"""The member area, mounted at /members/."""

from django.urls import path

from . import organisation_views, views

app_name = "members"
urlpatterns = [
    path("", views.member_home, name="home"),
    path("profile/", views.profile_edit, name="profile_edit"),
    path("profile/confirm-employer/", views.employment_confirm, name="employment_confirm"),
    path("competences/options/", views.competence_options, name="competence_options"),
    path("organisations/options/", organisation_views.employer_options, name="employer_options"),
    path("directory/", views.directory_search, name="directory"),
    path("directory/<int:pk>/", views.directory_profile, name="profile"),
    path("directory/<int:pk>/photo/", views.photo, name="photo"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/interest/", views.job_interest, name="job_interest"),
    path("news/", views.news_list, name="news_list"),
    path("guidelines/", views.guidelines_page, name="guidelines"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("my-data/delete/", views.account_delete, name="account_delete"),
]
