"""HR pages of gatherings: planning, publishing, organisers, host rotation."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members import audit
from members.access import permission_required
from members.roles import RoleError

from . import agenda, hosting, organiser_roles, planning, selectors
from .forms import GatheringForm, HostAskForm, HostContactFormSet, MessageForm, OrganiserForm
from .models import Gathering, Organiser


@permission_required("gatherings.manage_gatherings")
@require_GET
def gathering_list(request):
    _rows, suggested = selectors.host_rotation(viewer=request.user)
    return render(
        request,
        "gatherings/hr/list.html",
        {"page": _page_of(request, selectors.hr_gathering_list()), "suggested_host": suggested},
    )


GATHERING_PAGE_SIZE = 25


def _page_of(request, gatherings):
    return Paginator(gatherings, GATHERING_PAGE_SIZE).get_page(request.GET.get("page"))


@permission_required("gatherings.manage_gatherings")
@require_http_methods(["GET", "POST"])
def gathering_create(request):
    initial = {"format": request.GET.get("format", Gathering.Format.AFTERNOON)}
    form = GatheringForm(request.POST or None, viewer=request.user, creating=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        gathering = planning.create_gathering(
            by=request.user,
            from_template=form.cleaned_data.get("use_template", False),
            **form.gathering_fields(),
        )
        messages.success(request, _("The gathering was created as a draft."))
        return redirect("hr_gatherings:detail", pk=gathering.pk)
    return render(request, "gatherings/hr/form.html", {"form": form, "creating": True})


@permission_required("gatherings.manage_gatherings")
@require_POST
def gathering_copy_last(request):
    gathering = planning.copy_last_gathering(by=request.user)
    if gathering is None:
        messages.error(request, _("There is no earlier gathering to copy."))
        return redirect("hr_gatherings:list")
    messages.success(request, _("A copy of the last gathering was created. Check the dates."))
    return redirect("hr_gatherings:edit", pk=gathering.pk)


@permission_required("gatherings.manage_gatherings")
@require_GET
def gathering_detail(request, pk):
    gathering = get_object_or_404(selectors.hr_gathering_list(), pk=pk)
    gathering = selectors.gathering_for_page(pk=gathering.pk)
    items = list(gathering.agenda_items.all())
    return render(
        request,
        "gatherings/hr/detail.html",
        {
            "gathering": gathering,
            "agenda": agenda.timed_items(gathering=gathering, items=items),
            "overrun": agenda.overrun_minutes(gathering=gathering, items=items),
            "counts": selectors.answer_counts(gathering=gathering),
            "audience_size": planning.audience_members(gathering=gathering).count(),
            "organiser_form": OrganiserForm(),
        },
    )


@permission_required("gatherings.manage_gatherings")
@require_http_methods(["GET", "POST"])
def gathering_edit(request, pk):
    gathering = get_object_or_404(Gathering, pk=pk)
    form = GatheringForm(request.POST or None, viewer=request.user, instance=gathering)
    contacts = HostContactFormSet(request.POST or None, instance=gathering, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        with transaction.atomic():
            # The form has written its values onto the instance; compare with the stored row.
            planning.update_gathering(
                gathering=Gathering.objects.get(pk=pk), changed=form.gathering_fields()
            )
            contacts.save()
        messages.success(request, _("The gathering was saved."))
        return redirect("hr_gatherings:detail", pk=pk)
    return render(
        request,
        "gatherings/hr/form.html",
        {"form": form, "contacts": contacts, "gathering": gathering, "creating": False},
    )


@permission_required("gatherings.manage_gatherings")
@require_POST
def gathering_publish(request, pk):
    """The first POST shows how many will be invited; only the confirmed one publishes."""
    gathering = get_object_or_404(Gathering, pk=pk)
    if gathering.status in (Gathering.Status.DRAFT, Gathering.Status.PUBLISHED) and (
        request.POST.get("confirm") != "1"
    ):
        count = planning.not_yet_invited(gathering=gathering).count()
        context = {"gathering": gathering, "count": count}
        return render(request, "gatherings/hr/publish_confirm.html", context)
    try:
        count = planning.publish_and_invite(gathering=gathering)
    except planning.TransitionError:
        messages.error(request, _("Only a draft or published gathering can be published."))
        return redirect("hr_gatherings:detail", pk=pk)
    messages.success(
        request,
        _("The gathering is published. %(count)s invitations are on their way.") % {"count": count},
    )
    return redirect("hr_gatherings:detail", pk=pk)


@permission_required("gatherings.manage_gatherings")
@require_POST
def gathering_cancel(request, pk):
    gathering = get_object_or_404(Gathering, pk=pk)
    try:
        planning.cancel_gathering(gathering=gathering)
    except planning.TransitionError:
        messages.error(request, _("This gathering cannot be cancelled."))
    else:
        messages.success(request, _("The gathering is cancelled. Attendees are told."))
    return redirect("hr_gatherings:detail", pk=pk)


@permission_required("gatherings.manage_gatherings")
@require_POST
def gathering_done(request, pk):
    gathering = get_object_or_404(Gathering, pk=pk)
    try:
        planning.mark_done(gathering=gathering)
    except planning.TransitionError:
        messages.error(request, _("Only a published gathering can be marked as held."))
    return redirect("hr_gatherings:detail", pk=pk)


@permission_required("gatherings.manage_gatherings")
@require_POST
def organiser_add(request, pk):
    gathering = get_object_or_404(Gathering, pk=pk)
    form = OrganiserForm(request.POST)
    if form.is_valid():
        # The same grant as on the roles page: the member is told by email, and it is logged.
        try:
            organiser_roles.grant_organiser(
                gathering=gathering, member=form.cleaned_data["member"], request=request
            )
        except RoleError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("The organiser was added."))
    else:
        messages.error(request, _("Choose a member."))
    return redirect("hr_gatherings:detail", pk=pk)


@permission_required("gatherings.manage_gatherings")
@require_POST
def organiser_remove(request, pk, organiser_pk):
    organiser = Organiser.objects.filter(pk=organiser_pk, gathering_id=pk).select_related(
        "member__user"
    )
    if found := organiser.first():
        organiser_roles.revoke_organiser(organiser=found, request=request)
    messages.success(request, _("The organiser was removed."))
    return redirect("hr_gatherings:detail", pk=pk)


@permission_required("gatherings.manage_gatherings")
@require_http_methods(["GET", "POST"])
def gathering_message(request, pk):
    gathering = get_object_or_404(Gathering, pk=pk)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        count = planning.message_confirmed(gathering=gathering, **form.cleaned_data)
        messages.success(
            request, _("The message is on its way to %(count)s attendees.") % {"count": count}
        )
        return redirect("gatherings:attendees", pk=pk)
    return render(request, "gatherings/hr/message.html", {"gathering": gathering, "form": form})


@permission_required("gatherings.manage_gatherings")
@require_GET
def host_rotation(request):
    rows, suggested = selectors.host_rotation(viewer=request.user)
    # Being open to hosting is shared with HR only by default: showing it is logged.
    audit.log_hr_only_views(
        viewer=request.user,
        profiles=[card for row in rows for card, _asked in row.contacts],
        what=audit.Detail.HOST_ROTATION,
        request=request,
    )
    return render(request, "gatherings/hr/hosts.html", {"rows": rows, "suggested": suggested})


@permission_required("gatherings.manage_gatherings")
@require_POST
def host_ask(request):
    """Email a member who is open to hosting: would their employer host a gathering?"""
    form = HostAskForm(request.POST)
    if not form.is_valid():
        raise Http404
    member, organisation = form.cleaned_data["member"], form.cleaned_data["organisation"]
    try:
        with transaction.atomic():
            hosting.ask_to_host(organisation=organisation, member=member, by=request.user)
    except hosting.NotAHostContact:
        messages.error(request, _("That member does not work there, or is not open to hosting."))
    else:
        messages.success(
            request,
            _("%(name)s is asked by email. Their answer comes to you.")
            % {"name": member.user.get_full_name() or member.user.email},
        )
    return redirect("hr_gatherings:hosts")
