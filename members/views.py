"""Pages of the member area: home, profile, directory, jobs, news, guidelines, own data."""

import json

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.db.models import Prefetch, prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import audit, directory, guidelines, jobs, news, owndata, profiles
from .access import has_mfa, member_asking, permission_required, request_member
from .forms import DeleteAccountForm, DirectorySearchForm, ProfileForm, suggestion_term
from .guidelines import guidelines_gate
from .models import Competence, Member
from .privacy import can_view_profile, visible_groups, visible_profile

DIRECTORY_PAGE_SIZE = 24

# Pages of the upcoming gatherings etc. hook in here: each entry is a function
# (request, member) -> (template name, context) or None, rendered on the home page.
HOME_SECTIONS: list = []


@permission_required("members.open_member_area")
@guidelines_gate
@require_GET
def member_home(request):
    member = request_member(request.user)
    context = {
        "member": member,
        "has_mfa": has_mfa(request.user),
        "news_items": news.latest_news(limit=3),
        "home_sections": [
            section for hook in HOME_SECTIONS if (section := hook(request, member)) is not None
        ],
    }
    if member is not None:
        prefetch_related_objects([member], "competences")  # profile_completion reads them
        context |= {
            "matching_jobs": jobs.matching_jobs(member=member, limit=3),
            "completion": profiles.profile_completion(member=member),
            "confirm_employment": profiles.employment_needs_confirmation(member=member),
        }
    return render(request, "members/home.html", context)


@permission_required("members.change_member", fn=member_asking)
@guidelines_gate
@require_http_methods(["GET", "POST"])
def profile_edit(request, member):
    prefetch_related_objects([member], "competences")  # the form and the completion read them
    form = ProfileForm(request.POST or None, request.FILES or None, instance=member)
    if request.method == "POST" and form.is_valid():
        form.apply_user_fields()
        profiles.save_profile(
            member=form.save(commit=False),
            competence_names=form.cleaned_data["competence_list"],
            employer_name=form.cleaned_data["employer_name"],
            employment_changed=form.employment_changed,
            photo=form.cleaned_data.get("photo_upload"),
            remove_photo=form.cleaned_data.get("remove_photo", False),
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("members:profile", pk=member.pk)
    return render(
        request,
        "members/profile_form.html",
        {"form": form, "member": member, "completion": profiles.profile_completion(member=member)},
    )


@permission_required("members.change_member", fn=member_asking)
@guidelines_gate
@require_POST
def employment_confirm(request, member):
    profiles.confirm_employment(member=member)
    messages.success(request, _("Thank you: your employer is confirmed for another year."))
    return redirect("members:home")


@permission_required("members.open_member_area")
@require_GET
def competence_options(request):
    """htmx: <option>s for the competence field's datalist.

    In a comma-separated field the browser matches the whole value, so each
    suggestion is offered as the text typed so far with its last part completed.
    """
    value = suggestion_term(
        next((v for k, v in request.GET.items() if k != "csrfmiddlewaretoken"), "")
    )
    if value is None:
        return HttpResponse(status=204)
    head, _sep, term = value.rpartition(",")
    prefix = f"{head.strip()}, " if head.strip() else ""
    names = profiles.competence_suggestions(viewer=request.user, term=term)
    if not names:
        return HttpResponse(status=204)  # htmx leaves the datalist as it is
    return render(
        request,
        "members/competence_options.html",
        {"options": [prefix + name for name in names]},
    )


@permission_required("members.open_member_area")
@guidelines_gate
@require_GET
def directory_search(request):
    form = DirectorySearchForm(request.GET)
    page, filters = None, None
    if form.is_valid():
        filters = directory.DirectoryFilters(
            **{k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        )
        page = directory.directory_page(
            viewer=request.user,
            filters=filters,
            number=request.GET.get("page"),
            per_page=DIRECTORY_PAGE_SIZE,
        )
        audit.log_hr_only_views(
            viewer=request.user,
            profiles=page.profiles,
            what=audit.Detail.DIRECTORY,
            request=request,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/directory.html",
        {
            "form": form,
            "page": page,
            "searched": filters is not None and filters != directory.DirectoryFilters(),
            "wordless_query": bool(filters and filters.q and not directory.has_words(filters.q)),
            "query": query.urlencode(),
        },
    )


def _profile_queryset():
    return Member.objects.select_related("user", "employer").prefetch_related(
        Prefetch("competences", queryset=Competence.objects.order_by("name"))
    )


@permission_required("members.open_member_area")
@guidelines_gate
@require_GET
def directory_profile(request, pk):
    member = get_object_or_404(_profile_queryset(), pk=pk)
    if not can_view_profile(member=member, viewer=request.user):
        raise Http404
    profile = visible_profile(member=member, viewer=request.user)
    audit.log_hr_only_views(
        viewer=request.user,
        profiles=[profile],
        what=audit.Detail.DIRECTORY_PROFILE,
        request=request,
    )
    return render(
        request,
        "members/profile.html",
        {
            "profile": profile,
            "is_own": member.user_id == request.user.pk,
        },
    )


@permission_required("members.open_member_area")
@require_GET
def photo(request, pk):
    """A profile photo, only for those the member shows it to."""
    member = get_object_or_404(Member.objects.select_related("user"), pk=pk)
    if not member.photo or "photo" not in visible_groups(member=member, viewer=request.user):
        raise Http404
    response = FileResponse(member.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@permission_required("members.open_member_area")
@guidelines_gate
@require_GET
def job_list(request):
    member = request_member(request.user)
    job_page = Paginator(jobs.jobs_for_member(member=member), 20).get_page(request.GET.get("page"))
    return render(request, "members/job_list.html", {"page": job_page, "member": member})


@permission_required("members.open_member_area")
@guidelines_gate
@require_GET
def job_detail(request, pk):
    member = request_member(request.user)
    job = get_object_or_404(jobs.jobs_for_member(member=member), pk=pk)
    return render(request, "members/job_detail.html", {"job": job, "member": member})


@permission_required("members.change_member", fn=member_asking)
@guidelines_gate
@require_POST
def job_interest(request, member, pk):
    job = get_object_or_404(jobs.open_jobs(), pk=pk)
    interested = request.POST.get("interested") != "0"
    jobs.set_interest(member=member, job=job, interested=interested)
    if interested:
        messages.success(request, _("Thank you: HR can see that you are interested."))
    else:
        messages.info(request, _("Your interest is withdrawn."))
    return redirect("members:job_detail", pk=job.pk)


@permission_required("members.open_member_area")
@guidelines_gate
@require_GET
def news_list(request):
    news_page = Paginator(news.published_news(), 10).get_page(request.GET.get("page"))
    return render(request, "members/news_list.html", {"page": news_page})


@permission_required("members.open_member_area")
@require_http_methods(["GET", "POST"])
def guidelines_page(request):
    member = request_member(request.user)
    version = guidelines.current_guidelines(member=member)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST":
        if member is None or version is None:
            raise Http404
        if str(version.pk) != request.POST.get("version"):
            messages.warning(request, _("The guidelines changed while you read them."))
            return redirect("members:guidelines")
        guidelines.accept_guidelines(member=member, version=version)
        messages.success(request, _("Thank you for accepting the guidelines."))
        return redirect(next_url or "members:home")
    return render(
        request,
        "members/guidelines.html",
        {
            "version": version,
            "text": version.text_for(get_language()) if version else "",
            "member": member,
            "next": next_url,
        },
    )


@permission_required("members.change_member", fn=member_asking)
@guidelines_gate
@require_GET
def my_data(request, member):
    return render(request, "members/my_data.html", {"member": member})


@permission_required("members.change_member", fn=member_asking)
@guidelines_gate
@never_cache
@require_POST
def my_data_download(request, member):
    # POST: the download writes an audit line, and a GET never changes anything.
    data = owndata.export_member_data(member=member, request=request)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@permission_required("members.change_member", fn=member_asking)
@guidelines_gate
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def account_delete(request, member):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        owndata.erase_member(member=member)
        logout(request)
        messages.success(request, _("Your account and your personal data are erased. Goodbye!"))
        return redirect("home")
    return render(request, "members/account_delete.html", {"form": form})
