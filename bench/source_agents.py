"""Source agents and Bedrock retrieval, offline: `python -m bench.source_agents`.

- folder-agent sync: N Markdown files (~300 words) into an in-memory sink (the agent's own cost)
  and into the real local index (chunking, FTS5), first run (all new) and a rerun (unchanged);
- the same with the S3 mirror on moto's S3 server over HTTP (objects + sidecars), first run
  and rerun (a rerun lists and compares ETags, writes nothing);
- Retrieve round trip: `BedrockKnowledgeSource.search` through langchain-aws and boto3 to the
  local Retrieve emulator, p50/p95 over sequential calls.

Numbers are for the machinery (parsing, hashing, HTTP, SDK) on this machine; a real bucket and
knowledge base add network latency on top.
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from community_bot import event_loop
from community_bot.kb.agents.config import FolderAgent, FolderConfig
from community_bot.kb.agents.runner import AgentRunner
from community_bot.kb.agents.s3_mirror import S3Mirror
from community_bot.kb.bedrock import BedrockKnowledgeSource
from community_bot.kb.index import LocalIndex
from community_bot.settings import Settings
from tests.agents.memory_sink import MemorySink
from tests.emulators.bedrock_agent_runtime import KnowledgeBaseEmulator, chunk

FILES = 2000
S3_FILES = 300
RETRIEVALS = 200
KB_ID = "KBBENCH001"
BUCKET = "bench-kb-docs"


def _corpus(root: Path, count: int) -> Path:
    folder = root / f"docs-{count}"
    for number in range(count):
        path = folder / f"section-{number % 20}" / f"page-{number}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = " ".join(f"word{(number * 7 + i) % 500}" for i in range(300))
        path.write_text(f"# Page {number}\n\n{body}\n", encoding="utf-8")
    return folder


async def _timed_sync(runner: AgentRunner, agent: FolderAgent) -> tuple[float, Any]:
    started = time.perf_counter()
    report = await runner.run([agent])
    return time.perf_counter() - started, report.agents[0]


async def _folder_sync(root: Path) -> dict[str, float]:
    agent = FolderAgent(id="docs", kind="folder", config=FolderConfig(path=_corpus(root, FILES)))
    results = {}
    index = LocalIndex(root / "knowledge.sqlite")
    for name, sink in (("memory", MemorySink()), ("index", index)):
        runner = AgentRunner(sink)
        first, report = await _timed_sync(runner, agent)
        again, _ = await _timed_sync(runner, agent)
        assert report.documents == FILES, report.summary()
        results[f"{name}_first_docs_per_s"] = FILES / first
        results[f"{name}_rerun_docs_per_s"] = FILES / again
    index.close()
    return results


async def _s3_sync(root: Path) -> dict[str, float]:
    import boto3  # type: ignore[import-untyped, unused-ignore]
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        client = boto3.client(
            "s3",
            endpoint_url=f"http://{host}:{port}",
            region_name="us-east-1",
            aws_access_key_id="bench",
            aws_secret_access_key="bench",
        )
        client.create_bucket(Bucket=BUCKET)
        folder = _corpus(root, S3_FILES)
        agent = FolderAgent(id="docs", kind="folder", config=FolderConfig(path=folder))
        runner = AgentRunner(MemorySink(), S3Mirror(client, BUCKET))
        first, report = await _timed_sync(runner, agent)
        again, rerun = await _timed_sync(runner, agent)
        assert report.mirror.written == 2 * S3_FILES and rerun.mirror.written == 0
        return {"s3_first_docs_per_s": S3_FILES / first, "s3_rerun_docs_per_s": S3_FILES / again}
    finally:
        server.stop()


async def _retrieve() -> dict[str, float]:
    with KnowledgeBaseEmulator() as kb:
        for name, value in kb.env().items():
            os.environ[name] = value
        kb.add(
            KB_ID, *(chunk(f"Answer {n}: reset the password", f"s3://b/{n}.md") for n in range(50))
        )
        settings = Settings(_env_file=None, knowledge_base_id=KB_ID)
        source = BedrockKnowledgeSource(KB_ID, settings.knowledge, aws_region=settings.aws_region)
        await source.search("warm up the client", 5)
        samples = []
        for _ in range(RETRIEVALS):
            started = time.perf_counter()
            passages = await source.search("how do I reset my password", 5)
            samples.append((time.perf_counter() - started) * 1000)
            assert len(passages) == 5
        await source.aclose()
    cuts = statistics.quantiles(samples, n=20, method="inclusive")
    return {"retrieve_p50_ms": statistics.median(samples), "retrieve_p95_ms": cuts[18]}


def measure() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        results = event_loop.run(_folder_sync(root))
        results |= event_loop.run(_s3_sync(root))
    results |= event_loop.run(_retrieve())
    return results


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    r = measure()
    print(f"Source agents ({FILES} files local, {S3_FILES} to S3) and Bedrock Retrieve:\n")
    print("| measurement | value |")
    print("|---|---:|")
    rows = [
        ("folder agent into a memory sink, first run", r["memory_first_docs_per_s"]),
        ("folder agent into a memory sink, rerun", r["memory_rerun_docs_per_s"]),
        ("folder agent into the local index, first run", r["index_first_docs_per_s"]),
        ("folder agent into the local index, rerun (unchanged)", r["index_rerun_docs_per_s"]),
    ]
    for label, value in rows:
        print(f"| {label} | {value:,.0f} docs/s |")
    print(f"| folder sync + S3 mirror (moto), first run | {r['s3_first_docs_per_s']:,.0f} docs/s |")
    print(f"| folder sync + S3 mirror, rerun | {r['s3_rerun_docs_per_s']:,.0f} docs/s |")
    print(f"| Retrieve round trip (emulator), p50 | {r['retrieve_p50_ms']:.1f} ms |")
    print(f"| Retrieve round trip (emulator), p95 | {r['retrieve_p95_ms']:.1f} ms |")


if __name__ == "__main__":
    main()
