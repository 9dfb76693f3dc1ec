"""The executive dashboard's ideas panel: ideas in the pipeline and their projected value, by
key result. One query, whatever the number of ideas (the totals are scalar subqueries of the
same statement, since an idea linked to two key results counts in two rows)."""

from django.db.models import Count, DecimalField, IntegerField, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from .models import Idea

KEY_RESULT_ROWS = 8


class _Scalar(Subquery):
    """A subquery's one aggregate as a scalar of the outer statement."""

    output_field = DecimalField(max_digits=20, decimal_places=2)


def pipeline_by_key_result(unit_ids) -> dict:
    """Submitted ideas not yet declined or delivered, in `unit_ids` (None: everywhere): how many
    and their estimated value a year, in total and per key result (best first; ideas with no key
    result in one row with key_result None). JSON-safe."""
    pipeline = Idea.objects.in_pipeline()
    if unit_ids is not None:
        pipeline = pipeline.filter(business_unit_id__in=unit_ids)
    # Grouped by a constant: one row, the aggregate over the whole pipeline.
    totals = pipeline.order_by().annotate(whole=Value(1)).values("whole")
    count = _Scalar(totals.annotate(n=Count("pk")).values("n"), output_field=IntegerField())
    value = _Scalar(
        totals.annotate(
            v=Coalesce(Sum("potential_value_year"), 0, output_field=DecimalField())
        ).values("v")
    )
    rows = list(
        pipeline.order_by()
        .values("key_result_links__key_result__uuid", "key_result_links__key_result__title")
        .annotate(
            ideas=Count("pk", distinct=True),
            value=Sum("potential_value_year"),
            all_ideas=count,
            all_value=value,
        )
        .order_by("-value", "key_result_links__key_result__title")[: KEY_RESULT_ROWS + 1]
    )
    first = rows[0] if rows else {}
    return {
        "ideas": int(first.get("all_ideas") or 0),
        "value": str(first.get("all_value") or "0.00"),
        "by_key_result": [
            {
                "key_result": row["key_result_links__key_result__title"],
                "uuid": str(row["key_result_links__key_result__uuid"] or ""),
                "ideas": row["ideas"],
                "value": str(row["value"] or "0.00"),
            }
            for row in rows[:KEY_RESULT_ROWS]
        ],
    }
