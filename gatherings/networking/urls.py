"""URLs of the networking tasks, mounted in gatherings/urls.py (namespace "gatherings")."""

from django.urls import path

from . import views

urlpatterns = [
    path("gatherings/<int:pk>/tasks/generate/", views.generate, name="generate_tasks"),
    path("gatherings/<int:pk>/tasks/settings/", views.task_settings, name="task_settings"),
]
