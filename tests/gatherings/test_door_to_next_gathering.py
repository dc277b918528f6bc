"""The meeting end to end, through the pages: confirm, check in at the door, tasks, connections.

Four former colleagues who never worked side by side meet at one gathering:
they answer Yes, are checked in at the door (two found by name, two by the
personal code from their reminder), get their tasks when check-in closes and
tick who they talked to. At the next gathering, the people they met are old
acquaintances in their tasks, with the gathering where they met as the reason.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.rendering import TemplateCache, render_message
from gatherings import reminders
from gatherings.models import Gathering, NetworkingPick, NetworkingTask, Rsvp

from ..factories import MemberFactory, StaffFactory
from .factories import GatheringFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(settings):
    settings.LANGUAGE_CODE = "en"


def member(first_name, department, started, left):
    return MemberFactory(
        user__first_name=first_name,
        user__last_name="Fjordvik",
        user__language="",
        departments=department,
        started_year=started,
        left_year=left,
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def confirm(client: Client, gathering: Gathering) -> None:
    response = client.post(
        reverse("gatherings:answer", kwargs={"pk": gathering.pk}), {"answer": "yes"}
    )
    assert response.status_code == 302


def doors_open(gathering: Gathering) -> None:
    """An hour passes: the gathering has begun (answers closed, the door and connections open)."""
    now = timezone.now()
    Gathering.objects.filter(pk=gathering.pk).update(
        start=now - timedelta(minutes=30), end=now + timedelta(hours=2), rsvp_deadline=None
    )


def door(gathering: Gathering, name: str) -> str:
    return reverse(f"gatherings:{name}", kwargs={"pk": gathering.pk})


def task_of(member, gathering) -> dict[int, NetworkingPick]:
    task = NetworkingTask.objects.get(member=member, gathering=gathering)
    return {pick.person_id: pick for pick in task.picks.all()}


def test_people_met_at_one_gathering_are_old_acquaintances_at_the_next():
    kari = member("Kari", "Revisjon", 2001, 2004)
    ola = member("Ola", "Boring", 2006, 2009)
    per = member("Per", "Geologi", 2011, 2014)
    siri = member("Siri", "IT", 2016, 2019)
    people = [kari, ola, per, siri]
    hr = logged_in(StaffFactory())
    first = GatheringFactory(title="Høstsamling i Bergen", capacity=10)

    # Confirm: each answers Yes in the member area.
    for person in people:
        confirm(logged_in(person.user), first)
    assert first.rsvps.filter(answer=Rsvp.Answer.YES).count() == 4

    # Their reminder carries the personal code.
    reminders.send_due_reminders(now=first.start - timedelta(days=1))
    codes = {}
    for row in OutboxEmail.objects.filter(kind="gathering_reminder"):
        text = render_message(row, templates=TemplateCache()).body
        rsvp = Rsvp.objects.get(pk=row.object_id)
        assert rsvp.code and rsvp.code in text
        codes[rsvp.member_id] = rsvp.code
    assert set(codes) == {person.pk for person in people}

    doors_open(first)

    # At the door: Kari and Ola by name search, Per and Siri by typed code.
    for person, letters in ((kari, "Kar"), (ola, "ola")):
        found = hr.get(door(first, "door"), {"q": letters})
        rsvp = Rsvp.objects.get(gathering=first, member=person)
        assert f'name="rsvp" value="{rsvp.pk}"' in found.content.decode()
        hr.post(door(first, "door_check_in"), {"rsvp": rsvp.pk, "q": letters})
    for person in (per, siri):
        typed = codes[person.pk].lower().replace("-", "")
        hr.post(door(first, "door_check_in"), {"code": typed})
    assert first.rsvps.filter(checked_in_at__isnull=False).count() == 4

    # Closing check-in makes the tasks: nobody knows anybody yet, so everyone is new.
    hr.post(door(first, "door_close"), {"action": "close"})
    kari_task = task_of(kari, first)
    assert len(kari_task) == 2 and set(kari_task) <= {ola.pk, per.pk, siri.pk}
    assert {pick.kind for pick in kari_task.values()} == {NetworkingPick.Kind.NEW}

    # Kari ticks Ola and Per on her task card; Siri ticks Kari.
    response = logged_in(kari.user).post(
        reverse("gatherings:record_connections", kwargs={"pk": first.pk}),
        {"person": [ola.pk, per.pk]},
    )
    assert response.status_code == 302
    logged_in(siri.user).post(
        reverse("gatherings:record_connections", kwargs={"pk": first.pk}),
        {"person": [kari.pk]},
    )

    # The next gathering: the same four confirm, HR generates the tasks before the doors open.
    second = GatheringFactory(title="Vintersamling", capacity=10)
    for person in people:
        confirm(logged_in(person.user), second)
    hr.post(door(second, "generate_tasks"))

    kari_next = task_of(kari, second)
    met = {pk for pk, pick in kari_next.items() if pick.kind == NetworkingPick.Kind.OLD}
    assert met == {ola.pk, per.pk, siri.pk}
    assert {pick.reason for pick in kari_next.values()} == {NetworkingPick.Reason.MET_BEFORE}
    assert {pick.met_at_id for pick in kari_next.values()} == {first.pk}

    # Ola met only Kari: she is old, Per and Siri are still new to him.
    ola_next = task_of(ola, second)
    assert {pk for pk, p in ola_next.items() if p.kind == "old"} == {kari.pk}
    assert {pk for pk, p in ola_next.items() if p.kind == "new"} == {per.pk, siri.pk}

    # On the day, Kari's card on the next gathering's page says where they met.
    doors_open(second)
    page = logged_in(kari.user).get(reverse("gatherings:detail", kwargs={"pk": second.pk}))
    assert "You met at Høstsamling i Bergen" in page.content.decode()
