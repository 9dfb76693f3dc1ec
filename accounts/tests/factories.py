import factory
from django.contrib.auth.models import Group

from accounts.models import BusinessUnit, User
from accounts.policy import ROLE_GROUPS


class BusinessUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BusinessUnit
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Unit {n}")
    slug = factory.Sequence(lambda n: f"unit-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass `role=Role.MAKER` (or any Role) to put them in that role's group."""

    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")
    business_unit = factory.SubFactory(BusinessUnitFactory)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            # get_or_create: a transactional (browser) test flushes the groups the migration made.
            self.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[extracted])[0])
