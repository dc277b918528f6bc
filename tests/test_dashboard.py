"""The coordinator's dashboard at /hr/: figures on a crafted scenario, periods, tables, queries."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from alumni_network.dashboard import compute_dashboard
from alumni_network.dashboard.funnel import Stages
from alumni_network.dashboard.periods import period_for
from alumni_network.dashboard.todo import what_needs_doing
from alumni_network.mail.models import OutboxEmail
from gatherings.models import Connection, Gathering
from invitations.campaigns.emails import INVITATION_KIND
from invitations.campaigns.models import Campaign, Invitation, JoinRequest
from invitations.models import Leaver
from members.models import Rehire, Visibility

from .factories import MemberFactory, OrganisationFactory, StaffFactory
from .gatherings.factories import AgendaItemFactory, GatheringFactory, RsvpFactory
from .invitations.factories import LeaverFactory, SegmentFactory
from .members.factories import profile_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def now():
    return timezone.now()


def months_ago(now, months):
    return now - timedelta(days=31 * months)


def make_campaign(name="Høst", status=Campaign.Status.DONE, **fields):
    return Campaign.objects.create(
        name=name,
        segment=SegmentFactory(),
        status=status,
        subject_nb="Bli med",
        subject_en="Join us",
        body_nb="Hei",
        body_en="Hi",
        started_at=timezone.now(),
        **fields,
    )


def invite(leaver, campaign=None, status=Invitation.Status.PENDING, **fields):
    answered = None if status == Invitation.Status.PENDING else timezone.now()
    return Invitation.objects.create(
        leaver=leaver, campaign=campaign, status=status, responded_at=answered, **fields
    )


def joined_member(leaver, **fields):
    member = MemberFactory(**fields)
    leaver.member = member
    leaver.status = Leaver.Status.JOINED
    leaver.save(update_fields=["member", "status"])
    return member


def past_gathering(now, days=10, **fields):
    start = now - timedelta(days=days)
    return GatheringFactory(
        start=start,
        end=start + timedelta(hours=3),
        rsvp_deadline=start - timedelta(days=1),
        status=Gathering.Status.DONE,
        **fields,
    )


def check_in(gathering, member, when):
    return RsvpFactory(gathering=gathering, member=member, answer="yes", checked_in_at=when)


# Members ---------------------------------------------------------------------------------


def test_members_per_month_count_joins_in_the_period_only(now):
    MemberFactory.create_batch(2, joined_at=now)
    MemberFactory(joined_at=months_ago(now, 2))
    MemberFactory(joined_at=months_ago(now, 24))

    figures = compute_dashboard("12m", now=now).members

    assert figures.total == 4
    assert figures.joined_in_period == 3
    assert len(figures.per_month) == 12
    assert figures.per_month[-1][1] == 2
    assert figures.per_month[-3][1] == 1
    assert sum(count for _month, count in figures.per_month) == 3


def test_members_over_three_years_and_everything_include_older_joins(now):
    MemberFactory(joined_at=now)
    MemberFactory(joined_at=months_ago(now, 24))
    MemberFactory(joined_at=months_ago(now, 50))

    three_years = compute_dashboard("3y", now=now).members
    everything = compute_dashboard("all", now=now).members

    assert (len(three_years.per_month), three_years.joined_in_period) == (36, 2)
    assert everything.joined_in_period == 3
    assert everything.per_month[0][1] == 1
    assert len(everything.per_month) in (50, 51, 52)


# The funnel ------------------------------------------------------------------------------


def test_funnel_counts_each_stage_and_the_side_counts(now):
    campaign = make_campaign()
    waiting = LeaverFactory()
    never_invited = LeaverFactory()
    declined, unsubscribed, bounced = LeaverFactory.create_batch(3)
    joined, came, back = LeaverFactory.create_batch(3)
    invite(waiting, campaign)
    invite(declined, campaign, Invitation.Status.DECLINED)
    invite(unsubscribed, campaign, Invitation.Status.UNSUBSCRIBED)
    invite(bounced, campaign, Invitation.Status.BOUNCED)
    for leaver in (joined, came, back):
        invite(leaver, campaign, Invitation.Status.JOINED)
        joined_member(leaver)
    gathering = past_gathering(now)
    check_in(gathering, came.member, now - timedelta(days=10))
    check_in(gathering, back.member, now - timedelta(days=10))
    Rehire.objects.create(member=back.member, rehired_on=now.date(), role="Prosjektleder")
    # Long ago: outside the 12 months, inside everything.
    old = LeaverFactory(created_at=months_ago(now, 30))
    invite(old, make_campaign("Gammel"), created_at=months_ago(now, 30))
    assert never_invited.status == Leaver.Status.IN_REGISTER

    stages = compute_dashboard("12m", now=now).stages
    everything = compute_dashboard("all", now=now).stages

    assert stages == Stages(
        register=8,
        invited=7,
        joined=3,
        attended=2,
        rehired=1,
        declined=1,
        unsubscribed=1,
        bounced=1,
    )
    assert (everything.register, everything.invited) == (9, 8)


def test_funnel_per_campaign_follows_those_who_joined_through_it(now):
    autumn, spring = make_campaign("Høst"), make_campaign("Vår")
    came, stayed_home = LeaverFactory.create_batch(2)
    for leaver in (came, stayed_home):
        invite(leaver, autumn, Invitation.Status.JOINED)
        joined_member(leaver)
    invite(LeaverFactory(), autumn, Invitation.Status.DECLINED)
    invite(LeaverFactory(), spring, Invitation.Status.BOUNCED)
    check_in(past_gathering(now), came.member, now - timedelta(days=10))
    Rehire.objects.create(member=came.member, rehired_on=now.date(), role="Ingeniør")
    make_campaign("Kladd", status=Campaign.Status.DRAFT)

    rows = {row.name: row for row in compute_dashboard("12m", now=now).campaigns}

    assert sorted(rows) == ["Høst", "Vår"]
    autumn_row = rows["Høst"]
    assert (autumn_row.funnel.recipients, autumn_row.funnel.joined) == (3, 2)
    assert (autumn_row.funnel.declined, autumn_row.attended, autumn_row.rehired) == (1, 1, 1)
    assert (rows["Vår"].funnel.recipients, rows["Vår"].funnel.bounced) == (1, 1)
    assert (rows["Vår"].attended, rows["Vår"].rehired) == (0, 0)


# Gatherings ------------------------------------------------------------------------------


def test_gatherings_table_has_no_show_rate_and_new_connections(now):
    gathering = past_gathering(now)
    a, b, c, d = MemberFactory.create_batch(4)
    check_in(gathering, a, now - timedelta(days=10))
    check_in(gathering, b, now - timedelta(days=10))
    check_in(gathering, c, now - timedelta(days=10))
    RsvpFactory(gathering=gathering, member=d, answer="yes")  # a no-show
    RsvpFactory(gathering=gathering, answer="no")
    RsvpFactory(gathering=gathering)  # never answered
    low, high = sorted([a, b], key=lambda m: m.pk)
    Connection.objects.create(member_low=low, member_high=high, gathering=gathering)
    empty = past_gathering(now, days=5, title="Tom samling")
    past_gathering(now, days=500, title="For lenge siden")
    GatheringFactory(title="Kommer")  # in the future: not held yet

    rows = compute_dashboard("12m", now=now).gatherings

    assert [row.pk for row in rows] == [gathering.pk, empty.pk]
    row = rows[0]
    assert (row.invited, row.yes, row.checked_in, row.no_shows) == (6, 4, 3, 1)
    assert (row.no_show_percent, row.new_connections) == (25, 1)
    assert (rows[1].has_data, rows[1].no_show_percent) == (False, None)


def test_gathering_without_answers_shows_no_data_yet(staff_client, now):
    past_gathering(now, title="Tom samling")

    html = staff_client.get(reverse("hr_dashboard")).content.decode()

    assert "Tom samling" in html
    assert "No data yet" in html


# Employers and competences ---------------------------------------------------------------


def test_employers_count_only_work_hr_may_see(now):
    profile_member(employer="Equinor")
    profile_member(employer="Equinor", work_visibility=Visibility.HR)
    profile_member(employer="Equinor", work_visibility=Visibility.HIDDEN)
    profile_member(employer="Aker")
    profile_member(employer="Aker", user__is_active=False)
    profile_member(employer="Skjult", work_visibility=Visibility.HIDDEN)

    employers = compute_dashboard("12m", now=now).employers

    assert [(e.name, e.count) for e in employers] == [("Equinor", 2), ("Aker", 1)]


def test_competences_count_members_open_to_returning_hr_may_see(now):
    profile_member(competences=["Python", "Sveising"], open_to_returning=True)
    profile_member(
        competences=["Python"], open_to_returning=True, competences_visibility=Visibility.HR
    )
    profile_member(competences=["Python"], open_to_returning=False)
    profile_member(
        competences=["Python"],
        open_to_returning=True,
        availability_visibility=Visibility.HIDDEN,
    )
    profile_member(
        competences=["Sveising"], open_to_returning=True, competences_visibility=Visibility.HIDDEN
    )

    competences = compute_dashboard("12m", now=now).competences

    assert [(c.name, c.count) for c in competences] == [("Python", 2), ("Sveising", 1)]


def test_employer_and_competence_link_to_hosts_and_competence_search(staff_client):
    profile_member(employer="Equinor", competences=["C++ & Rust"], open_to_returning=True)

    html = staff_client.get(reverse("hr_dashboard")).content.decode()

    assert f'<a href="{reverse("hr_gatherings:hosts")}">Equinor</a>' in html
    search = reverse("hr_members:competence_search")
    assert f'href="{search}?competence=C%2B%2B%20%26%20Rust&amp;open_to_returning=on"' in html


# What needs doing ------------------------------------------------------------------------


@pytest.fixture
def coordinator_with_mfa(db):
    user = StaffFactory()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={})
    return user


def test_nothing_to_do_when_all_is_in_order(coordinator_with_mfa, now):
    ready = GatheringFactory(start=now + timedelta(days=10), host=OrganisationFactory())
    AgendaItemFactory(gathering=ready)
    GatheringFactory(start=now + timedelta(days=45))  # no host, but not within 30 days
    JoinRequest.objects.create(
        name="A", email="a@example.org", years="2010", status="approved", decided_at=now
    )
    OutboxEmail.objects.create(to_email="x@example.org", kind="k", language="nb")
    LeaverFactory()  # recent: not due for the purge

    assert what_needs_doing(now=now).empty


@pytest.mark.parametrize("missing", ["host", "agenda", "both"])
def test_a_gathering_soon_without_host_or_agenda_is_to_do(coordinator_with_mfa, now, missing):
    host = None if missing in ("host", "both") else OrganisationFactory()
    gathering = GatheringFactory(start=now + timedelta(days=10), host=host)
    if missing == "host":
        AgendaItemFactory(gathering=gathering)

    (item,) = what_needs_doing(now=now).unready_gatherings

    assert (item.pk, item.without_host, item.without_agenda) == (
        gathering.pk,
        missing in ("host", "both"),
        missing in ("agenda", "both"),
    )


def test_a_campaign_with_reminders_due_is_to_do(coordinator_with_mfa, now):
    campaign = make_campaign(status=Campaign.Status.SENDING, reminder_interval_days=7)
    due = invite(LeaverFactory(), campaign, last_contacted_at=now - timedelta(days=8))
    invite(LeaverFactory(), campaign, last_contacted_at=now - timedelta(days=2))
    for invitation in Invitation.objects.filter(campaign=campaign):
        OutboxEmail.objects.create(
            to_email=invitation.leaver.email,
            kind=INVITATION_KIND,
            language="nb",
            refers_to=invitation,
            status=OutboxEmail.Status.SENT,
            sent_at=now,
        )

    reminders = what_needs_doing(now=now).reminder_campaigns

    assert [(c.pk, c.due) for c in reminders] == [(campaign.pk, 1)]
    assert due.reminders_sent == 0


def test_join_requests_failed_emails_and_purge_are_to_do(coordinator_with_mfa, now):
    JoinRequest.objects.create(name="A", email="a@example.org", years="2010")
    OutboxEmail.objects.create(
        to_email="x@example.org", kind="k", language="nb", status=OutboxEmail.Status.FAILED
    )
    old = django_settings.REGISTER_RETENTION_DAYS + 1
    LeaverFactory(created_at=now - timedelta(days=old))

    items = what_needs_doing(now=now)

    assert (items.pending_join_requests, items.failed_emails) == (1, 1)
    assert items.leavers_due_for_purge == 1
    assert items.coordinators_without_mfa == 0


def test_coordinators_without_two_factor_are_to_do(coordinator_with_mfa, staff_user, now):
    items = what_needs_doing(now=now)

    assert (items.coordinators, items.coordinators_without_mfa) == (2, 1)


def test_each_to_do_item_links_to_where_it_is_fixed(staff_client, now):
    gathering = GatheringFactory(start=now + timedelta(days=10), title="Vårsamling")
    JoinRequest.objects.create(name="A", email="a@example.org", years="2010")
    OutboxEmail.objects.create(
        to_email="x@example.org", kind="k", language="nb", status=OutboxEmail.Status.FAILED
    )
    LeaverFactory(created_at=now - timedelta(days=django_settings.REGISTER_RETENTION_DAYS + 1))

    html = staff_client.get(reverse("hr_dashboard")).content.decode()

    assert reverse("hr_gatherings:detail", args=[gathering.pk]) in html
    assert "Vårsamling on" in html and "has no host and no agenda yet" in html
    assert "1 request to join waits for you" in html
    assert f"{reverse('hr_invitations:outbox')}?status=failed" in html
    assert "1 leaver who never answered is due to be deleted" in html
    assert reverse("hr_invitations:retention") in html
    assert "1 of 1 coordinators has no two-factor authentication" in html


# The page --------------------------------------------------------------------------------


def test_period_switch_changes_the_figures_and_marks_the_current(staff_client, now):
    MemberFactory(joined_at=months_ago(now, 24))

    twelve = staff_client.get(reverse("hr_dashboard"))
    three = staff_client.get(reverse("hr_dashboard"), {"period": "3y"})
    bogus = staff_client.get(reverse("hr_dashboard"), {"period": "forever"})

    assert (twelve.context["period"], twelve.context["dashboard"].members.joined_in_period) == (
        "12m",
        0,
    )
    assert (three.context["period"], three.context["dashboard"].members.joined_in_period) == (
        "3y",
        1,
    )
    assert bogus.context["period"] == "12m"
    assert '<a href="?period=3y" aria-current="page">' in three.content.decode()


def test_every_chart_has_its_table_and_scripts_are_files_only(staff_client, now):
    MemberFactory(joined_at=now)
    campaign = make_campaign()
    invite(LeaverFactory(), campaign)
    past_gathering(now)

    html = staff_client.get(reverse("hr_dashboard")).content.decode()

    charts = ["members", "funnel", "campaigns", "gatherings"]
    for chart in charts:
        assert f'<canvas data-chart="{chart}"' in html
    # Each chart sits in a box hidden until JS draws it, followed by its open table.
    assert html.count('<div class="chart" hidden>') == len(charts)
    assert html.count('<details class="chart-table" open>') == len(charts)
    assert html.count("<table") == len(charts)
    assert '<script id="dashboard-charts" type="application/json">' in html
    assert "<script>" not in html


def test_chart_data_matches_the_tables(staff_client, now):
    MemberFactory.create_batch(3, joined_at=now)

    response = staff_client.get(reverse("hr_dashboard"))

    charts = response.context["charts"]()
    members_chart = charts["members"]
    assert members_chart["datasets"][0]["data"][-1] == 3
    assert len(members_chart["labels"]) == 12
    funnel = charts["funnel"]
    assert funnel["labels"][-1] == "Came back to work" and funnel["horizontal"] is True


def test_the_dashboard_is_for_coordinators_only(member_client):
    assert member_client.get(reverse("hr_dashboard")).status_code == 403


def test_period_for_twelve_months_starts_on_the_first_of_a_month(now):
    since = timezone.localtime(period_for("12m", now=now).since)
    assert (since.day, since.hour) == (1, 0)
    assert period_for("all", now=now).since is None
