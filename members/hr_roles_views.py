"""HR's roles page: who are coordinators and organisers, and granting and revoking both."""

from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import roles
from .access import permission_required
from .models import User


class CoordinatorGrantForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Email"))
    first_name = forms.CharField(
        label=gettext_lazy("First name"),
        max_length=150,
        required=False,
        help_text=gettext_lazy("Only for a new colleague without an account."),
    )
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels above fields carry no colon
        super().__init__(*args, **kwargs)


def _page_context(request, *, coordinator_form=None) -> dict:
    return {
        "coordinators": list(roles.coordinators()),
        "coordinator_form": coordinator_form or CoordinatorGrantForm(),
        "other_roles": [
            {"template": role.template, **role.context(request)}
            for role in roles.GRANTABLE_ROLES.values()
        ],
    }


@permission_required("members.manage_roles")
@require_GET
def roles_page(request):
    return render(request, "members/hr/roles.html", _page_context(request))


@permission_required("members.manage_roles")
@require_POST
@reauthentication_required
def coordinator_grant(request):
    """Make someone a coordinator: only with a recent reauthentication (password or TOTP)."""
    form = CoordinatorGrantForm(request.POST)
    if form.is_valid():
        try:
            user = roles.grant_coordinator(request=request, **form.cleaned_data)
        except roles.RoleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request,
                _("%(email)s is now a coordinator, and is told by email.") % {"email": user.email},
            )
            return redirect("hr_members:roles")
    return render(
        request,
        "members/hr/roles.html",
        _page_context(request, coordinator_form=form),
        status=400,
    )


@permission_required("members.manage_roles")
@require_POST
def coordinator_revoke(request, pk):
    user = get_object_or_404(User, pk=pk)
    try:
        roles.revoke_coordinator(user=user, request=request)
    except roles.RoleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("%(email)s is no longer a coordinator.") % {"email": user.email}
        )
    return redirect("hr_members:roles")


def _role(slug: str) -> roles.GrantableRole:
    role = roles.grantable_role(slug)
    if role is None:
        raise Http404
    return role


@permission_required("members.manage_roles")
@require_POST
def role_grant(request, role):
    """Grant a role another app registered (an organiser of a gathering)."""
    return _answer(request, lambda: _role(role).grant(request))


@permission_required("members.manage_roles")
@require_POST
def role_revoke(request, role, pk):
    return _answer(request, lambda: _role(role).revoke(request, pk))


def _answer(request, act):
    try:
        messages.success(request, act())
    except roles.RoleError as refusal:
        messages.error(request, str(refusal))
    return redirect("hr_members:roles")
