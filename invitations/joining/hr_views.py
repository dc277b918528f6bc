"""HR's queue of requests to join."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from members import audit
from members.access import permission_required
from members.models import AuditLog

from ..models import JoinRequest, Leaver
from .forms import JoinDecisionForm
from .requests import approve_join_request, reject_join_request, suggest_matches

# Each waiting request is a panel with its register matches; twenty is a sitting.
PENDING_PAGE_SIZE = 20
DECIDED_PAGE_SIZE = 25


@permission_required("invitations.decide_join_requests")
@require_GET
def join_requests(request):
    waiting = JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).order_by(
        "created_at", "pk"
    )
    pending_page = Paginator(waiting, PENDING_PAGE_SIZE).get_page(request.GET.get("page"))
    pending = list(pending_page.object_list)
    decided = (
        JoinRequest.objects.exclude(status=JoinRequest.Status.PENDING)
        .select_related("leaver", "decided_by")
        .order_by("-decided_at", "-pk")
    )
    decided_page = Paginator(decided, DECIDED_PAGE_SIZE).get_page(request.GET.get("decided_page"))
    audit.record(
        request=request,
        action=AuditLog.Action.VIEW_PERSONAL_DATA,
        detail=audit.Detail.JOIN_REQUESTS,
        params={"count": len(pending)},
    )
    context = {
        "pending": [(item, suggestion) for item, suggestion in _with_suggestions(pending)],
        "pending_page": pending_page,
        "decided_page": decided_page,
    }
    return render(request, "invitations/hr/join_requests.html", context)


def _with_suggestions(pending):
    suggestions = suggest_matches(pending)
    for item in pending:
        yield item, suggestions.get(item.pk, [])


@permission_required("invitations.decide_join_requests")
@require_POST
def join_request_decide(request, pk: int):
    join_request = get_object_or_404(JoinRequest, pk=pk)
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("hr_invitations:join_requests")
    if form.cleaned_data["decision"] == JoinDecisionForm.APPROVE:
        leaver = None
        if leaver_id := form.cleaned_data.get("leaver"):
            leaver = get_object_or_404(Leaver, pk=leaver_id)
        done = approve_join_request(join_request=join_request, leaver=leaver, user=request.user)
        success = _("Approved. %(name)s gets an email with a link to join.")
    else:
        done = reject_join_request(join_request=join_request, user=request.user)
        success = _("Rejected. %(name)s gets a polite note.")
    if done:
        messages.success(request, success % {"name": join_request.name})
    else:
        messages.info(request, _("This request was already decided."))
    return redirect("hr_invitations:join_requests")
