import factory
from django.utils import timezone

from accounts.tests.factories import BusinessUnitFactory, UserFactory
from stories.models import (
    Newsletter,
    NewsletterItem,
    NewsletterSubscription,
    ShowAndTellSession,
    Story,
    StoryMetric,
    Tag,
)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"tag {n}")
    slug = factory.LazyAttribute(lambda t: t.name.replace(" ", "-"))


class StoryFactory(factory.django.DjangoModelFactory):
    """A draft story; `published=True` (trait) gives a published one."""

    class Meta:
        model = Story
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Story {n}")
    business_unit = factory.SubFactory(BusinessUnitFactory)
    author = factory.SubFactory(UserFactory)
    overview = "A flow that files invoices."
    highlight_1 = "Faster"
    highlight_2 = "Cheaper"

    class Params:
        published = factory.Trait(
            status=Story.Status.PUBLISHED, published_at=factory.LazyFunction(timezone.now)
        )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tags.set(extracted)


class StoryMetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StoryMetric

    story = factory.SubFactory(StoryFactory)
    name = "Hours on invoices"
    unit = "hours"
    before_value = 12
    after_value = 2
    period = "per week"


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShowAndTellSession

    title = factory.Sequence(lambda n: f"Session {n}")
    starts_at = factory.LazyFunction(timezone.now)
    location = "Town hall"
    host = factory.SubFactory(UserFactory)


class NewsletterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Newsletter

    subject = factory.Sequence(lambda n: f"Issue {n}")
    intro = "Hello readers."


class NewsletterItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterItem

    newsletter = factory.SubFactory(NewsletterFactory)
    story = factory.SubFactory(StoryFactory, published=True)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterSubscription

    user = factory.SubFactory(UserFactory)
