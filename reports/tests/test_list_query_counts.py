"""Query counts of every page and API list at two data sizes, as every role that may read it.

The pages are found, not listed: every route of the URL conf that takes no argument (pages,
forms and API lists, as the crawl benchmark finds them). The organisation is the benchmark's
generator (`manage.py bench`) at a small scale, and again at three times that scale (units,
users, solutions and their value records, stories, key results and their check-ins, ideas and
votes), each inside a transaction that is rolled back. A page must answer with the same number
of queries at both sizes, and with at most 20, for every role that may open it (a 200); a
page added to the product is measured by the next run."""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from ideas.bench import generate as generate_ideas
from reports.bench_pages import ROLES, bench_user, parameterless_urls
from reports.management.commands.bench import Command as BenchCommand
from value import rollup

MAX_QUERIES = 20
URLS = parameterless_urls()
# Routes without an argument that no role reads as a page or an API list, each with the reason.
# Every other route must be read by some role (a new route nobody can open fails the test below,
# and so does one of these that becomes a page: then it is measured like the rest).
NOT_PAGES = {
    "/accounts/entra/callback/": "the Microsoft sign-in returns here: a redirect",
    "/accounts/entra/no-access/": "shown to a person who is not signed in",
    "/accounts/entra/rules/departments/": "a form's POST target that redirects on GET",
    "/accounts/entra/rules/roles/": "a form's POST target that redirects on GET",
    "/accounts/entra/sign-in/": "starts the Microsoft sign-in: a redirect",
    "/accounts/profile/token/": "creates an API token: POST only",
    "/accounts/profile/token/revoke/": "revokes the API token: POST only",
    "/accounts/sign-in/": "a signed-in person is sent on",
    "/api/v1/inventory-mapping-rules/preview/": "POST only",
    "/api/v1/notifications/read-all/": "POST only",
    "/dashboard/pdf/": "a PDF download",
    "/i18n/setlang/": "POST only",
    "/inventory/api/callback/": "the inventory sign-in returns here: a redirect",
    "/inventory/api/connect/": "POST only",
    "/inventory/api/revoke/": "POST only",
    "/inventory/api/sync/": "POST only",
    "/inventory/template.csv": "a CSV download",
    "/notifications/read-all/": "POST only",
    "/stories/newsletters/subscription/": "POST only",
}
SMALL = {"units": 8, "users": 20, "solutions": 30, "months": 3, "stories": 15, "key_results": 10}


def _build(scale: int) -> None:
    BenchCommand()._generate({name: count * scale for name, count in SMALL.items()} | {"months": 3})
    generate_ideas(ideas=10 * scale, votes=20 * scale)
    rollup.rebuild()  # the data went in by COPY, past the services


def _rows() -> dict[str, int]:
    from ideas.models import Idea
    from stories.models import Story
    from strategy.models import CheckIn
    from value.models import Solution, ValueRecord

    models = [Solution, ValueRecord, Story, CheckIn, Idea]
    return {model.__name__: model.objects.count() for model in models}


@override_settings(ALLOWED_HOSTS=["testserver"])
def _measure() -> dict[tuple[str, str], tuple[int, int, str]]:
    """(url, role) -> (status, queries, content type) of a first visit (cache cleared)."""
    answers = {}
    for role in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(bench_user(role))
        for url in URLS:
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            answers[(url, role.label)] = (
                response.status_code,
                len(queries),
                response.get("Content-Type", ""),
            )
    return answers


_MEASURED: dict[int, dict] = {}


@pytest.fixture
def counts(db):
    """The answers at scale 1 and at scale 3, each organisation rolled back afterwards; measured
    by the first test that asks and kept for the others (building them is the slow part)."""
    if not _MEASURED:
        _MEASURED[0] = {}  # tried: a failure here is reported once, not by every test
        for scale in (1, 3):
            with transaction.atomic():
                _build(scale)
                _MEASURED[scale] = _measure()
                _MEASURED[scale]["rows"] = _rows()
                transaction.set_rollback(True)
        cache.clear()
    return _MEASURED


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow_with_data(url, counts):
    assert 1 in counts and 3 in counts, "building or measuring the organisations failed"
    readers = []
    for role in ROLES:
        small_status, small, kind = counts[1][(url, role.label)]
        large_status, large, _kind = counts[3][(url, role.label)]
        assert small_status < 500 and large_status < 500, (role.label, small_status, large_status)
        if small_status != 200 or not any(text in kind for text in ("html", "json")):
            continue  # refused to this role, a redirect, or a download (PDF, CSV)
        readers.append(role.label)
        assert large_status == 200, role.label
        assert (role.label, small) == (role.label, large)
        assert small <= MAX_QUERIES, (role.label, small)
    if url in NOT_PAGES:
        assert not readers, f"{url} is a page now: take it out of NOT_PAGES"
    else:
        assert readers, f"no role reads {url} as HTML or JSON: list it in NOT_PAGES with why"


def test_routes_listed_as_not_pages_exist():
    assert sorted(set(NOT_PAGES) - set(URLS)) == []


def test_every_kind_of_page_is_measured(counts):
    """The discovery finds the pages, forms and API lists, the larger organisation has three
    times the rows, and the big lists were read (so the test above cannot pass by measuring
    nothing)."""
    assert {"/", "/value/", "/value/solutions/", "/api/v1/value-records/", "/api/v1/solutions/",
            "/stories/", "/strategy/", "/api/v1/stories/", "/ideas/"} <= set(URLS)  # fmt: skip
    small, large = counts[1]["rows"], counts[3]["rows"]
    assert all(small[name] > 0 and large[name] == 3 * small[name] for name in small), (small, large)
    for url in ["/", "/value/", "/value/solutions/", "/api/v1/value-records/", "/stories/"]:
        for scale in (1, 3):
            status, queries, _kind = counts[scale][(url, "Executive")]
            assert status == 200 and queries > 3, (url, scale, status, queries)
