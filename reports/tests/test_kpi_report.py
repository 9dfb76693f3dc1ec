"""KPI reports: key results and KPIs as of a period's end, with their change since the last
report, frozen into a snapshot and rendered to HTML, PDF, CSV and e-mail.

The fixture (all in 2026, plans of Finance): "Self-service adoption" runs the whole year.
- A (increase 10 -> 50, all year): check-ins 20 on 15 Jan, 30 on 15 Feb, 45 on 10 Mar.
- B (increase 0 -> 100, 1 Jan - 31 Mar): 45 at 23:30 on 28 Feb. On 28 Feb 58 of 89 days have
  passed, so 65.2 % is expected: 20.2 points behind is "at risk".
- C (milestone, all year): done (1) on 1 Feb.
- D (stay above 40 from 35, all year): never checked in, so no value: "no check-in yet", counted
  apart (it used to read as its baseline 35, "off track").
- KPI "Active makers" (higher is better): 30 on 31 Jan, 34 on 28 Feb, 40 on 1 Mar.
- KPI "Licence spend" (lower is better): 11400 on 5 Jan, 11650 on 5 Feb.
"""

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from accounts.tests.factories import BusinessUnitFactory
from reports import kpi, services
from reports.models import ReportDefinition, ReportSnapshot
from reports.tasks import snapshot_build_task
from reports.tests.factories import ReportDefinitionFactory
from strategy.models import KeyResult, Kpi, Plan
from strategy.services import key_result_check_in, kpi_record_measurement
from strategy.tests.factories import KeyResultFactory, KpiFactory, ObjectiveFactory, PlanFactory

JAN = (date(2026, 1, 1), date(2026, 1, 31))
FEB = (date(2026, 2, 1), date(2026, 2, 28))


def _at(day: date, hour: int = 12, minute: int = 0):
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour, minute))


def _check_in(kr, day, value, **kwargs):
    key_result_check_in(
        key_result=kr, value=Decimal(value), author=None, at=_at(day, **kwargs), confidence=7
    )


@pytest.fixture
def plan(unit):
    return PlanFactory(title="Self-service adoption", business_unit=unit)


@pytest.fixture
def key_results(plan):
    objective = ObjectiveFactory(plan=plan, title="More people build their own apps")
    a = KeyResultFactory(objective=objective, title="A", baseline=10, target=50, order=1)
    b = KeyResultFactory(
        objective=objective, title="B", baseline=0, target=100, due_on=date(2026, 3, 31), order=2
    )
    c = KeyResultFactory(objective=objective, title="C", kind="milestone", target=1, order=3)
    d = KeyResultFactory(
        objective=objective, title="D", kind="stay_above", baseline=35, target=40, order=4
    )
    _check_in(a, date(2026, 1, 15), 20)
    _check_in(a, date(2026, 2, 15), 30)
    _check_in(a, date(2026, 3, 10), 45)
    _check_in(b, date(2026, 2, 28), 45, hour=23, minute=30)
    _check_in(c, date(2026, 2, 1), 1)
    return {"A": a, "B": b, "C": c, "D": d}


@pytest.fixture
def kpis(db):
    makers = KpiFactory(name="Active makers", unit="people", direction="higher")
    spend = KpiFactory(name="Licence spend", unit="currency", currency="EUR", direction="lower")
    for kpi_row, day, value in (
        (makers, date(2026, 1, 31), 30),
        (makers, date(2026, 2, 28), 34),
        (makers, date(2026, 3, 1), 40),
        (spend, date(2026, 1, 5), 11400),
        (spend, date(2026, 2, 5), 11650),
    ):
        kpi_record_measurement(kpi=kpi_row, measured_on=day, value=Decimal(value), actor=None)
    return {"makers": makers, "spend": spend}


@pytest.fixture
def kpi_definition(db, media_root):
    return ReportDefinitionFactory(
        name="Monthly KPIs",
        kind=ReportDefinition.Kind.KPI,
        cadence=ReportDefinition.Cadence.MONTHLY,
        period_length=ReportDefinition.PeriodLength.MONTH,
    )


def _generate(definition, period):
    snapshot, _ = services.snapshot_request(definition=definition, start=period[0], end=period[1])
    snapshot_build_task(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == ReportSnapshot.Status.DONE, snapshot.error
    return snapshot


def _by_title(data):
    return {row["title"]: row for row in data["key_results"]}


def _by_name(data):
    return {row["name"]: row for row in data["kpis"]}


def test_month_two_figures_by_hand(key_results, kpis):
    data = kpi.kpi_figures(None, *FEB)
    rows = _by_title(data)
    a = rows["A"]
    # (30 - 10) / (50 - 10) = 50 %; a month earlier 20: 25 %.
    assert (a["value"], a["progress"], a["status"]) == ("30.00", 50.0, "on_track")
    assert (a["previous_value"], a["change"], a["change_text"]) == ("20.00", "10.00", "+10")
    assert (a["previous_progress"], a["progress_change"]) == (25.0, 25.0)
    assert a["checked_in_on"] == "2026-02-15"
    assert (a["value_text"], a["target_text"], a["baseline_text"]) == ("30 %", "50 %", "10 %")
    # Checked in at 23:30 on the last day: still in the period. 65.2 % expected, 45 % reached.
    assert (rows["B"]["value"], rows["B"]["progress"], rows["B"]["status"]) == (
        "45.00",
        45.0,
        "at_risk",
    )
    # B had no value on 31 January: there is nothing to compare with.
    assert (rows["B"]["change_text"], rows["B"]["progress_change"]) == ("—", None)
    assert (rows["B"]["previous_value"], rows["B"]["previous_progress"]) == (None, None)
    assert (rows["C"]["progress"], rows["C"]["status"]) == (100.0, "done")
    assert (rows["D"]["value"], rows["D"]["progress"], rows["D"]["status"]) == (
        None,
        None,
        "no_check_in",
    )
    assert (rows["D"]["value_text"], rows["D"]["change_text"]) == ("—", "—")
    assert data["status_counts"] == {
        "on_track": 1,
        "at_risk": 1,
        "off_track": 0,
        "done": 1,
        "no_check_in": 1,
    }
    assert data["key_result_total"] == 4
    assert [row["title"] for row in data["key_results"]] == ["A", "B", "C", "D"]
    assert data["compared_with"] == {"end": "2026-01-31", "report_start": None}

    makers, spend = _by_name(data)["Active makers"], _by_name(data)["Licence spend"]
    assert (makers["value"], makers["measured_on"], makers["change"]) == (
        "34.00",
        "2026-02-28",
        "4.00",
    )
    assert (makers["trend"], makers["value_text"]) == ("better", "34 people")
    # Spend went up by 250 and lower is better.
    assert (spend["change_text"], spend["trend"], spend["value_text"]) == (
        "+250",
        "worse",
        "EUR 11,650",
    )


def test_past_period_ignores_later_check_ins(key_results, kpis):
    """Generated today, a January report shows January's figures."""
    rows = _by_title(kpi.kpi_figures(None, *JAN))
    assert (rows["A"]["value"], rows["A"]["progress"]) == ("20.00", 25.0)
    assert rows["B"]["value"] is None and rows["B"]["checked_in_on"] is None
    assert (rows["B"]["progress"], rows["B"]["status"]) == (None, "no_check_in")
    assert rows["C"]["status"] != "done"
    kpis_by_name = _by_name(kpi.kpi_figures(None, *JAN))
    assert kpis_by_name["Active makers"]["value"] == "30.00"
    assert kpis_by_name["Active makers"]["change"] is None  # nothing measured before January
    assert kpis_by_name["Active makers"]["change_text"] == "—"


def test_change_uses_the_frozen_previous_report(kpi_definition, key_results, kpis):
    january = _generate(kpi_definition, JAN)
    assert _by_title(january.data)["A"]["value"] == "20.00"
    # A late entry for January after that report went out: the February report still compares
    # with what the January report said (20), not with the corrected 25.
    _check_in(key_results["A"], date(2026, 1, 20), 25)
    february = _generate(kpi_definition, FEB)
    a = _by_title(february.data)["A"]
    assert (a["previous_value"], a["change_text"], a["progress_change"]) == ("20.00", "+10", 25.0)
    assert february.data["compared_with"] == {"end": "2026-01-31", "report_start": "2026-01-01"}
    # A key result added since the January report is compared with its value on 31 January.
    # (it had none: no check-in by then)
    assert _by_title(february.data)["B"]["previous_value"] is None


def test_scope_of_a_unit_includes_children_and_excludes_siblings(unit, plan, key_results):
    child = BusinessUnitFactory(name="Finance Ops", slug="finance-ops", parent=unit)
    sibling = BusinessUnitFactory(name="HR", slug="hr")
    for owner_unit, title in ((child, "Child KR"), (sibling, "Sibling KR"), (None, "Org KR")):
        KeyResultFactory(
            title=title,
            objective=ObjectiveFactory(plan=PlanFactory(business_unit=owner_unit)),
        )
        KpiFactory(name=f"{title} KPI", business_unit=owner_unit)
    KeyResultFactory(
        title="Draft KR",
        objective=ObjectiveFactory(plan=PlanFactory(business_unit=unit, status=Plan.Status.DRAFT)),
    )
    deleted = KeyResultFactory(title="Deleted KR", objective=key_results["A"].objective)
    KeyResult.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())

    data = kpi.kpi_figures(unit, *FEB)
    assert set(_by_title(data)) == {"A", "B", "C", "D", "Child KR"}
    assert set(_by_name(data)) == {"Child KR KPI"}
    everything = kpi.kpi_figures(None, *FEB)
    assert set(_by_title(everything)) == {"A", "B", "C", "D", "Child KR", "Sibling KR", "Org KR"}
    assert len(everything["kpis"]) == 3


def test_plans_outside_the_period_are_left_out(unit, key_results):
    old = PlanFactory(starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    KeyResultFactory(
        title="Last year",
        objective=ObjectiveFactory(plan=old),
        starts_on=date(2025, 1, 1),
        due_on=date(2025, 12, 31),
    )
    KeyResultFactory(
        title="From March",
        objective=key_results["A"].objective,
        starts_on=FEB[1].replace(month=3, day=1),
    )
    assert set(_by_title(kpi.kpi_figures(None, *FEB))) == {"A", "B", "C", "D"}


def test_snapshot_files_and_mail(kpi_definition, key_results, kpis):
    snapshot = _generate(kpi_definition, FEB)
    assert snapshot.data["kind"] == "kpi"
    pdf = snapshot.pdf_file.read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000
    html = snapshot.html_file.read().decode()
    assert "Self-service adoption" in html and "Licence spend" in html
    assert "figures in" not in html and "ROI =" not in html
    assert snapshot.csv_file.name.endswith("kpi-2026-02.csv")

    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert (
        "Key results as of 28 Feb 2026: 4 (on track 1, at risk 1, off track 0, done 1, "
        "no check-in yet 1)" in body
    )
    assert "- B (Self-service adoption): 45 % of 100 %, 45.0 %, at risk" in body
    assert "- D (" not in body and "- A (" not in body
    assert "No check-in yet" in html
    assert mail.outbox[0].attachments[0][1].startswith(b"%PDF")


def test_csv_parses_back_to_the_same_figures(kpi_definition, key_results, kpis):
    evil = KeyResultFactory(title="=cmd|' /C calc'!A0", objective=key_results["A"].objective)
    key_result_check_in(key_result=evil, value=Decimal("-5"), author=None, at=_at(FEB[0]))
    snapshot = _generate(kpi_definition, FEB)
    rows = list(csv.DictReader(io.StringIO(snapshot.csv_file.read().decode("utf-8-sig"))))
    key_result_rows = {row["name"]: row for row in rows if row["section"] == "key_result"}
    for frozen in snapshot.data["key_results"]:
        name = frozen["title"] if not frozen["title"].startswith("=") else "'" + frozen["title"]
        row = key_result_rows[name]
        for column in ("baseline", "target", "value", "change", "status", "plan", "objective"):
            assert row[column] == (frozen[column] or ""), column
        for column in ("progress", "progress_change"):
            expected = "" if frozen[column] is None else frozen[column]
            assert (float(row[column]) if row[column] else "") == expected, column
    # Negative figures stay numbers; the formula-looking title does not run.
    assert key_result_rows["'=cmd|' /C calc'!A0"]["value"] == "-5.00"
    assert key_result_rows["A"]["as_of"] == "2026-02-15"
    kpi_rows = {row["name"]: row for row in rows if row["section"] == "kpi"}
    assert kpi_rows["Licence spend"]["value"] == "11650.00"
    assert kpi_rows["Licence spend"]["change"] == "250.00"
    assert kpi_rows["Licence spend"]["kind"] == "lower"
    assert len(rows) == 5 + 2


def test_generate_now_and_snapshot_page(
    client,
    coe_lead,
    executive,
    kpi_definition,
    key_results,
    kpis,
    django_capture_on_commit_callbacks,
):
    client.force_login(coe_lead)
    url = reverse("reports:definition_generate", args=[kpi_definition.uuid])
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(url, {"period": "2026-02-01_2026-02-28"})
    assert response.status_code == 302 and len(callbacks) == 1
    snapshot = ReportSnapshot.objects.get(definition=kpi_definition)
    assert (snapshot.period_start, snapshot.period_end) == FEB
    snapshot_build_task(snapshot.pk)  # what the worker runs when the callback publishes it

    client.force_login(executive)
    page = client.get(snapshot.get_absolute_url()).content.decode()
    assert "values as of 28 Feb 2026" in page
    assert "Self-service adoption" in page and "Active makers" in page
    assert '<td class="num" data-label="Progress">50.0 %</td>' in page  # A's progress
    assert "not available" not in page
    csv_response = client.get(reverse("reports:snapshot_download", args=[snapshot.uuid, "csv"]))
    assert b"section,plan,objective,name" in b"".join(csv_response.streaming_content)


@pytest.mark.parametrize("size", [2, 12])
def test_query_count_does_not_grow(unit, size, kpi_definition, django_assert_max_num_queries):
    child = BusinessUnitFactory(parent=unit)
    for index in range(size):
        plan = PlanFactory(business_unit=child if index % 2 else unit)
        kr = KeyResultFactory(objective=ObjectiveFactory(plan=plan))
        _check_in(kr, date(2026, 2, 3), 10 + index)
        kpi_row = KpiFactory(business_unit=unit)
        kpi_record_measurement(kpi=kpi_row, measured_on=FEB[0], value=Decimal(index), actor=None)
    kpi_definition.scope_unit = unit
    kpi_definition.save()
    Organisation.current()  # created on first use; an installation has it
    # subtree, key results, KPIs
    with django_assert_max_num_queries(3):
        data = kpi.kpi_figures(unit, *FEB)
    assert len(data["key_results"]) == len(data["kpis"]) == size
    # + the organisation (for the currency), the previous report
    with django_assert_max_num_queries(5):
        services.report_data(kpi_definition, *FEB)


def test_kpis_with_a_target_have_a_status(kpis):
    """February: 34 makers against at least 36 is off track; a spend of EUR 11,650 against at most
    EUR 12,000 is on track; a KPI without a target has no status."""
    Kpi.objects.filter(pk=kpis["makers"].pk).update(target=Decimal("36"))
    Kpi.objects.filter(pk=kpis["spend"].pk).update(target=Decimal("12000"))
    KpiFactory(name="Watched only")
    rows = {row["name"]: row for row in kpi.kpi_figures(None, *FEB)["kpis"]}
    assert (rows["Active makers"]["status"], rows["Active makers"]["target_text"]) == (
        "off_track",
        "36 people",
    )
    assert rows["Licence spend"]["status_label"] == "On track"
    assert (rows["Watched only"]["status"], rows["Watched only"]["target"]) == ("", None)


def test_the_pdf_is_made_from_five_cells_a_key_result(kpi_definition, key_results):
    """The printed layout (the PDF's) carries each key result's figures in five cells; the HTML
    version keeps its eight, with the baseline and the day of the check-in."""
    data = services.report_data(kpi_definition, *FEB)
    printed = services.render_html(data, for_print=True)
    rows = {
        title: re.findall(r"<td[^>]*>(.*?)</td>", cells)
        for title, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', printed)
    }
    assert rows == {
        # value → target; progress; status; change of the value · of progress in points
        "A": ["30 % → 50 %", "50.0 %", "On track", "+10 · +25.0 pts"],
        "B": ["45 % → 100 %", "45.0 %", "At risk", "—"],
        "C": ["milestone", "100.0 %", "Done", "—"],
        "D": ["— (≥ 40 %)", "—", "No check-in yet", "—"],
    }
    web = services.render_html(data)
    assert web.count('data-label="Check-in"') == 4 and "10 % → 50 %" in web
