"""Bulk writes and set-based diffs for imports at tenant scale.

Rows are streamed into PostgreSQL with COPY (psycopg2's `copy_expert`) in chunks, never held
whole in memory, and the comparison with what is stored is one SQL statement instead of a query
(or a Python object) per row. Temporary tables live for the database session of the import and
are emptied before each use.

Elsewhere (the embedded SQLite set-up, `connection.vendor != "postgresql"`) every function takes
a portable path with the same results: rows are inserted with `executemany` in chunks, PostgreSQL's
tuning (`work_mem`, ANALYZE) is skipped, and the comparison is written in SQL SQLite accepts. It
serves a demo-sized organisation; speed there is not a goal.

SQL here is built from our own table and column names (quoted) and constants, never from
data: values always travel as parameters or through COPY (hence the S608 exemptions)."""

import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from itertools import islice
from uuid import UUID, uuid4

from django.db import connection, models
from django.utils import timezone

COPY_CHUNK = 20_000


def _is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def batched(rows: Iterable, size: int):
    """Lists of up to `size` rows (itertools.batched arrives with Python 3.12)."""
    rows = iter(rows)
    while chunk := list(islice(rows, size)):
        yield chunk


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    return str(value).translate(_ESCAPES)


# Text of a value by its exact type: one dictionary lookup instead of a chain of isinstance.
_BY_TYPE = {
    str: _text,
    int: str,
    float: str,
    bool: lambda value: "t" if value else "f",
    type(None): lambda _value: "\\N",
    date: date.isoformat,
    datetime: datetime.isoformat,
    UUID: str,
    dict: lambda value: _text(json.dumps(value)),
    list: lambda value: _text(json.dumps(value)),
}


def copy_text(value) -> str:
    """One value in COPY's text format (\\N is NULL)."""
    convert = _BY_TYPE.get(type(value))
    if convert is None:  # a subclass (a TextChoices member is a str), a Decimal, …
        if isinstance(value, bool):
            return "t" if value else "f"
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, dict | list):
            return _text(json.dumps(value))
        return _text(value)
    return convert(value)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY rows (sequences in `columns` order) into `table`, COPY_CHUNK rows at a time.
    Returns the number of rows copied."""
    if not _is_postgresql():
        return _insert_many(table, columns, (tuple(map(_portable, row)) for row in rows))
    return copy_lines(table, columns, ("\t".join(map(copy_text, row)) for row in rows))


def copy_lines(table: str, columns: Sequence[str], lines: Iterable[str]) -> int:
    """COPY lines already in COPY's text format (tab-separated, escaped, no newline)."""
    if not _is_postgresql():
        return _insert_many(table, columns, map(_parse_line, lines))
    statement = (
        f"COPY {connection.ops.quote_name(table)} "
        f"({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN"
    )
    copied = 0
    buffer = io.StringIO()
    pending = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor, for copy_expert

        def flush():
            buffer.seek(0)
            raw.copy_expert(statement, buffer)
            buffer.seek(0)
            buffer.truncate()

        for line in lines:
            buffer.write(line)
            buffer.write("\n")
            pending += 1
            if pending >= COPY_CHUNK:
                flush()
                copied += pending
                pending = 0
        if pending:
            flush()
            copied += pending
    return copied


def _portable(value):
    """One value as a parameter of the portable path: what COPY's text would have meant."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)  # a TextChoices member becomes its plain text
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, date):
        return connection.ops.adapt_datefield_value(value)
    if isinstance(value, UUID):
        return value.hex  # how Django stores a UUIDField outside PostgreSQL
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, int | float) or value is None:
        return value
    return str(value)  # a Decimal, …


_UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}
_ESCAPED = re.compile(r"\\[\\tnr]")


def _parse_line(line: str) -> tuple:
    """The values of one line in COPY's text format (\\N is NULL), as text."""
    return tuple(
        None if field == "\\N" else _ESCAPED.sub(lambda m: _UNESCAPES[m.group(0)], field)
        for field in line.split("\t")
    )


def _insert_many(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """The portable COPY: INSERT rows with executemany, COPY_CHUNK rows at a time."""
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    inserted = 0
    with connection.cursor() as cursor:
        for chunk in batched(rows, COPY_CHUNK):
            cursor.executemany(statement, chunk)
            inserted += len(chunk)
    return inserted


def model_defaults(model, given: Sequence[str]) -> tuple[list[str], list[str], list]:
    """The NOT NULL columns of `model` that `given` leaves out, each with an SQL expression and
    its parameters giving its value in a new row: a fresh UUID per row (gen_random_uuid()) for
    a uuid4 default, the time of the import for auto_now(_add), else the model default."""
    now = timezone.now()
    columns, expressions, params = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.column in given or field.attname in given:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            if field.default is uuid4:
                columns.append(field.column)
                expressions.append("gen_random_uuid()")
                continue
            value = field.get_default()
        elif not field.null and isinstance(field, models.CharField | models.TextField):
            value = ""
        else:
            continue
        columns.append(field.column)
        expressions.append("%s")
        params.append(field.get_db_prep_save(value, connection))
    return columns, expressions, params


def copy_new(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert new rows of `model`: `columns` as given, streamed with COPY into a temporary
    table, then one INSERT … SELECT that adds every other NOT NULL column's default."""
    if not _is_postgresql():
        return _copy_new_portable(model, columns, rows)
    quote = connection.ops.quote_name
    table = model._meta.db_table
    stage = f"{table}_new"
    temp_table_like(stage, table, columns)
    copy_rows(stage, columns, rows)
    extra, expressions, params = model_defaults(model, columns)
    listed = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {quote(table)} ({listed}{"".join(", " + quote(c) for c in extra)})
            SELECT {listed}{"".join(", " + e for e in expressions)}
            FROM {quote(stage)}""",  # noqa: S608
            params,
        )
        inserted = cursor.rowcount
        cursor.execute(f"DROP TABLE {quote(stage)}")
    return inserted


def temp_table_like(name: str, table: str, columns: Sequence[str]) -> None:
    """An empty temporary table `name` with these columns of `table` (same types)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {quote(name)}")
        listed = ", ".join(quote(c) for c in columns)
        if not _is_postgresql():  # no WITH NO DATA: a query that returns no row
            cursor.execute(
                f"""CREATE TEMPORARY TABLE {quote(name)} AS
                SELECT {listed} FROM {quote(table)} WHERE 1 = 0"""  # noqa: S608
            )
            return
        cursor.execute(
            f"""CREATE TEMPORARY TABLE {quote(name)} AS
            SELECT {listed} FROM {quote(table)} WITH NO DATA"""  # noqa: S608
        )


def update_from(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """UPDATE rows of `model` by primary key from (pk, *columns) rows, through a temporary
    table filled with COPY: one statement, whatever the number of rows. Returns rows updated."""
    if not _is_postgresql():
        return _update_from_portable(model, columns, rows)
    quote = connection.ops.quote_name
    table = model._meta.db_table
    stage = f"{table}_stage"
    temp_table_like(stage, table, ["id", *columns])
    copy_rows(stage, ["id", *columns], rows)
    assignments = ", ".join(f"{quote(c)} = t.{quote(c)}" for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {quote(stage)}")
        cursor.execute(
            f"""UPDATE {quote(table)} AS s SET {assignments}
            FROM {quote(stage)} AS t WHERE s.id = t.id"""  # noqa: S608
        )
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {quote(stage)}")
    return updated


def _fields_of(model, columns: Sequence[str]) -> list:
    by_column = {}
    for field in model._meta.concrete_fields:
        by_column[field.attname] = by_column[field.column] = field
    return [by_column[column] for column in columns]


def _copy_new_portable(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """copy_new outside PostgreSQL: the rows, each with the same defaults (a fresh UUID made
    here for each row), inserted with executemany."""
    fields = _fields_of(model, columns)
    extra, expressions, params = model_defaults(model, columns)
    extra_fields = _fields_of(model, extra)
    fixed = iter(params)
    # Per extra column: its one value, or None when each row needs its own (a uuid4 default).
    defaults = [next(fixed) if expression == "%s" else None for expression in expressions]

    def values():
        for row in rows:
            yield (
                *(
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, row, strict=True)
                ),
                *(
                    value
                    if value is not None
                    else field.get_db_prep_save(field.get_default(), connection)
                    for field, value in zip(extra_fields, defaults, strict=True)
                ),
            )

    return _insert_many(model._meta.db_table, [*columns, *extra], values())


def _update_from_portable(model, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """update_from outside PostgreSQL: one UPDATE by primary key per row, with executemany."""
    quote = connection.ops.quote_name
    fields = _fields_of(model, columns)
    pk = model._meta.pk
    assignments = ", ".join(f"{quote(c)} = %s" for c in columns)
    statement = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(pk.column)} = %s"
    )

    def values():
        for pk_value, *row in rows:
            yield (
                *(
                    field.get_db_prep_save(value, connection)
                    for field, value in zip(fields, row, strict=True)
                ),
                pk.get_db_prep_save(pk_value, connection),
            )

    updated = 0
    with connection.cursor() as cursor:
        for chunk in batched(values(), COPY_CHUNK):
            cursor.executemany(statement, chunk)
            updated += cursor.rowcount
    return updated


class UsageStage:
    """The monthly usage rows of one file, staged in a temporary table as they are read, then
    compared with value.SolutionUsage and written in SQL. Lines that repeat a (resource, month)
    of an earlier line, and resources no solution has, are rejected with their line number."""

    TABLE = "inventory_usage_stage"
    DIFF = "inventory_usage_diff"
    COLUMNS = ["line", "resource_id", "month", "runs", "launches", "active_users"]
    # Sorting and hashing 600,000 rows fits in memory with this (the default 4 MB spills to
    # disk); set for this session while the stage exists, reset by drop().
    WORK_MEM = "128MB"

    def __init__(self):
        self.rows = 0
        self.compared = False
        with connection.cursor() as cursor:
            if _is_postgresql():
                cursor.execute("SELECT set_config('work_mem', %s, false)", [self.WORK_MEM])
            cursor.execute(f"DROP TABLE IF EXISTS {self.DIFF}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.TABLE} (line integer NOT NULL, "
                "resource_id varchar(100) NOT NULL, month date NOT NULL, runs bigint NOT NULL, "
                "launches bigint NOT NULL, active_users bigint NOT NULL)"
            )

    def add(self, usage_rows) -> None:
        """Stage a chunk of inventory.sources.rows.UsageRow."""
        if not _is_postgresql():
            self.rows += _insert_many(
                self.TABLE,
                self.COLUMNS,
                (
                    (u.line, u.resource_id, u.month.isoformat(), u.runs, u.launches, u.active_users)
                    for u in usage_rows
                ),
            )
            return
        # Formatted here, by known types: the generic copy_text would cost a call per value.
        self.rows += copy_lines(
            self.TABLE,
            self.COLUMNS,
            (
                f"{u.line}\t{_text(u.resource_id)}\t{u.month.isoformat()}\t{u.runs}\t"
                f"{u.launches}\t{u.active_users}"
                for u in usage_rows
            ),
        )

    # The first line of each (resource, month), joined to its solution and stored usage.
    _FIRSTS = f"""
        WITH firsts AS (
            SELECT DISTINCT ON (resource_id, month) line, resource_id, month, runs, launches,
                   active_users
            FROM {TABLE} ORDER BY resource_id, month, line
        )
        SELECT f.line, f.resource_id, f.month, f.runs, f.launches, f.active_users,
               v.id AS solution_id, u.id AS usage_id,
               (u.runs, u.launches, u.active_users)
                   IS DISTINCT FROM (f.runs, f.launches, f.active_users) AS differs
        FROM firsts f
        LEFT JOIN value_solution v ON v.resource_id = f.resource_id AND v.resource_id <> ''
        LEFT JOIN value_solutionusage u ON u.solution_id = v.id AND u.month = f.month
    """  # noqa: S608

    # The same outside PostgreSQL: the first line by min(line) per (resource, month), joined
    # back; stored figures compared column by column with IS NOT (NULL-safe, as IS DISTINCT
    # FROM is: no stored row differs).
    _FIRSTS_PORTABLE = f"""
        WITH firsts AS (
            SELECT s.line, s.resource_id, s.month, s.runs, s.launches, s.active_users
            FROM {TABLE} s
            JOIN (
                SELECT resource_id, month, min(line) AS line FROM {TABLE}
                GROUP BY resource_id, month
            ) m ON m.resource_id = s.resource_id AND m.month = s.month AND m.line = s.line
        )
        SELECT f.line, f.resource_id, f.month, f.runs, f.launches, f.active_users,
               v.id AS solution_id, u.id AS usage_id,
               (u.runs IS NOT f.runs OR u.launches IS NOT f.launches
                OR u.active_users IS NOT f.active_users) AS differs
        FROM firsts f
        LEFT JOIN value_solution v ON v.resource_id = f.resource_id AND v.resource_id <> ''
        LEFT JOIN value_solutionusage u ON u.solution_id = v.id AND u.month = f.month
    """  # noqa: S608

    def counts(self) -> dict:
        """{"write", "unchanged", "rejected"}: rows to insert or change, rows already stored
        with the same figures, and rows rejected (repeated or of an unknown resource). The
        comparison is kept in a temporary table for write()."""
        postgresql = _is_postgresql()
        firsts = self._FIRSTS if postgresql else self._FIRSTS_PORTABLE
        with connection.cursor() as cursor:
            if postgresql:
                cursor.execute(f"ANALYZE {self.TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.DIFF}")
            cursor.execute(f"CREATE TEMPORARY TABLE {self.DIFF} AS {firsts}")
            cursor.execute(
                f"""SELECT count(*) FILTER (WHERE solution_id IS NOT NULL AND differs),
                count(*) FILTER (WHERE solution_id IS NOT NULL AND NOT differs),
                count(*) FILTER (WHERE solution_id IS NULL) FROM {self.DIFF}"""  # noqa: S608
            )
            write, unchanged, unknown = cursor.fetchone()
        self.compared = True
        return {
            "write": write,
            "unchanged": unchanged,
            "rejected": unknown + (self.rows - write - unchanged - unknown),
        }

    def store_rejections(self, run_id: int) -> int:
        """Add the rejected lines to the run's diff (in line order), straight from SQL."""
        if not _is_postgresql():
            return self._store_rejections_portable(run_id)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO inventory_importchange
                    (run_id, action, line, resource_id, name, reason, fields)
                SELECT %s, 'rejected', line, resource_id, '', reason, '{{}}'::jsonb FROM (
                    SELECT s.line, s.resource_id,
                        CASE WHEN s.line <> first_line
                            THEN to_char(s.month, 'YYYY-MM') || ' of ' || s.resource_id
                                 || ' is already on line ' || first_line
                            ELSE 'no solution has this resource id' END AS reason
                    FROM (
                        SELECT line, resource_id, month, min(line) OVER
                            (PARTITION BY resource_id, month) AS first_line
                        FROM {self.TABLE}
                    ) AS s
                    LEFT JOIN value_solution v
                        ON v.resource_id = s.resource_id AND v.resource_id <> ''
                    WHERE s.line <> s.first_line OR v.id IS NULL
                    ORDER BY s.line
                ) AS r
                """,  # noqa: S608
                [run_id],
            )
            return cursor.rowcount

    def _store_rejections_portable(self, run_id: int) -> int:
        """store_rejections outside PostgreSQL: the month as text is the date's first seven
        characters (how SQLite stores a date), the empty JSON object plain text."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO inventory_importchange
                    (run_id, action, line, resource_id, name, reason, fields)
                SELECT %s, 'rejected', s.line, s.resource_id, '',
                    CASE WHEN s.line <> s.first_line
                        THEN substr(s.month, 1, 7) || ' of ' || s.resource_id
                             || ' is already on line ' || s.first_line
                        ELSE 'no solution has this resource id' END,
                    '{{}}'
                FROM (
                    SELECT line, resource_id, month, min(line) OVER
                        (PARTITION BY resource_id, month) AS first_line
                    FROM {self.TABLE}
                ) AS s
                LEFT JOIN value_solution v
                    ON v.resource_id = s.resource_id AND v.resource_id <> ''
                WHERE s.line <> s.first_line OR v.id IS NULL
                ORDER BY s.line
                """,  # noqa: S608
                [run_id],
            )
            return cursor.rowcount

    def write(self) -> int:
        """Insert new monthly rows and update changed ones; rows with the same figures are not
        touched. Returns the rows written."""
        if not self.compared:
            self.counts()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO value_solutionusage (solution_id, month, runs, launches, active_users)
                SELECT solution_id, month, runs, launches, active_users
                FROM {self.DIFF} WHERE solution_id IS NOT NULL AND differs
                ON CONFLICT (solution_id, month) DO UPDATE SET runs = EXCLUDED.runs,
                    launches = EXCLUDED.launches, active_users = EXCLUDED.active_users
                """  # noqa: S608
            )
            return cursor.rowcount

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.DIFF}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            if _is_postgresql():
                cursor.execute("RESET work_mem")
