"""What an audit entry says: a registered English message and its parameters, read in any language.

An entry stores the message's msgid in `AuditLog.detail` and its parameters in
`AuditLog.detail_params`; the text is put together when someone reads it, in
their language. Entries written before details were translated hold plain
English and no parameters, and show as they were written.

Some parameters are translated too, by their name (see `PARAM_TEXTS`): "fields"
are field names of the entry's object, "moved" counts rows per model, "when" is
a moment, "kind" an email kind. A person's address is always the parameter
"email", so that an erasure finds it.
"""

from collections.abc import Callable
from enum import StrEnum

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext, gettext_noop

from alumni_network.mail.kinds import kind_label


class Detail(StrEnum):
    """Every detail an entry may carry; each value is the msgid, stored as it is."""

    # members
    DIRECTORY = gettext_noop("directory")
    DIRECTORY_PROFILE = gettext_noop("directory profile")
    HR_MEMBER_PAGE = gettext_noop("HR member page")
    COMPETENCE_SEARCH = gettext_noop("competence search: %(competence)s")
    SHORTLIST_EXPORT = gettext_noop("shortlist (%(format)s): %(competence)s")
    MEMBERS_EXPORT = gettext_noop("members (%(format)s)")
    COORDINATOR_GRANTED = gettext_noop("granted coordinator to %(email)s")
    COORDINATOR_GRANTED_NEW_ACCOUNT = gettext_noop("granted coordinator to %(email)s (new account)")
    COORDINATOR_REVOKED = gettext_noop("revoked coordinator from %(email)s")
    ORGANISATIONS_MERGED = gettext_noop("merged %(merged)s into %(kept)s: %(moved)s")
    # invitations
    LEAVER_PAGE = gettext_noop("leaver page")
    LEAVER_EDITED = gettext_noop("edited leaver: %(fields)s")
    LEAVER_ERASED = gettext_noop("leaver #%(leaver)s in the register")
    UNANSWERED_PURGED = gettext_noop("unanswered leavers past the retention period: %(count)s")
    JOIN_REQUESTS = gettext_noop("requests to join: %(count)s waiting")
    IMPORT_COMMITTED = gettext_noop("%(file_name)s, rows: %(rows)s")
    IMPORT_ERRORS = gettext_noop("error rows of %(file_name)s")
    REGISTER_EXPORT = gettext_noop("register (%(format)s), leavers: %(count)s, filter: %(filter)s")
    CAMPAIGN_PREVIEWED = gettext_noop("campaign %(campaign)s previewed as this leaver")
    CAMPAIGN_SENT_NOW = gettext_noop("sent now to segment %(segment)s")
    CAMPAIGN_SCHEDULED = gettext_noop("scheduled for %(when)s to segment %(segment)s")
    CAMPAIGN_RESULTS_EXPORT = gettext_noop("campaign results (%(format)s)")
    OUTBOX_EMAIL = gettext_noop("outbox email %(number)s (%(kind)s)")
    # gatherings
    ATTENDEES_EXPORT = gettext_noop("attendees (%(format)s)")
    ORGANISER_GRANTED = gettext_noop("granted organiser of gathering %(gathering)s to %(email)s")
    ORGANISER_REVOKED = gettext_noop("revoked organiser of gathering %(gathering)s from %(email)s")
    HOST_ROTATION = gettext_noop("host rotation")
    WHO_IS_COMING = gettext_noop("who is coming")


MSGIDS = frozenset(detail.value for detail in Detail)


def detail_text(*, detail: str, params: dict, object_type: str = "") -> str:
    """The detail in the active language, its parameters filled in."""
    if detail not in MSGIDS:
        return _filled(detail, detail, params, object_type)
    return _filled(gettext(detail), detail, params, object_type)


def _filled(text: str, msgid: str, params: dict, object_type: str) -> str:
    if not params:
        return text
    shown = {name: param_text(name, value, object_type) for name, value in params.items()}
    try:
        return text % shown
    except (KeyError, ValueError, TypeError):
        # A translation that lost a placeholder shows the English, not an error page.
        try:
            return msgid % shown
        except (KeyError, ValueError, TypeError):
            return msgid


def param_text(name: str, value, object_type: str = "") -> str:
    """One parameter as the reader reads it: translated where its name says how."""
    to_text = PARAM_TEXTS.get(name)
    if to_text is not None:
        return to_text(value, object_type)
    return _plain(value)


def _plain(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {item}" for key, item in value.items()) or "–"
    return str(value)


def _model(label: str):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field_names(value, object_type: str) -> str:
    """Field names of the entry's object, as its model names them (or as stored)."""
    model = _model(object_type)
    if model is None or not isinstance(value, list):
        return _plain(value)
    return ", ".join(_verbose_name(model, name) for name in value)


def _verbose_name(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _model_counts(value, _object_type: str) -> str:
    """{"members.member": 2, ...} as "2 members, ..."."""
    if not isinstance(value, dict):
        return _plain(value)
    return ", ".join(f"{count} {_model_name(label, count)}" for label, count in value.items())


def _model_name(label: str, count) -> str:
    model = _model(label)
    if model is None:
        return label
    return str(model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural)


def _moment(value, _object_type: str) -> str:
    """An ISO moment in the site's time zone, as the active language writes date and time."""
    moment = parse_datetime(value) if isinstance(value, str) else None
    if moment is None or timezone.is_naive(moment):
        return _plain(value)
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _kind(value, _object_type: str) -> str:
    return kind_label(value) if isinstance(value, str) else _plain(value)


PARAM_TEXTS: dict[str, Callable[..., str]] = {
    "fields": _field_names,
    "moved": _model_counts,
    "when": _moment,
    "kind": _kind,
}
