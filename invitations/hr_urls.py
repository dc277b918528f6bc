"""HR pages of invitations, mounted under /hr/."""

from django.urls import path

from . import views

app_name = "hr_invitations"
urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/<int:pk>/", views.leaver_detail, name="leaver_detail"),
    path("register/segments/", views.segments, name="segments"),
    path("register/segments/new/", views.segment_create, name="segment_create"),
    path("register/import/", views.import_start, name="import_start"),
    path("register/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("register/import/<int:pk>/progress/", views.import_progress, name="import_progress"),
    path("register/import/<int:pk>/errors.csv", views.import_errors, name="import_errors"),
]
