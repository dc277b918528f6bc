"""What /healthz reports: the database, the broker and the last worker heartbeat."""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

HEARTBEAT_CACHE_KEY = "health:worker-heartbeat"


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return Check(ok=False, detail=f"{type(error).__name__}: {error}".strip())
    return Check(ok=True, detail=connection.vendor)


def check_broker() -> Check:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return Check(ok=True, detail="eager (no broker configured)")
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=1, socket_connect_timeout=1
        )
        client.ping()
    except (redis.RedisError, OSError) as error:
        return Check(ok=False, detail=f"{type(error).__name__}: {error}".strip())
    return Check(ok=True, detail="redis")


def record_worker_heartbeat(*, source: str) -> str:
    seen = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, {"at": seen, "source": source}, timeout=None)
    return seen


def last_worker_heartbeat() -> dict | None:
    try:
        return cache.get(HEARTBEAT_CACHE_KEY)
    except Exception:  # noqa: BLE001 - a broken cache must not break the health page
        return None


def health_report() -> tuple[dict, bool]:
    """The report and whether the site can serve (the database answers)."""
    database = check_database()
    broker = check_broker()
    healthy = database.ok
    report = {
        "status": "ok" if database.ok and broker.ok else ("degraded" if healthy else "down"),
        "database": asdict(database),
        "broker": asdict(broker),
        "worker": last_worker_heartbeat(),
    }
    return report, healthy
