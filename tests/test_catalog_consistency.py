"""One English msgid, one Norwegian translation, across every app catalogue.

Django merges the apps' catalogues into one, and the first that translates a
msgid wins: a word with two meanings ("Held": a gathering that took place, an
email held back) must carry a pgettext context, or one app's translation shows
up in the other's pages.
"""

from collections import defaultdict
from pathlib import Path

import polib
from django.conf import settings
from django.test import override_settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)


def nb_catalogues() -> list[Path]:
    """Every app catalogue of the project in Norwegian Bokmål."""
    found = set(ROOT.glob("*/locale/nb/LC_MESSAGES/django.po"))
    found |= set(ROOT.glob("alumni_network/*/locale/nb/LC_MESSAGES/django.po"))
    return sorted(found)


def translations_by_msgid() -> dict[tuple, dict[str, str]]:
    """(context, msgid, plural) -> {catalogue: translation} for every live translated entry."""
    seen = defaultdict(dict)
    for path in nb_catalogues():
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags or not entry.translated():
                continue
            text = entry.msgstr or " | ".join(
                entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)
            )
            key = (entry.msgctxt, entry.msgid, entry.msgid_plural)
            seen[key][str(path.relative_to(ROOT))] = text
    return seen


def test_catalogues_are_found():
    names = {path.relative_to(ROOT).parts[0] for path in nb_catalogues()}
    assert {"alumni_network", "members", "invitations", "gatherings"} <= names


def test_no_msgid_has_two_translations():
    clashes = {
        key: by_file
        for key, by_file in translations_by_msgid().items()
        if len(set(by_file.values())) > 1
    }
    assert not clashes, "\n".join(
        f"{'[' + key[0] + '] ' if key[0] else ''}{key[1]!r}: {by_file}"
        for key, by_file in clashes.items()
    )


@override_settings(LANGUAGE_CODE="nb")
def test_gathering_and_email_status_read_differently():
    from alumni_network.mail.models import OutboxEmail
    from gatherings.models import Gathering

    with translation.override("nb"):
        assert str(Gathering.Status.DONE.label) == "Gjennomført"
        assert str(OutboxEmail.Status.HELD.label) == "Holdt tilbake"
        assert str(Gathering.Status.CANCELLED.label) == "Avlyst"
    with translation.override("en"):
        assert str(Gathering.Status.DONE.label) == "Held"


def test_every_translation_of_ours_is_the_one_shown():
    """An app listed before ours in INSTALLED_APPS (the admin, allauth) wins a shared
    msgid: "Filter" showed as the admin's "Filtrering". Ours must be the one shown."""
    overridden = []
    with translation.override("nb"):
        for (context, msgid, plural), by_file in translations_by_msgid().items():
            if plural:
                continue
            expected = next(iter(by_file.values()))
            shown = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if shown != expected:
                overridden.append(f"{msgid!r}: ours {expected!r}, shown {shown!r}")
    assert not overridden, "\n".join(overridden)
