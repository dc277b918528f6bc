"""HR pages of the members app: competence search, jobs, news, guidelines, audit log."""

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit, directory, guidelines, jobs
from .access import permission_required
from .exports import Table, export_format, export_response
from .forms import CompetenceSearchForm, GuidelinesForm, JobForm, NewsForm, OrganisationForm
from .models import (
    AuditLog,
    Competence,
    GuidelinesVersion,
    Job,
    JobInterest,
    Member,
    NewsItem,
)
from .organisations import seen_organisations
from .privacy import visible_profile
from .profiles import competences_for_names

SEARCH_PAGE_SIZE = 50


def _competence_search(request, form):
    filters = directory.DirectoryFilters(
        competence=form.cleaned_data["competence"],
        flag="open_to_returning" if form.cleaned_data["open_to_returning"] else "",
    )
    return directory.directory_members(viewer=request.user, filters=filters, hr=True)


@permission_required("members.manage_members")
@require_GET
def competence_search(request):
    form = CompetenceSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid():
        page = Paginator(_competence_search(request, form), SEARCH_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        page.profiles = [visible_profile(member=m, viewer=request.user) for m in page]
        audit.log_hr_only_views(
            viewer=request.user,
            profiles=page.profiles,
            what=audit.Detail.COMPETENCE_SEARCH,
            params={"competence": form.cleaned_data["competence"]},
            request=request,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/hr/competence_search.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


SHORTLIST_HEADER = (
    gettext_lazy("Name"),
    gettext_lazy("Employer"),
    gettext_lazy("Title"),
    gettext_lazy("Location"),
    gettext_lazy("Competences"),
    gettext_lazy("Open to"),
    gettext_lazy("Personal email"),
    gettext_lazy("Phone"),
    gettext_lazy("LinkedIn"),
)


def _shortlist_row(p) -> list:
    return [
        p.name,
        p.employer,
        p.title,
        p.location,
        ", ".join(p.competences),
        ", ".join(p.flags),
        p.personal_email,
        p.phone,
        p.linkedin_url,
    ]


@permission_required("members.manage_members")
@require_POST
def competence_export(request):
    """The shortlist as CSV or XLSX, with only what HR may see, and formula-safe.

    POST: every export writes an audit entry, and a GET never changes anything.
    """
    form = CompetenceSearchForm(request.POST)
    if not form.is_valid():
        return redirect("hr_members:competence_search")
    fmt = export_format(request.POST.get("format"))
    profiles = [
        visible_profile(member=m, viewer=request.user) for m in _competence_search(request, form)
    ]
    audit.record(
        request=request,
        action=AuditLog.Action.EXPORT,
        detail=audit.Detail.SHORTLIST_EXPORT,
        params={"format": fmt, "competence": form.cleaned_data["competence"]},
        member_ids=[p.pk for p in profiles],
    )
    table = Table(
        name=f"shortlist-{timezone.localdate().isoformat()}",
        header=SHORTLIST_HEADER,
        rows=(_shortlist_row(p) for p in profiles),
        sheet_title=_("Shortlist"),
    )
    return export_response(table=table, fmt=fmt)


MEMBER_EXPORT_HEADER = (
    gettext_lazy("Name"),
    gettext_lazy("Personal email"),
    gettext_lazy("Phone"),
    gettext_lazy("Employer"),
    gettext_lazy("Title"),
    gettext_lazy("Location"),
    gettext_lazy("LinkedIn"),
    gettext_lazy("Competences"),
    gettext_lazy("Languages"),
    gettext_lazy("Started (year)"),
    gettext_lazy("Left (year)"),
    gettext_lazy("Departments"),
    gettext_lazy("Open to"),
)


def _member_row(p) -> list:
    return [
        p.name,
        p.personal_email,
        p.phone,
        p.employer,
        p.title,
        p.location,
        p.linkedin_url,
        ", ".join(p.competences),
        p.languages,
        p.started_year,
        p.left_year,
        p.departments,
        ", ".join(p.flags),
    ]


def _exported_members():
    return (
        Member.objects.filter(user__is_active=True)
        .select_related("user", "employer")
        .prefetch_related(Prefetch("competences", queryset=Competence.objects.order_by("name")))
        .order_by("user__last_name", "user__first_name", "pk")
    )


@permission_required("members.manage_members")
@require_POST
def member_export(request):
    """Every active member as CSV or XLSX, each with only what HR may see (members.privacy)."""
    fmt = export_format(request.POST.get("format"))
    members = _exported_members()
    audit.record(
        request=request,
        action=AuditLog.Action.EXPORT,
        detail=audit.Detail.MEMBERS_EXPORT,
        params={"format": fmt},
        member_ids=members.values_list("pk", flat=True),
    )
    profiles = (
        visible_profile(member=m, viewer=request.user) for m in members.iterator(chunk_size=500)
    )
    table = Table(
        name=f"members-{timezone.localdate().isoformat()}",
        header=MEMBER_EXPORT_HEADER,
        rows=(_member_row(p) for p in profiles),
        sheet_title=_("Members"),
    )
    return export_response(table=table, fmt=fmt)


@permission_required("members.manage_members")
@require_GET
def member_detail(request, pk):
    member = get_object_or_404(
        Member.objects.select_related("user", "employer").prefetch_related(
            Prefetch("competences", queryset=Competence.objects.order_by("name"))
        ),
        pk=pk,
    )
    profile = visible_profile(member=member, viewer=request.user)
    audit.log_hr_only_views(
        viewer=request.user,
        profiles=[profile],
        what=audit.Detail.HR_MEMBER_PAGE,
        request=request,
    )
    return render(request, "members/hr/member_detail.html", {"profile": profile, "member": member})


@permission_required("members.manage_members")
@require_GET
def job_list(request):
    page = Paginator(jobs.interest_counts(), 25).get_page(request.GET.get("page"))
    return render(
        request, "members/hr/job_list.html", {"page": page, "today": timezone.localdate()}
    )


def _save_job(request, form):
    with transaction.atomic():
        job = form.save(commit=False)
        if job.created_by_id is None:
            job.created_by = request.user
        job.save()
        job.competences.set(competences_for_names(names=form.cleaned_data["competence_names"]))
    return job


@permission_required("members.manage_members")
@require_http_methods(["GET", "POST"])
def job_create(request):
    form = JobForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = _save_job(request, form)
        messages.success(request, _("The job is published."))
        return redirect("hr_members:job_detail", pk=job.pk)
    return render(request, "members/hr/job_form.html", {"form": form})


@permission_required("members.manage_members")
@require_http_methods(["GET", "POST"])
def job_edit(request, pk):
    job = get_object_or_404(Job, pk=pk)
    form = JobForm(request.POST or None, instance=job)
    if request.method == "POST" and form.is_valid():
        _save_job(request, form)
        messages.success(request, _("The job is saved."))
        return redirect("hr_members:job_detail", pk=job.pk)
    return render(request, "members/hr/job_form.html", {"form": form, "job": job})


@permission_required("members.manage_members")
@require_GET
def job_detail(request, pk):
    job = get_object_or_404(
        Job.objects.annotate(interest_count=Count("interests")).prefetch_related("competences"),
        pk=pk,
    )
    interests = JobInterest.objects.filter(job=job).select_related(
        "member__user", "member__employer"
    )
    return render(request, "members/hr/job_detail.html", {"job": job, "interests": interests})


@permission_required("members.manage_members")
@require_POST
def job_delete(request, pk):
    job = get_object_or_404(Job, pk=pk)
    job.delete()
    messages.success(request, _("The job is deleted."))
    return redirect("hr_members:job_list")


@permission_required("members.manage_members")
@require_GET
def news_list(request):
    page = Paginator(NewsItem.objects.order_by("-published_at", "-pk"), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "members/hr/news_list.html", {"page": page})


@permission_required("members.manage_members")
@require_http_methods(["GET", "POST"])
def news_create(request):
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.created_by = request.user
        item.save()
        messages.success(request, _("The news is published."))
        return redirect("hr_members:news_list")
    return render(request, "members/hr/news_form.html", {"form": form})


@permission_required("members.manage_members")
@require_http_methods(["GET", "POST"])
def news_edit(request, pk):
    item = get_object_or_404(NewsItem, pk=pk)
    form = NewsForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The news is saved."))
        return redirect("hr_members:news_list")
    return render(request, "members/hr/news_form.html", {"form": form, "item": item})


@permission_required("members.manage_members")
@require_POST
def news_delete(request, pk):
    get_object_or_404(NewsItem, pk=pk).delete()
    messages.success(request, _("The news is deleted."))
    return redirect("hr_members:news_list")


@permission_required("members.manage_members")
@require_http_methods(["GET", "POST"])
def guidelines_versions(request):
    current = guidelines.current_guidelines()
    initial = {"text_nb": current.text_nb, "text_en": current.text_en} if current else None
    form = GuidelinesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        guidelines.publish_guidelines(
            text_nb=form.cleaned_data["text_nb"],
            text_en=form.cleaned_data["text_en"],
            by=request.user,
        )
        messages.success(
            request, _("The new guidelines are published. Members accept them at their next visit.")
        )
        return redirect("hr_members:guidelines")
    versions = GuidelinesVersion.objects.annotate(acceptance_count=Count("acceptances"))
    return render(
        request,
        "members/hr/guidelines.html",
        {
            "form": form,
            "versions": versions,
            "current": current,
            "member_count": Member.objects.filter(user__is_active=True).count(),
        },
    )


AUDIT_PAGE_SIZE = 50


class AuditLogFilterForm(forms.Form):
    """The audit log's filter: a GET form, so it works without JavaScript and can be bookmarked."""

    action = forms.ChoiceField(label=gettext_lazy("What"), required=False)
    who = forms.CharField(
        label=gettext_lazy("Who"),
        required=False,
        max_length=254,
        help_text=gettext_lazy("Part of the email address of the person who acted."),
    )
    object_type = forms.ChoiceField(label=gettext_lazy("Object type"), required=False)
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, object_types=(), **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AuditLog.Action.choices]
        self.fields["object_type"].choices = [
            ("", _("All object types")),
            *[(label, _object_type_label(label)) for label in object_types],
        ]

    def filters(self) -> dict:
        return self.cleaned_data if self.is_bound and self.is_valid() else {}


def _object_type_label(label: str) -> str:
    """A model label ("invitations.leaver") as its name ("leaver"), or as it is if unknown."""
    try:
        return capfirst(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


@permission_required("members.view_audit_log")
@require_GET
def audit_log(request):
    """The audit log for superusers: read only, filtered by a GET form, paginated."""
    types = audit.object_types()
    form = AuditLogFilterForm(request.GET or None, object_types=types)
    entries = audit.filtered_entries(**form.filters())
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    labels = {label: _object_type_label(label) for label in types}
    for entry in page:
        entry.object_label = labels.get(entry.object_type, entry.object_type)
    return render(
        request,
        "members/hr/audit_log.html",
        {"page": page, "form": form, "is_filtered": any(form.filters().values())},
    )


ORGANISATION_PAGE_SIZE = 50


@permission_required("members.manage_members")
@require_GET
def organisation_list(request):
    organisations = seen_organisations(viewer=request.user).order_by("name")
    page = Paginator(organisations, ORGANISATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/hr/organisation_list.html", {"page": page})


@permission_required("members.manage_members")
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The organisation is added."))
        return redirect("hr_members:organisation_list")
    return render(request, "members/hr/organisation_form.html", {"form": form})


@permission_required("members.manage_members")
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk):
    organisation = get_object_or_404(seen_organisations(viewer=request.user), pk=pk)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The organisation is saved."))
        return redirect("hr_members:organisation_list")
    return render(
        request,
        "members/hr/organisation_form.html",
        {"form": form, "organisation": organisation},
    )
