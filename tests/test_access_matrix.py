"""Every URL in the URLconf × anonymous, member and staff gives the expected answer.

The table below must name every URL: a new URL fails `test_every_url_is_in_the_matrix`
until its expected answers are written down here. Each cell is one of
  "200", "403", "404", "405"     that status code,
  "login"                        a redirect to the login page,
  "302:/path/"                   a redirect to that path (query string ignored).
"""

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from .factories import JobFactory, NewsItemFactory, OrganisationFactory
from .gatherings.factories import AgendaItemFactory, GatheringFactory, RsvpFactory
from .invitations.factories import LeaverFactory, RegisterImportFactory, SegmentFactory

# url name: (anonymous, member, staff)
MATRIX = {
    "home": ("200", "200", "200"),
    "healthz": ("200", "200", "200"),
    "set_language": ("405", "405", "405"),
    "members:home": ("login", "200", "200"),
    "hr_dashboard": ("login", "403", "200"),
    "invitations:unsubscribe": ("200", "200", "200"),
    # ESP webhooks exist only once ANYMAIL_WEBHOOK_SECRET is set.
    "invitations:mailgun_tracking": ("404", "404", "404"),
    "invitations:postmark_tracking": ("404", "404", "404"),
    "invitations:amazon_ses_tracking": ("404", "404", "404"),
    "invitations:brevo_tracking": ("404", "404", "404"),
    # invitations: joining (links in emails need no login) and asking to join
    "invitations:join": ("200", "200", "200"),
    "invitations:join_decline": ("200", "200", "200"),
    "invitations:join_request": ("200", "200", "200"),
    "invitations:join_request_sent": ("200", "200", "200"),
    # members: the member area (HR staff have no member profile of their own)
    "members:profile_edit": ("login", "200", "404"),
    "members:employment_confirm": ("login", "405", "405"),
    "members:competence_options": ("login", "204", "204"),
    "members:directory": ("login", "200", "200"),
    "members:profile": ("login", "200", "200"),
    "members:photo": ("login", "404", "404"),
    "members:job_list": ("login", "200", "200"),
    "members:job_detail": ("login", "200", "200"),
    "members:job_interest": ("login", "405", "405"),
    "members:news_list": ("login", "200", "200"),
    "members:guidelines": ("login", "200", "200"),
    "members:my_data": ("login", "200", "404"),
    "members:my_data_download": ("login", "405", "405"),
    "members:account_delete": ("login", "200", "404"),
    # members: HR pages
    "hr_members:competence_search": ("login", "403", "200"),
    "hr_members:competence_export": ("login", "403", "405"),
    "hr_members:member_detail": ("login", "403", "200"),
    "hr_members:job_list": ("login", "403", "200"),
    "hr_members:job_create": ("login", "403", "200"),
    "hr_members:job_detail": ("login", "403", "200"),
    "hr_members:job_edit": ("login", "403", "200"),
    "hr_members:job_delete": ("login", "403", "405"),
    "hr_members:news_list": ("login", "403", "200"),
    "hr_members:news_create": ("login", "403", "200"),
    "hr_members:news_edit": ("login", "403", "200"),
    "hr_members:news_delete": ("login", "403", "405"),
    "hr_members:guidelines": ("login", "403", "200"),
    "hr_members:audit_log": ("login", "403", "403"),
    # allauth: account pages
    "account_login": ("200", "302:/members/", "302:/hr/"),
    "account_logout": ("302:/", "200", "200"),
    "account_inactive": ("200", "200", "200"),
    "account_signup": ("200", "302:/members/", "302:/hr/"),
    "account_reauthenticate": ("login", "200", "200"),
    "account_request_reauthentication_code": ("login", "200", "200"),
    "account_confirm_reauthentication_code": (
        "login",
        "302:/accounts/reauthenticate/code/",
        "302:/accounts/reauthenticate/code/",
    ),
    "account_email": ("login", "200", "200"),
    "account_email_verification_sent": ("200", "200", "200"),
    "account_change_password": ("login", "200", "200"),
    "account_set_password": (
        "login",
        "302:/accounts/password/change/",
        "302:/accounts/password/change/",
    ),
    "account_reset_password": ("200", "200", "200"),
    "account_reset_password_done": ("200", "200", "200"),
    "account_reset_password_from_key": ("200", "200", "200"),
    "account_reset_password_from_key_done": ("200", "200", "200"),
    "account_confirm_email": ("200", "200", "200"),
    "account_request_login_code": ("200", "302:/members/", "302:/hr/"),
    "account_confirm_login_code": ("302:/accounts/login/code/", "302:/members/", "302:/hr/"),
    # allauth: two-factor authentication
    "mfa_index": ("login", "200", "200"),
    "mfa_authenticate": ("login", "302:/members/", "302:/hr/"),
    "mfa_reauthenticate": (
        "login",
        "302:/accounts/reauthenticate/",
        "302:/accounts/reauthenticate/",
    ),
    "mfa_activate_totp": (
        "login",
        "302:/accounts/reauthenticate/",
        "302:/accounts/reauthenticate/",
    ),
    # Without an authenticator there is nothing to deactivate or view.
    "mfa_deactivate_totp": ("login", "404", "404"),
    "mfa_view_recovery_codes": ("login", "404", "404"),
    "mfa_generate_recovery_codes": (
        "login",
        "302:/accounts/reauthenticate/",
        "302:/accounts/reauthenticate/",
    ),
    "mfa_download_recovery_codes": ("login", "404", "404"),
    # invitations: the leavers register and its import (HR)
    "hr_invitations:register": ("login", "403", "200"),
    "hr_invitations:leaver_detail": ("login", "403", "200"),
    "hr_invitations:leaver_erase": ("login", "403", "200"),
    "hr_invitations:segment_edit": ("login", "403", "200"),
    "hr_invitations:segment_delete": ("login", "403", "405"),
    "hr_invitations:retention": ("login", "403", "200"),
    "hr_invitations:segments": ("login", "403", "200"),
    "hr_invitations:segment_create": ("login", "403", "405"),
    "hr_invitations:import_start": ("login", "403", "200"),
    "hr_invitations:import_detail": ("login", "403", "200"),
    "hr_invitations:import_progress": ("login", "403", "200"),
    # The error rows download exists only for an import with errors.
    "hr_invitations:import_errors": ("login", "403", "404"),
    # invitations: campaigns, the outbox and requests to join (HR)
    "hr_invitations:campaigns": ("login", "403", "200"),
    "hr_invitations:campaign_create": ("login", "403", "200"),
    "hr_invitations:campaign_detail": ("login", "403", "200"),
    "hr_invitations:campaign_edit": ("login", "403", "200"),
    "hr_invitations:campaign_preview": ("login", "403", "200"),
    "hr_invitations:campaign_test": ("login", "403", "405"),
    "hr_invitations:campaign_control": ("login", "403", "405"),
    "hr_invitations:campaign_progress": ("login", "403", "200"),
    "hr_invitations:outbox": ("login", "403", "200"),
    "hr_invitations:join_requests": ("login", "403", "200"),
    "hr_invitations:join_request_decide": ("login", "403", "405"),
    # gatherings: member pages, answer links, pages shared by HR and organisers
    "gatherings:list": ("login", "200", "404"),
    "gatherings:detail": ("login", "200", "200"),
    "gatherings:answer": ("login", "405", "405"),
    "gatherings:ics": ("login", "200", "200"),
    "gatherings:agenda_print": ("login", "200", "200"),
    "gatherings:agenda": ("login", "403", "200"),
    "gatherings:agenda_reorder": ("login", "403", "405"),
    "gatherings:agenda_move": ("login", "403", "405"),
    "gatherings:agenda_item_edit": ("login", "403", "200"),
    "gatherings:agenda_item_delete": ("login", "403", "405"),
    "gatherings:attendees": ("login", "403", "200"),
    "gatherings:attendees_export": ("login", "403", "200"),
    "gatherings:rsvp": ("200", "200", "200"),
    # gatherings: HR pages
    "hr_gatherings:list": ("login", "403", "200"),
    "hr_gatherings:create": ("login", "403", "200"),
    "hr_gatherings:copy_last": ("login", "403", "405"),
    "hr_gatherings:hosts": ("login", "403", "200"),
    "hr_gatherings:host_ask": ("login", "403", "405"),
    "hr_members:organisation_list": ("login", "403", "200"),
    "hr_members:organisation_create": ("login", "403", "200"),
    "hr_members:organisation_edit": ("login", "403", "200"),
    "hr_gatherings:detail": ("login", "403", "200"),
    "hr_gatherings:edit": ("login", "403", "200"),
    "hr_gatherings:publish": ("login", "403", "405"),
    "hr_gatherings:cancel": ("login", "403", "405"),
    "hr_gatherings:done": ("login", "403", "405"),
    "hr_gatherings:message": ("login", "403", "200"),
    "hr_gatherings:organiser_add": ("login", "403", "405"),
    "hr_gatherings:organiser_remove": ("login", "403", "405"),
}


def _unsubscribe_kwargs(world):
    from invitations.outbox import OutboxEmail
    from invitations.sending import unsubscribe_token

    row = OutboxEmail.objects.create(kind="hr_message", to_email="kari@example.org", language="nb")
    return {"token": unsubscribe_token(row)}


def _join_kwargs():
    from invitations.joining import join_token
    from invitations.models import Invitation

    invitation = Invitation.objects.create(leaver=LeaverFactory())
    return {"token": join_token(invitation_id=invitation.pk, leaver_id=invitation.leaver_id)}


def _campaign():
    from invitations.campaigns import create_campaign

    return create_campaign(name="Høst", segment=SegmentFactory(), user=None)


def _join_request():
    from invitations.models import JoinRequest

    return JoinRequest.objects.create(name="Kari Nordmann", email="kari@example.org", years="2010")


# Arguments for URLs that take them: a dict, or a function of the `world`
# fixture's dict (member_user, staff_user) that creates what it needs.
KWARGS = {
    "invitations:unsubscribe": _unsubscribe_kwargs,
    "hr_members:organisation_edit": lambda w: {"pk": OrganisationFactory().pk},
    "invitations:join": lambda w: _join_kwargs(),
    "invitations:join_decline": lambda w: _join_kwargs(),
    "hr_invitations:campaign_detail": lambda w: {"pk": _campaign().pk},
    "hr_invitations:campaign_edit": lambda w: {"pk": _campaign().pk},
    "hr_invitations:campaign_preview": lambda w: {"pk": _campaign().pk},
    "hr_invitations:campaign_test": lambda w: {"pk": _campaign().pk},
    "hr_invitations:campaign_control": lambda w: {"pk": _campaign().pk},
    "hr_invitations:campaign_progress": lambda w: {"pk": _campaign().pk},
    "hr_invitations:join_request_decide": lambda w: {"pk": _join_request().pk},
    "account_confirm_email": {"key": "not-a-real-key"},
    "account_reset_password_from_key": {"uidb36": "1z", "key": "not-a-real-key"},
    "hr_invitations:leaver_detail": lambda w: {"pk": LeaverFactory().pk},
    "hr_invitations:leaver_erase": lambda w: {"pk": LeaverFactory().pk},
    "hr_invitations:segment_edit": lambda w: {"pk": SegmentFactory().pk},
    "hr_invitations:segment_delete": lambda w: {"pk": SegmentFactory().pk},
    "hr_invitations:import_detail": lambda w: {"pk": RegisterImportFactory().pk},
    "hr_invitations:import_progress": lambda w: {"pk": RegisterImportFactory().pk},
    "hr_invitations:import_errors": lambda w: {"pk": RegisterImportFactory().pk},
    "members:profile": lambda w: {"pk": w["member_user"].member.pk},
    "members:photo": lambda w: {"pk": w["member_user"].member.pk},
    "members:job_detail": lambda w: {"pk": JobFactory().pk},
    "members:job_interest": lambda w: {"pk": JobFactory().pk},
    "hr_members:member_detail": lambda w: {"pk": w["member_user"].member.pk},
    "hr_members:job_detail": lambda w: {"pk": JobFactory().pk},
    "hr_members:job_edit": lambda w: {"pk": JobFactory().pk},
    "hr_members:job_delete": lambda w: {"pk": JobFactory().pk},
    "hr_members:news_edit": lambda w: {"pk": NewsItemFactory().pk},
    "hr_members:news_delete": lambda w: {"pk": NewsItemFactory().pk},
    **{
        f"gatherings:{name}": lambda w: {"pk": AgendaItemFactory().gathering_id}
        for name in ("detail", "answer", "ics", "agenda_print", "agenda", "agenda_reorder")
    },
    **{
        f"gatherings:{name}": lambda w: (
            lambda item: {"pk": item.gathering_id, "item_pk": item.pk}
        )(AgendaItemFactory())
        for name in ("agenda_move", "agenda_item_edit", "agenda_item_delete")
    },
    "gatherings:attendees": lambda w: {"pk": RsvpFactory(dietary="Vegetar").gathering_id},
    "gatherings:attendees_export": lambda w: {
        "pk": RsvpFactory().gathering_id,
        "fmt": "csv",
    },
    "gatherings:rsvp": lambda w: {"token": gathering_answer_token(RsvpFactory())},
    **{
        f"hr_gatherings:{name}": lambda w: {"pk": AgendaItemFactory().gathering_id}
        for name in ("detail", "edit", "publish", "cancel", "done", "message", "organiser_add")
    },
    "hr_gatherings:organiser_remove": lambda w: {"pk": GatheringFactory().pk, "organiser_pk": 1},
}


def gathering_answer_token(rsvp):
    from gatherings.rsvp import make_token

    return make_token(rsvp=rsvp)


ROLES = ("anonymous", "member", "staff")


def url_names(patterns=None, namespace=None):
    """Every named URL of the URLconf, namespaced as reverse() wants it."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert missing == [], "add these URLs to MATRIX with their expected answers"


def test_matrix_names_only_existing_urls():
    assert sorted(set(MATRIX) - set(url_names())) == []


def url_for(name, world):
    kwargs = KWARGS.get(name, {})
    if callable(kwargs):
        kwargs = kwargs(world)
    return reverse(name, kwargs=kwargs)


def client_as(role, world):
    client = Client()
    if role != "anonymous":
        client.force_login(world[f"{role}_user"])
    return client


def answer(response) -> str:
    if response.status_code in (301, 302):
        target = urlsplit(response.url).path
        if target == reverse("account_login"):
            return "login"
        return f"302:{target}"
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(name, role, world):
    expected = MATRIX[name][ROLES.index(role)]
    response = client_as(role, world).get(url_for(name, world))
    assert answer(response) == expected
