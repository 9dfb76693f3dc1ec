from datetime import date
from decimal import Decimal

import pytest

from reports.tests.factories import ReportDefinitionFactory
from value.tests.factories import SolutionFactory, ValueRecordFactory


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def roi_data(unit):
    """Q1 2026 in Finance: one app built for 5,000 with 200 a month running costs, delivering
    1,000 a month; a second solution with a name that a spreadsheet would run as a formula."""
    app = SolutionFactory(
        name="Invoice approvals",
        business_unit=unit,
        go_live_on=date(2026, 1, 10),
        build_hours=Decimal("100"),
        build_hourly_rate=Decimal("50"),
        licence_cost_monthly=Decimal("200"),
    )
    for month in (1, 2, 3):
        ValueRecordFactory(solution=app, month=date(2026, month, 1), amount=Decimal("1000"))
    evil = SolutionFactory(name='=HYPERLINK("http://x")', business_unit=unit)
    ValueRecordFactory(solution=evil, month=date(2026, 2, 1), amount=Decimal("10"))
    return app


@pytest.fixture
def definition(db, media_root):
    return ReportDefinitionFactory(name="Quarterly ROI")
