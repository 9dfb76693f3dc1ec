"""Demo data for the inventory: mapping rules for the demo environments, and one completed
import of the sample inventory file (inventory/demo/sample-inventory.json, an inventory API
response), so that a newcomer sees the diff, the run history and the catalog filled."""

from pathlib import Path

from accounts.models import BusinessUnit, User

from . import services
from .models import ImportRun, MappingRule, WelcomeMessage

SAMPLE = Path(__file__).resolve().parent / "demo" / "sample-inventory.json"
RULES = [
    (10, MappingRule.MatchOn.ENVIRONMENT_GROUP, "Finance", "accounts-payable"),
    (20, MappingRule.MatchOn.ENVIRONMENT_GROUP, "Operations", "fleet"),
    (30, MappingRule.MatchOn.NAME_PATTERN, "*(default)", "people"),
]
# The demo makers get the Entra object ids the sample file names as owners.
OBJECT_IDS = {
    "maker": "aaaa0000-bb11-2222-33cc-444444dddddd",
    "maker2": "bbbb1111-cc22-3333-44dd-555555eeeeee",
}


def seed() -> str:
    units = {unit.slug: unit for unit in BusinessUnit.objects.all()}
    for position, match_on, value, slug in RULES:
        if slug in units:
            MappingRule.objects.get_or_create(
                match_on=match_on,
                value=value,
                defaults={"position": position, "business_unit": units[slug]},
            )
    for username, object_id in OBJECT_IDS.items():
        User.objects.filter(username=username, entra_object_id="").update(entra_object_id=object_id)
    WelcomeMessage.current()
    if ImportRun.objects.filter(status=ImportRun.Status.DONE).exists():
        return "inventory: already imported"
    coe = User.objects.filter(username="coe").first()
    with open(SAMPLE, "rb") as handle:
        run = services.run_start(
            file=handle,
            file_name=SAMPLE.name,
            source=ImportRun.Source.UPLOAD,
            is_full=True,
            actor=coe,
            enqueue=False,
        )
    run = services.run_preview(run_id=run.pk)
    services.run_confirm(run=run, actor=coe, enqueue=False)
    run = services.run_commit(run_id=run.pk)
    return f"inventory: {run.new_count} solutions imported"
