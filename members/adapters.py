"""How allauth fits the network: closed signup and a landing page per role."""

from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse

from .access import is_staff_user
from .signup import signup_is_permitted


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return signup_is_permitted(request)

    def get_login_redirect_url(self, request):
        if is_staff_user(request.user):
            return reverse("hr_dashboard")
        return reverse("members:home")
