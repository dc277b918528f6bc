"""Public pages of invitations (the links in join emails), mounted at the site root."""

from django.urls import path

from .joining import views as joining

app_name = "invitations"
urlpatterns = [
    path("join/request/", joining.join_request, name="join_request"),
    path("join/request/sent/", joining.join_request_sent, name="join_request_sent"),
    path("join/<str:token>/", joining.join, name="join"),
    path("join/<str:token>/decline/", joining.decline, name="join_decline"),
]
