"""Site-wide views: the public landing page, health, language and the HR dashboard."""

from datetime import datetime
from functools import partial

from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe
from django.views.i18n import set_language as django_set_language

from members.access import permission_required
from members.models import User

from .dashboard import PERIODS, dashboard_for, period_key
from .dashboard.charts import charts_for, stage_labels
from .health import health_report


@require_safe
def home(request):
    return render(request, "home.html")


@never_cache
@require_GET
def healthz(request):
    report, healthy = health_report()
    return JsonResponse(report, status=200 if healthy else 503)


@require_POST
def set_language(request):
    """Switch language; a logged-in person keeps the choice on their account."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and language in dict(User._meta.get_field("language").choices):
        user.language = language
        user.save(update_fields=["language"])
    if isinstance(response, HttpResponseRedirect) and not url_has_allowed_host_and_scheme(
        response.url, allowed_hosts={request.get_host()}
    ):
        return HttpResponseRedirect("/")
    return response


@permission_required("members.open_hr_area")
@require_GET
def hr_dashboard(request):
    """The coordinator's desk: figures for the chosen period and what needs doing."""
    period = period_key(request.GET.get("period"))
    dashboard = dashboard_for(period)
    report = dashboard.system
    context = {
        "dashboard": dashboard,
        "period": period,
        "periods": PERIODS,
        # Called by the template only when the dashboard's markup is not cached.
        "charts": partial(charts_for, dashboard),
        "stage_labels": stage_labels,
        "health": report,
        "last_heartbeat": _heartbeat_time(report["worker"]),
    }
    return render(request, "hr/dashboard.html", context)


def _heartbeat_time(heartbeat: dict | None) -> datetime | None:
    try:
        return datetime.fromisoformat(heartbeat["at"]) if heartbeat else None
    except (KeyError, TypeError, ValueError):
        return None
