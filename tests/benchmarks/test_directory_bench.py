"""BENCH directory_search: the directory's indexed search on many members.

Two figures, each measured against a baseline in the same run:
- the indexed search (full text + trigram GIN on PostgreSQL) against the same
  search as a sequential ILIKE scan: speedup, target >= 50;
- the page's p95 minus the bare SQL's p95 (the page's own queries run raw):
  the overhead of view, privacy shaping and template, target <= 25 ms, printed
  as ratio = target / overhead so that higher is better, like every BENCH line.

Size: BENCH_DIRECTORY_MEMBERS (default 200 000, the issue's number).
"""

import gc
import os
import random
import statistics
import time

import pytest
from django.db import connection
from django.template import Template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.models import Competence, Member, User

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db]

SIZE = int(os.environ.get("BENCH_DIRECTORY_MEMBERS", "200000"))
# Timed samples per measure: p95 needs a few, so never fewer than 5.
RUNS = max(5, int(os.environ.get("BENCH_RUNS", "30")))
BATCH = 5000
FIRST = [
    "Ingrid",
    "Ola",
    "Kari",
    "Søren",
    "Astrid",
    "Håkon",
    "Maria",
    "Bjørn",
    "Nora",
    "Emil",
    "Sofie",
    "Jakob",
    "Ingvild",
    "Magnus",
    "Sigrid",
    "Lars",
    "Hedda",
    "Per",
    "Anne",
    "Tone",
    "Geir",
    "Trond",
    "Silje",
    "Marte",
    "Eirik",
    "Jonas",
    "Thea",
    "Henrik",
    "Vilde",
    "Sander",
]
SYLLABLES_A = [
    "Ber",
    "Dahl",
    "Haug",
    "Lund",
    "Vik",
    "Foss",
    "Moe",
    "Eid",
    "Sol",
    "Strand",
    "Bakk",
    "Aas",
    "Hol",
    "Lie",
    "Nord",
    "Øde",
    "Sand",
    "Fjell",
]
SYLLABLES_B = [
    "en",
    "sen",
    "stad",
    "vik",
    "berg",
    "rud",
    "nes",
    "dal",
    "heim",
    "land",
    "mo",
    "li",
    "gård",
    "set",
    "bø",
    "by",
]
EMPLOYERS = [f"{a}{b} AS" for a in SYLLABLES_A[:10] for b in SYLLABLES_B[:8]]
PLACES = [
    "Bergen",
    "Stavanger",
    "Oslo",
    "Trondheim",
    "Haugesund",
    "Tromsø",
    "Sandnes",
    "Bodø",
    "Ålesund",
    "Kristiansand",
]
TITLES = [
    "Prosjektleder",
    "Ingeniør",
    "Rådgiver",
    "Konsulent",
    "Fagsjef",
    "Daglig-leder",
    "Analytiker",
]
COMPETENCES = [
    f"{w} {n}"
    for w in ["Havvind", "Boring", "Geologi", "Python", "HMS", "Subsea", "Regnskap"]
    for n in range(30)
]
QUERY = "strandheim"


def generate(rng: random.Random) -> None:
    competences = Competence.objects.bulk_create(
        Competence(name=name, slug=name.lower().replace(" ", "-")) for name in COMPETENCES
    )
    through = Member.competences.through
    for start in range(0, SIZE, BATCH):
        users, members = [], []
        for i in range(start, min(start + BATCH, SIZE)):
            first = rng.choice(FIRST)
            last = rng.choice(SYLLABLES_A) + rng.choice(SYLLABLES_B)
            users.append(
                User(email=f"bench{i}@example.org", first_name=first, last_name=last, password="!")
            )
        users = User.objects.bulk_create(users)
        for user in users:
            chosen = rng.sample(competences, 3)
            employer, title, place = rng.choice(EMPLOYERS), rng.choice(TITLES), rng.choice(PLACES)
            member = Member(
                user=user,
                title=title,
                location=place,
                in_directory=rng.random() > 0.05,
                sort_name=f"{user.last_name} {user.first_name}".lower(),
                search_text=" ".join(
                    [user.first_name, user.last_name, employer, title, place]
                    + [c.name for c in chosen]
                ).lower(),
            )
            member._chosen = chosen
            members.append(member)
        members = Member.objects.bulk_create(members)
        through.objects.bulk_create(
            through(member_id=m.pk, competence_id=c.pk) for m in members for c in m._chosen
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('member_search_trgm'::regclass)")
        cursor.execute("SELECT gin_clean_pending_list('member_search_vector'::regclass)")
        cursor.execute("ANALYZE members_member")
        cursor.execute("ANALYZE members_user")
        cursor.execute("ANALYZE members_member_competences")


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def timed(fn, runs=RUNS) -> list[float]:
    fn()  # warm caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def run_sql(statements):
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def test_bench_directory_search(member_user, monkeypatch):
    # Render templates as in production: the test environment's instrumented
    # rendering copies every template's context for the test client to inspect.
    monkeypatch.setattr(Template, "_render", lambda self, context: self.nodelist.render(context))
    rng = random.Random(20261128)
    started = time.perf_counter()
    generate(rng)
    generated_in = time.perf_counter() - started

    from members.directory import DirectoryFilters, directory_members

    queryset = directory_members(viewer=member_user, filters=DirectoryFilters(q=QUERY))
    page_sql, page_params = queryset.order_by("user__last_name", "user__first_name", "pk")[
        :24
    ].query.sql_with_params()
    count_sql, count_params = queryset.order_by().values("pk").query.sql_with_params()
    count_sql = f"SELECT COUNT(*) FROM ({count_sql}) AS matched"  # noqa: S608 - Django's own SQL
    matched = Member.objects.filter(pk__in=queryset.values("pk")).count()

    # The same search, done the naive way: ILIKE on every row.
    seq_sql = (
        "SELECT COUNT(*) FROM members_member INNER JOIN members_user "
        "ON members_member.user_id = members_user.id "
        "WHERE members_user.is_active AND members_member.in_directory "
        "AND members_member.search_text ILIKE %s"
    )
    seq_params = [f"%{QUERY}%"]

    def indexed():
        run_sql([(count_sql, count_params), (page_sql, page_params)])

    def sequential():
        with connection.cursor() as cursor:
            cursor.execute("SET enable_indexscan = off")
            cursor.execute("SET enable_bitmapscan = off")
            try:
                cursor.execute(seq_sql, seq_params)
                cursor.fetchall()
                cursor.execute(
                    seq_sql.replace("COUNT(*)", "members_member.id")
                    + " ORDER BY members_user.last_name, members_user.first_name LIMIT 24",
                    seq_params,
                )
                cursor.fetchall()
            finally:
                cursor.execute("RESET enable_indexscan")
                cursor.execute("RESET enable_bitmapscan")

    indexed_samples = timed(indexed)
    sequential_samples = timed(sequential, runs=max(5, RUNS // 3))
    speedup = statistics.median(sequential_samples) / statistics.median(indexed_samples)

    client = Client()
    client.force_login(member_user)
    url = reverse("members:directory") + f"?q={QUERY}"

    # Bare SQL: exactly the queries the page runs, executed raw.
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    statements = [(q["sql"], None) for q in captured.captured_queries]

    def bare():
        with connection.cursor() as cursor:
            for sql, _params in statements:
                cursor.execute(sql)
                cursor.fetchall() if cursor.description else None

    gc.collect()
    gc.freeze()  # the generated objects are not the page's garbage
    page_samples = timed(lambda: client.get(url))
    bare_samples = timed(bare)
    gc.unfreeze()
    overhead_ms = (p95(page_samples) - p95(bare_samples)) * 1000
    target_ms = 25.0

    print()
    print(
        f"BENCH directory_search ratio={speedup:.1f} target=50.0 "
        f"indexed search vs sequential ILIKE on {SIZE} members ({matched} matches for "
        f"'{QUERY}'): median {statistics.median(indexed_samples) * 1000:.2f} ms indexed, "
        f"{statistics.median(sequential_samples) * 1000:.1f} ms sequential; "
        f"data generated in {generated_in:.0f} s"
    )
    print(
        f"BENCH directory_search_page_overhead ratio={target_ms / max(overhead_ms, 0.1):.2f} "
        f"target=1.0 page p95 {p95(page_samples) * 1000:.1f} ms minus bare SQL p95 "
        f"{p95(bare_samples) * 1000:.1f} ms = {overhead_ms:.1f} ms (target <= {target_ms:.0f} ms), "
        f"medians {statistics.median(page_samples) * 1000:.1f} / "
        f"{statistics.median(bare_samples) * 1000:.1f} ms, {len(statements)} queries per page"
    )
