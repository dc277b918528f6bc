import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Assertions read the engine's messages in English, the source language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def client():
    """Pages in English, the source language of the assertions."""
    from django.test import Client

    return Client(headers={"accept-language": "en"})
