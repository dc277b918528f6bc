"""The demo campaign: a funnel with every state, and seeding twice changes nothing."""

import io

import pytest
from django.core.management import call_command

from alumni_network.mail.models import OutboxEmail
from invitations.campaigns.funnel import campaign_funnels
from invitations.models import Campaign, Invitation, JoinRequest


@pytest.mark.slow
@pytest.mark.django_db
def test_demo_campaign_funnel_shows_every_state_once():
    call_command("seed_demo", stdout=io.StringIO())
    snapshot = (
        list(Campaign.objects.values_list("name", "status")),
        Invitation.objects.count(),
        OutboxEmail.objects.count(),
        JoinRequest.objects.count(),
    )

    call_command("seed_demo", stdout=io.StringIO())

    sent = Campaign.objects.get(status=Campaign.Status.SENDING)
    funnel = campaign_funnels()[sent.pk]
    for state in ("sent", "failed", "bounced", "joined", "declined", "unsubscribed"):
        assert getattr(funnel, state) > 0, state
    assert funnel.pending_reminders > 0
    assert Campaign.objects.filter(status=Campaign.Status.DRAFT).count() == 1
    assert JoinRequest.objects.filter(status=JoinRequest.Status.PENDING).count() == 2
    assert snapshot == (
        list(Campaign.objects.values_list("name", "status")),
        Invitation.objects.count(),
        OutboxEmail.objects.count(),
        JoinRequest.objects.count(),
    )
