"""The door page: find a person by a few letters or their code, tap, they are checked in.

Every action is a plain form that works without JavaScript (POST, then a
redirect back with a message). With htmx the same forms swap only the result
area and the count; the count also polls, so two phones see each other's work.
"""

from datetime import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.access import permission_required, posted_next_url
from members.rules import is_coordinator

from ..models import Gathering, Guest, Rsvp
from ..planning import audience_members
from . import checkin, joining, selectors
from .forms import CodeForm, GuestForm, SearchForm


def _gathering(request, pk, **kwargs) -> Gathering:
    return get_object_or_404(Gathering.objects.select_related("host"), pk=pk)


def _area_base(request) -> str:
    return "hr/base.html" if is_coordinator(request.user) else "members/base.html"


def _clock(moment: datetime) -> str:
    """A time of day at the gathering, as people say it at the door: 18:04."""
    return formats.time_format(timezone.localtime(moment), "H:i")


def _door_url(gathering: Gathering, **params) -> str:
    url = reverse("gatherings:door", kwargs={"pk": gathering.pk})
    query = urlencode({key: value for key, value in params.items() if value})
    return f"{url}?{query}" if query else url


def _outcome_text(result: checkin.CheckIn, name: str) -> str:
    if result.new:
        return _("%(name)s is checked in.") % {"name": name}
    return _("%(name)s is already here, since %(time)s.") % {
        "name": name,
        "time": _clock(result.at),
    }


def _undo_offer(rsvp: Rsvp | None, user) -> dict | None:
    """What the Undo button posts, while the check-in is recent and was made by this user."""
    if rsvp is None or rsvp.checked_in_by_id != user.pk or not checkin.can_undo(rsvp=rsvp):
        return None
    return {"rsvp": rsvp.pk, "at": rsvp.checked_in_at.isoformat()}


def _context(request, gathering: Gathering, *, query: str = "", **extra) -> dict:
    return {
        "gathering": gathering,
        "query": query,
        "search_form": SearchForm(initial={"q": query}),
        "code_form": extra.pop("code_form", None) or CodeForm(),
        "found": selectors.search(gathering=gathering, query=query, viewer=request.user),
        "counts": selectors.door_counts(gathering=gathering),
        "closed": gathering.check_in_closed_at is not None,
        "base_template": _area_base(request),
        "undo_seconds": int(checkin.UNDO_WINDOW.total_seconds()),
        **extra,
    }


@permission_required("gatherings.run_door", fn=_gathering)
@require_GET
def door(request, gathering, pk):
    query = request.GET.get("q", "").strip()[:100]
    undo_rsvp = None
    if (undo_id := request.GET.get("undo", "")).isdecimal():
        undo_rsvp = Rsvp.objects.filter(pk=int(undo_id), gathering=gathering).first()
    context = _context(request, gathering, query=query, undo=_undo_offer(undo_rsvp, request.user))
    if request.htmx and request.htmx.target == "door-results":
        return render(request, "gatherings/door/page.html#results", context)
    return render(request, "gatherings/door/page.html", context)


@permission_required("gatherings.run_door", fn=_gathering)
@require_GET
def door_count(request, gathering, pk):
    context = {"gathering": gathering, "counts": selectors.door_counts(gathering=gathering)}
    return render(request, "gatherings/door/page.html#count", context)


def _answer(request, gathering: Gathering, *, text: str, level: int, rsvp=None, query: str = ""):
    """The result of an action: the result area (htmx) or a redirect with a message."""
    undo = _undo_offer(rsvp, request.user) if rsvp is not None else None
    if request.htmx:
        context = _context(request, gathering, query=query, undo=undo) | {
            "outcome": {"text": text, "level": messages.DEFAULT_TAGS[level]},
            # The count sits outside the result area: htmx swaps it out of band.
            "count_oob": True,
        }
        return render(request, "gatherings/door/page.html#result-area", context)
    messages.add_message(request, level, text)
    return redirect(_door_url(gathering, q=query, undo=undo["rsvp"] if undo else ""))


def _closed_answer(request, gathering, query=""):
    return _answer(
        request,
        gathering,
        text=_("Check-in is closed. Reopen it to check in more people."),
        level=messages.ERROR,
        query=query,
    )


@permission_required("gatherings.run_door", fn=_gathering)
@require_POST
def door_check_in(request, gathering, pk):
    """Check in one person: by their answer row, as a walk-in member, or by code."""
    query = request.POST.get("q", "").strip()[:100]
    try:
        result = _check_in_from_post(request, gathering)
    except checkin.CheckInClosed:
        return _closed_answer(request, gathering, query)
    if result is None:
        return _answer(
            request,
            gathering,
            text=_("Nobody at this gathering has that code. Check it, or search by name."),
            level=messages.ERROR,
            query=query,
        )
    name = result.rsvp.member.user.get_full_name() or _("Member")
    level = messages.SUCCESS if result.new else messages.INFO
    text = _outcome_text(result, name)
    return _answer(request, gathering, text=text, level=level, rsvp=result.rsvp, query=query)


def _check_in_from_post(request, gathering: Gathering) -> checkin.CheckIn | None:
    if (rsvp_id := request.POST.get("rsvp", "")).isdecimal():
        rsvp = get_object_or_404(
            Rsvp.objects.select_related("member__user"), pk=int(rsvp_id), gathering=gathering
        )
        rsvp.gathering = gathering
        return checkin.check_in(rsvp=rsvp, by=request.user)
    if (member_id := request.POST.get("member", "")).isdecimal():
        # Only a member the gathering is for can walk in as one.
        member = get_object_or_404(
            audience_members(gathering=gathering).select_related("user"), pk=int(member_id)
        )
        return checkin.check_in_walk_in(gathering=gathering, member=member, by=request.user)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return None
    return checkin.check_in_by_code(
        gathering=gathering, typed=form.cleaned_data["code"], by=request.user
    )


@permission_required("gatherings.run_door", fn=_gathering)
@require_POST
def door_undo(request, gathering, pk):
    query = request.POST.get("q", "").strip()[:100]
    rsvp_id = request.POST.get("rsvp", "")
    rsvp = get_object_or_404(
        Rsvp.objects.select_related("member__user"),
        pk=int(rsvp_id) if rsvp_id.isdecimal() else 0,
        gathering=gathering,
    )
    name = rsvp.member.user.get_full_name() or _("Member")
    try:
        at = datetime.fromisoformat(request.POST.get("at", ""))
    except ValueError:
        at = None
    if at is not None and checkin.undo_check_in(rsvp=rsvp, at=at):
        text, level = _("The check-in of %(name)s is undone.") % {"name": name}, messages.SUCCESS
    else:
        text = _("Too late to undo the check-in of %(name)s.") % {"name": name}
        level = messages.ERROR
    return _answer(request, gathering, text=text, level=level, query=query)


@permission_required("gatherings.run_door", fn=_gathering)
@require_http_methods(["GET", "POST"])
def door_guest(request, gathering, pk):
    form = GuestForm(request.POST if request.method == "POST" else None, gathering=gathering)
    if request.method == "POST" and form.is_valid():
        try:
            guest = checkin.register_guest(
                gathering=gathering, **form.cleaned_data, by=request.user
            )
        except checkin.CheckInClosed:
            return _closed_answer(request, gathering)
        except checkin.GuestAlreadyRegistered:
            form.add_error(
                "email",
                _("A guest with this email address is already registered for this gathering."),
            )
        else:
            messages.success(
                request, _("%(name)s is registered as a guest.") % {"name": guest.name}
            )
            return redirect(_door_url(gathering))
    return render(
        request,
        "gatherings/door/guest.html",
        {"gathering": gathering, "form": form, "base_template": _area_base(request)},
        status=400 if form.errors else 200,
    )


@permission_required("gatherings.run_door", fn=_gathering)
@require_GET
def door_guests(request, gathering, pk):
    return render(
        request,
        "gatherings/door/guests.html",
        {
            "gathering": gathering,
            "guests": selectors.guests(gathering=gathering),
            "base_template": _area_base(request),
            "is_hr": is_coordinator(request.user),
        },
    )


@permission_required("gatherings.run_door", fn=_gathering)
@require_POST
def door_guest_invite(request, gathering, pk, guest_pk):
    guest = get_object_or_404(Guest, pk=guest_pk, gathering=gathering)
    guest.gathering = gathering
    if not joining.invite_guest_to_join(guest=guest, user=request.user):
        messages.info(request, _("%(name)s was already asked to join.") % {"name": guest.name})
    elif is_coordinator(request.user):
        messages.success(
            request, _("%(name)s gets an email with a link to join.") % {"name": guest.name}
        )
    else:
        messages.success(
            request,
            _("HR has been asked to invite %(name)s to join the network.") % {"name": guest.name},
        )
    return redirect("gatherings:door_guests", pk=gathering.pk)


@permission_required("gatherings.run_door", fn=_gathering)
@require_POST
def door_close(request, gathering, pk):
    """Close check-in (and generate the networking tasks), or reopen it."""
    if request.POST.get("action") == "reopen":
        checkin.reopen_check_in(gathering=gathering)
        messages.success(request, _("Check-in is open again."))
    elif checkin.close_check_in(gathering=gathering) is None:
        messages.info(request, _("Check-in was already closed."))
    else:
        messages.success(
            request, _("Check-in is closed. The networking tasks are made from who is here.")
        )
    return redirect(posted_next_url(request) or _door_url(gathering))
