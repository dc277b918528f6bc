"""Badge URLs, part of the "gatherings" namespace (included from gatherings/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("gatherings/<int:pk>/badges.pdf", views.badges, name="badges"),
]
