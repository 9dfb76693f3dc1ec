"""Bulk "update or create" by natural key, for the content loaders (a few queries instead of
two per row)."""

from collections.abc import Callable, Iterable


def upsert(model, rows: Iterable[dict], key: Callable[[dict], tuple], fields: list[str]) -> dict:
    """Create the rows of `model` that do not exist yet and update `fields` of those that do;
    rows are matched by `key(row)` against the same key computed from existing objects'
    attributes. Returns {key: object} for every row given."""
    rows = list(rows)
    existing = {key(vars(obj)): obj for obj in model.objects.all()}
    result, to_create, to_update = {}, [], []
    for row in rows:
        obj = existing.get(key(row))
        if obj is None:
            obj = model(**row)
            to_create.append(obj)
        else:
            for name in fields:
                setattr(obj, name, row[name])
            to_update.append(obj)
        result[key(row)] = obj
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, fields)
    if to_create and to_create[0].pk is None:
        # Databases that do not return ids from bulk inserts (older SQLite builds): read them.
        fresh = {key(vars(obj)): obj for obj in model.objects.all()}
        result = {k: fresh[k] for k in result}
    return result
