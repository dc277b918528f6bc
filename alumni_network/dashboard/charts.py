"""The data each chart draws, for `json_script`: labels translated at render time.

Each chart is {"labels": [...], "datasets": [{"label", "data"}], "horizontal": bool};
static/js/dashboard.js turns it into a Chart.js bar chart. The same figures are in
the table beside each chart.
"""

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from . import Dashboard
from .funnel import STAGES


def _chart(labels, datasets, *, horizontal=False) -> dict:
    return {
        "labels": [str(label) for label in labels],
        "datasets": [{"label": str(label), "data": data} for label, data in datasets],
        "horizontal": horizontal,
    }


def stage_labels() -> dict[str, str]:
    return {
        "register": _("In the register"),
        "invited": _("Invited"),
        "joined": pgettext("funnel stage", "Joined"),
        "attended": _("Came to a gathering"),
        "rehired": _("Came back to work"),
        "declined": pgettext("funnel stage", "Declined"),
        "unsubscribed": pgettext("funnel stage", "Unsubscribed"),
        "bounced": pgettext("funnel stage", "Bounced"),
    }


def members_chart(dashboard: Dashboard) -> dict:
    months = dashboard.members.per_month
    return _chart(
        [date_format(month, "YEAR_MONTH_FORMAT") for month, _count in months],
        [(_("Joined"), [count for _month, count in months])],
    )


def funnel_chart(dashboard: Dashboard) -> dict:
    labels = stage_labels()
    return _chart(
        [labels[stage] for stage in STAGES],
        [(_("People"), [getattr(dashboard.stages, stage) for stage in STAGES])],
        horizontal=True,
    )


def campaigns_chart(dashboard: Dashboard) -> dict:
    rows = dashboard.campaigns
    labels = stage_labels()
    return _chart(
        [row.name for row in rows],
        [
            (labels["invited"], [row.funnel.recipients for row in rows]),
            (labels["joined"], [row.funnel.joined for row in rows]),
            (labels["attended"], [row.attended for row in rows]),
            (labels["rehired"], [row.rehired for row in rows]),
        ],
    )


def gatherings_chart(dashboard: Dashboard) -> dict:
    rows = dashboard.gatherings
    return _chart(
        [row.title for row in rows],
        [
            (pgettext("rsvp answer", "Yes"), [row.yes for row in rows]),
            (_("Checked in"), [row.checked_in for row in rows]),
            (_("New connections"), [row.new_connections for row in rows]),
        ],
    )


def charts_for(dashboard: Dashboard) -> dict[str, dict]:
    return {
        "members": members_chart(dashboard),
        "funnel": funnel_chart(dashboard),
        "campaigns": campaigns_chart(dashboard),
        "gatherings": gatherings_chart(dashboard),
    }
