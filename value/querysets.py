"""Reusable reads for the solution inventory, value records and programme costs."""

from django.db import models

from accounts.policy import is_coe, is_reader


class SolutionQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SolutionQuerySet":
        """Readers (executives, the CoE, admins) see every solution; makers see their own."""
        if is_reader(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)

    def editable_by(self, user) -> "SolutionQuerySet":
        """Solutions whose value and costs `user` may record: all for the CoE, own for makers."""
        if is_coe(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(owner=user)

    def linkable_to_story(self, author, keep_id: int | None = None) -> "SolutionQuerySet":
        """Solutions a story by `author` may name: those the author may see (a story must not
        point its readers, or its author, at a solution they cannot open), plus `keep_id`, the
        one the story names already, so that editing never drops a link the CoE made."""
        visible = self.visible_to(author)
        if keep_id is None:
            return visible
        return self.filter(models.Q(pk__in=visible.values("pk")) | models.Q(pk=keep_id))

    def in_units(self, unit_ids) -> "SolutionQuerySet":
        """Solutions of the given business units (None means the whole organisation)."""
        return self if unit_ids is None else self.filter(business_unit_id__in=unit_ids)

    def for_list(self) -> "SolutionQuerySet":
        return self.select_related("business_unit", "owner")


class ValueRecordQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ValueRecordQuerySet":
        """Records of the solutions the user may see."""
        if is_reader(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(solution__owner=user)

    def in_units(self, unit_ids) -> "ValueRecordQuerySet":
        return self if unit_ids is None else self.filter(solution__business_unit_id__in=unit_ids)

    def in_period(self, start, end) -> "ValueRecordQuerySet":
        """Records whose month lies between `start` and `end` (both dates, inclusive)."""
        return self.filter(month__gte=start.replace(day=1), month__lte=end)


class ProgrammeCostQuerySet(models.QuerySet):
    def overlapping(self, start, end) -> "ProgrammeCostQuerySet":
        """Costs whose period shares at least one day with [start, end]."""
        return self.filter(starts_on__lte=end, ends_on__gte=start)

    def in_units(self, unit_ids) -> "ProgrammeCostQuerySet":
        """Costs of the given units; organisation-wide costs only when unit_ids is None."""
        return self if unit_ids is None else self.filter(business_unit_id__in=unit_ids)


class UnitMonthQuerySet(models.QuerySet):
    """Reads of the monthly roll-up tables."""

    def in_units(self, unit_ids) -> "UnitMonthQuerySet":
        return self if unit_ids is None else self.filter(business_unit_id__in=unit_ids)
