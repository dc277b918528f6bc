"""Came back to work: HR records that a member was rehired, with the date and the role.

A rehire is a fact about a member, not a change to their membership: the member
keeps their profile, their privacy choices and their place in the network.
"""

from django.db import IntegrityError, transaction

from .models import Member, Rehire


class AlreadyRehiredThatDay(Exception):
    """The member already has a rehire on that date (one per member and day)."""


def rehire_add(*, member: Member, rehired_on, role: str, recorded_by=None) -> Rehire:
    """Record that `member` started again on `rehired_on` as `role`; one per member and day."""
    rehire = Rehire(
        member=member, rehired_on=rehired_on, role=role.strip(), recorded_by=recorded_by
    )
    try:
        # Its own savepoint: a duplicate leaves the caller's transaction usable.
        with transaction.atomic():
            rehire.save()
    except IntegrityError as error:
        raise AlreadyRehiredThatDay from error
    return rehire


def rehire_remove(*, rehire: Rehire) -> None:
    """Remove a rehire recorded by mistake; the member stays as they are."""
    rehire.delete()


def rehires_of(member: Member | None) -> list[Rehire]:
    """The member's rehires, latest first (none for no member)."""
    if member is None:
        return []
    return list(member.rehires.order_by("-rehired_on", "-pk"))
