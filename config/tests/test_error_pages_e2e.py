"""The embedded set-up (`make run`: manage.py's local settings, runserver) shows the product's own
error pages to a stranger, with its styles, and never Django's debug page."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.e2e


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def embedded_server(tmp_path):
    """runserver as bin/serve starts it, with the environment of a fresh checkout: no DEBUG, no
    settings module (manage.py's default), an empty SQLite file (a stranger's 404 reads no
    table)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "REDIS_URL"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'embedded.sqlite3'}"
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 (our own fixed command)
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/favicon.ico", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_unknown_address_shows_the_product_404_page_to_a_stranger(page, embedded_server):
    response = page.goto(f"{embedded_server}/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "We could not find that page"
    body = page.locator("body").inner_text()
    assert "URLconf" not in body and "DEBUG = True" not in body
    # The page is styled: runserver serves the vendored Bootstrap with DEBUG off.
    assert page.locator("a.btn-primary").evaluate("a => getComputedStyle(a).display") == (
        "inline-block"
    )
    stylesheet = page.locator("link[rel=stylesheet]").first.get_attribute("href")
    assert page.request.get(f"{embedded_server}{stylesheet}").status == 200
