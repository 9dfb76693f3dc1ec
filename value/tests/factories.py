from datetime import date
from decimal import Decimal

import factory

from accounts.tests.factories import BusinessUnitFactory
from value import rollup
from value.models import ProgrammeCost, Solution, UnitCost, ValueRecord


class SolutionFactory(factory.django.DjangoModelFactory):
    """Saved as the services save it: with the unit's monthly roll-up refreshed."""

    class Meta:
        model = Solution

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        solution = super()._create(model_class, *args, **kwargs)
        rollup.refresh_units([solution.business_unit_id])
        return solution

    name = factory.Sequence(lambda n: f"Solution {n}")
    kind = Solution.Kind.CANVAS_APP
    business_unit = factory.SubFactory(BusinessUnitFactory)
    status = Solution.Status.LIVE
    go_live_on = date(2026, 1, 1)


class ValueRecordFactory(factory.django.DjangoModelFactory):
    """Saved as the services save it: with the unit's monthly roll-up refreshed."""

    class Meta:
        model = ValueRecord

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        record = super()._create(model_class, *args, **kwargs)
        rollup.refresh_units([record.solution.business_unit_id])
        return record

    solution = factory.SubFactory(SolutionFactory)
    month = date(2026, 1, 1)
    amount = Decimal("100.00")
    source = ValueRecord.Source.MEASURED


class UnitCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitCost

    name = factory.Sequence(lambda n: f"Thing {n}")
    amount = Decimal("10.00")


class ProgrammeCostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeCost

    kind = ProgrammeCost.Kind.COE_TEAM
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)
    amount = Decimal("1000.00")
