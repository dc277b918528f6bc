"""One person with data in every app, for the export and erasure tests."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from alumni_network.mail.models import OutboxEmail
from gatherings.models import (
    AgendaItem,
    Connection,
    Feedback,
    Guest,
    HostContact,
    NetworkingPick,
    NetworkingTask,
    Rsvp,
)
from invitations.models import Campaign, Invitation, JoinRequest, Leaver, LeaverChange
from members import audit
from members.models import AuditLog, Member
from tests.factories import MemberFactory, StaffFactory
from tests.gatherings.factories import GatheringFactory, OrganiserFactory, RsvpFactory
from tests.invitations.factories import LeaverFactory, RegisterImportFactory, SegmentFactory

from .factories import profile_member

FIRST_NAME = "Sølvgunn"
LAST_NAME = "Tverrfjellet"
EMAIL = "Solvgunn.Tverrfjellet@Epost.example"
PERSONAL_EMAIL = "solvgunn.privat@heime.example"
PHONE = "+47 918 27 364"
EMPLOYEE_NUMBER = "FJ-770123"
LOGIN_CODE = "QX7-K2P"


@dataclass
class Everywhere:
    member: Member
    visible: Member
    hidden: Member
    staff: object
    gathering: object
    needles: list[str] = field(
        default_factory=lambda: [
            EMAIL,
            PERSONAL_EMAIL,
            FIRST_NAME,
            LAST_NAME,
            PHONE,
            EMPLOYEE_NUMBER,
        ]
    )


def _campaign(name: str) -> Campaign:
    return Campaign.objects.create(
        name=name,
        segment=SegmentFactory(),
        status=Campaign.Status.DONE,
        subject_nb="Bli med",
        subject_en="Join us",
        body_nb="Hei",
        body_en="Hi",
        started_at=timezone.now(),
    )


def _register(member: Member, staff) -> Leaver:
    register_import = RegisterImportFactory(
        report={
            "notes": [],
            "errors": [
                {"line": 4, "reason": "bad date", "values": [EMPLOYEE_NUMBER, FIRST_NAME, EMAIL]},
                {"line": 9, "reason": "bad date", "values": ["FJ-1", "Other", "o@x.example"]},
                # Someone else's row whose line number reads like the employee number.
                {"line": 77, "reason": "bad date", "values": ["FJ-2", "770123", "p@x.example"]},
            ],
            "sample": [{"line": 5, "name": f"{FIRST_NAME} {LAST_NAME}", "changes": []}],
        }
    )
    leaver = LeaverFactory(
        member=member,
        email=EMAIL.lower(),
        first_name=FIRST_NAME,
        last_name=LAST_NAME,
        phone=PHONE,
        employee_number=EMPLOYEE_NUMBER,
        status=Leaver.Status.JOINED,
    )
    LeaverChange.objects.create(
        leaver=leaver,
        register_import=register_import,
        action=LeaverChange.Action.UPDATED,
        changes={"phone": ["+47 000", PHONE], "last_name": ["Gammelnavn", LAST_NAME]},
    )
    Invitation.objects.create(
        campaign=_campaign("Vårkampanjen"),
        leaver=leaver,
        status=Invitation.Status.JOINED,
        responded_at=timezone.now(),
    )
    join_request = JoinRequest.objects.create(
        name=f"{FIRST_NAME} {LAST_NAME}",
        email=PERSONAL_EMAIL,
        years="2010–2019",
        department="Drift",
        message=f"Hilsen {FIRST_NAME}, tlf {PHONE}",
        status=JoinRequest.Status.APPROVED,
        decided_at=timezone.now(),
        decided_by=staff,
        leaver=leaver,
    )
    OutboxEmail.objects.create(
        to_email="hr@fjordvik.example",
        kind="notice",
        language="nb",
        content_type=ContentType.objects.get_for_model(JoinRequest),
        object_id=join_request.pk,
        data={"subject": f"Ny forespørsel: {join_request.name}", "body": "..."},
    )
    return leaver


def _outbox() -> None:
    OutboxEmail.objects.create(
        to_email=EMAIL,
        kind="campaign_invitation",
        language="nb",
        data={"first_name": FIRST_NAME},
        status=OutboxEmail.Status.SENT,
        sent_at=timezone.now(),
    )
    OutboxEmail.objects.create(
        to_email=EMAIL.upper(), kind="account", language="nb", data={"code": LOGIN_CODE}
    )
    OutboxEmail.objects.create(to_email="someone.else@epost.example", kind="account", language="nb")
    # The person, as a coordinator, granted others a role: their name is in those emails.
    granted = {"first_name": "Annen", "granted_by": f"{FIRST_NAME} {LAST_NAME}"}
    OutboxEmail.objects.create(
        to_email="annen@epost.example",
        kind="role_granted",
        language="nb",
        data=granted,
        status=OutboxEmail.Status.SENT,
        sent_at=timezone.now(),
    )
    OutboxEmail.objects.create(
        to_email="tredje@epost.example", kind="role_granted", language="nb", data=granted
    )


def _gatherings(member: Member, visible: Member, hidden: Member):
    gathering = GatheringFactory(title="Julesamling", ask_dietary=True, capacity=1)
    RsvpFactory(
        gathering=gathering,
        member=member,
        answer=Rsvp.Answer.YES,
        dietary="Glutenfri og uten nøtter",
        checked_in_at=timezone.now(),
    )
    RsvpFactory(gathering=gathering, member=visible, answer=Rsvp.Answer.YES, waitlist_position=1)
    OrganiserFactory(gathering=gathering, member=member)
    task = NetworkingTask.objects.create(gathering=gathering, member=member)
    NetworkingPick.objects.create(task=task, person=visible, kind="old", reason="worked_together")
    NetworkingPick.objects.create(task=task, person=hidden, kind="new", reason="never_met", order=1)
    Connection.objects.create(
        member_low=min(member, visible, key=lambda m: m.pk),
        member_high=max(member, visible, key=lambda m: m.pk),
        gathering=gathering,
        recorded_by=member,
    )
    Feedback.objects.create(gathering=gathering, member=member, rating=5, comment="Flott kveld")
    earlier = GatheringFactory(title="Sommerfest", start=timezone.now() - timedelta(days=400))
    Guest.objects.create(
        gathering=earlier, name=f"{FIRST_NAME} {LAST_NAME}", email=PERSONAL_EMAIL, employer="X"
    )
    HostContact.objects.create(
        gathering=earlier, name=f"{FIRST_NAME} {LAST_NAME}", email=EMAIL, phone=PHONE
    )
    AgendaItem.objects.create(
        gathering=gathering,
        order=1,
        duration_minutes=20,
        title="Fra Fjordvik til havet",
        speaker_member=member,
        speaker_name=f"{FIRST_NAME} {LAST_NAME}",
    )
    return gathering


def _logs(member: Member, staff) -> None:
    audit.record(actor=member.user, action=AuditLog.Action.OWN_DATA_EXPORT, obj=member)
    audit.record(
        actor=staff,
        action=AuditLog.Action.ROLE_CHANGE,
        detail=audit.Detail.ORGANISER_GRANTED,
        params={"gathering": 1, "email": EMAIL.lower()},
        member_ids=[member.pk],
    )
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(member.user),
        object_id=str(member.user.pk),
        object_repr=EMAIL,
        action_flag=CHANGE,
    )


def person_everywhere() -> Everywhere:
    """A member with a register row, invitations, emails, answers, tasks, feedback and logs."""
    member = profile_member(
        user__first_name=FIRST_NAME,
        user__last_name=LAST_NAME,
        user__email=EMAIL,
        personal_email=PERSONAL_EMAIL,
        phone=PHONE,
        bio=f"Jeg heter {FIRST_NAME}.",
    )
    visible = profile_member(user__first_name="Synlig", user__last_name="Kollega")
    hidden = MemberFactory(user__first_name="Skjult", user__last_name="Person", in_directory=False)
    staff = StaffFactory()
    _register(member, staff)
    _outbox()
    gathering = _gatherings(member, visible, hidden)
    _logs(member, staff)
    return Everywhere(
        member=member, visible=visible, hidden=hidden, staff=staff, gathering=gathering
    )
