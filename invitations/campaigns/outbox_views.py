"""HR pages of the outbox: every email, page by page, and one email with what happened to it."""

from csp.decorators import csp_replace
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from alumni_network.mail.kinds import kind_label
from alumni_network.mail.models import MailEvent, OutboxEmail
from alumni_network.mail.sent_copy import sent_copy
from alumni_network.mail.tracking import address_standing
from members import audit
from members.access import permission_required
from members.models import AuditLog

from .forms import OutboxFilterForm
from .hr_views import PREVIEW_FRAME_CSP

OUTBOX_PAGE_SIZE = 50


def _last_event_type():
    """The type of the provider's latest event about each row, in the row's own query."""
    return Subquery(
        MailEvent.objects.filter(outbox_email=OuterRef("pk"))
        .order_by("-occurred_at", "-pk")
        .values("type")[:1]
    )


@permission_required("invitations.run_campaigns")
@require_GET
def outbox(request):
    form = OutboxFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    counts = dict(OutboxEmail.objects.order_by().values_list("status").annotate(count=Count("pk")))
    rows = (
        OutboxEmail.objects.only(
            "kind",
            "to_email",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "sent_at",
            "next_attempt_at",
            "language",
        )
        .annotate(last_event=_last_event_type())
        .order_by("-created_at", "-pk")
    )
    if status:
        rows = rows.filter(status=status)
    page = Paginator(rows, OUTBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    event_labels = dict(MailEvent.Type.choices)
    for row in page.object_list:
        row.kind_label = kind_label(row.kind)
        row.last_event_label = event_labels.get(row.last_event, "")
    context = {
        "form": form,
        "status": status,
        "counts": [
            (value, label, counts.get(value, 0)) for value, label in OutboxEmail.Status.choices
        ],
        "page": page,
    }
    return render(request, "invitations/hr/outbox.html", context)


@permission_required("invitations.run_campaigns")
@require_GET
def outbox_email(request, pk: int):
    """One email as sent (its acting links hidden), its attempts and the provider's events."""
    row = get_object_or_404(OutboxEmail, pk=pk)
    # The page shows the address and the email's content: personal data.
    audit.record(
        request=request,
        action=AuditLog.Action.VIEW_PERSONAL_DATA,
        obj=row,
        detail=audit.Detail.OUTBOX_EMAIL,
        params={"number": row.pk, "kind": row.kind},
    )
    context = {
        "row": row,
        "kind_label": kind_label(row.kind),
        "copy": sent_copy(row),
        "part": "text" if request.GET.get("part") == "text" else "html",
        "events": list(row.events.all()),
        "standing": address_standing(row.to_email),
    }
    return render(request, "invitations/hr/outbox_email.html", context)


@permission_required("invitations.run_campaigns")
@require_GET
@xframe_options_sameorigin
@csp_replace(PREVIEW_FRAME_CSP)
def outbox_email_html(request, pk: int):
    """The HTML part alone, for the email page's sandboxed frame (logged by that page)."""
    row = get_object_or_404(OutboxEmail, pk=pk)
    return HttpResponse(sent_copy(row).html)
