"""Reusable reads for plans, objectives, key results, check-ins, initiatives and KPIs."""

from datetime import date, timedelta

from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


# The fields of a key result that its progress is computed from (strategy.progress).
PROGRESS_FIELDS = ("id", "objective_id", "kind", "baseline", "target", "current", "weight")


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> "PlanQuerySet":
        """Plans a user may read: every signed-in user reads every plan (policy
        "strategy.view_plan"); anonymous users none."""
        return self if _signed_in(user) else self.none()

    def active(self) -> "PlanQuerySet":
        return self.filter(status="active")

    def for_list(self) -> "PlanQuerySet":
        """With owner, sponsor and unit joined, and each objective's live key results prefetched
        with only what progress needs: a plan's progress needs no further query, and a list of
        plans with thousands of key results reads a few columns of each, nothing joined."""
        from .models import KeyResult, Objective

        progress_inputs = KeyResult.objects.alive().only(*PROGRESS_FIELDS)
        objectives = Objective.objects.only("id", "plan_id").prefetch_related(
            Prefetch("key_results", queryset=progress_inputs, to_attr="live_key_results")
        )
        return self.select_related("owner", "sponsor", "business_unit").prefetch_related(
            Prefetch("objectives", queryset=objectives, to_attr="objective_list")
        )

    def for_detail(self) -> "PlanQuerySet":
        """for_list() with the whole of each objective and key result (owner, KPI and the time
        of the last check-in included), as the plan's own page shows them."""
        from .models import Objective

        return self.select_related("owner", "sponsor", "business_unit").prefetch_related(
            Prefetch(
                "objectives",
                queryset=Objective.objects.prefetch_live_key_results(),
                to_attr="objective_list",
            )
        )


class ObjectiveQuerySet(models.QuerySet):
    def prefetch_live_key_results(self) -> "ObjectiveQuerySet":
        """Each objective with its non-deleted key results (owner, KPI and the time of the last
        check-in included) as `live_key_results`."""
        from .models import KeyResult

        return self.select_related("owner").prefetch_related(
            Prefetch(
                "key_results",
                queryset=KeyResult.objects.alive()
                .with_latest_check_in()
                .select_related("owner", "kpi"),
                to_attr="live_key_results",
            )
        )


class KeyResultQuerySet(models.QuerySet):
    def visible_to(self, user) -> "KeyResultQuerySet":
        """Key results a user may read: all for signed-in users (like plans)."""
        return self if _signed_in(user) else self.none()

    def alive(self) -> "KeyResultQuerySet":
        """Key results that have not been deleted."""
        return self.filter(deleted_at__isnull=True)

    def progress_by_plan(self, plan_ids) -> dict:
        """Each plan's progress, as Plan.progress() computes it (the weighted mean of each
        objective's key results, then the plain mean of the objectives), from one read of the
        numbers as plain rows: a page of plans with thousands of key results builds no model
        instance for them. Plans without a checked-in key result map to None."""
        from . import progress as rules

        rows = self.filter(objective__plan_id__in=plan_ids).values_list(
            "objective__plan_id", "objective_id", "kind", "baseline", "target", "current", "weight"
        )
        objectives: dict[int, dict[int, list]] = {plan_id: {} for plan_id in plan_ids}
        for plan_id, objective_id, kind, baseline, target, current, weight in rows:
            pairs = objectives[plan_id].setdefault(objective_id, [])
            pairs.append((rules.kr_progress(kind, baseline, target, current), weight))
        return {
            plan_id: rules.plan_progress(rules.weighted_progress(p) for p in by_objective.values())
            for plan_id, by_objective in objectives.items()
        }

    def deleted(self) -> "KeyResultQuerySet":
        """Deleted key results, kept with their check-ins so that they can be restored."""
        return self.filter(deleted_at__isnull=False)

    def with_latest_check_in(self) -> "KeyResultQuerySet":
        """Annotates `last_check_in_at` and `last_confidence` from the newest check-in (one
        subquery each, no extra round trips)."""
        from .models import CheckIn

        latest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-created_at", "-pk")
        return self.annotate(
            last_check_in_at=Subquery(latest.values("created_at")[:1]),
            last_confidence=Subquery(latest.values("confidence")[:1]),
        )

    def for_display(self) -> "KeyResultQuerySet":
        return self.select_related("owner", "kpi", "objective__plan")

    def check_in_due(self, today: date) -> "KeyResultQuerySet":
        """Live key results of active plans, running today, whose last check-in (or start, if
        never checked in) lies further back than their check-in frequency allows."""
        from .models import FREQUENCY_DAYS

        due = Q()
        for frequency, days in FREQUENCY_DAYS.items():
            cutoff = today - timedelta(days=days)
            due |= Q(check_in_frequency=frequency) & (
                Q(last_check_in_at__date__lte=cutoff)
                | Q(last_check_in_at__isnull=True, starts_on__lte=cutoff)
            )
        return (
            self.alive()
            .filter(objective__plan__status="active", starts_on__lte=today, due_on__gte=today)
            .with_latest_check_in()
            .filter(due)
            .for_display()
            .order_by("due_on", "pk")
        )

    def owned_by(self, user) -> "KeyResultQuerySet":
        return self.filter(owner=user)


class CheckInQuerySet(models.QuerySet):
    def for_history(self) -> "CheckInQuerySet":
        return self.select_related("author", "measurement").order_by("created_at", "pk")


class InitiativeQuerySet(models.QuerySet):
    def visible_to(self, user) -> "InitiativeQuerySet":
        return self if _signed_in(user) else self.none()

    def for_board(self) -> "InitiativeQuerySet":
        return self.select_related("owner", "plan").prefetch_related(
            "objectives", "areas", "opportunities"
        )


class KpiQuerySet(models.QuerySet):
    def visible_to(self, user) -> "KpiQuerySet":
        """KPIs are read by every signed-in user, like plans."""
        return self if _signed_in(user) else self.none()

    def with_latest_measurement(self) -> "KpiQuerySet":
        """Annotates `latest_value` and `latest_on` from the newest measurement."""
        from .models import KpiMeasurement

        latest = KpiMeasurement.objects.filter(kpi=OuterRef("pk")).order_by("-measured_on", "-pk")
        return self.annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_on=Subquery(latest.values("measured_on")[:1]),
        )
