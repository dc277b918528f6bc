"""BENCH rsvp_burst: answer-link POSTs per second under gunicorn, against a hello-world view.

The server is gunicorn with the production settings (DEBUG=0, PostgreSQL, a
Redis broker so the outbox drain is queued, not run in the request) serving
the real URLconf plus one hello-world view. A bounded load generator (threads
with http.client, 64 concurrent connections) sends a fixed number of requests
and stops by itself: first GETs of the hello-world view, then Yes POSTs on
answer links, each from a different member of one gathering whose seats run
out during the burst (so the capacity lock and the waiting list are on the
path). Ratio = RSVP requests per second / hello-world requests per second,
target >= 0.5; p99 of RSVP must stay within 3x the hello-world p99; no errors.
The median of BENCH_RUNS runs is printed. BENCH_RSVP_ANSWER=no sends No answers
instead (no capacity lock on the path), to see what the lock costs.

BENCH rsvp_vs_bare_sql is the second figure: RSVP requests per second / the
rate of the answer's own statements (the link's read, then in one transaction:
own row locked, outbox row, answer with its personal code, seat or ticket, and
after the commit the waiting-list ticket and place) sent by psycopg straight to
PostgreSQL over 16 connections in the same run, with no Django, HTTP or
template around them: the physical limit of a request that does this work.
Target >= 0.2, no errors; p50 and p99 of the RSVP requests and the hello-world
rate are in its text.
`loadgen` is how many cores the load generator itself used during each burst
(it shares the machine with the server). BENCH_RSVP_WORKERS and
BENCH_RSVP_THREADS change the gunicorn workers (default 2 x cores + 1) and
threads per worker (12).

This module is also the server's settings and WSGI entry when RSVP_BENCH_SERVER
is set (URLconf: test_rsvp_urls), so the hello-world view runs through the same
middleware stack.
"""

import os

if os.environ.get("RSVP_BENCH_SERVER"):
    from alumni_network.settings import *  # noqa: F403

    ROOT_URLCONF = "tests.benchmarks.test_rsvp_urls"
    STATIC_ROOT = os.environ["RSVP_BENCH_STATIC_ROOT"]

    _handler = None

    def application(environ, start_response):
        global _handler
        if _handler is None:
            from django.core.wsgi import get_wsgi_application

            _handler = get_wsgi_application()
        return _handler(environ, start_response)

else:
    import random
    import socket
    import statistics
    import subprocess
    import sys
    import threading
    import time
    from dataclasses import dataclass
    from datetime import timedelta
    from http.client import HTTPConnection
    from pathlib import Path
    from urllib.parse import urlencode

    import pytest
    from django.db import connection

    pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

    ROOT = Path(__file__).resolve().parents[2]
    CONCURRENCY = 64
    REQUESTS = int(os.environ.get("BENCH_RSVP_REQUESTS", "1500"))
    RUNS = int(os.environ.get("BENCH_RUNS", "3"))
    REDIS_DB = os.environ.get("BENCH_RSVP_REDIS", "redis://127.0.0.1:6379/14")
    WORKERS = int(os.environ.get("BENCH_RSVP_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
    THREADS = int(os.environ.get("BENCH_RSVP_THREADS", "12"))

    @dataclass(frozen=True)
    class Run:
        rsvp_rps: float
        rsvp_p50: float
        rsvp_p99: float
        rsvp_errors: int
        hello_rps: float
        hello_p99: float
        sql_rps: float
        hello_cores: float
        rsvp_cores: float

    def free_port() -> int:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def server_env(static_root: str) -> dict:
        settings = connection.settings_dict
        database = (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
        return os.environ | {
            "RSVP_BENCH_SERVER": "1",
            "RSVP_BENCH_STATIC_ROOT": static_root,
            "DJANGO_SETTINGS_MODULE": "tests.benchmarks.test_rsvp_bench",
            "DEBUG": "0",
            "DATABASE_URL": database,
            "REDIS_URL": REDIS_DB,
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "HR_REQUIRE_MFA": "0",
            "LOG_LEVEL": "WARNING",
            "SITE_URL": "http://127.0.0.1",
        }

    def start_server(tmp_path):
        static_root = str(tmp_path / "static")
        env = server_env(static_root)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = free_port()
        process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "tests.benchmarks.test_rsvp_bench:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={WORKERS}",
                "--worker-class=gthread",
                f"--threads={THREADS}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                http = HTTPConnection("127.0.0.1", port, timeout=5)
                http.request("GET", "/bench-hello/")
                if http.getresponse().status == 200:
                    http.close()
                    return process, port
            except OSError:
                time.sleep(0.3)
        process.terminate()
        raise RuntimeError("gunicorn did not start")

    def burst(port: int, requests: list[tuple[str, str, bytes, dict]]):
        """Send every request once over CONCURRENCY keep-alive connections.

        Returns (rps, p50, p99, errors, cores the load generator itself used).
        """
        queue = list(reversed(requests))
        lock = threading.Lock()
        latencies: list[float] = []
        errors: list[str] = []

        def worker():
            http = HTTPConnection("127.0.0.1", port, timeout=60)
            while True:
                with lock:
                    if not queue:
                        break
                    method, path, body, headers = queue.pop()
                started = time.perf_counter()
                try:
                    http.request(method, path, body=body, headers=headers)
                    response = http.getresponse()
                    response.read()
                    status = response.status
                except OSError as error:
                    http.close()
                    http = HTTPConnection("127.0.0.1", port, timeout=60)
                    status = repr(error)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if status != 200:
                        errors.append(f"{method} {path}: {status}")
            http.close()

        threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
        started, cpu = time.perf_counter(), time.process_time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        loadgen_cores = (time.process_time() - cpu) / wall
        percentiles = statistics.quantiles(latencies, n=100)
        return len(requests) / wall, percentiles[49], percentiles[98], errors, loadgen_cores

    # The answer link's read, as the ORM writes it (gatherings.selectors.answer_link_rsvp).
    LINK_SQL = (
        "SELECT r.id, r.gathering_id, r.member_id, r.answer, r.waitlist_position, r.dietary, "
        "g.id, g.title, g.start, g.end, g.capacity, g.rsvp_deadline, g.ask_dietary, g.host_id, "
        "g.address, g.room, g.directions, g.status, o.id, o.name, m.id, m.user_id, "
        "u.id, u.email, u.first_name, u.language "
        "FROM gatherings_rsvp r JOIN gatherings_gathering g ON g.id = r.gathering_id "
        "JOIN members_member m ON m.id = r.member_id "
        "LEFT JOIN members_organisation o ON o.id = g.host_id "
        "JOIN members_user u ON u.id = m.user_id "
        "WHERE r.gathering_id = %s AND r.member_id = %s LIMIT 21"
    )

    # The server keeps its own connections open (CONN_MAX_AGE); 16 more stay
    # within PostgreSQL's max_connections and keep its two cores busy.
    SQL_CONNECTIONS = 16

    def bare_sql_burst(gathering) -> float:
        """Answers per second of the bare SQL of every answer to `gathering`, sent by psycopg.

        The same statements the answer path sends for a Yes, with nothing
        around them: the rate a server could reach if Django, HTTP and the
        page cost nothing. Any error fails the benchmark.
        """
        import psycopg
        from django.contrib.contenttypes.models import ContentType

        from gatherings.door.codes import new_code
        from gatherings.models import Rsvp

        settings = connection.settings_dict
        conninfo = psycopg.conninfo.make_conninfo(
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
        )
        content_type = ContentType.objects.get_for_model(Rsvp).pk
        queue = list(
            Rsvp.objects.filter(gathering=gathering).values_list(
                "pk", "member_id", "member__user__email"
            )
        )
        lock = threading.Lock()

        def answer(cursor, rsvp_id, member_id, email):
            cursor.execute(LINK_SQL, (gathering.pk, member_id))
            cursor.fetchone()
            with cursor.connection.transaction():
                cursor.execute(
                    "SELECT answer, waitlist_position, code FROM gatherings_rsvp WHERE id = %s "
                    "FOR UPDATE",
                    (rsvp_id,),
                )
                cursor.execute(
                    "INSERT INTO invitations_outboxemail (to_email, kind, language, bulk, "
                    "content_type_id, object_id, data, reply_to, status, attempts, "
                    "next_attempt_at, provider_message_id, last_error, created_at) VALUES "
                    "(%s, 'gathering_answer', 'nb', false, %s, %s, '{}', '', 'queued', 0, "
                    "now(), '', '', now())",
                    (email, content_type, rsvp_id),
                )
                # A first Yes gets its personal code in the answer's own UPDATE.
                cursor.execute(
                    "UPDATE gatherings_rsvp SET answer = 'yes', answered_at = now(), "
                    "waitlist_position = NULL, dietary = %s, code = %s WHERE id = %s",
                    ("", new_code(), rsvp_id),
                )
                cursor.execute(
                    "UPDATE gatherings_gathering SET seats_taken = seats_taken + 1 "
                    "WHERE id = %s AND seats_taken < capacity AND status = 'published' "
                    "AND start > now() AND (rsvp_deadline IS NULL OR rsvp_deadline >= now())",
                    (gathering.pk,),
                )
                if cursor.rowcount == 1:
                    return
                cursor.execute(
                    "UPDATE gatherings_gathering SET waitlist_tickets = waitlist_tickets + 1 "
                    "WHERE id = %s AND seats_taken >= capacity AND status = 'published' "
                    "AND start > now() AND (rsvp_deadline IS NULL OR rsvp_deadline >= now())",
                    (gathering.pk,),
                )
                assert cursor.rowcount == 1
                cursor.execute(
                    "UPDATE gatherings_rsvp SET waitlist_position = (SELECT waitlist_tickets "
                    "FROM gatherings_gathering WHERE id = %s) WHERE id = %s",
                    (gathering.pk, rsvp_id),
                )
            cursor.execute(
                "SELECT waitlist_position FROM gatherings_rsvp WHERE id = %s", (rsvp_id,)
            )
            ticket = cursor.fetchone()[0]
            cursor.execute(
                "SELECT count(*) FROM gatherings_rsvp "
                "WHERE gathering_id = %s AND waitlist_position <= %s",
                (gathering.pk, ticket),
            )

        errors = []

        def worker():
            try:
                with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cursor:
                    while True:
                        with lock:
                            if not queue:
                                return
                            row = queue.pop()
                        answer(cursor, *row)
            except (psycopg.Error, AssertionError) as error:
                errors.append(repr(error))

        threads = [threading.Thread(target=worker) for _ in range(SQL_CONNECTIONS)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        rate = REQUESTS / (time.perf_counter() - started)
        assert errors == [], errors[:3]
        return rate

    def answer_requests(rng: random.Random) -> list[tuple[str, str, bytes, dict]]:
        """One Yes POST per invited member of a fresh gathering that fills up mid-burst."""
        from django.urls import reverse
        from django.utils import timezone

        from gatherings.models import Gathering, Rsvp
        from gatherings.rsvp import make_token
        from members.models import Member, User

        tag = rng.randrange(10**9)
        start = timezone.now().replace(microsecond=0) + timedelta(days=20)
        gathering = Gathering.objects.create(
            title=f"Benk {tag}",
            start=start,
            end=start + timedelta(hours=3),
            capacity=REQUESTS * 2 // 3,
            ask_dietary=True,
            status=Gathering.Status.PUBLISHED,
        )
        users = User.objects.bulk_create(
            User(email=f"rsvp{tag}-{i}@example.org", first_name="Benk", password="!")
            for i in range(REQUESTS)
        )
        members = Member.objects.bulk_create(Member(user=user) for user in users)
        rsvps = Rsvp.objects.bulk_create(
            Rsvp(gathering=gathering, member=member, invited_at=timezone.now())
            for member in members
        )
        # An unmasked CSRF secret is a valid form token for the same cookie.
        csrf = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32))
        body = urlencode(
            {"csrfmiddlewaretoken": csrf, "answer": os.environ.get("BENCH_RSVP_ANSWER", "yes")}
        ).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
        }
        requests = [
            (
                "POST",
                reverse("gatherings:rsvp", kwargs={"token": make_token(rsvp=r)}),
                body,
                headers,
            )
            for r in rsvps
        ]
        rng.shuffle(requests)
        return requests, gathering

    def test_bench_rsvp_burst(tmp_path):
        from gatherings.models import Rsvp

        rng = random.Random(20261128)
        process, port = start_server(tmp_path)
        results = []
        try:
            hello = [("GET", "/bench-hello/", None, {})] * REQUESTS
            burst(port, hello[:200])  # warm every worker
            for _ in range(RUNS):
                requests, gathering = answer_requests(rng)
                _requests, sql_gathering = answer_requests(rng)
                hello_rps, _hello_p50, hello_p99, hello_errors, hello_cores = burst(port, hello)
                rsvp_rps, rsvp_p50, rsvp_p99, rsvp_errors, rsvp_cores = burst(port, requests)
                sql_rps = bare_sql_burst(sql_gathering)
                confirmed = Rsvp.objects.filter(
                    gathering=gathering, answer="yes", waitlist_position__isnull=True
                ).count()
                waiting = Rsvp.objects.filter(
                    gathering=gathering, waitlist_position__isnull=False
                ).count()
                print(
                    f"\nrun: rsvp={rsvp_rps:.0f}/s p50={rsvp_p50 * 1000:.0f}ms "
                    f"p99={rsvp_p99 * 1000:.0f}ms "
                    f"hello={hello_rps:.0f}/s p99={hello_p99 * 1000:.0f}ms "
                    f"sql={sql_rps:.0f}/s loadgen={hello_cores:.2f}/{rsvp_cores:.2f} cores "
                    f"confirmed={confirmed} waiting={waiting}"
                )
                results.append(
                    Run(
                        rsvp_rps=rsvp_rps,
                        rsvp_p50=rsvp_p50,
                        rsvp_p99=rsvp_p99,
                        rsvp_errors=len(rsvp_errors),
                        hello_rps=hello_rps,
                        hello_p99=hello_p99,
                        sql_rps=sql_rps,
                        hello_cores=hello_cores,
                        rsvp_cores=rsvp_cores,
                    )
                )
                assert hello_errors == [] and rsvp_errors == [], (hello_errors + rsvp_errors)[:5]
                assert (confirmed, waiting) == (gathering.capacity, REQUESTS - gathering.capacity)
        finally:
            process.terminate()
            process.wait(timeout=30)
            _drop_queued_drains()

        setup = (
            f"{REQUESTS} requests x {CONCURRENCY} connections, gunicorn {WORKERS} workers "
            f"x {THREADS} threads, median of {RUNS} runs"
        )
        run = sorted(results, key=lambda r: r.rsvp_rps / r.hello_rps)[len(results) // 2]
        print(
            f"\nBENCH rsvp_burst ratio={run.rsvp_rps / run.hello_rps:.3f} target=0.5 "
            f"rsvp={run.rsvp_rps:.0f}/s hello={run.hello_rps:.0f}/s "
            f"p99 rsvp={run.rsvp_p99 * 1000:.0f}ms hello={run.hello_p99 * 1000:.0f}ms; "
            f"the answer's bare SQL via psycopg alone={run.sql_rps:.0f}/s over {SQL_CONNECTIONS} "
            "connections "
            f"(= {run.sql_rps / run.hello_rps:.2f} x hello); "
            f"load generator used {run.hello_cores:.2f} / {run.rsvp_cores:.2f} cores "
            f"(hello / rsvp) ({setup})"
        )
        run = sorted(results, key=lambda r: r.rsvp_rps / r.sql_rps)[len(results) // 2]
        print(
            f"BENCH rsvp_vs_bare_sql ratio={run.rsvp_rps / run.sql_rps:.3f} target=0.2 "
            f"rsvp={run.rsvp_rps:.0f}/s against the answer's bare SQL transaction via psycopg "
            f"={run.sql_rps:.0f}/s over {SQL_CONNECTIONS} connections; "
            f"rsvp p50={run.rsvp_p50 * 1000:.0f}ms p99={run.rsvp_p99 * 1000:.0f}ms, "
            f"errors={run.rsvp_errors}; hello-world={run.hello_rps:.0f}/s "
            f"p99={run.hello_p99 * 1000:.0f}ms for context ({setup})"
        )

    def _drop_queued_drains():
        """The burst queued outbox drains on our own Redis database; no worker runs them."""
        import redis

        redis.Redis.from_url(REDIS_DB).delete("celery")
