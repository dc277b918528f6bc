"""The organiser role on HR's roles page: who organises which gathering, granting and revoking.

Registered into `members.roles` (the page lives in members, which may not
import this app). Granting goes through `planning.add_organiser`, the same
function the gathering's own HR page uses; the member is found by email, and
only if the privacy rule lets HR see them.
"""

from datetime import timedelta

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import audit, privacy
from members.models import AuditLog, Member
from members.roles import GrantableRole, RoleError

from . import planning, roles_emails
from .models import Gathering, Organiser

SLUG = "organisers"
# Gatherings held this long ago can still get an organiser (materials, feedback, follow-up).
RECENT = timedelta(days=60)


def grantable_gatherings() -> QuerySet[Gathering]:
    """Upcoming and recent gatherings that are not cancelled, soonest first."""
    return (
        Gathering.objects.filter(end__gte=timezone.now() - RECENT)
        .exclude(status=Gathering.Status.CANCELLED)
        .order_by("start", "pk")
    )


def organisers() -> QuerySet[Organiser]:
    """The organisers of upcoming and recent gatherings, with what the roles page shows."""
    return (
        Organiser.objects.filter(gathering__in=grantable_gatherings())
        .select_related("member__user", "gathering")
        .order_by("gathering__start", "gathering_id", "member__sort_name", "pk")
    )


class OrganiserGrantForm(forms.Form):
    gathering = forms.ModelChoiceField(
        label=gettext_lazy("Gathering"),
        queryset=Gathering.objects.none(),
        empty_label=gettext_lazy("Choose a gathering"),
    )
    email = forms.EmailField(
        label=gettext_lazy("The member's email"),
        help_text=gettext_lazy("The address they log in with."),
    )

    def __init__(self, *args, viewer, **kwargs):
        kwargs.setdefault("label_suffix", "")  # labels above fields carry no colon
        # Its own ids: the coordinator form on the same page has an email field too.
        kwargs.setdefault("auto_id", "id_organiser_%s")
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        self.fields["gathering"].queryset = grantable_gatherings()

    def clean_email(self):
        email = self.cleaned_data["email"]
        member = (
            Member.objects.select_related("user")
            .filter(user__email__iexact=email.strip(), user__is_active=True)
            .first()
        )
        if member is None or not privacy.can_view_profile(member=member, viewer=self.viewer):
            raise forms.ValidationError(_("There is no member with that email."))
        self.cleaned_data["member"] = member
        return email


def grant_organiser(*, gathering: Gathering, member: Member, request) -> Organiser:
    """Make a member an organiser of one gathering; they are told by email, and it is logged."""
    with transaction.atomic():
        if Organiser.objects.filter(gathering=gathering, member=member).exists():
            raise RoleError(_("That member already organises this gathering."))
        organiser = planning.add_organiser(gathering=gathering, member=member)
        audit.record(
            action=AuditLog.Action.ROLE_CHANGE,
            request=request,
            obj=organiser,
            detail=audit.Detail.ORGANISER_GRANTED,
            params={"gathering": gathering.pk, "email": member.user.email},
            member_ids=[member.pk],
        )
        roles_emails.queue_organiser_granted(organiser=organiser)
    return organiser


def revoke_organiser(*, organiser: Organiser, request) -> None:
    with transaction.atomic():
        audit.record(
            action=AuditLog.Action.ROLE_CHANGE,
            request=request,
            obj=organiser,
            detail=audit.Detail.ORGANISER_REVOKED,
            params={"gathering": organiser.gathering_id, "email": organiser.member.user.email},
            member_ids=[organiser.member_id],
        )
        organiser.delete()


def _context(request) -> dict:
    return {
        "organisers": list(organisers()),
        "organiser_form": OrganiserGrantForm(viewer=request.user),
    }


def _grant(request) -> str:
    form = OrganiserGrantForm(request.POST, viewer=request.user)
    if not form.is_valid():
        raise RoleError(" ".join(error for errors in form.errors.values() for error in errors))
    organiser = grant_organiser(
        gathering=form.cleaned_data["gathering"],
        member=form.cleaned_data["member"],
        request=request,
    )
    return _("%(name)s now organises %(gathering)s, and is told by email.") % {
        "name": organiser.member.user.get_full_name() or organiser.member.user.email,
        "gathering": organiser.gathering.title,
    }


def _revoke(request, pk) -> str:
    organiser = Organiser.objects.select_related("member__user", "gathering").filter(pk=pk).first()
    if organiser is None:
        raise RoleError(_("That organiser was already removed."))
    revoke_organiser(organiser=organiser, request=request)
    return _("%(name)s no longer organises %(gathering)s.") % {
        "name": organiser.member.user.get_full_name() or organiser.member.user.email,
        "gathering": organiser.gathering.title,
    }


ORGANISER_ROLE = GrantableRole(
    slug=SLUG,
    template="members/hr/includes/roles_organisers.html",
    context=_context,
    grant=_grant,
    revoke=_revoke,
)
