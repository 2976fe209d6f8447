"""Bulk row writers: PostgreSQL COPY for the big tables, executemany on SQLite.

Ids are handed out by the generator (one query for the table's current maximum), so child rows can point at
parents without reading anything back; `finish()` moves each table's id sequence past what was written.
"""

import contextlib
import datetime
import json
import time
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.db import connection
from django.db.models import Max, Model
from django.utils import timezone


class IdAllocator:
    """Next free primary keys per model, read once from the database."""

    def __init__(self):
        self._next: dict[type[Model], int] = {}

    def take(self, model: type[Model], count: int = 1) -> int:
        """Reserve `count` ids and return the first."""
        if model not in self._next:
            self._next[model] = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        first = self._next[model]
        self._next[model] = first + count
        return first

    def used(self) -> list[type[Model]]:
        return list(self._next)


class Progress:
    """Counts rows per table and prints a line with the rate every `every` seconds."""

    def __init__(self, stdout, every: float = 5.0):
        self.stdout = stdout
        self.every = every
        self.started = time.perf_counter()
        self.last = self.started
        self.rows: dict[str, int] = {}

    def add(self, table: str, count: int) -> None:
        self.rows[table] = self.rows.get(table, 0) + count

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def tick(self, label: str, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self.last < self.every:
            return
        self.last = now
        elapsed = now - self.started
        rate = self.total / elapsed if elapsed else 0.0
        self.stdout.write(f"[{elapsed:7.1f} s] {label}: {self.total:,} rows, {rate:,.0f} rows/s")
        self.stdout.flush()


def _sqlite_value(value):
    # Django stores aware datetimes on SQLite as naive UTC text; JSON as text.
    if isinstance(value, datetime.datetime):
        return str(timezone.make_naive(value, datetime.UTC)) if timezone.is_aware(value) else str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _pg_value(value):
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


class RowWriter:
    """Write rows (tuples in the order of `columns`) into a model's table."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.postgres = connection.vendor == "postgresql"

    @staticmethod
    def columns_of(model: type[Model], names: Sequence[str]) -> list[str]:
        return [model._meta.get_field(name).column for name in names]

    def write(self, model: type[Model], names: Sequence[str], rows: Iterable[tuple]) -> int:
        table = model._meta.db_table
        columns = self.columns_of(model, names)
        count = 0
        if self.postgres:
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            raw = connection.connection  # the psycopg connection under Django's wrapper
            with (
                raw.cursor() as cursor,
                cursor.copy(f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy,
            ):  # noqa: S608 (names come from model metadata)
                for row in rows:
                    copy.write_row([_pg_value(v) for v in row])
                    count += 1
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})'  # noqa: S608 (model metadata)
            batch: list[tuple] = []
            with connection.cursor() as cursor:
                for row in rows:
                    batch.append(tuple(_sqlite_value(v) for v in row))
                    if len(batch) >= 5000:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch.clear()
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        self.progress.add(table, count)
        return count

    def finish(self, models: Iterable[type[Model]]) -> None:
        """Move id sequences past the rows written with explicit ids (PostgreSQL; SQLite needs nothing)."""
        if not self.postgres:
            return
        with connection.cursor() as cursor:
            for model in models:
                table, pk = model._meta.db_table, model._meta.pk.column
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE((SELECT MAX({connection.ops.quote_name(pk)}) FROM {connection.ops.quote_name(table)}), 1))",  # noqa: S608,E501
                    [table, pk],
                )


@contextlib.contextmanager
def bulk_load(models: Iterable[type[Model]], stdout) -> Iterator[None]:
    """PostgreSQL bulk-load settings for this session, the proven way to load a warehouse-sized table.

    Commits do not wait for the disk (a throwaway database); foreign-key triggers are skipped when the role
    may (the generator writes parents first, so the checks would only cost time); and the secondary,
    non-unique indexes of `models` are dropped and rebuilt once at the end instead of row by row.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET session_replication_role = replica")
        dropped: list[str] = []
        for model in models:
            cursor.execute(
                """
                SELECT i.indexname, i.indexdef FROM pg_indexes i
                WHERE i.tablename = %s AND i.indexname NOT IN (
                    SELECT c.conname FROM pg_constraint c WHERE c.conrelid = %s::regclass
                )
                """,
                [model._meta.db_table, model._meta.db_table],
            )
            for name, definition in cursor.fetchall():
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
                dropped.append(definition)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            started = time.perf_counter()
            for definition in dropped:
                cursor.execute(definition)
            if dropped:
                stdout.write(f"Rebuilt {len(dropped)} indexes in {time.perf_counter() - started:.1f} s")
            cursor.execute("SET session_replication_role = DEFAULT")
            cursor.execute("ANALYZE")
