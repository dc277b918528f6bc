"""Connections: ticking who you talked to, the attendee list, and the people you have met."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gatherings.aftermath import connections
from gatherings.models import Connection

from ..factories import MemberFactory
from .factories import GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    """Pages in English, whatever translations the catalogue has."""
    settings.LANGUAGE_CODE = "en"


def past_gathering(**kwargs):
    start = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    return GatheringFactory(
        start=start, end=start + timedelta(hours=3), rsvp_deadline=None, **kwargs
    )


def came(gathering, member=None, **kwargs):
    """A confirmed attendee who was checked in."""
    rsvp = RsvpFactory(
        gathering=gathering,
        answer="yes",
        checked_in_at=gathering.start,
        **({"member": member} if member else {}),
        **kwargs,
    )
    return rsvp.member


def pairs(gathering):
    return sorted(
        Connection.objects.filter(gathering=gathering).values_list("member_low", "member_high")
    )


def record_url(gathering):
    return reverse("gatherings:record_connections", kwargs={"pk": gathering.pk})


def test_recording_stores_each_pair_once_lower_id_first(member_client, member_user):
    gathering = past_gathering()
    me = came(gathering, member_user.member)
    kari, ola = came(gathering), came(gathering)

    response = member_client.post(record_url(gathering), {"person": [kari.pk, ola.pk]})

    assert response.status_code == 302
    assert pairs(gathering) == sorted(
        [tuple(sorted((me.pk, kari.pk))), tuple(sorted((me.pk, ola.pk)))]
    )
    assert set(Connection.objects.values_list("recorded_by", flat=True)) == {me.pk}


def test_recording_twice_or_from_both_sides_keeps_one_row():
    gathering = past_gathering()
    kari, ola = came(gathering), came(gathering)

    connections.record_connections(gathering=gathering, member=kari, person_ids=[ola.pk])
    connections.record_connections(gathering=gathering, member=kari, person_ids=[ola.pk])
    again = connections.record_connections(gathering=gathering, member=ola, person_ids=[kari.pk])

    assert again.added == 0
    assert Connection.objects.count() == 1


def test_recording_ignores_yourself_and_people_who_were_not_there():
    gathering = past_gathering()
    kari = came(gathering)
    said_yes_but_stayed_home = RsvpFactory(gathering=gathering, answer="yes").member
    never_invited = MemberFactory()

    result = connections.record_connections(
        gathering=gathering,
        member=kari,
        person_ids=[kari.pk, said_yes_but_stayed_home.pk, never_invited.pk],
    )

    assert result.added == 0
    assert result.refused == {kari.pk, said_yes_but_stayed_home.pk, never_invited.pk}
    assert Connection.objects.count() == 0


def test_someone_not_checked_in_may_not_record(member_client, member_user):
    gathering = past_gathering()
    RsvpFactory(gathering=gathering, member=member_user.member, answer="yes")
    kari = came(gathering)

    response = member_client.post(record_url(gathering), {"person": [kari.pk]})

    assert response.status_code == 403
    assert Connection.objects.count() == 0


def test_recording_before_the_gathering_starts_is_refused(member_client, member_user):
    gathering = GatheringFactory()
    came(gathering, member_user.member)
    kari = came(gathering)

    response = member_client.post(record_url(gathering), {"person": [kari.pk]})

    assert response.status_code == 403


def test_next_goes_back_to_a_local_page(member_client, member_user):
    gathering = past_gathering()
    came(gathering, member_user.member)
    kari = came(gathering)
    back = reverse("gatherings:detail", kwargs={"pk": gathering.pk}) + "?task=1"

    response = member_client.post(record_url(gathering), {"person": [kari.pk], "next": back})

    assert response["Location"] == back


@pytest.mark.parametrize(
    "target", ["https://evil.example/steal", "//evil.example/", "javascript:alert(1)"]
)
def test_next_is_not_an_open_redirect(member_client, member_user, target):
    gathering = past_gathering()
    came(gathering, member_user.member)

    response = member_client.post(record_url(gathering), {"next": target})

    assert response["Location"] == (
        reverse("gatherings:detail", kwargs={"pk": gathering.pk}) + "#met-people"
    )


def test_unticking_removes_only_what_this_member_recorded(member_client, member_user):
    gathering = past_gathering()
    me = came(gathering, member_user.member)
    kari, ola = came(gathering), came(gathering)
    connections.record_connections(gathering=gathering, member=me, person_ids=[kari.pk])
    connections.record_connections(gathering=gathering, member=ola, person_ids=[me.pk])

    # The form listed both and nobody is ticked now.
    member_client.post(record_url(gathering), {"shown": [kari.pk, ola.pk]})

    assert pairs(gathering) == [tuple(sorted((me.pk, ola.pk)))]


def test_a_task_card_post_only_adds(member_client, member_user):
    gathering = past_gathering()
    me = came(gathering, member_user.member)
    kari, ola = came(gathering), came(gathering)
    connections.record_connections(gathering=gathering, member=me, person_ids=[kari.pk])

    member_client.post(record_url(gathering), {"person": [ola.pk]})

    assert len(pairs(gathering)) == 2


def test_unticking_keeps_the_connection_of_another_gathering(member_client, member_user):
    earlier, gathering = past_gathering(), past_gathering()
    me = came(earlier, member_user.member)
    came(gathering, me)
    kari = came(earlier)
    came(gathering, kari)
    connections.record_connections(gathering=earlier, member=me, person_ids=[kari.pk])
    connections.record_connections(gathering=gathering, member=me, person_ids=[kari.pk])

    member_client.post(record_url(gathering), {"shown": [kari.pk]})

    assert list(Connection.objects.values_list("gathering", flat=True)) == [earlier.pk]


def test_htmx_post_answers_with_the_updated_list(member_client, member_user):
    gathering = past_gathering()
    came(gathering, member_user.member)
    kari = came(gathering)

    response = member_client.post(
        record_url(gathering),
        {"person": [kari.pk], "shown": [kari.pk]},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="met-people"' in html
    assert f'value="{kari.pk}" id="met-person-{kari.pk}" checked' in html
    assert "1 new connection recorded." in html


def test_attendee_list_shows_checked_in_people_in_the_directory(member_client, member_user):
    gathering = past_gathering()
    came(gathering, member_user.member)
    kari = came(gathering, MemberFactory(user__first_name="Kari", user__last_name="Nordmann"))
    came(gathering, MemberFactory(user__first_name="Skjult", in_directory=False))
    RsvpFactory(gathering=gathering, answer="yes", member__user__first_name="Hjemme")
    connections.record_connections(
        gathering=gathering, member=member_user.member, person_ids=[kari.pk]
    )

    response = member_client.get(reverse("gatherings:detail", kwargs={"pk": gathering.pk}))

    html = response.content.decode()
    assert "Who did you talk to?" in html
    assert "Kari Nordmann" in html
    assert "Skjult" not in html and "Hjemme" not in html
    assert f'id="met-person-{kari.pk}" checked' in html


def test_attendee_list_says_who_recorded_a_connection_made_by_the_other(member_client, member_user):
    gathering = past_gathering()
    me = came(gathering, member_user.member)
    kari = came(gathering)
    connections.record_connections(gathering=gathering, member=kari, person_ids=[me.pk])

    response = member_client.get(reverse("gatherings:detail", kwargs={"pk": gathering.pk}))

    assert response.content.decode().count("They recorded talking to you") == 1


def test_attendee_list_shows_employer_only_as_the_person_allows(member_client, member_user):
    from ..factories import OrganisationFactory

    gathering = past_gathering()
    came(gathering, member_user.member)
    employer = OrganisationFactory(name="Hemmelig Arbeidsgiver AS")
    came(gathering, MemberFactory(employer=employer, work_visibility="hr"))

    response = member_client.get(reverse("gatherings:detail", kwargs={"pk": gathering.pk}))

    assert "Hemmelig Arbeidsgiver AS" not in response.content.decode()


def test_attendee_list_is_not_shown_to_someone_who_did_not_come(member_client, member_user):
    gathering = past_gathering()
    RsvpFactory(gathering=gathering, member=member_user.member, answer="yes")
    came(gathering)

    response = member_client.get(reverse("gatherings:detail", kwargs={"pk": gathering.pk}))

    assert "Who did you talk to?" not in response.content.decode()


def test_my_connections_lists_where_we_met(member_client, member_user):
    gathering = past_gathering(title="Høstsamling i Bergen")
    me = came(gathering, member_user.member)
    kari = came(gathering, MemberFactory(user__first_name="Kari", user__last_name="Nordmann"))
    connections.record_connections(gathering=gathering, member=kari, person_ids=[me.pk])

    response = member_client.get(reverse("gatherings:connections"))

    html = response.content.decode()
    assert "Kari Nordmann" in html
    assert "Met at Høstsamling i Bergen" in html


def test_my_connections_respects_privacy(member_client, member_user):
    from ..factories import OrganisationFactory

    gathering = past_gathering()
    me = came(gathering, member_user.member)
    private = came(
        gathering,
        MemberFactory(
            user__first_name="Privat",
            employer=OrganisationFactory(name="Skjult Firma AS"),
            work_visibility="me",
            history_visibility="me",
        ),
    )
    gone = came(gathering, MemberFactory(user__first_name="Borte", in_directory=False))
    connections.record_connections(gathering=gathering, member=me, person_ids=[private.pk, gone.pk])
    gone.in_directory = False
    gone.save()

    response = member_client.get(reverse("gatherings:connections"))

    html = response.content.decode()
    assert "Privat" in html
    assert "Skjult Firma AS" not in html
    assert "Borte" not in html
    assert "A member who left the directory" in html


def test_remove_forgets_the_pair_at_every_gathering(member_client, member_user):
    earlier, later = past_gathering(), past_gathering()
    me = member_user.member
    kari, ola = MemberFactory(), MemberFactory()
    for gathering in (earlier, later):
        for person in (me, kari, ola):
            came(gathering, person)
        connections.record_connections(gathering=gathering, member=kari, person_ids=[me.pk, ola.pk])

    response = member_client.post(
        reverse("gatherings:connection_remove", kwargs={"member_pk": kari.pk})
    )

    assert response.status_code == 302
    assert connections.people_met(member=me, viewer=member_user) == []
    assert Connection.objects.count() == 2  # Kari and Ola's stay


def test_remove_needs_post(member_client, member_user):
    response = member_client.get(reverse("gatherings:connection_remove", kwargs={"member_pk": 1}))

    assert response.status_code == 405


def test_pages_need_a_member(staff_client):
    gathering = past_gathering()

    assert staff_client.get(reverse("gatherings:connections")).status_code == 403
    assert staff_client.post(record_url(gathering)).status_code == 403


@pytest.mark.parametrize("people", (1, 5))
def test_my_connections_page_has_flat_queries(
    member_client, member_user, people, django_assert_max_num_queries
):
    gathering = past_gathering()
    me = came(gathering, member_user.member)
    others = [came(gathering) for _ in range(people)]
    connections.record_connections(
        gathering=gathering, member=me, person_ids=[o.pk for o in others]
    )

    with django_assert_max_num_queries(6):
        response = member_client.get(reverse("gatherings:connections"))

    assert response.status_code == 200


def _queries_of(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_gathering_page_queries_do_not_grow_with_attendees(member_client, member_user):
    small, large = past_gathering(), past_gathering()
    for gathering, people in ((small, 1), (large, 8)):
        me = came(gathering, member_user.member)
        others = [came(gathering) for _ in range(people)]
        connections.record_connections(
            gathering=gathering, member=me, person_ids=[o.pk for o in others]
        )

    counts = [
        _queries_of(member_client, reverse("gatherings:detail", kwargs={"pk": g.pk}))
        for g in (small, large)
    ]

    assert counts[0] == counts[1]
