from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and dashboard"

    def ready(self):
        from config import figures_cache

        figures_cache.connect()
