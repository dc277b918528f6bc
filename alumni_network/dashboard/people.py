"""Where alumni work now, and what those open to returning can do.

Only what HR may see counts (members/privacy.py): a member who set their work,
availability or competences to "only me" is left out, and so is a deactivated
account. The visibility levels come from privacy.STAFF_LEVELS, the same for
every coordinator, so the figures can be shared between them.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from members.models import Competence, Organisation
from members.privacy import STAFF_LEVELS

TOP = 10
_HR_LEVELS = sorted(STAFF_LEVELS)


@dataclass(frozen=True)
class Ranked:
    pk: int
    name: str
    count: int


def top_employers(limit: int = TOP) -> list[Ranked]:
    """Organisations by members working there, counting only work HR may see."""
    rows = (
        Organisation.objects.annotate(
            count=Count(
                "employees",
                filter=Q(
                    employees__work_visibility__in=_HR_LEVELS,
                    employees__user__is_active=True,
                ),
            )
        )
        .filter(count__gt=0)
        .order_by("-count", "name")
        .values_list("pk", "name", "count")[:limit]
    )
    return [Ranked(*row) for row in rows]


def top_competences_open_to_returning(limit: int = TOP) -> list[Ranked]:
    """Competences of members open to returning, where HR may see both facts."""
    rows = (
        Competence.objects.annotate(
            count=Count(
                "members",
                filter=Q(
                    members__open_to_returning=True,
                    members__availability_visibility__in=_HR_LEVELS,
                    members__competences_visibility__in=_HR_LEVELS,
                    members__user__is_active=True,
                ),
            )
        )
        .filter(count__gt=0)
        .order_by("-count", "name")
        .values_list("pk", "name", "count")[:limit]
    )
    return [Ranked(*row) for row in rows]
