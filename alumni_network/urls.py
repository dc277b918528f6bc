"""The site's URLs: public pages, /accounts/ (allauth), /members/ and /hr/."""

from django.contrib import admin
from django.urls import include, path

from . import views

hr_patterns = [
    path("", views.hr_dashboard, name="hr_dashboard"),
    path("", include("members.hr_urls")),
    path("", include("invitations.hr_urls")),
    path("", include("gatherings.hr_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    # The superusers' back office; everyone else works in /members/ and /hr/.
    path("admin/", admin.site.urls),
    path("members/", include("members.urls")),
    path("hr/", include(hr_patterns)),
    path("", include("alumni_network.mail.urls")),
    path("", include("invitations.urls")),
    path("", include("gatherings.urls")),
]
