"""The back office (Django admin): superusers only, every page opens, personal data view-only."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, include, path, reverse

from alumni_network.mail.models import MailEvent, OutboxEmail, Suppression, email_hash
from gatherings.models import Gathering, Organiser, Rsvp
from members.models import AuditLog

from .factories import MemberFactory, StaffFactory
from .gatherings.factories import AgendaItemFactory, OrganiserFactory, RsvpFactory
from .invitations.factories import LeaverFactory

pytestmark = pytest.mark.django_db

BACK_OFFICE_APP = "members.admin_site.BackOfficeAdminConfig"


def __getattr__(name):
    """This module is the URLconf until the site mounts the back office itself.

    Built on first use, once the admin app is installed (see `_back_office`).
    """
    if name == "urlpatterns":
        return [path("admin/", admin.site.urls), path("", include("alumni_network.urls"))]
    raise AttributeError(name)


def _mounted() -> bool:
    try:
        reverse("admin:index")
    except NoReverseMatch:
        return False
    return True


@pytest.fixture(autouse=True)
def _back_office(settings):
    if not apps.is_installed("django.contrib.admin"):
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, BACK_OFFICE_APP]
    if not _mounted():
        settings.ROOT_URLCONF = __name__


@pytest.fixture
def superuser_client(client):
    client.force_login(StaffFactory(is_superuser=True))
    return client


@pytest.fixture
def some_of_everything():
    """One row of each model, so changelists and change pages have something to show."""
    rsvp = RsvpFactory()
    AgendaItemFactory(gathering=rsvp.gathering)
    OrganiserFactory(gathering=rsvp.gathering)
    LeaverFactory()
    MemberFactory()
    AuditLog.objects.create(action=AuditLog.Action.EXPORT, actor_label="hr@example.org")
    OutboxEmail.objects.create(kind="notice", to_email="a@example.org", language="nb")
    Suppression.objects.create(
        email_hash=email_hash("gone@example.org"), reason=Suppression.Reason.OPTED_OUT
    )


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_the_model_admins_pass_djangos_checks():
    assert admin.site.check(None) == []


def test_the_main_models_are_registered():
    labels = {model._meta.label for model in registered_models()}
    assert {
        "members.User",
        "members.Member",
        "members.Organisation",
        "members.Competence",
        "members.Job",
        "members.NewsItem",
        "members.GuidelinesVersion",
        "members.Rehire",
        "members.AuditLog",
        "invitations.Leaver",
        "invitations.RegisterImport",
        "invitations.Campaign",
        "invitations.Invitation",
        "invitations.JoinRequest",
        "invitations.Segment",
        "gatherings.Gathering",
        "gatherings.Rsvp",
        "gatherings.Organiser",
        "gatherings.Guest",
        "gatherings.Feedback",
        "gatherings.Material",
        "mail.OutboxEmail",
        "mail.Suppression",
    } <= labels


def test_every_changelist_opens_for_a_superuser_in_bounded_queries(
    superuser_client, some_of_everything, django_assert_max_num_queries
):
    for model in registered_models():
        with django_assert_max_num_queries(15):
            response = superuser_client.get(admin_url(model, "changelist"))
        assert (model._meta.label, response.status_code) == (model._meta.label, 200)


def changelist_query_counts(client) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for model in registered_models():
        with CaptureQueriesContext(connection) as queries:
            client.get(admin_url(model, "changelist"))
        counts[model._meta.label] = len(queries)
    return counts


def test_changelist_queries_do_not_grow_with_rows(superuser_client, some_of_everything):
    """list_select_related: a changelist reads its related rows in its one query."""
    few = changelist_query_counts(superuser_client)
    for _ in range(3):
        some_of_everything_again()

    assert changelist_query_counts(superuser_client) == few


def some_of_everything_again():
    rsvp = RsvpFactory()
    AgendaItemFactory(gathering=rsvp.gathering)
    OrganiserFactory(gathering=rsvp.gathering)
    LeaverFactory()


def test_every_add_page_opens_for_a_superuser_unless_view_only(superuser_client):
    view_only = {AuditLog, OutboxEmail, Suppression, MailEvent, Rsvp, Organiser}
    for model in registered_models():
        response = superuser_client.get(admin_url(model, "add"))
        expected = 403 if model in view_only else 200
        assert (model._meta.label, response.status_code) == (model._meta.label, expected)


def test_a_gathering_change_page_shows_its_agenda_and_organisers(superuser_client):
    item = AgendaItemFactory(title="Selskapets nyheter")
    OrganiserFactory(
        gathering=item.gathering, member__user__first_name="Unni", member__user__last_name="Vert"
    )

    response = superuser_client.get(admin_url(Gathering, "change", item.gathering.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Selskapets nyheter" in content
    assert "Unni Vert" in content


@pytest.mark.parametrize("model", (AuditLog, OutboxEmail, Suppression, Rsvp, Organiser))
def test_rows_only_the_apps_rules_write_are_view_only(superuser_client, some_of_everything, model):
    row = model.objects.get()
    before = list(model.objects.values())

    assert superuser_client.get(admin_url(model, "change", row.pk)).status_code == 200
    assert superuser_client.post(admin_url(model, "change", row.pk), {}).status_code == 403
    assert superuser_client.get(admin_url(model, "delete", row.pk)).status_code == 403
    assert (
        superuser_client.post(admin_url(model, "delete", row.pk), {"post": "yes"}).status_code
        == 403
    )
    assert superuser_client.post(admin_url(model, "add"), {}).status_code == 403
    response = superuser_client.post(
        admin_url(model, "changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    assert list(model.objects.values()) == before


def test_suppressions_are_found_by_address(superuser_client, some_of_everything):
    response = superuser_client.get(admin_url(Suppression, "changelist"), {"q": "Gone@example.org"})
    assert [row.pk for row in response.context["cl"].result_list] == [Suppression.objects.get().pk]


def test_coordinator_rights_are_not_edited_in_the_back_office(superuser_client):
    """They are granted on /hr/roles/ (reauthentication, email, audit log): shown, not a field."""
    from members.models import User

    staff = StaffFactory()
    response = superuser_client.get(admin_url(User, "change", staff.pk))
    form = response.context["adminform"].form

    assert response.status_code == 200
    assert {"is_staff", "is_superuser"} & set(form.fields) == set()
    assert {"email", "is_active"} <= set(form.fields)


def test_a_coordinator_who_is_not_a_superuser_is_refused(client):
    client.force_login(StaffFactory())

    assert client.get(reverse("admin:index")).status_code == 403
    assert client.get(admin_url(Gathering, "changelist")).status_code == 403
    assert client.get(reverse("admin:login")).status_code == 403


def test_a_member_is_refused(client):
    client.force_login(MemberFactory().user)
    assert client.get(reverse("admin:index")).status_code == 403


def test_the_anonymous_log_in_through_allauth_and_come_back(client):
    response = client.get(admin_url(Gathering, "changelist"), follow=True)

    final_url, _status = response.redirect_chain[-1]
    assert urlsplit(final_url).path == reverse("account_login")
    assert parse_qs(urlsplit(final_url).query)["next"] == [admin_url(Gathering, "changelist")]


def test_a_superuser_without_two_factor_is_sent_to_set_it_up_where_required(client, settings):
    settings.HR_REQUIRE_MFA = True
    client.force_login(StaffFactory(is_superuser=True))

    response = client.get(reverse("admin:index"))

    assert urlsplit(response.url).path == reverse("mfa_activate_totp")


def test_a_superuser_with_two_factor_gets_in_where_required(client, settings):
    from allauth.mfa.models import Authenticator

    settings.HR_REQUIRE_MFA = True
    superuser = StaffFactory(is_superuser=True)
    Authenticator.objects.create(user=superuser, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(superuser)

    assert client.get(admin_url(Gathering, "changelist")).status_code == 200
