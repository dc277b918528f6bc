"""HR corrects a leaver by hand (issue #15, item 6); the history shows it and the invitations."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import MailEvent, Suppression, email_hash
from invitations.campaigns.lifecycle import create_campaign
from invitations.models import Invitation, Leaver, LeaverChange
from invitations.register.editing import EmailTaken, edit_leaver
from members.models import AuditLog
from tests.factories import MemberFactory

from .factories import LeaverFactory, RegisterImportFactory, SegmentFactory


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def edit_url(leaver) -> str:
    return reverse("hr_invitations:leaver_edit", args=[leaver.pk])


def detail_url(leaver) -> str:
    return reverse("hr_invitations:leaver_detail", args=[leaver.pk])


def form_data(leaver, **overrides) -> dict:
    values = {name: getattr(leaver, name) for name in ("first_name", "last_name", "email", "phone")}
    return values | overrides


def test_the_form_is_filled_with_what_the_register_holds(staff_client):
    leaver = LeaverFactory(first_name="Kari", last_name="Berg", email="", phone="+47 400 00 000")

    response = staff_client.get(edit_url(leaver))

    assert response.status_code == 200
    assert response.context["form"].initial == {
        "first_name": "Kari",
        "last_name": "Berg",
        "email": "",
        "phone": "+47 400 00 000",
    }


def test_a_leaver_without_email_links_to_the_form(staff_client):
    leaver = LeaverFactory(email="")

    html = staff_client.get(detail_url(leaver)).content.decode()

    assert f'href="{edit_url(leaver)}"' in html
    assert "Add an email" in html


def test_adding_a_missing_email_saves_it_normalised_and_records_who(staff_client, staff_user):
    leaver = LeaverFactory(first_name="Kari", last_name="Berg", email="")

    response = staff_client.post(
        edit_url(leaver), form_data(leaver, email=" Kari.Berg@Epost.Example ")
    )

    assert response.status_code == 302
    assert response.url == detail_url(leaver)
    leaver.refresh_from_db()
    assert leaver.email == "kari.berg@epost.example"
    assert leaver.can_be_invited
    change = LeaverChange.objects.get(leaver=leaver)
    assert change.changes == {"email": ["", "kari.berg@epost.example"]}
    assert change.action == LeaverChange.Action.UPDATED
    assert change.register_import.uploaded_by == staff_user


def test_the_history_shows_the_edit_by_hand_with_old_and_new(staff_client, staff_user):
    leaver = LeaverFactory(first_name="Kari", last_name="Berg", phone="111")
    staff_client.post(edit_url(leaver), form_data(leaver, last_name="Bergh", phone="222"))

    response = staff_client.get(detail_url(leaver))

    [entry] = response.context["timeline"]
    assert entry.by_hand
    assert entry.changes == [("Last name", "Berg", "Bergh"), ("Phone", "111", "222")]
    html = response.content.decode()
    assert "Edited by hand" in html
    assert str(staff_user) in html
    assert "by import of" not in html


def test_an_edit_is_audited_by_field_names_without_the_values(staff_client, staff_user):
    leaver = LeaverFactory(email="", phone="")

    staff_client.post(edit_url(leaver), form_data(leaver, email="ny@epost.example", phone="999"))

    entry = AuditLog.objects.get(detail__startswith="edited leaver")
    assert (entry.detail_params, entry.detail_text) == (
        {"fields": ["email", "phone"]},
        "edited leaver: email, phone",
    )
    assert entry.action == AuditLog.Action.VIEW_PERSONAL_DATA
    assert (entry.object_type, entry.object_id) == ("invitations.leaver", str(leaver.pk))
    assert entry.actor == staff_user


def test_another_leavers_email_is_a_form_error_and_changes_nothing(staff_client):
    LeaverFactory(first_name="Ola", last_name="Dahl", email="ola@epost.example")
    leaver = LeaverFactory(email="")

    response = staff_client.post(edit_url(leaver), form_data(leaver, email="OLA@epost.example"))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "Ola Dahl already has this address in the register."
    ]
    leaver.refresh_from_db()
    assert leaver.email == ""
    assert LeaverChange.objects.count() == 0


@pytest.mark.parametrize(
    "email", ["not-an-address", "a" * 250 + "@epost.example"], ids=["invalid", "too-long"]
)
def test_a_bad_email_is_refused(staff_client, email):
    leaver = LeaverFactory(email="")

    response = staff_client.post(edit_url(leaver), form_data(leaver, email=email))

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert Leaver.objects.get(pk=leaver.pk).email == ""


def test_blanking_the_whole_name_is_refused(staff_client):
    leaver = LeaverFactory(first_name="Kari", last_name="Berg")

    response = staff_client.post(edit_url(leaver), form_data(leaver, first_name="", last_name=""))

    assert response.status_code == 200
    assert response.context["form"].errors["first_name"] == [
        "Keep a first or last name, so HR can tell who this is."
    ]
    assert Leaver.objects.get(pk=leaver.pk).full_name == "Kari Berg"


def test_saving_without_changes_records_nothing(staff_client):
    leaver = LeaverFactory()

    response = staff_client.post(edit_url(leaver), form_data(leaver))

    assert response.status_code == 302
    assert LeaverChange.objects.count() == 0
    assert not AuditLog.objects.filter(detail__startswith="edited leaver").exists()


def test_an_address_on_the_do_not_contact_list_suppresses_the_leaver(staff_client):
    Suppression.objects.create(email_hash=email_hash("gone@epost.example"), reason="opted_out")
    leaver = LeaverFactory(email="")

    staff_client.post(edit_url(leaver), form_data(leaver, email="gone@epost.example"))

    leaver.refresh_from_db()
    assert leaver.status == Leaver.Status.SUPPRESSED
    assert not leaver.can_be_invited
    assert LeaverChange.objects.get().changes["status"] == ["in_register", "suppressed"]


def test_edit_leaver_refuses_an_address_taken_meanwhile(staff_user):
    LeaverFactory(email="taken@epost.example")
    leaver = LeaverFactory(email="")

    with pytest.raises(EmailTaken):
        edit_leaver(leaver=leaver, values={"email": "Taken@epost.example"}, user=staff_user)

    assert Leaver.objects.get(pk=leaver.pk).email == ""


def test_edits_by_hand_are_not_listed_as_imports(staff_client):
    RegisterImportFactory(file_name="hr-export.csv")
    leaver = LeaverFactory()
    staff_client.post(edit_url(leaver), form_data(leaver, phone="123"))

    response = staff_client.get(reverse("hr_invitations:import_start"))

    assert [item.file_name for item in response.context["page"]] == ["hr-export.csv"]


@pytest.mark.parametrize(
    ("who", "expected"), [("member_client", 403), ("client", 302)], ids=["member", "anonymous"]
)
def test_only_hr_can_edit(db, request, who, expected):
    client = request.getfixturevalue(who)
    leaver = LeaverFactory(email="")

    get = client.get(edit_url(leaver))
    post = client.post(edit_url(leaver), form_data(leaver, email="x@epost.example"))

    assert (get.status_code, post.status_code) == (expected, expected)
    assert Leaver.objects.get(pk=leaver.pk).email == ""


def invite(leaver, *, name, when, status=Invitation.Status.PENDING, staff_user):
    campaign = create_campaign(name=name, segment=SegmentFactory(), user=staff_user)
    answered = when + timedelta(days=2) if status != Invitation.Status.PENDING else None
    return Invitation.objects.create(
        campaign=campaign, leaver=leaver, status=status, created_at=when, responded_at=answered
    )


def test_the_history_merges_invitations_and_changes_by_date(staff_client, staff_user, tmp_path):
    now = timezone.now()
    leaver = LeaverFactory(email="")
    added = RegisterImportFactory(file_name="first.csv", created_at=now - timedelta(days=30))
    Leaver.objects.filter(pk=leaver.pk).update(created_by_import=added, created_line=4)
    invite(
        leaver,
        name="Spring",
        when=now - timedelta(days=20),
        staff_user=staff_user,
        status=Invitation.Status.BOUNCED,
    )
    staff_client.post(edit_url(leaver), form_data(leaver, email="new@epost.example"))
    invite(
        leaver,
        name="Autumn",
        when=now + timedelta(minutes=1),
        staff_user=staff_user,
        status=Invitation.Status.JOINED,
    )

    response = staff_client.get(detail_url(leaver))

    kinds = [
        entry.invitation.campaign.name
        if entry.invitation
        else entry.change.register_import.file_name
        for entry in response.context["timeline"]
    ]
    assert kinds == ["Autumn", "", "Spring", "first.csv"]
    html = response.content.decode()
    assert "Invited by the campaign “Spring”" in html
    assert "invitation-status--bounced" in html
    assert ">Joined</span>" in html


def test_an_invitation_from_a_request_to_join_is_in_the_history(staff_client, staff_user):
    leaver = LeaverFactory()
    Invitation.objects.create(leaver=leaver)

    html = staff_client.get(detail_url(leaver)).content.decode()

    assert "Invited after a request to join" in html
    assert ">Not answered</span>" in html


def test_a_member_is_told_their_login_address_stays(staff_client):
    leaver = LeaverFactory(member=MemberFactory())

    html = staff_client.get(edit_url(leaver)).content.decode()

    assert "does not change the address they log in with" in html


@pytest.mark.parametrize("count", (1, 3))
def test_leaver_detail_query_count_is_pinned(
    staff_client, staff_user, count, django_assert_num_queries
):
    leaver = LeaverFactory(email="")
    for number in range(count):
        invite(leaver, name=f"C{number}", when=timezone.now(), staff_user=staff_user)
        edit_leaver(leaver=leaver, values={"phone": str(number)}, user=staff_user)
    staff_client.get(detail_url(leaver))

    # session, user, leaver, audit write, changes, invitations, segments, rehires
    with django_assert_num_queries(QUERIES_ON_DETAIL):
        response = staff_client.get(detail_url(leaver))

    assert len(response.context["timeline"]) == 2 * count


QUERIES_ON_DETAIL = 8


def test_an_empty_post_changes_nothing(staff_client):
    leaver = LeaverFactory(first_name="Kari", last_name="Berg", email="kari@epost.example")

    response = staff_client.post(edit_url(leaver))

    assert response.status_code == 200
    leaver.refresh_from_db()
    assert (leaver.full_name, leaver.email) == ("Kari Berg", "kari@epost.example")
    assert LeaverChange.objects.count() == 0


def test_the_leaver_page_says_why_an_address_gets_no_more_email(staff_client):
    leaver = LeaverFactory(email="gone@epost.example")
    Suppression.objects.create(
        email_hash=email_hash("gone@epost.example"), reason=Suppression.Reason.SOFT_BOUNCED
    )

    html = staff_client.get(detail_url(leaver)).content.decode()

    assert "This address gets no more bulk email: Bounced again and again" in html


def test_the_leaver_page_counts_soft_bounces_before_they_suppress(staff_client):
    leaver = LeaverFactory(email="full@epost.example")
    for _ in range(2):
        MailEvent.objects.create(
            email_hash=email_hash("full@epost.example"), type=MailEvent.Type.SOFT_BOUNCE
        )

    html = staff_client.get(detail_url(leaver)).content.decode()

    assert "This address had 2 soft bounces in the last 30 days; at 3 it gets no more" in html
