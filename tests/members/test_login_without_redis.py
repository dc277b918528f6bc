"""Logging in while Redis is down: allauth's rate limits fail open, never a 500.

No Redis is needed: the cache points at a port where nothing listens, which is
what the web process sees when Redis is stopped.
"""

import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from alumni_network.celery import app as celery_app
from tests.factories import TEST_PASSWORD, MemberFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent
DEAD_REDIS = "redis://127.0.0.1:6390/0"


@pytest.fixture(autouse=True)
def redis_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "alumni_network.rate_limit_cache.LoginSafeRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # The broker is the same Redis: the login code's email waits in the outbox.
    eager, broker = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = DEAD_REDIS
    yield
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = eager, broker


def test_password_login_works_while_redis_is_down(client, caplog):
    user = MemberFactory().user

    with caplog.at_level(logging.WARNING, logger="alumni_network.rate_limit_cache"):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
        )

    assert response.status_code == 302
    assert response.url == reverse("members:home")
    assert "rate limit 'login' not applied" in caplog.text
    # The log names the action, never the address or the IP the limit counts.
    assert user.email not in caplog.text and "127.0.0.1:" not in caplog.text.replace(
        "127.0.0.1:6390", ""
    )


def test_wrong_password_while_redis_is_down_is_a_form_error(client):
    user = MemberFactory().user

    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_login_code_is_sent_while_redis_is_down(client, django_capture_on_commit_callbacks):
    from alumni_network.mail.models import OutboxEmail

    user = MemberFactory().user

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": user.email})

    assert response.status_code == 302
    assert response.url == reverse("account_confirm_login_code")
    # Queued for the sweep, which sends it once Redis (the broker) is back.
    assert OutboxEmail.objects.filter(kind="account", to_email=user.email).count() == 1


def test_password_reset_works_while_redis_is_down(client):
    user = MemberFactory().user

    response = client.post(reverse("account_reset_password"), {"email": user.email})

    assert response.status_code == 302


def test_other_cache_users_still_see_the_error():
    with pytest.raises(RedisConnectionError):
        cache.get("hr-dashboard:30")


def test_a_totp_code_is_refused_not_accepted_twice_while_redis_is_down():
    assert cache.add("allauth.mfa.totp.used?user=1&code=123456", "y", timeout=90) is False


def test_deployed_cache_is_the_login_safe_one():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**clean, "REDIS_URL": DEAD_REDIS, "SECRET_KEY": secrets.token_urlsafe(50)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip().splitlines()[-1] == (
        "alumni_network.rate_limit_cache.LoginSafeRedisCache"
    ), result.stderr


def test_sessions_do_not_live_in_redis(settings):
    # A session in the cache would make every login fail while Redis is down.
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
