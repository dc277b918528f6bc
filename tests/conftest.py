"""Fixtures shared by every test, and the rule that CI runs everything."""

import os
import shutil

import factory.random
import pytest
from django.db import connection

from alumni_network.celery import app as celery_app

from .factories import MemberFactory, StaffFactory, UserFactory


def pytest_addoption(parser):
    parser.addoption(
        "--benchmarks",
        action="store_true",
        help="run the benchmarks in tests/benchmarks (left out otherwise)",
    )


def pytest_ignore_collect(collection_path, config):
    if collection_path.name == "benchmarks" and not config.getoption("--benchmarks"):
        return True
    return None


def pytest_configure(config):
    # Tasks run in-process in tests; tests marked `worker` start a real worker.
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True


def pytest_collection_modifyitems(config, items):
    """Skip, with the reason, what this machine cannot run."""
    on_postgres = connection.vendor == "postgresql" or os.environ.get(
        "DATABASE_URL", ""
    ).startswith(("postgres", "postgresql"))
    has_redis = bool(os.environ.get("REDIS_URL"))
    has_chromium = shutil.which("chromium") is not None or os.path.exists("/usr/bin/chromium")
    skips = {
        "postgres": (on_postgres, "needs PostgreSQL: set DATABASE_URL=postgres://..."),
        "worker": (has_redis, "needs Redis for a real Celery worker: set REDIS_URL=redis://..."),
        "e2e": (has_chromium, "needs Debian's chromium at /usr/bin/chromium"),
    }
    for item in items:
        for marker, (available, reason) in skips.items():
            if marker in item.keywords and not available:
                item.add_marker(pytest.mark.skip(reason=reason))


def pytest_sessionfinish(session, exitstatus):
    """In CI nothing may be skipped: a skip there is a failure."""
    if os.environ.get("FAIL_ON_SKIP") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(f"FAIL_ON_SKIP: {len(skipped)} test(s) were skipped", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Each test gets an empty cache of its own (rate limits count in it)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": os.urandom(8).hex(),
        }
    }


@pytest.fixture(autouse=True)
def _private_files_in_tmp(tmp_path, monkeypatch):
    """Speakers' slides a test stores go to its own folder, not the project's var/."""
    from django.core.files.storage import FileSystemStorage

    from gatherings.models import Material

    storage = FileSystemStorage(location=tmp_path / "private")
    monkeypatch.setattr(Material._meta.get_field("file"), "storage", storage)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Photos a test stores (seed_demo's among them) go to its own folder, not var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _deterministic_fake_data():
    """The same made-up names every run: a random name must never decide a test."""
    factory.random.reseed_random("alumni-network")


@pytest.fixture
def member_user(db):
    # A name no test searches for, so the person logged in never shows up in results.
    return MemberFactory(
        user__language="", user__first_name="Innlogget", user__last_name="Testmedlem"
    ).user


@pytest.fixture
def staff_user(db):
    return StaffFactory(language="")


@pytest.fixture
def plain_user(db):
    """An account with neither a member profile nor staff rights."""
    return UserFactory(language="")


@pytest.fixture
def member_client(client, member_user):
    client.force_login(member_user)
    return client


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def world(db):
    """One person per role, for tests that visit pages as each of them."""
    return {"member_user": MemberFactory().user, "staff_user": StaffFactory()}


@pytest.fixture
def smtp_sink(settings):
    """Email goes over real SMTP to a loopback sink for the length of the test."""
    from .mail_sink import SmtpSink

    with SmtpSink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        yield sink
