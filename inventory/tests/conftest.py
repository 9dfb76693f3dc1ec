import pytest


@pytest.fixture(autouse=True)
def inventory_files(settings, tmp_path):
    """Each test keeps the files its runs store in a folder of its own."""
    settings.INVENTORY_FILE_DIR = tmp_path / "inventory-files"
