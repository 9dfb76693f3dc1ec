from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Organisation and people"

    def ready(self):
        from celery.signals import task_prerun
        from django.core.signals import request_started

        from config.numbers import forget_default_currency

        # The default currency of money figures is read once per request or task.
        request_started.connect(forget_default_currency, dispatch_uid="forget_currency_request")
        task_prerun.connect(
            forget_default_currency, dispatch_uid="forget_currency_task", weak=False
        )
