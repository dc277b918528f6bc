"""Networking tasks against the database: who is picked and why, shrinking, seen tasks, pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gatherings.models import Connection, NetworkingPick, NetworkingTask
from gatherings.networking import selectors
from gatherings.networking.generation import generate_tasks
from gatherings.networking.reasons import reason_text
from members.models import Visibility

from ..factories import MemberFactory, StaffFactory
from ..invitations.factories import LeaverFactory
from .factories import GatheringFactory, OrganiserFactory, RsvpFactory


@pytest.fixture(autouse=True)
def in_english(settings):
    """The assertions read the English wording; the site's default language is Norwegian."""
    settings.LANGUAGE_CODE = "en"


pytestmark = pytest.mark.django_db


def attend(gathering, *, checked_in=False, **member_fields):
    """A confirmed attendee (checked in if asked) with the given profile."""
    member = MemberFactory(**member_fields)
    RsvpFactory(
        gathering=gathering,
        member=member,
        answer="yes",
        checked_in_at=timezone.now() if checked_in else None,
    )
    return member


def picks_of(gathering, member):
    return list(
        NetworkingPick.objects.filter(task__gathering=gathering, task__member=member)
        .select_related("met_at")
        .order_by("order")
    )


def connect(a, b, gathering):
    low, high = sorted([a.pk, b.pk])
    return Connection.objects.create(member_low_id=low, member_high_id=high, gathering=gathering)


def test_colleagues_from_the_profile_are_old_with_department_and_years():
    gathering = GatheringFactory(task_old_count=1, task_new_count=0)
    anne = attend(gathering, departments="Revisjon, Drift", started_year=2005, left_year=2011)
    bjorn = attend(gathering, departments="revisjon", started_year=2008, left_year=2015)

    generate_tasks(gathering=gathering)

    [pick] = picks_of(gathering, anne)
    assert (pick.person_id, pick.kind, pick.reason) == (bjorn.pk, "old", "worked_together")
    assert (pick.department, pick.overlap_from, pick.overlap_to) == ("revisjon", 2008, 2011)
    assert reason_text(pick) == "You both worked in revisjon 2008–2011"


def test_the_register_row_wins_over_the_profile():
    gathering = GatheringFactory(task_old_count=1, task_new_count=1)
    kari = attend(gathering, departments="Salg", started_year=2000, left_year=2020)
    ola = attend(gathering, departments="Salg", started_year=2000, left_year=2020)
    LeaverFactory(
        member=kari, department="Boring", hired_on=date(2001, 3, 1), left_on=date(2004, 6, 30)
    )

    generate_tasks(gathering=gathering)

    [pick] = picks_of(gathering, kari)
    assert (pick.person_id, pick.kind) == (ola.pk, "new")


def test_hidden_history_is_not_stored_in_the_pick():
    gathering = GatheringFactory(task_old_count=1, task_new_count=0)
    anne = attend(gathering, departments="Drift", started_year=2005, left_year=2011)
    attend(
        gathering,
        departments="Drift",
        started_year=2008,
        left_year=2015,
        history_visibility=Visibility.HR,
    )

    generate_tasks(gathering=gathering)

    [pick] = picks_of(gathering, anne)
    assert (pick.reason, pick.department, pick.overlap_from, pick.overlap_to) == (
        "worked_together",
        "",
        None,
        None,
    )
    assert reason_text(pick) == "You were colleagues"


def test_people_met_at_an_earlier_gathering_are_old_and_this_gathering_does_not_count():
    earlier = GatheringFactory(title="Vårsamling", start=timezone.now() - timedelta(days=90))
    gathering = GatheringFactory(task_old_count=1, task_new_count=1)
    anne, bjorn, cecilie = (attend(gathering) for _ in range(3))
    connect(anne, bjorn, earlier)
    connect(anne, cecilie, gathering)

    generate_tasks(gathering=gathering)

    picks = {pick.kind: pick for pick in picks_of(gathering, anne)}
    assert (picks["old"].person_id, picks["old"].reason) == (bjorn.pk, "met_before")
    assert picks["old"].met_at == earlier
    assert reason_text(picks["old"]) == "You met at Vårsamling"
    assert (picks["new"].person_id, picks["new"].reason) == (cecilie.pk, "never_met")
    assert reason_text(picks["new"]) == "You have not met before"


def test_checked_in_attendees_replace_the_confirmed_once_anyone_is_here():
    gathering = GatheringFactory()
    here = attend(gathering, checked_in=True)
    attend(gathering)  # confirmed, not (yet) here
    RsvpFactory(gathering=gathering, answer="yes", waitlist_position=1)

    result = generate_tasks(gathering=gathering)

    assert result.tasks == 1
    assert list(NetworkingTask.objects.values_list("member_id", flat=True)) == [here.pk]


def test_confirmed_attendees_get_tasks_before_the_doors_open():
    gathering = GatheringFactory()
    members = {attend(gathering).pk for _ in range(3)}
    RsvpFactory(gathering=gathering, answer="maybe")
    RsvpFactory(gathering=gathering, answer="yes", waitlist_position=1)

    generate_tasks(gathering=gathering)

    assert set(NetworkingTask.objects.values_list("member_id", flat=True)) == members


@pytest.mark.parametrize("attendees", [0, 1])
def test_too_few_attendees_is_never_an_error(attendees):
    gathering = GatheringFactory()
    for _ in range(attendees):
        attend(gathering)

    result = generate_tasks(gathering=gathering)

    assert (result.tasks, result.picks, result.shrunk) == (attendees, 0, attendees)


def test_a_task_shrinks_and_says_so():
    gathering = GatheringFactory(
        start=timezone.now() - timedelta(hours=1), task_old_count=3, task_new_count=2
    )
    anne = attend(gathering, departments="Drift", started_year=2005, left_year=2011)
    attend(gathering, departments="Drift", started_year=2006, left_year=2009)
    attend(gathering)

    result = generate_tasks(gathering=gathering)

    assert result.shrunk == 3
    card = selectors.task_card(gathering=gathering, member=anne, viewer=anne.user)
    assert (len(card.old), len(card.new)) == (1, 1)
    assert card.notes == [
        "Only 1 old acquaintance of yours is here today.",
        "Only 1 person here today is new to you.",
        "So your task is shorter than usual.",
    ]


def test_members_out_of_the_directory_get_a_task_but_are_never_picked():
    gathering = GatheringFactory(task_old_count=0, task_new_count=5)
    hidden = attend(gathering, in_directory=False)
    others = [attend(gathering) for _ in range(3)]

    generate_tasks(gathering=gathering)

    assert len(picks_of(gathering, hidden)) == 3
    assert hidden.pk not in set(NetworkingPick.objects.values_list("person_id", flat=True))
    assert all(len(picks_of(gathering, other)) == 2 for other in others)


def test_the_same_seed_gives_the_same_tasks():
    gathering = GatheringFactory()
    for _ in range(12):
        attend(gathering)

    def snapshot():
        return list(
            NetworkingPick.objects.order_by("task__member_id", "order").values_list(
                "task__member_id", "person_id", "kind"
            )
        )

    generate_tasks(gathering=gathering)
    first = snapshot()
    generate_tasks(gathering=gathering)

    assert snapshot() == first


def test_a_seen_task_keeps_its_people_who_are_still_here():
    gathering = GatheringFactory(task_old_count=0, task_new_count=3)
    anne = attend(gathering, checked_in=True)
    others = [attend(gathering, checked_in=True) for _ in range(5)]
    generate_tasks(gathering=gathering)
    seen_at = timezone.now()
    NetworkingTask.objects.filter(member=anne).update(seen_at=seen_at)
    before = [pick.person_id for pick in picks_of(gathering, anne)]
    left = next(member for member in others if member.pk == before[0])
    left.rsvps.update(checked_in_at=None)
    attend(gathering, checked_in=True)

    generate_tasks(gathering=gathering)

    after = [pick.person_id for pick in picks_of(gathering, anne)]
    assert after[:2] == before[1:]
    assert len(after) == 3 and left.pk not in after
    task = NetworkingTask.objects.get(member=anne)
    assert task.seen_at == seen_at
    assert not NetworkingTask.objects.filter(member=left).exists()


def test_generation_queries_do_not_grow_with_attendees(django_assert_max_num_queries):
    gathering = GatheringFactory()
    for i in range(30):
        attend(gathering, departments=f"Avdeling {i % 6}", started_year=2000, left_year=2010)
    with django_assert_max_num_queries(12):
        result = generate_tasks(gathering=gathering)
    assert result.picks == 30 * 5


# Pages


def test_the_card_on_the_gathering_page_shows_people_and_marks_the_task_seen(client):
    gathering = GatheringFactory(
        start=timezone.now() - timedelta(hours=1), task_old_count=1, task_new_count=1
    )
    anne = attend(
        gathering, checked_in=True, departments="Drift", started_year=2005, left_year=2011
    )
    bjorn = attend(
        gathering,
        checked_in=True,
        departments="Drift",
        started_year=2006,
        left_year=2009,
        user__first_name="Bjørn",
        user__last_name="Dahl",
    )
    attend(gathering, checked_in=True)
    generate_tasks(gathering=gathering)
    client.force_login(anne.user)

    response = client.get(reverse("gatherings:detail", kwargs={"pk": gathering.pk}))

    html = response.content.decode()
    assert "Your networking task" in html
    assert "Bjørn Dahl" in html
    assert "You both worked in Drift 2006–2009" in html
    assert reverse("gatherings:record_connections", kwargs={"pk": gathering.pk}) in html
    assert f'name="person" value="{bjorn.pk}"' in html
    assert NetworkingTask.objects.get(member=anne).seen_at is not None


def test_the_card_is_not_shown_days_before_the_gathering(client):
    gathering = GatheringFactory(start=timezone.now() + timedelta(days=3))
    anne = attend(gathering)
    attend(gathering)
    generate_tasks(gathering=gathering)
    client.force_login(anne.user)

    response = client.get(reverse("gatherings:detail", kwargs={"pk": gathering.pk}))

    assert "Your networking task" not in response.content.decode()
    assert NetworkingTask.objects.get(member=anne).seen_at is None


@pytest.mark.parametrize(
    ("start", "shown"),
    [
        (timedelta(hours=1), True),  # doors open within two hours
        (timedelta(hours=3), False),
        (-timedelta(days=6), True),  # a week after
        (-timedelta(days=8), False),
    ],
)
def test_the_card_on_the_member_home_shows_around_the_gathering(client, start, shown):
    gathering = GatheringFactory(start=timezone.now() + start)
    anne = attend(gathering)
    attend(gathering)
    generate_tasks(gathering=gathering)
    client.force_login(anne.user)

    response = client.get(reverse("members:home"))

    assert ("Your networking task" in response.content.decode()) is shown
    assert (NetworkingTask.objects.get(member=anne).seen_at is not None) is shown


def test_the_card_leaves_out_people_who_left_the_directory_since(client):
    gathering = GatheringFactory(start=timezone.now() - timedelta(hours=1), task_new_count=2)
    anne = attend(gathering, checked_in=True)
    gone = attend(gathering, checked_in=True, user__first_name="Borte", user__last_name="Person")
    attend(gathering, checked_in=True)
    generate_tasks(gathering=gathering)
    gone.in_directory = False
    gone.save()

    card = selectors.task_card(gathering=gathering, member=anne, viewer=anne.user)

    assert [person.pk for person in card.people if person.pk == gone.pk] == []
    assert len(card.people) == 1


@pytest.mark.parametrize("people", [2, 6])
def test_the_member_home_queries_do_not_grow_with_picks(
    client, django_assert_max_num_queries, people
):
    gathering = GatheringFactory(start=timezone.now() - timedelta(hours=1))
    anne = attend(gathering, checked_in=True)
    for _ in range(people):
        attend(gathering, checked_in=True)
    generate_tasks(gathering=gathering)
    client.force_login(anne.user)
    client.get(reverse("members:home"))  # the first visit marks the task seen

    with django_assert_max_num_queries(30) as queries:
        client.get(reverse("members:home"))
    task_queries = [q for q in queries.captured_queries if "networking" in q["sql"]]
    assert len(task_queries) == 2  # the tasks, their picks


def test_hr_generates_from_the_panel_and_sees_the_counts(client):
    gathering = GatheringFactory()
    for _ in range(4):
        attend(gathering)
    client.force_login(StaffFactory())
    detail = reverse("hr_gatherings:detail", kwargs={"pk": gathering.pk})

    response = client.post(
        reverse("gatherings:generate_tasks", kwargs={"pk": gathering.pk}),
        {"next": detail},
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain == [(detail, 302)]
    assert "Tasks were made for 4 attendees." in html
    assert "Make the tasks again" in html
    assert NetworkingTask.objects.filter(gathering=gathering).count() == 4


def test_an_organiser_generates_from_the_attendee_page(client):
    gathering = GatheringFactory()
    attend(gathering)
    organiser = OrganiserFactory(gathering=gathering)
    client.force_login(organiser.member.user)
    attendees = reverse("gatherings:attendees", kwargs={"pk": gathering.pk})
    assert "Make networking tasks" in client.get(attendees).content.decode()

    response = client.post(
        reverse("gatherings:generate_tasks", kwargs={"pk": gathering.pk}), {"next": attendees}
    )

    assert response.status_code == 302
    assert response["Location"] == attendees
    assert NetworkingTask.objects.filter(gathering=gathering).count() == 1


def test_a_foreign_next_is_not_followed(client):
    gathering = GatheringFactory()
    client.force_login(StaffFactory())

    response = client.post(
        reverse("gatherings:generate_tasks", kwargs={"pk": gathering.pk}),
        {"next": "https://evil.example/"},
    )

    assert response["Location"] == reverse("hr_gatherings:detail", kwargs={"pk": gathering.pk})


@pytest.mark.parametrize("url_name", ["gatherings:generate_tasks", "gatherings:task_settings"])
def test_members_and_other_organisers_may_not_generate(client, url_name):
    gathering = GatheringFactory()
    attend(gathering)
    OrganiserFactory()  # of another gathering
    for user in (MemberFactory().user, OrganiserFactory().member.user):
        client.force_login(user)
        response = client.post(reverse(url_name, kwargs={"pk": gathering.pk}))
        assert response.status_code == 403
    assert not NetworkingTask.objects.exists()


def test_the_task_size_is_saved_and_existing_tasks_follow(client):
    gathering = GatheringFactory()
    for _ in range(5):
        attend(gathering)
    generate_tasks(gathering=gathering)
    client.force_login(StaffFactory())

    client.post(
        reverse("gatherings:task_settings", kwargs={"pk": gathering.pk}),
        {"task_old_count": 0, "task_new_count": 1},
    )

    gathering.refresh_from_db()
    assert (gathering.task_old_count, gathering.task_new_count) == (0, 1)
    assert NetworkingPick.objects.count() == 5


def test_a_task_size_over_ten_is_refused(client):
    gathering = GatheringFactory()
    client.force_login(StaffFactory())

    client.post(
        reverse("gatherings:task_settings", kwargs={"pk": gathering.pk}),
        {"task_old_count": 11, "task_new_count": 2},
    )

    gathering.refresh_from_db()
    assert gathering.task_old_count == 3


def test_shrink_notes_say_what_is_missing():
    assert selectors.shrink_notes(old=0, new=2, old_wanted=3, new_wanted=2) == [
        "None of your old acquaintances are here today.",
        "So your task is shorter than usual.",
    ]
    assert selectors.shrink_notes(old=3, new=0, old_wanted=3, new_wanted=2) == [
        "Everyone here today is someone you already know.",
        "So your task is shorter than usual.",
    ]
    assert selectors.shrink_notes(old=0, new=0, old_wanted=3, new_wanted=2) == [
        "Too few people are here today for a task. Say hello to someone anyway!"
    ]
    assert selectors.shrink_notes(old=3, new=2, old_wanted=3, new_wanted=2) == []


def test_the_card_hides_history_the_person_has_hidden_since():
    gathering = GatheringFactory(
        start=timezone.now() - timedelta(hours=1), task_old_count=1, task_new_count=0
    )
    anne = attend(gathering, departments="Drift", started_year=2005, left_year=2011)
    bjorn = attend(gathering, departments="Drift", started_year=2006, left_year=2009)
    generate_tasks(gathering=gathering)
    bjorn.history_visibility = Visibility.HR
    bjorn.save()

    card = selectors.task_card(gathering=gathering, member=anne, viewer=anne.user)

    assert [person.reason for person in card.old] == ["You were colleagues"]


def test_the_hr_panel_has_an_empty_state_and_the_task_size_form(client):
    gathering = GatheringFactory()
    client.force_login(StaffFactory())

    html = client.get(reverse("hr_gatherings:detail", kwargs={"pk": gathering.pk})).content.decode()

    assert "No tasks have been made yet." in html
    assert reverse("gatherings:task_settings", kwargs={"pk": gathering.pk}) in html
    assert 'name="task_old_count"' in html and 'max="10"' in html
