"""How allauth fits the network: closed signup, a landing page per role, mail through the outbox."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from alumni_network.mail.kinds import EmailContent
from alumni_network.mail.queueing import queue_email

from .access import is_staff_user
from .signup import signup_is_permitted


def build_account_email(email) -> EmailContent:
    return EmailContent(
        context={key: email.data.get(key, "") for key in ("subject", "text", "html")}
    )


def network_site() -> SimpleNamespace:
    """What allauth's email templates call the current site: the network, at SITE_URL."""
    return SimpleNamespace(name=settings.NETWORK_NAME, domain=urlsplit(settings.SITE_URL).netloc)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return signup_is_permitted(request)

    def get_login_redirect_url(self, request):
        if is_staff_user(request.user):
            return reverse("hr_dashboard")
        return reverse("members:home")

    def send_mail(self, template_prefix, email, context):
        """Render allauth's message now, in the reader's language; send it from the outbox.

        Its plain text goes into the network's own HTML layout. allauth's own send_mail,
        which this replaces, is what names the site its templates greet from.
        """
        context = {**context, "current_site": network_site()}
        message = self.render_mail(template_prefix, email, context)
        queue_email(
            kind="account",
            to=email,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            data={"subject": message.subject, "text": message.body},
        )
