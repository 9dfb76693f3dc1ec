"""The inventory API client: the documented Resource Query POST, paged by skip token.

    POST {INVENTORY_API_BASE_URL}/resourcequery/resources/query?api-version=2024-10-01
    {"TableName": "PowerPlatformResources", "Clauses": [...],
     "Options": {"Top": 1000, "SkipToken": ""}}

The answer is an Azure Resource Graph result ({"totalRecords", "count", "skipToken", "data"});
the next page is asked for with the last skipToken until it comes back empty. Throttling (429)
is honoured by waiting Retry-After (else backing off); timeouts, connection errors and 5xx are
retried with exponential backoff a few times; a 401 gets one fresh token, then fails.

No usage comes this way: the API's rows document no runs, launches or active users, and the
`microsoft.powerplatformusage/usagerecords` type seen in some tenants has no published schema, so
the query does not ask for it. Usage is imported from files (see the README)."""

import email.utils
import json
import time
from datetime import UTC, datetime

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from .mapping import DEFAULT_KIND_MAP
from .sources.ppac import ENVIRONMENT_TYPE

QUERY_PATH = "/resourcequery/resources/query"
API_VERSION = "2024-10-01"
PAGE_SIZE = 1000
MAX_PAGES = 1000  # 1,000,000 resources: past that, something loops
MAX_ATTEMPTS = 6
MAX_WAIT = 120.0


class SyncError(Exception):
    """The sync cannot go on; the message says why in words an admin can act on."""


def query_body(skip_token: str = "", page_size: int = PAGE_SIZE) -> dict:
    """Every solution type we map, and environments (for their names and groups)."""
    types = sorted(
        {*DEFAULT_KIND_MAP, *getattr(settings, "INVENTORY_KIND_MAP", {}), ENVIRONMENT_TYPE}
    )
    return {
        "TableName": "PowerPlatformResources",
        "Clauses": [
            {
                "$type": "where",
                "FieldName": "type",
                "Operator": "in~",
                "Values": [f"'{kind}'" for kind in types],
            },
            {"$type": "orderby", "FieldNamesAscDesc": {"name": "asc"}},
        ],
        "Options": {"Top": page_size, "SkipToken": skip_token},
    }


def _retry_after(response, attempt: int) -> float:
    value = response.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return min(float(value), MAX_WAIT)
    if value:
        try:
            moment = email.utils.parsedate_to_datetime(value)
            return min(max((moment - datetime.now(UTC)).total_seconds(), 0.0), MAX_WAIT)
        except (TypeError, ValueError):
            pass
    return _backoff(attempt)


def _backoff(attempt: int) -> float:
    return min(2.0**attempt, MAX_WAIT)


def _error_text(response) -> str:
    try:
        error = response.json().get("error", {})
        return f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
    except (ValueError, AttributeError):
        return response.text[:200]


def fetch_pages(token, *, on_page=None, sleep=time.sleep) -> list[dict]:
    """Every page of the query. `token(fresh: bool) -> str` gives an access token (a fresh one
    after a 401). `on_page(pages, rows)` reports progress. Raises SyncError."""
    url = f"{settings.INVENTORY_API_BASE_URL.rstrip('/')}{QUERY_PATH}"
    timeout = (10, settings.INVENTORY_API_TIMEOUT)
    session = requests.Session()
    pages, rows, skip_token, seen_tokens = [], 0, "", set()
    access = token(False)
    for number in range(1, MAX_PAGES + 1):
        refreshed = False
        for attempt in range(MAX_ATTEMPTS):
            try:
                response = session.post(
                    url,
                    params={"api-version": API_VERSION},
                    json=query_body(skip_token),
                    headers={"Authorization": f"Bearer {access}"},
                    timeout=timeout,
                )
            except (requests.Timeout, requests.ConnectionError) as exc:
                if attempt == MAX_ATTEMPTS - 1:
                    raise SyncError(
                        f"Page {number}: the API did not answer ({type(exc).__name__})."
                    ) from None
                sleep(_backoff(attempt))
                continue
            if response.status_code == 401 and not refreshed:
                refreshed = True
                access = token(True)
                continue
            if response.status_code == 401:
                raise SyncError(_("The API refused the token (expired or revoked): connect again."))
            if response.status_code == 429 or response.status_code >= 500:
                if attempt == MAX_ATTEMPTS - 1:
                    raise SyncError(
                        f"Page {number}: the API kept answering {response.status_code}; try later."
                    )
                sleep(
                    _retry_after(response, attempt)
                    if response.status_code == 429
                    else _backoff(attempt)
                )
                continue
            if response.status_code != 200:
                reason = _error_text(response)
                raise SyncError(
                    f"Page {number}: the API answered {response.status_code} ({reason})."
                )
            break
        try:
            page = response.json()
        except ValueError:
            raise SyncError(f"Page {number} is not JSON; nothing was imported.") from None
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise SyncError(f"Page {number} has no “data” list; nothing was imported.")
        pages.append({"data": page["data"]})
        rows += len(page["data"])
        if on_page:
            on_page(number, rows, page.get("totalRecords"))
        skip_token = page.get("skipToken") or page.get("$skipToken") or ""
        if not skip_token:
            return pages
        if skip_token in seen_tokens:
            raise SyncError(f"Page {number} repeats an earlier skip token; the API is looping.")
        seen_tokens.add(skip_token)
    raise SyncError(f"More than {MAX_PAGES} pages; stopped.")


def write_pages(pages: list[dict], path) -> None:
    """Keep what the API returned as a file, read later like an uploaded API response."""
    with open(path, "w", encoding="utf-8") as out:
        json.dump(pages, out)
