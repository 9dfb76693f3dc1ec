"""Report files and e-mails are written in the language of whoever asked for them: the person
who generates one on demand, the definition's author for scheduled runs."""

import csv
import io
from datetime import date

from django.core import mail
from django.utils import translation

from reports import services
from reports.models import ReportDefinition

Q1 = (date(2026, 1, 1), date(2026, 3, 31))


def _generate(definition, **kwargs):
    snapshot, _created = services.snapshot_request(
        definition=definition, start=Q1[0], end=Q1[1], **kwargs
    )
    return services.snapshot_generate(snapshot.pk)


def _rows(snapshot, delimiter):
    text = snapshot.csv_file.read().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_a_scheduled_german_report_writes_a_csv_german_excel_opens(definition, roi_data):
    ReportDefinition.objects.filter(pk=definition.pk).update(language="de")
    definition.refresh_from_db()
    snapshot = _generate(definition)
    assert snapshot.language == "de"
    rows = _rows(snapshot, ";")
    assert rows[0][:5] == ["Abschnitt", "Name", "Wert", "Stunden", "Kosten"]
    total = dict(zip(rows[0], rows[1], strict=True))
    assert total["Abschnitt"] == "Gesamt"
    assert total["Wert"] == "3010,00"  # 3 times 1,000 + 10, decimal comma, no grouping
    months = [row for row in rows if row[0] == "Monat"]
    assert [dict(zip(rows[0], row, strict=True))["Wert"] for row in months] == [
        "1000,00",
        "1010,00",
        "1000,00",
    ]
    # The formula-looking name is still neutralised; negative figures stay numbers.
    solutions = {row[1]: row for row in rows if row[0] == "Lösung"}
    assert '\'=HYPERLINK("http://x")' in solutions
    net = solutions["Invoice approvals"][rows[0].index("Netto")]
    assert net.startswith("-") and "," in net and "." not in net
    # The e-mail too.
    assert services.snapshot_send(snapshot.pk)
    assert mail.outbox[-1].subject == f"{definition.name}: Jan - Mär 2026"


def test_an_english_report_keeps_commas_and_decimal_points(definition, roi_data):
    snapshot = _generate(definition)
    assert snapshot.language == ""  # the installation's language (English)
    rows = _rows(snapshot, ",")
    assert rows[0][:3] == ["section", "name", "value"]
    assert rows[1][2] == "3010.00"


def test_on_demand_the_report_is_in_the_language_of_whoever_asked(definition, roi_data, maker):
    with translation.override("de"):  # the requesting person's language, as a page sets it
        snapshot = _generate(definition, requested_by=maker)
    assert snapshot.language == "de"
    assert _rows(snapshot, ";")[0][0] == "Abschnitt"


def test_a_new_definition_takes_its_authors_language(coe_lead, unit):
    data = {
        "name": "Monatsbericht",
        "kind": ReportDefinition.Kind.ROI,
        "cadence": ReportDefinition.Cadence.MONTHLY,
        "recipients": "cfo@example.org",
    }
    with translation.override("de"):
        definition = services.definition_save(
            definition=ReportDefinition(), actor=coe_lead, data=data
        )
    assert definition.language == "de"
