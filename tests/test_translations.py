"""Norwegian and English are complete: catalogs, compiled files and rendered pages."""

from html.parser import HTMLParser
from pathlib import Path

import allauth
import polib
import pytest
from django.test import Client

from .pages import html_pages
from .test_access_matrix import url_for

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = sorted(
    path
    for path in ROOT.glob("*/locale/nb/LC_MESSAGES/django.po")
    if ".venv" not in path.parts and "node_modules" not in path.parts
)
# Shown as they are in every language: the language switcher names each
# language in itself, and product names are names.
ALLOWED_ENGLISH = {"English", "Fjordvik Alumni"}


def test_every_app_has_a_norwegian_catalog():
    apps = {path.parts[-5] for path in CATALOGS}

    assert {"alumni_network", "members", "invitations", "gatherings"} <= apps


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: path.parts[-5])
def test_catalog_translates_every_message(catalog):
    po = polib.pofile(str(catalog))

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: path.parts[-5])
def test_compiled_catalog_is_up_to_date(catalog):
    po = polib.pofile(str(catalog))
    mo = polib.mofile(str(catalog.with_suffix(".mo")))

    def messages(entries):
        return {
            (entry.msgctxt, entry.msgid): entry.msgstr or tuple(sorted(entry.msgstr_plural.items()))
            for entry in entries
            if entry.msgid
            and (entry.msgstr or any(entry.msgstr_plural.values()))
            and not entry.obsolete
            and "fuzzy" not in entry.flags
        }

    assert messages(mo) == messages(po)


def english_messages() -> set[str]:
    """English source texts whose Norwegian translation differs from them."""
    catalogs = [*CATALOGS, Path(allauth.__file__).parent / "locale/nb/LC_MESSAGES/django.po"]
    texts = set()
    for catalog in catalogs:
        for entry in polib.pofile(str(catalog)):
            if entry.msgstr and entry.msgstr != entry.msgid and "%" not in entry.msgid:
                texts.add(entry.msgid.strip())
    return texts - ALLOWED_ENGLISH


class VisibleText(HTMLParser):
    """Text nodes and the attributes a person reads or hears."""

    ATTRIBUTES = {"alt", "title", "placeholder", "aria-label"}

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.texts.extend(
            value.strip() for name, value in attrs if name in self.ATTRIBUTES and value
        )

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


@pytest.mark.parametrize(("name", "role"), html_pages())
def test_norwegian_page_shows_no_untranslated_english(name, role, world):
    client = Client(headers={"accept-language": "nb"})
    if role != "anonymous":
        client.force_login(world[f"{role}_user"])
    parser = VisibleText()
    parser.feed(client.get(url_for(name, world)).content.decode())

    assert sorted(set(parser.texts) & english_messages()) == []
