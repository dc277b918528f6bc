"""Every CSV or XLSX a person downloads is written by members/exports.py, behind its one guard."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
APPS = ("alumni_network", "members", "invitations", "gatherings")
WRITERS = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|xlsxwriter|to_csv\(|to_excel\(")
# The one writer of exports, and the demo register that seed_demo imports (input, not export).
ALLOWED = {"members/exports.py", "invitations/register/demo.py"}


def test_only_the_export_module_writes_csv_or_xlsx():
    writers = {
        path.relative_to(ROOT).as_posix()
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and WRITERS.search(path.read_text(encoding="utf-8"))
    }

    assert writers <= ALLOWED, writers - ALLOWED
