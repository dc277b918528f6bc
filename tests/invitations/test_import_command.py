"""`manage.py import_leavers PATH [--dry-run]`: output and exit codes."""

import pytest
from django.core.management import call_command

from invitations.models import Leaver, RegisterImport

from .factories import write_csv

pytestmark = pytest.mark.django_db

GOOD = [
    ["1001", "Åse", "Ødegård", "ase@epost.example", "Drift", "01.02.2010", "03.04.2020"],
    ["1002", "Per", "Ås", "", "IT", "", ""],
]


def run(*args):
    """The command's stdout, stderr and exit code."""
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_leavers", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return out.getvalue().splitlines(), err.getvalue(), code


def test_command_imports_a_clean_file_and_exits_0(tmp_path):
    lines, _err, code = run(str(write_csv(tmp_path / "r.csv", GOOD)))

    assert (lines[-1], code) == ("created 2, updated 0, unchanged 0, errors 0", 0)
    assert Leaver.objects.count() == 2
    assert RegisterImport.objects.get().status == RegisterImport.Status.COMMITTED


def test_command_again_changes_nothing(tmp_path):
    path = str(write_csv(tmp_path / "r.csv", GOOD))
    run(path)

    lines, _err, code = run(path)

    assert (lines[-1], code) == ("created 0, updated 0, unchanged 2, errors 0", 0)


def test_command_lists_errors_with_line_numbers_and_exits_1(tmp_path):
    rows = [*GOOD, ["1003", "Kari", "Berg", "kari@", "", "", ""]]

    lines, _err, code = run(str(write_csv(tmp_path / "r.csv", rows)))

    assert lines == [
        "line 4: “kari@” is not a valid email address.",
        "created 2, updated 0, unchanged 0, errors 1",
    ]
    assert code == 1
    assert Leaver.objects.count() == 2


def test_command_dry_run_prints_the_same_and_changes_nothing(tmp_path):
    lines, _err, code = run(str(write_csv(tmp_path / "r.csv", GOOD)), "--dry-run")

    assert (lines[-1], code) == ("created 2, updated 0, unchanged 0, errors 0", 0)
    assert (Leaver.objects.count(), RegisterImport.objects.count()) == (0, 0)


def test_command_unreadable_file_exits_2_with_the_reason(tmp_path):
    path = tmp_path / "r.csv"
    path.write_bytes(b"")

    lines, err, code = run(str(path))

    assert (lines, code) == ([], 2)
    assert err.strip() == f"{path}: The file is empty."


def test_command_missing_file_exits_2(tmp_path):
    _lines, err, code = run(str(tmp_path / "nope.csv"))

    assert code == 2
    assert "no such file" in err
