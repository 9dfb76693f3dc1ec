import pytest
from pytest_django.plugin import blocking_manager_key

from adoption.loader import load_question_bank
from maturity.loader import load_maturity_model

from .factories import answer_all, start, submit


@pytest.fixture
def content(db):
    """The built-in maturity model and question bank."""
    load_maturity_model()
    load_question_bank()


@pytest.fixture
def draft(content, coe_lead):
    """A draft of the whole organisation with every question still open."""
    return start(user=coe_lead)


@pytest.fixture
def submitted(content, coe_lead):
    """A submitted assessment of the whole organisation, every answer at 300."""
    assessment = start(user=coe_lead)
    answer_all(assessment, 300)
    return submit(assessment, user=coe_lead)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional (browser) test ends by emptying every table, including the role groups
    that a data migration created; tests that pytest-django orders after it need them back."""
    yield
    if item.get_closest_marker("e2e"):
        from django.contrib.auth.models import Group

        from accounts.policy import ROLE_GROUPS

        with item.config.stash[blocking_manager_key].unblock():
            for name in ROLE_GROUPS.values():
                Group.objects.get_or_create(name=name)
