"""BENCH dashboard: the HR dashboard's requests per second under gunicorn, against hello-world.

The server is gunicorn with the production settings (DEBUG=0, PostgreSQL, Redis as
the cache) serving the real URLconf plus one hello-world view (test_rsvp_urls). The
network is generated set-based and deterministically: BENCH_DASHBOARD_LEAVERS
register rows (default 1,000,000), BENCH_DASHBOARD_OUTBOX outbox rows (1,000,000),
BENCH_DASHBOARD_MEMBERS members (200,000), with invitations from three campaigns,
gatherings with answers, check-ins and connections, rehires, employers and
competences. Each table gets its rows from one INSERT ... SELECT over
generate_series that copies a template row made by the ORM (so every column has
its model default) and varies the rest by arithmetic on the row number: the same
network every run.

The dashboard keeps its computed figures for 60 s in the cache, keyed by period
(alumni_network/dashboard). The warm figure is the ratio: dashboard requests per
second / hello-world requests per second in the same run, target >= 0.3, median of
BENCH_RUNS runs. The cold figure is the time to compute the dashboard with an empty
cache (median of BENCH_DASHBOARD_COLD requests, one at a time, the cache flushed
before each), printed in the same line with both query counts.

This module is also the server's settings and WSGI entry when DASHBOARD_BENCH_SERVER
is set.
"""

import os

if os.environ.get("DASHBOARD_BENCH_SERVER"):
    from alumni_network.settings import *  # noqa: F403

    ROOT_URLCONF = "tests.benchmarks.test_rsvp_urls"
    STATIC_ROOT = os.environ["DASHBOARD_BENCH_STATIC_ROOT"]

    _handler = None

    def application(environ, start_response):
        global _handler
        if _handler is None:
            from django.core.wsgi import get_wsgi_application

            _handler = get_wsgi_application()
        return _handler(environ, start_response)

else:
    import statistics
    import time
    from http.client import HTTPConnection

    import pytest
    from django.db import connection

    from tests.benchmarks.test_rsvp_bench import burst, free_port

    pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

    LEAVERS = int(os.environ.get("BENCH_DASHBOARD_LEAVERS", "1000000"))
    OUTBOX = int(os.environ.get("BENCH_DASHBOARD_OUTBOX", "1000000"))
    MEMBERS = int(os.environ.get("BENCH_DASHBOARD_MEMBERS", "200000"))
    REQUESTS = int(os.environ.get("BENCH_DASHBOARD_REQUESTS", "1500"))
    COLD = int(os.environ.get("BENCH_DASHBOARD_COLD", "3"))
    RUNS = int(os.environ.get("BENCH_RUNS", "3"))
    # The server's cache; only the dashboard's own keys are ever deleted from it.
    REDIS_DB = os.environ.get("BENCH_DASHBOARD_REDIS", "redis://127.0.0.1:6379/15")
    WORKERS = int(os.environ.get("BENCH_DASHBOARD_WORKERS", str(2 * (os.cpu_count() or 1) + 1)))
    THREADS = int(os.environ.get("BENCH_DASHBOARD_THREADS", "12"))

    # Building the network ------------------------------------------------------------

    def clone(model, template_pk: int, rows_sql: str, overrides: dict[str, str]):
        """Insert copies of one template row, one per row of `rows_sql` (aliased `s`, with `i`).

        `overrides` maps column names to SQL expressions over `i` and `s` (and `t`, the
        template); the other columns keep the template's values. Everything in the
        statement comes from this module and the model's metadata.
        """
        table = model._meta.db_table
        columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
        names = ", ".join(f'"{column}"' for column in columns)
        values = ", ".join(overrides.get(column, f't."{column}"') for column in columns)
        sql = (
            f'INSERT INTO "{table}" ({names}) SELECT {values} '  # noqa: S608
            f'FROM "{table}" t, ({rows_sql}) AS s WHERE t.id = {int(template_pk)}'
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)

    def series(count: int) -> str:
        return f"SELECT i FROM generate_series(1, {int(count)}) AS i"  # noqa: S608

    def build_members():
        from members.models import Competence, Member, Organisation, Rehire, User

        template = Member.objects.create(
            user=User.objects.create(email="template@bench.example", password="!")
        )
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Arbeidsgiver {n:03d} AS") for n in range(300)
        )
        competences = Competence.objects.bulk_create(
            Competence(name=f"Kompetanse {n:03d}", slug=f"kompetanse-{n:03d}") for n in range(200)
        )
        clone(
            User,
            template.user_id,
            series(MEMBERS),
            {
                "email": "'member' || i || '@bench.example'",
                "first_name": "'Medlem'",
                "last_name": "'Nummer ' || i",
                "date_joined": "now() - (i % 1800) * interval '1 day'",
            },
        )
        first_org, first_competence = organisations[0].pk, competences[0].pk
        clone(
            Member,
            template.pk,
            "SELECT u.id AS user_id, u.date_joined, "
            "CAST(substring(u.email from 7 for position('@' in u.email) - 7) AS int) AS i "
            "FROM members_user u WHERE u.email LIKE 'member%@bench.example'",
            {
                "user_id": "s.user_id",
                "joined_at": "s.date_joined",
                "employer_id": f"CASE WHEN i % 4 = 0 THEN NULL ELSE {first_org} + i % 300 END",
                "work_visibility": "CASE WHEN i % 10 = 0 THEN 'hidden' ELSE t.work_visibility END",
                "open_to_returning": "i % 5 = 0",
                "sort_name": "'nummer ' || i",
            },
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO members_member_competences (member_id, competence_id) "
                "SELECT m.id, %s + (m.id * k) %% 200 FROM members_member m, "
                "generate_series(1, 2) AS k WHERE m.id %% 2 = 0 "
                "ON CONFLICT DO NOTHING",
                [first_competence],
            )
        Member.objects.filter(pk=template.pk).delete()
        members = Member.objects.order_by("pk").values_list("pk", flat=True)
        Rehire.objects.bulk_create(
            Rehire(member_id=pk, rehired_on=f"202{4 + n % 3}-0{1 + n % 9}-15", role="Ingeniør")
            for n, pk in enumerate(members[: max(MEMBERS // 100, 1)])
        )

    def build_register():
        from django.utils import timezone

        from invitations.campaigns.models import Campaign, Invitation
        from invitations.models import Leaver, Segment

        template = Leaver.objects.create(first_name="Mal", email="mal@bench.example")
        clone(
            Leaver,
            template.pk,
            series(LEAVERS),
            {
                "employee_number": "'B' || i",
                "email": "'leaver' || i || '@bench.example'",
                "last_name": "'Nummer ' || i",
                "status": "CASE i % 10 WHEN 0 THEN 'joined' WHEN 1 THEN 'declined' "
                "WHEN 2 THEN 'invited' WHEN 3 THEN 'invited' ELSE 'in_register' END",
                "created_at": "now() - (i % 1500) * interval '1 day'",
                "updated_at": "now() - (i % 1500) * interval '1 day'",
            },
        )
        Leaver.objects.filter(pk=template.pk).delete()
        segment = Segment.objects.create(name="Alle")
        campaigns = [
            Campaign.objects.create(
                name=name,
                segment=segment,
                status=status,
                subject_nb="Bli med",
                subject_en="Join us",
                body_nb="Hei",
                body_en="Hi",
                started_at=timezone.now(),
            )
            for name, status in (("Vår", "done"), ("Høst", "done"), ("Vinter", "sending"))
        ]
        template_invitation = Invitation.objects.create(
            campaign=campaigns[0], leaver=Leaver.objects.order_by("pk").first()
        )
        first_campaign = campaigns[0].pk
        clone(
            Invitation,
            template_invitation.pk,
            "SELECT l.id AS leaver_id, l.status AS leaver_status, l.created_at, l.id AS i "
            "FROM invitations_leaver l WHERE l.status <> 'in_register'",
            {
                "campaign_id": f"{first_campaign} + i % 3",
                "leaver_id": "s.leaver_id",
                "status": "CASE s.leaver_status WHEN 'joined' THEN 'joined' "
                "WHEN 'declined' THEN (CASE i % 3 WHEN 0 THEN 'declined' WHEN 1 THEN "
                "'unsubscribed' ELSE 'bounced' END) ELSE 'pending' END",
                "created_at": "s.created_at + interval '1 day'",
                "last_contacted_at": "s.created_at + interval '1 day'",
                "responded_at": "CASE WHEN s.leaver_status IN ('joined', 'declined') "
                "THEN s.created_at + interval '3 days' END",
            },
        )
        template_invitation.delete()

    def build_outbox():
        from alumni_network.mail.models import OutboxEmail

        template = OutboxEmail.objects.create(to_email="mal@bench.example", kind="bench")
        clone(
            OutboxEmail,
            template.pk,
            series(OUTBOX),
            {
                "to_email": "'leaver' || i || '@bench.example'",
                "status": "CASE WHEN i % 1000 = 0 THEN 'failed' WHEN i % 100 = 1 THEN 'queued' "
                "ELSE 'sent' END",
                "created_at": "now() - (i % 1500) * interval '1 day'",
                "sent_at": "CASE WHEN i % 1000 = 0 OR i % 100 = 1 THEN NULL "
                "ELSE now() - (i % 1500) * interval '1 day' END",
            },
        )
        template.delete()

    def build_gatherings():
        from datetime import timedelta

        from django.utils import timezone

        from gatherings.models import Connection, Gathering, Rsvp
        from members.models import Member

        now = timezone.now().replace(microsecond=0)
        members = list(Member.objects.order_by("pk").values_list("pk", flat=True)[:4000])
        for n in range(40):
            start = now - timedelta(days=30 * n + 3)
            gathering = Gathering.objects.create(
                title=f"Samling {n}",
                start=start,
                end=start + timedelta(hours=3),
                status=Gathering.Status.DONE,
            )
            guests = members[n * 80 : n * 80 + 200]
            Rsvp.objects.bulk_create(
                Rsvp(
                    gathering=gathering,
                    member_id=pk,
                    answer="yes" if k % 4 else "no",
                    invited_at=start - timedelta(days=20),
                    checked_in_at=start if k % 4 and k % 5 else None,
                )
                for k, pk in enumerate(guests)
            )
            Connection.objects.bulk_create(
                Connection(gathering=gathering, member_low_id=low, member_high_id=high)
                for low, high in zip(guests[1:100:5], guests[2:101:5], strict=True)
            )

    def build_network():
        started = time.perf_counter()
        build_members()
        build_register()
        build_outbox()
        build_gatherings()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return time.perf_counter() - started

    # The server ----------------------------------------------------------------------

    def server_env(static_root: str) -> dict:
        settings = connection.settings_dict
        database = (
            f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
        return os.environ | {
            "DASHBOARD_BENCH_SERVER": "1",
            "DASHBOARD_BENCH_STATIC_ROOT": static_root,
            "DJANGO_SETTINGS_MODULE": "tests.benchmarks.test_dashboard_bench",
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
        import subprocess
        import sys
        from pathlib import Path

        root = Path(__file__).resolve().parents[2]
        env = server_env(str(tmp_path / "static"))
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=root,
            env=env,
            check=True,
        )
        port = free_port()
        process = subprocess.Popen(
            [
                str(root / ".venv" / "bin" / "gunicorn"),
                "tests.benchmarks.test_dashboard_bench:application",
                f"--bind=127.0.0.1:{port}",
                f"--workers={WORKERS}",
                "--worker-class=gthread",
                f"--threads={THREADS}",
                "--log-level=warning",
            ],
            cwd=root,
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

    def staff_cookie() -> str:
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from members.models import User

        user = User.objects.create_user(
            email="hr@bench.example", password="!", is_staff=True, first_name="Hanne"
        )
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"

    def flush_cache():
        """Forget the computed dashboards (and nothing else in that Redis database)."""
        import redis

        server = redis.Redis.from_url(REDIS_DB)
        for key in server.scan_iter(match="*hr-dashboard:*"):
            server.delete(key)

    def cold_seconds(port: int, cookie: str) -> list[float]:
        """Each request computes the dashboard: the cache is flushed before it."""
        times = []
        for _ in range(COLD):
            flush_cache()
            http = HTTPConnection("127.0.0.1", port, timeout=300)
            started = time.perf_counter()
            http.request("GET", "/hr/", headers={"Cookie": cookie})
            response = http.getresponse()
            response.read()
            times.append(time.perf_counter() - started)
            http.close()
            assert response.status == 200, response.status
        return times

    def query_counts() -> tuple[int, int]:
        """The page's queries with an empty cache and from the cache, in this process."""
        from django.core.cache import cache
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from members.models import User

        client = Client()
        client.force_login(User.objects.get(email="hr@bench.example"))
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            assert client.get("/hr/").status_code == 200
        with CaptureQueriesContext(connection) as warm:
            assert client.get("/hr/").status_code == 200
        return len(cold.captured_queries), len(warm.captured_queries)

    def cold_parts() -> str:
        """How long each part of the dashboard takes to compute, for the report."""
        from django.utils import timezone

        from alumni_network.dashboard import funnel, gatherings, members, people, todo
        from alumni_network.dashboard.periods import period_for

        now = timezone.now()
        period = period_for("12m", now=now)
        parts = {
            "members": lambda: members.member_figures(period, now=now),
            "funnel": lambda: funnel.overall_stages(period),
            "campaigns": lambda: funnel.campaign_rows(period),
            "gatherings": lambda: gatherings.gathering_rows(period, now=now),
            "employers": people.top_employers,
            "competences": people.top_competences_open_to_returning,
            "to-do": lambda: todo.what_needs_doing(now=now),
        }
        timings = []
        for name, compute in parts.items():
            started = time.perf_counter()
            compute()
            timings.append(f"{name} {(time.perf_counter() - started) * 1000:.0f}ms")
        return ", ".join(timings)

    def test_bench_dashboard(tmp_path, settings):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        built = build_network()
        cookie = staff_cookie()
        cold_queries, warm_queries = query_counts()
        parts = cold_parts()
        process, port = start_server(tmp_path)
        results = []
        try:
            flush_cache()
            cold = cold_seconds(port, cookie)
            hello = [("GET", "/bench-hello/", None, {})] * REQUESTS
            page = [("GET", "/hr/", None, {"Cookie": cookie})] * REQUESTS
            # Hello-world with the coordinator's session: what reading the session and
            # the user costs every signed-in page before it does anything (the ceiling).
            signed_in = [("GET", "/bench-hello/", None, {"Cookie": cookie})] * REQUESTS
            burst(port, hello[:200])  # warm every worker
            burst(port, page[:200])  # and the cache
            for _ in range(RUNS):
                hello_rps, _p50, hello_p99, hello_errors, _cores = burst(port, hello)
                signed_in_rps, _p50, _p99, signed_in_errors, _cores = burst(port, signed_in)
                page_rps, page_p50, page_p99, page_errors, _cores = burst(port, page)
                print(
                    f"\nrun: dashboard={page_rps:.0f}/s p50={page_p50 * 1000:.0f}ms "
                    f"p99={page_p99 * 1000:.0f}ms hello={hello_rps:.0f}/s "
                    f"p99={hello_p99 * 1000:.0f}ms signed-in hello={signed_in_rps:.0f}/s"
                )
                errors = hello_errors + signed_in_errors + page_errors
                assert errors == [], errors[:5]
                results.append(
                    (
                        page_rps / hello_rps,
                        page_rps,
                        hello_rps,
                        page_p99,
                        signed_in_rps / hello_rps,
                        page_rps / signed_in_rps,
                    )
                )
        finally:
            process.terminate()
            process.wait(timeout=30)
            flush_cache()

        ratio, page_rps, hello_rps, page_p99, ceiling, of_signed_in = sorted(results)[
            len(results) // 2
        ]
        cold_median = statistics.median(cold)
        print(
            f"\nBENCH dashboard ratio={ratio:.3f} target=0.3 queries={cold_queries} "
            f"(cold; {warm_queries} from the cache) warm: dashboard={page_rps:.0f}/s "
            f"p99={page_p99 * 1000:.0f}ms hello={hello_rps:.0f}/s; hello-world signed in "
            f"= {ceiling:.3f} x hello (the ceiling of any signed-in page), and the dashboard "
            f"= {of_signed_in:.3f} x hello-world signed in; cold (cache flushed, "
            f"figures computed): median {cold_median * 1000:.0f}ms of {COLD} "
            f"= {1 / cold_median:.2f}/s = {1 / cold_median / hello_rps:.4f} x hello ({parts}); "
            f"{LEAVERS} register rows, {OUTBOX} outbox rows, {MEMBERS} members "
            f"(built in {built:.0f}s); gunicorn {WORKERS} workers x {THREADS} threads, "
            f"{REQUESTS} requests x 64 connections, median of {RUNS} runs"
        )
