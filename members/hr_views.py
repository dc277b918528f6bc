"""HR pages of the members app: competence search, jobs, news, guidelines, audit log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit, directory, guidelines, jobs
from .access import permission_required
from .exports import csv_text
from .forms import CompetenceSearchForm, GuidelinesForm, JobForm, NewsForm, OrganisationForm
from .models import (
    AuditLog,
    Competence,
    GuidelinesVersion,
    Job,
    JobInterest,
    Member,
    NewsItem,
    Organisation,
)
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
            what=f"competence search: {form.cleaned_data['competence']}",
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/hr/competence_search.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


@permission_required("members.manage_members")
@require_POST
def competence_export(request):
    """The shortlist as CSV, with only what HR may see, and formula-safe.

    POST: every export writes an audit line, and a GET never changes anything.
    """
    form = CompetenceSearchForm(request.POST)
    if not form.is_valid():
        return redirect("hr_members:competence_search")
    profiles = [
        visible_profile(member=m, viewer=request.user) for m in _competence_search(request, form)
    ]
    header = [
        _("Name"),
        _("Employer"),
        _("Title"),
        _("Location"),
        _("Competences"),
        _("Open to"),
        _("Personal email"),
        _("Phone"),
        _("LinkedIn"),
    ]
    rows = [
        [
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
        for p in profiles
    ]
    audit.record(
        actor=request.user,
        action=AuditLog.Action.EXPORT,
        detail=f"shortlist: {form.cleaned_data['competence']}",
        member_ids=[p.pk for p in profiles],
    )
    response = HttpResponse(
        csv_text(header=header, rows=rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="shortlist-{stamp}.csv"'
    return response


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
    audit.log_hr_only_views(viewer=request.user, profiles=[profile], what="HR member page")
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


@permission_required("members.view_audit_log")
@require_GET
def audit_log(request):
    page = Paginator(AuditLog.objects.select_related("actor"), 50).get_page(request.GET.get("page"))
    return render(request, "members/hr/audit_log.html", {"page": page})


ORGANISATION_PAGE_SIZE = 50


@permission_required("members.manage_members")
@require_GET
def organisation_list(request):
    organisations = Organisation.objects.annotate(member_count=Count("employees")).order_by("name")
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
    organisation = get_object_or_404(Organisation, pk=pk)
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
