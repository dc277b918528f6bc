"""allauth's emails (login code, password reset) greet in the network's name."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.NETWORK_NAME = "Fjordvik Alumni"


def test_login_code_email_names_the_network(client, django_capture_on_commit_callbacks):
    user = MemberFactory(user__language="en").user

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": user.email})

    (message,) = mail.outbox
    assert message.body.splitlines()[0] == "Hello from Fjordvik Alumni!"
    assert "Thank you for using Fjordvik Alumni!" in message.body


def test_password_reset_email_names_the_network_not_the_host(
    client, django_capture_on_commit_callbacks
):
    user = MemberFactory(user__language="en").user

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})

    (message,) = mail.outbox
    assert message.body.splitlines()[0] == "Hello from Fjordvik Alumni!"
