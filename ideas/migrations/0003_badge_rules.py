"""The five recognition badges of the brief, so the CoE starts with rules it can edit."""

from decimal import Decimal

from django.db import migrations

RULES = [
    ("First story", "Published a first success story.", "first_story", "0"),
    ("Live!", "A first solution went live.", "first_solution_live", "0"),
    ("Value maker", "Solutions delivered 10,000 of value.", "value_over", "10000"),
    ("On stage", "Presented at a show-and-tell.", "show_and_tell", "0"),
    ("Idea to impact", "An idea of theirs was delivered.", "idea_delivered", "0"),
]


def add_rules(apps, schema_editor):
    BadgeRule = apps.get_model("ideas", "BadgeRule")
    for name, description, kind, threshold in RULES:
        BadgeRule.objects.get_or_create(
            name=name,
            defaults={"description": description, "kind": kind, "threshold": Decimal(threshold)},
        )


class Migration(migrations.Migration):
    dependencies = [("ideas", "0002_search_indexes")]

    operations = [migrations.RunPython(add_rules, migrations.RunPython.noop)]
