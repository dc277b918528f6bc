"""HR pages about members, mounted under /hr/."""

app_name = "hr_members"
urlpatterns: list = []
