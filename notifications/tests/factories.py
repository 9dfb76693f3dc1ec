from datetime import date

import factory

from accounts.tests.factories import UserFactory
from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    kind = "checkin_due"
    subject_key = factory.Sequence(lambda n: f"key_result:{n}")
    due_on = date(2026, 3, 9)
    title = factory.Sequence(lambda n: f"Check-in due: Key result {n}")
    link = "/strategy/"
