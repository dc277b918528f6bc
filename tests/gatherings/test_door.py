"""The door: checking in by name and by code, undo, walk-ins, guests, closing check-in,
who may use it, and the page with and without htmx."""

from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from gatherings.door import checkin, joining, selectors
from gatherings.door.codes import ensure_code
from gatherings.models import Gathering, Guest, Rsvp
from invitations.models import JoinRequest

from ..factories import MemberFactory, StaffFactory
from .factories import GatheringFactory, OrganiserFactory, RsvpFactory


@pytest.fixture(autouse=True)
def in_english(settings):
    """The assertions read the English wording; the site's default language is Norwegian."""
    settings.LANGUAGE_CODE = "en"


pytestmark = pytest.mark.django_db


def door_url(gathering, name="door", **kwargs):
    return reverse(f"gatherings:{name}", kwargs={"pk": gathering.pk, **kwargs})


def confirmed(gathering, first_name="Ingrid", last_name="Hansen", **kwargs):
    return RsvpFactory(
        gathering=gathering,
        answer="yes",
        member__user__first_name=first_name,
        member__user__last_name=last_name,
        **kwargs,
    )


@pytest.fixture
def gathering():
    return GatheringFactory()


@pytest.fixture
def organiser_client(client, gathering):
    organiser = OrganiserFactory(
        gathering=gathering,
        member__user__first_name="Olav",
        member__user__last_name="Organisator",
    )
    client.force_login(organiser.member.user)
    client.user = organiser.member.user
    return client


# Checking in


def test_search_by_a_few_letters_finds_the_person_with_their_answer(gathering, staff_user):
    confirmed(gathering, "Ingrid", "Hansen")
    confirmed(gathering, "Per", "Olsen")

    found = selectors.search(gathering=gathering, query="ing", viewer=staff_user)

    assert [(f.name, f.state) for f in found] == [("Ingrid Hansen", "confirmed")]


def test_search_by_code_finds_the_person_whatever_the_case_or_dash(gathering, staff_user):
    rsvp = confirmed(gathering)
    code = ensure_code(rsvp)

    found = selectors.search(
        gathering=gathering, query=code.replace("-", "").lower(), viewer=staff_user
    )

    assert [f.rsvp_id for f in found] == [rsvp.pk]


def test_check_in_by_name_from_the_result_list(staff_client, gathering):
    rsvp = confirmed(gathering)

    response = staff_client.post(
        door_url(gathering, "door_check_in"), {"rsvp": rsvp.pk, "q": "ing"}
    )

    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is not None
    assert response.status_code == 302
    assert response["Location"] == f"{door_url(gathering)}?q=ing&undo={rsvp.pk}"


def test_check_in_by_typed_code_lower_case_without_dash(staff_client, gathering):
    rsvp = confirmed(gathering)
    code = ensure_code(rsvp)

    staff_client.post(door_url(gathering, "door_check_in"), {"code": code.lower().replace("-", "")})

    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is not None


def test_unknown_code_says_so_and_checks_nobody_in(staff_client, gathering):
    confirmed(gathering)

    response = staff_client.post(
        door_url(gathering, "door_check_in"), {"code": "AAA-AAA"}, follow=True
    )

    assert "Nobody at this gathering has that code" in response.content.decode()
    assert not Rsvp.objects.filter(checked_in_at__isnull=False).exists()


def test_checking_in_twice_is_harmless_and_says_since_when(staff_client, gathering, settings):
    settings.LANGUAGE_CODE = "en"
    rsvp = confirmed(gathering)
    arrived = datetime(2026, 6, 1, 16, 4, tzinfo=UTC)
    Rsvp.objects.filter(pk=rsvp.pk).update(checked_in_at=arrived, checked_in_by=None)

    response = staff_client.post(
        door_url(gathering, "door_check_in"),
        {"rsvp": rsvp.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )

    rsvp.refresh_from_db()
    assert rsvp.checked_in_at == arrived  # the first check-in stands
    # 16:04 UTC is 18:04 in Oslo in summer.
    assert "Ingrid Hansen is already here, since 18:04." in response.content.decode()


def test_check_in_never_touches_the_answer_or_the_seats(gathering, staff_user):
    rsvp = confirmed(gathering)
    seats = Gathering.objects.get(pk=gathering.pk).seats_taken

    checkin.check_in(rsvp=rsvp, by=staff_user)

    rsvp.refresh_from_db()
    assert (rsvp.answer, rsvp.waitlist_position) == ("yes", None)
    assert Gathering.objects.get(pk=gathering.pk).seats_taken == seats


# Undo


def test_undo_within_the_window_undoes_the_check_in(staff_client, gathering, staff_user):
    rsvp = confirmed(gathering)
    result = checkin.check_in(rsvp=rsvp, by=staff_user)

    staff_client.post(
        door_url(gathering, "door_undo"), {"rsvp": rsvp.pk, "at": result.at.isoformat()}
    )

    rsvp.refresh_from_db()
    assert (rsvp.checked_in_at, rsvp.checked_in_by) == (None, None)


def test_undo_after_the_window_is_refused(gathering, staff_user):
    rsvp = confirmed(gathering)
    at = timezone.now() - checkin.UNDO_WINDOW - timedelta(seconds=1)
    checkin.check_in(rsvp=rsvp, by=staff_user, now=at)

    undone = checkin.undo_check_in(rsvp=rsvp, at=at)

    rsvp.refresh_from_db()
    assert (undone, rsvp.checked_in_at) == (False, at)


def test_undo_after_the_window_says_too_late(staff_client, gathering, staff_user):
    rsvp = confirmed(gathering)
    at = timezone.now() - timedelta(minutes=5)
    checkin.check_in(rsvp=rsvp, by=staff_user, now=at)

    response = staff_client.post(
        door_url(gathering, "door_undo"), {"rsvp": rsvp.pk, "at": at.isoformat()}, follow=True
    )

    assert "Too late to undo" in response.content.decode()
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at == at


def test_undo_does_not_remove_a_later_check_in_or_one_not_made_at_the_door(gathering, staff_user):
    rsvp = confirmed(gathering)
    now = timezone.now()
    first = now - timedelta(seconds=10)
    # Undone by one phone, checked in again by the other: the first Undo is spent.
    checkin.check_in(rsvp=rsvp, by=staff_user, now=now)
    assert not checkin.undo_check_in(rsvp=rsvp, at=first)
    other = confirmed(gathering, "Per", "Olsen")
    Rsvp.objects.filter(pk=other.pk).update(checked_in_at=now, checked_in_by=None)
    assert not checkin.undo_check_in(rsvp=other, at=now)


# Walk-ins


def test_a_member_of_the_audience_without_an_answer_walks_in(staff_client, gathering, staff_user):
    member = MemberFactory(user__first_name="Kari", user__last_name="Walker")

    found = selectors.search(gathering=gathering, query="kar", viewer=staff_user)
    assert [(f.name, f.state, f.walk_in) for f in found] == [("Kari Walker", "walk_in", True)]

    staff_client.post(door_url(gathering, "door_check_in"), {"member": member.pk})

    rsvp = Rsvp.objects.get(gathering=gathering, member=member)
    assert rsvp.checked_in_at is not None
    assert (rsvp.answer, rsvp.waitlist_position) == ("", None)  # no seat taken
    assert selectors.door_counts(gathering=gathering).walk_ins == 1


def test_a_walk_in_twice_keeps_one_answer_row(gathering, staff_user):
    member = MemberFactory()

    checkin.check_in_walk_in(gathering=gathering, member=member, by=staff_user)
    second = checkin.check_in_walk_in(gathering=gathering, member=member, by=staff_user)

    assert second.new is False
    assert Rsvp.objects.filter(gathering=gathering, member=member).count() == 1


def test_someone_who_said_no_is_marked_walk_in(gathering, staff_user):
    RsvpFactory(gathering=gathering, answer="no", member__user__first_name="Nils")

    [found] = selectors.search(gathering=gathering, query="nil", viewer=staff_user)

    assert (found.state, found.walk_in) == ("walk_in", True)


def test_a_member_outside_the_audience_cannot_walk_in(staff_client):
    gathering = GatheringFactory(audience={"locations": ["Bergen"]})
    outsider = MemberFactory(location="Oslo")

    response = staff_client.post(door_url(gathering, "door_check_in"), {"member": outsider.pk})

    assert response.status_code == 404
    assert not Rsvp.objects.filter(member=outsider).exists()


def test_members_who_left_the_directory_are_not_found_by_other_members(organiser_client, gathering):
    MemberFactory(user__first_name="Skjult", in_directory=False)
    MemberFactory(user__first_name="Synlig")

    found = selectors.search(gathering=gathering, query="sk", viewer=organiser_client.user)

    assert found == []


# Guests


def test_register_a_guest_checks_them_in(organiser_client, gathering):
    response = organiser_client.post(
        door_url(gathering, "door_guest"),
        {"name": "Mona Gjest", "email": "Mona@Example.org", "employer": "Equinor"},
    )

    assert response.status_code == 302
    guest = Guest.objects.get(gathering=gathering)
    assert (guest.name, guest.employer, guest.checked_in_by) == (
        "Mona Gjest",
        "Equinor",
        organiser_client.user,
    )
    assert selectors.door_counts(gathering=gathering).guests == 1


def test_the_same_guest_email_twice_is_a_clear_form_error(organiser_client, gathering):
    Guest.objects.create(gathering=gathering, name="Mona Gjest", email="mona@example.org")

    response = organiser_client.post(
        door_url(gathering, "door_guest"), {"name": "Mona G.", "email": "MONA@example.org"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [
        "A guest with this email address is already registered for this gathering."
    ]
    assert Guest.objects.count() == 1


def test_a_guest_lost_race_is_reported_not_a_500(gathering, staff_user):
    checkin.register_guest(gathering=gathering, name="A", email="a@example.org", by=staff_user)

    with pytest.raises(checkin.GuestAlreadyRegistered):
        checkin.register_guest(gathering=gathering, name="A", email="A@EXAMPLE.ORG", by=staff_user)


def test_hr_invites_a_guest_to_join_with_a_join_invitation_through_the_outbox(
    staff_client, gathering, sent
):
    guest = Guest.objects.create(gathering=gathering, name="Mona Gjest", email="mona@example.org")

    def invite():
        staff_client.post(door_url(gathering, "door_guest_invite", guest_pk=guest.pk))

    messages = sent(invite)

    guest.refresh_from_db()
    assert guest.invited_to_join_at is not None
    assert JoinRequest.objects.get(email="mona@example.org").status == "approved"
    join = [m for m in messages if m.to == ["mona@example.org"]]
    assert len(join) == 1
    assert "/join/" in join[0].body


def test_an_organiser_inviting_a_guest_asks_hr(organiser_client, gathering):
    guest = Guest.objects.create(gathering=gathering, name="Mona Gjest", email="mona@example.org")

    organiser_client.post(door_url(gathering, "door_guest_invite", guest_pk=guest.pk))

    guest.refresh_from_db()
    assert guest.invited_to_join_at is not None
    assert JoinRequest.objects.get(email="mona@example.org").status == "pending"
    assert not OutboxEmail.objects.filter(kind="join_invitation").exists()


def test_inviting_a_guest_twice_asks_once(gathering, staff_user):
    guest = Guest.objects.create(gathering=gathering, name="Mona Gjest", email="mona@example.org")

    first = joining.invite_guest_to_join(guest=guest, user=staff_user)
    second = joining.invite_guest_to_join(guest=guest, user=staff_user)

    assert (first, second) == (True, False)
    assert JoinRequest.objects.count() == 1


def test_guest_pages_never_show_email_addresses(organiser_client, gathering):
    Guest.objects.create(gathering=gathering, name="Mona Gjest", email="mona@example.org")
    confirmed(gathering)

    pages = [
        organiser_client.get(door_url(gathering, "door_guests")).content.decode(),
        organiser_client.get(door_url(gathering), {"q": "in"}).content.decode(),
    ]

    assert all("@" not in page.split("<main", 1)[1].split("</main>")[0] for page in pages)


# Closing check-in


def test_closing_check_in_generates_the_networking_tasks(staff_client, gathering):
    with mock.patch("gatherings.door.checkin.generate_tasks") as generate:
        staff_client.post(door_url(gathering, "door_close"), {"action": "close"})

    gathering.refresh_from_db()
    assert gathering.check_in_closed_at is not None
    generate.assert_called_once_with(gathering=mock.ANY)
    assert generate.call_args.kwargs["gathering"].pk == gathering.pk


def test_closing_check_in_makes_real_tasks_from_who_is_here(gathering, staff_user):
    for first in ("Ada", "Bo", "Cato", "Dina"):
        checkin.check_in(rsvp=confirmed(gathering, first, "Nordmann"), by=staff_user)

    checkin.close_check_in(gathering=gathering)

    assert gathering.networking_tasks.count() == 4


def test_check_in_stays_open_if_the_tasks_cannot_be_made(gathering):
    with (
        mock.patch("gatherings.door.checkin.generate_tasks", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        checkin.close_check_in(gathering=gathering)

    gathering.refresh_from_db()
    assert gathering.check_in_closed_at is None


def test_closed_check_in_refuses_check_ins_until_reopened(staff_client, gathering):
    rsvp = confirmed(gathering)
    Gathering.objects.filter(pk=gathering.pk).update(check_in_closed_at=timezone.now())

    response = staff_client.post(
        door_url(gathering, "door_check_in"), {"rsvp": rsvp.pk}, follow=True
    )
    assert "Check-in is closed" in response.content.decode()
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None

    staff_client.post(door_url(gathering, "door_close"), {"action": "reopen"})
    staff_client.post(door_url(gathering, "door_check_in"), {"rsvp": rsvp.pk})
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is not None


def test_close_from_the_hr_page_goes_back_there(staff_client, gathering):
    back = reverse("hr_gatherings:detail", kwargs={"pk": gathering.pk})
    with mock.patch("gatherings.door.checkin.generate_tasks"):
        response = staff_client.post(
            door_url(gathering, "door_close"), {"action": "close", "next": back}
        )

    assert response["Location"] == back


# Who may use the door


def test_anonymous_is_sent_to_log_in(client, gathering):
    response = client.get(door_url(gathering))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_a_member_gets_403(member_client, gathering):
    assert member_client.get(door_url(gathering)).status_code == 403
    rsvp = confirmed(gathering)
    assert (
        member_client.post(door_url(gathering, "door_check_in"), {"rsvp": rsvp.pk}).status_code
        == 403
    )


def test_the_organiser_of_another_gathering_gets_403(client, gathering):
    other = OrganiserFactory()
    client.force_login(other.member.user)

    assert client.get(door_url(gathering)).status_code == 403
    assert client.post(door_url(gathering, "door_close"), {"action": "close"}).status_code == 403


def test_the_organiser_of_this_gathering_checks_people_in(organiser_client, gathering):
    rsvp = confirmed(gathering)

    assert organiser_client.get(door_url(gathering)).status_code == 200
    organiser_client.post(door_url(gathering, "door_check_in"), {"rsvp": rsvp.pk})

    rsvp.refresh_from_db()
    assert rsvp.checked_in_by == organiser_client.user


def test_an_answer_of_another_gathering_cannot_be_checked_in_here(staff_client, gathering):
    elsewhere = confirmed(GatheringFactory())

    response = staff_client.post(door_url(gathering, "door_check_in"), {"rsvp": elsewhere.pk})

    assert response.status_code == 404


# The page, with and without htmx


def test_without_javascript_search_is_a_get_and_lists_people_with_a_form_each(
    staff_client, gathering
):
    rsvp = confirmed(gathering)

    page = staff_client.get(door_url(gathering), {"q": "han"}).content.decode()

    assert 'method="get"' in page
    assert f'name="rsvp" value="{rsvp.pk}"' in page
    assert 'id="door-count"' in page


def test_without_javascript_the_undo_button_follows_the_redirect(staff_client, gathering):
    rsvp = confirmed(gathering)

    response = staff_client.post(
        door_url(gathering, "door_check_in"), {"rsvp": rsvp.pk}, follow=True
    )

    page = response.content.decode()
    assert "Ingrid Hansen" in page
    assert reverse("gatherings:door_undo", kwargs={"pk": gathering.pk}) in page


def test_with_htmx_a_check_in_swaps_only_the_result_area_and_the_count(staff_client, gathering):
    rsvp = confirmed(gathering)

    response = staff_client.post(
        door_url(gathering, "door_check_in"),
        {"rsvp": rsvp.pk, "q": "ing"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="door-result-area",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="door-result-area"')
    assert "<html" not in page
    assert 'id="door-count"' in page and 'data-hx-swap-oob="true"' in page
    assert "Ingrid Hansen is checked in." in page
    assert reverse("gatherings:door_undo", kwargs={"pk": gathering.pk}) in page


def test_with_htmx_search_swaps_only_the_results(staff_client, gathering):
    confirmed(gathering)

    response = staff_client.get(
        door_url(gathering), {"q": "ing"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="door-results"
    )

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="door-results"')
    assert "Ingrid Hansen" in page


class CheckInButtons(HTMLParser):
    """(accessible name, visible text) of each person's check-in button on the door page."""

    def __init__(self):
        super().__init__()
        self.buttons: list[list[str]] = []
        self._in_button = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "button" and "door-person__button" in attrs.get("class", ""):
            self._in_button = True
            self.buttons.append([attrs.get("aria-label", ""), ""])

    def handle_endtag(self, tag):
        if tag == "button":
            self._in_button = False

    def handle_data(self, data):
        if self._in_button:
            self.buttons[-1][1] += data


def check_in_buttons(response) -> list[tuple[str, str]]:
    parser = CheckInButtons()
    parser.feed(response.content.decode())
    return [(name, text.strip()) for name, text in parser.buttons]


def test_check_in_button_is_named_with_the_person_and_no_stray_punctuation(staff_client, gathering):
    confirmed(gathering, "Kari", "Nordmann")

    response = staff_client.get(door_url(gathering), {"q": "kari"})

    assert check_in_buttons(response) == [("Check in Kari Nordmann", "Check in")]


def test_walk_in_button_is_named_with_the_person(staff_client, gathering):
    MemberFactory(user__first_name="Kari", user__last_name="Walker")

    response = staff_client.get(door_url(gathering), {"q": "kari"})

    assert check_in_buttons(response) == [
        ("Check in as walk-in, Kari Walker", "Check in as walk-in")
    ]
    # The visible words start the name, for those who speak to their browser.
    assert all(name.startswith(text) for name, text in check_in_buttons(response))


def test_the_count_shows_arrived_against_confirmed(staff_client, gathering, staff_user):
    checkin.check_in(rsvp=confirmed(gathering), by=staff_user)
    confirmed(gathering, "Per", "Olsen")

    response = staff_client.get(door_url(gathering, "door_count"), HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="door-count"')
    assert '<span class="door-count__figure">1</span> / 2' in page


@pytest.mark.parametrize("people", [1, 10])
def test_the_door_page_queries_stay_flat(
    staff_client, gathering, people, django_assert_num_queries
):
    for n in range(people):
        confirmed(gathering, f"Inga{n}", "Hansen")
        MemberFactory(user__first_name=f"Ingeborg{n}")

    staff_client.get("/")  # the session's first reads are not the page's
    # Session, user, gathering, answers, walk-in candidates, the asker's member, two counts.
    with django_assert_num_queries(8):
        response = staff_client.get(door_url(gathering), {"q": "ing"})

    assert response.status_code == 200


def test_hr_gathering_page_shows_the_door_panel(staff_client, gathering, staff_user):
    checkin.check_in(rsvp=confirmed(gathering), by=staff_user)

    page = staff_client.get(reverse("hr_gatherings:detail", kwargs={"pk": gathering.pk}))

    html = page.content.decode()
    assert 'id="door-heading"' in html
    assert door_url(gathering) in html


def test_attendees_page_links_to_the_door(staff_client, gathering):
    page = staff_client.get(reverse("gatherings:attendees", kwargs={"pk": gathering.pk}))

    assert door_url(gathering) in page.content.decode()


def test_hr_finds_members_who_left_the_directory():
    staff = StaffFactory()
    MemberFactory(user__first_name="Skjult", in_directory=False)
    gathering = GatheringFactory()

    found = selectors.search(gathering=gathering, query="skj", viewer=staff)

    assert [f.name.split()[0] for f in found] == ["Skjult"]


# Every door URL, for every role, to a GET and to an empty POST


def door_urls(gathering):
    guest = Guest.objects.create(gathering=gathering, name="Gjest", email="gjest@example.org")
    return {
        name: door_url(gathering, name, **({"guest_pk": guest.pk} if "invite" in name else {}))
        for name in (
            "door",
            "door_count",
            "door_check_in",
            "door_undo",
            "door_guest",
            "door_guests",
            "door_guest_invite",
            "door_close",
        )
    }


@pytest.mark.parametrize(
    ("role", "get_answer"),
    [("anonymous", 302), ("member", 403), ("other_organiser", 403)],
)
def test_every_door_url_refuses_those_without_the_right(client, gathering, role, get_answer):
    if role == "member":
        client.force_login(MemberFactory().user)
    elif role == "other_organiser":
        client.force_login(OrganiserFactory().member.user)

    for url in door_urls(gathering).values():
        assert client.get(url).status_code == get_answer, url
        assert client.post(url).status_code == get_answer, url
    assert not Rsvp.objects.filter(checked_in_at__isnull=False).exists()
    gathering.refresh_from_db()
    assert gathering.check_in_closed_at is None


def test_every_door_url_answers_the_organiser(organiser_client, gathering):
    urls = door_urls(gathering)
    with mock.patch("gatherings.door.checkin.generate_tasks"):
        answers = {
            name: (organiser_client.get(url).status_code, organiser_client.post(url).status_code)
            for name, url in urls.items()
        }

    assert answers == {
        "door": (200, 405),
        "door_count": (200, 405),
        "door_check_in": (405, 302),
        "door_undo": (405, 404),
        "door_guest": (200, 400),
        "door_guests": (200, 405),
        "door_guest_invite": (405, 302),
        "door_close": (405, 302),
    }
