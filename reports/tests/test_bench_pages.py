"""The crawl benchmark runs on a small organisation in the suite, so that it cannot rot; its
figures at enterprise scale come from `make bench`."""

import io
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.policy import Role
from reports import bench_pages


def test_parameterless_urls_come_from_the_url_conf():
    urls = bench_pages.parameterless_urls()
    assert {"/", "/dashboard/", "/stories/", "/value/solutions/", "/api/v1/stories/"} <= set(urls)
    assert not [url for url in urls if "<" in url or url.startswith(("/admin/", "/static/"))]


def test_route_of_groups_pages_by_their_url_pattern():
    assert bench_pages.route_of("/accounts/units/finance/") == "/accounts/units/<slug:slug>/"
    assert bench_pages.route_of("/no/such/page/") == "/no/such/page/"


@pytest.mark.django_db
def test_time_pages_times_what_each_role_may_read():
    call_command("load_content", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    timings = bench_pages.time_pages(roles=[Role.MAKER, Role.EXECUTIVE], runs=1, per_shape=1)
    by_role = {(t.url, t.role) for t in timings}
    assert ("/dashboard/", "Executive") in by_role
    assert ("/api/v1/stories/", "Maker") in by_role
    # A maker may not open the report definitions: refused pages are not timed.
    assert ("/reports/", "Maker") not in by_role
    for timing in timings:
        assert len(timing.first) == len(timing.repeat) == 1
        assert timing.queries > 0 or timing.url.startswith("/maturity/")
    # Reading pages changes no figure data, so the dashboard prepared before the timed visits
    # is what its first visit gets: session, user, roles, units and the prepared dashboard.
    assert [t.url for t in timings if t.changed_data] == []
    dashboard = next(t for t in timings if (t.url, t.role) == ("/dashboard/", "Executive"))
    assert dashboard.queries == 5
    out = io.StringIO()
    bench_pages.print_pages(out, timings)
    assert "pages timed" in out.getvalue()
    assert "Pages whose reading changed the figures' data version: 0." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_load_reports_rates_and_errors(live_server):
    client = Client()
    client.force_login(bench_pages.bench_user(Role.EXECUTIVE))
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    address = urlparse(live_server.url)
    result = bench_pages.load(
        address.hostname, address.port, "/accounts/password/change/done/", cookie,
        sessions=2, seconds=0.5,
    )  # fmt: skip
    assert result.errors == 0 and result.rate > 0
    refused = bench_pages.load(
        address.hostname, address.port, "/accounts/password/change/done/", "", sessions=1,
        seconds=0.2,
    )  # fmt: skip
    assert refused.errors > 0 and not refused.latencies  # signed out: redirected, not a 200
