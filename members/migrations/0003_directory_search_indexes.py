"""Directory search indexes: trigram and full-text GIN indexes on PostgreSQL only.

SQLite has neither; there the directory uses a plain LIKE fallback, so these
operations do nothing on other databases.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    (
        "member_search_trgm",
        "CREATE INDEX IF NOT EXISTS member_search_trgm ON members_member "
        "USING gin (search_text gin_trgm_ops)",
    ),
    (
        "member_search_fts",
        "CREATE INDEX IF NOT EXISTS member_search_fts ON members_member "
        "USING gin (to_tsvector('simple'::regconfig, search_text))",
    ),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _name, sql in INDEXES:
        schema_editor.execute(sql)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _sql in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0002_profiles_jobs_news_guidelines")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
