"""Why a person was picked, in words, for the task card, the badge and the emails."""

from django.utils.translation import gettext as _

from ..models import NetworkingPick


def years_text(start: int | None, end: int | None) -> str:
    if start and end and start != end:
        return f"{start}–{end}"
    return str(start or end or "")


def reason_text(pick: NetworkingPick, *, show_history: bool = True) -> str:
    """A short reason such as "You both worked in Revisjon 2008–2011".

    `show_history=False` leaves out the department and years, for a person who
    has since hidden their history from members (the pick stored it while shown).
    """
    if pick.reason == NetworkingPick.Reason.WORKED_TOGETHER:
        if not show_history:
            return _("You were colleagues")
        years = years_text(pick.overlap_from, pick.overlap_to)
        if pick.department and years:
            return _("You both worked in %(department)s %(years)s") % {
                "department": pick.department,
                "years": years,
            }
        if years:
            return _("You were at the company at the same time, %(years)s") % {"years": years}
        return _("You were colleagues")
    if pick.reason == NetworkingPick.Reason.MET_BEFORE:
        if pick.met_at_id:
            return _("You met at %(gathering)s") % {"gathering": pick.met_at.title}
        return _("You have met before")
    return _("You have not met before")
