"""An address longer than the email columns is a form error where it enters, never a 500."""

import pytest
from django.urls import reverse

from alumni_network.mail.models import OutboxEmail
from invitations.models import JoinRequest

# 300 characters: past the 254 the columns hold, within the 320 Django's validator allows.
TOO_LONG = "a" * 60 + "." + "b" * 60 + "@" + "c" * 60 + "." + "d" * 60 + "." + "e" * 53 + ".no"


@pytest.fixture(autouse=True)
def in_english(settings):
    settings.LANGUAGE_CODE = "en"


def test_the_address_is_longer_than_a_column_but_a_valid_email():
    from django.core.validators import validate_email

    assert len(TOO_LONG) == 300
    validate_email(TOO_LONG)


@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("account_request_login_code", {"email": TOO_LONG}),
        ("account_reset_password", {"email": TOO_LONG}),
        (
            "invitations:join_request",
            {"name": "Kari Nordmann", "email": TOO_LONG, "years": "2008–2011"},
        ),
    ],
)
def test_an_over_long_address_is_a_clear_form_error(client, url_name, data, db):
    response = client.post(reverse(url_name), data)

    assert response.status_code == 200
    assert "at most 254 characters" in response.content.decode()
    assert not OutboxEmail.objects.exists()
    assert not JoinRequest.objects.exists()
