"""The `sql` kind: each row of a query is one document, whatever database answers it.

SQLite (`sqlite:///path`) is opened read-only through the standard library; PostgreSQL and
MariaDB/MySQL (`sql_servers`) are queried in a read-only transaction. All three share the same
query-to-documents contract below: the columns name the id, content, title, category and source.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import Any
from urllib.parse import quote

from community_bot.kb.agents.collected import Collected, CollectError
from community_bot.kb.agents.config import SqlAgent
from community_bot.kb.agents.sql_servers import (
    MYSQL_SCHEMES,
    POSTGRES_SCHEMES,
    Rows,
    query_mysql,
    query_postgres,
    scheme_of,
)
from community_bot.kb.documents import Document

LOCK_WAIT_S = 30.0


def collect_sql(agent: SqlAgent) -> Collected:
    config = agent.config
    scheme = scheme_of(config.url)
    if scheme in POSTGRES_SCHEMES:
        columns, rows = query_postgres(config.url, config.query)
    elif scheme in MYSQL_SCHEMES:
        columns, rows = query_mysql(config.url, config.query)
    else:
        columns, rows = _query_sqlite(agent)
    _check_columns(agent, columns)
    collected = Collected()
    for number, values in enumerate(rows, start=1):
        row = dict(zip(columns, values, strict=True))
        key = row[config.id_column]
        if key is None or str(key) == "":
            collected.skipped.append(f"row {number}: empty {config.id_column}")
            continue
        document_id = str(key)
        collected.add(
            Document(
                id=document_id,
                text=_content(agent, row),
                title=_text(row.get(config.title_column)) or document_id,
                source=_text(row.get(config.source_column)) or f"{agent.id}:{document_id}",
                category=_text(row.get(config.category_column)) or config.category,
                metadata={
                    column: str(row[column])
                    for column in config.metadata_columns
                    if row.get(column) is not None
                },
            )
        )
    return collected


def _query_sqlite(agent: SqlAgent) -> Rows:
    config = agent.config
    path = config.database_path.expanduser()
    if not path.is_file():
        raise CollectError(f"database file {path} does not exist")
    try:
        read_only = f"file:{quote(str(path.resolve()))}?mode=ro"
        with closing(sqlite3.connect(read_only, uri=True, timeout=LOCK_WAIT_S)) as database:
            cursor = database.execute(config.query)
            columns = [column[0] for column in cursor.description or []]
            return columns, cursor.fetchall()
    except sqlite3.Error as exc:
        raise CollectError(f"query failed: {exc}") from None


def _check_columns(agent: SqlAgent, columns: list[str]) -> None:
    """Columns the config relies on must be in the result: the id, the content, and any column
    a setting names explicitly."""
    config = agent.config
    needed = {config.id_column, *config.metadata_columns}
    needed |= set(config.content_columns) if config.content_columns else {config.content_column}
    needed |= {
        getattr(config, name)
        for name in ("title_column", "category_column", "source_column")
        if name in config.model_fields_set
    }
    missing = sorted(needed - set(columns))
    if missing:
        raise CollectError(
            f"query result has no column {', '.join(missing)} (it has {', '.join(columns)})"
        )


def _content(agent: SqlAgent, row: dict[str, Any]) -> str:
    config = agent.config
    if config.content_columns:
        return "\n".join(
            f"{column}: {row[column]}"
            for column in config.content_columns
            if row[column] is not None
        )
    return _text(row[config.content_column])


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)
