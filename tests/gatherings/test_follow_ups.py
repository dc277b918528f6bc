"""The day-after email: who gets which, once, in their language, with the right content."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from alumni_network.mail.models import OutboxEmail
from gatherings import tasks
from gatherings.aftermath import connections, follow_ups
from gatherings.calendars import OSLO
from gatherings.models import Material, Rsvp

from ..factories import MemberFactory, OrganisationFactory
from .factories import AgendaItemFactory, GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db

# The gathering: Tuesday 2 March 2027, 16:00-19:00 in Oslo.
START = datetime(2027, 3, 2, 16, 0, tzinfo=OSLO)
MORNING_AFTER = datetime(2027, 3, 3, 9, 0, tzinfo=OSLO)


def held(**kwargs):
    return GatheringFactory(
        start=START, end=START + timedelta(hours=3), rsvp_deadline=None, **kwargs
    )


def came(gathering, **member):
    return RsvpFactory(
        gathering=gathering,
        answer="yes",
        checked_in_at=gathering.start,
        member=MemberFactory(**member),
    )


def run(sent, now):
    return sent(lambda: follow_ups.send_due_follow_ups(now=now))


def by_recipient(messages):
    return {message.to[0]: message for message in messages}


def html_of(message):
    return message.alternatives[0][0]


def test_nothing_goes_before_nine_the_morning_after(sent):
    gathering = held()
    came(gathering)

    assert run(sent, MORNING_AFTER - timedelta(minutes=1)) == []
    assert not Rsvp.objects.filter(followed_up_at__isnull=False).exists()


def test_attendees_get_the_follow_up_and_no_shows_the_shorter_one(sent):
    gathering = held()
    attendee = came(gathering, user__language="en")
    no_show = RsvpFactory(gathering=gathering, answer="yes", member__user__language="en")
    RsvpFactory(gathering=gathering, answer="no")
    RsvpFactory(gathering=gathering, answer="maybe")
    RsvpFactory(gathering=gathering)

    messages = by_recipient(run(sent, MORNING_AFTER))

    assert sorted(messages) == sorted([attendee.member.user.email, no_show.member.user.email])
    follow_up = messages[attendee.member.user.email]
    missed = messages[no_show.member.user.email]
    assert follow_up.subject == f"Thank you for coming: {gathering.title}"
    assert missed.subject == f"We missed you at {gathering.title}"
    assert "/feedback/" in follow_up.body and "/feedback/" not in missed.body
    assert set(OutboxEmail.objects.values_list("kind", flat=True)) == {
        "gathering_follow_up",
        "gathering_missed",
    }


def test_the_follow_up_has_five_one_click_ratings(sent):
    gathering = held()
    attendee = came(gathering, user__language="en")

    [message] = run(sent, MORNING_AFTER)

    html = html_of(message)
    for rating in range(1, 6):
        assert f"?rating={rating}" in html
    assert "5 – Excellent" in message.body
    assert "List-Unsubscribe" in message.extra_headers
    assert attendee.member.user.get_short_name() in message.body


def test_a_rerun_sends_nothing_twice_and_a_missed_run_catches_up(sent):
    gathering = held()
    came(gathering)

    first = run(sent, MORNING_AFTER + timedelta(days=3))
    again = run(sent, MORNING_AFTER + timedelta(days=3, hours=1))

    assert len(first) == 1
    assert again == []
    assert OutboxEmail.objects.count() == 1


def test_a_second_attendee_checked_in_late_still_gets_one(sent):
    gathering = held()
    came(gathering)
    run(sent, MORNING_AFTER)
    late = came(gathering)

    [message] = run(sent, MORNING_AFTER + timedelta(hours=1))

    assert message.to == [late.member.user.email]


def test_a_cancelled_gathering_gets_no_follow_up(sent):
    gathering = held(status="cancelled")
    came(gathering)
    RsvpFactory(gathering=gathering, answer="yes")

    assert run(sent, MORNING_AFTER) == []


def test_a_gathering_marked_held_gets_its_follow_up(sent):
    gathering = held(status="done")
    came(gathering)

    assert len(run(sent, MORNING_AFTER)) == 1


def test_a_gathering_older_than_two_weeks_gets_none(sent):
    gathering = held()
    came(gathering)

    assert run(sent, MORNING_AFTER + timedelta(days=15)) == []


def test_the_email_is_in_the_recipients_language(sent):
    gathering = held()
    english = came(gathering, user__language="en")
    norwegian = came(gathering, user__language="nb")

    messages = by_recipient(run(sent, MORNING_AFTER))

    assert messages[english.member.user.email].body.startswith("Hi ")
    assert messages[norwegian.member.user.email].body.startswith("Hei, ")
    assert OutboxEmail.objects.get(to_email=norwegian.member.user.email).language == "nb"


def test_the_follow_up_lists_materials_connections_and_the_next_gathering(sent):
    gathering = held()
    item = AgendaItemFactory(gathering=gathering, title="Fagforedrag")
    material = Material.objects.create(
        agenda_item=item, title="Lysark om havvind", url="https://example.org/havvind"
    )
    me = came(gathering, user__language="en")
    kari = came(gathering, user__first_name="Kari", user__last_name="Nordmann")
    hidden = came(gathering, user__first_name="Usynlig", in_directory=False)
    connections.record_connections(
        gathering=gathering, member=me.member, person_ids=[kari.member_id, hidden.member_id]
    )
    upcoming = GatheringFactory(
        title="Vårsamling",
        start=datetime(2027, 5, 12, 16, 0, tzinfo=OSLO),
        end=datetime(2027, 5, 12, 19, 0, tzinfo=OSLO),
        rsvp_deadline=None,
        host=OrganisationFactory(name="Havkraft AS"),
    )
    GatheringFactory(title="Utkast", status="draft", start=upcoming.start - timedelta(days=7))

    messages = by_recipient(run(sent, MORNING_AFTER))

    message = messages[me.member.user.email]
    html = html_of(message)
    material_url = reverse(
        "gatherings:material",
        kwargs={"pk": material.agenda_item.gathering_id, "material_pk": material.pk},
    )
    assert f"http://127.0.0.1:8000{material_url}" in message.body
    assert f'href="http://127.0.0.1:8000{material_url}"' in html
    assert "Lysark om havvind" in html
    assert "Kari Nordmann" in message.body and "Kari Nordmann" in html
    assert "Usynlig" not in message.body
    assert "Vårsamling, 12 May 2027, 16:00, hosted by Havkraft AS" in message.body
    assert "Utkast" not in message.body
    assert reverse("gatherings:detail", kwargs={"pk": upcoming.pk}) in html


def test_the_no_show_email_points_to_the_next_gathering_without_a_rating(sent):
    gathering = held()
    item = AgendaItemFactory(gathering=gathering)
    Material.objects.create(agenda_item=item, title="Lysark", url="https://example.org/l")
    no_show = RsvpFactory(gathering=gathering, answer="yes", member__user__language="en")
    upcoming = GatheringFactory(
        title="Sommerfest",
        start=datetime(2027, 6, 10, 16, 0, tzinfo=OSLO),
        end=datetime(2027, 6, 10, 19, 0, tzinfo=OSLO),
        rsvp_deadline=None,
    )

    [message] = run(sent, MORNING_AFTER)

    assert message.to == [no_show.member.user.email]
    assert "Sommerfest, 10 June 2027, 16:00" in message.body
    assert "rating" not in message.body
    page = reverse("gatherings:detail", kwargs={"pk": gathering.pk})
    assert f"http://127.0.0.1:8000{page}" in message.body
    assert reverse("gatherings:detail", kwargs={"pk": upcoming.pk}) in html_of(message)


def test_the_beat_task_is_registered_under_its_scheduled_name():
    from django.conf import settings

    name = settings.CELERY_BEAT_SCHEDULE["gatherings-follow-ups"]["task"]

    assert tasks.send_follow_ups.name == name
