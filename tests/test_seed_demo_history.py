"""seed_demo's three years of history: joins, campaigns, gatherings and a rehire, once."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from gatherings import demo as gatherings_demo
from gatherings.aftermath.growth import growth_for
from gatherings.models import Connection, Feedback, Gathering, Rsvp
from invitations.campaigns import demo as campaigns_demo
from invitations.campaigns.emails import INVITATION_KIND, REMINDER_KIND
from invitations.campaigns.funnel import campaign_funnels
from invitations.models import Campaign, Invitation, JoinRequest, Leaver
from members import demo as members_demo
from members.models import Member, Rehire

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MIN_CAMPAIGNS = 6
MIN_HELD_GATHERINGS = 8


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=io.StringIO())


def history_snapshot() -> dict:
    """What the history is made of, down to the dates, to compare two runs."""
    return {
        "members": sorted(Member.objects.values_list("user__email", "joined_at")),
        "campaigns": sorted(
            Campaign.objects.values_list("name", "status", "started_at", "finished_at")
        ),
        "invitations": sorted(
            Invitation.objects.values_list("campaign__name", "leaver_id", "status", "responded_at")
        ),
        "gatherings": sorted(Gathering.objects.values_list("title", "status", "start")),
        "rsvps": sorted(
            Rsvp.objects.values_list("gathering__title", "member_id", "answer", "checked_in_at")
        ),
        "connections": Connection.objects.count(),
        "feedback": Feedback.objects.count(),
        "rehires": sorted(Rehire.objects.values_list("member_id", "rehired_on", "role")),
        "outbox": sorted(OutboxEmail.objects.values_list("kind", "object_id", "status")),
    }


def test_members_joined_over_three_years_and_joining_grew(seeded):
    now = timezone.now()
    months = (
        Member.objects.annotate(month=TruncMonth("joined_at"))
        .values("month")
        .annotate(count=Count("pk"))
    )
    first_year = Member.objects.filter(joined_at__lt=now - timedelta(days=730)).count()
    last_year = Member.objects.filter(joined_at__gte=now - timedelta(days=365)).count()

    earliest = Member.objects.order_by("joined_at").first().joined_at
    assert now - timedelta(days=3 * 365) <= earliest <= now - timedelta(days=33 * 30)
    assert len(months) >= 24
    assert last_year > first_year > 0


def test_the_demo_logins_are_the_ones_it_prints(seeded):
    output = io.StringIO()

    call_command("seed_demo", stdout=output)

    assert members_demo.describe_logins()[1].split()[1] == "ingrid.hansen@epost.example"
    assert "ingrid.hansen@epost.example / alumni-demo-2026" in output.getvalue()
    ingrid = Member.objects.get(user__email="ingrid.hansen@epost.example")
    assert (ingrid.user.first_name, ingrid.user.last_name) == ("Ingrid", "Hansen")


def test_campaigns_over_the_years_show_every_answer(seeded):
    sent = Campaign.objects.exclude(status=Campaign.Status.DRAFT).order_by("started_at")
    funnels = campaign_funnels(campaign_ids=[c.pk for c in sent])
    now = timezone.now()

    assert sent.count() >= MIN_CAMPAIGNS
    assert sent.first().started_at <= now - timedelta(days=2 * 365)
    for campaign in sent:
        funnel = funnels[campaign.pk]
        assert funnel.joined > 0, campaign.name
        assert funnel.declined > 0, campaign.name
        assert funnel.bounced > 0, campaign.name
        assert funnel.unsubscribed > 0, campaign.name
        assert funnel.failed > 0, campaign.name
        assert funnel.sent > funnel.answered, campaign.name
    # Those who joined from an old campaign joined back then, not on the day of the seed.
    old = sent.first()
    joined = Member.objects.filter(leaver__invitations__campaign=old).order_by("joined_at")
    assert joined.exists()
    assert joined.last().joined_at < old.started_at + timedelta(days=30)


def test_the_history_queues_no_email(seeded):
    campaign_emails = OutboxEmail.objects.filter(kind__in=[INVITATION_KIND, REMINDER_KIND])

    assert campaign_emails.count() > Invitation.objects.filter(campaign__isnull=False).count() / 2
    assert not campaign_emails.exclude(
        status__in=[OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED]
    ).exists()
    assert not OutboxEmail.objects.exclude(
        status__in=[OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED]
    ).exists()
    # The two join requests wait for HR's next digest, as they would live.
    assert JoinRequest.objects.filter(announced_at__isnull=True).count() == 2


def test_gatherings_were_held_over_the_years_with_what_a_meeting_leaves(seeded):
    held = list(Gathering.objects.filter(status=Gathering.Status.DONE).order_by("start"))
    growth = growth_for([g.pk for g in held])

    assert len(held) >= MIN_HELD_GATHERINGS
    assert held[0].start <= timezone.now() - timedelta(days=2 * 365)
    for gathering in held:
        figures = growth[gathering.pk]
        assert figures.attendees > 0, gathering.title
        assert figures.new_connections > 0, gathering.title
        assert Feedback.objects.filter(gathering=gathering).exists(), gathering.title
        if gathering.title != gatherings_demo.PAST_TITLE:
            # Only members who had joined by then were invited (the older demo gathering
            # invited everyone, as it always did).
            assert not gathering.rsvps.filter(
                member__joined_at__gte=gathering.invited_at
            ).exists(), gathering.title
    assert sum(growth[g.pk].no_shows for g in held) > 0
    assert sum(growth[g.pk].returning for g in held) > 0


def test_the_two_demo_gatherings_leave_out_the_history_joiners(seeded):
    history_joiners = set(campaigns_demo.history_members().values_list("pk", flat=True))
    others = set(Member.objects.exclude(pk__in=history_joiners).values_list("pk", flat=True))

    assert history_joiners
    for title in (gatherings_demo.PAST_TITLE, gatherings_demo.UPCOMING_TITLE):
        gathering = Gathering.objects.get(title=title)
        assert set(gathering.rsvps.values_list("member_id", flat=True)) == others


def test_a_rehired_member_shows_on_their_register_row(seeded, client):
    rehire = Rehire.objects.select_related("member__user").get()
    leaver = Leaver.objects.get(member=rehire.member)
    client.force_login(members_demo.User.objects.get(email=members_demo.COORDINATOR_EMAIL))

    page = client.get(reverse("hr_invitations:leaver_detail", kwargs={"pk": leaver.pk}))

    assert rehire.member.user.email == members_demo.REHIRED_EMAIL
    assert rehire.rehired_on < timezone.localdate()
    assert f"{members_demo.REHIRED_ROLE}</dd>" in page.content.decode()
    assert leaver.status == Leaver.Status.JOINED


def test_seeding_twice_changes_nothing_in_the_history(seeded):
    first = history_snapshot()

    call_command("seed_demo", stdout=io.StringIO())

    assert history_snapshot() == first
