"""The badge PDF: every expected attendee and guest of a gathering, or one person."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from members.access import permission_required

from ..models import Gathering
from . import content, pdf


def _gathering(request, pk, **kwargs) -> Gathering:
    return get_object_or_404(Gathering, pk=pk)


def _id_param(request, name: str) -> int | None:
    """An id from the query string; 404 for anything that is not a number."""
    value = request.GET.get(name)
    if value is None:
        return None
    if not value.isdecimal():
        raise Http404
    return int(value)


def _one_badge(request, gathering: Gathering) -> content.Badge | None:
    """The badge `?rsvp=` or `?guest=` asks for (404 if not this gathering's), else None."""
    rsvp_id, guest_id = _id_param(request, "rsvp"), _id_param(request, "guest")
    if rsvp_id is not None:
        badge = content.rsvp_badge(gathering=gathering, rsvp_id=rsvp_id)
    elif guest_id is not None:
        badge = content.single_guest_badge(gathering=gathering, guest_id=guest_id)
    else:
        return None
    if badge is None:
        raise Http404
    return badge


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@permission_required("gatherings.print_badges", fn=_gathering)
@require_GET
def badges(request, gathering, pk):
    badge = _one_badge(request, gathering)
    stem = slugify(gathering.title) or "gathering"
    if badge is not None:
        title = _("Name badge: %(name)s") % {"name": badge.name}
        data = pdf.single_badge(badge, gathering_title=gathering.title, title=title)
        return _pdf_response(data, f"{stem}-badge-{slugify(badge.name) or 'person'}.pdf")
    title = _("Name badges: %(gathering)s") % {"gathering": gathering.title}
    data = pdf.badge_sheets(
        content.gathering_badges(gathering=gathering),
        gathering_title=gathering.title,
        title=title,
    )
    return _pdf_response(data, f"{stem}-badges.pdf")
