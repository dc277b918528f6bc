"""The audit log's detail: a registered message and its parameters, read in the reader's language.

The Norwegian tests need the catalogs compiled with the details' translations.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from members import audit, roles
from members.audit_details import Detail, param_text
from members.models import AuditLog
from members.owndata import ERASED_LABEL, erase_member
from tests.factories import MemberFactory, StaffFactory, UserFactory
from tests.invitations.factories import LeaverFactory

pytestmark = pytest.mark.django_db


def written(detail: Detail, language: str, **fields) -> AuditLog:
    """An entry written while `language` is active, read back from the database."""
    with translation.override(language):
        entry = audit.record(action=AuditLog.Action.EXPORT, detail=detail, **fields)
    return AuditLog.objects.get(pk=entry.pk)


def read(entry: AuditLog, language: str) -> str:
    with translation.override(language):
        return entry.detail_text


# Written in one language, read in another ------------------------------------------------


def test_an_entry_written_in_english_reads_in_norwegian():
    entry = written(Detail.MEMBERS_EXPORT, "en", params={"format": "csv"})

    assert read(entry, "nb") == "medlemmer (csv)"


def test_an_entry_written_in_norwegian_reads_in_english():
    entry = written(Detail.COMPETENCE_SEARCH, "nb", params={"competence": "Python"})

    assert read(entry, "en") == "competence search: Python"


def test_the_entry_stores_the_english_msgid_and_its_parameters():
    entry = written(Detail.COMPETENCE_SEARCH, "nb", params={"competence": "Python"})

    assert (entry.detail, entry.detail_params) == (
        "competence search: %(competence)s",
        {"competence": "Python"},
    )


@pytest.mark.parametrize("detail", list(Detail), ids=lambda detail: detail.name)
def test_every_detail_has_a_norwegian_translation(detail):
    with translation.override("nb"):
        assert gettext(detail.value) != detail.value


# Entries written before details were translated ------------------------------------------


@pytest.mark.parametrize("language", ("nb", "en"))
def test_an_old_entry_in_plain_english_shows_as_it_was_written(language):
    old = AuditLog.objects.create(
        action=AuditLog.Action.EXPORT, detail="shortlist (csv): 100% python"
    )

    assert read(old, language) == "shortlist (csv): 100% python"


def test_an_old_coordinator_grant_still_says_since_when():
    user = StaffFactory()
    granted_at = timezone.now() - datetime.timedelta(days=40)
    AuditLog.objects.create(
        action=AuditLog.Action.ROLE_CHANGE,
        object_type="members.user",
        object_id=str(user.pk),
        detail=f"granted coordinator to {user.email}",
        created_at=granted_at,
    )

    assert roles.coordinators().get(pk=user.pk).since == granted_at


# Parameters read in the reader's language ------------------------------------------------


def test_edited_field_names_read_as_the_model_names_them():
    entry = written(
        Detail.LEAVER_EDITED, "en", obj=LeaverFactory(), params={"fields": ["email", "title"]}
    )

    assert read(entry, "en") == "edited leaver: email, job title"


def test_a_field_the_model_no_longer_has_keeps_its_stored_name():
    entry = written(
        Detail.LEAVER_EDITED, "en", obj=LeaverFactory(), params={"fields": ["email", "gone"]}
    )

    assert read(entry, "en") == "edited leaver: email, gone"


def test_moved_rows_read_as_counts_of_the_models_names():
    moved = {"members.member": 2, "gatherings.gathering": 1}

    with translation.override("nb"):
        assert param_text("moved", moved) == "2 medlemmer, 1 samling"


def test_a_moment_reads_in_oslo_time_as_the_language_writes_it():
    with translation.override("en"):
        assert param_text("when", "2027-01-14T15:00:00+00:00") == "14 January 2027, 16:00"


def test_an_email_kind_reads_as_its_label():
    with translation.override("en"):
        assert param_text("kind", "role_granted") == "New role"


def test_a_filter_reads_as_its_keys_and_values_or_a_dash_when_empty():
    assert (param_text("filter", {"department": "Drift"}), param_text("filter", {})) == (
        "department: Drift",
        "–",
    )


# Writing ------------------------------------------------------------------------------------


def test_free_text_is_refused_as_a_detail():
    with pytest.raises(ValueError):
        audit.record(action=AuditLog.Action.EXPORT, detail="members (csv)")


def test_a_detail_without_its_parameters_is_refused():
    with pytest.raises(ValueError):
        audit.record(action=AuditLog.Action.EXPORT, detail=Detail.MEMBERS_EXPORT)


def test_a_typed_parameter_is_kept_to_a_bounded_length():
    entry = written(Detail.COMPETENCE_SEARCH, "en", params={"competence": "x" * 5000})

    assert len(entry.detail_params["competence"]) == audit.MAX_PARAM_LENGTH


def test_erasure_blanks_a_non_ascii_address_kept_as_a_parameter():
    member = MemberFactory(user=UserFactory(email="åse@fjordvik.example"))
    entry = written(
        Detail.ORGANISER_GRANTED, "en", params={"gathering": 1, "email": "åse@fjordvik.example"}
    )

    erase_member(member=member)

    entry.refresh_from_db()
    assert entry.detail_params == {"gathering": 1, "email": ERASED_LABEL}


# Where the log is read ----------------------------------------------------------------------


def test_the_log_page_shows_the_detail_in_the_readers_language(client):
    client.force_login(StaffFactory(is_superuser=True, language="nb"))
    written(Detail.MEMBERS_EXPORT, "en", params={"format": "csv"})

    html = client.get(reverse("hr_members:audit_log")).content.decode()

    assert "<td>medlemmer (csv)</td>" in html


def test_the_admin_list_shows_the_detail_as_read(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.force_login(StaffFactory(is_superuser=True, language="en"))
    written(Detail.CAMPAIGN_RESULTS_EXPORT, "nb", params={"format": "xlsx"})

    response = client.get(reverse("admin:members_auditlog_changelist"))

    assert '<td class="field-detail_text">campaign results (xlsx)</td>' in response.content.decode()


def test_the_admin_finds_an_entry_by_a_parameter(client):
    client.force_login(StaffFactory(is_superuser=True))
    found = written(Detail.COMPETENCE_SEARCH, "en", params={"competence": "Kotlin"})
    written(Detail.COMPETENCE_SEARCH, "en", params={"competence": "Python"})

    response = client.get(reverse("admin:members_auditlog_changelist"), {"q": "kotlin"})

    assert [entry.pk for entry in response.context["cl"].result_list] == [found.pk]
