"""A campaign's results per recipient, as a table for export.

Opens are not tracked (no tracking pixel: the network does not watch who reads
its email), so there is no "opened" column; the answer columns say what each
person did.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alumni_network.mail.models import OutboxEmail
from members.exports import Table

from ..models import Campaign, Invitation
from .emails import INVITATION_KIND

HEADER = (
    gettext_lazy("First name"),
    gettext_lazy("Last name"),
    gettext_lazy("Email"),
    gettext_lazy("Status"),
    gettext_lazy("Sent"),
    gettext_lazy("Reminders sent"),
    gettext_lazy("Answered"),
    gettext_lazy("Joined"),
    gettext_lazy("Declined"),
    gettext_lazy("Bounced"),
    gettext_lazy("Unsubscribed"),
)
ANSWERS = ("joined", "declined", "bounced", "unsubscribed")
ROWS_PER_FETCH = 2000


def _recipients(campaign: Campaign):
    """One row of values per invitation, with when its invitation email went out."""
    first_email = OutboxEmail.objects.filter(
        content_type=ContentType.objects.get_for_model(Invitation),
        object_id=OuterRef("pk"),
        kind=INVITATION_KIND,
    ).order_by("pk")
    return (
        Invitation.objects.filter(campaign=campaign)
        .annotate(sent_at=Subquery(first_email.values("sent_at")[:1]))
        .order_by("leaver__last_name", "leaver__first_name", "pk")
        .values_list(
            "leaver__first_name",
            "leaver__last_name",
            "leaver__email",
            "status",
            "sent_at",
            "reminders_sent",
            "responded_at",
        )
    )


def _rows(campaign: Campaign):
    labels = {value: str(label) for value, label in Invitation.Status.choices}
    yes = _("Yes")
    for first, last, email, status, sent_at, reminders, responded_at in _recipients(
        campaign
    ).iterator(chunk_size=ROWS_PER_FETCH):
        yield [
            first,
            last,
            email,
            labels.get(status, status),
            sent_at,
            reminders,
            responded_at,
            *[yes if status == answer else "" for answer in ANSWERS],
        ]


def campaign_results_table(*, campaign: Campaign) -> Table:
    """The campaign's recipients and what became of each invitation."""
    stem = slugify(campaign.name, allow_unicode=True)[:40] or str(campaign.pk)
    return Table(
        name=f"campaign-{stem}-{timezone.localdate().isoformat()}",
        header=HEADER,
        rows=_rows(campaign),
        sheet_title=_("Campaign results"),
    )
