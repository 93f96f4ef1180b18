"""The `sql` agent on PostgreSQL and MariaDB: the same rows-to-documents contract as SQLite.

Each test creates its own schema (PostgreSQL) or database (MariaDB) on the server at 127.0.0.1
and drops it afterwards; a test skips, saying why, only where the server is unreachable.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pymysql  # type: ignore[import-untyped, unused-ignore]
import pytest

from tests.agents.conftest import MakeSettings, MemorySink, WriteConfig
from tests.kb_wiring import sync_once_from

POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
MARIADB_HOST, MARIADB_PORT = "127.0.0.1", 3306
ROWS = [
    (1, "How do I reset?", "From Settings.", "account", "https://x.example/1"),
    (2, "Where are logs?", "In ~/.logs.", None, None),
    (3, "Empty?", None, "misc", None),
]


@dataclass(frozen=True)
class Database:
    """A scratch place on a server: the agent's URL, the table's qualified name, a way to run
    statements as the test (not the agent)."""

    url: str
    table: str
    run: Callable[[str], list[tuple[Any, ...]]]


def postgres_database() -> Iterator[Database]:
    try:
        admin = psycopg.connect(POSTGRES, connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES}: {exc}")
    schema = f"cb_agents_{uuid.uuid4().hex[:10]}"

    def run(sql: str) -> list[tuple[Any, ...]]:
        cursor = admin.execute(sql)
        return cursor.fetchall() if cursor.description else []

    run(f"CREATE SCHEMA {schema}")
    try:
        run(
            f"CREATE TABLE {schema}.faq (id INTEGER, question TEXT, answer TEXT, topic TEXT,"
            " url TEXT, price NUMERIC(6,2), updated DATE)"
        )
        for row in ROWS:
            admin.execute(
                f"INSERT INTO {schema}.faq (id, question, answer, topic, url, price, updated)"
                " VALUES (%s, %s, %s, %s, %s, 9.50, '2026-11-01')",
                row,
            )
        yield Database(POSTGRES, f"{schema}.faq", run)
    finally:
        run(f"DROP SCHEMA {schema} CASCADE")
        admin.close()


def mariadb_database() -> Iterator[Database]:
    try:
        admin = pymysql.connect(
            host=MARIADB_HOST,
            port=MARIADB_PORT,
            user="root",
            password="",
            autocommit=True,
            connect_timeout=3,
        )
    except pymysql.err.OperationalError as exc:
        pytest.skip(f"MariaDB unreachable at {MARIADB_HOST}:{MARIADB_PORT}: {exc}")
    name = f"cb_agents_{uuid.uuid4().hex[:10]}"

    def run(sql: str, args: tuple[Any, ...] | None = None) -> list[tuple[Any, ...]]:
        with admin.cursor() as cursor:
            cursor.execute(sql, args)
            return list(cursor.fetchall())

    run(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    try:
        run(
            f"CREATE TABLE {name}.faq (id INTEGER, question TEXT, answer TEXT, topic TEXT,"
            " url TEXT, price DECIMAL(6,2), updated DATE)"
        )
        for row in ROWS:
            run(
                f"INSERT INTO {name}.faq (id, question, answer, topic, url, price, updated)"
                " VALUES (%s, %s, %s, %s, %s, 9.50, '2026-11-01')",
                row,
            )
        yield Database(f"mysql://root@{MARIADB_HOST}:{MARIADB_PORT}/{name}", f"{name}.faq", run)
    finally:
        run(f"DROP DATABASE {name}")
        admin.close()


@pytest.fixture(params=["postgresql", "mariadb"])
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    make = postgres_database if request.param == "postgresql" else mariadb_database
    yield from make()


def sql_agent(url: str, query: str, **config: Any) -> dict[str, Any]:
    return {"id": "faq", "kind": "sql", "config": {"url": url, "query": query, **config}}


async def test_rows_are_mapped_by_column_name_as_with_sqlite(
    database: Database, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(
        sql_agent(
            database.url,
            "SELECT id, question AS title, answer AS content, topic AS category, url AS source,"
            f" topic, price, updated FROM {database.table} ORDER BY id",
            metadata_columns=["topic", "price", "updated"],
            category="faq",
        )
    )
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.error is None
    first, second = sink.sources["agent:faq"]["1"], sink.sources["agent:faq"]["2"]
    assert (first.title, first.text, first.category, first.source) == (
        "How do I reset?",
        "From Settings.",
        "account",
        "https://x.example/1",
    )
    assert first.metadata == {"topic": "account", "price": "9.50", "updated": "2026-11-01"}
    assert (second.category, second.source) == ("faq", "faq:2")
    assert agent.skipped == ["3: no text"]


async def test_content_can_be_built_from_several_columns(
    database: Database, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(
        sql_agent(
            database.url,
            f"SELECT * FROM {database.table} WHERE id = 1",
            content_columns=["question", "answer"],
            title_column="question",
        )
    )
    await sync_once_from(make_settings(), sink)
    document = sink.sources["agent:faq"]["1"]
    assert document.text == "question: How do I reset?\nanswer: From Settings."


async def test_the_agent_cannot_write_and_says_why(
    database: Database, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(sql_agent(database.url, f"DELETE FROM {database.table}"))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.error is not None and agent.error.startswith("query failed: ")
    assert "read" in agent.error.lower() and "only" in agent.error.lower()
    assert database.run(f"SELECT count(*) FROM {database.table}") == [(3,)]
    assert sink.calls == []


async def test_a_missing_table_is_named(
    database: Database, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(sql_agent(database.url, f"SELECT * FROM {database.table}_nope"))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.error is not None and agent.error.startswith("query failed: ")
    assert "faq_nope" in agent.error


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://bot:hunter2@127.0.0.1:1/kb",
        "postgresql+asyncpg://bot:hunter2@127.0.0.1:1/kb",
        "mysql://bot:hunter2@127.0.0.1:1/kb",
    ],
)
async def test_an_unreachable_server_is_named_without_its_password(
    url: str, write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    write_config(sql_agent(url, "SELECT 1"))
    (agent,) = (await sync_once_from(make_settings(), sink)).agents
    assert agent.error is not None
    assert agent.error.startswith(f"cannot connect to {url.replace('hunter2', '***')}: ")
    assert "hunter2" not in agent.error


async def test_the_old_bots_database_agent_yaml_reads_postgresql_as_it_did(
    write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    for database in postgres_database():
        url = database.url.replace("postgresql://", "postgresql+asyncpg://")
        write_config(
            text="agents:\n"
            "  - id: faq\n"
            "    type: database\n"
            "    config:\n"
            f"      connection_string: {url}\n"
            f"      query: SELECT id, question, answer FROM {database.table} WHERE id = 1\n"
            "      content_columns: [question, answer]\n"
        )
        (agent,) = (await sync_once_from(make_settings(), sink)).agents
        assert agent.error is None
        assert sink.sources["agent:faq"]["1"].text == (
            "question: How do I reset?\nanswer: From Settings."
        )


async def test_postgresql_url_options_such_as_search_path_are_honoured(
    write_config: WriteConfig, make_settings: MakeSettings, sink: MemorySink
) -> None:
    for database in postgres_database():
        schema = database.table.split(".", 1)[0]
        url = f"{database.url}?options=-csearch_path%3D{schema}"
        write_config(sql_agent(url, "SELECT id, answer AS content FROM faq WHERE id = 2"))
        (agent,) = (await sync_once_from(make_settings(), sink)).agents
        assert agent.error is None
        assert sink.sources["agent:faq"]["2"].text == "In ~/.logs."
