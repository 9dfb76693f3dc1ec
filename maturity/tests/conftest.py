import pytest

from maturity.loader import load_maturity_model


@pytest.fixture
def model(db):
    """The built-in maturity model, loaded from its content file."""
    load_maturity_model()
