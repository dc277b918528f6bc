"""Name badges: who gets one, what is printed (read back out of the PDF), and who may print them."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from gatherings import rsvp as rsvp_module
from gatherings.badges import content, pdf
from gatherings.models import Guest, NetworkingPick, NetworkingTask, Rsvp
from members.models import Visibility

from ..factories import MemberFactory, OrganisationFactory
from ..invitations.factories import LeaverFactory
from .factories import GatheringFactory, OrganiserFactory, RsvpFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def attendee(gathering, first, last, **kwargs):
    """A confirmed answer of a member with this name."""
    answer = kwargs.pop("answer", Rsvp.Answer.YES)
    waitlist_position = kwargs.pop("waitlist_position", None)
    member = MemberFactory(user__first_name=first, user__last_name=last, **kwargs)
    return RsvpFactory(
        gathering=gathering, member=member, answer=answer, waitlist_position=waitlist_position
    )


def read_pdf(response) -> PdfReader:
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def pdf_text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    """Extracted text with runs of whitespace as one space, for phrase matching."""
    return " ".join(text.split())


@pytest.fixture
def gathering():
    return GatheringFactory(title="Høstsamling på Bryggen")


def get_badges(client, gathering, **params):
    return client.get(reverse("gatherings:badges", kwargs={"pk": gathering.pk}), params, **EN)


def test_sheet_has_confirmed_walk_ins_and_guests_by_surname(staff_client, gathering):
    attendee(gathering, "Åse", "Øvrebø")
    attendee(gathering, "Kari", "Aas")
    attendee(gathering, "Venter", "Ventesen", answer=Rsvp.Answer.YES, waitlist_position=1)
    attendee(gathering, "Nei", "Neisen", answer=Rsvp.Answer.NO)
    walk_in = attendee(gathering, "Per", "Ærlig", answer=Rsvp.Answer.PENDING)
    Rsvp.objects.filter(pk=walk_in.pk).update(checked_in_at=timezone.now())
    Guest.objects.create(gathering=gathering, name="Gunn Gjestesen", email="gunn@example.org")

    text = pdf_text(read_pdf(get_badges(staff_client, gathering)))

    names = ["Kari Aas", "Gunn Gjestesen", "Per Ærlig", "Åse Øvrebø"]
    assert [text.index(name) for name in names] == sorted(text.index(name) for name in names)
    assert "Ventesen" not in text
    assert "Neisen" not in text


def writes(queries) -> list[str]:
    return [
        query["sql"]
        for query in queries
        if query["sql"].lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]


def test_every_yes_prints_the_code_it_got_with_its_answer(staff_client, gathering):
    members = [MemberFactory(user__first_name="Svar", user__last_name=f"Ja{n}") for n in range(3)]
    for member in members:
        rsvp_module.answer_gathering(gathering=gathering, member=member, answer="yes")

    text = flat(pdf_text(read_pdf(get_badges(staff_client, gathering))))

    given = list(Rsvp.objects.filter(gathering=gathering).values_list("code", flat=True))
    assert [code in text for code in given] == [True, True, True]


@pytest.mark.parametrize("one", [False, True])
def test_opening_the_badges_writes_nothing(staff_client, gathering, one):
    attendee(gathering, "Kari", "Nordmann")
    walk_in = attendee(gathering, "Per", "Uanmeldt", answer=Rsvp.Answer.PENDING)
    Rsvp.objects.filter(pk=walk_in.pk).update(checked_in_at=timezone.now())
    # A walk-in has no code: opening badges used to give one.
    params = {"rsvp": walk_in.pk} if one else {}

    with CaptureQueriesContext(connection) as queries:
        response = get_badges(staff_client, gathering, **params)

    assert (response.status_code, writes(queries)) == (200, [])


def test_a_yes_left_without_a_code_is_printed_without_one_and_not_given_one(
    staff_client, gathering
):
    rsvp = attendee(gathering, "Gammel", "Rad")
    Rsvp.objects.filter(pk=rsvp.pk).update(code="")

    with CaptureQueriesContext(connection) as queries:
        text = flat(pdf_text(read_pdf(get_badges(staff_client, gathering))))

    assert ("Gammel Rad" in text, "Code" in text, writes(queries)) == (True, False, [])
    assert Rsvp.objects.get(pk=rsvp.pk).code == ""


def test_guest_badge_says_guest_and_employer_without_code(staff_client, gathering):
    guest = Guest.objects.create(
        gathering=gathering, name="Gunn Gjestesen", email="g@example.org", employer="Equinor"
    )

    response = get_badges(staff_client, gathering, guest=guest.pk)

    text = pdf_text(read_pdf(response))
    assert ("Gunn Gjestesen" in text, "Equinor" in text, "Guest" in text) == (True, True, True)
    assert "Code" not in text
    assert "Talk to" not in text


@pytest.mark.parametrize(("count", "pages"), [(1, 1), (8, 1), (9, 2), (16, 2), (17, 3)])
def test_eight_badges_per_a4_page(staff_client, gathering, count, pages):
    for n in range(count):
        attendee(gathering, "Deltaker", f"Nummer{n:02d}")

    reader = read_pdf(get_badges(staff_client, gathering))

    assert len(reader.pages) == pages
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]


def test_badge_prints_employer_years_code_and_task(staff_client, gathering):
    rsvp = attendee(
        gathering, "Øystein", "Bjørnstad", employer=OrganisationFactory(name="Havvind Sør AS")
    )
    LeaverFactory(
        member=rsvp.member,
        hired_on=datetime.date(2008, 3, 1),
        left_on=datetime.date(2015, 8, 31),
    )
    old = MemberFactory(user__first_name="Trine", user__last_name="Lærum")
    new = MemberFactory(user__first_name="Ola", user__last_name="Ny")
    task = NetworkingTask.objects.create(gathering=gathering, member=rsvp.member)
    NetworkingPick.objects.create(
        task=task, person=old, kind="old", reason="worked_together",
        department="Revisjon", overlap_from=2008, overlap_to=2011, order=0,
    )  # fmt: skip
    NetworkingPick.objects.create(task=task, person=new, kind="new", reason="never_met", order=1)

    text = flat(pdf_text(read_pdf(get_badges(staff_client, gathering))))

    rsvp.refresh_from_db()
    assert re.fullmatch(r"[A-Z0-9]{3}-[A-Z0-9]{3}", rsvp.code)
    for expected in (
        "Øystein Bjørnstad",
        "Havvind Sør AS",
        "Fjordvik 2008–2015",
        "Talk to",
        "Trine Lærum",
        "You both worked in Revisjon 2008–2011",
        "Ola Ny",
        "You have not met before",
        rsvp.code,
    ):
        assert expected in text, expected


def test_task_respects_the_picked_persons_privacy(staff_client, gathering):
    rsvp = attendee(gathering, "Eva", "Eier")
    private = MemberFactory(
        user__first_name="Stine", user__last_name="Stille", history_visibility=Visibility.HR
    )
    gone = MemberFactory(user__first_name="Borte", user__last_name="Vekk", in_directory=False)
    task = NetworkingTask.objects.create(gathering=gathering, member=rsvp.member)
    NetworkingPick.objects.create(
        task=task, person=private, kind="old", reason="worked_together",
        department="Revisjon", overlap_from=2008, overlap_to=2011, order=0,
    )  # fmt: skip
    NetworkingPick.objects.create(task=task, person=gone, kind="new", reason="never_met", order=1)

    text = flat(pdf_text(read_pdf(get_badges(staff_client, gathering))))

    assert "Stine Stille · You were colleagues" in text
    assert "Revisjon" not in text
    assert "Borte Vekk" not in text


def test_years_come_from_the_profile_without_a_register_row(staff_client, gathering):
    attendee(gathering, "Mona", "Profil", started_year=1999, left_year=2020)

    text = flat(pdf_text(read_pdf(get_badges(staff_client, gathering))))

    assert "Fjordvik 1999–2020" in text


def test_private_employer_and_history_are_not_printed(staff_client, gathering):
    attendee(
        gathering,
        "Hemmelig",
        "Hansen",
        employer=OrganisationFactory(name="Skjult Arbeidsgiver AS"),
        work_visibility=Visibility.HR,
        history_visibility=Visibility.HIDDEN,
        started_year=2001,
        left_year=2009,
    )
    attendee(
        gathering,
        "Borte",
        "Fra Katalogen",
        employer=OrganisationFactory(name="Usynlig AS"),
        in_directory=False,
    )

    text = flat(pdf_text(read_pdf(get_badges(staff_client, gathering))))

    assert ("Hemmelig Hansen" in text, "Borte Fra Katalogen" in text) == (True, True)
    assert "Skjult Arbeidsgiver" not in text
    assert "2001" not in text
    assert "Usynlig" not in text


def test_without_a_task_the_badge_points_to_the_member_area(staff_client, gathering):
    attendee(gathering, "Uten", "Oppgave")

    text = flat(pdf_text(read_pdf(get_badges(staff_client, gathering))))

    assert "Your networking task will be in the member area." in text
    assert "Talk to" not in text


def test_rsvp_parameter_gives_one_badge(staff_client, gathering):
    wanted = attendee(gathering, "Walter", "Walkin", answer=Rsvp.Answer.PENDING)
    attendee(gathering, "Annen", "Person")

    response = get_badges(staff_client, gathering, rsvp=wanted.pk)

    reader = read_pdf(response)
    text = pdf_text(reader)
    assert len(reader.pages) == 1
    assert ("Walter Walkin" in text, "Annen Person" in text) == (True, False)
    assert response["Content-Disposition"].startswith("inline; filename=")
    assert reader.metadata.title == "Name badge: Walter Walkin"


@pytest.mark.parametrize("param", ["rsvp", "guest"])
def test_another_gatherings_person_is_404(staff_client, gathering, param):
    other = GatheringFactory()
    if param == "rsvp":
        foreign = attendee(other, "Fremmed", "Person").pk
    else:
        foreign = Guest.objects.create(gathering=other, name="Fremmed", email="f@example.org").pk

    assert get_badges(staff_client, gathering, **{param: foreign}).status_code == 404


def test_a_malformed_id_is_404(staff_client, gathering):
    assert get_badges(staff_client, gathering, rsvp="1 OR 1=1").status_code == 404


def test_sheet_metadata_filename_and_embedded_font(staff_client, gathering):
    attendee(gathering, "Åse", "Ødegård")

    response = get_badges(staff_client, gathering)

    reader = read_pdf(response)
    assert reader.metadata.title == "Name badges: Høstsamling på Bryggen"
    assert response["Content-Disposition"] == 'inline; filename="hstsamling-pa-bryggen-badges.pdf"'
    fonts = reader.pages[0]["/Resources"]["/Font"]
    truetype = [f.get_object() for f in fonts.values() if f.get_object()["/Subtype"] == "/TrueType"]
    assert sorted(f["/BaseFont"].split("+")[1] for f in truetype) == [
        "BitstreamVeraSans-Bold",
        "BitstreamVeraSans-Roman",
    ]
    assert all("/FontFile2" in f["/FontDescriptor"].get_object() for f in truetype)


def test_member_may_not_print_badges(member_client, gathering):
    assert get_badges(member_client, gathering).status_code == 403


def test_another_gatherings_organiser_may_not_print_badges(client, gathering):
    organiser = OrganiserFactory(gathering=GatheringFactory())
    client.force_login(organiser.member.user)

    assert get_badges(client, gathering).status_code == 403


def test_the_gatherings_organiser_may_print_badges(client, gathering):
    organiser = OrganiserFactory(gathering=gathering)
    client.force_login(organiser.member.user)

    response = get_badges(client, gathering)

    assert response.status_code == 200


def test_anonymous_is_sent_to_log_in(client, gathering):
    response = get_badges(client, gathering)

    assert (response.status_code, "/accounts/login/" in response["Location"]) == (302, True)


@pytest.mark.parametrize("count", [3, 12])
def test_sheet_queries_do_not_grow_with_attendees(
    staff_client, gathering, count, django_assert_max_num_queries
):
    for n in range(count):
        rsvp = attendee(gathering, "Person", f"Nummer{n:02d}")
        rsvp.code = f"AAA-{n:03d}"
        rsvp.save(update_fields=["code"])
        task = NetworkingTask.objects.create(gathering=gathering, member=rsvp.member)
        NetworkingPick.objects.create(
            task=task, person=MemberFactory(), kind="new", reason="never_met"
        )

    with django_assert_max_num_queries(12):
        assert get_badges(staff_client, gathering).status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "Bo Li",
        "Kristoffer Alexander Wilhelmsen-Bjørnstad",
        "Maria Magdalena Østensjø-Kristiansen de la Fuente Håkonsdatter",
        "Ånundsdottirkristiansenbergersenhaugeslettebakken",
    ],
)
def test_long_names_shrink_and_never_overflow(name):
    pdf.register_fonts()

    lines, size = pdf.name_lines(name)

    assert all(pdf.text_width(line, pdf.FONT_BOLD, size) <= pdf.INNER_W for line in lines)
    assert len(lines) <= 2
    assert size >= pdf.NAME_MIN


def test_company_short_name_drops_legal_and_trade_words():
    assert content.company_short_name("Fjordvik Energi AS") == "Fjordvik"
    assert content.company_short_name("Nordlys ASA") == "Nordlys"
    assert content.company_short_name("AS") == "AS"
