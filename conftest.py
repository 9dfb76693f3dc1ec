"""Shared test fixtures: one persona per role, and Playwright pointed at the system's chromium."""

import os
import shutil
from contextlib import contextmanager

import pytest

from accounts.policy import Role
from accounts.tests.factories import BusinessUnitFactory, UserFactory

# pytest-playwright runs an event loop in the test thread; Django's ORM refuses that by default.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery"


def pytest_configure(config):
    """Tests read the German interface: compile the catalogue when its .po changed."""
    from config.translations import compile_catalogues

    compile_catalogues()


@pytest.fixture(autouse=True)
def _fresh_default_currency():
    """Money figures read the organisation's currency once per request or task; a test's
    rolled-back organisation must not lend its currency to the next test."""
    from config.numbers import forget_default_currency

    forget_default_currency()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Pages keep figures and lists in the cache under a data version; a test's rolled-back rows
    must not be shown to the next test from there."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A German request leaves German active in the thread; each test starts in the default."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def django_capture_on_commit_callbacks():
    """pytest-django's fixture, with the figures cache's version bump (config.figures_cache adds
    one to every transaction that writes figures) run like the others but left out of the list
    a test counts and runs: the tests are about the product's own work after commit."""
    from django.db import DEFAULT_DB_ALIAS
    from django.test import TestCase

    from config import figures_cache

    @contextmanager
    def capture(*, using=DEFAULT_DB_ALIAS, execute=False):
        ours: list = []
        with TestCase.captureOnCommitCallbacks(using=using, execute=execute) as callbacks:
            yield ours
        for callback in callbacks:
            if callback is figures_cache.increment_after_commit:
                if not execute:
                    callback()
            else:
                ours.append(callback)

    return capture


@pytest.fixture
def unit(db):
    return BusinessUnitFactory(name="Finance", slug="finance")


@pytest.fixture
def maker(db, unit):
    return UserFactory(username="maker", business_unit=unit, role=Role.MAKER)


@pytest.fixture
def other_maker(db, unit):
    return UserFactory(username="other-maker", business_unit=unit, role=Role.MAKER)


@pytest.fixture
def executive(db, unit):
    return UserFactory(username="executive", business_unit=unit, role=Role.EXECUTIVE)


@pytest.fixture
def coe_lead(db, unit):
    return UserFactory(username="coe-lead", business_unit=unit, role=Role.COE_LEAD)


@pytest.fixture
def admin_user(db, unit):
    return UserFactory(
        username="admin-user", business_unit=unit, role=Role.ADMIN, is_staff=True, is_superuser=True
    )


@pytest.fixture
def no_role_user(db, unit):
    return UserFactory(username="no-role", business_unit=unit)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright cannot download its own browser here: use the chromium of the system."""
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium"),
        "args": [
            "--no-sandbox",
            "--headless=new",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def pick(page, name: str, text: str) -> None:
    """Choose `text` in the search-as-you-type picker of the field `name` (config.pickers), as a
    person does: type part of it, wait for the server's matches, click the one wanted."""
    select_id = page.locator(f"select[name={name}]").get_attribute("id")
    page.fill(f"#{select_id}-ts-control", text)
    page.locator(f"#{select_id}-ts-dropdown .option", has_text=text).first.click()
