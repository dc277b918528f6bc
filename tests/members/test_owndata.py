"""The member's own data: JSON download, erasure with re-authentication, the audit log."""

import json

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.urls import reverse

from members.models import AuditLog, JobInterest, Member, User, Visibility
from members.owndata import erase_member
from members.signals import member_erased
from tests.factories import TEST_PASSWORD, JobFactory, StaffFactory

from .factories import profile_member

pytestmark = pytest.mark.django_db


def test_download_my_data_is_json_with_the_profile(member_client, member_user):
    member = member_user.member
    member.title = "Geolog"
    member.save()

    response = member_client.post(reverse("members:my_data_download"))

    data = json.loads(response.content)
    assert data["account"]["email"] == member_user.email
    assert data["profile"]["title"] == "Geolog"
    assert AuditLog.objects.get().action == AuditLog.Action.OWN_DATA_EXPORT


def test_delete_account_asks_to_reauthenticate_first(member_client, member_user):
    response = member_client.post(reverse("members:account_delete"), {"confirm": "on"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert Member.objects.filter(user=member_user).exists()


def test_delete_account_after_reauthentication_erases_and_signals(client):
    member = profile_member(personal_email="privat@epost.example", phone="+47 12345678")
    client.force_login(member.user)
    JobInterest.objects.create(job=JobFactory(), member=member)
    received = []

    def receiver(sender, email, **kwargs):
        received.append(email)

    member_erased.connect(receiver)
    try:
        client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
        response = client.post(reverse("members:account_delete"), {"confirm": "on"})
    finally:
        member_erased.disconnect(receiver)

    assert response.status_code == 302
    assert not User.objects.filter(pk=member.user_id).exists()
    assert sorted(received) == sorted([member.user.email.lower(), "privat@epost.example"])


def test_erasure_leaves_no_personal_data():
    member = profile_member(
        user__first_name="Unikfornavn",
        user__last_name="Unikettenavn",
        phone="+47 55544433",
        personal_email="unik@privat.example",
        bio="Unik biografi",
        employer="Arbeidsgiver Unik AS",
    )
    email = member.user.email
    JobInterest.objects.create(job=JobFactory(), member=member)

    erase_member(member=member)

    needles = ["Unikfornavn", "Unikettenavn", "55544433", "unik@privat.example", email]
    assert not User.objects.filter(email=email).exists()
    assert not EmailAddress.objects.filter(email=email).exists()
    assert JobInterest.objects.count() == 0
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if not table.startswith(("members_", "account_", "mfa_")):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from introspection
            dump = repr(cursor.fetchall())
            assert not [n for n in needles if n in dump], table


def test_hr_views_of_hr_only_fields_are_audit_logged(staff_client, staff_user):
    member = profile_member(phone="+47 123", phone_visibility=Visibility.HR)

    staff_client.get(reverse("hr_members:member_detail", kwargs={"pk": member.pk}))

    entry = AuditLog.objects.get()
    assert (entry.actor, entry.action, entry.member_ids) == (
        staff_user,
        AuditLog.Action.VIEW_HR_FIELDS,
        [member.pk],
    )


def test_shortlist_export_is_formula_safe_and_logged(staff_client):
    profile_member(
        user__first_name='=HYPERLINK("http://x")',
        competences=["Python"],
        open_to_returning=True,
    )

    response = staff_client.post(
        reverse("hr_members:competence_export"), {"competence": "python", "open_to_returning": "on"}
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    assert AuditLog.objects.get().action == AuditLog.Action.EXPORT


def test_competence_search_finds_who_is_open_to_returning(staff_client):
    profile_member(user__last_name="Tilbake", competences=["Boring"], open_to_returning=True)
    profile_member(user__last_name="Blir", competences=["Boring"], open_to_returning=False)

    response = staff_client.get(
        reverse("hr_members:competence_search"), {"competence": "boring", "open_to_returning": "on"}
    )

    assert [p.name.split()[-1] for p in response.context["page"].profiles] == ["Tilbake"]


def test_only_superusers_read_the_audit_log(client):
    client.force_login(StaffFactory(is_superuser=True))

    assert client.get(reverse("hr_members:audit_log")).status_code == 200


def test_hr_looking_at_a_profile_in_the_member_area_is_logged_too(staff_client):
    member = profile_member(phone="+47 123", phone_visibility=Visibility.HR)

    staff_client.get(reverse("members:profile", kwargs={"pk": member.pk}))

    assert AuditLog.objects.get().member_ids == [member.pk]
