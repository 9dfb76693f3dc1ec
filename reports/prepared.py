"""Executive dashboards prepared ahead of their first reader.

The dashboards executives open first (the whole organisation and each top-level unit, for the
default period, in every language) are computed by a job that beat runs every minute, and kept
in PreparedDashboard with the data version and day they were computed for. The page and the API
take a prepared dashboard only while both are still current (config.figures_cache), so a change
is never hidden: until the next run has prepared it again, the first reader gets the dashboard
computed for them, as before. A run after a quiet minute does nothing but compare versions.

Why a job and not the services that write the data: a change may touch any scope, and preparing
every scope again costs a second or more, which no writer should wait for. One run covers every
change made since the last one, however many."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone, translation

from accounts.models import BusinessUnit
from config import figures_cache

from . import dashboard
from .models import PreparedDashboard

logger = logging.getLogger(__name__)

LOCK_KEY = "dashboards:preparing"
LOCK_SECONDS = 600  # a run that dies holding the lock blocks the next ones this long at most


def scope_key(unit) -> str:
    return "org" if unit is None else str(unit.pk)


def prepared_scopes() -> list[BusinessUnit | None]:
    """The organisation and its top-level units: the dashboards read first and most often."""
    return [None, *BusinessUnit.objects.filter(parent__isnull=True).order_by("name")]


def find(unit, period_key: str, today) -> dict | None:
    """{"figures", "panels"} of the prepared dashboard of `unit` for `period_key` in the active
    language, if it was prepared for `today` and the current data version. Only the scopes
    prepared are looked up (no query for a unit further down or another period)."""
    if period_key != dashboard.DEFAULT_PERIOD or (unit is not None and unit.parent_id):
        return None
    current = figures_cache.version()
    if current is None:  # without the version nothing tells whether it is current
        return None
    return (
        PreparedDashboard.objects.filter(
            scope=scope_key(unit),
            period_key=period_key,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            day=today,
            data_version=current,
        )
        .values("figures", "panels")
        .first()
    )


def prepare_dashboards() -> int:
    """Prepare again every dashboard of `prepared_scopes()` that is not current; returns how many
    were prepared. Runs one at a time (a lock in the cache); does nothing without the cache."""
    from .dashboard_panels import render_panels

    version = figures_cache.version()
    if version is None:
        return 0
    try:
        if not cache.add(LOCK_KEY, True, timeout=LOCK_SECONDS):
            return 0  # another run is at it
    except figures_cache.CACHE_ERRORS:
        return 0
    try:
        today = timezone.localdate()
        period_key = dashboard.DEFAULT_PERIOD
        scopes = prepared_scopes()
        keys = [scope_key(unit) for unit in scopes]
        current = set(
            PreparedDashboard.objects.filter(
                period_key=period_key, day=today, data_version=version
            ).values_list("scope", "language")
        )
        # Scopes no longer prepared (a unit deleted or moved below another) are forgotten.
        PreparedDashboard.objects.filter(~Q(scope__in=keys)).delete()
        units = dashboard.unit_choices()
        prepared = 0
        for unit, key in zip(scopes, keys, strict=True):
            for language, _name in settings.LANGUAGES:
                if (key, language) in current:
                    continue
                with translation.override(language):
                    figures = dashboard.dashboard_figures(
                        unit=unit, period_key=period_key, today=today, units=units
                    )
                    panels = render_panels(figures)
                PreparedDashboard.objects.update_or_create(
                    scope=key,
                    period_key=period_key,
                    language=language,
                    defaults={
                        "day": today,
                        "data_version": version,
                        "figures": figures,
                        "panels": panels,
                        "prepared_at": timezone.now(),
                    },
                )
                prepared += 1
        return prepared
    finally:
        try:
            cache.delete(LOCK_KEY)
        except figures_cache.CACHE_ERRORS:
            logger.warning("Could not release the dashboards' lock", exc_info=True)
