"""The mail tests read pages and messages in English, as the invitations tests do."""

from tests.invitations.conftest import _english, _media, client  # noqa: F401
