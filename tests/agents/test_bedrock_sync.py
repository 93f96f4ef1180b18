"""Agents into the Bedrock KB: S3 objects with metadata sidecars (moto over HTTP), then an
ingestion job (bedrock-agent emulator checking each request against botocore's model)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from community_bot.errors import ConfigError
from community_bot.kb.agents.ingestion import Ingestion
from community_bot.kb.bedrock import BedrockKnowledgeSource, mark_ingested
from community_bot.settings import load_settings
from tests.agents.conftest import (
    BUCKET,
    DATA_SOURCE_ID,
    KB_ID,
    MakeSettings,
    MemorySink,
    WriteConfig,
    folder_agent,
)
from tests.emulators.bedrock_agent import BedrockAgentEmulator, job, refuse_start
from tests.kb_wiring import sync_once_from

AWS = tuple[Any, BedrockAgentEmulator]


@pytest.fixture
def bedrock_settings(make_settings: MakeSettings) -> MakeSettings:
    def make(**overrides: Any) -> Any:
        values: dict[str, Any] = {
            "aws_region": "us-east-1",
            "knowledge_base_id": KB_ID,
            "source_agents_s3_bucket": BUCKET,
            "source_agents_s3_region": "us-east-1",
            "source_agents_data_source_id": DATA_SOURCE_ID,
            "source_agents_ingestion_poll_seconds": 0.001,
            **overrides,
        }
        return make_settings(**values)

    return make


def handbook(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "handbook"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def objects(s3: Any) -> dict[str, bytes]:
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {o["Key"]: s3.get_object(Bucket=BUCKET, Key=o["Key"])["Body"].read() for o in listed}


async def test_each_document_becomes_an_object_with_a_bedrock_metadata_sidecar(
    aws: AWS, tmp_path: Path, write_config: WriteConfig, bedrock_settings: MakeSettings
) -> None:
    s3, _ = aws
    folder = handbook(tmp_path, **{"install.md": "# Install\nbrew install tool\n"})
    write_config(folder_agent("docs", folder, category="handbook", url_prefix="https://d.x/"))
    (agent,) = (await sync_once_from(bedrock_settings(), MemorySink())).agents
    stored = objects(s3)
    assert sorted(stored) == ["handbook/docs/install.md", "handbook/docs/install.md.metadata.json"]
    assert stored["handbook/docs/install.md"] == b"# Install\nbrew install tool\n"
    assert json.loads(stored["handbook/docs/install.md.metadata.json"]) == {
        "metadataAttributes": {
            "agent": "docs",
            "category": "handbook",
            "document_id": "install.md",
            "format": "markdown",
            "source": "https://d.x/install.md",
            "title": "Install",
        }
    }
    head = s3.head_object(Bucket=BUCKET, Key="handbook/docs/install.md")
    assert head["ContentType"] == "text/markdown; charset=utf-8"
    assert agent.mirror is not None and (agent.mirror.written, agent.mirror.deleted) == (2, 0)


async def test_ids_become_safe_keys_that_bedrock_can_parse(
    aws: AWS, write_config: WriteConfig, bedrock_settings: MakeSettings
) -> None:
    s3, _ = aws
    code = (
        "import json; print(json.dumps(["
        "{'id': 'faq/42', 'content': 'a', 'category': 'Help Desk', 'metadata': {'rank': 3}},"
        "{'id': 'why? ../x', 'content': 'b'}]))"
    )
    write_config({"id": "faq", "kind": "script", "config": {"command": ["python3", "-c", code]}})
    await sync_once_from(bedrock_settings(), MemorySink())
    keys = sorted(key for key in objects(s3) if not key.endswith(".metadata.json"))
    assert keys[0] == "Help-Desk/faq/faq/42.txt"
    assert keys[1].startswith("general/faq/why/x-") and keys[1].endswith(".txt")
    sidecar = json.loads(objects(s3)["Help-Desk/faq/faq/42.txt.metadata.json"])
    assert sidecar["metadataAttributes"]["rank"] == "3"


async def test_vanished_documents_are_deleted_and_other_objects_left_alone(
    aws: AWS, tmp_path: Path, write_config: WriteConfig, bedrock_settings: MakeSettings
) -> None:
    s3, _ = aws
    s3.put_object(Bucket=BUCKET, Key="handbook/manual/readme.md", Body=b"uploaded by hand")
    s3.put_object(Bucket=BUCKET, Key="notes.txt", Body=b"top level")
    folder = handbook(tmp_path, **{"a.md": "# A\n", "b.md": "# B\n"})
    write_config(folder_agent("docs", folder, category="handbook"))
    await sync_once_from(bedrock_settings(), MemorySink())
    handbook(tmp_path, **{"a.md": "# A\n"})
    (agent,) = (await sync_once_from(bedrock_settings(), MemorySink())).agents
    assert sorted(objects(s3)) == [
        "handbook/docs/a.md",
        "handbook/docs/a.md.metadata.json",
        "handbook/manual/readme.md",
        "notes.txt",
    ]
    assert agent.mirror is not None
    assert (agent.mirror.written, agent.mirror.unchanged, agent.mirror.deleted) == (0, 2, 2)


async def test_a_new_category_moves_the_object(
    aws: AWS, tmp_path: Path, write_config: WriteConfig, bedrock_settings: MakeSettings
) -> None:
    s3, _ = aws
    folder = handbook(tmp_path, **{"a.md": "# A\n"})
    write_config(folder_agent("docs", folder, category="old"))
    await sync_once_from(bedrock_settings(), MemorySink())
    write_config(folder_agent("docs", folder, category="new"))
    await sync_once_from(bedrock_settings(), MemorySink())
    assert sorted(objects(s3)) == ["new/docs/a.md", "new/docs/a.md.metadata.json"]


async def test_the_key_prefix_keeps_the_agents_in_their_own_part_of_the_bucket(
    aws: AWS, tmp_path: Path, write_config: WriteConfig, bedrock_settings: MakeSettings
) -> None:
    s3, _ = aws
    s3.put_object(Bucket=BUCKET, Key="handbook/docs/mine.md", Body=b"not the agents'")
    write_config(folder_agent("docs", handbook(tmp_path, **{"a.md": "# A\n"}), category="handbook"))
    await sync_once_from(bedrock_settings(source_agents_s3_prefix="agents/"), MemorySink())
    assert sorted(objects(s3)) == [
        "agents/handbook/docs/a.md",
        "agents/handbook/docs/a.md.metadata.json",
        "handbook/docs/mine.md",
    ]


async def test_a_completed_ingestion_is_reported_and_ends_the_bedrock_cache(
    aws: AWS, tmp_path: Path, write_config: WriteConfig, bedrock_settings: MakeSettings
) -> None:
    _, agent_api = aws
    statistics = {"numberOfDocumentsScanned": 2, "numberOfNewDocumentsIndexed": 1}
    agent_api.plan(DATA_SOURCE_ID, job(["IN_PROGRESS", "COMPLETE"], statistics=statistics))
    write_config(folder_agent("docs", handbook(tmp_path, **{"a.md": "# A\n"})))
    settings = bedrock_settings()
    kb = BedrockKnowledgeSource(KB_ID, settings.knowledge, aws_region=settings.aws_region)
    before = kb.version()
    report = await sync_once_from(
        settings, MemorySink(), on_ingested=lambda i: mark_ingested([kb], i)
    )
    outcome = report.ingestion
    assert outcome is not None and outcome.ok and report.ok
    assert outcome.statistics["numberOfNewDocumentsIndexed"] == 1
    assert kb.version() != before
    assert agent_api.operations() == ["StartIngestionJob", "GetIngestionJob", "GetIngestionJob"]
    start = agent_api.requests[0].params
    assert (start["knowledgeBaseId"], start["dataSourceId"]) == (KB_ID, DATA_SOURCE_ID)
    assert len(start["clientToken"]) >= 33  # botocore's idempotency token, as AWS requires
    assert report.lines()[-1].startswith(f"ingestion job {outcome.job_id} on {DATA_SOURCE_ID}:")
    assert "COMPLETE" in report.lines()[-1] and "newDocumentsIndexed 1" in report.lines()[-1]


def test_ingestion_targets_the_bare_id_of_a_knowledge_base_given_as_arn(
    bedrock_settings: MakeSettings,
) -> None:
    arn = f"arn:aws:bedrock:us-east-1:123456789012:knowledge-base/{KB_ID}"
    assert bedrock_settings(knowledge_base_id=arn).ingestion_knowledge_base_id == KB_ID
    other = bedrock_settings(source_agents_knowledge_base_id="KBOTHER001")
    assert other.ingestion_knowledge_base_id == "KBOTHER001"


def test_a_data_source_without_a_knowledge_base_fails_at_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_AGENTS_DATA_SOURCE_ID", DATA_SOURCE_ID)
    with pytest.raises(ConfigError, match="SOURCE_AGENTS_DATA_SOURCE_ID needs"):
        load_settings(_env_file=None)


async def test_an_unchanged_bucket_needs_no_ingestion(
    aws: AWS, tmp_path: Path, write_config: WriteConfig, bedrock_settings: MakeSettings
) -> None:
    _, agent_api = aws
    write_config(folder_agent("docs", handbook(tmp_path, **{"a.md": "# A\n"})))
    await sync_once_from(bedrock_settings(), MemorySink())
    started = agent_api.operations().count("StartIngestionJob")
    report = await sync_once_from(bedrock_settings(), MemorySink())
    assert report.ingestion is None
    assert agent_api.operations().count("StartIngestionJob") == started == 1


async def test_a_failed_ingestion_is_reported_with_its_reasons(
    aws: AWS,
    tmp_path: Path,
    write_config: WriteConfig,
    bedrock_settings: MakeSettings,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, agent_api = aws
    reasons = ["Encryption key is disabled", "1 document failed to parse"]
    agent_api.plan(DATA_SOURCE_ID, job(["IN_PROGRESS", "FAILED"], failures=reasons))
    write_config(folder_agent("docs", handbook(tmp_path, **{"a.md": "# A\n"})))
    changed: list[str] = []
    report = await sync_once_from(bedrock_settings(), MemorySink(), on_ingested=changed.append)
    assert report.ingestion is not None and report.ingestion.status == "FAILED"
    assert not report.ok and report.agents[0].ok
    assert report.ingestion.failure_reasons == reasons
    assert "failure reasons: Encryption key is disabled | 1 document failed" in report.lines()[-1]
    assert changed == []
    assert any("FAILED" in r.message and r.levelname == "ERROR" for r in caplog.records)


async def test_a_busy_data_source_is_reported_and_ingested_on_the_next_run(
    aws: AWS, tmp_path: Path, write_config: WriteConfig, bedrock_settings: MakeSettings
) -> None:
    _, agent_api = aws
    agent_api.plan(DATA_SOURCE_ID, refuse_start("ConflictException"))
    write_config(folder_agent("docs", handbook(tmp_path, **{"a.md": "# A\n"})))
    first = await sync_once_from(bedrock_settings(), MemorySink())
    assert first.ingestion is not None and first.ingestion.status == "NOT_STARTED"
    assert first.ingestion.error is not None
    assert first.ingestion.error.startswith("ConflictException (409)")
    assert "another ingestion job is running" in first.ingestion.error
    second = await sync_once_from(bedrock_settings(), MemorySink())  # a later `kb sync --once`
    assert second.agents[0].mirror is not None and not second.agents[0].mirror.changed
    assert second.ingestion is not None and second.ingestion.ok
    assert (await sync_once_from(bedrock_settings(), MemorySink())).ingestion is None


async def test_a_job_still_running_at_the_deadline_is_reported_as_running(
    aws: AWS, bedrock_settings: MakeSettings
) -> None:
    import boto3  # type: ignore[import-untyped, unused-ignore]

    _, agent_api = aws
    agent_api.plan(DATA_SOURCE_ID, job(["IN_PROGRESS"]))
    elapsed = [0.0]

    async def sleep(seconds: float) -> None:
        elapsed[0] += seconds

    ingestion = Ingestion(
        boto3.client("bedrock-agent", region_name="us-east-1"),
        KB_ID,
        DATA_SOURCE_ID,
        timeout_s=60,
        poll_interval_s=20,
        sleep=sleep,
        clock=lambda: elapsed[0],
    )
    outcome = await ingestion.run()
    assert outcome.status == "IN_PROGRESS" and not outcome.ok
    assert outcome.error == "still IN_PROGRESS after 60 s; it goes on in AWS"
    assert agent_api.operations() == ["StartIngestionJob"] + ["GetIngestionJob"] * 3
    assert timedelta(seconds=outcome.duration_s) == timedelta(seconds=60)


async def test_a_missing_bucket_fails_the_agent_but_the_local_index_is_updated(
    aws: AWS, tmp_path: Path, write_config: WriteConfig, bedrock_settings: MakeSettings
) -> None:
    write_config(folder_agent("docs", handbook(tmp_path, **{"a.md": "# A\n"})))
    sink = MemorySink()
    report = await sync_once_from(bedrock_settings(source_agents_s3_bucket="no-such-bucket"), sink)
    (agent,) = report.agents
    assert agent.error is not None and agent.error.startswith("S3: NoSuchBucket (404)")
    assert sink.ids("agent:docs") == ["a.md"]
    assert agent.index is not None and agent.index.added == 1
    assert report.ingestion is None


def test_the_ingestion_emulator_refuses_what_the_service_model_refuses(aws: AWS) -> None:
    _, agent_api = aws
    request = urllib.request.Request(
        f"{agent_api.url}/knowledgebases/{KB_ID}/datasources/{DATA_SOURCE_ID}/ingestionjobs/",
        data=json.dumps({"clientToken": "short", "colour": "blue"}).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 400
    assert refused.value.headers["x-amzn-ErrorType"] == "ValidationException"
    message = json.loads(refused.value.read())["message"]
    assert 'Unknown parameter in input: "colour"' in message
    assert "clientToken" in message
