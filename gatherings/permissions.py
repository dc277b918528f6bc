"""Who may do what with one gathering (django-rules predicates).

Not named rules.py: Celery's Django fixup puts the working directory first on
sys.path, so a rules.py in this folder would shadow the rules library whenever
manage.py runs from here (as scripts/messages does). apps.ready() imports it.
"""

import rules

from members.access import is_member, is_staff_user

from .models import Organiser


@rules.predicate
def is_hr(user) -> bool:
    return is_staff_user(user)


@rules.predicate
def is_organiser(user, gathering) -> bool:
    if gathering is None or not is_member(user):
        return False
    return Organiser.objects.filter(gathering=gathering, member__user=user).exists()


# Organisers edit the agenda and see who comes for their one gathering; nothing more.
can_organise = is_hr | is_organiser

rules.add_perm("gatherings.edit_agenda", can_organise)
rules.add_perm("gatherings.view_attendees", can_organise)
