"""Template tags of the after-gathering parts: "who did you talk to" and HR's after panel."""

import rules
from django import template
from django.utils import timezone

from members.access import request_member

from ..aftermath import connections, feedback, growth
from ..models import Gathering

register = template.Library()


def met_people_context(request, gathering: Gathering) -> dict:
    """What the "Who did you talk to?" form needs; `show` is False when it has nothing to ask."""
    member = request_member(request.user)
    context = {"gathering": gathering, "show": False, "request": request}
    if member is None or gathering.start > timezone.now():
        return context
    if gathering.status == Gathering.Status.CANCELLED:
        return context
    if not connections.was_checked_in(gathering=gathering, member=member):
        return context
    recorders = connections.recorders_at(gathering=gathering, member=member)
    return context | {
        "show": True,
        "people": connections.attendee_cards(
            gathering=gathering, member=member, viewer=request.user
        ),
        "met": set(recorders),
        # Unticking removes only what this member recorded: say who recorded the rest.
        "met_by_them": {pk for pk, recorder in recorders.items() if recorder != member.pk},
    }


@register.inclusion_tag("gatherings/includes/met_people.html", takes_context=True)
def met_people(context, gathering):
    """The member's attendee list of a gathering they came to, to tick who they talked to."""
    return met_people_context(context["request"], gathering) | {
        "csrf_token": context.get("csrf_token")
    }


@register.inclusion_tag("gatherings/hr/includes/after_panel.html", takes_context=True)
def after_panel(context, gathering):
    """Ratings, comments and network growth of a gathering, for those who may see them."""
    request = context["request"]
    allowed = rules.has_perm("gatherings.view_feedback", request.user, gathering)
    if not allowed:
        return {"allowed": False}
    started = gathering.start <= timezone.now()
    return {
        "allowed": True,
        "gathering": gathering,
        "started": started,
        "feedback": feedback.summary(gathering=gathering) if started else None,
        "growth": growth.growth_of(gathering=gathering) if started else None,
    }
