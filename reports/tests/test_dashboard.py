"""The executive dashboard's figures on a small organisation computed by hand, its drill-down,
periods, access per role, query counts at two data sizes and the API's agreement with the page.

The organisation (today is 15 May 2026, so "this quarter" is April and May 2026):

    Finance (no solutions of its own)          Operations
    ├── Payables: S1, live 10 Jan 2026,        └── S3, live 1 Nov 2025, no costs;
    │   licence 100/month; value Jan 1,000        value Dec 700, Apr 100
    │   (10 h), Apr 2,000 (20 h), May 500
    └── Treasury: S2, live 1 Apr 2026, built
        in 10 h x 50 = 500; value Apr 300

This quarter, Finance: value 2,000 + 500 + 300 = 2,800; cost = S1 running 2 x 100 + S2 build
500 = 700; ROI = (2,800 - 700) / 700 = 300.0 %. Organisation: value 2,900, cost 700, ROI 314.3 %.
"""

import datetime as dt
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from accounts.tests.factories import BusinessUnitFactory
from adoption import services as adoption_services
from adoption.loader import load_question_bank
from adoption.models import Assessment
from adoption.tests.factories import answer_all, start, submit
from config.tests.redis_server import redis_cache
from maturity.loader import load_maturity_model
from maturity.models import Area
from reports import dashboard
from reports.dashboard import dashboard_figures
from stories.tests.factories import StoryFactory
from strategy.models import KeyResult
from strategy.tests.factories import KeyResultFactory, ObjectiveFactory, PlanFactory
from value import figures
from value.tests.factories import SolutionFactory, ValueRecordFactory

TODAY = date(2026, 5, 15)


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def _at(day: date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 12))


@pytest.fixture
def org(unit, maker, other_maker, coe_lead):
    """The organisation of the module docstring, with plans, stories and two assessments."""
    Organisation.current()  # an installation has its row; a fresh one creates it once
    payables = BusinessUnitFactory(name="Payables", slug="payables", parent=unit)
    treasury = BusinessUnitFactory(name="Treasury", slug="treasury", parent=unit)
    operations = BusinessUnitFactory(name="Operations", slug="operations")
    s1 = SolutionFactory(
        name="Invoice approvals",
        business_unit=payables,
        owner=maker,
        go_live_on=date(2026, 1, 10),
        licence_cost_monthly=Decimal("100"),
    )
    s2 = SolutionFactory(
        name="Cash forecast",
        business_unit=treasury,
        owner=other_maker,
        go_live_on=date(2026, 4, 1),
        build_hours=Decimal("10"),
        build_hourly_rate=Decimal("50"),
    )
    s3 = SolutionFactory(name="Shift rota", business_unit=operations, go_live_on=date(2025, 11, 1))
    for solution, month, amount, hours in [
        (s1, date(2026, 1, 1), "1000", "10"),
        (s1, date(2026, 4, 1), "2000", "20"),
        (s1, date(2026, 5, 1), "500", "0"),
        (s2, date(2026, 4, 1), "300", "0"),
        (s3, date(2025, 12, 1), "700", "0"),
        (s3, date(2026, 4, 1), "100", "0"),
    ]:
        ValueRecordFactory(
            solution=solution, month=month, amount=Decimal(amount), hours_saved=Decimal(hours)
        )

    # Strategy: an organisation plan (objective 1: done + off track, objective 2: on track) and
    # a Treasury plan (at risk). Expected progress on 15 May: 134 of 364 days = 36.8 %.
    plan = PlanFactory(title="Organisation plan", owner=coe_lead)
    first = ObjectiveFactory(plan=plan, title="Grow value", order=1)
    KeyResultFactory(objective=first, current=100)  # done
    KeyResultFactory(objective=first, current=10)  # 26.8 points behind: off track
    second = ObjectiveFactory(plan=plan, title="Train makers", order=2)
    KeyResultFactory(objective=second, current=40)  # ahead: on track
    unit_plan = PlanFactory(title="Treasury plan", owner=coe_lead, business_unit=treasury)
    third = ObjectiveFactory(plan=unit_plan, title="Forecast cash daily")
    KeyResultFactory(objective=third, current=20)  # 16.8 behind: at risk
    draft_plan = PlanFactory(title="Draft plan", owner=coe_lead, status="draft")
    KeyResultFactory(objective=ObjectiveFactory(plan=draft_plan), current=0)  # not counted

    # Stories: one published in Payables this quarter, one in Operations last quarter, a draft.
    StoryFactory(
        title="Invoices in a day",
        business_unit=payables,
        author=maker,
        published=True,
        published_at=_at(date(2026, 4, 20)),
        cost_saved_per_year=Decimal("5000"),
    )
    StoryFactory(
        title="Rota without spreadsheets",
        business_unit=operations,
        published=True,
        published_at=_at(date(2026, 2, 1)),
        cost_saved_per_year=Decimal("9000"),
    )
    StoryFactory(title="Draft story", business_unit=treasury)

    # Maturity of the whole organisation: all 200 in January; in April all 300 but strategy and
    # vision at 500, so the overall level is (500 + 8 x 300) / 9 = 322, rounded down to 300.
    load_maturity_model()
    load_question_bank()
    for day, levels in [(date(2026, 1, 10), {}), (date(2026, 4, 10), {"strategy_vision": 500})]:
        assessment = start(user=coe_lead)
        answer_all(assessment, 200 if not levels else 300, by_area=levels)
        submit(assessment, user=coe_lead)
        Assessment.objects.filter(pk=assessment.pk).update(submitted_at=_at(day))
    adoption_services.targets_set(
        subject=adoption_services.subject_for(None),
        targets={
            Area.objects.get(key="strategy_vision"): (500, None),
            Area.objects.get(key="security"): (400, None),
        },
        user=coe_lead,
    )
    return {"finance": unit, "payables": payables, "treasury": treasury, "operations": operations}


def test_organisation_figures_equal_the_hand_computed_ones(org):
    data = dashboard_figures(period_key="this_quarter", today=TODAY)
    assert data["period"]["start"], data["period"]["end"] == ("2026-04-01", "2026-05-31")
    totals = data["value"]["totals"]
    assert (totals["value"], totals["cost"], totals["roi_pct"]) == ("2900.00", "700.00", "314.3")
    assert totals["hours"] == "20.0"
    assert [(row["month"], row["value"], row["cost"]) for row in data["value"]["by_month"]] == [
        ("2026-04-01", "2400.00", "600.00"),
        ("2026-05-01", "500.00", "100.00"),
    ]
    # Value by top-level unit, each with its subtree, largest first.
    assert [(row["unit"], row["value"], row["cost"]) for row in data["value"]["by_unit"]] == [
        ("Finance", "2800.00", "700.00"),
        ("Operations", "100.00", "0.00"),
    ]
    assert data["adoption"] == {"active_makers": 2, "solutions_live": 3, "stories_published": 1}
    strategy = data["strategy"]
    assert strategy["key_results"] == {
        "off_track": 1,
        "at_risk": 1,
        "on_track": 1,
        "done": 1,
        "no_check_in": 0,
    }
    # Objectives 55.0 (mean of 100 and 10), 40.0 and 20.0; plans 47.5 and 20.0.
    assert strategy["progress"] == 38.3
    assert sorted((p["plan"], p["progress"]) for p in strategy["plans"]) == [
        ("Organisation plan", 47.5),
        ("Treasury plan", 20.0),
    ]
    assert [(row["objective"], row["status"]) for row in strategy["attention"]] == [
        ("Grow value", "off_track"),
        ("Forecast cash daily", "at_risk"),
    ]
    maturity = data["maturity"]
    assert (maturity["level"], maturity["assessed_on"]) == (300, "2026-04-10")
    assert [(p["on"], p["level"]) for p in maturity["trend"]] == [
        ("2026-01-10", 200),
        ("2026-04-10", 300),
    ]
    areas = {row["key"]: row for row in maturity["areas"]}
    assert (areas["strategy_vision"]["score"], areas["strategy_vision"]["target"]) == (500.0, 500)
    assert (areas["security"]["level"], areas["security"]["target"]) == (300, 400)
    assert areas["support"]["target"] is None
    assert [s["title"] for s in data["stories"]["newest"]] == ["Invoices in a day"]
    assert data["currency"] == "EUR"


def test_key_results_without_a_check_in_are_counted_apart(org):
    """An "increase" and a "stay below" (empty baseline) without a single check-in: neither is
    off or on track, neither moves an objective's progress, and an objective of such key
    results has no progress and needs no attention yet."""
    train = KeyResult.objects.get(current=40).objective
    KeyResultFactory(objective=train, current=None, weight=5)  # would drag 40 down to 6.7
    waiting = ObjectiveFactory(plan=train.plan, title="Awaiting", order=3)
    KeyResultFactory(objective=waiting, current=None)
    KeyResultFactory(objective=waiting, kind="stay_below", baseline=0, target=5, current=None)
    strategy = dashboard_figures(period_key="this_quarter", today=TODAY)["strategy"]
    assert strategy["key_results"] == {
        "off_track": 1,
        "at_risk": 1,
        "on_track": 1,
        "done": 1,
        "no_check_in": 3,
    }
    assert strategy["key_result_total"] == 7
    # Unchanged: objectives 55.0, 40.0 and 20.0 (Awaiting has none); plans 47.5 and 20.0.
    assert strategy["progress"] == 38.3
    assert ("Organisation plan", 47.5) in [(p["plan"], p["progress"]) for p in strategy["plans"]]
    assert "Awaiting" not in [row["objective"] for row in strategy["attention"]]


def test_value_figures_are_those_of_the_roi_report(org):
    """One code path: the ROI report's figures for the same scope and period."""
    finance = org["finance"]
    data = dashboard_figures(unit=finance, period_key="last_quarter", today=TODAY)
    report = figures.roi_figures(finance, date(2026, 1, 1), date(2026, 3, 31)).as_dict()
    assert data["value"]["totals"] == report["totals"]
    assert data["value"]["totals"]["value"] == "1000.00"
    assert data["value"]["totals"]["cost"] == "300.00"  # S1 running, three months


def test_unit_drill_down_sums_its_children(org):
    """Value is recorded on the leaves only; the parent is the sum of its children."""
    finance = dashboard_figures(unit=org["finance"], period_key="this_year", today=TODAY)
    payables = dashboard_figures(unit=org["payables"], period_key="this_year", today=TODAY)
    treasury = dashboard_figures(unit=org["treasury"], period_key="this_year", today=TODAY)
    for name in ("value", "cost", "hours", "records"):
        parent = Decimal(str(finance["value"]["totals"][name]))
        children = Decimal(str(payables["value"]["totals"][name])) + Decimal(
            str(treasury["value"]["totals"][name])
        )
        assert parent == children, name
    assert finance["value"]["totals"]["value"] == "3800.00"
    assert finance["value"]["totals"]["cost"] == "1000.00"  # 5 x 100 running + 500 build
    assert finance["value"]["totals"]["roi_pct"] == "280.0"
    rows = {row["unit"]: row["value"] for row in finance["value"]["by_unit"]}
    assert rows == {"Payables": "3500.00", "Treasury": "300.00"}
    # Every panel follows the unit: the Treasury plan only, Finance's two solutions, no
    # assessment of Finance, the Payables story.
    assert finance["strategy"]["key_results"] == {
        "off_track": 0,
        "at_risk": 1,
        "on_track": 0,
        "done": 0,
        "no_check_in": 0,
    }
    assert finance["adoption"] == {"active_makers": 2, "solutions_live": 2, "stories_published": 1}
    assert finance["maturity"]["level"] is None and finance["maturity"]["areas"] == []
    assert treasury["adoption"] == {"active_makers": 1, "solutions_live": 1, "stories_published": 0}
    assert treasury["stories"]["newest"] == []


def test_period_selector_changes_the_figures(org):
    by_period = {key: dashboard_figures(period_key=key, today=TODAY) for key in dashboard.PERIODS}
    values = {key: data["value"]["totals"]["value"] for key, data in by_period.items()}
    assert values == {
        "this_quarter": "2900.00",
        "last_quarter": "1000.00",
        "this_year": "3900.00",
        "all_time": "4600.00",  # from November 2025, the first go-live
    }
    assert by_period["all_time"]["period"]["start"] == "2025-11-01"
    assert by_period["last_quarter"]["adoption"]["stories_published"] == 1
    assert [s["title"] for s in by_period["last_quarter"]["stories"]["most_valuable"]] == [
        "Rota without spreadsheets"
    ]
    # The latest assessment by the end of last quarter is January's.
    assert by_period["last_quarter"]["maturity"]["level"] == 200
    assert by_period["all_time"]["stories"]["most_valuable"][0]["title"] == (
        "Rota without spreadsheets"
    )


def test_unknown_period_is_refused(db):
    with pytest.raises(dashboard.DashboardInputError):
        dashboard_figures(period_key="next_decade", today=TODAY)


def test_empty_organisation_has_figures_without_errors(db):
    data = dashboard_figures(period_key="all_time", today=TODAY)
    assert data["value"]["totals"]["value"] == "0.00"
    assert data["maturity"]["level"] is None
    assert data["strategy"]["progress"] is None


# Page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("executive", 200),
        ("coe_lead", 200),
        ("admin_user", 200),
        ("maker", 403),
        ("no_role_user", 403),
    ],
)
def test_dashboard_access_per_role(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("dashboard:dashboard")).status_code == status
    assert client.get(reverse("dashboard:dashboard_pdf")).status_code == status


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("dashboard:dashboard"))
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_page_shows_the_unit_and_period_chosen(client, executive, org):
    client.force_login(executive)
    response = client.get(
        reverse("dashboard:dashboard"), {"unit": "finance", "period": "this_year"}
    )
    assert response.status_code == 200
    data = response.context["data"]
    assert data["scope"]["label"] == "Finance"
    expected = dashboard_figures(unit=org["finance"], period_key="this_year")
    assert data["value"] == expected["value"]
    html = response.content.decode()
    assert 'id="dashboard-data"' in html and "<canvas" in html
    assert "Payables" in html  # the value-by-unit table


@pytest.mark.parametrize("params", [{"unit": "nowhere"}, {"period": "forever"}])
def test_unknown_unit_or_period_is_a_400_with_the_reason(client, executive, org, params):
    client.force_login(executive)
    response = client.get(reverse("dashboard:dashboard"), params)
    assert response.status_code == 400
    assert "invalid-feedback" in response.content.decode()
    assert client.get(reverse("dashboard:dashboard_pdf"), params).status_code == 400


def test_pdf_has_the_same_figures(client, executive, org):
    client.force_login(executive)
    response = client.get(reverse("dashboard:dashboard_pdf"), {"unit": "finance"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content[:4] == b"%PDF"


def test_home_page_leads_executives_to_the_dashboard(client, executive, maker, org):
    client.force_login(executive)
    assert reverse("dashboard:dashboard") in client.get("/").content.decode()
    client.force_login(maker)
    assert reverse("dashboard:dashboard") not in client.get("/").content.decode()


def _grow(scale: int, org) -> None:
    """More of everything the dashboard reads: solutions with records, plans, stories, units."""
    for index in range(scale):
        child = BusinessUnitFactory(
            name=f"Team {scale}-{index}", slug=f"team-{scale}-{index}", parent=org["payables"]
        )
        solution = SolutionFactory(business_unit=child, go_live_on=date(2026, 1, 1))
        for month in (1, 2, 3, 4):
            ValueRecordFactory(solution=solution, month=date(2026, month, 1))
        KeyResultFactory(objective=ObjectiveFactory(plan=PlanFactory(business_unit=child)))
        StoryFactory(business_unit=child, published=True)


def _queries_of_page(client, params) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:dashboard"), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "params, most", [({}, 16), ({"unit": "finance", "period": "all_time"}, 15)]
)
def test_page_query_count_does_not_grow_with_data(
    client, executive, org, params, most, django_assert_max_num_queries
):
    client.force_login(executive)
    # session, user, roles; units; currency + adoption counts; maturity; key results; stories;
    # value (subtree with a unit, value by month and source, costs, programme costs, units,
    # value by unit, costs by unit); for the organisation (a prepared scope) in the default
    # period, the look-up of a prepared dashboard first
    with django_assert_max_num_queries(most):
        small = _queries_of_page(client, params)
    _grow(12, org)
    with django_assert_max_num_queries(most):
        large = _queries_of_page(client, params)
    assert small == large


def test_cached_page_needs_few_queries(client, executive, org, django_assert_max_num_queries):
    client.force_login(executive)
    client.get(reverse("dashboard:dashboard"))
    # session, user, roles, units (for the selector), the organisation (its currency for money)
    with django_assert_max_num_queries(5):
        client.get(reverse("dashboard:dashboard"))


def test_panels_are_rendered_once_per_figures_and_a_change_shows_at_once(
    client, executive, coe_lead, org
):
    """A repeat visit renders none of the panels' templates and shows the same panels, for
    another reader too; a recorded value bumps the data version, so the next visit renders them
    afresh with the new total (3,500 + 250)."""
    from value.models import Solution, ValueRecord
    from value.services import value_record_create

    params = {"unit": "payables", "period": "all_time"}
    panel = "reports/dashboard/_value.html"
    client.force_login(executive)
    first = client.get(reverse("dashboard:dashboard"), params)
    assert panel in [template.name for template in first.templates]
    assert "3,500.00" in first.context["panels"]
    client.force_login(coe_lead)
    again = client.get(reverse("dashboard:dashboard"), params)
    assert panel not in [template.name for template in again.templates]
    assert again.context["panels"] == first.context["panels"]
    assert again.context["panels"] in again.content.decode()

    value_record_create(
        solution=Solution.objects.get(name="Invoice approvals"),
        month=date(2026, 6, 1),
        actor=coe_lead,
        source=ValueRecord.Source.MEASURED,
        cost_avoided=Decimal("250"),
    )
    changed = client.get(reverse("dashboard:dashboard"), params)
    assert panel in [template.name for template in changed.templates]
    assert "3,750.00" in changed.context["panels"]


# API ----------------------------------------------------------------------------------------


def test_api_returns_the_same_figures(client, executive, org):
    client.force_login(executive)
    params = {"unit": "payables", "period": "all_time"}
    page = client.get(reverse("dashboard:dashboard"), params)
    cache.clear()  # the API computes its own figures, not the page's cached ones
    api = client.get("/api/v1/dashboard/", params)
    assert api.status_code == 200
    assert api.json() == page.context["data"]
    assert api.json()["value"]["totals"]["value"] == "3500.00"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"unit": "nowhere"}, "unit"),
        ({"period": "forever"}, "period"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_api_refuses_unknown_unit_or_period(client, executive, org, params, field):
    client.force_login(executive)
    response = client.get("/api/v1/dashboard/", params)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("persona", "status"),
    [("executive", 200), ("coe_lead", 200), ("maker", 403), ("no_role_user", 403)],
)
def test_api_access_per_role(client, request, persona, status, db):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/api/v1/dashboard/").status_code == status


def test_api_anonymous_is_refused(client, db):
    assert client.get("/api/v1/dashboard/").status_code in (401, 403)


def test_api_query_count_does_not_grow_with_data(
    client, executive, org, django_assert_max_num_queries
):
    client.force_login(executive)
    cache.clear()
    with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as small:
        client.get("/api/v1/dashboard/", {"unit": "finance"})
    _grow(10, org)
    cache.clear()
    with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as large:
        client.get("/api/v1/dashboard/", {"unit": "finance"})
    assert len(small) == len(large)


# The shared cache ---------------------------------------------------------------------------


def test_figures_are_shared_through_redis(client, executive, org, settings):
    """With Redis as the cache, a second web process finds the figures the first computed."""
    if not settings.TEST_REDIS_URL:
        pytest.skip("needs REDIS_URL")
    import redis

    location = settings.TEST_REDIS_URL.rsplit("/", 1)[0] + "/15"
    redis.Redis.from_url(location).flushdb()
    settings.CACHES = redis_cache(location)
    client.force_login(executive)
    client.get(reverse("dashboard:dashboard"))
    assert redis.Redis.from_url(location).keys("coehub-test:*dashboard*")
    with CaptureQueriesContext(connection) as cached:
        client.get(reverse("dashboard:dashboard"))
    # session, user, roles, units, the organisation (its currency): the figures came from Redis
    assert len(cached) <= 5
    redis.Redis.from_url(location).flushdb()


def test_a_cache_that_is_down_costs_speed_not_the_page(client, executive, org, settings):
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")  # nothing listens there
    client.force_login(executive)
    params = {"unit": "payables", "period": "all_time"}
    response = client.get(reverse("dashboard:dashboard"), params)
    assert response.status_code == 200
    assert response.context["data"]["value"]["totals"]["value"] == "3500.00"


@pytest.mark.parametrize(
    ("targets", "drawn"),
    [([None, None], None), ([None, 400], [None, 400])],
)
def test_radar_draws_a_target_series_only_when_a_target_is_set(targets, drawn):
    from reports.dashboard_panels import chart_data

    areas = [
        {"area": name, "score": 300.0, "target": target}
        for name, target in zip(("Security", "Support"), targets, strict=True)
    ]
    data = {
        "currency": "EUR",
        "maturity": {"areas": areas},
        "value": {"by_month": [], "by_unit": []},
    }
    assert chart_data(data)["radar"]["target"] == drawn


def test_home_panel_shows_the_dashboards_quarter(client, executive, coe_lead, org):
    """The home page's dashboard panel and value panel share one pass over the roll-up: the
    quarter's value and ROI equal the dashboard's, and the home page stays within 20 queries
    (the same number with more data)."""
    from value.home import home_figures

    data = dashboard_figures()
    request = RequestFactory().get("/")
    request.user = executive
    shared = home_figures(request)
    assert str(shared["quarter_totals"].value) == data["value"]["totals"]["value"]
    assert str(shared["quarter_totals"].roi_pct) == str(data["value"]["totals"]["roi_pct"])
    assert home_figures(request) is shared  # once per request

    client.force_login(coe_lead)

    def home_queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    small = home_queries()
    _grow(6, org)
    assert home_queries() == small <= 20
