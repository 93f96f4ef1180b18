"""A fresh PostgreSQL database per test on the machine's server (127.0.0.1:5432, trust auth).

Each test gets a database of its own, dropped afterwards; when no server answers, the tests that
need one skip and say so (CI and these machines start one).
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from community_bot.settings import Settings

SERVER = os.environ.get("TEST_POSTGRES_SERVER", "127.0.0.1:5432")
USERS = ("postgres", "root")


def admin_url() -> str | None:
    """A URL to the server's `test` database, or None if no server answers."""
    for user in USERS:
        url = f"postgresql://{user}@{SERVER}/test"
        try:
            with psycopg.connect(url, connect_timeout=3):
                return url
        except psycopg.OperationalError:
            continue
    return None


@pytest.fixture(scope="session")
def postgres_admin() -> str:
    url = admin_url()
    if url is None:
        pytest.skip(f"no PostgreSQL server answers on {SERVER} (users {', '.join(USERS)})")
    return url


@pytest.fixture
def postgres_url(postgres_admin: str) -> Iterator[str]:
    """The URL of an empty database that exists for this test only."""
    name = f"cb_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_admin, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(postgres_admin, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def terminate_connections(admin: str, database: str) -> int:
    """Cut every connection to `database`, as a failover or a network drop would."""
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


@pytest.fixture
def shared_settings(tmp_path: Path, postgres_url: str) -> Callable[..., Settings]:
    """Settings of a bot process: its own DATA_DIR (`host`), the shared database."""

    def make(host: str = "a", **overrides: Any) -> Settings:
        return Settings(  # type: ignore[call-arg]
            data_dir=tmp_path / host, database_url=postgres_url, _env_file=None, **overrides
        )

    return make


def wait_until(condition: Callable[[], bool], timeout_s: float = 60.0) -> None:
    """Return once `condition()` holds; fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the condition never held")
        time.sleep(0.01)
