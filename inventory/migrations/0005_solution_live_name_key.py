"""An index of live solutions by unit and name key (inventory.catalog.NAME_KEY_SQL), so that the
catalog flags a page's near-duplicates off the index. PostgreSQL only: SQLite has no
regexp_replace, and the small embedded database of `make run` reads the names of a unit."""

from django.db import migrations

from inventory.catalog import NAME_KEY_SQL

CREATE = (
    "CREATE INDEX IF NOT EXISTS solution_live_name_key ON value_solution "
    f"(business_unit_id, ({NAME_KEY_SQL})) WHERE status = 'live'"
)
DROP = "DROP INDEX IF EXISTS solution_live_name_key"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_content_in_every_language"),
        ("value", "0009_solution_trailing_value"),
    ]

    operations = [migrations.RunPython(add_index, remove_index)]
