"""Who may do what with gatherings (django-rules predicates and permissions).

Views enforce these with `members.access.permission_required`; the roles
coordinator and member come from members/rules.py.
"""

import rules

from members.access import request_member
from members.rules import is_coordinator, is_member

from .models import Organiser


def organised_gathering_ids(user) -> frozenset[int]:
    """The gatherings the user's member organises: one query per request, whoever asks.

    Cached on the user object (one per request), as `request_member` is: a
    gathering's page asks several organiser permissions (agenda, attendees,
    door, badges, materials) and they share this one fetch.
    """
    ids = getattr(user, "_organised_gathering_ids", None)
    if ids is None:
        member = request_member(user)
        ids = frozenset(
            Organiser.objects.filter(member=member).values_list("gathering_id", flat=True)
            if member is not None
            else ()
        )
        user._organised_gathering_ids = ids
    return ids


@rules.predicate
def is_organiser(user, gathering) -> bool:
    """A member HR made an organiser of this gathering."""
    if gathering is None or not user.is_authenticated or not user.is_active:
        return False
    return gathering.pk in organised_gathering_ids(user)


# HR's pages: planning, publishing, organisers, host rotation, messages to attendees.
rules.add_perm("gatherings.manage_gatherings", is_coordinator)
# A gathering's page, calendar file and programme. Which gatherings a member may
# open at all (not drafts, meant for them) the view's queryset decides: 404 otherwise.
rules.add_perm("gatherings.view_gathering", is_coordinator | is_member)
# A member's own gatherings and their answer to one.
rules.add_perm("gatherings.attend_gathering", is_member)
# Organisers edit the agenda and see who comes for their one gathering; nothing more.
can_organise = is_coordinator | is_organiser
rules.add_perm("gatherings.edit_agenda", can_organise)
rules.add_perm("gatherings.view_attendees", can_organise)
# At the door: check people in, walk-ins and guests, close check-in.
rules.add_perm("gatherings.run_door", can_organise)
# Name badges (they carry the attendees' tasks and personal codes).
rules.add_perm("gatherings.print_badges", can_organise)
# Generate (and regenerate) the networking tasks.
rules.add_perm("gatherings.generate_tasks", can_organise)
# Attach slides and links to agenda items.
rules.add_perm("gatherings.add_materials", can_organise)
# The ratings and comments attendees gave, and the gathering's network growth.
rules.add_perm("gatherings.view_feedback", can_organise)
