"""The two run modes and the production hardening."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": "alumni.example.no",
            "HR_REQUIRE_MFA": "1",
        },
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_require_mfa_for_hr_by_default():
    code = "from django.conf import settings; print(settings.HR_REQUIRE_MFA)"
    result = run_manage(
        "shell", "-c", code, env={"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64)}
    )

    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr


def test_secret_key_is_generated_once_into_an_ignored_file(tmp_path):
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {"VAR_DIR": str(tmp_path), "SECRET_KEY": ""}

    first = run_manage("shell", "-c", code, env=env).stdout.strip().splitlines()[-1]
    second = run_manage("shell", "-c", code, env=env).stdout.strip().splitlines()[-1]

    assert len(first) >= 50
    assert first == second
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert "/var/" in (ROOT / ".gitignore").read_text()


def test_broker_visibility_timeout_outlasts_every_countdown():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert visibility > settings.CELERY_MAX_COUNTDOWN
    assert visibility > settings.CELERY_TASK_TIME_LIMIT


def test_celery_speaks_only_json():
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_SERIALIZER == "json"


def test_rate_limits_count_in_a_real_cache():
    assert settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.dummy.DummyCache"
    assert getattr(settings, "ACCOUNT_RATE_LIMITS", None) is not False
