"""Source-agent fixtures: an in-memory document sink, config files, S3 (moto) and bedrock-agent.

`MemorySink` is a test double of the `DocumentSink` protocol (the local index implements it in
production); S3 is moto's server over real HTTP, ingestion jobs the bedrock-agent emulator.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3  # type: ignore[import-untyped, unused-ignore]
import pytest
import yaml
from moto.server import ThreadedMotoServer

from community_bot.settings import Settings
from tests.agents.memory_sink import MemorySink
from tests.emulators.bedrock_agent import BedrockAgentEmulator

__all__ = ["MemorySink"]

BUCKET = "community-kb-docs"
KB_ID = "KBAGENTS01"
DATA_SOURCE_ID = "DSAGENTS01"


@pytest.fixture
def sink() -> MemorySink:
    return MemorySink()


WriteConfig = Callable[..., Path]


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    """Write `agents:` entries (dicts) or raw YAML text to a config file and return its path."""

    def write(*agents: dict[str, Any], text: str | None = None) -> Path:
        path = tmp_path / "agents.yaml"
        path.write_text(text if text is not None else yaml.safe_dump({"agents": list(agents)}))
        return path

    return write


MakeSettings = Callable[..., Settings]


@pytest.fixture
def make_settings(tmp_path: Path) -> MakeSettings:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "data_dir": tmp_path / "data",
            "source_agents_config": tmp_path / "agents.yaml",
            **overrides,
        }
        return Settings(_env_file=None, **values)

    return make


def folder_agent(agent_id: str, path: Path, **config: Any) -> dict[str, Any]:
    return {"id": agent_id, "kind": "folder", "config": {"path": str(path), **config}}


@pytest.fixture(scope="session")
def moto_s3() -> Iterator[str]:
    """moto's S3 over HTTP on 127.0.0.1; yields its URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def agent_server() -> Iterator[BedrockAgentEmulator]:
    with BedrockAgentEmulator() as server:
        yield server


@pytest.fixture
def aws(
    aws_isolated: None,
    moto_s3: str,
    agent_server: BedrockAgentEmulator,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Any, BedrockAgentEmulator]]:
    """A fresh bucket and data source; the real clients pointed at them through the env."""
    for name, value in agent_server.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_s3)
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    agent_server.reset()
    agent_server.add_data_source(KB_ID, DATA_SOURCE_ID)
    yield s3, agent_server
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
        for item in page.get("Contents", []):
            s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)
    agent_server.reset()
