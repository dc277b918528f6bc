"""Member pages, answer links, and the pages HR shares with a gathering's organisers."""

import rules
from django.contrib import messages
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members import audit
from members.access import permission_required, request_member
from members.exports import FORMATS, export_response
from members.guidelines import guidelines_gate
from members.models import Member
from members.rules import is_coordinator

from . import agenda, calendars, coming, exports, selectors
from . import rsvp as rsvp_module
from .forms import AgendaItemForm, AnswerForm
from .models import AgendaItem, Gathering, Rsvp


def _audience_gathering(request, pk, **kwargs) -> Gathering | None:
    """The gathering if it is meant for the member asking (404 if not); None for non-members."""
    member = request_member(request.user)
    if member is None:
        return None
    return get_object_or_404(
        selectors.visible_to_member(member=member).select_related("host"), pk=pk
    )


def _visible_gathering(request, pk, **kwargs) -> Gathering | None:
    """The gathering as this person may see it: HR any, a member one meant for them."""
    if is_coordinator(request.user):
        return get_object_or_404(Gathering.objects.select_related("host"), pk=pk)
    return _audience_gathering(request, pk)


def _gathering(request, pk, **kwargs) -> Gathering:
    return get_object_or_404(Gathering.objects.select_related("host"), pk=pk)


def _attendee(request) -> Member | None:
    """The member answering for themselves; HR look at gatherings as HR."""
    return None if is_coordinator(request.user) else request_member(request.user)


def _area_base(request) -> str:
    """HR and organisers share these pages, each inside their own area."""
    return "hr/base.html" if is_coordinator(request.user) else "members/base.html"


# Member pages


@permission_required("gatherings.attend_gathering")
@guidelines_gate
@require_GET
def gathering_list(request):
    member = request_member(request.user)
    return render(
        request,
        "gatherings/member_list.html",
        {
            "upcoming": selectors.upcoming_for_member(member),
            "past": selectors.past_for_member(member),
        },
    )


@permission_required("gatherings.view_gathering", fn=_visible_gathering)
@guidelines_gate
@require_GET
def gathering_detail(request, gathering, pk):
    member = _attendee(request)
    my_rsvp = Rsvp.objects.filter(gathering=gathering, member=member).first() if member else None
    items = agenda.timed_items(
        gathering=gathering,
        items=gathering.agenda_items.select_related("speaker_member__user", "speaker_user"),
    )
    form = None
    if member and gathering.answers_open():
        form = AnswerForm(
            ask_dietary=gathering.ask_dietary,
            initial={
                "answer": my_rsvp.answer if my_rsvp else "",
                "dietary": my_rsvp.dietary if my_rsvp else "",
            },
        )
    return render(
        request,
        "gatherings/member_detail.html",
        {
            "gathering": gathering,
            "agenda": items,
            "my_rsvp": my_rsvp,
            "waitlist_place": rsvp_module.waitlist_place(rsvp=my_rsvp) if my_rsvp else None,
            "form": form,
            "organiser_tools": _organiser_tools(request.user, gathering),
            "google_url": calendars.google_calendar_url(gathering),
            "outlook_url": calendars.outlook_calendar_url(gathering),
            "coming": _who_is_coming(request, gathering),
        },
    )


def _organiser_tools(user, gathering: Gathering) -> dict | None:
    """The organiser pages this person may open from the gathering's page; None if none."""
    tools = {
        "agenda": rules.has_perm("gatherings.edit_agenda", user, gathering),
        "attendees": rules.has_perm("gatherings.view_attendees", user, gathering),
        "door": rules.has_perm("gatherings.run_door", user, gathering),
        "badges": rules.has_perm("gatherings.print_badges", user, gathering),
    }
    if not any(tools.values()):
        return None
    return tools | {"door_day": gathering.is_door_day()}


def _who_is_coming(request, gathering: Gathering) -> coming.Coming | None:
    """Who else is coming, while the gathering is still ahead; None once it is past or off."""
    if gathering.status != Gathering.Status.PUBLISHED or gathering.end < timezone.now():
        return None
    found = coming.who_is_coming(gathering=gathering, viewer=request.user)
    audit.log_hr_only_views(
        viewer=request.user,
        profiles=found.people,
        what=audit.Detail.WHO_IS_COMING,
        request=request,
    )
    return found


@permission_required("gatherings.attend_gathering", fn=_audience_gathering)
@guidelines_gate
@require_POST
def gathering_answer(request, gathering, pk):
    member = request_member(request.user)
    form = AnswerForm(request.POST, ask_dietary=gathering.ask_dietary)
    if not form.is_valid():
        messages.error(request, _("Choose yes, maybe or no."))
        return redirect("gatherings:detail", pk=gathering.pk)
    try:
        outcome = rsvp_module.answer_gathering(
            gathering=gathering,
            member=member,
            answer=form.cleaned_data["answer"],
            dietary=form.cleaned_data.get("dietary", ""),
        )
    except rsvp_module.AnswersClosed:
        messages.error(request, _("Answers for this gathering are closed."))
        return redirect("gatherings:detail", pk=gathering.pk)
    messages.success(request, _outcome_message(outcome))
    return redirect("gatherings:detail", pk=gathering.pk)


def _outcome_message(outcome) -> str:
    if outcome.result == "confirmed":
        return _("You are registered. See you there!")
    if outcome.result == "waitlisted":
        return _("The gathering is full. You are number %(place)s on the waiting list.") % {
            "place": outcome.waitlist_place
        }
    if outcome.result == "maybe":
        return _("Thank you. We have noted maybe.")
    return _("Thank you for letting us know you cannot come.")


@permission_required("gatherings.view_gathering", fn=_visible_gathering)
@guidelines_gate
@require_GET
def gathering_ics(request, gathering, pk):
    return _ics_response(gathering)


def _ics_response(gathering: Gathering) -> HttpResponse:
    """The gathering as a calendar file to download (a cancelled one as its cancellation)."""
    method = (
        calendars.METHOD_CANCEL
        if gathering.status == Gathering.Status.CANCELLED
        else calendars.METHOD_PUBLISH
    )
    response = HttpResponse(
        calendars.ics_for(gathering=gathering, method=method),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{calendars.calendar_filename()}"'
    return response


# Answer links from emails: no login, a signed token names the member and gathering.


def _invalid_link(request, *, expired: bool = False) -> HttpResponse:
    """A clear page for a forged, tampered, expired or stale answer link, not a 500."""
    return render(request, "gatherings/rsvp_invalid.html", {"expired": expired}, status=400)


def _read_answer_link(request, token: str) -> tuple[tuple[int, int] | None, HttpResponse | None]:
    """(gathering id, member id) from an answer link, or the page that says why it won't do."""
    try:
        return rsvp_module.read_token(token), None
    except signing.SignatureExpired:
        return None, _invalid_link(request, expired=True)
    except signing.BadSignature:
        return None, _invalid_link(request)


@require_http_methods(["GET", "POST"])
def rsvp_answer(request, token):
    ids, refusal = _read_answer_link(request, token)
    if refusal:
        return refusal
    gathering_id, member_id = ids
    rsvp = selectors.answer_link_rsvp(gathering_id=gathering_id, member_id=member_id)
    if rsvp is None:
        return _invalid_link(request)
    gathering = rsvp.gathering
    if not gathering.answers_open():
        return render(
            request, "gatherings/rsvp_closed.html", {"gathering": gathering, "rsvp": rsvp}
        )

    if request.method == "POST":
        form = AnswerForm(request.POST, ask_dietary=gathering.ask_dietary)
        if form.is_valid():
            try:
                outcome = rsvp_module.record_answer(
                    rsvp=rsvp,
                    answer=form.cleaned_data["answer"],
                    dietary=form.cleaned_data.get("dietary", ""),
                )
            except rsvp_module.AnswersClosed:
                return render(
                    request, "gatherings/rsvp_closed.html", {"gathering": gathering, "rsvp": rsvp}
                )
            return render(
                request,
                "gatherings/rsvp_done.html",
                {
                    "gathering": gathering,
                    "outcome": outcome,
                    "message": _outcome_message(outcome),
                    "token": token,
                },
            )
    else:
        # A GET never changes anything (mail scanners follow links): it only pre-selects.
        chosen = request.GET.get("answer") or rsvp.answer
        form = AnswerForm(
            ask_dietary=gathering.ask_dietary,
            initial={"answer": chosen, "dietary": rsvp.dietary},
        )
    return render(
        request,
        "gatherings/rsvp_form.html",
        {"gathering": gathering, "rsvp": rsvp, "form": form, "token": token},
    )


@require_GET
def rsvp_ics(request, token):
    """The calendar file of the gathering an answer link names: no login, as the link."""
    ids, refusal = _read_answer_link(request, token)
    if refusal:
        return refusal
    gathering_id, member_id = ids
    gathering = (
        Gathering.objects.exclude(status=Gathering.Status.DRAFT)
        .filter(pk=gathering_id, rsvps__member_id=member_id)
        .select_related("host")
        .first()
    )
    if gathering is None:
        return _invalid_link(request)
    return _ics_response(gathering)


# Shared by HR and the gathering's organisers


def _agenda_context(gathering: Gathering) -> dict:
    items = list(gathering.agenda_items.select_related("speaker_member__user", "speaker_user"))
    return {
        "gathering": gathering,
        "agenda": agenda.timed_items(gathering=gathering, items=items),
        "overrun": agenda.overrun_minutes(gathering=gathering, items=items),
        "total_minutes": sum(item.duration_minutes for item in items),
    }


@permission_required("gatherings.edit_agenda", fn=_gathering)
@require_http_methods(["GET", "POST"])
def agenda_edit(request, gathering, pk):
    form = AgendaItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        agenda.add_item(gathering=gathering, **form.cleaned_data)
        messages.success(request, _("The item was added to the agenda."))
        return redirect("gatherings:agenda", pk=gathering.pk)
    context = _agenda_context(gathering) | {"form": form, "base_template": _area_base(request)}
    if request.htmx:
        return render(request, "gatherings/agenda_edit.html#agenda-list", context)
    return render(request, "gatherings/agenda_edit.html", context)


@permission_required("gatherings.edit_agenda", fn=_gathering)
@require_POST
def agenda_reorder(request, gathering, pk):
    ids = [int(value) for value in request.POST.getlist("item") if value.isdecimal()]
    agenda.reorder(gathering=gathering, item_ids=ids)
    context = _agenda_context(gathering) | {"base_template": _area_base(request)}
    return render(request, "gatherings/agenda_edit.html#agenda-list", context)


@permission_required("gatherings.edit_agenda", fn=_gathering)
@require_POST
def agenda_move(request, gathering, pk, item_pk):
    item = get_object_or_404(AgendaItem, pk=item_pk, gathering=gathering)
    agenda.move(item=item, direction="up" if request.POST.get("direction") == "up" else "down")
    if request.htmx:
        context = _agenda_context(gathering) | {"base_template": _area_base(request)}
        return render(request, "gatherings/agenda_edit.html#agenda-list", context)
    return redirect(f"{reverse('gatherings:agenda', kwargs={'pk': gathering.pk})}#item-{item.pk}")


@permission_required("gatherings.edit_agenda", fn=_gathering)
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request, gathering, pk, item_pk):
    item = get_object_or_404(AgendaItem, pk=item_pk, gathering=gathering)
    form = AgendaItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The agenda item was saved."))
        return redirect("gatherings:agenda", pk=gathering.pk)
    return render(
        request,
        "gatherings/agenda_item_form.html",
        {"gathering": gathering, "item": item, "form": form, "base_template": _area_base(request)},
    )


@permission_required("gatherings.edit_agenda", fn=_gathering)
@require_POST
def agenda_item_delete(request, gathering, pk, item_pk):
    AgendaItem.objects.filter(pk=item_pk, gathering=gathering).delete()
    messages.success(request, _("The item was removed from the agenda."))
    return redirect("gatherings:agenda", pk=gathering.pk)


@permission_required("gatherings.view_gathering", fn=_visible_gathering)
@guidelines_gate
@require_GET
def agenda_print(request, gathering, pk):
    context = _agenda_context(gathering)
    context["gathering"] = selectors.gathering_for_page(pk=gathering.pk)
    return render(request, "gatherings/agenda_print.html", context)


@permission_required("gatherings.view_attendees", fn=_gathering)
@require_GET
def attendees(request, gathering, pk):
    rows = list(selectors.attendee_rows(gathering=gathering))
    # The page shows what the export shows: employers as the member lets this viewer see them.
    for rsvp in rows:
        rsvp.employer_shown = exports.employer_as_seen(rsvp, request.user)
    context = {
        "gathering": gathering,
        "rows": rows,
        "counts": selectors.answer_counts(gathering=gathering),
        "dietary": selectors.dietary_summary(rows),
        "base_template": _area_base(request),
        "is_hr": rules.has_perm("gatherings.manage_gatherings", request.user),
    }
    if request.htmx:
        return render(request, "gatherings/attendees.html#counts", context)
    return render(request, "gatherings/attendees.html", context)


@permission_required("gatherings.view_attendees", fn=_gathering)
@require_POST
def attendees_export(request, gathering, pk, fmt):
    """The attendee list as CSV or XLSX: a POST, as the audit entry it writes is a change."""
    if fmt not in FORMATS:
        raise Http404
    rows = list(selectors.attendee_rows(gathering=gathering))
    exports.log_export(request=request, gathering=gathering, rows=rows, fmt=fmt)
    table = exports.attendee_table(
        gathering=gathering,
        rows=rows,
        viewer=request.user,
        with_email=rules.has_perm("gatherings.manage_gatherings", request.user),
    )
    return export_response(table=table, fmt=fmt)
