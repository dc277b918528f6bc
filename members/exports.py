"""CSV exports that a spreadsheet cannot turn into formulas."""

import csv
import io

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value) -> str:
    """Neutralise CSV/formula injection (OWASP): a leading ' makes it plain text."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_text(*, header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    # A BOM so Excel opens æøå right.
    return "\ufeff" + out.getvalue()
