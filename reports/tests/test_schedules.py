"""Schedules in words for executives, not cron expressions."""

import pytest
from django.utils import translation

from reports.models import ReportDefinition
from reports.schedules import describe_cron

from .factories import ReportDefinitionFactory


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("0 6 1 * *", "monthly, on the 1st at 06:00"),
        ("0 6 1 1,4,7,10 *", "quarterly, on the 1st of January, April, July and October at 06:00"),
        ("30 7 * * 1", "every Monday at 07:30"),
        ("30 7 * * 1-5", "every weekday (Monday to Friday) at 07:30"),
        ("0 18 * * 5,0", "every Friday and Sunday at 18:00"),
        ("5 0 * * *", "daily at 00:05"),
        ("0 9 15 * *", "monthly, on the 15th at 09:00"),
        ("0 9 2 1,7 *", "yearly, on the 2nd of January and July at 09:00"),
        # Shapes without plain words keep their expression.
        ("*/15 * * * *", None),
        ("0 6 1,15 * *", None),
        ("0 6 1 * 1", None),
    ],
)
def test_cron_in_words(expression, words):
    assert describe_cron(expression) == words


def test_words_follow_the_language():
    # Day and month names and ordinals come from Django's own translations.
    with translation.override("de"):
        words = describe_cron("0 9 2 1,7 *")
    assert "2." in words and "Januar" in words and "Juli" in words


@pytest.mark.django_db
def test_report_pages_show_the_schedule_in_words(client, executive):
    monthly = ReportDefinitionFactory(
        name="Monthly ROI",
        cadence=ReportDefinition.Cadence.MONTHLY,
        period_length=ReportDefinition.PeriodLength.MONTH,
    )
    ReportDefinitionFactory(
        name="Weekly", cadence=ReportDefinition.Cadence.CRON, cron_expression="30 7 * * 1"
    )
    client.force_login(executive)
    listing = client.get("/reports/").content.decode()
    assert "Monthly, on the 1st at 06:00" in listing
    assert "Every Monday at 07:30" in listing
    assert "30 7 * * 1" not in listing
    detail = client.get(monthly.get_absolute_url()).content.decode()
    assert "Monthly, on the 1st at 06:00 (month per report)" in detail
    assert "0 6 1 * *" not in detail
