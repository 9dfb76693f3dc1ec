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


def test_a_rule_is_changed_in_place_after_a_preview(client, coe_lead, unit):
    _environments()
    people = BusinessUnitFactory(slug="people", name="People")
    rule = MappingRule.objects.create(
        position=3, match_on="environment_id", value="e1", business_unit=unit
    )
    client.force_login(coe_lead)
    page = client.get(reverse(URL))
    # Each rule carries its own form, filled with what is stored, under its own prefix.
    form = page.context["previews"][0]["form"]
    assert form.prefix == f"rule-{rule.pk}"
    assert (form.initial["value"], form.initial["unit"]) == ("e1", "finance")
    assert f'name="rule-{rule.pk}-value"' in page.content.decode()
    edit = reverse("inventory:mapping_rule_edit", kwargs={"uuid": rule.uuid})
    data = {
        f"rule-{rule.pk}-position": "4",
        f"rule-{rule.pk}-match_on": "environment_group",
        f"rule-{rule.pk}-value": "Finance",
        f"rule-{rule.pk}-unit": "people",
    }
    shown = client.post(edit, {**data, "preview": "1"})
    # The changed rule would take both Finance environments; nothing is saved yet.
    assert shown.status_code == 200
    assert (shown.context["edit_preview"]["count"], shown.context["edit_preview"]["sample"]) == (
        2,
        ["Finance Dev", "Finance Prod"],
    )
    assert shown.context["previews"][0]["open"] is True
    rule.refresh_from_db()
    assert (rule.match_on, rule.value) == ("environment_id", "e1")
    assert client.post(edit, data).status_code == 302
    rule.refresh_from_db()
    assert (rule.position, rule.match_on, rule.value, rule.business_unit) == (
        4,
        "environment_group",
        "Finance",
        people,
    )
    assert AuditEvent.objects.filter(verb="mapping_rule_saved", target_id=str(rule.pk)).exists()


def test_a_bad_change_is_shown_next_to_the_field_and_saves_nothing(client, coe_lead, maker, unit):
    rule = MappingRule.objects.create(match_on="environment_id", value="e1", business_unit=unit)
    edit = reverse("inventory:mapping_rule_edit", kwargs={"uuid": rule.uuid})
    data = {
        f"rule-{rule.pk}-position": "1",
        f"rule-{rule.pk}-match_on": "environment_id",
        f"rule-{rule.pk}-value": "e2",
        f"rule-{rule.pk}-unit": "nope",
    }
    client.force_login(maker)
    assert client.post(edit, data).status_code == 403
    client.force_login(coe_lead)
    response = client.post(edit, data)
    assert response.status_code == 400
    form = response.context["previews"][0]["form"]
    assert form.errors["unit"] == ["No business unit has this slug."]
    # The add form below stays empty, not filled with the edit's data.
    assert not response.context["form"].is_bound
    rule.refresh_from_db()
    assert rule.value == "e1"
    assert client.get(edit).status_code == 405
