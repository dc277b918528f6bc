"""Agenda: templates, computed times, overrun, reordering, and who may edit it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from gatherings import agenda, planning
from gatherings.models import AgendaItem, Gathering

from ..factories import MemberFactory
from .factories import AgendaItemFactory, GatheringFactory, OrganiserFactory

pytestmark = pytest.mark.django_db


def titles(gathering):
    return list(gathering.agenda_items.order_by("order").values_list("title", flat=True))


def test_create_afternoon_starts_from_the_template(staff_client):
    response = staff_client.post(
        reverse("hr_gatherings:create"),
        {
            "title": "Vårsamling",
            "format": "afternoon",
            "start": "2027-03-11T16:00",
            "end": "2027-03-11T19:00",
            "capacity": "40",
            "use_template": "on",
        },
    )

    gathering = Gathering.objects.get(title="Vårsamling")
    assert response.status_code == 302
    kinds = list(gathering.agenda_items.values_list("kind", flat=True))
    assert kinds[1:3] == [AgendaItem.Kind.COMPANY_UPDATE, AgendaItem.Kind.ALUMNUS_STORY]
    assert AgendaItem.Kind.NETWORKING in kinds
    assert kinds[-1] == AgendaItem.Kind.SOCIAL


def test_breakfast_template_is_shorter():
    gathering = planning.create_gathering(
        title="Frokost",
        format="breakfast",
        start=GatheringFactory.build().start,
        end=GatheringFactory.build().start + timedelta(hours=1, minutes=30),
    )

    assert agenda.overrun_minutes(gathering=gathering, items=gathering.agenda_items.all()) == 0
    assert gathering.agenda_items.count() < len(agenda.AGENDA_TEMPLATES["afternoon"])


def test_start_times_follow_the_durations():
    gathering = GatheringFactory()
    AgendaItemFactory(gathering=gathering, duration_minutes=15)
    AgendaItemFactory(gathering=gathering, duration_minutes=30)

    timed = agenda.timed_items(gathering=gathering, items=gathering.agenda_items.all())

    assert [t.starts - gathering.start for t in timed] == [timedelta(0), timedelta(minutes=15)]


def test_overrun_is_shown_when_the_agenda_is_too_long(staff_client):
    gathering = GatheringFactory(end=GatheringFactory.build().start + timedelta(hours=1))
    gathering.end = gathering.start + timedelta(hours=1)
    gathering.save()
    AgendaItemFactory(gathering=gathering, duration_minutes=50)
    AgendaItemFactory(gathering=gathering, duration_minutes=20)

    response = staff_client.get(reverse("gatherings:agenda", kwargs={"pk": gathering.pk}))

    assert response.context["overrun"] == 10


def test_reorder_by_drag_and_drop_posts_the_new_order(staff_client):
    gathering = GatheringFactory()
    a, b, c = (AgendaItemFactory(gathering=gathering, title=t) for t in "ABC")

    response = staff_client.post(
        reverse("gatherings:agenda_reorder", kwargs={"pk": gathering.pk}),
        {"item": [c.pk, a.pk, b.pk]},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert titles(gathering) == ["C", "A", "B"]


def test_reorder_ignores_items_of_another_gathering(staff_client):
    gathering = GatheringFactory()
    a, b = (
        AgendaItemFactory(gathering=gathering, title="A"),
        AgendaItemFactory(gathering=gathering, title="B"),
    )
    foreign = AgendaItemFactory()

    staff_client.post(
        reverse("gatherings:agenda_reorder", kwargs={"pk": gathering.pk}),
        {"item": [foreign.pk, b.pk, a.pk]},
    )

    assert titles(gathering) == ["B", "A"]
    foreign.refresh_from_db()
    assert foreign.gathering_id != gathering.pk


def test_move_up_without_javascript_redirects_back(staff_client):
    gathering = GatheringFactory()
    AgendaItemFactory(gathering=gathering, title="A")
    b = AgendaItemFactory(gathering=gathering, title="B")

    response = staff_client.post(
        reverse("gatherings:agenda_move", kwargs={"pk": gathering.pk, "item_pk": b.pk}),
        {"direction": "up"},
    )

    assert response.status_code == 302
    assert titles(gathering) == ["B", "A"]


def test_organiser_edits_the_agenda_of_their_gathering_only(client):
    organiser = OrganiserFactory()
    other = GatheringFactory()
    client.force_login(organiser.member.user)

    own = client.post(
        reverse("gatherings:agenda", kwargs={"pk": organiser.gathering_id}),
        {"kind": "talk", "title": "Foredrag", "duration_minutes": "30"},
    )
    foreign = client.get(reverse("gatherings:agenda", kwargs={"pk": other.pk}))

    assert own.status_code == 302
    assert titles(organiser.gathering) == ["Foredrag"]
    assert foreign.status_code == 403


def test_organiser_sees_attendees_but_not_hr_pages(client):
    organiser = OrganiserFactory()
    client.force_login(organiser.member.user)

    attendees = client.get(reverse("gatherings:attendees", kwargs={"pk": organiser.gathering_id}))
    hr_page = client.get(reverse("hr_gatherings:detail", kwargs={"pk": organiser.gathering_id}))

    assert attendees.status_code == 200
    assert hr_page.status_code == 403


def test_member_who_is_not_organiser_cannot_edit(client):
    gathering = GatheringFactory()
    item = AgendaItemFactory(gathering=gathering)
    client.force_login(MemberFactory().user)

    response = client.post(
        reverse("gatherings:agenda_item_delete", kwargs={"pk": gathering.pk, "item_pk": item.pk})
    )

    assert response.status_code == 403
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_copy_last_gathering_copies_agenda_as_a_draft(staff_client):
    source = GatheringFactory(title="Forrige")
    AgendaItemFactory(gathering=source, title="Velkommen")

    response = staff_client.post(reverse("hr_gatherings:copy_last"))

    copy = Gathering.objects.exclude(pk=source.pk).get()
    assert response.status_code == 302
    assert (copy.title, copy.status) == ("Forrige", "draft")
    assert copy.start > source.start
    assert titles(copy) == ["Velkommen"]


def test_gathering_must_end_after_it_starts_in_the_database():
    from django.db import IntegrityError

    gathering = GatheringFactory.build()
    gathering.end = gathering.start - timedelta(hours=1)

    with pytest.raises(IntegrityError):
        gathering.save()


def test_the_speaker_select_offers_only_members_in_the_directory_by_name(
    member_client, member_user
):
    item = AgendaItemFactory()
    OrganiserFactory(gathering=item.gathering, member=member_user.member)
    listed = MemberFactory(user__first_name="Synne", user__last_name="Synlig")
    left = MemberFactory(user__first_name="Gunnar", user__last_name="Gått", in_directory=False)
    nameless = MemberFactory(
        user__first_name="", user__last_name="", user__email="uten.navn@example.org"
    )

    html = member_client.get(
        reverse(
            "gatherings:agenda_item_edit",
            kwargs={"pk": item.gathering_id, "item_pk": item.pk},
        )
    ).content.decode()

    assert f'value="{listed.pk}">Synne Synlig<' in html
    assert f'value="{left.pk}"' not in html
    assert f'value="{nameless.pk}"' in html
    assert "uten.navn@example.org" not in html
