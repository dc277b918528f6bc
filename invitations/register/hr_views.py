"""HR pages of the leavers register: the list, a leaver, segments and the import wizard."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, ProtectedError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from alumni_network.mail.tracking import address_standing
from members import audit
from members.access import permission_required
from members.exports import export_format, export_response
from members.models import AuditLog

from ..models import Leaver, RegisterImport, Segment
from .editing import HAND_EDIT_FILE_NAME, EmailTaken, edit_leaver, leaver_timeline
from .exports import import_errors_table, register_table
from .files import FileUnreadable
from .filters import (
    DEFAULT_SORT,
    FILTER_KEYS,
    SORTS,
    create_segment,
    filter_leavers,
    saved_filters,
    sort_leavers,
)
from .forms import LeaverEditForm, MappingForm, RegisterFilterForm, SegmentForm, UploadForm
from .imports import (
    current_progress,
    request_commit,
    request_preview,
    start_import,
)
from .mapping import FIELDS, REASON
from .retention import (
    CannotErase,
    due_for_purge,
    erase_leaver,
    purged_soon,
    retention_period,
)

PAGE_SIZE = 50
IMPORT_PAGE_SIZE = 10


def _filter_options() -> dict[str, list[str]]:
    return {
        name: list(
            Leaver.objects.exclude(**{name: ""})
            .order_by(name)
            .values_list(name, flat=True)
            .distinct()
        )
        for name in ("department", "location", "title")
    }


@permission_required("invitations.manage_register")
@require_GET
def register(request):
    form = RegisterFilterForm(request.GET or None, options=_filter_options())
    filters = form.filters()
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else DEFAULT_SORT
    leavers = sort_leavers(filter_leavers(Leaver.objects.all(), filters=filters), sort)
    page = Paginator(leavers, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    context = {
        "form": form,
        "page": page,
        "sort": sort,
        "query": query.urlencode(),
        "sort_query": sort_query.urlencode(),
        "filter_items": [(key, request.GET[key]) for key in FILTER_KEYS if request.GET.get(key)],
        "segment_form": SegmentForm(),
        "is_filtered": bool(filters),
    }
    return render(request, "invitations/hr/register.html", context)


@permission_required("invitations.manage_register")
@require_GET
def leaver_detail(request, pk: int):
    leaver = get_object_or_404(Leaver.objects.select_related("member__user"), pk=pk)
    audit.record(
        request=request,
        action=AuditLog.Action.VIEW_PERSONAL_DATA,
        obj=leaver,
        detail=audit.Detail.LEAVER_PAGE,
        member_ids=[leaver.member_id] if leaver.member_id else (),
    )
    timeline = leaver_timeline(leaver=leaver, label_changes=_labelled_changes)
    context = {
        "leaver": leaver,
        "standing": address_standing(leaver.email) if leaver.email else None,
        "timeline": timeline,
        # The register's own changes alone, (change, [(label, old, new)]), as before.
        "history": [(entry.change, entry.changes) for entry in timeline if entry.change],
        "segments": leaver.segments.all(),
    }
    return render(request, "invitations/hr/leaver_detail.html", context)


@permission_required("invitations.manage_register")
@require_http_methods(["GET", "POST"])
def leaver_edit(request, pk: int):
    """Correct a leaver's name, email or phone by hand; the change goes in their history."""
    leaver = get_object_or_404(Leaver, pk=pk)
    form = LeaverEditForm(request.POST or None, leaver=leaver)
    if request.method == "POST" and form.is_valid():
        try:
            changes = edit_leaver(leaver=leaver, values=form.cleaned_data, user=request.user)
        except EmailTaken:
            form.add_error("email", _("Another leaver already has this address in the register."))
        else:
            return _after_edit(request, leaver=leaver, changes=changes)
    return render(request, "invitations/hr/leaver_edit.html", {"leaver": leaver, "form": form})


def _after_edit(request, *, leaver, changes):
    if not changes:
        messages.info(request, _("Nothing was changed."))
        return redirect("hr_invitations:leaver_detail", pk=leaver.pk)
    # Personal data was written, not only read; the log has no action of its own for
    # that, so the nearest one carries which fields (never their values).
    audit.record(
        request=request,
        action=AuditLog.Action.VIEW_PERSONAL_DATA,
        obj=leaver,
        detail=audit.Detail.LEAVER_EDITED,
        params={"fields": [name for name in changes if name != "status"]},
        member_ids=[leaver.member_id] if leaver.member_id else (),
    )
    if changes.get("status", [None, None])[1] == Leaver.Status.SUPPRESSED:
        messages.warning(
            request,
            _("Saved. This address is on the do-not-contact list, so the leaver is not invited."),
        )
    else:
        messages.success(request, _("Saved. The change is in the leaver's history."))
    return redirect("hr_invitations:leaver_detail", pk=leaver.pk)


@permission_required("invitations.manage_register")
@require_GET
def segments(request):
    segment_list = (
        Segment.objects.select_related("created_by")
        .annotate(chosen_count=Count("leavers"))
        .order_by("-created_at", "-pk")
    )
    page = Paginator(segment_list, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "invitations/hr/segments.html", {"page": page})


@permission_required("invitations.manage_register")
@require_POST
def segment_create(request):
    form = SegmentForm(request.POST)
    filter_form = RegisterFilterForm(request.POST, options=_filter_options())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(reverse("hr_invitations:register") + "?" + _filter_query(request.POST))
    ids = form.cleaned_data["leaver"] if form.cleaned_data["scope"] == "chosen" else []
    segment = create_segment(
        name=form.cleaned_data["name"],
        filters=filter_form.filters(),
        leaver_ids=ids,
        user=request.user,
    )
    messages.success(request, _("Segment “%(name)s” saved.") % {"name": segment.name})
    return redirect("hr_invitations:segments")


def _filter_query(data) -> str:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key in RegisterFilterForm.base_fields:
        if value := data.get(key):
            query[key] = value
    return query.urlencode()


# The import wizard ---------------------------------------------------------------------


@permission_required("invitations.manage_register")
@require_http_methods(["GET", "POST"])
def import_start(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            register_import = start_import(
                uploaded_file=form.cleaned_data["file"], user=request.user
            )
        except FileUnreadable as error:
            form.add_error("file", str(error))
        else:
            return redirect("hr_invitations:import_detail", pk=register_import.pk)
    imports = (
        RegisterImport.objects.select_related("uploaded_by")
        .exclude(file_name=HAND_EDIT_FILE_NAME)
        .order_by("-created_at", "-pk")
    )
    page = Paginator(imports, IMPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "invitations/hr/import_start.html", {"form": form, "page": page})


@permission_required("invitations.manage_register")
@require_http_methods(["GET", "POST"])
def import_detail(request, pk: int):
    register_import = get_object_or_404(RegisterImport.objects.select_related("uploaded_by"), pk=pk)
    status = RegisterImport.Status
    remapping = request.GET.get("step") == "map" or request.POST.get("action") == "map"
    if register_import.status == status.PENDING or (
        register_import.status == status.PREVIEWED and remapping
    ):
        return _mapping_step(request, register_import)
    if register_import.status == status.PREVIEWED:
        if request.method == "POST":
            if request_commit(register_import_id=register_import.pk):
                audit.record(
                    request=request,
                    action=AuditLog.Action.IMPORT,
                    obj=register_import,
                    detail=audit.Detail.IMPORT_COMMITTED,
                    params={
                        "file_name": register_import.file_name,
                        "rows": register_import.total_rows,
                    },
                )
            else:
                messages.warning(request, _("This import is already running or done."))
            return redirect("hr_invitations:import_detail", pk=register_import.pk)
        return _preview_step(request, register_import)
    if request.method == "POST":
        return redirect("hr_invitations:import_detail", pk=register_import.pk)
    context = {"import": register_import, "progress": current_progress(register_import)}
    return render(request, "invitations/hr/import_result.html", context)


def _mapping_step(request, register_import):
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        headers=register_import.headers,
        mapping=register_import.mapping,
    )
    if request.method == "POST" and form.is_valid():
        # A worker checks the rows; the import's page shows its progress meanwhile.
        if not request_preview(register_import_id=register_import.pk, mapping=form.mapping()):
            messages.warning(request, _("This import is already running or done."))
        return redirect("hr_invitations:import_detail", pk=register_import.pk)
    context = {"import": register_import, "form": form}
    return render(request, "invitations/hr/import_mapping.html", context)


PREVIEW_ERRORS_SHOWN = 200


def _preview_step(request, register_import):
    report = register_import.report
    context = {
        "import": register_import,
        "errors": report.get("errors", [])[:PREVIEW_ERRORS_SHOWN],
        "errors_hidden": register_import.error_count
        - min(register_import.error_count, PREVIEW_ERRORS_SHOWN),
        "sample": _labelled_sample(report.get("sample", [])),
        "notes": report.get("notes", []),
        "mapped": [
            (header, FIELDS.get(name), name == REASON)
            for header, name in zip(register_import.headers, register_import.mapping, strict=False)
        ],
    }
    return render(request, "invitations/hr/import_preview.html", context)


def _labelled_changes(changes) -> list[tuple[str, str, str]]:
    """(label, old, new) for stored {field: [old, new]} pairs, dates as the reader writes them."""
    labels = {**FIELDS, "status": _("Status")}
    statuses = dict(Leaver.Status.choices)
    labelled = []
    for name, (old, new) in changes:
        if name == "status":
            old, new = statuses.get(old, old), statuses.get(new, new)
        elif name in ("hired_on", "left_on"):
            old, new = _display_date(old), _display_date(new)
        labelled.append((labels.get(name, name), old, new))
    return labelled


def _display_date(value):
    if not value:
        return value
    year, month, day = str(value).split("-")
    return f"{day}.{month}.{year}"


def _labelled_sample(sample: list[dict]) -> list[dict]:
    return [
        {**item, "changes": _labelled_changes((n, (o, v)) for n, o, v in item["changes"])}
        for item in sample
    ]


@permission_required("invitations.manage_register")
@require_GET
def import_progress(request, pk: int):
    """The progress bar, polled by htmx; when the preview or the commit ends the page reloads."""
    register_import = get_object_or_404(RegisterImport, pk=pk)
    context = {"import": register_import, "progress": current_progress(register_import)}
    if not request.htmx:
        return render(request, "invitations/hr/import_result.html", context)
    running = (RegisterImport.Status.PREVIEWING, RegisterImport.Status.COMMITTING)
    if register_import.status not in running:
        return HttpResponseClientRefresh()
    return render(request, "invitations/hr/import_result.html#progress", context)


@permission_required("invitations.manage_register")
@require_GET
def import_errors(request, pk: int):
    """The rows that were skipped, with the reason, to fix and upload again (a logged download).

    A GET, as the import's pages link it; the audit entry is the only thing it writes.
    """
    register_import = get_object_or_404(RegisterImport, pk=pk, error_count__gt=0)
    audit.record(
        request=request,
        action=AuditLog.Action.DOWNLOAD,
        obj=register_import,
        detail=audit.Detail.IMPORT_ERRORS,
        params={"file_name": register_import.file_name},
    )
    return export_response(table=import_errors_table(register_import=register_import), fmt="csv")


@permission_required("invitations.manage_register")
@require_POST
def register_export(request):
    """The register as the page's filter and sort show it, as CSV or XLSX (a logged POST)."""
    form = RegisterFilterForm(request.POST, options=_filter_options())
    filters = form.filters()
    sort = request.POST.get("sort") if request.POST.get("sort") in SORTS else DEFAULT_SORT
    leavers = sort_leavers(filter_leavers(Leaver.objects.all(), filters=filters), sort)
    fmt = export_format(request.POST.get("format"))
    audit.record(
        request=request,
        action=AuditLog.Action.EXPORT,
        detail=audit.Detail.REGISTER_EXPORT,
        params={"format": fmt, "count": leavers.count(), "filter": saved_filters(filters)},
    )
    return export_response(table=register_table(leavers=leavers), fmt=fmt)


@permission_required("invitations.manage_register")
@require_GET
def retention(request):
    soon = purged_soon().only("first_name", "last_name", "email", "status", "created_at")
    page = Paginator(soon, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "retention_days": retention_period().days,
        "due_now": due_for_purge().count(),
        "page": page,
    }
    return render(request, "invitations/hr/retention.html", context)


@permission_required("invitations.manage_register")
@require_http_methods(["GET", "POST"])
def leaver_erase(request, pk: int):
    leaver = get_object_or_404(Leaver, pk=pk)
    if leaver.member_id:
        return render(request, "invitations/hr/leaver_erase.html", {"leaver": leaver}, status=409)
    if request.method == "POST":
        try:
            erase_leaver(leaver=leaver, by=request.user, request=request)
        except CannotErase:
            return render(
                request, "invitations/hr/leaver_erase.html", {"leaver": leaver}, status=409
            )
        messages.success(
            request,
            _("The leaver is erased. Their address stays blocked so no import invites them again."),
        )
        return redirect("hr_invitations:register")
    return render(request, "invitations/hr/leaver_erase.html", {"leaver": leaver})


class SegmentRenameForm(forms.ModelForm):
    class Meta:
        model = Segment
        fields = ["name"]
        labels = {"name": gettext_lazy("Segment name")}


@permission_required("invitations.manage_register")
@require_http_methods(["GET", "POST"])
def segment_edit(request, pk: int):
    segment = get_object_or_404(Segment, pk=pk)
    form = SegmentRenameForm(request.POST or None, instance=segment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The segment is renamed."))
        return redirect("hr_invitations:segments")
    campaigns = segment.campaigns.order_by("-created_at")
    return render(
        request,
        "invitations/hr/segment_edit.html",
        {"segment": segment, "form": form, "campaigns": campaigns},
    )


@permission_required("invitations.manage_register")
@require_POST
def segment_delete(request, pk: int):
    segment = get_object_or_404(Segment, pk=pk)
    try:
        segment.delete()
    except ProtectedError:
        # A campaign keeps the segment it invited, so its funnel stays explainable.
        messages.error(request, _("A campaign uses this segment, so it cannot be deleted."))
        return redirect("hr_invitations:segment_edit", pk=segment.pk)
    messages.success(request, _("The segment is deleted. The leavers in it are not touched."))
    return redirect("hr_invitations:segments")
