"""Queries against database servers for the `sql` agent: PostgreSQL (psycopg 3) and
MariaDB/MySQL (PyMySQL), each in a read-only transaction with bounded waits.

The original bot's database agent read PostgreSQL; communities switching over keep their agent
YAML. URLs are the usual ones (`postgresql://user:pass@host:5432/db?sslmode=require`,
`mysql://user:pass@host:3306/db`); a `+driver` suffix from SQLAlchemy-style URLs
(`postgresql+asyncpg://`) is accepted and ignored. Passwords never appear in error messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from community_bot.kb.agents.collected import CollectError

CONNECT_TIMEOUT_S = 10
QUERY_TIMEOUT_S = 300  # a collector query may be big, but never hangs a sync forever

POSTGRES_SCHEMES = frozenset({"postgresql", "postgres"})
MYSQL_SCHEMES = frozenset({"mysql", "mariadb"})

Rows = tuple[list[str], Sequence[Sequence[Any]]]


def scheme_of(url: str) -> str:
    """`postgresql+asyncpg://…` → `postgresql`."""
    return url.split(":", 1)[0].split("+", 1)[0].lower()


def redacted(url: str) -> str:
    """The URL with its password replaced, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _without_driver(url: str) -> str:
    scheme, rest = url.split(":", 1)
    return f"{scheme.split('+', 1)[0]}:{rest}"


def query_postgres(url: str, query: str) -> Rows:
    import psycopg

    conninfo = _without_driver(url)
    if conninfo.startswith("postgres:"):
        conninfo = "postgresql:" + conninfo.removeprefix("postgres:")
    try:
        connection = psycopg.connect(conninfo, connect_timeout=CONNECT_TIMEOUT_S)
    except psycopg.Error as exc:
        raise CollectError(f"cannot connect to {redacted(url)}: {_first_line(exc)}") from None
    try:
        with connection:
            connection.read_only = True
            # A SET, not the `options` connection parameter, which the URL may carry itself
            # (`?options=-csearch_path%3Dwiki`).
            connection.execute(f"SET statement_timeout = {QUERY_TIMEOUT_S * 1000}")
            cursor = connection.execute(query)
            columns = [column.name for column in cursor.description or []]
            return columns, cursor.fetchall()
    except psycopg.Error as exc:
        raise CollectError(f"query failed: {_first_line(exc)}") from None
    finally:
        connection.close()


def query_mysql(url: str, query: str) -> Rows:
    import pymysql  # type: ignore[import-untyped, unused-ignore]

    parts = urlsplit(_without_driver(url))
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    try:
        connection = pymysql.connect(
            host=parts.hostname or "localhost",
            port=parts.port or 3306,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            database=unquote(parts.path.lstrip("/")) or None,
            charset=options.get("charset", "utf8mb4"),
            unix_socket=options.get("unix_socket"),
            connect_timeout=CONNECT_TIMEOUT_S,
            read_timeout=QUERY_TIMEOUT_S,
        )
    except pymysql.Error as exc:
        raise CollectError(f"cannot connect to {redacted(url)}: {_mysql_message(exc)}") from None
    try:
        with connection.cursor() as cursor:
            cursor.execute("START TRANSACTION READ ONLY")
            cursor.execute(query)
            columns = [column[0] for column in cursor.description or []]
            rows = cursor.fetchall()
            connection.rollback()
            return columns, rows
    except pymysql.Error as exc:
        raise CollectError(f"query failed: {_mysql_message(exc)}") from None
    finally:
        connection.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _mysql_message(exc: BaseException) -> str:
    """PyMySQL errors are `(code, message)`; the message is what a person needs."""
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) == 2 and isinstance(args[1], str):
        return args[1]
    return _first_line(exc)
