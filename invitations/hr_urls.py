"""HR pages of invitations, mounted under /hr/."""

app_name = "hr_invitations"
urlpatterns: list = []
