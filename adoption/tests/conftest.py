import pytest

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
