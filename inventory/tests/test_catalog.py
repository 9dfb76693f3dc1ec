import random
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from accounts.tests.factories import BusinessUnitFactory, UserFactory
from inventory.catalog import NAME_KEY_SQL, name_key
from stories.tests.factories import StoryFactory
from value.models import Solution, SolutionUsage
from value.tests.factories import SolutionFactory

URL = reverse("inventory:catalog")


@pytest.mark.parametrize(
    "name", ["Expense App", "expense app (copy)", "Expense-App v2", "Copy of Expense App 3"]
)
def test_near_duplicate_names_share_a_key(name):
    assert name_key(name) == "expenseapp"


def test_every_signed_in_person_reads_the_catalog(client, maker, no_role_user):
    assert client.get(URL).status_code == 302
    for person in (maker, no_role_user):
        client.force_login(person)
        assert client.get(URL).status_code == 200


def test_catalog_lists_live_solutions_with_usage_and_stories(client, maker, unit):
    live = SolutionFactory(name="Expense App", business_unit=unit, owner=maker)
    SolutionFactory(
        name="Old thing",
        business_unit=unit,
        status=Solution.Status.RETIRED,
        retired_on=date(2026, 2, 1),
    )
    SolutionUsage.objects.create(solution=live, month=date(2026, 1, 1), launches=10, active_users=4)
    SolutionUsage.objects.create(solution=live, month=date(2026, 2, 1), launches=12, active_users=5)
    StoryFactory(solution=live, published=True)
    StoryFactory(solution=live)  # a draft: not counted
    client.force_login(maker)
    rows = list(client.get(URL).context["page_obj"])
    assert [
        (r.name, r.usage_month, r.usage_launches, r.usage_users, r.story_count) for r in rows
    ] == [("Expense App", date(2026, 2, 1), 12, 5, 1)]


def test_filters(client, maker, unit):
    other = BusinessUnitFactory(slug="hr", name="HR")
    owner = UserFactory(username="olga", email="olga@contoso.com")
    SolutionFactory(
        name="Leave requests",
        business_unit=other,
        kind="cloud_flow",
        owner=owner,
        environment="HR Prod",
    )
    used = SolutionFactory(name="Expenses", business_unit=unit)
    SolutionFactory(name="Travel", business_unit=unit)
    SolutionUsage.objects.create(solution=used, month=date(2026, 3, 1), runs=3)
    client.force_login(maker)

    def names(**params):
        return sorted(r.name for r in client.get(URL, params).context["page_obj"])

    assert names(q="leave") == ["Leave requests"]
    assert names(kind="cloud_flow") == ["Leave requests"]
    assert names(unit="hr") == ["Leave requests"]
    assert names(environment="hr pr") == ["Leave requests"]
    assert names(owner="OLGA@contoso.com") == ["Leave requests"]
    url = f"{URL}?usage=used"
    from unittest import mock

    with mock.patch("inventory.catalog.date") as fake_date:
        fake_date.today.return_value = date(2026, 4, 15)
        fake_date.side_effect = date
        assert sorted(r.name for r in client.get(url).context["page_obj"]) == ["Expenses"]
    assert client.get(URL, {"kind": "spaceship"}).status_code == 200  # ignored, never a 500


def test_near_duplicates_are_flagged_to_the_coe_only(client, maker, coe_lead, unit):
    SolutionFactory(name="Expense App", business_unit=unit)
    SolutionFactory(name="Expense app (copy)", business_unit=unit)
    SolutionFactory(name="Expense App", business_unit=BusinessUnitFactory(slug="hr"))
    client.force_login(coe_lead)
    page = client.get(URL)
    flags = {(r.name, r.business_unit.slug): r.duplicate_count for r in page.context["page_obj"]}
    assert flags == {
        ("Expense App", "finance"): 1,
        ("Expense app (copy)", "finance"): 1,
        ("Expense App", "hr"): 0,
    }
    assert b"near-duplicate" in page.content
    client.force_login(maker)
    assert b"near-duplicate" not in client.get(URL).content


def test_catalog_query_count_is_flat(client, coe_lead, unit, django_assert_max_num_queries):
    for number in range(30):
        SolutionFactory(name=f"App {number}", business_unit=unit)
    client.force_login(coe_lead)
    # session, user, groups, count, page of rows (usage and stories as subqueries), the page
    # units' names for duplicates, navigation's policy checks
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert len(response.context["page_obj"]) == 25


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL name key runs on PostgreSQL")
def test_the_sql_name_key_equals_the_python_one_on_random_names(db):
    """The catalog counts near-duplicates off an index of NAME_KEY_SQL; it must give the key
    name_key() gives the page's rows."""
    rng = random.Random(14)
    parts = ["Expense", "app", "APP", "copy", "Copy of", "v2", "V10", "version 3", "test", "old",
             "new", "Über", "straße", "(1)", "-", "_", "  ", "2026", "7", "é", "copy2"]  # fmt: skip
    names = ["Solution 50000", "Copy of Expense App 3", "übercopy", "new", "v2"] + [
        " ".join(rng.choice(parts) for _ in range(rng.randint(1, 6))) for _ in range(300)
    ]
    with connection.cursor() as cursor:
        for name in names:
            sql = f"SELECT {NAME_KEY_SQL} FROM (SELECT %s::text AS name) AS one"  # noqa: S608
            cursor.execute(sql, [name])
            assert cursor.fetchone()[0] == name_key(name), name


def test_near_duplicates_are_counted_up_to_99(
    client, coe_lead, unit, django_assert_max_num_queries
):
    other = BusinessUnitFactory(slug="hr")
    Solution.objects.bulk_create(
        [Solution(name=f"Solution {n}", business_unit=unit, status="live") for n in range(120)]
        + [Solution(name=f"Solution {n}", business_unit=other, status="live") for n in range(3)]
        + [Solution(name="Solution retired", business_unit=other, status="retired")]
    )
    client.force_login(coe_lead)
    with django_assert_max_num_queries(8):
        page = client.get(URL, {"unit": "hr"})
    assert {r.name: r.duplicate_count for r in page.context["page_obj"]} == {
        "Solution 0": 2, "Solution 1": 2, "Solution 2": 2,
    }  # fmt: skip
    assert b"2 near-duplicates" in page.content
    page = client.get(URL, {"unit": unit.slug, "page": 3})
    rows = list(page.context["page_obj"])
    assert len(rows) == 25 and {r.duplicate_count for r in rows} == {99}
    assert all(r.duplicates_capped for r in rows)
    assert b"99+ near-duplicates" in page.content


def test_a_deep_page_holds_its_rows_with_their_usage(client, maker, unit):
    solutions = Solution.objects.bulk_create(
        [Solution(name=f"App {n:03d}", business_unit=unit, status="live") for n in range(60)]
    )
    SolutionUsage.objects.create(solution=solutions[52], month=date(2026, 3, 1), runs=17)
    client.force_login(maker)
    rows = list(client.get(URL, {"page": 3}).context["page_obj"])
    assert [r.name for r in rows] == [f"App {n:03d}" for n in range(50, 60)]
    assert [r.usage_runs for r in rows][2] == 17
    assert {r.usage_runs for r in rows[:2] + rows[3:]} == {None}


def test_the_count_is_grouped_in_the_readers_language(client, maker, unit):
    Solution.objects.bulk_create(
        [Solution(name=f"App {n}", business_unit=unit, status="live") for n in range(1234)]
    )
    client.force_login(maker)
    assert b"1,234 solutions" in client.get(URL).content
    assert "1.234 Lösungen" in client.get(URL, HTTP_ACCEPT_LANGUAGE="de").content.decode()
