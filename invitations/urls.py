"""Public and member pages of invitations, mounted at the site root."""

app_name = "invitations"
urlpatterns: list = []
