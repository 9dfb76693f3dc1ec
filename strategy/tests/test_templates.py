"""Every built-in plan template is well-formed and can be turned into a plan."""

import json
from datetime import date
from decimal import Decimal

import pytest

from strategy import services
from strategy.models import Initiative, KeyResult, PlanTemplate, Unit

FILES = sorted(services.TEMPLATE_DIR.glob("*.json"))


def test_there_is_a_template_for_each_common_goal():
    keys = {json.loads(path.read_text())["key"] for path in FILES}
    assert keys == {
        "establish-coe",
        "realize-value",
        "leadership-buy-in",
        "maker-community",
        "empower-innovation",
        "operational-efficiency",
        "employee-experience",
    }


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_template_file_is_well_formed(path):
    data = json.loads(path.read_text())
    assert data["key"] == path.stem
    objective_keys = [o["key"] for o in data["objectives"]]
    assert len(objective_keys) == len(set(objective_keys))
    kr_keys = []
    for objective in data["objectives"]:
        assert objective["key_results"], objective["key"]
        for kr in objective["key_results"]:
            kr_keys.append(kr["key"])
            assert kr["kind"] in KeyResult.Kind.values and kr["unit"] in Unit.values
            if "___" in kr["title"]:
                assert kr["title"].count("___") == 1 and kr["suggested"] > 0
            elif kr["kind"] != "milestone":
                assert kr["target"] != kr["baseline"], kr["key"]
    assert len(kr_keys) == len(set(kr_keys))
    horizons = {item["horizon"] for item in data["initiatives"]}
    assert horizons == set(Initiative.Horizon.values)
    for item in data["initiatives"]:
        assert set(item["objectives"]) <= set(objective_keys), item["title"]


@pytest.mark.django_db
def test_every_template_instantiates_with_its_suggested_figures(coe_lead):
    services.load_plan_templates()
    for template in PlanTemplate.objects.all():
        blanks = {kr["key"]: Decimal(str(kr["suggested"])) for kr in template.blanks}
        plan = services.plan_create_from_template(
            template=template,
            actor=coe_lead,
            title=template.title,
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
            blanks=blanks,
        )
        key_results = KeyResult.objects.filter(objective__plan=plan)
        assert not key_results.filter(title__contains="___").exists()
        assert key_results.count() == sum(len(o["key_results"]) for o in template.objectives)


# How many typical objectives the guidance names for each common goal (counted by hand from
# its pages): every one must be offered, so that a CoE can pick the ones that fit.
GUIDANCE_OBJECTIVES = {
    "establish-coe": 16,
    "realize-value": 10,
    "leadership-buy-in": 7,
    "maker-community": 16,
    "empower-innovation": 12,
    "operational-efficiency": 7,
    "employee-experience": 6,
}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_template_offers_every_typical_objective_with_its_work(path):
    data = json.loads(path.read_text())
    assert len(data["objectives"]) >= GUIDANCE_OBJECTIVES[data["key"]]
    served = {key for item in data["initiatives"] for key in item["objectives"]}
    for objective in data["objectives"]:
        assert objective["why"] and objective["key_results"], objective["key"]
        assert objective["key"] in served, f"no initiative serves {objective['key']}"
