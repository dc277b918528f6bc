"""The door's pages, taken into the gatherings namespace by gatherings/urls.py."""

from django.urls import path

from . import views

DOOR = "gatherings/<int:pk>/door/"

urlpatterns = [
    path(DOOR, views.door, name="door"),
    path(f"{DOOR}count/", views.door_count, name="door_count"),
    path(f"{DOOR}check-in/", views.door_check_in, name="door_check_in"),
    path(f"{DOOR}undo/", views.door_undo, name="door_undo"),
    path(f"{DOOR}guest/", views.door_guest, name="door_guest"),
    path(f"{DOOR}guests/", views.door_guests, name="door_guests"),
    path(f"{DOOR}guests/<int:guest_pk>/invite/", views.door_guest_invite, name="door_guest_invite"),
    path(f"{DOOR}close/", views.door_close, name="door_close"),
]
