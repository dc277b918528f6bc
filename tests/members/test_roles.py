"""HR's roles page: coordinators and organisers, granted and revoked, told by email, logged."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from gatherings.models import Gathering, Organiser
from members.models import AuditLog, User
from tests.factories import TEST_PASSWORD, MemberFactory, StaffFactory, UserFactory
from tests.gatherings.factories import GatheringFactory, OrganiserFactory

pytestmark = pytest.mark.django_db

ROLES = reverse("hr_members:roles")
GRANT = reverse("hr_members:coordinator_grant")
GRANT_ORGANISER = reverse("hr_members:role_grant", kwargs={"role": "organisers"})


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def reauthenticated(client, user):
    """A session that has just confirmed the password (what allauth asks before a grant)."""
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


def revoke_url(user):
    return reverse("hr_members:coordinator_revoke", kwargs={"pk": user.pk})


def role_changes():
    """The role changes in the log, as an English reader reads them."""
    return [
        entry.detail_text
        for entry in AuditLog.objects.filter(action=AuditLog.Action.ROLE_CHANGE).order_by("pk")
    ]


# The page


@pytest.mark.parametrize("count", (1, 3))
def test_roles_page_lists_coordinators_and_organisers_in_bounded_queries(
    client, count, django_assert_max_num_queries
):
    staff = StaffFactory()
    others = StaffFactory.create_batch(count, first_name="Kari")
    Authenticator.objects.create(user=others[0], type=Authenticator.Type.TOTP, data={"secret": "x"})
    organisers = OrganiserFactory.create_batch(count)
    client.force_login(staff)

    with django_assert_max_num_queries(12):
        response = client.get(ROLES)

    assert response.status_code == 200
    shown = [row.pk for row in response.context["coordinators"]]
    assert sorted(shown) == sorted([staff.pk, *[u.pk for u in others]])
    assert [row.has_mfa for row in response.context["coordinators"] if row.pk == others[0].pk] == [
        True
    ]
    (organiser_role,) = response.context["other_roles"]
    assert [o.pk for o in organiser_role["organisers"]] == [o.pk for o in organisers]
    assert organisers[0].gathering.title in response.content.decode()


def test_roles_page_query_count_does_not_grow_with_rows(client, django_assert_num_queries):
    """The same number of queries for 1 and for 5 coordinators and organisers."""
    staff = StaffFactory()
    client.force_login(staff)
    OrganiserFactory()
    client.get(ROLES)  # warm: sessions, content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(ROLES)
    StaffFactory.create_batch(4)
    OrganiserFactory.create_batch(4)
    with CaptureQueriesContext(connection) as many:
        client.get(ROLES)
    assert len(many) == len(few)


def test_roles_page_shows_since_when_from_the_audit_log(client, staff_user):
    granted = reauthenticated(client, staff_user)
    granted.post(GRANT, {"email": UserFactory().email})
    response = client.get(ROLES)
    since = {row.email: row.since for row in response.context["coordinators"]}
    entry = AuditLog.objects.get(action=AuditLog.Action.ROLE_CHANGE)
    assert since[User.objects.get(pk=int(entry.object_id)).email] == entry.created_at


def test_roles_page_is_refused_to_members_and_sends_the_anonymous_to_log_in(client, member_client):
    assert member_client.get(ROLES).status_code == 403
    client.logout()
    response = client.get(ROLES)
    assert urlsplit(response.url).path == reverse("account_login")


def test_audit_log_link_is_shown_to_superusers_only(client):
    link = reverse("hr_members:audit_log")
    client.force_login(StaffFactory())
    assert link not in client.get(ROLES).content.decode()
    client.force_login(StaffFactory(is_superuser=True))
    assert link in client.get(ROLES).content.decode()


# Granting coordinator: recent reauthentication first


def test_granting_coordinator_with_a_stale_session_asks_to_reauthenticate(client, staff_user):
    colleague = UserFactory()
    client.force_login(staff_user)

    response = client.post(GRANT, {"email": colleague.email})

    assert response.status_code == 302
    assert urlsplit(response.url).path == reverse("account_reauthenticate")
    colleague.refresh_from_db()
    assert colleague.is_staff is False
    assert role_changes() == []


def activate_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_with_two_factor_the_authenticator_code_reauthenticates_and_resumes(client, staff_user):
    secret = activate_totp(staff_user)
    colleague = UserFactory()
    client.force_login(staff_user)
    asked = client.post(GRANT, {"email": colleague.email})
    code_url = reverse("mfa_reauthenticate") + "?" + urlsplit(asked.url).query
    assert reverse("mfa_reauthenticate") in client.get(asked.url).content.decode()

    client.post(code_url, {"code": current_code(secret)})

    colleague.refresh_from_db()
    assert colleague.is_staff is True


def test_reauthenticating_resumes_the_grant(client, staff_user):
    colleague = UserFactory()
    client.force_login(staff_user)
    asked = client.post(GRANT, {"email": colleague.email})

    client.post(asked.url, {"password": TEST_PASSWORD})

    colleague.refresh_from_db()
    assert colleague.is_staff is True


def test_granting_coordinator_with_a_fresh_session_makes_staff_logs_and_tells_them(
    client, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.HR_REQUIRE_MFA = False
    colleague = MemberFactory(user__language="en").user
    reauthenticated(client, staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(GRANT, {"email": colleague.email.upper()})

    assert response.status_code == 302
    assert response.url == ROLES
    colleague.refresh_from_db()
    assert colleague.is_staff is True
    assert role_changes() == [f"granted coordinator to {colleague.email}"]
    entry = AuditLog.objects.get()
    assert (entry.actor_id, entry.object_type, entry.object_id) == (
        staff_user.pk,
        "members.user",
        str(colleague.pk),
    )
    row = OutboxEmail.objects.get(kind="role_granted")
    assert (row.to_email, row.status) == (colleague.email, OutboxEmail.Status.SENT)
    (message,) = mail.outbox
    assert message.subject.startswith("You are now an HR coordinator")
    assert reverse("account_request_login_code") in message.body
    assert "two-factor" not in message.body


def test_role_granted_email_mentions_two_factor_when_required_in_the_recipients_language(
    client, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.HR_REQUIRE_MFA = True
    secret = activate_totp(staff_user)
    colleague = UserFactory(language="en")
    client.force_login(staff_user)
    client.post(reverse("mfa_reauthenticate"), {"code": current_code(secret)})

    with django_capture_on_commit_callbacks(execute=True):
        client.post(GRANT, {"email": colleague.email})

    (message,) = mail.outbox
    assert "two-factor authentication" in message.body
    assert OutboxEmail.objects.get(kind="role_granted").language == "en"


def test_granting_coordinator_to_a_new_colleague_creates_an_account_without_password(
    client, staff_user, django_capture_on_commit_callbacks
):
    reauthenticated(client, staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(GRANT, {"email": "ny.kollega@fjordvik.example", "first_name": "Nora"})

    user = User.objects.get(email="ny.kollega@fjordvik.example")
    assert (user.is_staff, user.first_name, user.has_usable_password()) == (True, "Nora", False)
    assert EmailAddress.objects.filter(user=user, primary=True).exists()
    assert reverse("account_reset_password") in mail.outbox[0].body
    assert role_changes() == ["granted coordinator to ny.kollega@fjordvik.example (new account)"]


def test_granting_coordinator_to_an_unknown_email_without_a_name_is_refused(client, staff_user):
    reauthenticated(client, staff_user)

    response = client.post(GRANT, {"email": "ukjent@fjordvik.example"})

    assert response.status_code == 400
    assert response.context["coordinator_form"].non_field_errors() == [
        "There is no account with that email. Give a name to create one."
    ]
    assert not User.objects.filter(email="ukjent@fjordvik.example").exists()
    assert OutboxEmail.objects.count() == 0


def test_granting_coordinator_to_a_deactivated_account_is_refused(client, staff_user):
    gone = UserFactory(is_active=False)
    reauthenticated(client, staff_user)

    response = client.post(GRANT, {"email": gone.email})

    assert response.status_code == 400
    gone.refresh_from_db()
    assert gone.is_staff is False
    assert role_changes() == []


def test_granting_coordinator_is_refused_to_members(client):
    member = MemberFactory().user
    colleague = UserFactory()
    reauthenticated(client, member)

    assert client.post(GRANT, {"email": colleague.email}).status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_staff is False


# Revoking coordinator


def test_revoking_a_coordinator_takes_staff_away_and_logs_it(client, staff_user):
    other = StaffFactory()
    client.force_login(staff_user)

    response = client.post(revoke_url(other))

    assert response.url == ROLES
    other.refresh_from_db()
    assert other.is_staff is False
    assert role_changes() == [f"revoked coordinator from {other.email}"]


def test_nobody_revokes_their_own_coordinator_rights(client, staff_user):
    StaffFactory()
    client.force_login(staff_user)

    client.post(revoke_url(staff_user))

    staff_user.refresh_from_db()
    assert staff_user.is_staff is True
    assert role_changes() == []


def test_the_last_active_coordinator_is_never_revoked(rf):
    """Through the page one cannot reach it (the one asking counts); two revokes at once can."""
    from members import roles

    asking = StaffFactory(is_active=False)
    last = StaffFactory()
    request = rf.post("/")
    request.user = asking

    with pytest.raises(roles.RoleError, match="at least one coordinator"):
        roles.revoke_coordinator(user=last, request=request)

    last.refresh_from_db()
    assert last.is_staff is True
    assert role_changes() == []


def test_only_a_superuser_revokes_a_superusers_staff_flag(client, staff_user):
    superuser = StaffFactory(is_superuser=True)
    client.force_login(staff_user)

    client.post(revoke_url(superuser))
    superuser.refresh_from_db()
    assert superuser.is_staff is True

    client.force_login(StaffFactory(is_superuser=True))
    client.post(revoke_url(superuser))
    superuser.refresh_from_db()
    assert superuser.is_staff is False


# Organisers


def test_granting_organiser_adds_them_tells_them_and_logs_it(
    client, staff_user, django_capture_on_commit_callbacks
):
    gathering = GatheringFactory(title="Vårsamling hos Aker")
    member = MemberFactory(user__language="en")
    client.force_login(staff_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            GRANT_ORGANISER, {"gathering": gathering.pk, "email": member.user.email}
        )

    assert response.url == ROLES
    organiser = Organiser.objects.get()
    assert (organiser.gathering_id, organiser.member_id) == (gathering.pk, member.pk)
    entry = AuditLog.objects.get()
    assert (entry.object_type, entry.object_id, entry.member_ids) == (
        "gatherings.organiser",
        str(organiser.pk),
        [member.pk],
    )
    (message,) = mail.outbox
    assert message.to == [member.user.email]
    assert message.subject == "Vårsamling hos Aker: you are now an organiser"
    assert reverse("gatherings:agenda", args=[gathering.pk]) in message.body


def test_granting_organiser_twice_is_refused_without_a_second_email(client, staff_user):
    organiser = OrganiserFactory()
    client.force_login(staff_user)

    client.post(
        GRANT_ORGANISER, {"gathering": organiser.gathering_id, "email": organiser.member.user.email}
    )

    assert Organiser.objects.count() == 1
    assert OutboxEmail.objects.count() == 0
    assert role_changes() == []


def test_granting_organiser_finds_only_members_hr_may_see(client, staff_user):
    gathering = GatheringFactory()
    gone = MemberFactory(user__is_active=False)
    not_a_member = UserFactory()
    client.force_login(staff_user)

    for email in (gone.user.email, not_a_member.email):
        response = client.post(GRANT_ORGANISER, {"gathering": gathering.pk, "email": email})
        assert response.url == ROLES

    assert Organiser.objects.count() == 0
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["There is no member with that email."] * 2


def test_a_cancelled_or_long_past_gathering_is_not_offered(client, staff_user):
    upcoming = GatheringFactory()
    GatheringFactory(status=Gathering.Status.CANCELLED)
    GatheringFactory(
        start=timezone.now() - timedelta(days=200), end=timezone.now() - timedelta(days=200)
    )
    client.force_login(staff_user)

    (role,) = client.get(ROLES).context["other_roles"]

    assert list(role["organiser_form"].fields["gathering"].queryset) == [upcoming]


def test_revoking_organiser_removes_them_and_logs_it(client, staff_user):
    organiser = OrganiserFactory()
    client.force_login(staff_user)

    client.post(
        reverse("hr_members:role_revoke", kwargs={"role": "organisers", "pk": organiser.pk})
    )

    assert Organiser.objects.count() == 0
    gathering, email = organiser.gathering_id, organiser.member.user.email
    assert role_changes() == [f"revoked organiser of gathering {gathering} from {email}"]


def test_an_unknown_role_is_not_found(client, staff_user):
    client.force_login(staff_user)
    assert (
        client.post(reverse("hr_members:role_grant", kwargs={"role": "kings"})).status_code == 404
    )


def test_organisers_cannot_grant_roles(client):
    organiser = OrganiserFactory()
    member = MemberFactory()
    client.force_login(organiser.member.user)

    response = client.post(
        GRANT_ORGANISER, {"gathering": organiser.gathering_id, "email": member.user.email}
    )

    assert response.status_code == 403
    assert Organiser.objects.count() == 1
