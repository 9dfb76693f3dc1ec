from django.apps import AppConfig


class EntraConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "entra"
    verbose_name = "Sign-in with Microsoft Entra ID"

    def ready(self):
        from . import checks  # noqa: F401 - registers the configuration check
