"""Full-text and trigram GIN indexes for duplicate suggestions, on PostgreSQL only (SQLite has
neither; there the suggestions fall back to a plain title match)."""

from django.db import migrations


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ideas_idea_search_gin ON ideas_idea USING gin (search_vector)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS ideas_idea_title_trgm "
        "ON ideas_idea USING gin (title gin_trgm_ops)"
    )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS ideas_idea_search_gin")
        schema_editor.execute("DROP INDEX IF EXISTS ideas_idea_title_trgm")


class Migration(migrations.Migration):
    dependencies = [("ideas", "0001_initial")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
