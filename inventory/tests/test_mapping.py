from django.urls import reverse

from accounts.models import AuditEvent
from accounts.tests.factories import BusinessUnitFactory
from inventory.models import Environment, MappingRule

URL = "inventory:mapping_rules"


def _environments():
    Environment.objects.create(environment_id="e1", name="Finance Prod", group_name="Finance")
    Environment.objects.create(environment_id="e2", name="Finance Dev", group_name="Finance")
    Environment.objects.create(environment_id="e3", name="HR Prod", group_name="People")


def test_mapping_page_is_the_coes_only(client, maker, coe_lead):
    client.force_login(maker)
    assert client.get(reverse(URL)).status_code == 403
    client.force_login(coe_lead)
    assert client.get(reverse(URL)).status_code == 200


def test_each_rule_shows_what_it_maps_first_match_wins(client, coe_lead, unit):
    _environments()
    people = BusinessUnitFactory(slug="people", name="People")
    MappingRule.objects.create(
        position=1, match_on="environment_id", value="e2", business_unit=people
    )
    MappingRule.objects.create(
        position=2, match_on="name_pattern", value="finance *", business_unit=unit
    )
    client.force_login(coe_lead)
    previews = client.get(reverse(URL)).context["previews"]
    # e2 goes to the first rule; the pattern then takes only e1; e3 matches nothing.
    assert [(p["count"], p["sample"]) for p in previews] == [
        (1, ["Finance Dev"]),
        (1, ["Finance Prod"]),
    ]


def test_preview_a_rule_then_add_it(client, coe_lead, unit):
    _environments()
    client.force_login(coe_lead)
    data = {"position": 5, "match_on": "environment_group", "value": "Finance", "unit": "finance"}
    preview = client.post(reverse(URL), {**data, "preview": "1"})
    assert preview.context["proposed"]["count"] == 2
    assert not MappingRule.objects.exists()
    client.post(reverse(URL), data)
    rule = MappingRule.objects.get()
    assert (rule.business_unit, rule.value) == (unit, "Finance")
    assert AuditEvent.objects.filter(verb="mapping_rule_saved").count() == 1
    client.post(reverse("inventory:mapping_rule_delete", kwargs={"uuid": rule.uuid}))
    assert not MappingRule.objects.exists()


def test_unknown_unit_is_an_error_next_to_the_field(client, coe_lead):
    client.force_login(coe_lead)
    response = client.post(
        reverse(URL), {"position": 1, "match_on": "environment_id", "value": "e1", "unit": "nope"}
    )
    assert response.context["form"].errors["unit"] == ["No business unit has this slug."]
