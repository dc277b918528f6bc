"""
Settings for the alumni network.

With no environment set this is the embedded default: SQLite, console email,
Celery tasks run eagerly, DEBUG on. Setting DATABASE_URL, REDIS_URL and the
email variables switches to the full stack; DEBUG=0 turns on the production
hardening that `manage.py check --deploy` asks for.
See https://docs.djangoproject.com/en/5.2/ref/settings/ for each setting.
"""

import os
import secrets
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

env = environ.Env()

REDIS_URL = env("REDIS_URL", default="")

# https://docs.djangoproject.com/en/5.2/ref/settings/#debug
# On for the embedded default; every deployment sets DEBUG=0 (docker-compose does).
DEBUG = env.bool("DEBUG", default=True)


def _secret_key() -> str:
    """Read SECRET_KEY from the environment, else a key generated once per checkout."""
    if key := env("SECRET_KEY", default=""):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # The Django admin as the superusers' back office (members/admin_site.py).
    "members.admin_site.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Django's own widget templates, for the form renderer below.
    "django.forms",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "anymail",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",  # imports each app's rules.py
    "csp",
    "alumni_network.mail",
    "members",
    "invitations",
    "gatherings",
    "alumni_network",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "alumni_network.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "alumni_network.urls"
WSGI_APPLICATION = "alumni_network.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "alumni_network.context_processors.network",
            ],
            "builtins": ["django.templatetags.i18n"],
        },
    }
]
# The same templates without HTML escaping, for what is plain text: email subjects and
# text parts ("Mat & drikke" stays as written). alumni_network/mail/rendering.py renders
# every .txt email template with it, so no template has to remember {% autoescape off %}.
PLAIN_TEXT_TEMPLATES = "plain_text"
TEMPLATES.append(
    {
        **TEMPLATES[0],
        "NAME": PLAIN_TEXT_TEMPLATES,
        "OPTIONS": {**TEMPLATES[0]["OPTIONS"], "autoescape": False},
    }
)

# https://docs.djangoproject.com/en/5.2/ref/forms/renderers/#templatessetting
# Every form of every app draws its fields from templates/django/forms/ (label above
# the field and without a colon, help and errors tied to it); Django's own widget
# templates come from the django.forms app.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# https://django-environ.readthedocs.io/en/latest/types.html#environ-env-db-url
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "CONN_MAX_AGE", default=60 if env("DATABASE_URL", default="") else 0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# https://docs.djangoproject.com/en/5.2/topics/cache/
# A real shared cache: allauth's rate limits count in it. While Redis is down those
# fail open with a logged warning, so login still works (alumni_network/rate_limit_cache.py).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "alumni_network.rate_limit_cache.LoginSafeRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "alumni",
            # An unreachable Redis costs a request two seconds, not the OS's TCP timeout.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "after_login"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
# Where an address comes in, it is held to the 254 characters the email columns have.
ACCOUNT_FORMS = {
    "request_login_code": "members.account_forms.LoginCodeForm",
    "reset_password": "members.account_forms.PasswordResetForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
# allauth's defaults stand; "join_request" is ours: the public ask-to-join form
# (invitations/joining/views.py), counted per client IP and per address.
# https://docs.allauth.org/en/latest/account/rate_limits.html
ACCOUNT_RATE_LIMITS = {"join_request": "10/h/ip,3/d/key"}
# Rate limits are allauth's defaults (on); they need the shared cache above.
# https://docs.allauth.org/en/latest/mfa/configuration.html
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("NETWORK_NAME", default="Fjordvik Alumni")
# Staff must have MFA before they can open /hr/. Off in the embedded demo so a
# newcomer can look around at once; on by default with production settings.
HR_REQUIRE_MFA = env.bool("HR_REQUIRE_MFA", default=not DEBUG)

# https://docs.djangoproject.com/en/5.2/topics/i18n/
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
# Site-wide strings (templates/, alumni_network/); each app keeps its own catalog
# in <app>/locale. scripts/messages updates them all.
LOCALE_PATHS = [BASE_DIR / "alumni_network" / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["alumni_network.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Files only some people may see (speakers' slides): outside MEDIA_ROOT, so no
# web server serves them; a view checks who asks and streams the file.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)

# Email: console in the embedded default; SMTP from EMAIL_URL or any anymail
# ESP by EMAIL_BACKEND, e.g. anymail.backends.mailgun.EmailBackend.
# https://anymail.dev/en/stable/esps/
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = env("EMAIL_BACKEND", default=_email["EMAIL_BACKEND"])
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT", 25)
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Fjordvik Alumni <alumni@fjordvik.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Every ANYMAIL_* variable becomes an anymail setting (MAILGUN_API_KEY, WEBHOOK_SECRET, ...).
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}

# The network itself.
NETWORK_NAME = env("NETWORK_NAME", default="Fjordvik Alumni")
COMPANY_NAME = env("COMPANY_NAME", default="Fjordvik Energi AS")
NETWORK_CONTACT_EMAIL = env("NETWORK_CONTACT_EMAIL", default="alumni@fjordvik.example")

# Celery: https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# One queue unless told otherwise; fault tests give their worker a queue of its own.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
# The longest countdown or retry delay any task uses; the broker's visibility
# timeout must exceed it or Redis hands the task to a second worker.
CELERY_MAX_COUNTDOWN = 3600
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * CELERY_MAX_COUNTDOWN,
    # Publishing fails at once when Redis is down instead of holding the web
    # request for seconds of reconnects; the outbox sweep sends what was missed.
    "max_retries": 0,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Seconds a claim on an outbox row may go unrenewed before the sweep hands the
# row back (its worker was killed). The sending worker renews its batch's claim
# every sixth of this (10 s), so only a dead worker, or one message stalled for
# the whole minute, loses rows; with the one-minute sweep a killed worker's
# rows go out again within two minutes (alumni_network/mail/sending.py).
OUTBOX_SENDING_TIMEOUT = env.float("OUTBOX_SENDING_TIMEOUT", default=60)
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=100)
# Leavers who never joined nor answered are deleted this many days after
# their last contact (GDPR storage limitation); their address stays suppressed.
REGISTER_RETENTION_DAYS = env.int("REGISTER_RETENTION_DAYS", default=730)
# Audit log entries (who saw, exported or erased personal data) are kept this
# many days, then deleted in batches by the same daily purge.
AUDIT_LOG_RETENTION_DAYS = env.int("AUDIT_LOG_RETENTION_DAYS", default=730)
# Which request.META key holds the client's address for the audit log: REMOTE_ADDR,
# or e.g. HTTP_X_REAL_IP when a proxy in front sets it (members/audit.py).
AUDIT_IP_HEADER = env("AUDIT_IP_HEADER", default="REMOTE_ADDR")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "alumni_network.record_heartbeat", "schedule": 60.0},
    # Drains what on_commit missed (broker down, worker killed) and hands back stuck rows.
    "outbox-sweep": {"task": "mail.sweep_outbox", "schedule": 60.0},
    # Weekly at most per member; hourly so a missed run costs an hour, not a week.
    "member-digests": {"task": "members.send_due_digests", "schedule": 3600.0},
    "register-retention": {"task": "invitations.purge_unanswered_leavers", "schedule": 86400.0},
    "abandoned-uploads": {"task": "invitations.forget_abandoned_imports", "schedule": 86400.0},
}

# django-csp 4: a strict policy; no inline script or style anywhere.
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Security: https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- gatherings: reminders (confirmed N days before, one nudge before the
# deadline, breakfast the evening before). Each run selects what is due and
# marks it, so running often is safe and a missed run catches up.
CELERY_BEAT_SCHEDULE["gatherings-reminders"] = {
    "task": "gatherings.send_reminders",
    "schedule": 15 * 60.0,
}
# The day after a gathering: thanks, materials, connections and the feedback question.
CELERY_BEAT_SCHEDULE["gatherings-follow-ups"] = {
    "task": "gatherings.send_follow_ups",
    "schedule": 3600.0,
}

# --- Invitation campaigns (invitations/campaigns.py) ---------------------------------
# Starts scheduled campaigns that are due, sends due reminders (selected by what is
# due, so a missed run catches up once) and closes finished campaigns. "Send now"
# starts its campaign at once on commit; this catches a start the broker missed
# and a scheduled time, within a minute.
CELERY_BEAT_SCHEDULE["campaigns-due"] = {"task": "invitations.run_campaigns", "schedule": 60.0}
# HR's one email about new requests to join, instead of one per request; each request
# is listed once (invitations/joining/announcements.py), within five minutes.
CELERY_BEAT_SCHEDULE["join-requests-digest"] = {
    "task": "invitations.announce_join_requests",
    "schedule": 5 * 60.0,
}
