"""Public and member pages of gatherings, mounted at the site root."""

from django.urls import path

from . import views
from .aftermath import urls as aftermath_urls
from .badges import urls as badges_urls
from .door import urls as door_urls
from .materials import urls as materials_urls
from .networking import urls as networking_urls

app_name = "gatherings"
urlpatterns = [
    path("gatherings/", views.gathering_list, name="list"),
    path("gatherings/<int:pk>/", views.gathering_detail, name="detail"),
    path("gatherings/<int:pk>/answer/", views.gathering_answer, name="answer"),
    path("gatherings/<int:pk>/calendar.ics", views.gathering_ics, name="ics"),
    path("gatherings/<int:pk>/programme/", views.agenda_print, name="agenda_print"),
    path("gatherings/<int:pk>/agenda/", views.agenda_edit, name="agenda"),
    path("gatherings/<int:pk>/agenda/reorder/", views.agenda_reorder, name="agenda_reorder"),
    path("gatherings/<int:pk>/agenda/<int:item_pk>/move/", views.agenda_move, name="agenda_move"),
    path(
        "gatherings/<int:pk>/agenda/<int:item_pk>/edit/",
        views.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "gatherings/<int:pk>/agenda/<int:item_pk>/delete/",
        views.agenda_item_delete,
        name="agenda_item_delete",
    ),
    path("gatherings/<int:pk>/attendees/", views.attendees, name="attendees"),
    path(
        "gatherings/<int:pk>/attendees.<str:fmt>",
        views.attendees_export,
        name="attendees_export",
    ),
    path("rsvp/<str:token>/", views.rsvp_answer, name="rsvp"),
    path("rsvp/<str:token>/calendar.ics", views.rsvp_ics, name="rsvp_ics"),
    *door_urls.urlpatterns,
    *networking_urls.urlpatterns,
    *badges_urls.urlpatterns,
    *materials_urls.urlpatterns,
    *aftermath_urls.urlpatterns,
]
