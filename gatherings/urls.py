"""Public and member pages of gatherings, mounted at the site root."""

app_name = "gatherings"
urlpatterns: list = []
