from django.apps import AppConfig


class ValueConfig(AppConfig):
    name = "value"
    verbose_name = "Business value"
