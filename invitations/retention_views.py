"""HR pages for the register's retention period and for erasing a leaver."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members.access import staff_required

from .models import Leaver
from .retention import CannotErase, due_for_purge, erase_leaver, purged_soon, retention_period

PAGE_SIZE = 50


@staff_required
def retention(request):
    soon = purged_soon().only("first_name", "last_name", "email", "status", "created_at")
    page = Paginator(soon, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "retention_days": retention_period().days,
        "due_now": due_for_purge().count(),
        "page": page,
    }
    return render(request, "invitations/hr/retention.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def leaver_erase(request, pk: int):
    leaver = get_object_or_404(Leaver, pk=pk)
    if leaver.member_id:
        return render(request, "invitations/hr/leaver_erase.html", {"leaver": leaver}, status=409)
    if request.method == "POST":
        try:
            erase_leaver(leaver=leaver, by=request.user)
        except CannotErase:
            return render(
                request, "invitations/hr/leaver_erase.html", {"leaver": leaver}, status=409
            )
        messages.success(
            request,
            _("The leaver is erased. Their address stays blocked so no import invites them again."),
        )
        return redirect("hr_invitations:register")
    return render(request, "invitations/hr/leaver_erase.html", {"leaver": leaver})
