"""How fast the register import is, against baselines measured in the same run.

BENCH import_fresh            our end-to-end rows/s on a generated register ÷ a raw
                              psycopg COPY of the same parsed rows into an UNLOGGED
                              table (target ≥ 0.25); and our peak RSS (≤ 300 MB).
BENCH import_reimport         the same with 30 % of the rows already present and
                              changed, every foreign key enforced (target ≥ 0.12).
BENCH import_vs_django_import_export
                              our rows/s ÷ django-import-export tuned (use_bulk,
                              batch_size=1000, skip_diff) on the same 50k rows
                              (target ≥ 20).

Sizes follow the issue; BENCH_IMPORT_ROWS, BENCH_DIE_ROWS and BENCH_RUNS make a
quicker run possible. Our import runs in a child process so its peak RSS is its own.
"""

import csv
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", 1_000_000))
DIE_ROWS = int(os.environ.get("BENCH_DIE_ROWS", 50_000))
RUNS = int(os.environ.get("BENCH_RUNS", 3))
ROOT = Path(__file__).resolve().parents[2]

HEADER = [
    "Ansattnr",
    "Fornavn",
    "Etternavn",
    "E-post privat",
    "Mobil",
    "Avdeling",
    "Stilling",
    "Arbeidssted",
    "Ansatt dato",
    "Sluttdato",
]
FIELDS = [
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "phone",
    "department",
    "title",
    "location",
    "hired_on",
    "left_on",
]
FIRST = ["Anne", "Per", "Kari", "Ole", "Åse", "Øyvind", "Bjørn", "Ingrid", "Lars", "Marit"]
LAST = ["Hansen", "Ødegård", "Berg", "Sæther", "Løvås", "Dahl", "Lie", "Strand", "Haugen"]
DEPARTMENTS = ["Drift", "Nett", "Økonomi", "IT", "HR", "Prosjekt", "Kundeservice"]
TITLES = ["Ingeniør", "Rådgiver", "Prosjektleder", "Utvikler", "Controller"]
PLACES = ["Bergen", "Oslo", "Stavanger", "Trondheim", "Florø"]


def leaver_rows(count: int, *, seed: int = 2026):
    """The same register every time: (field values..., hired, left) per row."""
    rng = random.Random(seed)
    for n in range(count):
        hired = datetime.date(1990, 1, 1) + datetime.timedelta(days=rng.randrange(9000))
        left = hired + datetime.timedelta(days=rng.randrange(100, 5000))
        yield [
            str(100_000 + n),
            rng.choice(FIRST),
            rng.choice(LAST),
            f"person{n}@epost.example",
            f"9{rng.randrange(10**7):07d}",
            rng.choice(DEPARTMENTS),
            rng.choice(TITLES),
            rng.choice(PLACES),
            hired,
            left,
        ]


def write_register(path: Path, count: int, *, iso_headers: bool = False) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";" if not iso_headers else ",")
        writer.writerow(FIELDS if iso_headers else HEADER)
        for row in leaver_rows(count):
            dates = [d.isoformat() if iso_headers else d.strftime("%d.%m.%Y") for d in row[8:]]
            writer.writerow(row[:8] + dates)
    return path


def conninfo() -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def raw_copy_seconds(path: Path) -> float:
    """The baseline: parse the same file and COPY the rows into an UNLOGGED table."""
    import psycopg

    with psycopg.connect(conninfo(), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_copy")
        conn.execute(
            "CREATE UNLOGGED TABLE bench_raw_copy (employee_number text, first_name text, "
            "last_name text, email text, phone text, department text, title text, "
            "location text, hired_on date, left_on date)"
        )
        start = time.perf_counter()
        with open(path, encoding="utf-8", newline="") as file, conn.cursor() as cursor:
            reader = csv.reader(file, delimiter=";")
            next(reader)
            with cursor.copy("COPY bench_raw_copy FROM STDIN") as copy:
                for row in reader:
                    hired, left = row[8], row[9]
                    copy.write_row(
                        row[:8]
                        + [
                            datetime.date(int(hired[6:]), int(hired[3:5]), int(hired[:2])),
                            datetime.date(int(left[6:]), int(left[3:5]), int(left[:2])),
                        ]
                    )
        seconds = time.perf_counter() - start
        conn.execute("DROP TABLE bench_raw_copy")
    return seconds


# The peak is this process's own VmHWM: ru_maxrss survives fork and exec on
# Linux, so it would report the pytest parent's size (647 MB after the
# directory benchmark's 200k members) instead of the import's.
OUR_IMPORT = """
import json, resource, sys, time
import django
django.setup()
from invitations.register.engine import run_import

def peak_rss_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

start = time.perf_counter()
result = run_import(path=sys.argv[1], commit=True)
seconds = time.perf_counter() - start
print(json.dumps({
    "seconds": seconds,
    "rss_mb": peak_rss_mb(),
    "counts": [result.created, result.updated, result.unchanged, result.errors],
}))
"""


def our_import(path: Path) -> dict:
    """Our import from file to committed rows, in its own process (for its peak RSS)."""
    env = {
        **os.environ,
        "DATABASE_URL": conninfo(),
        "DJANGO_SETTINGS_MODULE": "alumni_network.settings",
    }
    output = subprocess.run(
        [sys.executable, "-c", OUR_IMPORT, str(path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def empty_register() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE invitations_leaver, invitations_registerimport CASCADE")


def preload_changed(fraction: float) -> int:
    """Put a fraction of the file's people in the register already, with changed values."""
    import psycopg

    columns = [*FIELDS, "status", "created_at", "updated_at"]
    now = datetime.datetime.now(datetime.UTC)
    count = 0
    sql = f"COPY invitations_leaver ({', '.join(columns)}) FROM STDIN"
    with (
        psycopg.connect(conninfo(), autocommit=True) as conn,
        conn.cursor() as cursor,
        cursor.copy(sql) as copy,
    ):
        for n, row in enumerate(leaver_rows(ROWS)):
            if n % 10 < fraction * 10:
                copy.write_row(row[:5] + ["Gammel avdeling"] + row[6:] + ["in_register", now, now])
                count += 1
    return count


@pytest.fixture(scope="module")
def register_file(tmp_path_factory) -> Path:
    return write_register(tmp_path_factory.mktemp("bench") / "register.csv", ROWS)


def test_bench_import_fresh(register_file):
    baseline = statistics.median(raw_copy_seconds(register_file) for _ in range(RUNS))
    runs = []
    for _ in range(RUNS):
        empty_register()
        runs.append(our_import(register_file))
    assert runs[-1]["counts"] == [ROWS, 0, 0, 0]
    ours = statistics.median(run["seconds"] for run in runs)
    peak = max(run["rss_mb"] for run in runs)

    print(
        f"\nBENCH import_fresh ratio={baseline / ours:.3f} target=0.25 "
        f"rows={ROWS} ours={ROWS / ours:.0f} rows/s ({ours:.1f} s) "
        f"raw_copy={ROWS / baseline:.0f} rows/s ({baseline:.1f} s) median of {RUNS}"
    )
    print(
        f"BENCH import_fresh_peak_rss ratio={300 / peak:.3f} target=1.0 "
        f"peak_rss={peak:.0f} MB budget=300 MB rows={ROWS}"
    )


def test_bench_import_reimport(register_file):
    baseline = statistics.median(raw_copy_seconds(register_file) for _ in range(RUNS))
    runs = []
    for _ in range(RUNS):
        empty_register()
        present = preload_changed(0.3)
        runs.append(our_import(register_file))
    assert runs[-1]["counts"] == [ROWS - present, present, 0, 0]
    ours = statistics.median(run["seconds"] for run in runs)
    peak = max(run["rss_mb"] for run in runs)

    print(
        f"\nBENCH import_reimport ratio={baseline / ours:.3f} target=0.12 "
        f"rows={ROWS} present_and_changed={present} ours={ROWS / ours:.0f} rows/s "
        f"({ours:.1f} s) raw_copy={ROWS / baseline:.0f} rows/s ({baseline:.1f} s) "
        f"peak_rss={peak:.0f} MB median of {RUNS}"
    )


def test_bench_import_vs_django_import_export(tmp_path):
    pytest.importorskip(
        "import_export", reason="pip install django-import-export (only for this benchmark)"
    )
    import tablib
    from import_export import resources

    from invitations.models import Leaver
    from invitations.register.engine import run_import

    class LeaverResource(resources.ModelResource):
        class Meta:
            model = Leaver
            fields = FIELDS
            import_id_fields = ["employee_number"]
            use_bulk = True
            batch_size = 1000
            skip_diff = True

    path = write_register(tmp_path / "register-50k.csv", DIE_ROWS, iso_headers=True)
    theirs, ours = [], []
    for _ in range(RUNS):
        empty_register()
        start = time.perf_counter()
        dataset = tablib.Dataset().load(path.read_text(encoding="utf-8"), format="csv")
        result = LeaverResource().import_data(dataset, dry_run=False, use_transactions=True)
        theirs.append(time.perf_counter() - start)
        assert not result.has_errors()
        assert Leaver.objects.count() == DIE_ROWS

        empty_register()
        start = time.perf_counter()
        counts = run_import(path=path, mapping=FIELDS, commit=True)
        ours.append(time.perf_counter() - start)
        assert counts.created == DIE_ROWS
    theirs_s, ours_s = statistics.median(theirs), statistics.median(ours)

    print(
        f"\nBENCH import_vs_django_import_export ratio={theirs_s / ours_s:.2f} target=20 "
        f"rows={DIE_ROWS} ours={DIE_ROWS / ours_s:.0f} rows/s ({ours_s:.1f} s) "
        f"django_import_export={DIE_ROWS / theirs_s:.0f} rows/s ({theirs_s:.1f} s) "
        f"median of {RUNS}"
    )
