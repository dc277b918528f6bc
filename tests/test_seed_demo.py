"""seed_demo fills an empty database with the whole demo network and is safe to run twice."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

PROJECT_APPS = ("members", "invitations", "gatherings")


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def test_seed_demo_builds_every_area_and_changes_nothing_the_second_time():
    output = io.StringIO()
    call_command("seed_demo", stdout=output)
    first = row_counts()

    call_command("seed_demo", stdout=io.StringIO())

    assert row_counts() == first
    assert "hr@fjordvik.example" in output.getvalue()
    for label in (
        "members.Member",
        "invitations.Leaver",
        "invitations.Campaign",
        "gatherings.Gathering",
        "gatherings.AgendaItem",
        "members.Job",
    ):
        assert first[label] > 0, label


def test_seed_demo_keeps_the_console_to_the_logins_when_email_prints_there(settings, capsys):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

    call_command("seed_demo")

    printed = capsys.readouterr().out
    assert "Content-Type:" not in printed
    assert "Demo network ready" in printed
    assert "hr@fjordvik.example" in printed
