"""Live progress of a working import run. The commit runs in one transaction (all or nothing), so
its progress cannot be read from the run row by another connection until it ends: it is kept in
the cache (Redis in production), keyed by run, and the run row holds the final figures."""

from django.core.cache import cache

TTL = 6 * 3600


def _key(run_id: int) -> str:
    return f"inventory:run:{run_id}:progress"


def progress_set(run_id: int, *, phase: str, done: int, total: int) -> None:
    cache.set(_key(run_id), {"phase": phase, "done": done, "total": total}, TTL)


def progress_get(run) -> dict:
    """{"phase", "done", "total", "percent"} of a run: live while it works, final afterwards."""
    live = cache.get(_key(run.pk)) if run.is_working else None
    if live is None:
        live = {"phase": run.status, "done": run.rows_done, "total": run.rows_total}
    total = live["total"] or 0
    live["percent"] = min(100, round(100 * live["done"] / total)) if total else 0
    return live


class Counter:
    """Counts rows written in batches and publishes the count."""

    def __init__(self, run_id: int, phase: str, total: int):
        self.run_id, self.phase, self.total, self.done = run_id, phase, total, 0
        progress_set(run_id, phase=phase, done=0, total=total)

    def __call__(self, rows: int) -> None:
        self.done += rows
        progress_set(self.run_id, phase=self.phase, done=self.done, total=self.total)
