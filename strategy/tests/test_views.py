import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from strategy import services
from strategy.models import CheckIn, Initiative, KeyResult, Kpi, KpiMeasurement, Objective, Plan

from .factories import (
    InitiativeFactory,
    KeyResultFactory,
    KpiFactory,
    ObjectiveFactory,
    PlanFactory,
)

pytestmark = pytest.mark.django_db

PERSONAS = ["maker", "other_maker", "executive", "coe_lead", "admin_user"]
WRITERS = {"coe_lead", "admin_user"}


@pytest.fixture
def kr(maker, coe_lead):
    plan = PlanFactory(owner=coe_lead)
    return KeyResultFactory(objective=ObjectiveFactory(plan=plan), owner=maker)


def page_urls(kr):
    plan, objective = kr.objective.plan, kr.objective
    kpi = KpiFactory()
    initiative = InitiativeFactory(plan=plan)
    services.load_plan_templates()
    read = [
        reverse("strategy:plan_list"),
        plan.get_absolute_url(),
        kr.get_absolute_url(),
        reverse("strategy:check_in_due"),
        reverse("strategy:kpi_list"),
        kpi.get_absolute_url(),
    ]
    write = [
        reverse("strategy:plan_create"),
        reverse("strategy:plan_update", args=[plan.uuid]),
        reverse("strategy:plan_from_template", args=["realize-value"]),
        reverse("strategy:objective_create", args=[plan.uuid]),
        reverse("strategy:objective_update", args=[objective.uuid]),
        reverse("strategy:key_result_create", args=[objective.uuid]),
        reverse("strategy:key_result_update", args=[kr.uuid]),
        reverse("strategy:initiative_create", args=[plan.uuid]),
        reverse("strategy:initiative_update", args=[initiative.uuid]),
        reverse("strategy:kpi_create"),
        reverse("strategy:kpi_update", args=[kpi.uuid]),
    ]
    return read, write


def test_anonymous_is_sent_to_sign_in(client, kr):
    read, write = page_urls(kr)
    for url in read + write:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_page_for_every_role(client, request, kr, persona):
    client.force_login(request.getfixturevalue(persona))
    read, write = page_urls(kr)
    for url in read:
        assert client.get(url).status_code == 200, url
    for url in write:
        assert client.get(url).status_code == (200 if persona in WRITERS else 403), url


def test_unknown_plan_is_404(client, maker):
    client.force_login(maker)
    url = reverse("strategy:plan_detail", args=["0b7e8a3e-0000-4000-8000-000000000000"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["maker", "executive"])
def test_readers_cannot_write(client, request, kr, persona):
    client.force_login(request.getfixturevalue(persona))
    plan = kr.objective.plan
    data = {"title": "X", "vision": "V", "starts_on": "2026-01-01", "ends_on": "2026-06-01"}
    assert client.post(reverse("strategy:plan_create"), data).status_code == 403
    assert client.post(reverse("strategy:plan_update", args=[plan.uuid]), data).status_code == 403
    assert client.post(reverse("strategy:key_result_delete", args=[kr.uuid])).status_code == 403
    step_url = reverse("strategy:plan_step_toggle", args=[plan.uuid, "vision"])
    assert client.post(step_url, {"done": "1"}).status_code == 403
    assert Plan.objects.count() == 1 and KeyResult.objects.alive().count() == 1


def test_executive_sees_no_edit_buttons(client, executive, kr):
    client.force_login(executive)
    content = client.get(kr.objective.plan.get_absolute_url()).content.decode()
    assert "Edit plan" not in content and "Add objective" not in content
    assert kr.title in content


def test_coe_lead_creates_a_plan_with_the_checklist(client, coe_lead, executive):
    client.force_login(coe_lead)
    response = client.post(
        reverse("strategy:plan_create"),
        {
            "title": "Adoption 2026",
            "vision": "Every unit builds its own small solutions safely.",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "sponsor": executive.pk,
            "owner": coe_lead.pk,
            "status": "draft",
        },
    )
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.steps.count() == 5
    client.post(reverse("strategy:plan_step_toggle", args=[plan.uuid, "sponsor"]), {"done": "1"})
    assert plan.steps.get(step="sponsor").done_by == coe_lead


def test_plan_ending_before_start_is_refused(client, coe_lead):
    client.force_login(coe_lead)
    response = client.post(
        reverse("strategy:plan_create"),
        {
            "title": "Backwards",
            "vision": "V",
            "starts_on": "2026-06-01",
            "ends_on": "2026-01-01",
            "owner": coe_lead.pk,
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"]
    assert Plan.objects.count() == 0


def kr_data(**changes):
    data = {
        "title": "Raise the share of apps with an owner",
        "kind": "increase",
        "unit": "percent",
        "currency": "",
        "baseline": "20",
        "target": "80",
        "starts_on": "2026-01-01",
        "due_on": "2026-12-31",
        "weight": "1",
        "check_in_frequency": "weekly",
        "owner": "",
        "kpi": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"target": "20"}, "target"),  # target equal to the baseline
        ({"target": "10"}, "target"),  # an increase that goes down
        ({"kind": "decrease", "target": "30"}, "target"),  # a decrease that goes up
        ({"due_on": "2025-12-01"}, "due_on"),  # due before start
        ({"weight": "0"}, "weight"),
        ({"weight": "-2"}, "weight"),
        ({"target": "eighty"}, "target"),  # not a number
        ({"unit": "currency"}, "currency"),  # money without a currency
        ({"unit": "currency", "currency": "EU1"}, "currency"),
    ],
)
def test_bad_key_result_input_saves_nothing(client, coe_lead, changes, field):
    objective = ObjectiveFactory()
    client.force_login(coe_lead)
    url = reverse("strategy:key_result_create", args=[objective.uuid])
    response = client.post(url, kr_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="invalid-feedback' in response.content.decode()  # shown next to the field
    assert KeyResult.objects.count() == 0


def test_currency_key_result_with_code_is_saved(client, coe_lead):
    objective = ObjectiveFactory()
    client.force_login(coe_lead)
    url = reverse("strategy:key_result_create", args=[objective.uuid])
    response = client.post(url, kr_data(unit="currency", currency="eur", target="5000"))
    assert response.status_code == 302
    assert KeyResult.objects.get().currency == "EUR"


def test_objective_with_inline_key_results(client, coe_lead):
    plan = PlanFactory(owner=coe_lead)
    client.force_login(coe_lead)
    data = {"title": "Grow the community", "why": "More makers", "owner": coe_lead.pk}
    data.update({"kr-TOTAL_FORMS": "3", "kr-INITIAL_FORMS": "0"})
    for index, title in ((0, "Reach 80 active makers"), (1, "Hold 12 sessions")):
        for key, value in kr_data(title=title, target=str(80 - index)).items():
            data[f"kr-{index}-{key}"] = value
    # the third block is left as the browser sends an untouched one (the selects' defaults):
    # skipped
    untouched = {
        "kind": "increase",
        "unit": "percent",
        "baseline": "0",
        "weight": "1",
        "check_in_frequency": "weekly",
        "starts_on": "2026-01-01",
        "due_on": "2026-12-31",
    }
    data.update({f"kr-2-{key}": value for key, value in untouched.items()})
    response = client.post(reverse("strategy:objective_create", args=[plan.uuid]), data)
    assert response.status_code == 302
    objective = Objective.objects.get()
    assert list(objective.key_results.values_list("title", flat=True)) == [
        "Reach 80 active makers",
        "Hold 12 sessions",
    ]


def test_objective_with_a_bad_inline_key_result_saves_nothing(client, coe_lead):
    plan = PlanFactory(owner=coe_lead)
    client.force_login(coe_lead)
    data = {"title": "Grow", "why": "", "owner": "", "kr-TOTAL_FORMS": "1", "kr-INITIAL_FORMS": "0"}
    for key, value in kr_data(weight="0").items():
        data[f"kr-0-{key}"] = value
    response = client.post(reverse("strategy:objective_create", args=[plan.uuid]), data)
    assert response.status_code == 400
    assert Objective.objects.count() == 0 and KeyResult.objects.count() == 0


def test_owner_checks_in_and_sees_progress(client, maker, kr):
    client.force_login(maker)
    url = reverse("strategy:check_in_create", args=[kr.uuid])
    response = client.post(url, {"value": "50", "confidence": "6", "comment": "Half-way"})
    assert response.status_code == 302
    kr.refresh_from_db()
    assert kr.current == Decimal(50)
    page = client.get(kr.get_absolute_url())
    assert page.context["kr"].progress_value == 50.0
    assert "Half-way" in page.content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_maker", 403), ("executive", 403), ("coe_lead", 302), ("admin_user", 302)],
)
def test_check_in_permissions(client, request, kr, persona, status):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        reverse("strategy:check_in_create", args=[kr.uuid]), {"value": "10", "confidence": "5"}
    )
    assert response.status_code == status
    assert CheckIn.objects.count() == (1 if status == 302 else 0)


@pytest.mark.parametrize("value", ["ten", ""])
def test_check_in_with_a_bad_value_saves_nothing(client, maker, kr, value):
    client.force_login(maker)
    response = client.post(
        reverse("strategy:check_in_create", args=[kr.uuid]), {"value": value, "confidence": "5"}
    )
    assert response.status_code == 400
    assert "value" in response.context["check_in_form"].errors
    assert CheckIn.objects.count() == 0


def test_check_in_confidence_outside_range_is_refused(client, maker, kr):
    client.force_login(maker)
    response = client.post(
        reverse("strategy:check_in_create", args=[kr.uuid]), {"value": "3", "confidence": "12"}
    )
    assert response.status_code == 400 and CheckIn.objects.count() == 0


def test_deleted_key_result_is_hidden_then_restored(client, coe_lead, maker, kr):
    services.key_result_check_in(key_result=kr, value=Decimal(30), author=maker)
    client.force_login(coe_lead)
    client.post(reverse("strategy:key_result_delete", args=[kr.uuid]), follow=True)
    kr.refresh_from_db()
    assert kr.deleted_at is not None
    client.force_login(maker)
    assert kr.title not in client.get(kr.objective.plan.get_absolute_url()).content.decode()
    assert client.get(kr.get_absolute_url()).status_code == 404
    response = client.post(
        reverse("strategy:check_in_create", args=[kr.uuid]), {"value": "1", "confidence": "5"}
    )
    assert response.status_code == 404
    client.force_login(coe_lead)
    assert (
        "Deleted key results (1)"
        in client.get(kr.objective.plan.get_absolute_url()).content.decode()
    )
    client.post(reverse("strategy:key_result_restore", args=[kr.uuid]))
    kr.refresh_from_db()
    assert kr.deleted_at is None and kr.check_ins.count() == 1


def test_plan_from_template_page_asks_for_each_blank(client, coe_lead):
    services.load_plan_templates()
    client.force_login(coe_lead)
    url = reverse("strategy:plan_from_template", args=["realize-value"])
    response = client.get(url)
    form = response.context["form"]
    assert len(form.blank_fields()) == 12
    # Every objective is offered with a checkbox, ticked by default.
    html = response.content.decode()
    assert html.count('name="objectives"') == 10
    assert html.count(" checked ") + html.count(" checked>") == 10
    assert 'id="objective-value-toolkit"' in html and "Business Value Toolkit" in html
    data = {"title": "Our value plan", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    data["objectives"] = [o["key"] for o in form.template.objectives]
    data.update({field.html_name: "42" for field in form.blank_fields()})
    data["blank_roi-accuracy"] = ""
    response = client.post(url, data)
    assert response.status_code == 200 and "blank_roi-accuracy" in response.context["form"].errors
    assert Plan.objects.count() == 0
    data["blank_roi-accuracy"] = "85"
    response = client.post(url, data)
    plan = Plan.objects.get()
    assert response.url == plan.get_absolute_url()
    assert KeyResult.objects.get(title__contains="with 85% accuracy").target == Decimal(85)


def test_plan_from_template_page_keeps_only_the_ticked_objectives(client, coe_lead):
    services.load_plan_templates()
    client.force_login(coe_lead)
    url = reverse("strategy:plan_from_template", args=["realize-value"])
    data = {"title": "Toolkit", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}
    response = client.post(url, {**data, "objectives": []})
    assert response.status_code == 200 and "objectives" in response.context["form"].errors
    # Only the toolkit kept: its one blank is asked for, the eleven others are not.
    response = client.post(url, {**data, "objectives": ["value-toolkit"]})
    assert set(response.context["form"].errors) == {"blank_toolkit-solutions"}
    assert 'id="objective-value-toolkit" checked' in response.content.decode()
    assert 'id="objective-share-value" checked' not in response.content.decode()
    response = client.post(
        url, {**data, "objectives": ["value-toolkit"], "blank_toolkit-solutions": "15"}
    )
    plan = Plan.objects.get()
    assert response.url == plan.get_absolute_url()
    assert [o.title for o in plan.objectives.all()] == ["Start using the Business Value Toolkit"]
    assert KeyResult.objects.get(title__contains="Assess 15 solutions").target == Decimal(15)


def test_measurement_page_checks_in_the_bound_key_result(client, coe_lead, kr):
    kpi = KpiFactory(owner=coe_lead)
    KeyResult.objects.filter(pk=kr.pk).update(kpi=kpi)
    client.force_login(coe_lead)
    url = reverse("strategy:measurement_create", args=[kpi.uuid])
    response = client.post(url, {"measured_on": "2026-02-01", "value": "40", "note": ""})
    assert response.status_code == 302
    kr.refresh_from_db()
    assert kr.current == Decimal(40)
    again = client.post(url, {"measured_on": "2026-02-01", "value": "45", "note": ""})
    assert again.status_code == 400 and KpiMeasurement.objects.count() == 1
    bad = client.post(url, {"measured_on": "2026-02-02", "value": "lots", "note": ""})
    assert bad.status_code == 400 and KpiMeasurement.objects.count() == 1


def test_maker_may_not_record_a_measurement_of_someone_elses_kpi(client, maker):
    kpi = KpiFactory()
    client.force_login(maker)
    url = reverse("strategy:measurement_create", args=[kpi.uuid])
    assert client.post(url, {"measured_on": "2026-02-01", "value": "1"}).status_code == 403
    assert KpiMeasurement.objects.count() == 0


def test_kpi_form_requires_a_currency_for_money(client, coe_lead):
    client.force_login(coe_lead)
    data = {
        "name": "Spend",
        "unit": "currency",
        "currency": "",
        "direction": "lower",
        "frequency": "monthly",
    }
    response = client.post(reverse("strategy:kpi_create"), data)
    assert "currency" in response.context["form"].errors and Kpi.objects.count() == 0


def test_initiative_links_objectives(client, coe_lead):
    plan = PlanFactory(owner=coe_lead)
    objective = ObjectiveFactory(plan=plan)
    client.force_login(coe_lead)
    response = client.post(
        reverse("strategy:initiative_create", args=[plan.uuid]),
        {
            "title": "Maker portal",
            "horizon": "next_year",
            "status": "proposed",
            "objectives": [objective.pk],
        },
    )
    assert response.status_code == 302
    initiative = Initiative.objects.get()
    assert list(initiative.objectives.all()) == [objective]
    assert "Maker portal" in client.get(plan.get_absolute_url()).content.decode()


def test_home_panels(client, coe_lead, maker, kr):
    KeyResult.objects.filter(pk=kr.pk).update(starts_on=date(2025, 1, 1), due_on=date(2099, 1, 1))
    client.force_login(coe_lead)
    assert "Check-ins due" in client.get("/").content.decode()
    client.force_login(maker)
    content = client.get("/").content.decode()
    assert "My key results to check in" in content and kr.title in content
    services.key_result_check_in(key_result=kr, value=Decimal(5), author=maker)
    assert "You are up to date" in client.get("/").content.decode()


def _big_plan(owner):
    plan = PlanFactory(owner=owner)
    for _ in range(3):
        objective = ObjectiveFactory(plan=plan, owner=owner)
        for _ in range(3):
            kr = KeyResultFactory(objective=objective, owner=owner, kpi=KpiFactory())
            CheckIn.objects.create(key_result=kr, value=5, created_at=timezone.now())
    for horizon in ("immediate", "next_year", "three_years"):
        InitiativeFactory(plan=plan, horizon=horizon, owner=owner)
    return plan


def test_plan_list_query_count(client, coe_lead, django_assert_max_num_queries):
    for _ in range(5):
        _big_plan(coe_lead)
    client.force_login(coe_lead)
    # session, user, roles (policy), plans count, plans page with users/unit, objectives,
    # key results with last check-in, templates: 8, whatever the number of plans
    with django_assert_max_num_queries(8):
        response = client.get(reverse("strategy:plan_list"))
    assert len(response.context["plans"]) == 5


def test_plan_detail_query_count(client, coe_lead, django_assert_max_num_queries):
    plan = _big_plan(coe_lead)
    client.force_login(coe_lead)
    # session, user, plan (+owner, sponsor, unit, template), objectives, key results, steps,
    # initiatives, their objectives, areas and opportunities, roles, deleted key results: 12
    with django_assert_max_num_queries(12):
        response = client.get(plan.get_absolute_url())
    assert response.status_code == 200


def test_check_in_due_list_query_count(client, coe_lead, django_assert_max_num_queries):
    for _ in range(3):
        _big_plan(coe_lead)
    KeyResult.objects.update(starts_on=date(2025, 1, 1), due_on=date(2099, 1, 1))
    CheckIn.objects.update(created_at=timezone.now() - timezone.timedelta(days=30))
    client.force_login(coe_lead)
    # session, user, roles, count, page of key results with plan/owner/kpi joined: 5
    with django_assert_max_num_queries(5):
        response = client.get(reverse("strategy:check_in_due"))
    assert len(response.context["key_results"]) == 27


def test_kpi_list_query_count(client, coe_lead, django_assert_max_num_queries):
    for _ in range(10):
        KpiFactory(owner=coe_lead)
    client.force_login(coe_lead)
    # session, user, roles, count, page with latest value annotated: 5
    with django_assert_max_num_queries(5):
        client.get(reverse("strategy:kpi_list"))


def test_executive_home_shows_active_plans(client, executive, kr):
    client.force_login(executive)
    content = client.get("/").content.decode()
    assert "Active adoption plans" in content and kr.objective.plan.title in content


def test_executive_home_shows_a_check_in_at_once(client, executive, maker, coe_lead):
    """The plans panel is kept in the figures cache: a check-in changes it at the next visit."""
    plan = PlanFactory(owner=coe_lead, title="Citizen development")
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(plan=plan), kind="increase", baseline=0, target=80, owner=maker
    )
    client.force_login(executive)

    def panel() -> str:
        page = client.get("/").content.decode()
        return page.split('id="panel-plans"')[1].split("</section>")[0]

    assert "Citizen development" in panel() and "%" not in panel()  # no check-in yet
    services.key_result_check_in(key_result=key_result, value=Decimal("20"), author=maker)
    assert "25.0 %" in panel()  # 20 of the way from 0 to 80


def test_kpi_target_is_saved_and_shown_with_its_status(client, coe_lead):
    client.force_login(coe_lead)
    response = client.post(
        reverse("strategy:kpi_create"),
        {"name": "Active makers", "unit": "people", "direction": "higher", "target": "40",
         "frequency": "monthly", "currency": ""},
    )  # fmt: skip
    kpi = Kpi.objects.get(name="Active makers")
    assert response.status_code == 302 and kpi.target == Decimal("40")
    services.kpi_record_measurement(
        kpi=kpi, measured_on=date(2026, 3, 1), value=Decimal("37"), actor=coe_lead
    )
    for url in (reverse("strategy:kpi_list"), kpi.get_absolute_url()):
        content = client.get(url).content.decode()
        assert "40 people" in content and "Off track" in content


def test_check_in_form_is_not_filled_with_the_last_check_in(client, maker, kr):
    services.key_result_check_in(key_result=kr, value=Decimal("30.50"), confidence=8, author=maker)
    client.force_login(maker)
    page = client.get(kr.get_absolute_url()).content.decode()
    value_input = re.search(r'<input[^>]*name="value"[^>]*>', page).group(0)
    confidence_input = re.search(r'<input[^>]*name="confidence"[^>]*>', page).group(0)
    assert "value=" not in value_input.replace('name="value"', "")
    assert "value=" not in confidence_input
    assert "Last check-in: 30.5, confidence 8." in page


def test_check_in_with_an_unchanged_value_needs_a_note(client, maker, kr):
    services.key_result_check_in(key_result=kr, value=Decimal(30), confidence=8, author=maker)
    client.force_login(maker)
    url = reverse("strategy:check_in_create", args=[kr.uuid])
    response = client.post(url, {"value": "30", "confidence": "8"})
    assert response.status_code == 400
    assert response.context["check_in_form"].errors["comment"] == [
        "The value has not changed since the last check-in: say why in a comment."
    ]
    assert kr.check_ins.count() == 1
    response = client.post(url, {"value": "30", "confidence": "7", "comment": "Blocked by audit"})
    assert response.status_code == 302 and kr.check_ins.count() == 2


def test_plan_page_shows_no_check_in_yet_apart_and_rounds_once(client, maker, kr):
    """kr (increase 0 → 100) has no check-in: "—", never "0 %", and the status "No check-in
    yet"; its objective's progress is that of the key results with a value. Objectives at 31.25
    and 56.25 % give a plan at 43.75 → "43.8 %" (rounded once, half-up)."""
    objective = kr.objective
    KeyResultFactory(objective=objective, baseline=0, target=80, current=25)  # 31.25 %
    second = ObjectiveFactory(plan=objective.plan)
    KeyResultFactory(objective=second, baseline=0, target=80, current=45)  # 56.25 %
    waiting = ObjectiveFactory(plan=objective.plan, title="Waiting objective")
    KeyResultFactory(objective=waiting, kind="stay_below", baseline=0, target=5, current=None)
    client.force_login(maker)
    html = client.get(objective.plan.get_absolute_url()).content.decode()
    assert 'data-testid="plan-progress">43.8 %' in html
    assert '<span data-testid="objective-progress">31.3 %</span>' in html
    assert "1 key result awaits a first check-in" in html
    assert "— · no check-in yet</span>" in html  # the waiting objective
    assert html.count("No check-in yet") == 2  # kr and the stay-below, not on or off track
    assert "-0.0" not in html
    detail = client.get(kr.get_absolute_url()).content.decode()
    assert 'data-testid="kr-current">—' in detail
    assert 'data-testid="kr-progress">— <span class="badge text-bg-secondary">No check-in yet' in (
        detail
    )
