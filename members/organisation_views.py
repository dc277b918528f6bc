"""The employer field's suggestions: htmx asks here as a member types."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .access import member_asking, permission_required
from .forms import suggestion_term
from .organisations import organisation_suggestions


@permission_required("members.change_member", fn=member_asking)
@require_GET
def employer_options(request, member):
    """htmx: <option>s of the organisations the asker may see that match what was typed."""
    term = suggestion_term(request.GET.get("employer_name", ""))
    names = organisation_suggestions(viewer=request.user, term=term) if term is not None else []
    if not names:
        return HttpResponse(status=204)  # htmx leaves the datalist as it is
    return render(request, "members/includes/employer_suggestions.html", {"options": names})
