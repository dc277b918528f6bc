"""A stored tsvector column for the directory's full-text search, PostgreSQL only.

The trigram index makes every match a candidate that PostgreSQL rechecks; with
the functional index that recheck recomputed to_tsvector row by row. A generated
column computes it once, on write. Django does not know the column (SQLite has no
tsvector): members.directory reaches it with raw SQL on PostgreSQL only.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS member_search_fts")
    schema_editor.execute(
        "ALTER TABLE members_member ADD COLUMN IF NOT EXISTS search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS member_search_vector ON members_member "
        "USING gin (search_vector)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS member_search_vector")
    schema_editor.execute("ALTER TABLE members_member DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS member_search_fts ON members_member "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


class Migration(migrations.Migration):
    dependencies = [("members", "0004_news_digest")]

    operations = [migrations.RunPython(forwards, backwards)]
