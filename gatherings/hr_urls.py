"""HR pages of gatherings, mounted under /hr/."""

from django.urls import path

from . import hr_views

app_name = "hr_gatherings"
urlpatterns = [
    path("gatherings/", hr_views.gathering_list, name="list"),
    path("gatherings/new/", hr_views.gathering_create, name="create"),
    path("gatherings/copy-last/", hr_views.gathering_copy_last, name="copy_last"),
    path("gatherings/hosts/", hr_views.host_rotation, name="hosts"),
    path("gatherings/hosts/ask/", hr_views.host_ask, name="host_ask"),
    path("gatherings/<int:pk>/", hr_views.gathering_detail, name="detail"),
    path("gatherings/<int:pk>/edit/", hr_views.gathering_edit, name="edit"),
    path("gatherings/<int:pk>/publish/", hr_views.gathering_publish, name="publish"),
    path("gatherings/<int:pk>/cancel/", hr_views.gathering_cancel, name="cancel"),
    path("gatherings/<int:pk>/done/", hr_views.gathering_done, name="done"),
    path("gatherings/<int:pk>/message/", hr_views.gathering_message, name="message"),
    path("gatherings/<int:pk>/organisers/", hr_views.organiser_add, name="organiser_add"),
    path(
        "gatherings/<int:pk>/organisers/<int:organiser_pk>/remove/",
        hr_views.organiser_remove,
        name="organiser_remove",
    ),
]
