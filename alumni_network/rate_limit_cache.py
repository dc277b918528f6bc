"""Django's Redis cache, except that login keeps working while Redis is down.

allauth counts its rate limits (login, failed logins, login codes, password
resets) and marks used TOTP codes in the default cache, with no setting for
another alias. Without Redis each of those calls raised, and logging in gave a
500. Only allauth's keys get a fallback here, each chosen for what it guards:

- a rate limit fails open, with a logged warning: for the minutes Redis is down
  a failed login is not counted, rather than no one being able to log in. Password
  hashing still slows guessing, and the health page already reports the outage.
- a used TOTP code fails closed: the code is refused (a form error, not a 500)
  rather than accepted twice.

Every other key (the dashboard, the import progress, the worker heartbeat) raises
as before: their callers decide.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)
# allauth.core.internal.ratelimit: "allauth:rl:<app>:<action>:<rate>:<source>", and the
# same with ":lock" appended for the lock around each count.
RATE_LIMIT_PREFIX = "allauth:rl:"
# allauth.mfa.totp: a marker per used code, so a code works once.
TOTP_USED_PREFIX = "allauth.mfa.totp.used"


def rate_limit_action(key: str) -> str:
    """The allauth action a rate limit key counts ("login_failed"), never its IP or address."""
    parts = key.split(":")
    return parts[3] if len(parts) > 3 else key


class LoginSafeRedisCache(RedisCache):
    """RedisCache whose allauth rate limits fail open and used TOTP codes fail closed."""

    def _unavailable(self, key: str, error: Exception, fallback):
        """What a call on `key` answers while Redis is unavailable, or the error again."""
        if key.startswith(RATE_LIMIT_PREFIX):
            logger.warning(
                "Redis unavailable (%s): rate limit %r not applied", error, rate_limit_action(key)
            )
            return fallback
        if key.startswith(TOTP_USED_PREFIX):
            logger.warning("Redis unavailable (%s): a TOTP code was refused", error)
            return False
        raise error

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout=timeout, version=version)
        except REDIS_UNAVAILABLE as error:
            # True: allauth's lock around a count is taken, so the count goes ahead.
            return self._unavailable(key, error, True)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default=default, version=version)
        except REDIS_UNAVAILABLE as error:
            return self._unavailable(key, error, default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout=timeout, version=version)
        except REDIS_UNAVAILABLE as error:
            return self._unavailable(key, error, None)

    def delete(self, key, version=None):
        try:
            return super().delete(key, version=version)
        except REDIS_UNAVAILABLE as error:
            return self._unavailable(key, error, False)
