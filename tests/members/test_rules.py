"""The roles every app's permissions build on: coordinator, member, owner."""

import pytest
import rules
from allauth.mfa.models import Authenticator
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory
from django.urls import reverse

from members.access import permission_required, request_member
from members.models import JobInterest
from members.rules import is_coordinator, is_member, is_owner
from tests.factories import JobFactory, MemberFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def with_mfa(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    return user


def test_staff_are_coordinators_without_mfa_when_it_is_not_required(settings):
    settings.HR_REQUIRE_MFA = False

    assert is_coordinator(StaffFactory()) is True


def test_staff_are_coordinators_only_with_mfa_when_it_is_required(settings):
    settings.HR_REQUIRE_MFA = True

    assert (is_coordinator(StaffFactory()), is_coordinator(with_mfa(StaffFactory()))) == (
        False,
        True,
    )


def test_a_member_is_not_a_coordinator():
    assert is_coordinator(MemberFactory().user) is False


def test_an_inactive_account_is_neither_member_nor_coordinator():
    member_user = MemberFactory(user__is_active=False).user
    staff = StaffFactory(is_active=False)

    assert (is_member(member_user), is_coordinator(staff)) == (False, False)


def test_an_account_without_a_profile_is_not_a_member():
    assert is_member(UserFactory()) is False


def test_a_member_owns_their_profile_and_their_rows_only():
    member, other = MemberFactory(), MemberFactory()
    own_interest = JobInterest.objects.create(job=JobFactory(), member=member)
    other_interest = JobInterest.objects.create(job=JobFactory(), member=other)

    assert [
        is_owner(member.user, obj) for obj in (member, own_interest, other, other_interest, None)
    ] == [True, True, False, False, False]


def test_a_superuser_still_needs_mfa_for_the_hr_area(client, settings):
    # Django lets an active superuser past every user.has_perm(); the views ask the rules.
    settings.HR_REQUIRE_MFA = True
    superuser = StaffFactory(is_superuser=True)
    client.force_login(superuser)

    response = client.get(reverse("hr_dashboard"))

    assert rules.has_perm("members.open_hr_area", superuser) is False
    assert (response.status_code, response.url) == (302, reverse("mfa_activate_totp"))


def test_a_superuser_has_no_member_data_of_their_own(client):
    client.force_login(StaffFactory(is_superuser=True))

    assert client.get(reverse("members:my_data")).status_code == 403


def test_the_member_is_fetched_once_per_request_and_shared(django_assert_num_queries):
    user = MemberFactory().user

    with django_assert_num_queries(1):
        member = request_member(user)
        assert request_member(user) is member
        assert user.member is member
        assert member.user is user


def test_a_misspelt_permission_fails_loudly_instead_of_refusing_everyone():
    view = permission_required("members.open_hr_aera")(lambda request: None)
    request = RequestFactory().get("/")
    request.user = StaffFactory()

    with pytest.raises(ImproperlyConfigured):
        view(request)
