"""Materials: slides and links on agenda items, checked on upload, served only to those allowed."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gatherings.materials.forms import MATERIAL_MAX_BYTES
from gatherings.models import Material

from ..factories import MemberFactory
from .factories import AgendaItemFactory, GatheringFactory, OrganiserFactory, RsvpFactory


@pytest.fixture(autouse=True)
def in_english(settings):
    """The assertions read the English wording; the site's default language is Norwegian."""
    settings.LANGUAGE_CODE = "en"


pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def private_storage(tmp_path, monkeypatch):
    """The private storage in a folder of this test's own (the field holds its storage)."""
    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(Material._meta.get_field("file"), "storage", storage)
    return storage


@pytest.fixture
def past_gathering():
    start = timezone.now() - timedelta(days=1)
    return GatheringFactory(start=start, end=start + timedelta(hours=3), rsvp_deadline=None)


@pytest.fixture
def item(past_gathering):
    return AgendaItemFactory(gathering=past_gathering, title="Havvind i Nordsjøen")


def item_url(item):
    return reverse(
        "gatherings:item_materials", kwargs={"pk": item.gathering_id, "item_pk": item.pk}
    )


def upload(client, item, *, name="lysark.pdf", data=PDF_BYTES, title="Lysark"):
    return client.post(
        item_url(item),
        {"kind": "file", "file-title": title, "file-file": SimpleUploadedFile(name, data)},
    )


def pdf_material(item, *, storage, name="Foiler Øst.pdf") -> Material:
    material = Material(agenda_item=item, title="Lysark", filename=name, size=len(PDF_BYTES))
    material.file.save("x.pdf", SimpleUploadedFile("x.pdf", PDF_BYTES), save=False)
    material.save()
    return material


def material_url(material):
    return reverse(
        "gatherings:material",
        kwargs={"pk": material.agenda_item.gathering_id, "material_pk": material.pk},
    )


def downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_production_limit_is_20_mb():
    assert MATERIAL_MAX_BYTES == 20 * 1024 * 1024


def test_hr_uploads_a_pdf_into_the_private_storage(staff_client, item, private_storage):
    response = upload(staff_client, item, name="Havvind – Øst.pdf")

    material = Material.objects.get()
    assert response.status_code == 302
    assert (material.title, material.filename, material.size) == (
        "Lysark",
        "Havvind – Øst.pdf",
        len(PDF_BYTES),
    )
    path = Path(private_storage.path(material.file.name))
    assert path.read_bytes() == PDF_BYTES
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert material.file.name.startswith("materials/") and "Havvind" not in material.file.name


def test_the_default_private_storage_is_outside_media_root():
    private = Path(settings.STORAGES["private"]["OPTIONS"]["location"]).resolve()

    assert not private.is_relative_to(Path(settings.MEDIA_ROOT).resolve())


def test_a_file_over_the_limit_is_refused(staff_client, item, settings):
    settings.MATERIAL_MAX_BYTES = 100

    response = upload(staff_client, item, data=PDF_BYTES + b"0" * 200)

    assert response.status_code == 400
    assert "The limit is 100" in response.content.decode()
    assert not Material.objects.exists()


def test_a_png_renamed_pdf_is_refused(staff_client, item):
    response = upload(staff_client, item, name="bilde.pdf", data=PNG_BYTES)

    assert response.status_code == 400
    assert "This file is not a PDF." in response.content.decode()
    assert not Material.objects.exists()


def test_a_file_not_named_pdf_is_refused(staff_client, item):
    response = upload(staff_client, item, name="lysark.pptx")

    assert response.status_code == 400
    assert "Choose a PDF file (the name ends in .pdf)." in response.content.decode()
    assert not Material.objects.exists()


def test_a_link_is_added(staff_client, item):
    response = staff_client.post(
        item_url(item),
        {"kind": "link", "link-title": "Opptak", "link-url": "https://video.example/opptak"},
    )

    assert response.status_code == 302
    assert list(Material.objects.values_list("title", "url", "file")) == [
        ("Opptak", "https://video.example/opptak", "")
    ]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example/x.pdf", "nettside"])
def test_only_web_links_are_accepted(staff_client, item, url):
    response = staff_client.post(
        item_url(item), {"kind": "link", "link-title": "Lenke", "link-url": url}
    )

    assert response.status_code == 400
    assert not Material.objects.exists()


def test_removing_deletes_the_row_and_the_file(
    staff_client, item, private_storage, django_capture_on_commit_callbacks
):
    material = pdf_material(item, storage=private_storage)
    name = material.file.name

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            reverse(
                "gatherings:material_delete",
                kwargs={"pk": item.gathering_id, "material_pk": material.pk},
            )
        )

    assert response.status_code == 302
    assert not Material.objects.exists()
    assert not private_storage.exists(name)


def test_an_organiser_may_add_but_a_member_may_not(client, item):
    organiser = OrganiserFactory(gathering=item.gathering)
    client.force_login(organiser.member.user)
    assert upload(client, item).status_code == 302

    client.force_login(MemberFactory().user)
    assert upload(client, item).status_code == 403
    assert Material.objects.count() == 1


def test_another_gatherings_organiser_may_not_remove(client, item, private_storage):
    material = pdf_material(item, storage=private_storage)
    client.force_login(OrganiserFactory().member.user)

    response = client.post(
        reverse(
            "gatherings:material_delete",
            kwargs={"pk": item.gathering_id, "material_pk": material.pk},
        )
    )

    assert response.status_code == 403
    assert Material.objects.count() == 1


def test_an_attendee_downloads_the_slides_after_the_start(client, item, private_storage):
    material = pdf_material(item, storage=private_storage)
    rsvp = RsvpFactory(gathering=item.gathering, answer="yes")
    client.force_login(rsvp.member.user)

    response = client.get(material_url(material))

    assert response.status_code == 200
    assert downloaded(response) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Foiler" in response["Content-Disposition"]


def test_a_member_of_the_audience_sees_them_on_the_gathering_page(
    member_client, item, private_storage
):
    material = pdf_material(item, storage=private_storage)
    Material.objects.create(agenda_item=item, title="Opptak", url="https://video.example/1")

    page = member_client.get(reverse("gatherings:detail", kwargs={"pk": item.gathering_id}))

    html = page.content.decode()
    assert material_url(material) in html
    assert "https://video.example/1" in html
    assert "Havvind i Nordsjøen" in html


def test_before_the_start_members_see_nothing(member_client, private_storage):
    upcoming = AgendaItemFactory(gathering=GatheringFactory())
    material = pdf_material(upcoming, storage=private_storage)

    page = member_client.get(reverse("gatherings:detail", kwargs={"pk": upcoming.gathering_id}))

    assert material_url(material) not in page.content.decode()
    assert member_client.get(material_url(material)).status_code == 404


def test_organiser_and_hr_get_them_before_the_start(client, staff_client, private_storage):
    upcoming = AgendaItemFactory(gathering=GatheringFactory())
    material = pdf_material(upcoming, storage=private_storage)
    organiser = OrganiserFactory(gathering=upcoming.gathering)
    client.force_login(organiser.member.user)

    assert downloaded(client.get(material_url(material))) == PDF_BYTES
    assert downloaded(staff_client.get(material_url(material))) == PDF_BYTES


def test_a_member_outside_the_audience_gets_404(client, item, private_storage):
    item.gathering.audience = {"locations": ["Tromsø"]}
    item.gathering.save()
    material = pdf_material(item, storage=private_storage)
    client.force_login(MemberFactory(location="Bergen").user)

    assert client.get(material_url(material)).status_code == 404


def test_a_draft_gatherings_material_is_404_to_members(member_client, item, private_storage):
    item.gathering.status = "draft"
    item.gathering.save()
    material = pdf_material(item, storage=private_storage)

    assert member_client.get(material_url(material)).status_code == 404


def test_anonymous_is_sent_to_log_in(client, item, private_storage):
    material = pdf_material(item, storage=private_storage)

    response = client.get(material_url(material))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_missing_file_is_404_not_500(staff_client, item, private_storage):
    material = pdf_material(item, storage=private_storage)
    private_storage.delete(material.file.name)

    assert staff_client.get(material_url(material)).status_code == 404


def test_a_link_material_redirects(member_client, item):
    link = Material.objects.create(agenda_item=item, title="Opptak", url="https://video.example/1")

    response = member_client.get(material_url(link))

    assert (response.status_code, response["Location"]) == (302, "https://video.example/1")


def test_agenda_editor_shows_material_counts(staff_client, item, private_storage):
    pdf_material(item, storage=private_storage)
    Material.objects.create(agenda_item=item, title="Opptak", url="https://video.example/1")

    page = staff_client.get(reverse("gatherings:agenda", kwargs={"pk": item.gathering_id}))

    html = page.content.decode()
    assert item_url(item) in html
    assert "(2)" in html


@pytest.mark.parametrize("count", [1, 4])
def test_gathering_page_queries_do_not_grow_with_materials(
    member_client, past_gathering, private_storage, count, django_assert_max_num_queries
):
    for n in range(count):
        item = AgendaItemFactory(gathering=past_gathering, speaker_member=MemberFactory())
        pdf_material(item, storage=private_storage)
        Material.objects.create(agenda_item=item, title=f"Lenke {n}", url="https://a.example/")

    with django_assert_max_num_queries(20):
        response = member_client.get(reverse("gatherings:detail", kwargs={"pk": past_gathering.pk}))

    assert response.content.decode().count("materials__link") == 2 * count
