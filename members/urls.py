"""The member area, mounted at /members/."""

from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.member_home, name="home"),
]
