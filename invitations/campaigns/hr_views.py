"""HR pages of campaigns and the outbox."""

from dataclasses import dataclass
from urllib.parse import urlencode

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import messages
from django.core.mail import EmailMultiAlternatives
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alumni_network.mail.models import OutboxEmail
from alumni_network.mail.rendering import TemplateCache, render_message
from members import audit
from members.access import permission_required
from members.exports import export_format, export_response
from members.models import AuditLog

from ..models import Campaign, Leaver, Segment
from .audience import EXCLUSION_REASONS, audience, excluded_sample, recipients
from .emails import INVITATION_KIND, REMINDER_KIND
from .exports import campaign_results_table
from .forms import (
    CampaignCreateForm,
    CampaignMessageForm,
    PreviewForm,
    ScheduleForm,
    TestSendForm,
)
from .funnel import Funnel as CampaignFunnel
from .funnel import campaign_funnels, overall_funnel
from .lifecycle import (
    create_campaign,
    pause_campaign,
    resume_campaign,
    sample_data,
    schedule_campaign,
    send_campaign_now,
    send_test,
    stop_campaign,
    unschedule_campaign,
)
from .placeholders import fill_shared_placeholders

PREVIEW_CHOICES = 200
CAMPAIGN_PAGE_SIZE = 25


@permission_required("invitations.run_campaigns")
@require_GET
def campaign_list(request):
    campaigns = Campaign.objects.select_related("segment", "created_by").order_by(
        "-created_at", "-pk"
    )
    page = Paginator(campaigns, CAMPAIGN_PAGE_SIZE).get_page(request.GET.get("page"))
    funnels = campaign_funnels()
    rows = [(campaign, funnels.get(campaign.pk, CampaignFunnel())) for campaign in page]
    context = {"rows": rows, "page": page, "overall": overall_funnel(funnels)}
    return render(request, "invitations/hr/campaigns.html", context)


@permission_required("invitations.run_campaigns")
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    if request.method == "POST":
        form = CampaignCreateForm(request.POST)
        if form.is_valid():
            campaign = create_campaign(
                name=form.cleaned_data["name"],
                segment=form.cleaned_data["segment"],
                user=request.user,
            )
            messages.success(
                request, _("Campaign created with the default message. Check it below.")
            )
            return redirect("hr_invitations:campaign_detail", pk=campaign.pk)
        chosen = request.POST.get("segment", "")
    else:
        # Choosing a segment only shows its audience: no errors for the empty name yet.
        chosen = request.GET.get("segment", "")
        form = CampaignCreateForm(
            initial={"name": request.GET.get("name", ""), "segment": chosen or None}
        )
    segment = Segment.objects.filter(pk=int(chosen)).first() if chosen.isdecimal() else None
    context = {
        "form": form,
        "segment": segment,
        "audience": audience(segment=segment) if segment else None,
    }
    if request.htmx and request.method == "GET":
        return render(request, "invitations/hr/campaign_create.html#audience", context)
    return render(request, "invitations/hr/campaign_create.html", context)


def _campaign(pk: int) -> Campaign:
    return get_object_or_404(Campaign.objects.select_related("segment", "created_by"), pk=pk)


@permission_required("invitations.run_campaigns")
@require_GET
def campaign_detail(request, pk: int):
    campaign = _campaign(pk)
    language = "en" if get_language() == "en" else "nb"
    context = {
        "campaign": campaign,
        # As recipients read it: {network} filled, {first_name} left for each to fill.
        "subject": fill_shared_placeholders(campaign.subject_for(language), language=language),
        "funnel": campaign_funnels(campaign_ids=[campaign.pk]).get(campaign.pk, CampaignFunnel()),
        "schedule_form": ScheduleForm(
            initial={"scheduled_at": timezone.localtime(campaign.scheduled_at)}
            if campaign.scheduled_at
            else None
        ),
        "test_form": TestSendForm(initial={"language": request.user.language or "nb"}),
    }
    if campaign.is_editable:
        context["audience"] = audience(segment=campaign.segment)
        context["excluded"] = excluded_sample(segment=campaign.segment)
        context["reasons"] = list(EXCLUSION_REASONS.items())
    return render(request, "invitations/hr/campaign_detail.html", context)


@permission_required("invitations.run_campaigns")
@require_GET
def campaign_progress(request, pk: int):
    if not request.htmx:
        # Opened as a page (no JavaScript, or a bookmark): the whole campaign page.
        return campaign_detail(request, pk)
    campaign = _campaign(pk)
    funnel = campaign_funnels(campaign_ids=[campaign.pk]).get(campaign.pk, CampaignFunnel())
    return render(
        request,
        "invitations/hr/campaign_detail.html#progress",
        {"campaign": campaign, "funnel": funnel},
    )


@permission_required("invitations.run_campaigns")
@require_http_methods(["GET", "POST"])
def campaign_edit(request, pk: int):
    campaign = _campaign(pk)
    if not campaign.is_editable:
        messages.warning(request, _("The campaign has started; its message goes out as it was."))
    form = CampaignMessageForm(request.POST or None, instance=campaign)
    if request.method == "POST" and campaign.is_editable and form.is_valid():
        form.save()
        messages.success(request, _("Message saved."))
        return redirect("hr_invitations:campaign_detail", pk=campaign.pk)
    return render(
        request, "invitations/hr/campaign_edit.html", {"campaign": campaign, "form": form}
    )


@dataclass
class Preview:
    """One campaign email as a chosen recipient gets it, and the form that chose them."""

    form: PreviewForm
    leaver: Leaver | None
    message: EmailMultiAlternatives
    query: str

    @property
    def html(self) -> str:
        return next(
            (content for content, mimetype in self.message.alternatives if mimetype == "text/html"),
            "",
        )


def _preview(request, campaign: Campaign) -> Preview:
    """Render the email for the recipient, language and kind the query names."""
    if campaign.has_started:
        people = Leaver.objects.filter(invitations__campaign=campaign)
    else:
        people = recipients(segment=campaign.segment)
    people = people.order_by("last_name", "first_name", "pk")
    choices = list(people[:PREVIEW_CHOICES])
    form = PreviewForm(request.GET or None, leavers=choices)
    leaver_id = request.GET.get("leaver", "")
    leaver = people.filter(pk=int(leaver_id)).first() if leaver_id.isdecimal() else None
    leaver = leaver or (choices[0] if choices else None)
    language = request.GET.get("language") if request.GET.get("language") in ("nb", "en") else "nb"
    kind = REMINDER_KIND if request.GET.get("kind") == "reminder" else INVITATION_KIND
    data = sample_data(campaign=campaign, leaver=leaver)
    if kind == REMINDER_KIND:
        data["invited_at"] = (campaign.started_at or timezone.now()).isoformat()
    # An unsaved row rendered by the outbox's own code: the preview is the email.
    row = OutboxEmail(
        kind=kind,
        to_email=leaver.email if leaver else request.user.email,
        language=language,
        bulk=True,
        data=data,
        object_id=0,
        reply_to=campaign.reply_address(),
    )
    message = render_message(row, templates=TemplateCache())
    if leaver and not form.is_bound:
        form = PreviewForm(initial={"leaver": leaver.pk, "language": language}, leavers=choices)
    query = urlencode(
        {
            "leaver": leaver.pk if leaver else "",
            "language": language,
            "kind": "reminder" if kind == REMINDER_KIND else "invitation",
        }
    )
    return Preview(form=form, leaver=leaver, message=message, query=query)


@permission_required("invitations.run_campaigns")
@require_GET
def campaign_preview(request, pk: int):
    """The email as recipients get it: the HTML part in a sandboxed frame, or the text part."""
    campaign = _campaign(pk)
    preview = _preview(request, campaign)
    if preview.leaver:
        # Logged here, not in the frame: the frame shows what this page has just logged.
        audit.record(
            request=request,
            action=AuditLog.Action.VIEW_PERSONAL_DATA,
            obj=preview.leaver,
            detail=audit.Detail.CAMPAIGN_PREVIEWED,
            params={"campaign": campaign.pk},
        )
    context = {
        "campaign": campaign,
        "form": preview.form,
        "leaver": preview.leaver,
        "message": preview.message,
        "query": preview.query,
        "part": "text" if request.GET.get("part") == "text" else "html",
    }
    return render(request, "invitations/hr/campaign_preview.html", context)


# The HTML part is the email's own markup: shown only inside a sandboxed frame of our
# own pages, with its inline styles, and nothing that could run or leave.
PREVIEW_FRAME_CSP = {
    "default-src": [NONE],
    "script-src": None,
    "connect-src": None,
    "font-src": None,
    "style-src": [UNSAFE_INLINE],
    "img-src": [SELF, "data:"],
    "form-action": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": [True],
}


@permission_required("invitations.run_campaigns")
@require_GET
@xframe_options_sameorigin
@csp_replace(PREVIEW_FRAME_CSP)
def campaign_preview_html(request, pk: int):
    """The HTML part alone, for the preview page's sandboxed frame."""
    campaign = _campaign(pk)
    return HttpResponse(_preview(request, campaign).html)


@permission_required("invitations.run_campaigns")
@require_POST
def campaign_test(request, pk: int):
    campaign = _campaign(pk)
    form = TestSendForm(request.POST)
    language = form.cleaned_data["language"] if form.is_valid() else "nb"
    send_test(campaign=campaign, user=request.user, language=language)
    messages.success(
        request, _("A test email is on its way to %(email)s.") % {"email": request.user.email}
    )
    return redirect("hr_invitations:campaign_detail", pk=campaign.pk)


@permission_required("invitations.run_campaigns")
@require_POST
def campaign_control(request, pk: int):
    """Send now (once confirmed), schedule, unschedule, pause, resume or stop: each once."""
    campaign = _campaign(pk)
    action = request.POST.get("action")
    if action == "send_now" and campaign.is_editable and request.POST.get("confirm") != "1":
        return _confirm_send_now(request, campaign)
    if action == "schedule":
        form = ScheduleForm(request.POST)
        if not form.is_valid():
            for error in form.errors.get("scheduled_at", []):
                messages.error(request, error)
            return redirect("hr_invitations:campaign_detail", pk=campaign.pk)
        done = schedule_campaign(campaign=campaign, when=form.cleaned_data["scheduled_at"])
        success = _("The campaign is scheduled.")
    else:
        services = {
            "send_now": (send_campaign_now, _("The campaign is being sent.")),
            "unschedule": (unschedule_campaign, _("The campaign is back to draft.")),
            "pause": (pause_campaign, _("The campaign is paused. Nothing more goes out.")),
            "resume": (resume_campaign, _("The campaign goes on.")),
            "stop": (stop_campaign, _("The campaign is stopped. No more emails or reminders.")),
        }
        if action not in services:
            messages.error(request, _("Unknown action."))
            return redirect("hr_invitations:campaign_detail", pk=campaign.pk)
        service, success = services[action]
        done = service(campaign=campaign)
    if done:
        _log_campaign_start(request, campaign, action)
        messages.success(request, success)
    else:
        messages.info(request, _("Nothing changed: the campaign had already moved on."))
    return redirect("hr_invitations:campaign_detail", pk=campaign.pk)


def _confirm_send_now(request, campaign: Campaign):
    """The first press of "Send now": say how many get the email, and ask once more."""
    context = {"campaign": campaign, "audience": audience(segment=campaign.segment)}
    return render(request, "invitations/hr/campaign_send_confirm.html", context)


def _log_campaign_start(request, campaign: Campaign, action: str) -> None:
    """HR started the campaign (now, or at a time): who sent it to the segment, and from where."""
    params = {"segment": campaign.segment_id}
    if action == "send_now":
        detail = audit.Detail.CAMPAIGN_SENT_NOW
    elif action == "schedule":
        campaign.refresh_from_db(fields=["scheduled_at"])
        detail = audit.Detail.CAMPAIGN_SCHEDULED
        params["when"] = campaign.scheduled_at.isoformat()
    else:
        return
    audit.record(
        request=request,
        action=AuditLog.Action.CAMPAIGN_SEND,
        obj=campaign,
        detail=detail,
        params=params,
    )


@permission_required("invitations.run_campaigns")
@require_POST
def campaign_export(request, pk: int):
    """Each recipient's result (sent, answered how) as CSV or XLSX: a logged POST."""
    campaign = _campaign(pk)
    fmt = export_format(request.POST.get("format"))
    audit.record(
        request=request,
        action=AuditLog.Action.EXPORT,
        obj=campaign,
        detail=audit.Detail.CAMPAIGN_RESULTS_EXPORT,
        params={"format": fmt},
    )
    return export_response(table=campaign_results_table(campaign=campaign), fmt=fmt)
