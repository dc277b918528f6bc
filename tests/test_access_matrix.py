"""Every URL in the URLconf × every role gives the expected answer, to a GET and to a POST.

The roles: anonymous; a member; an organiser of the gathering the URL names; an
organiser of another gathering; HR staff (embedded default: no two-factor
authentication required); and HR staff without two-factor authentication under
production settings (HR_REQUIRE_MFA on).

GET_MATRIX must name every URL: a new URL fails `test_every_url_is_in_the_matrix`
until its expected answers are written down here. POST_MATRIX names every URL of
ours that accepts a POST; a POST to any other URL must be refused or answered 405,
so a new state-changing URL fails `test_post` until it is listed there. Whenever a
POST is refused, nothing in the database may have changed. Each cell is one of
  "200", "403", "404", "405"     that status code,
  "login"                        a redirect to the login page,
  "mfa"                          a redirect to set up two-factor authentication, with the message,
  "302:/path/"                   a redirect to that path (query string ignored, ids as <id>).
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.contrib import messages
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from .factories import JobFactory, MemberFactory, NewsItemFactory, OrganisationFactory, StaffFactory
from .gatherings.factories import (
    AgendaItemFactory,
    OrganiserFactory,
    RsvpFactory,
)
from .invitations.factories import LeaverFactory, RegisterImportFactory, SegmentFactory

ALL_ROLES = ("anonymous", "member", "organiser", "other_organiser", "staff", "staff_without_mfa")
REFUSALS = {"login", "403", "mfa"}


def everyone(answer: str) -> tuple[str, ...]:
    return (answer,) * len(ALL_ROLES)


def once_logged_in(anonymous: str, logged_in: str) -> tuple[str, ...]:
    """A page that answers every logged-in role alike."""
    return (anonymous, *[logged_in] * (len(ALL_ROLES) - 1))


def to_own_area(anonymous: str) -> tuple[str, ...]:
    """A page that sends a logged-in person on to their own area."""
    return (anonymous, "302:/members/", "302:/members/", "302:/members/", "302:/hr/", "302:/hr/")


def hr_only(staff: str) -> tuple[str, ...]:
    """HR's pages: HR staff get `staff`, with two-factor authentication where required."""
    return ("login", "403", "403", "403", staff, "mfa")


def members_and_hr(answer: str) -> tuple[str, ...]:
    """The member area, open to members and to HR (with two-factor authentication)."""
    return ("login", answer, answer, answer, answer, "mfa")


def members_only(member: str) -> tuple[str, ...]:
    """A member's own things (profile, data, answers): HR staff have none of their own."""
    return ("login", member, member, member, "403", "mfa")


def organisers_and_hr(answer: str) -> tuple[str, ...]:
    """Pages of one gathering for its organisers and HR; an organiser of another is refused."""
    return ("login", "403", answer, "403", answer, "mfa")


def back_office() -> tuple[str, ...]:
    """The Django admin: superusers only, and none of the matrix's roles is one."""
    return ("302:/admin/login/", "403", "403", "403", "403", "403")


def back_to_own_page(organiser_page: str) -> tuple[str, ...]:
    """An action for organisers and HR that returns each to their own page of the gathering."""
    return ("login", "403", f"302:{organiser_page}", "403", "302:/hr/gatherings/<id>/", "mfa")


# fmt: off
# Who gets what: the helpers above name the usual rules; a literal tuple lists
# (anonymous, member, organiser, other organiser, staff, staff without MFA).
GET_MATRIX = {
    "home":                                  everyone("200"),
    "healthz":                               everyone("200"),
    "set_language":                          everyone("405"),
    "members:home":                          members_and_hr("200"),
    "hr_dashboard":                          hr_only("200"),
    "mail:unsubscribe":                      everyone("200"),
    # ESP webhooks exist only once ANYMAIL_WEBHOOK_SECRET is set.
    "mail:mailgun_tracking":                 everyone("404"),
    "mail:postmark_tracking":                everyone("404"),
    "mail:amazon_ses_tracking":              everyone("404"),
    "mail:brevo_tracking":                   everyone("404"),
    # invitations: joining (links in emails need no login) and asking to join
    "invitations:join":                      everyone("200"),
    "invitations:join_decline":              everyone("200"),
    "invitations:join_request":              everyone("200"),
    "invitations:join_request_sent":         everyone("200"),
    # members: the member area (HR staff have no member profile of their own)
    "members:profile_edit":                  members_only("200"),
    "members:employment_confirm":            members_only("405"),
    "members:competence_options":            members_and_hr("204"),
    "members:directory":                     members_and_hr("200"),
    "members:profile":                       members_and_hr("200"),
    "members:photo":                         members_and_hr("404"),
    "members:job_list":                      members_and_hr("200"),
    "members:job_detail":                    members_and_hr("200"),
    "members:job_interest":                  members_only("405"),
    "members:news_list":                     members_and_hr("200"),
    "members:guidelines":                    members_and_hr("200"),
    "members:my_data":                       members_only("200"),
    "members:my_data_download":              members_only("405"),
    "members:account_delete":                members_only("200"),
    # members: HR pages
    "hr_members:competence_search":          hr_only("200"),
    "hr_members:competence_export":          hr_only("405"),
    "hr_members:member_export":              hr_only("405"),
    "hr_members:organisation_merge":         hr_only("200"),
    "members:employer_options":              members_only("204"),
    "hr_invitations:leaver_edit":            hr_only("200"),
    "hr_invitations:campaign_preview_html":  hr_only("200"),
    "hr_members:rehire_add":                 hr_only("200"),
    "hr_members:rehire_remove":              hr_only("405"),
    "hr_members:roles":                      hr_only("200"),
    "hr_members:coordinator_grant":          hr_only("405"),
    "hr_members:coordinator_revoke":         hr_only("405"),
    "hr_members:role_grant":                 hr_only("405"),
    "hr_members:role_revoke":                hr_only("405"),
    # the superusers' back office (every other admin page: tests/test_admin.py)
    "admin:index":                           back_office(),
    "hr_members:member_detail":              hr_only("200"),
    "hr_members:job_list":                   hr_only("200"),
    "hr_members:job_create":                 hr_only("200"),
    "hr_members:job_detail":                 hr_only("200"),
    "hr_members:job_edit":                   hr_only("200"),
    "hr_members:job_delete":                 hr_only("405"),
    "hr_members:news_list":                  hr_only("200"),
    "hr_members:news_create":                hr_only("200"),
    "hr_members:news_edit":                  hr_only("200"),
    "hr_members:news_delete":                hr_only("405"),
    "hr_members:guidelines":                 hr_only("200"),
    # The audit log: superusers only (the staff here are not).
    "hr_members:audit_log":                  hr_only("403"),
    # allauth: account pages
    "account_login":                         to_own_area("200"),
    "account_logout":                        once_logged_in("302:/", "200"),
    "account_inactive":                      everyone("200"),
    "account_signup":                        to_own_area("200"),
    "account_reauthenticate":                once_logged_in("login", "200"),
    "account_request_reauthentication_code": once_logged_in("login", "200"),
    "account_confirm_reauthentication_code": once_logged_in(
        "login", "302:/accounts/reauthenticate/code/"
    ),
    "account_email":                         once_logged_in("login", "200"),
    "account_email_verification_sent":       everyone("200"),
    "account_change_password":               once_logged_in("login", "200"),
    "account_set_password": once_logged_in("login", "302:/accounts/password/change/"),
    "account_reset_password":                everyone("200"),
    "account_reset_password_done":           everyone("200"),
    "account_reset_password_from_key":       everyone("200"),
    "account_reset_password_from_key_done":  everyone("200"),
    "account_confirm_email":                 everyone("200"),
    "account_request_login_code":            to_own_area("200"),
    "account_confirm_login_code":            to_own_area("302:/accounts/login/code/"),
    # allauth: two-factor authentication
    "mfa_index":                             once_logged_in("login", "200"),
    "mfa_authenticate":                      to_own_area("login"),
    "mfa_reauthenticate": once_logged_in("login", "302:/accounts/reauthenticate/"),
    "mfa_activate_totp": once_logged_in("login", "302:/accounts/reauthenticate/"),
    # Without an authenticator there is nothing to deactivate or view.
    "mfa_deactivate_totp":                   once_logged_in("login", "404"),
    "mfa_view_recovery_codes":               once_logged_in("login", "404"),
    "mfa_generate_recovery_codes": once_logged_in("login", "302:/accounts/reauthenticate/"),
    "mfa_download_recovery_codes":           once_logged_in("login", "404"),
    # invitations: the leavers register and its import (HR)
    "hr_invitations:register":               hr_only("200"),
    "hr_invitations:leaver_detail":          hr_only("200"),
    "hr_invitations:leaver_erase":           hr_only("200"),
    "hr_invitations:segment_edit":           hr_only("200"),
    "hr_invitations:segment_delete":         hr_only("405"),
    "hr_invitations:retention":              hr_only("200"),
    "hr_invitations:segments":               hr_only("200"),
    "hr_invitations:segment_create":         hr_only("405"),
    "hr_invitations:import_start":           hr_only("200"),
    "hr_invitations:import_detail":          hr_only("200"),
    "hr_invitations:import_progress":        hr_only("200"),
    # The error rows download exists only for an import with errors.
    "hr_invitations:import_errors":          hr_only("404"),
    # invitations: campaigns, the outbox and requests to join (HR)
    "hr_invitations:campaigns":              hr_only("200"),
    "hr_invitations:campaign_create":        hr_only("200"),
    "hr_invitations:campaign_detail":        hr_only("200"),
    "hr_invitations:campaign_export":        hr_only("405"),
    "hr_invitations:register_export":        hr_only("405"),
    "hr_invitations:campaign_edit":          hr_only("200"),
    "hr_invitations:campaign_preview":       hr_only("200"),
    "hr_invitations:campaign_test":          hr_only("405"),
    "hr_invitations:campaign_control":       hr_only("405"),
    "hr_invitations:campaign_progress":      hr_only("200"),
    "hr_invitations:outbox":                 hr_only("200"),
    "hr_invitations:outbox_email":           hr_only("200"),
    "hr_invitations:outbox_email_html":      hr_only("200"),
    "hr_invitations:join_requests":          hr_only("200"),
    "hr_invitations:join_request_decide":    hr_only("405"),
    # gatherings: member pages, answer links, pages shared by HR and organisers
    "gatherings:list":                       members_only("200"),
    "gatherings:detail":                     members_and_hr("200"),
    "gatherings:answer":                     members_only("405"),
    "gatherings:ics":                        members_and_hr("200"),
    "gatherings:agenda_print":               members_and_hr("200"),
    "gatherings:agenda":                     organisers_and_hr("200"),
    "gatherings:agenda_reorder":             organisers_and_hr("405"),
    "gatherings:agenda_move":                organisers_and_hr("405"),
    "gatherings:agenda_item_edit":           organisers_and_hr("200"),
    "gatherings:agenda_item_delete":         organisers_and_hr("405"),
    "gatherings:attendees":                  organisers_and_hr("200"),
    "gatherings:attendees_export":           organisers_and_hr("405"),
    "gatherings:rsvp":                       everyone("200"),
    "gatherings:rsvp_ics":                   everyone("200"),
    # gatherings: at the door and after
    "gatherings:door":                       organisers_and_hr("200"),
    "gatherings:door_count":                 organisers_and_hr("200"),
    "gatherings:door_check_in":              organisers_and_hr("405"),
    "gatherings:door_undo":                  organisers_and_hr("405"),
    "gatherings:door_guest":                 organisers_and_hr("200"),
    "gatherings:door_guests":                organisers_and_hr("200"),
    "gatherings:door_guest_invite":          organisers_and_hr("405"),
    "gatherings:door_close":                 organisers_and_hr("405"),
    "gatherings:generate_tasks":             organisers_and_hr("405"),
    "gatherings:task_settings":              organisers_and_hr("405"),
    "gatherings:badges":                     organisers_and_hr("200"),
    "gatherings:item_materials":             organisers_and_hr("200"),
    "gatherings:material_delete":            organisers_and_hr("405"),
    "gatherings:material":                   members_and_hr("200"),
    "gatherings:record_connections":         members_only("405"),
    "gatherings:connections":                members_only("200"),
    "gatherings:connection_remove":          members_only("405"),
    "gatherings:feedback":                   everyone("200"),
    # gatherings: HR pages
    "hr_gatherings:list":                    hr_only("200"),
    "hr_gatherings:create":                  hr_only("200"),
    "hr_gatherings:copy_last":               hr_only("405"),
    "hr_gatherings:hosts":                   hr_only("200"),
    "hr_gatherings:host_ask":                hr_only("405"),
    "hr_members:organisation_list":          hr_only("200"),
    "hr_members:organisation_create":        hr_only("200"),
    "hr_members:organisation_edit":          hr_only("200"),
    "hr_gatherings:detail":                  hr_only("200"),
    "hr_gatherings:edit":                    hr_only("200"),
    "hr_gatherings:publish":                 hr_only("405"),
    "hr_gatherings:cancel":                  hr_only("405"),
    "hr_gatherings:done":                    hr_only("405"),
    "hr_gatherings:message":                 hr_only("200"),
    "hr_gatherings:organiser_add":           hr_only("405"),
    "hr_gatherings:organiser_remove":        hr_only("405"),
}

# What a POST answers, for every URL of ours that accepts one (empty form data).
POST_MATRIX = {
    # site-wide
    "set_language":                          everyone("302:/"),
    # public: links in emails need no login; ESP webhooks exist only with their secret
    "invitations:join":                      everyone("200"),
    "invitations:join_decline":              everyone("200"),
    "invitations:join_request":              everyone("200"),
    "mail:amazon_ses_tracking":              everyone("404"),
    "mail:brevo_tracking":                   everyone("404"),
    "mail:mailgun_tracking":                 everyone("404"),
    "mail:postmark_tracking":                everyone("404"),
    "mail:unsubscribe":                      everyone("200"),
    # members: the member area
    "members:account_delete":                members_only("302:/accounts/reauthenticate/"),
    "members:employment_confirm":            members_only("302:/members/"),
    "members:guidelines":                    ("login", "404", "404", "404", "404", "mfa"),
    "members:job_interest":                  members_only("302:/members/jobs/<id>/"),
    "members:my_data_download":              members_only("200"),
    "members:profile_edit":                  members_only("200"),
    # members: HR pages
    "hr_members:competence_export":          hr_only("302:/hr/members/search/"),
    "hr_members:member_export":              hr_only("200"),
    "hr_members:organisation_merge":         hr_only("200"),
    "hr_invitations:leaver_edit":            hr_only("200"),
    "admin:index":                           back_office(),
    "hr_members:rehire_add":                 hr_only("200"),
    "hr_members:rehire_remove":              hr_only("302:/hr/members/<id>/"),
    "hr_members:coordinator_grant":          hr_only("302:/accounts/reauthenticate/"),
    "hr_members:coordinator_revoke":         hr_only("302:/hr/roles/"),
    "hr_members:role_grant":                 hr_only("302:/hr/roles/"),
    "hr_members:role_revoke":                hr_only("302:/hr/roles/"),
    "hr_invitations:campaign_export":        hr_only("200"),
    "hr_invitations:register_export":        hr_only("200"),
    "gatherings:attendees_export":           organisers_and_hr("200"),
    "hr_members:guidelines":                 hr_only("200"),
    "hr_members:job_create":                 hr_only("200"),
    "hr_members:job_delete":                 hr_only("302:/hr/jobs/"),
    "hr_members:job_edit":                   hr_only("200"),
    "hr_members:news_create":                hr_only("200"),
    "hr_members:news_delete":                hr_only("302:/hr/news/"),
    "hr_members:news_edit":                  hr_only("200"),
    "hr_members:organisation_create":        hr_only("200"),
    "hr_members:organisation_edit":          hr_only("200"),
    # invitations: HR pages
    "hr_invitations:campaign_control":       hr_only("302:/hr/campaigns/<id>/"),
    "hr_invitations:campaign_create":        hr_only("200"),
    "hr_invitations:campaign_edit":          hr_only("200"),
    "hr_invitations:campaign_test":          hr_only("302:/hr/campaigns/<id>/"),
    "hr_invitations:import_detail":          hr_only("200"),
    "hr_invitations:import_start":           hr_only("200"),
    "hr_invitations:join_request_decide":    hr_only("302:/hr/join-requests/"),
    "hr_invitations:leaver_erase":           hr_only("302:/hr/register/"),
    "hr_invitations:segment_create":         hr_only("302:/hr/register/"),
    "hr_invitations:segment_delete":         hr_only("302:/hr/register/segments/"),
    "hr_invitations:segment_edit":           hr_only("200"),
    # gatherings: member pages, answer links, pages shared by HR and organisers
    "gatherings:agenda":                     organisers_and_hr("200"),
    "gatherings:agenda_item_delete":         organisers_and_hr("302:/gatherings/<id>/agenda/"),
    "gatherings:agenda_item_edit":           organisers_and_hr("200"),
    "gatherings:agenda_move":                organisers_and_hr("302:/gatherings/<id>/agenda/"),
    "gatherings:agenda_reorder":             organisers_and_hr("200"),
    "gatherings:answer":                     members_only("302:/gatherings/<id>/"),
    "gatherings:rsvp":                       everyone("200"),
    # gatherings: at the door and after
    "gatherings:door_check_in":              organisers_and_hr("302:/gatherings/<id>/door/"),
    "gatherings:door_undo":                  organisers_and_hr("404"),
    "gatherings:door_guest":                 organisers_and_hr("400"),
    "gatherings:door_guest_invite":          organisers_and_hr("302:/gatherings/<id>/door/guests/"),
    "gatherings:door_close":                 organisers_and_hr("302:/gatherings/<id>/door/"),
    "gatherings:generate_tasks":             back_to_own_page("/gatherings/<id>/attendees/"),
    "gatherings:task_settings":              back_to_own_page("/gatherings/<id>/attendees/"),
    "gatherings:item_materials":             organisers_and_hr("400"),
    "gatherings:material_delete":            organisers_and_hr(
                                                 "302:/gatherings/<id>/agenda/<id>/materials/"
                                             ),
    "gatherings:record_connections":         members_only("403"),
    "gatherings:connection_remove":          members_only("302:/connections/"),
    "gatherings:feedback":                   everyone("200"),
    # gatherings: HR pages
    "hr_gatherings:cancel":                  hr_only("302:/hr/gatherings/<id>/"),
    "hr_gatherings:copy_last":               hr_only("302:/hr/gatherings/<id>/edit/"),
    "hr_gatherings:create":                  hr_only("200"),
    "hr_gatherings:done":                    hr_only("302:/hr/gatherings/<id>/"),
    "hr_gatherings:edit":                    hr_only("200"),
    "hr_gatherings:host_ask":                hr_only("404"),
    "hr_gatherings:message":                 hr_only("200"),
    "hr_gatherings:organiser_add":           hr_only("302:/hr/gatherings/<id>/"),
    "hr_gatherings:organiser_remove":        hr_only("302:/hr/gatherings/<id>/"),
    "hr_gatherings:publish":                 hr_only("200"),
}
# fmt: on

# tests/pages.py visits every page as the three basic roles.
ROLES = ("anonymous", "member", "staff")
MATRIX = {
    name: tuple(answers[ALL_ROLES.index(role)] for role in ROLES)
    for name, answers in GET_MATRIX.items()
}


def _unsubscribe_kwargs(world):
    from alumni_network.mail.models import OutboxEmail
    from alumni_network.mail.rendering import unsubscribe_token

    row = OutboxEmail.objects.create(kind="hr_message", to_email="kari@example.org", language="nb")
    return {"token": unsubscribe_token(row)}


def _outbox_row():
    from alumni_network.mail.models import OutboxEmail

    return OutboxEmail.objects.create(
        kind="hr_message",
        to_email="kari@example.org",
        language="nb",
        data={"subject": "Sommerfest", "body": "Velkommen"},
    )


def _join_kwargs():
    from invitations.joining.links import join_token
    from invitations.models import Invitation

    invitation = Invitation.objects.create(leaver=LeaverFactory())
    return {"token": join_token(invitation_id=invitation.pk, leaver_id=invitation.leaver_id)}


def _campaign():
    from invitations.campaigns.lifecycle import create_campaign

    return create_campaign(name="Høst", segment=SegmentFactory(), user=None)


def _join_request():
    from invitations.models import JoinRequest

    return JoinRequest.objects.create(name="Kari Nordmann", email="kari@example.org", years="2010")


def _agenda_item_kwargs():
    item = AgendaItemFactory()
    return {"pk": item.gathering_id, "item_pk": item.pk}


def _organiser_kwargs():
    organiser = OrganiserFactory()
    return {"pk": organiser.gathering_id, "organiser_pk": organiser.pk}


# Arguments for URLs that take them: a dict, or a function of the `world`
# fixture's dict (member_user, staff_user) that creates what it needs.
KWARGS = {
    "mail:unsubscribe": _unsubscribe_kwargs,
    "hr_members:organisation_edit": lambda w: {"pk": OrganisationFactory().pk},
    "invitations:join": lambda w: _join_kwargs(),
    "invitations:join_decline": lambda w: _join_kwargs(),
    "hr_invitations:campaign_detail": lambda w: {"pk": _campaign().pk},
    "hr_invitations:campaign_export": lambda w: {"pk": _campaign().pk},
    "hr_invitations:campaign_preview_html": lambda w: {"pk": _campaign().pk},
    "hr_invitations:outbox_email": lambda w: {"pk": _outbox_row().pk},
    "hr_invitations:outbox_email_html": lambda w: {"pk": _outbox_row().pk},
    "hr_invitations:leaver_edit": lambda w: {"pk": LeaverFactory().pk},
    "hr_members:organisation_merge": lambda w: {"pk": OrganisationFactory().pk},
    "hr_members:rehire_add": lambda w: {"pk": w["member_user"].member.pk},
    "hr_members:rehire_remove": lambda w: {"pk": _rehire(w).pk},
    "hr_members:coordinator_revoke": lambda w: {"pk": StaffFactory().pk},
    "hr_members:role_grant": {"role": "organisers"},
    "hr_members:role_revoke": lambda w: {"role": "organisers", "pk": OrganiserFactory().pk},
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
        f"gatherings:{name}": lambda w: _agenda_item_kwargs()
        for name in ("agenda_move", "agenda_item_edit", "agenda_item_delete")
    },
    "gatherings:attendees": lambda w: {"pk": RsvpFactory(dietary="Vegetar").gathering_id},
    "gatherings:attendees_export": lambda w: {
        "pk": RsvpFactory().gathering_id,
        "fmt": "csv",
    },
    "gatherings:rsvp": lambda w: {"token": gathering_answer_token(RsvpFactory())},
    "gatherings:rsvp_ics": lambda w: {"token": gathering_answer_token(RsvpFactory())},
    **{
        f"hr_gatherings:{name}": lambda w: {"pk": AgendaItemFactory().gathering_id}
        for name in ("detail", "edit", "publish", "cancel", "done", "message", "organiser_add")
    },
    "hr_gatherings:organiser_remove": lambda w: _organiser_kwargs(),
    **{
        f"gatherings:{name}": lambda w: {"pk": RsvpFactory(answer="yes").gathering_id}
        for name in (
            "door",
            "door_count",
            "door_check_in",
            "door_undo",
            "door_guest",
            "door_guests",
            "door_close",
            "generate_tasks",
            "task_settings",
            "badges",
            "record_connections",
        )
    },
    "gatherings:door_guest_invite": lambda w: _door_guest_kwargs(),
    "gatherings:item_materials": lambda w: _agenda_item_kwargs(),
    "gatherings:material": lambda w: _material_kwargs(),
    "gatherings:material_delete": lambda w: _material_delete_kwargs(),
    "gatherings:connection_remove": lambda w: {"member_pk": MemberFactory().pk},
    "gatherings:feedback": lambda w: _feedback_kwargs(),
}


def _rehire(world):
    from datetime import date

    from members.models import Rehire

    return Rehire.objects.create(
        member=world["member_user"].member, rehired_on=date(2026, 1, 1), role="Ingeniør"
    )


def _door_guest_kwargs():
    from gatherings.models import Guest

    guest = Guest.objects.create(
        gathering=RsvpFactory().gathering, name="Sigrid Aune", email="sigrid@example.org"
    )
    return {"pk": guest.gathering_id, "guest_pk": guest.pk}


def _material_kwargs():
    """Slides of a gathering held last week, meant for every member."""
    from django.core.files.base import ContentFile

    from gatherings.models import Material

    start = timezone.now() - timedelta(days=7)
    item = AgendaItemFactory(
        gathering__start=start,
        gathering__end=start + timedelta(hours=3),
        gathering__rsvp_deadline=None,
        gathering__status="done",
    )
    material = Material(agenda_item=item, title="Lysark", filename="lysark.pdf", size=9)
    material.file.save("lysark.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    material.save()
    return {"pk": item.gathering_id, "material_pk": material.pk}


def _material_delete_kwargs():
    from gatherings.models import Material

    item = AgendaItemFactory()
    material = Material.objects.create(
        agenda_item=item, title="Kilder", url="https://example.org/kilder"
    )
    return {"pk": item.gathering_id, "material_pk": material.pk}


def _feedback_kwargs():
    from gatherings.aftermath.feedback import make_token

    start = timezone.now() - timedelta(days=1)
    rsvp = RsvpFactory(
        answer="yes",
        checked_in_at=start,
        gathering__start=start,
        gathering__end=start + timedelta(hours=3),
        gathering__rsvp_deadline=None,
    )
    return {"token": make_token(rsvp=rsvp)}


def gathering_answer_token(rsvp):
    from gatherings.rsvp import make_token

    return make_token(rsvp=rsvp)


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


def is_allauths(name: str) -> bool:
    """allauth's own pages: their POSTs are allauth's to test."""
    return name.startswith(("account_", "mfa_"))


def is_back_office(name: str) -> bool:
    """The Django admin's own pages beyond its index: tests/test_admin.py visits every one."""
    return name.startswith("admin:") and name != "admin:index"


def test_every_url_is_in_the_matrix():
    missing = sorted(
        name for name in set(url_names()) - set(GET_MATRIX) if not is_back_office(name)
    )
    assert missing == [], "add these URLs to GET_MATRIX with their expected answers"


def test_matrix_names_only_existing_urls():
    assert sorted(set(GET_MATRIX) - set(url_names())) == []
    assert sorted(set(POST_MATRIX) - set(url_names())) == []


def url_kwargs(name, world) -> dict:
    kwargs = KWARGS.get(name, {})
    return kwargs(world) if callable(kwargs) else kwargs


def url_for(name, world):
    return reverse(name, kwargs=url_kwargs(name, world))


@pytest.fixture
def world(world):
    """The shared world, plus the roles only this module visits as."""
    return world | {
        "organiser_user": MemberFactory().user,
        "other_organiser_user": OrganiserFactory().member.user,
        "staff_without_mfa_user": StaffFactory(),
    }


def url_with_organiser(name, world) -> str:
    """The URL, with the organiser made an organiser of the gathering it names."""
    kwargs = url_kwargs(name, world)
    if name.startswith(("gatherings:", "hr_gatherings:")) and "pk" in kwargs:
        OrganiserFactory(gathering_id=kwargs["pk"], member=world["organiser_user"].member)
    return reverse(name, kwargs=kwargs)


def client_as(role, world, settings):
    client = Client()
    if role != "anonymous":
        client.force_login(world[f"{role}_user"])
    if role == "staff_without_mfa":
        settings.HR_REQUIRE_MFA = True  # as in production
    return client


def answer(response) -> str:
    if response.status_code in (301, 302):
        target = re.sub(r"/\d+/", "/<id>/", urlsplit(response.url).path)
        if target == reverse("account_login"):
            return "login"
        if target == reverse("mfa_activate_totp") and told_to_set_up_mfa(response):
            return "mfa"
        return f"302:{target}"
    return str(response.status_code)


def told_to_set_up_mfa(response) -> bool:
    return any(
        message.level == messages.WARNING
        for message in messages.get_messages(response.wsgi_request)
    )


def database_rows() -> dict[str, list[tuple]]:
    """Every row of every table (sessions aside: logging in writes one)."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.label != "sessions.Session"
    }


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", sorted(GET_MATRIX))
def test_get(name, role, world, settings):
    url = url_with_organiser(name, world)
    response = client_as(role, world, settings).get(url)

    assert answer(response) == GET_MATRIX[name][ALL_ROLES.index(role)]


def expected_post_answer(name, role) -> str:
    if name in POST_MATRIX:
        return POST_MATRIX[name][ALL_ROLES.index(role)]
    get_answer = GET_MATRIX[name][ALL_ROLES.index(role)]
    return get_answer if get_answer in REFUSALS else "405"


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("name", sorted(name for name in GET_MATRIX if not is_allauths(name)))
def test_post(name, role, world, settings):
    url = url_with_organiser(name, world)
    client = client_as(role, world, settings)
    before = database_rows()

    response = client.post(url)

    expected = expected_post_answer(name, role)
    assert answer(response) == expected
    if expected in REFUSALS:
        after = database_rows()
        assert [table for table in before if after[table] != before[table]] == []
