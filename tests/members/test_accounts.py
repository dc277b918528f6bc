"""Accounts: email-only login, closed signup, MFA before HR, stored language."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from members.adapters import AccountAdapter
from members.models import User
from members.signup import grant_signup
from tests.factories import TEST_PASSWORD, MemberFactory, StaffFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password_lands_member_in_member_area(client):
    user = MemberFactory().user

    response = client.post(
        reverse("account_login"), {"login": user.email.upper(), "password": TEST_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("members:home")


def test_login_lands_staff_in_hr_area(client):
    staff = StaffFactory()

    response = client.post(
        reverse("account_login"), {"login": staff.email, "password": TEST_PASSWORD}
    )

    assert response.url == reverse("hr_dashboard")


def test_login_page_offers_an_emailed_code(client):
    response = client.get(reverse("account_login"))

    assert reverse("account_request_login_code") in response.content.decode()


def test_signup_is_closed_without_an_invitation(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "stranger@example.org",
            "password1": "x-Very-long-1",
            "password2": "x-Very-long-1",
        },
    )

    assert response.status_code == 200
    assert "signup_closed" in [
        t.name.rsplit("/", 1)[-1].removesuffix(".html") for t in response.templates
    ]
    assert not User.objects.filter(email="stranger@example.org").exists()


def test_signup_opens_for_a_granted_permit():
    request = RequestFactory().get("/")
    request.session = {}

    assert AccountAdapter(request).is_open_for_signup(request) is False
    grant_signup(request, email=" Kari@Example.org ")
    assert AccountAdapter(request).is_open_for_signup(request) is True


def test_email_is_unique_whatever_its_case():
    User.objects.create_user("ola@example.org")

    with pytest.raises(Exception):  # noqa: B017 - IntegrityError from the database constraint
        User.objects.create_user("OLA@example.org")


def test_hr_requires_mfa_when_the_setting_is_on(client, settings):
    settings.HR_REQUIRE_MFA = True
    staff = StaffFactory()
    client.force_login(staff)

    response = client.get(reverse("hr_dashboard"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_hr_tells_staff_why_they_are_sent_to_set_up_mfa(client, settings):
    settings.HR_REQUIRE_MFA = True
    settings.LANGUAGE_CODE = "en"
    client.force_login(StaffFactory(language="en"))

    response = client.get(reverse("hr_members:job_list"))

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Set up two-factor authentication before you open the HR area."
    ]


def test_hr_opens_for_staff_with_mfa_when_the_setting_is_on(client, settings):
    settings.HR_REQUIRE_MFA = True
    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)

    assert client.get(reverse("hr_dashboard")).status_code == 200


def test_member_cannot_open_hr(client):
    client.force_login(MemberFactory().user)

    assert client.get(reverse("hr_dashboard")).status_code == 403


def test_account_without_member_profile_cannot_open_member_area(client, plain_user):
    client.force_login(plain_user)

    assert client.get(reverse("members:home")).status_code == 403


def test_language_choice_is_stored_on_the_account(client, member_user):
    client.force_login(member_user)

    client.post(reverse("set_language"), {"language": "en", "next": "/members/"})

    member_user.refresh_from_db()
    assert member_user.language == "en"


def test_stored_language_wins_over_the_browser(client, member_user):
    member_user.language = "en"
    member_user.save()
    client.force_login(member_user)

    response = client.get(reverse("members:home"), headers={"accept-language": "nb"})

    assert response.headers["Content-Language"] == "en"


def test_language_switch_refuses_an_offsite_next(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )

    assert response.url == "/"


def test_navigation_shows_only_what_the_role_reaches(client, member_user):
    client.force_login(member_user)

    html = client.get(reverse("home")).content.decode()

    assert reverse("members:home") in html
    assert f'href="{reverse("hr_dashboard")}"' not in html


def test_login_code_email_goes_through_the_outbox_and_forgets_the_code(
    client, django_capture_on_commit_callbacks
):
    from django.core import mail

    from alumni_network.mail.models import OutboxEmail

    user = MemberFactory().user

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": user.email})

    row = OutboxEmail.objects.get(kind="account")
    assert row.status == OutboxEmail.Status.SENT
    assert row.data == {}
    assert [message.to for message in mail.outbox] == [[user.email]]
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
