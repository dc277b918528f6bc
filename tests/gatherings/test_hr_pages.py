"""HR planning pages: edit with host contacts, publish, cancel, host rotation, member home hook."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gatherings import selectors
from gatherings.models import Gathering, HostContact, Rsvp

from ..factories import MemberFactory, OrganisationFactory, StaffFactory
from .factories import GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db


def form_data(gathering, **changes):
    local = timezone.localtime
    data = {
        "title": gathering.title,
        "format": gathering.format,
        "start": local(gathering.start).strftime("%Y-%m-%dT%H:%M"),
        "end": local(gathering.end).strftime("%Y-%m-%dT%H:%M"),
        "rsvp_deadline": local(gathering.rsvp_deadline).strftime("%Y-%m-%dT%H:%M"),
        "capacity": gathering.capacity,
        "ask_dietary": "on",
        "address": gathering.address,
        "audience_locations": "Bergen, Voss",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-name": "Eirik Solberg",
        "contacts-0-email": "eirik@example.org",
    }
    return data | changes


def test_edit_saves_audience_and_host_contact(staff_client):
    gathering = GatheringFactory()

    response = staff_client.post(
        reverse("hr_gatherings:edit", kwargs={"pk": gathering.pk}), form_data(gathering)
    )

    assert response.status_code == 302
    gathering.refresh_from_db()
    assert gathering.audience == {"locations": ["Bergen", "Voss"]}
    assert list(HostContact.objects.values_list("name", flat=True)) == ["Eirik Solberg"]
    assert gathering.sequence == 0


def test_edit_rejects_an_end_before_the_start(staff_client):
    gathering = GatheringFactory()
    data = form_data(
        gathering,
        end=timezone.localtime(gathering.start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )

    response = staff_client.post(reverse("hr_gatherings:edit", kwargs={"pk": gathering.pk}), data)

    assert response.status_code == 200
    assert response.context["form"].errors["end"]


def test_raising_capacity_promotes_the_waiting_list(staff_client):
    gathering = GatheringFactory(capacity=1)
    RsvpFactory(gathering=gathering, answer="yes")
    waiting = RsvpFactory(gathering=gathering, answer="yes", waitlist_position=1)

    staff_client.post(
        reverse("hr_gatherings:edit", kwargs={"pk": gathering.pk}), form_data(gathering, capacity=2)
    )

    assert Rsvp.objects.get(pk=waiting.pk).confirmed


def test_publish_invites_and_cancel_cancels(staff_client):
    gathering = GatheringFactory(status="draft")
    MemberFactory()

    staff_client.post(
        reverse("hr_gatherings:publish", kwargs={"pk": gathering.pk}), {"confirm": "1"}
    )
    published = Gathering.objects.get(pk=gathering.pk)
    staff_client.post(reverse("hr_gatherings:cancel", kwargs={"pk": gathering.pk}))
    cancelled = Gathering.objects.get(pk=gathering.pk)

    assert (published.status, published.rsvps.count()) == ("published", 1)
    assert cancelled.status == "cancelled"


def test_host_rotation_suggests_the_least_recently_hosted_with_enough_members():
    recent, long_ago, small = (
        OrganisationFactory(name=n) for n in ("Nylig AS", "Lenge AS", "Liten AS")
    )
    for organisation in (recent, long_ago):
        for _ in range(3):
            MemberFactory(employer=organisation)
    MemberFactory(employer=small)
    GatheringFactory(host=recent, status="done")
    old = GatheringFactory(host=long_ago, status="done")
    old.start -= timedelta(days=400)
    old.end -= timedelta(days=400)
    old.rsvp_deadline = None
    old.save()

    rows, suggested = selectors.host_rotation(viewer=StaffFactory(), min_members=3)

    assert suggested == long_ago
    assert {row.organisation.name: row.members for row in rows} == {
        "Lenge AS": 3,
        "Liten AS": 1,
        "Nylig AS": 3,
    }


def test_upcoming_for_member_carries_the_members_answer():
    member = MemberFactory()
    answered = GatheringFactory(title="Svart")
    RsvpFactory(gathering=answered, member=member, answer="yes")
    GatheringFactory(title="Ikke svart")
    GatheringFactory(title="Utkast", status="draft")

    upcoming = selectors.upcoming_for_member(member)

    assert sorted((g.title, [r.answer for r in g.my_rsvps]) for g in upcoming) == [
        ("Ikke svart", []),
        ("Svart", ["yes"]),
    ]


def test_member_list_shows_upcoming_with_answer(client):
    rsvp = RsvpFactory(answer="yes")
    client.force_login(rsvp.member.user)

    response = client.get(reverse("gatherings:list"))

    assert [g.pk for g in response.context["upcoming"]] == [rsvp.gathering_id]


def test_member_home_shows_upcoming_gatherings_with_the_answer(client):
    rsvp = RsvpFactory(answer="yes", gathering__title="Høstsamling hos Equinor")
    client.force_login(rsvp.member.user)

    response = client.get(reverse("members:home"))

    assert response.status_code == 200
    assert "Høstsamling hos Equinor" in response.content.decode()


def test_adding_an_organiser_on_the_gathering_page_tells_them_and_is_logged(staff_client):
    from alumni_network.mail.models import OutboxEmail
    from gatherings.models import Organiser
    from members.audit_details import Detail
    from members.models import AuditLog

    gathering = GatheringFactory()
    member = MemberFactory()

    staff_client.post(
        reverse("hr_gatherings:organiser_add", kwargs={"pk": gathering.pk}),
        {"member": member.pk},
    )
    organiser = Organiser.objects.get(gathering=gathering, member=member)
    staff_client.post(
        reverse(
            "hr_gatherings:organiser_remove",
            kwargs={"pk": gathering.pk, "organiser_pk": organiser.pk},
        )
    )

    assert OutboxEmail.objects.filter(kind="organiser_granted", to_email=member.user.email).exists()
    assert list(
        AuditLog.objects.filter(action=AuditLog.Action.ROLE_CHANGE)
        .order_by("pk")
        .values_list("detail", "detail_params")
    ) == [
        (Detail.ORGANISER_GRANTED, {"gathering": gathering.pk, "email": member.user.email}),
        (Detail.ORGANISER_REVOKED, {"gathering": gathering.pk, "email": member.user.email}),
    ]
    assert not Organiser.objects.filter(gathering=gathering).exists()
