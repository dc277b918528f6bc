"""After a gathering: who you talked to, the people you have met, and the rating link."""

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import permission_required, posted_next_url, request_member
from members.guidelines import guidelines_gate

from .. import selectors
from ..models import Feedback, Gathering, Rsvp
from ..templatetags.aftermath import met_people_context
from . import connections, feedback
from .forms import FeedbackForm

PEOPLE_PER_PAGE = 50


def _my_gathering(request, pk, **kwargs) -> Gathering | None:
    """The gathering if it is meant for the member asking (404 if not); None for non-members."""
    member = request_member(request.user)
    if member is None:
        return None
    return get_object_or_404(selectors.visible_to_member(member=member), pk=pk)


def _back(request, gathering: Gathering) -> str:
    """Where to go after recording: a local `next`, else the gathering's "who did you talk to"."""
    if target := posted_next_url(request):
        return target
    return reverse("gatherings:detail", kwargs={"pk": gathering.pk}) + "#met-people"


def _recorded_message(result: connections.Recorded) -> str:
    if not result.added and not result.removed:
        return _("Saved. Nothing changed.")
    parts = []
    if result.added:
        parts.append(
            ngettext(
                "%(count)s new connection recorded.",
                "%(count)s new connections recorded.",
                result.added,
            )
            % {"count": result.added}
        )
    if result.removed:
        parts.append(
            ngettext(
                "%(count)s connection removed.", "%(count)s connections removed.", result.removed
            )
            % {"count": result.removed}
        )
    return " ".join(parts)


# The largest primary key a bigint column holds; a larger number names no one and
# would make the database refuse the query (a 500) instead of matching nothing.
MAX_ID = 2**63 - 1


def _ids(values) -> list[int]:
    return [int(value) for value in values if value.isdecimal() and int(value) <= MAX_ID]


@permission_required("gatherings.attend_gathering", fn=_my_gathering)
@guidelines_gate
@require_POST
def record_connections(request, gathering, pk):
    """Record who the member talked to: from their task card or the gathering's attendee list."""
    member = request_member(request.user)
    if gathering.start > timezone.now() or not connections.was_checked_in(
        gathering=gathering, member=member
    ):
        raise PermissionDenied(_("Only those who were checked in can record who they talked to."))
    result = connections.record_connections(
        gathering=gathering,
        member=member,
        person_ids=_ids(request.POST.getlist("person")),
        shown_ids=_ids(request.POST.getlist("shown")),
    )
    message = _recorded_message(result)
    if request.htmx:
        if request.POST.getlist("shown"):
            context = met_people_context(request, gathering) | {"status": message}
            return render(request, "gatherings/includes/met_people.html", context)
        return render(request, "gatherings/aftermath/recorded.html", {"status": message})
    messages.success(request, message)
    return redirect(_back(request, gathering))


@permission_required("gatherings.attend_gathering")
@guidelines_gate
@require_GET
def my_connections(request):
    member = request_member(request.user)
    people = connections.people_met(member=member, viewer=request.user)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "gatherings/aftermath/connections.html",
        {"page": page, "people": page.object_list, "total": len(people)},
    )


@permission_required("gatherings.attend_gathering")
@guidelines_gate
@require_POST
def remove_connection(request, member_pk):
    member = request_member(request.user)
    if connections.remove_connection(member=member, other_id=member_pk):
        messages.success(request, _("The connection was removed."))
    return redirect("gatherings:connections")


# The rating link from the day-after email: no login, a signed token names the answer.


def _invalid(request, *, expired: bool):
    return render(
        request, "gatherings/aftermath/feedback_invalid.html", {"expired": expired}, status=400
    )


def _feedback_rsvp(gathering_id: int, member_id: int) -> Rsvp | None:
    """The answer row of someone who came to a gathering that was held, or None."""
    return (
        Rsvp.objects.select_related("gathering__host", "member__user")
        .filter(
            gathering_id=gathering_id,
            member_id=member_id,
            checked_in_at__isnull=False,
            member__user__is_active=True,
        )
        .exclude(gathering__status=Gathering.Status.CANCELLED)
        .first()
    )


@require_http_methods(["GET", "POST"])
def feedback_answer(request, token):
    try:
        gathering_id, member_id = feedback.read_token(token)
    except signing.SignatureExpired:
        return _invalid(request, expired=True)
    except signing.BadSignature:
        return _invalid(request, expired=False)
    rsvp = _feedback_rsvp(gathering_id, member_id)
    if rsvp is None:
        return _invalid(request, expired=False)
    given = Feedback.objects.filter(gathering_id=gathering_id, member_id=member_id).first()
    if request.method == "POST":
        form = FeedbackForm(request.POST)
        if form.is_valid():
            feedback.record_feedback(
                rsvp=rsvp,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            return render(
                request,
                "gatherings/aftermath/feedback_done.html",
                {"gathering": rsvp.gathering, "changed": given is not None, "token": token},
            )
    else:
        # A GET never changes anything (mail scanners follow links): it only pre-selects.
        chosen = feedback.parse_rating(request.GET.get("rating")) or (
            given.rating if given else None
        )
        form = FeedbackForm(initial={"rating": chosen, "comment": given.comment if given else ""})
    return render(
        request,
        "gatherings/aftermath/feedback_form.html",
        {"gathering": rsvp.gathering, "rsvp": rsvp, "form": form, "token": token, "given": given},
    )
