"""Campaign emails name the next gathering."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from invitations.campaigns.placeholders import fill_placeholders

from ..factories import OrganisationFactory
from .factories import GatheringFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")


def test_next_gathering_placeholder_names_the_next_published_gathering(settings):
    host = OrganisationFactory(name="Equinor ASA")
    GatheringFactory(
        title="Vintersamling",
        start=datetime(2031, 1, 15, 16, 0, tzinfo=OSLO),
        end=datetime(2031, 1, 15, 19, 0, tzinfo=OSLO),
        host=host,
    )
    GatheringFactory(
        title="Utkast",
        status="draft",
        start=datetime(2030, 12, 1, 16, 0, tzinfo=OSLO),
        end=datetime(2030, 12, 1, 19, 0, tzinfo=OSLO),
    )

    text = fill_placeholders("{next_gathering}", data={}, language="nb")

    assert text == "Vintersamling, 15. januar 2031 kl. 16:00, vertskap: Equinor ASA"


def test_next_gathering_placeholder_without_a_gathering_says_so():
    text = fill_placeholders("{next_gathering}", data={}, language="en")

    assert text == "members hear about the next gathering first, by email"
