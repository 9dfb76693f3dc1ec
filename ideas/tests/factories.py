from decimal import Decimal

import factory
from django.utils import timezone

from accounts.tests.factories import BusinessUnitFactory, UserFactory
from ideas.models import Idea, IdeaVote


class IdeaFactory(factory.django.DjangoModelFactory):
    """A submitted idea with its estimate already stored (as the services would store it)."""

    class Meta:
        model = Idea

    title = factory.Sequence(lambda n: f"Idea {n}")
    pain_point = "Re-keying the same data twice every week."
    process = "Weekly report"
    business_unit = factory.SubFactory(BusinessUnitFactory)
    author = factory.SubFactory(UserFactory)
    status = Idea.Status.NEW
    submitted_at = factory.LazyAttribute(
        lambda idea: None if idea.status == Idea.Status.DRAFT else timezone.now()
    )
    potential_value_year = Decimal("0")


class IdeaVoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdeaVote

    idea = factory.SubFactory(IdeaFactory)
    user = factory.SubFactory(UserFactory)
