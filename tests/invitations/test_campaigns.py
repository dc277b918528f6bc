"""Campaigns: who they reach, one run however often Send is pressed, reminders, the funnel."""

import datetime
import re
import smtplib
import threading

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from alumni_network.mail import sending
from alumni_network.mail.models import OutboxEmail, Suppression
from alumni_network.mail.rendering import rendering_batch
from alumni_network.mail.sending import drain
from alumni_network.mail.suppression import suppress_email
from alumni_network.mail.tasks import drain_outbox
from invitations.campaigns.audience import audience
from invitations.campaigns.funnel import campaign_funnels, overall_funnel
from invitations.campaigns.lifecycle import (
    create_campaign,
    finish_campaigns,
    pause_campaign,
    resume_campaign,
    schedule_campaign,
    send_campaign_now,
    start_campaign,
    stop_campaign,
)
from invitations.campaigns.placeholders import PLACEHOLDERS, fill_placeholders, register_placeholder
from invitations.campaigns.reminders import send_due_reminders
from invitations.campaigns.tasks import run_campaigns
from invitations.joining.join import decline_invitation
from invitations.models import Campaign, Invitation, Leaver
from tests.factories import MemberFactory, StaffFactory

from .factories import LeaverFactory, SegmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def segment():
    return SegmentFactory(filters={"department": "Drift"})


@pytest.fixture
def coordinator():
    return StaffFactory(email="hanne@fjordvik.example")


def make_campaign(segment, coordinator, **fields):
    campaign = create_campaign(name="Høst", segment=segment, user=coordinator)
    Campaign.objects.filter(pk=campaign.pk).update(**fields)
    campaign.refresh_from_db()
    return campaign


def started(segment, coordinator, **fields):
    campaign = make_campaign(segment, coordinator, **fields)
    schedule_campaign(campaign=campaign, when=timezone.now())
    start_campaign(campaign_id=campaign.pk)
    campaign.refresh_from_db()
    return campaign


def test_audience_counts_who_is_left_out_and_why(segment, coordinator):
    LeaverFactory.create_batch(3)
    LeaverFactory(member=MemberFactory())
    LeaverFactory(email="")
    suppressed = LeaverFactory()
    suppress_email(email=suppressed.email, reason=Suppression.Reason.OPTED_OUT)
    in_open = LeaverFactory()
    open_campaign = make_campaign(SegmentFactory(), coordinator)
    open_campaign.segment.leavers.set([in_open])
    schedule_campaign(campaign=open_campaign, when=timezone.now())
    start_campaign(campaign_id=open_campaign.pk)
    LeaverFactory(department="Økonomi")

    result = audience(segment=segment)

    assert result.recipients == 3
    assert {reason: count for reason, _label, count in result.excluded} == {
        "member": 1,
        "suppressed": 1,
        "no_email": 1,
        "declined": 0,
        "invited": 1,
    }


def test_start_invites_the_audience_once_with_outbox_rows(segment, coordinator):
    leavers = LeaverFactory.create_batch(3)

    campaign = started(segment, coordinator)

    assert campaign.status == Campaign.Status.SENDING
    assert Invitation.objects.filter(campaign=campaign).count() == 3
    rows = OutboxEmail.objects.filter(kind="campaign_invitation")
    assert sorted(rows.values_list("to_email", flat=True)) == sorted(x.email for x in leavers)
    assert set(Leaver.objects.values_list("status", flat=True)) == {Leaver.Status.INVITED}
    assert set(rows.values_list("reply_to", flat=True)) == {"hanne@fjordvik.example"}


def test_pressing_send_twice_makes_one_run(
    segment, coordinator, django_capture_on_commit_callbacks
):
    LeaverFactory.create_batch(2)
    campaign = make_campaign(segment, coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        send_campaign_now(campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        send_campaign_now(campaign=campaign)
    second = start_campaign(campaign_id=campaign.pk)
    run_campaigns()

    assert second is None
    assert Invitation.objects.filter(campaign=campaign).count() == 2
    assert OutboxEmail.objects.filter(kind="campaign_invitation").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_start_a_campaign_once(segment, coordinator):
    LeaverFactory.create_batch(5)
    campaign = make_campaign(
        segment, coordinator, status=Campaign.Status.SCHEDULED, scheduled_at=timezone.now()
    )
    results = []
    barrier = threading.Barrier(2)

    def beat():
        barrier.wait()
        try:
            results.append(start_campaign(campaign_id=campaign.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results, key=str) == [5, None]
    assert Invitation.objects.filter(campaign=campaign).count() == 5


def test_inviting_twice_returns_the_first_invitation_by_constraint(segment, coordinator):
    from django.db import IntegrityError, transaction

    leaver = LeaverFactory()
    campaign = started(segment, coordinator)

    with pytest.raises(IntegrityError), transaction.atomic():
        Invitation.objects.create(campaign=campaign, leaver=leaver)
    assert Invitation.objects.filter(campaign=campaign, leaver=leaver).count() == 1


def test_a_scheduled_campaign_starts_when_due_by_the_beat_task(segment, coordinator):
    LeaverFactory()
    campaign = make_campaign(segment, coordinator)
    schedule_campaign(campaign=campaign, when=timezone.now() + datetime.timedelta(hours=2))

    run_campaigns()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SCHEDULED

    Campaign.objects.filter(pk=campaign.pk).update(
        scheduled_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    run_campaigns()
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.SENDING


def test_email_is_personal_in_the_recipients_language_with_reply_to(segment, coordinator):
    LeaverFactory(
        first_name="Kari", hired_on=datetime.date(2010, 1, 1), left_on=datetime.date(2018, 6, 1)
    )
    started(segment, coordinator, reply_to="alumni@fjordvik.example")

    drain()

    [message] = mail.outbox
    assert message.subject == "Bli med i Fjordvik Alumni, nettverket for tidligere kolleger"
    assert message.body.startswith("Hei Kari,")
    assert "8 år" in message.body
    assert message.reply_to == ["alumni@fjordvik.example"]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/join/" in message.body


def test_placeholders_from_other_apps_and_unknown_braces(monkeypatch):
    monkeypatch.setitem(PLACEHOLDERS, "next_gathering", lambda data, language: "12. desember")
    register_placeholder("next_gathering", PLACEHOLDERS["next_gathering"])

    text = fill_placeholders("{next_gathering} {unknown} {first_name}", data={}, language="en")

    assert text == "12. desember {unknown} there"


def test_pause_holds_resume_queues_stop_cancels(segment, coordinator, settings):
    LeaverFactory.create_batch(3)
    campaign = make_campaign(segment, coordinator)
    # Nothing drains here: the rows stay queued so we can watch them move.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from alumni_network.celery import app

    app.conf.task_always_eager = False
    try:
        schedule_campaign(campaign=campaign, when=timezone.now())
        Campaign.objects.filter(pk=campaign.pk).update(scheduled_at=timezone.now())
        start_campaign(campaign_id=campaign.pk)
    finally:
        app.conf.task_always_eager = True
    rows = OutboxEmail.objects.filter(kind="campaign_invitation")
    OutboxEmail.objects.filter(pk=rows.first().pk).update(
        status=OutboxEmail.Status.SENT, sent_at=timezone.now()
    )

    assert pause_campaign(campaign=campaign)
    assert sorted(rows.values_list("status", flat=True)) == ["held", "held", "sent"]
    assert drain()["sent"] == 0

    assert resume_campaign(campaign=campaign)
    assert sorted(rows.values_list("status", flat=True)) == ["queued", "queued", "sent"]

    assert stop_campaign(campaign=campaign)
    assert sorted(rows.values_list("status", flat=True)) == ["cancelled", "cancelled", "sent"]
    assert not resume_campaign(campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.STOPPED


def test_resume_drains_at_once_even_with_nothing_held(
    segment, coordinator, django_capture_on_commit_callbacks, monkeypatch
):
    campaign = make_campaign(
        segment, coordinator, status=Campaign.Status.PAUSED, started_at=timezone.now()
    )
    dispatched = []
    monkeypatch.setattr(drain_outbox, "apply_async", lambda **options: dispatched.append(options))

    with django_capture_on_commit_callbacks(execute=True):
        assert resume_campaign(campaign=campaign)

    assert dispatched == [{"retry": False}]


def test_a_shared_placeholder_is_filled_once_per_batch_and_language(monkeypatch):
    calls = []

    def next_gathering(data, language):
        calls.append(language)
        return f"samling {language}"

    monkeypatch.setitem(PLACEHOLDERS, "next_gathering", next_gathering)
    with rendering_batch():
        texts = [
            fill_placeholders(
                "{first_name}: {next_gathering}", data={"first_name": n}, language=lang
            )
            for n, lang in [("Kari", "nb"), ("Ola", "nb"), ("Ann", "en"), ("Per", "nb")]
        ]

    assert texts == ["Kari: samling nb", "Ola: samling nb", "Ann: samling en", "Per: samling nb"]
    assert calls == ["nb", "en"]


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def test_reminders_go_to_whoever_is_due_once(segment, coordinator):
    LeaverFactory.create_batch(2)
    campaign = started(segment, coordinator, reminder_count=2, reminder_interval_days=7)
    drain()
    first, second = Invitation.objects.filter(campaign=campaign).order_by("pk")
    Invitation.objects.filter(pk=first.pk).update(last_contacted_at=days_ago(7))
    Invitation.objects.filter(pk=second.pk).update(last_contacted_at=days_ago(3))

    assert send_due_reminders() == 1
    assert send_due_reminders() == 0  # a rerun sends nothing twice

    first.refresh_from_db()
    assert first.reminders_sent == 1
    assert OutboxEmail.objects.filter(kind="campaign_reminder").get().dedupe_key == (
        f"campaign-reminder:{first.pk}:1"
    )


def test_missed_days_still_send_one_reminder_and_stop_after_n(segment, coordinator):
    LeaverFactory()
    campaign = started(segment, coordinator, reminder_count=2, reminder_interval_days=7)
    drain()
    invitation = Invitation.objects.get(campaign=campaign)

    for _ in range(4):
        Invitation.objects.filter(pk=invitation.pk).update(last_contacted_at=days_ago(30))
        send_due_reminders()

    invitation.refresh_from_db()
    assert invitation.reminders_sent == 2
    assert OutboxEmail.objects.filter(kind="campaign_reminder").count() == 2
    drain()
    assert mail.outbox[-1].subject.startswith("Påminnelse:")


@pytest.mark.parametrize("answer", ["joined", "declined", "unsubscribed", "suppressed"])
def test_reminders_stop_for_anyone_who_answered(segment, coordinator, answer):
    leaver = LeaverFactory()
    campaign = started(segment, coordinator)
    drain()
    invitation = Invitation.objects.get(campaign=campaign)
    if answer == "joined":
        Invitation.objects.filter(pk=invitation.pk).update(
            status=Invitation.Status.JOINED, responded_at=timezone.now()
        )
    elif answer == "declined":
        decline_invitation(invitation=invitation)
    elif answer == "unsubscribed":
        suppress_email(email=leaver.email, reason=Suppression.Reason.OPTED_OUT)
    else:
        Leaver.objects.filter(pk=leaver.pk).update(status=Leaver.Status.SUPPRESSED)
    Invitation.objects.filter(pk=invitation.pk).update(last_contacted_at=days_ago(30))

    assert send_due_reminders() == 0


def test_no_reminder_when_the_invitation_was_never_sent(segment, coordinator):
    LeaverFactory()
    campaign = started(segment, coordinator)
    OutboxEmail.objects.update(status=OutboxEmail.Status.FAILED)
    Invitation.objects.filter(campaign=campaign).update(last_contacted_at=days_ago(30))

    assert send_due_reminders() == 0


def test_campaign_is_done_when_nothing_is_left_to_send(segment, coordinator):
    LeaverFactory()
    campaign = started(segment, coordinator, reminder_count=1)
    drain()
    assert finish_campaigns() == 0
    Invitation.objects.filter(campaign=campaign).update(last_contacted_at=days_ago(30))
    send_due_reminders()
    drain()

    assert finish_campaigns() == 1
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DONE


def test_funnel_counts_every_state(segment, coordinator, settings):
    people = LeaverFactory.create_batch(8)
    campaign = started(segment, coordinator)
    drain()
    invitations = list(Invitation.objects.filter(campaign=campaign).order_by("pk"))
    OutboxEmail.objects.filter(object_id=invitations[0].pk).update(status="failed")
    suppress_email(email=people[1].email, reason=Suppression.Reason.BOUNCED)
    suppress_email(email=people[2].email, reason=Suppression.Reason.OPTED_OUT)
    decline_invitation(invitation=invitations[3])
    Invitation.objects.filter(pk=invitations[4].pk).update(
        status=Invitation.Status.JOINED, responded_at=timezone.now()
    )

    funnel = campaign_funnels()[campaign.pk]

    assert (
        funnel.recipients,
        funnel.sent,
        funnel.failed,
        funnel.bounced,
        funnel.joined,
        funnel.declined,
        funnel.unsubscribed,
        funnel.pending_reminders,
    ) == (8, 7, 1, 1, 1, 1, 1, 3)
    assert overall_funnel(campaign_funnels()).recipients == 8


def test_funnel_takes_two_queries_whatever_the_campaigns(
    segment, coordinator, django_assert_num_queries
):
    LeaverFactory.create_batch(2)
    started(segment, coordinator)
    started(SegmentFactory(), coordinator)
    with django_assert_num_queries(2):
        campaign_funnels()


def test_link_in_email_points_at_this_site(segment, coordinator, settings):
    settings.SITE_URL = "https://alumni.fjordvik.example"
    LeaverFactory()
    started(segment, coordinator)
    drain()

    links = re.findall(r"https?://\S+", mail.outbox[0].body)

    assert links and all(link.startswith("https://alumni.fjordvik.example/") for link in links)
    assert connection.vendor


def test_a_row_requeued_after_a_pause_is_held_again_by_the_beat(segment, coordinator):
    LeaverFactory()
    campaign = started(segment, coordinator)
    pause_campaign(campaign=campaign)
    # A worker was sending it when Pause was pressed, and the attempt failed transiently.
    OutboxEmail.objects.update(status=OutboxEmail.Status.QUEUED)

    run_campaigns()

    assert list(OutboxEmail.objects.values_list("status", flat=True)) == ["held"]


@pytest.mark.parametrize(
    ("press", "expected"),
    [(pause_campaign, "held"), (stop_campaign, "cancelled"), (None, "queued")],
)
def test_an_email_out_when_the_campaign_paused_is_not_retried_behind_its_back(
    segment, coordinator, press, expected
):
    LeaverFactory()
    campaign = started(segment, coordinator)
    OutboxEmail.objects.update(status=OutboxEmail.Status.SENDING, attempts=1)
    if press:
        press(campaign=campaign)
    row = OutboxEmail.objects.get()

    outcome = sending._record_failure(row, smtplib.SMTPResponseException(451, b"Try later"))

    row.refresh_from_db()
    assert (outcome, row.status) == ("retry", expected)
