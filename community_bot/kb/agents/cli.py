"""`community-bot kb sync [--agent ID] [--once]`: run the source agents from the terminal.

The `kb` command belongs to the knowledge package, which calls `register` (listed in its
`KB_COMMANDS`); `add_sync_command` takes any way to open the sink, for tests and other runtimes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Callable
from contextlib import AbstractContextManager, closing, nullcontext
from functools import partial
from typing import TYPE_CHECKING, Any

from community_bot import event_loop
from community_bot.cli_support import add_command
from community_bot.kb.sources import DocumentSink
from community_bot.settings import Settings

if TYPE_CHECKING:  # the agents (YAML, croniter) load when the command runs, not to list it
    from community_bot.kb.agents.reports import SyncReport
    from community_bot.kb.index import LocalIndex

OpenSink = Callable[[Settings], AbstractContextManager[DocumentSink]]
SYNC_VARIABLES = ("SOURCE_AGENTS_", "KNOWLEDGE_BASE_ID", "AWS_REGION", "DATA_DIR")
SUMMARY = "Run the source agents: collect documents into the local index and the Bedrock KB."
DETAILS = """
Agents are declared in SOURCE_AGENTS_CONFIG (YAML; see agents/sources/config.example.yaml).
Each run replaces the agent's documents in the local index (SOURCE_AGENTS_LOCAL_INDEX) and, when
SOURCE_AGENTS_S3_BUCKET is set, mirrors them into that bucket with Bedrock metadata sidecars,
then starts an ingestion job on SOURCE_AGENTS_DATA_SOURCE_ID and waits for its outcome.

Without --once, every agent runs now and then on its cron `schedule` (UTC) or every
SOURCE_AGENTS_INTERVAL seconds, in the foreground until Ctrl-C. SOURCE_AGENTS_ENABLED only
governs the agents running inside the bot; this command always runs them.
"""


def register(kb_subparsers: Any) -> argparse.ArgumentParser:
    """`kb sync`, writing into the local index under DATA_DIR."""
    return add_sync_command(kb_subparsers, open_local_index)


def open_local_index(settings: Settings) -> AbstractContextManager[DocumentSink]:
    return closing(settings_local_index(settings))


def settings_local_index(settings: Settings) -> LocalIndex:
    """The local index under DATA_DIR with the embedder EMBEDDINGS names (for the `kb` commands)."""
    from community_bot.kb.knowledge import local_index

    return local_index(
        settings.knowledge,
        data_dir=settings.data_dir,
        aws_region=settings.aws_region,
        ollama_base_url=settings.ollama_base_url,
    )


def add_sync_command(kb_subparsers: Any, open_sink: OpenSink) -> argparse.ArgumentParser:
    """Add `sync` under `kb`; `open_sink(settings)` opens the local index the documents go to."""
    parser = add_command(kb_subparsers, "sync", SUMMARY, SYNC_VARIABLES)
    parser.description = SUMMARY + "\n" + DETAILS
    parser.add_argument(
        "--agent", metavar="ID", help="Run only this agent (its `id` in the config file)."
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help="Run once and exit: status 0 when every agent (and the ingestion job) succeeded, 1"
        " otherwise.",
    )
    parser.add_argument(
        "--json", action="store_true", help="With --once, print the report as JSON."
    )
    parser.set_defaults(handler=partial(sync_command, open_sink=open_sink))
    return parser


def sync_command(args: argparse.Namespace, settings: Settings, *, open_sink: OpenSink) -> int:
    from community_bot.kb.agents.runner import sync_once

    sink_context: AbstractContextManager[DocumentSink | None] = (
        open_sink(settings) if settings.source_agents_local_index else nullcontext()
    )
    with sink_context as sink:
        if not args.once:
            event_loop.run(_run_until_interrupted(settings, sink, args.agent), settings.event_loop)
            return 0
        report = event_loop.run(
            sync_once(
                settings.source_agents,
                sink,
                args.agent,
                data_dir=settings.data_dir,
                knowledge_base_id=settings.ingestion_knowledge_base_id,
                aws_region=settings.aws_region,
            ),
            settings.event_loop,
        )
    if args.json:
        print(json.dumps(report.as_dict(), indent=2))
    else:
        _print(report)
    return 0 if report.ok else 1


async def _run_until_interrupted(
    settings: Settings, sink: DocumentSink | None, agent_id: str | None
) -> None:
    from community_bot.kb.agents.scheduler import AgentScheduler

    scheduler = AgentScheduler.from_settings(
        settings.source_agents,
        sink,
        data_dir=settings.data_dir,
        knowledge_base_id=settings.ingestion_knowledge_base_id,
        aws_region=settings.aws_region,
        agent_id=agent_id,
        run_on_start=True,
        on_report=_print,
    )
    print(f"running {len(scheduler.agents)} source agent(s); Ctrl-C stops", flush=True)
    await scheduler.start()
    try:
        await asyncio.Event().wait()
    finally:
        await scheduler.stop()


def _print(report: SyncReport) -> None:
    for line in report.lines():
        print(line, flush=True)
