"""The demo's members have portraits, not letters on a disc, and keep them when seeded again."""

import io

import pytest
from PIL import Image

from members import demo
from members.demo_photos import SIZE, portrait
from members.models import Member

pytestmark = pytest.mark.django_db


def test_a_portrait_is_a_square_jpeg_of_many_colours():
    with Image.open(io.BytesIO(portrait("kari.bakken@epost.example"))) as image:
        assert (image.format, image.size) == ("JPEG", (SIZE, SIZE))
        # A gradient, a head and shoulders: far more than the two colours of an initials disc.
        assert len(image.convert("RGB").getcolors(maxcolors=SIZE * SIZE)) > 500


def test_portraits_differ_between_people_and_repeat_for_the_same_person():
    assert portrait("a@epost.example") == portrait("a@epost.example")
    assert portrait("a@epost.example") != portrait("b@epost.example")


def test_seeding_gives_most_members_a_photo_and_keeps_it_the_second_time():
    demo.seed(io.StringIO())
    first = dict(Member.objects.values_list("pk", "photo"))

    demo.seed(io.StringIO())

    with_photo = [name for name in first.values() if name]
    assert len(first) * 2 // 3 <= len(with_photo) < len(first)
    assert dict(Member.objects.values_list("pk", "photo")) == first
    member = Member.objects.exclude(photo="").first()
    with Image.open(member.photo.path) as stored:
        assert stored.format == "JPEG"
