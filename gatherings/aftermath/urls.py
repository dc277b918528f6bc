"""URLs of connections and feedback, included into the `gatherings` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "gatherings/<int:pk>/connections/",
        views.record_connections,
        name="record_connections",
    ),
    path("connections/", views.my_connections, name="connections"),
    path(
        "connections/<int:member_pk>/remove/",
        views.remove_connection,
        name="connection_remove",
    ),
    path("feedback/<str:token>/", views.feedback_answer, name="feedback"),
]
