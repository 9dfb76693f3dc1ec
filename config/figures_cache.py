"""Figures kept in the cache under a version of the data they are computed from.

Any write to a model of the apps whose rows make up figures (value, strategy, adoption, maturity,
stories, ideas, and the organisation's units), and a change of a person (their name shows in
cached lists), bumps the version, and so does every refresh of the
value roll-up (imports write past the models' save()). A cached figure's key holds the version:
after a change the next request computes afresh and the old entries expire unread. The version
is bumped at the write (so the writer's own transaction reads its change) and again when the
transaction commits (so nobody keeps what they computed in between, before the write was
visible). Entries also expire after a few minutes, for writes that pass both (an operator's SQL).

A cache that is down or hung only costs speed: the figures are computed, never a 500. After a
failure this process leaves the cache alone for RETRY_SECONDS (a hung Redis would otherwise cost
its socket timeout on every write of an import), and bumps the version first when it is back,
for the writes it could not announce."""

import logging
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

VERSION_KEY = "figures:version"
TIMEOUT = 300
# What a Redis cache that is down or hung raises (a timeout is a RedisError too).
CACHE_ERRORS = (RedisError, OSError)
FIGURE_APPS = {"value", "strategy", "adoption", "maturity", "stories", "ideas"}
FIGURE_MODELS = {("accounts", "businessunit"), ("accounts", "organisation")}
# Tables written and emptied in bulk whose every change comes with a roll-up refresh (which
# bumps): no receivers on them, so that Django keeps deleting their rows in one statement.
BULK_MODELS = {("value", "unitmonthvalue"), ("value", "unitmonthcost"),
               ("value", "solutionyearvalue"), ("value", "solutiontrailingvalue"),
               ("value", "solutionusage")}  # fmt: skip
RETRY_SECONDS = 30
# The version as read by the request being served (a dict per request, None outside requests).
_request_memo: ContextVar[dict | None] = ContextVar("figures_version_memo", default=None)
# Per cache location: when this process may try it again, and whether it owes it a bump.
_resting_until: dict[str, float] = {}
_owed_bump: set[str] = set()


def _location() -> str:
    return str(settings.CACHES["default"].get("LOCATION", ""))


def _available() -> bool:
    """False while the cache rests after a failure; when it is back, pay the bump we owe."""
    location = _location()
    if time.monotonic() < _resting_until.get(location, 0):
        return False
    if location in _owed_bump:
        _owed_bump.discard(location)
        _increment()
    return True


def _failed(what: str) -> None:
    location = _location()
    _resting_until[location] = time.monotonic() + RETRY_SECONDS
    logger.warning("Cache unavailable; %s (next try in %s s)", what, RETRY_SECONDS, exc_info=True)


def version() -> int | None:
    """The current version (None when the cache cannot be reached). Read once per request: a
    page of several cached pieces (the home page's panels) asks once, not once a piece; a bump
    during the request forgets it."""
    memo = _request_memo.get()
    if memo:
        return memo["version"]
    current = _read_version()
    if memo is not None and current is not None:
        memo["version"] = current
    return current


def _read_version() -> int | None:
    if not _available():
        return None
    try:
        current = cache.get(VERSION_KEY)
        if current is None:
            cache.add(VERSION_KEY, _fresh_version(), timeout=None)
            current = cache.get(VERSION_KEY)
    except CACHE_ERRORS:
        _failed("figures are computed")
        return None
    return current


def _fresh_version() -> int:
    """A first version above any that an emptied cache may still hold entries of: the clock in
    microseconds (no two writes a microsecond apart on average)."""
    return time.time_ns() // 1000


def _increment() -> None:
    if (memo := _request_memo.get()) is not None:
        memo.clear()
    if time.monotonic() < _resting_until.get(_location(), 0):
        _owed_bump.add(_location())
        return
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (a cache emptied, restarted or culled)
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
    except CACHE_ERRORS:
        _owed_bump.add(_location())
        _failed("figures version not bumped")


def bump() -> None:
    """The data of figures changed (or will, when the current transaction commits)."""
    _increment()
    connection = transaction.get_connection()
    if any(func is increment_after_commit for _ids, func, _robust in connection.run_on_commit):
        return  # one bump at the commit covers every write of the transaction
    transaction.on_commit(increment_after_commit)


def increment_after_commit() -> None:
    """The bump when a transaction that wrote figures commits (see bump())."""
    _increment()


def forget_entries() -> None:
    """Empty the cache but keep the data version: what the first reader after a change finds
    (nothing kept for the current version, while what was stamped with it, such as a prepared
    dashboard, stays current). For benchmarks and tests."""
    current = cache.get(VERSION_KEY)
    cache.clear()
    if current is not None:
        cache.set(VERSION_KEY, current, timeout=None)


def cached(key: str, compute: Callable[[], object], timeout: int = TIMEOUT):
    """compute() as of the current data version, from the cache when it holds it. `key` names
    everything else the result depends on (scope, period, day, language)."""
    current = version()
    if current is None:
        return compute()
    full_key = f"figures:{current}:{key}"
    try:
        value = cache.get(full_key)
    except CACHE_ERRORS:
        _failed("figures are computed")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(full_key, value, timeout)
        except CACHE_ERRORS:
            _failed("figures not kept")
    return value


def _changed(sender, **kwargs) -> None:
    bump()


def _person_changed(sender, update_fields=None, **kwargs) -> None:
    """Names of people show in cached lists (owners of plans and solutions). A sign-in saves
    last_login alone: that is no change of anything shown, and would otherwise empty the cache
    at every sign-in."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump()


def _request_started(**kwargs) -> None:
    _request_memo.set({})


def _request_finished(**kwargs) -> None:
    _request_memo.set(None)


def is_figures_model(model) -> bool:
    label = (model._meta.app_label, model._meta.model_name)
    if label in BULK_MODELS:
        return False
    return label[0] in FIGURE_APPS or label in FIGURE_MODELS


def connect() -> None:
    """Bump the version on every save and delete of a figures model (called once, at start).
    Connected to those models only: a receiver for every model would cost every other model
    Django's fast delete (one DELETE statement instead of reading the rows first)."""
    for model in apps.get_models():
        if is_figures_model(model):
            uid = f"figures_cache.{model._meta.label_lower}"
            post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}.save")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    post_save.connect(_person_changed, sender=user_model, dispatch_uid="figures_cache.person")
    request_started.connect(_request_started, dispatch_uid="figures_cache.request_started")
    request_finished.connect(_request_finished, dispatch_uid="figures_cache.request_finished")
