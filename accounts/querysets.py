"""Reusable reads for organisation data."""

from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import connections, models


class BusinessUnitQuerySet(models.QuerySet):
    def subtree_ids(self, unit) -> list[int]:
        """Ids of `unit` and all units below it, in one recursive query (no stored paths to keep
        in sync when a unit moves)."""
        sql = (
            "WITH RECURSIVE tree(id) AS (SELECT id FROM accounts_businessunit WHERE id = %s "
            "UNION ALL SELECT u.id FROM accounts_businessunit u "
            "JOIN tree ON u.parent_id = tree.id) "
            "SELECT id FROM tree"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [unit.pk])
            return [row[0] for row in cursor.fetchall()]

    def subtree(self, unit) -> "BusinessUnitQuerySet":
        """`unit` and every unit below it."""
        return self.filter(pk__in=self.subtree_ids(unit))

    def with_depth(self) -> list:
        """All units in tree order, each with `.depth` set (0 for top-level units), for
        indented pickers and tree pages. One query."""
        units = list(self.select_related("leader").order_by("name"))
        by_parent: dict = {}
        for unit in units:
            by_parent.setdefault(unit.parent_id, []).append(unit)
        ordered: list = []

        def walk(parent_id, depth):
            for unit in by_parent.get(parent_id, []):
                unit.depth = depth
                ordered.append(unit)
                walk(unit.pk, depth + 1)

        walk(None, 0)
        return ordered


class UserQuerySet(models.QuerySet):
    def with_role(self, role) -> "UserQuerySet":
        """Active users holding `role` (an accounts.policy.Role)."""
        from .policy import ROLE_GROUPS

        return self.filter(is_active=True, groups__name=ROLE_GROUPS[role]).distinct()


class UserManager(DjangoUserManager.from_queryset(UserQuerySet)):
    pass
