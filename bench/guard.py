"""The bench writes only to a throwaway database, one named `qingdun_bench_*`.

The district generator loads a district the way a warehouse is loaded: the session skips foreign-key triggers
(`session_replication_role = replica`), drops the big tables' indexes and rebuilds them at the end, and writes
thousands of synthetic people; the benchmark then writes sessions and attempts. Against a school's database
that would leave made-up students behind and, stopped half-way, tables without their indexes. The runner names
its databases with the prefix (`qingdun_bench_<preset>`) and a school's database never carries it, so a
DATABASE_URL left pointing at one is refused.
"""

from pathlib import PurePath

PREFIX = "qingdun_bench_"


class NotABenchDatabase(ValueError):
    pass


def is_bench_database(name) -> bool:
    """True for a PostgreSQL database, or an SQLite file, whose name starts with the prefix and goes on."""
    base = PurePath(str(name or "")).name
    return base.startswith(PREFIX) and len(base) > len(PREFIX)


def require_bench_database(connection) -> None:
    name = connection.settings_dict["NAME"]
    if not is_bench_database(name):
        raise NotABenchDatabase(
            f"Refusing to write a synthetic district into the database {name!r}: the generator drops indexes and "
            f"skips foreign-key triggers, so it writes only to a throwaway database whose name starts with "
            f"{PREFIX!r} (for example createdb {PREFIX}local, then DATABASE_URL=postgres://…/{PREFIX}local)."
        )
