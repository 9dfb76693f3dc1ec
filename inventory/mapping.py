"""Mapping tenant data onto the product: resource type → solution kind, environment → business unit.

Resource types follow the PowerPlatformResources schema. The table below is the default; a
deployment overrides or extends it with settings.INVENTORY_KIND_MAP (the schema keeps growing)."""

import fnmatch
from dataclasses import dataclass

from django.conf import settings

from accounts.models import BusinessUnit
from value.models import Solution

from .models import Environment, MappingRule

DEFAULT_KIND_MAP = {
    "microsoft.powerapps/canvasapps": Solution.Kind.CANVAS_APP,
    "microsoft.powerapps/modeldrivenapps": Solution.Kind.MODEL_DRIVEN_APP,
    "microsoft.powerapps/codeapps": Solution.Kind.CANVAS_APP,
    "microsoft.powerapps/apps": Solution.Kind.CANVAS_APP,
    "microsoft.powerautomate/cloudflows": Solution.Kind.CLOUD_FLOW,
    "microsoft.powerautomate/agentflows": Solution.Kind.CLOUD_FLOW,
    "microsoft.powerautomate/m365agentflows": Solution.Kind.CLOUD_FLOW,
    "microsoft.powerautomate/desktopflows": Solution.Kind.DESKTOP_FLOW,
    "microsoft.copilotstudio/agents": Solution.Kind.COPILOT_AGENT,
    "microsoft.powerpages/sites": Solution.Kind.POWER_PAGES_SITE,
}
UNMAPPED_UNIT_SLUG = "inventory-unmapped"


def kind_for(resource_type: str) -> str:
    """The solution kind of a resource type; types we do not know are "other"."""
    kinds = {**DEFAULT_KIND_MAP, **getattr(settings, "INVENTORY_KIND_MAP", {})}
    return kinds.get(resource_type, Solution.Kind.OTHER)


@dataclass(frozen=True)
class EnvironmentFacts:
    environment_id: str
    name: str
    group_name: str


class UnitMapper:
    """Applies the mapping rules, loaded once (one query), to any number of environments."""

    def __init__(self, rules=None):
        self.rules = list(rules if rules is not None else MappingRule.objects.all())

    def rule_for(self, environment: EnvironmentFacts) -> MappingRule | None:
        for rule in self.rules:
            value = rule.value.strip().lower()
            if rule.match_on == MappingRule.MatchOn.ENVIRONMENT_ID:
                if value == environment.environment_id:
                    return rule
            elif rule.match_on == MappingRule.MatchOn.ENVIRONMENT_GROUP:
                if value and value == environment.group_name.strip().lower():
                    return rule
            elif fnmatch.fnmatchcase(
                (environment.name or environment.environment_id).lower(), value
            ):
                return rule  # an environment we know no name of is matched by its id
        return None

    def unit_id_for(self, environment: EnvironmentFacts) -> int | None:
        rule = self.rule_for(environment)
        return rule.business_unit_id if rule else None


def environment_facts(extra: dict[str, EnvironmentFacts] | None = None) -> dict:
    """Every known environment by id: the stored ones, overlaid with those of the file."""
    facts = {
        env_id: EnvironmentFacts(env_id, name, group)
        for env_id, name, group in Environment.objects.values_list(
            "environment_id", "name", "group_name"
        )
    }
    facts.update(extra or {})
    return facts


def unmapped_unit() -> BusinessUnit:
    """Where solutions of environments no rule maps go until a CoE lead adds a rule."""
    unit, _ = BusinessUnit.objects.get_or_create(
        slug=UNMAPPED_UNIT_SLUG, defaults={"name": "Unmapped (inventory)"}
    )
    return unit


def rule_preview(rules, limit: int = 5) -> list[dict]:
    """For each rule: how many known environments it would map (first match wins, as in an
    import) and the first few of their names. One query for the environments."""
    mapper = UnitMapper(rules)
    found: dict[int, list[str]] = {id(rule): [] for rule in mapper.rules}
    counts: dict[int, int] = {id(rule): 0 for rule in mapper.rules}
    for env_id, name, group in Environment.objects.values_list(
        "environment_id", "name", "group_name"
    ).order_by("name"):
        rule = mapper.rule_for(EnvironmentFacts(env_id, name, group))
        if rule is not None:
            counts[id(rule)] += 1
            if len(found[id(rule)]) < limit:
                found[id(rule)].append(name or env_id)
    return [
        {"rule": rule, "count": counts[id(rule)], "sample": found[id(rule)]}
        for rule in mapper.rules
    ]
