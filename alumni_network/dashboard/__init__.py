"""The coordinator's dashboard at /hr/: figures for a period and what needs doing.

`dashboard_for(period_key)` computes everything in a fixed number of queries and
keeps the result for CACHE_SECONDS in the default cache, keyed by period: the
figures are the same for every coordinator (only what HR may see counts), and a
coordinator reloading the page, or several opening it at once, costs no queries.
The page says when the figures were computed. The state of the services (the
System panel) is kept with them: checking the broker opens a connection, about as
long as the rest of the page; /healthz stays live for monitoring.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.utils import timezone

from ..health import health_report
from .funnel import CampaignRow, Stages, campaign_rows, overall_stages
from .gatherings import GatheringRow, gathering_rows
from .members import MemberFigures, member_figures
from .people import Ranked, top_competences_open_to_returning, top_employers
from .periods import DEFAULT_PERIOD, PERIODS, period_for, period_key
from .todo import Todo, what_needs_doing

__all__ = ["DEFAULT_PERIOD", "PERIODS", "Dashboard", "dashboard_for", "period_key"]

CACHE_SECONDS = 60


@dataclass(frozen=True)
class Dashboard:
    period: str
    computed_at: datetime
    members: MemberFigures
    stages: Stages
    campaigns: list[CampaignRow]
    gatherings: list[GatheringRow]
    employers: list[Ranked]
    competences: list[Ranked]
    todo: Todo
    system: dict


def dashboard_for(key: str, *, now: datetime | None = None) -> Dashboard:
    """The dashboard for period `key`, from the cache when computed in the last minute."""
    cache_key = f"hr-dashboard:{key}"
    dashboard = cache.get(cache_key)
    if dashboard is None:
        dashboard = compute_dashboard(key, now=now or timezone.now())
        cache.set(cache_key, dashboard, CACHE_SECONDS)
    return dashboard


def compute_dashboard(key: str, *, now: datetime) -> Dashboard:
    period = period_for(key, now=now)
    return Dashboard(
        period=key,
        computed_at=now,
        members=member_figures(period, now=now),
        stages=overall_stages(period),
        campaigns=campaign_rows(period),
        gatherings=gathering_rows(period, now=now),
        employers=top_employers(),
        competences=top_competences_open_to_returning(),
        todo=what_needs_doing(now=now),
        system=health_report()[0],
    )
