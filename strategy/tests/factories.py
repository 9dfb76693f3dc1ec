from datetime import date

import factory

from accounts.tests.factories import UserFactory
from strategy.models import Initiative, KeyResult, Kpi, Objective, Plan


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    title = factory.Sequence(lambda n: f"Plan {n}")
    vision = "Make every team able to build what it needs, safely."
    starts_on = date(2026, 1, 1)
    ends_on = date(2026, 12, 31)
    owner = factory.SubFactory(UserFactory)
    status = Plan.Status.ACTIVE


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Objective {n}")


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Key result {n}")
    kind = KeyResult.Kind.INCREASE
    unit = "percent"
    baseline = 0
    target = 100
    starts_on = date(2026, 1, 1)
    due_on = date(2026, 12, 31)


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    name = factory.Sequence(lambda n: f"KPI {n}")
    unit = "number"


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Initiative {n}")
