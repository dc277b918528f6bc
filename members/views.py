"""Pages of the member area."""

from django.shortcuts import render

from .access import has_mfa, member_required


@member_required
def member_home(request):
    return render(
        request,
        "members/home.html",
        {"has_mfa": has_mfa(request.user)},
    )
