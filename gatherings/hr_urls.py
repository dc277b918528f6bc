"""HR pages of gatherings, mounted under /hr/."""

app_name = "hr_gatherings"
urlpatterns: list = []
