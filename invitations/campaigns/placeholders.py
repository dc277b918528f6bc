"""Placeholders in a campaign's text ({first_name}, {next_gathering}, ...) and the default text."""

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop, ngettext

from alumni_network.mail.rendering import batch_cache

from ..models import Leaver

logger = logging.getLogger(__name__)


# Placeholders ---------------------------------------------------------------------------

# name -> function(data: dict, language: str) -> str, called with the recipient's
# data inside translation.override(language). Other apps add theirs (the gatherings
# app provides {next_gathering}) with register_placeholder.
PLACEHOLDERS: dict[str, Callable[[dict, str], str]] = {}
# Placeholders whose text is the same for every recipient of a language: filled
# once per outbox batch and language, not once per email (the next gathering is a
# query).
SHARED_PLACEHOLDERS: set[str] = set()
PLACEHOLDER_PATTERN = re.compile(r"\{(\w+)\}")


def register_placeholder(
    name: str, func: Callable[[dict, str], str], *, shared: bool | None = None
) -> None:
    """Add or replace a placeholder; a replacement keeps `shared` unless it says otherwise."""
    PLACEHOLDERS[name] = func
    if shared is True:
        SHARED_PLACEHOLDERS.add(name)
    elif shared is False:
        SHARED_PLACEHOLDERS.discard(name)


def _first_name(data: dict, language: str) -> str:
    # "Hei du," reads well where a name is missing.
    return data.get("first_name") or gettext("there")


def _years(data: dict, language: str) -> str:
    years = data.get("years")
    if not years:
        return gettext("your time")
    return ngettext("%(count)s year", "%(count)s years", years) % {"count": years}


def _next_gathering(data: dict, language: str) -> str:
    return gettext("members hear about the next gathering first, by email")


register_placeholder("first_name", _first_name, shared=False)
register_placeholder("years", _years, shared=False)
register_placeholder("next_gathering", _next_gathering, shared=True)
register_placeholder("company", lambda data, language: settings.COMPANY_NAME, shared=True)
register_placeholder("network", lambda data, language: settings.NETWORK_NAME, shared=True)


def fill_placeholders(text: str, *, data: dict, language: str) -> str:
    """Replace the known {placeholders}; anything else in braces stays as written."""
    cache: dict[str, str] = {}
    shared = batch_cache()

    def value(name: str) -> str:
        try:
            return str(PLACEHOLDERS[name](data, language))
        except Exception:  # noqa: BLE001 - one broken provider must not stop a campaign
            logger.exception("Placeholder %s failed", name)
            return ""

    def replace(match):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        if name not in cache:
            if name in SHARED_PLACEHOLDERS:
                key = ("placeholder", name, language)
                if key not in shared:
                    shared[key] = value(name)
                cache[name] = shared[key]
            else:
                cache[name] = value(name)
        return cache[name]

    with translation.override(language):
        return PLACEHOLDER_PATTERN.sub(replace, text)


def fill_shared_placeholders(text: str, *, language: str) -> str:
    """Fill what every recipient sees alike ({network}); personal ones ({first_name}) stay."""
    with translation.override(language):
        return PLACEHOLDER_PATTERN.sub(
            lambda match: (
                str(PLACEHOLDERS[match.group(1)]({}, language))
                if match.group(1) in SHARED_PLACEHOLDERS
                else match.group(0)
            ),
            text,
        )


def recipient_data(leaver: Leaver | dict, *, campaign_id: int | None) -> dict:
    """What an outbox row needs to personalise the message, without reading the register."""
    get = leaver.get if isinstance(leaver, dict) else lambda name: getattr(leaver, name)
    hired, left = get("hired_on"), get("left_on")
    years = None
    if hired and left and left > hired:
        years = (left - hired).days // 365 or None
    return {
        "campaign": campaign_id,
        "leaver": get("pk") if isinstance(leaver, dict) else leaver.pk,
        "first_name": get("first_name") or "",
        "years": years,
    }


# Default message ------------------------------------------------------------------------

DEFAULT_SUBJECT = gettext_noop("Join {network}, the network for former colleagues")
DEFAULT_BODY = gettext_noop(
    "Hi {first_name},\n\n"
    "Thank you for {years} with us at {company}. Many of those who have worked here "
    "keep in touch, and {network} is where they do it: a network for everyone who has "
    "worked at {company}. We would like you to join.\n\n"
    "As a member you get:\n"
    "- gatherings of two to three hours, or a breakfast, with news from the company, a "
    "former colleague on an exciting job or project, a professional talk and time to talk\n"
    "- a directory where you find former colleagues by competence and where they work now\n"
    "- open positions and project work, shown first to people who already know us\n\n"
    "Next gathering: {next_gathering}.\n\n"
    "Joining takes a minute with the button below. It is free, and you can leave "
    "whenever you like.\n\n"
    "Why you get this email: you are in our register of former employees. We contact "
    "you because we have a legitimate interest in keeping in touch with people who "
    "have worked here, and we use only your name, your email address and when and "
    "where you worked with us. If you do not want to hear from us, answer “No thanks” "
    "on the join page or use the unsubscribe link at the bottom of this email, and we "
    "will not write to you about this again."
)


def default_message(language: str) -> tuple[str, str]:
    with translation.override(language):
        return gettext(DEFAULT_SUBJECT), gettext(DEFAULT_BODY)
