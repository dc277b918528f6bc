"""A member's side of a gathering: who is coming, the way there, and the calendar after a yes."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from gatherings import rsvp as rsvp_module
from gatherings.models import Gathering
from members.models import AuditLog, Visibility

from ..members.factories import profile_member
from .factories import AgendaItemFactory, GatheringFactory, OrganiserFactory, RsvpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def detail(client, gathering):
    return client.get(reverse("gatherings:detail", kwargs={"pk": gathering.pk}))


def shown(response) -> list[tuple[str, str]]:
    coming = response.context["coming"]
    return [(person.name, person.employer) for person in coming.people]


def coming_yes(gathering, **fields):
    """A member with a profile and a seat at `gathering`."""
    member = profile_member(**fields)
    RsvpFactory(gathering=gathering, member=member, answer="yes")
    return member


def test_who_is_coming_shows_members_in_the_directory_with_their_employer(member_client):
    gathering = GatheringFactory()
    coming_yes(
        gathering, user__first_name="Kari", user__last_name="Bakken", employer="Aker Solutions"
    )

    response = detail(member_client, gathering)

    assert shown(response) == [("Kari Bakken", "Aker Solutions")]
    page = response.content.decode()
    assert "Kari Bakken" in page
    assert "Aker Solutions" in page


def test_who_is_coming_leaves_out_the_employer_a_member_keeps_to_themselves(member_client):
    gathering = GatheringFactory()
    coming_yes(
        gathering,
        user__first_name="Ola",
        user__last_name="Nordmann",
        employer="Hemmelig Arbeidsgiver AS",
        work_visibility=Visibility.HIDDEN,
    )

    response = detail(member_client, gathering)

    assert shown(response) == [("Ola Nordmann", "")]
    assert "Hemmelig Arbeidsgiver" not in response.content.decode()


def test_who_is_coming_counts_but_does_not_name_those_out_of_the_directory(member_client):
    gathering = GatheringFactory()
    coming_yes(gathering, user__first_name="Synlig", user__last_name="Person")
    coming_yes(gathering, user__first_name="Usynlig", user__last_name="Person", in_directory=False)
    coming_yes(
        gathering, user__first_name="Sluttet", user__last_name="Person", user__is_active=False
    )

    response = detail(member_client, gathering)

    assert shown(response) == [("Synlig Person", "")]
    assert response.context["coming"].more == 2
    page = response.content.decode()
    assert "Usynlig" not in page
    assert "Sluttet" not in page
    assert "And 2 more." in page


def test_who_is_coming_names_only_those_with_a_seat_and_not_the_viewer(client):
    gathering = GatheringFactory(capacity=1)
    coming_yes(gathering, user__first_name="Har", user__last_name="Plass")
    waiting = profile_member(user__first_name="Står", user__last_name="På Venteliste")
    RsvpFactory(gathering=gathering, member=waiting, answer="yes", waitlist_position=1)
    maybe = profile_member(user__first_name="Kanskje", user__last_name="Kommer")
    RsvpFactory(gathering=gathering, member=maybe, answer="maybe")
    viewer = coming_yes(gathering, user__first_name="Meg", user__last_name="Selv")
    client.force_login(viewer.user)

    response = detail(client, gathering)

    assert shown(response) == [("Har Plass", "")]
    assert response.context["coming"].more == 0


def test_who_is_coming_says_so_when_nobody_else_has_said_yes(member_client):
    gathering = GatheringFactory()

    response = detail(member_client, gathering)

    assert "Nobody else has said yes yet." in response.content.decode()


def test_who_is_coming_is_not_shown_once_the_gathering_is_over(member_client, member_user):
    start = timezone.now() - timedelta(days=2)
    gathering = GatheringFactory(start=start, end=start + timedelta(hours=3), rsvp_deadline=None)
    RsvpFactory(gathering=gathering, member=member_user.member, answer="yes")
    coming_yes(gathering, user__first_name="Kari", user__last_name="Bakken")

    response = detail(member_client, gathering)

    assert response.context["coming"] is None
    assert 'id="coming-heading"' not in response.content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_who_is_coming_costs_the_same_queries_however_many_come(
    member_client, django_assert_num_queries, count
):
    gathering = GatheringFactory(capacity=100)
    for i in range(count):
        coming_yes(gathering, employer=f"Firma {i % 3}", photo=f"photos/{i}.jpg")
    detail(member_client, gathering)  # the first visit caches what a running server has cached

    # session, user, the member; which gatherings are meant for them, then this one;
    # their answer, the agenda, which gatherings they organise (once, however many
    # organiser links the page and its materials ask about); who is coming: how
    # many, then the shown members with their users and employers in one query.
    with django_assert_num_queries(10):
        response = detail(member_client, gathering)

    assert len(response.context["coming"].people) == count


def test_map_link_searches_openstreetmap_for_the_encoded_address(member_client):
    gathering = GatheringFactory(address="Øvre Slottsgate 3 & 5, Oslo")

    page = detail(member_client, gathering).content.decode()

    assert (
        'href="https://www.openstreetmap.org/search?query=%C3%98vre+Slottsgate+3+%26+5%2C+Oslo"'
        in page
    )
    assert "Show the address on a map (OpenStreetMap)" in page


def test_map_link_is_on_the_answer_link_page(client):
    rsvp = RsvpFactory(gathering__address="Strandkaien 2, Bergen")
    url = reverse("gatherings:rsvp", kwargs={"token": rsvp_module.make_token(rsvp=rsvp)})

    page = client.get(url).content.decode()

    assert "https://www.openstreetmap.org/search?query=Strandkaien+2%2C+Bergen" in page


def test_no_map_link_without_an_address(member_client):
    gathering = GatheringFactory(address="")

    page = detail(member_client, gathering).content.decode()

    assert "openstreetmap.org" not in page


def answer_by_link(client, rsvp, answer):
    token = rsvp_module.make_token(rsvp=rsvp)
    return client.post(reverse("gatherings:rsvp", kwargs={"token": token}), {"answer": answer})


def test_calendar_link_after_answering_yes(client):
    rsvp = RsvpFactory()
    ics_url = reverse("gatherings:rsvp_ics", kwargs={"token": rsvp_module.make_token(rsvp=rsvp)})

    page = answer_by_link(client, rsvp, "yes").content.decode()

    assert f'href="{ics_url}"' in page
    assert "Add to my calendar (.ics)" in page


@pytest.mark.parametrize("answer", ["no", "maybe"])
def test_no_calendar_link_after_answering_no_or_maybe(client, answer):
    rsvp = RsvpFactory()

    page = answer_by_link(client, rsvp, answer).content.decode()

    assert "calendar.ics" not in page


def test_calendar_file_of_an_answer_link_needs_no_login(client):
    rsvp = RsvpFactory(gathering__title="Vårsamling")
    url = reverse("gatherings:rsvp_ics", kwargs={"token": rsvp_module.make_token(rsvp=rsvp)})

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    assert "METHOD:PUBLISH" in body
    assert "SUMMARY:Vårsamling" in body


def test_calendar_file_of_a_tampered_link_is_a_friendly_400(client):
    rsvp = RsvpFactory()
    token = rsvp_module.make_token(rsvp=rsvp)

    response = client.get(reverse("gatherings:rsvp_ics", kwargs={"token": token[:-3] + "abc"}))

    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()


def test_calendar_file_of_a_link_whose_answer_is_gone_is_a_friendly_400(client):
    rsvp = RsvpFactory()
    token = rsvp_module.make_token(rsvp=rsvp)
    rsvp.delete()

    response = client.get(reverse("gatherings:rsvp_ics", kwargs={"token": token}))

    assert response.status_code == 400


def test_hr_shown_an_employer_shared_with_hr_only_is_audit_logged(staff_client):
    gathering = GatheringFactory()
    member = coming_yes(
        gathering,
        user__first_name="Kari",
        user__last_name="Bakken",
        employer="Aker Solutions",
        work_visibility=Visibility.HR,
    )

    response = detail(staff_client, gathering)

    assert shown(response) == [("Kari Bakken", "Aker Solutions")]
    log = AuditLog.objects.get(action=AuditLog.Action.VIEW_HR_FIELDS)
    assert (log.detail, log.member_ids) == ("who is coming", [member.pk])


def test_members_see_an_employer_shared_with_hr_only_nowhere_and_nothing_is_logged(
    member_client,
):
    gathering = GatheringFactory()
    coming_yes(gathering, employer="Aker Solutions", work_visibility=Visibility.HR)

    response = detail(member_client, gathering)

    assert "Aker Solutions" not in response.content.decode()
    assert not AuditLog.objects.filter(action=AuditLog.Action.VIEW_HR_FIELDS).exists()


def test_agenda_table_scrolls_in_a_region_a_keyboard_can_reach(member_client):
    gathering = AgendaItemFactory().gathering

    page = detail(member_client, gathering).content.decode()

    assert '<div class="table-wrap" role="region" tabindex="0" aria-label="Agenda table">' in page


# Organiser tools on the gathering's page


def under_way(**fields):
    now = timezone.now()
    return GatheringFactory(
        start=now - timedelta(minutes=30),
        end=now + timedelta(hours=2),
        rsvp_deadline=None,
        **fields,
    )


def door_link_class(page: str, gathering) -> str:
    door = reverse("gatherings:door", kwargs={"pk": gathering.pk})
    [found] = re.findall(rf'<a class="([^"]*)" href="{door}">', page)
    return found


def test_an_organiser_finds_the_door_and_the_badges_on_the_gathering_page(
    member_client, member_user
):
    gathering = GatheringFactory()
    OrganiserFactory(gathering=gathering, member=member_user.member)

    page = detail(member_client, gathering).content.decode()

    assert 'id="organiser-tools-heading"' in page
    assert reverse("gatherings:door", kwargs={"pk": gathering.pk}) in page
    assert reverse("gatherings:badges", kwargs={"pk": gathering.pk}) in page


def test_a_member_who_does_not_organise_finds_no_door_or_badges(member_client, member_user):
    gathering = under_way()
    OrganiserFactory(gathering=gathering)  # someone else organises it

    page = detail(member_client, gathering).content.decode()

    assert 'id="organiser-tools-heading"' not in page
    assert reverse("gatherings:door", kwargs={"pk": gathering.pk}) not in page
    assert reverse("gatherings:badges", kwargs={"pk": gathering.pk}) not in page


def test_the_organiser_of_another_gathering_finds_no_door_here(member_client, member_user):
    gathering = under_way()
    OrganiserFactory(gathering=GatheringFactory(), member=member_user.member)

    page = detail(member_client, gathering).content.decode()

    assert reverse("gatherings:door", kwargs={"pk": gathering.pk}) not in page


def test_while_the_gathering_is_under_way_the_door_comes_first_and_stands_out(
    member_client, member_user
):
    gathering = under_way()
    OrganiserFactory(gathering=gathering, member=member_user.member)

    page = detail(member_client, gathering).content.decode()

    assert page.index('id="organiser-tools-heading"') < page.index('id="facts-heading"')
    assert "organiser-tools--door-day" in page
    assert door_link_class(page, gathering) == "button"


def test_before_the_day_the_organiser_tools_follow_the_agenda(member_client, member_user):
    gathering = GatheringFactory()
    OrganiserFactory(gathering=gathering, member=member_user.member)

    page = detail(member_client, gathering).content.decode()

    assert page.index('id="agenda-heading"') < page.index('id="organiser-tools-heading"')
    assert "organiser-tools--door-day" not in page
    assert door_link_class(page, gathering) == "button button--secondary"


def test_an_organiser_from_outside_the_audience_opens_the_gathering_page(
    member_client, member_user
):
    gathering = GatheringFactory(audience={"locations": ["Tromsø"]})
    OrganiserFactory(gathering=gathering, member=member_user.member)

    response = detail(member_client, gathering)

    assert response.status_code == 200
    assert reverse("gatherings:door", kwargs={"pk": gathering.pk}) in response.content.decode()


def test_outside_the_audience_without_the_role_the_gathering_page_is_not_found(member_client):
    gathering = GatheringFactory(audience={"locations": ["Tromsø"]})

    assert detail(member_client, gathering).status_code == 404


OSLO = ZoneInfo("Europe/Oslo")


@pytest.mark.parametrize(
    ("now", "status", "door_day"),
    [
        (datetime(2027, 2, 11, 0, 30, tzinfo=OSLO), "published", True),  # still the 10th in UTC
        (datetime(2027, 2, 11, 8, 0, tzinfo=OSLO), "published", True),  # that morning
        (datetime(2027, 2, 11, 17, 0, tzinfo=OSLO), "published", True),  # under way
        (datetime(2027, 2, 11, 19, 0, tzinfo=OSLO), "published", False),  # over
        (datetime(2027, 2, 10, 23, 59, tzinfo=OSLO), "published", False),  # the day before
        (datetime(2027, 2, 11, 17, 0, tzinfo=OSLO), "cancelled", False),
    ],
)
def test_door_day_is_the_gatherings_day_in_oslo_until_it_ends(now, status, door_day):
    gathering = Gathering(
        start=datetime(2027, 2, 11, 16, 0, tzinfo=OSLO),
        end=datetime(2027, 2, 11, 18, 0, tzinfo=OSLO),
        status=status,
    )

    assert gathering.is_door_day(now) is door_day
