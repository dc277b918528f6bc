"""Personal codes come with the Yes: the door, the badges and the emails only read them."""

import importlib
import re

import pytest
from django.apps import apps

from alumni_network.mail.models import OutboxEmail
from gatherings import rsvp as rsvp_module
from gatherings.door import codes
from gatherings.models import Rsvp

from ..factories import MemberFactory
from .factories import GatheringFactory, RsvpFactory

pytestmark = pytest.mark.django_db

CODE = re.compile(r"[A-Z0-9]{3}-[A-Z0-9]{3}")


def code_of(rsvp) -> str:
    return Rsvp.objects.values_list("code", flat=True).get(pk=rsvp.pk)


def answered(rsvp, answer):
    return rsvp_module.record_answer(rsvp=rsvp, answer=answer)


def test_a_yes_gets_its_personal_code():
    rsvp = RsvpFactory()

    answered(rsvp, "yes")

    assert CODE.fullmatch(code_of(rsvp))
    assert rsvp.code == code_of(rsvp)


def test_a_yes_on_the_waiting_list_has_its_code_ready_for_a_seat():
    gathering = GatheringFactory(capacity=0)
    rsvp = RsvpFactory(gathering=gathering)

    outcome = answered(rsvp, "yes")

    assert outcome.result == "waitlisted"
    assert CODE.fullmatch(code_of(rsvp))


@pytest.mark.parametrize("answer", ["no", "maybe"])
def test_no_or_maybe_gets_no_code(answer):
    rsvp = RsvpFactory()

    answered(rsvp, answer)

    assert code_of(rsvp) == ""


def test_yes_again_after_a_no_keeps_the_first_code():
    rsvp = RsvpFactory()
    answered(rsvp, "yes")
    first = code_of(rsvp)

    answered(rsvp, "no")
    answered(rsvp, "yes")

    assert code_of(rsvp) == first


def test_a_yes_from_the_member_area_gets_a_code():
    gathering = GatheringFactory()
    member = MemberFactory()

    outcome = rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")

    assert CODE.fullmatch(code_of(outcome.rsvp))


class DrawnInOrder:
    """A stand-in for the random source: hands out the given letters in turn."""

    def __init__(self, letters: str):
        self._letters = iter(letters)

    def choice(self, alphabet):
        return next(self._letters)


def test_a_code_another_answer_holds_is_drawn_again(monkeypatch):
    gathering = GatheringFactory()
    RsvpFactory(gathering=gathering, answer="yes", code="AAA-AAA")
    rsvp = RsvpFactory(gathering=gathering)
    monkeypatch.setattr(codes, "secrets", DrawnInOrder("AAAAAA" + "CCCCCC"))

    outcome = answered(rsvp, "yes")

    assert (outcome.result, code_of(rsvp)) == ("confirmed", "CCC-CCC")
    assert OutboxEmail.objects.filter(kind="gathering_answer", object_id=rsvp.pk).count() == 1


def test_the_same_code_may_serve_two_gatherings(monkeypatch):
    RsvpFactory(answer="yes", code="AAA-AAA")
    rsvp = RsvpFactory()
    monkeypatch.setattr(codes, "secrets", DrawnInOrder("AAAAAA"))

    answered(rsvp, "yes")

    assert code_of(rsvp) == "AAA-AAA"


def test_the_migration_gives_every_yes_without_a_code_one_of_its_own():
    migration = importlib.import_module("gatherings.migrations.0006_personal_codes_for_every_yes")
    gathering = GatheringFactory(capacity=3)
    kept = RsvpFactory(gathering=gathering, answer="yes", code="AAA-AAA")
    missing = [RsvpFactory(gathering=gathering, answer="yes") for _ in range(2)]
    waiting = RsvpFactory(gathering=gathering, answer="yes", waitlist_position=1)
    declined = RsvpFactory(gathering=gathering, answer="no")
    Rsvp.objects.filter(pk__in=[r.pk for r in [*missing, waiting]]).update(code="")

    migration.give_codes(apps, None)

    given = [code_of(rsvp) for rsvp in [*missing, waiting]]
    assert all(CODE.fullmatch(code) for code in given)
    assert len({"AAA-AAA", *given}) == 4
    assert (code_of(kept), code_of(declined)) == ("AAA-AAA", "")
