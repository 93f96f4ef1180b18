"""The `sql` source agent on each database: `python -m bench.sql_agents`.

Rows turned into documents per second by `collect_sql` (query, fetch, map to documents) for the
same 10,000-row FAQ table in SQLite (a file), PostgreSQL and MariaDB (the servers on 127.0.0.1;
a server that is not reachable is reported as such). Each run creates its own schema or
database and drops it.
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from community_bot.kb.agents.config import SqlAgent
from community_bot.kb.agents.sql import collect_sql

ROWS = 10_000
REPEATS = 5
POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
ROW = "(%s, 'Question number %s?', 'The answer to question %s, in a sentence or two.', 'faq')"


def _values(start: int, stop: int) -> str:
    return ",".join(ROW % (n, n, n) for n in range(start, stop))


@contextmanager
def _sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "faq.sqlite"
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE faq (id INTEGER, title TEXT, content TEXT, category TEXT)")
            db.execute(f"INSERT INTO faq VALUES {_values(0, ROWS)}")
        yield f"sqlite:///{path}"


@contextmanager
def _postgres() -> Iterator[str]:
    import psycopg

    schema = f"cb_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES, connect_timeout=3, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            admin.execute(
                f"CREATE TABLE {schema}.faq (id INTEGER, title TEXT, content TEXT, category TEXT)"
            )
            admin.execute(f"INSERT INTO {schema}.faq VALUES {_values(0, ROWS)}")
            yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@contextmanager
def _mariadb() -> Iterator[str]:
    import pymysql  # type: ignore[import-untyped, unused-ignore]

    name = f"cb_bench_{uuid.uuid4().hex[:8]}"
    admin = pymysql.connect(host="127.0.0.1", user="root", password="", autocommit=True)
    try:
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
            try:
                cursor.execute(
                    f"CREATE TABLE {name}.faq (id INTEGER, title TEXT, content TEXT, category TEXT)"
                )
                cursor.execute(f"INSERT INTO {name}.faq VALUES {_values(0, ROWS)}")
                yield f"mysql://root@127.0.0.1:3306/{name}"
            finally:
                cursor.execute(f"DROP DATABASE {name}")
    finally:
        admin.close()


def _rate(url: str) -> float:
    agent = SqlAgent.model_validate(
        {"id": "faq", "kind": "sql", "config": {"url": url, "query": "SELECT * FROM faq"}}
    )
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        collected = collect_sql(agent)
        times.append(time.perf_counter() - started)
        assert len(collected.documents) == ROWS
    return ROWS / statistics.median(times)


def measure() -> dict[str, float | str]:
    databases: dict[str, Callable[[], AbstractContextManager[str]]] = {
        "sqlite": _sqlite,
        "postgresql": _postgres,
        "mariadb": _mariadb,
    }
    results: dict[str, float | str] = {}
    for name, opened in databases.items():
        try:
            with opened() as url:
                results[f"sql_agent_{name}_rows_per_s"] = round(_rate(url))
        except Exception as exc:  # a server that is not running: say so, measure the rest
            results[f"sql_agent_{name}_rows_per_s"] = f"unreachable ({type(exc).__name__})"
    return results


def main() -> None:
    for key, value in measure().items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
