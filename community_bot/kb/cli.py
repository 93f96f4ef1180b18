"""`community-bot kb`: search the knowledge base as the bot would, show its size, re-index it.

`kb sync` (the source agents) is registered here too, by an explicit import.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from community_bot import event_loop
from community_bot.cli_support import add_command
from community_bot.kb.agents.cli import register as register_sync
from community_bot.kb.agents.cli import settings_local_index
from community_bot.settings import Settings
from community_bot.types import Passage, RetrievalOutcome, passage_label

if TYPE_CHECKING:  # the index (numpy, the embedding model) loads when a subcommand runs
    from community_bot.kb.folders import FolderSyncReport

KB_VARIABLES = ("KNOWLEDGE_BASE_ID", "KB_", "LOCAL_KB_", "DATA_DIR", "AWS_REGION")
PREVIEW_CHARS = 300


def register(subparsers: Any) -> Any:
    """Add `kb` and its subcommands; returns the `kb` subparsers so others can add theirs."""
    kb = add_command(
        subparsers, "kb", "Search, inspect and re-index the knowledge base.", KB_VARIABLES
    )
    commands = kb.add_subparsers(dest="kb_command", required=True, metavar="SUBCOMMAND")

    search = add_command(
        commands, "search", "Show the passages, scores and sources the bot would use.", KB_VARIABLES
    )
    search.add_argument("query", help="The question, in quotes.")
    search.add_argument("-k", type=int, help="How many passages (default: KB_NUMBER_OF_RESULTS).")
    search.add_argument("--json", action="store_true", help="Print the passages as JSON.")
    search.set_defaults(handler=_search)

    stats = add_command(
        commands, "stats", "Documents, passages and last sync of each source.", KB_VARIABLES
    )
    stats.set_defaults(handler=_stats)

    index = add_command(
        commands, "index", "Re-index the LOCAL_KB_PATHS folders now, with progress.", KB_VARIABLES
    )
    index.set_defaults(handler=_index)

    register_sync(commands)
    return commands


def _search(args: argparse.Namespace, settings: Settings) -> int:
    passages, outcome = event_loop.run(_retrieve(settings, args.query, args.k), settings.event_loop)
    if args.json:
        print(json.dumps([_as_json(p) for p in passages], indent=2, ensure_ascii=False))
        return 0
    if not passages:
        best = "no match" if outcome["top_score"] is None else f"best score {outcome['top_score']}"
        print(f"No relevant passage ({best}); the bot would say the docs don't cover this.")
        return 0
    for number, passage in enumerate(passages, start=1):
        text = " ".join(passage["text"].split())
        preview = text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
        print(
            f"[{number}] {passage_label(passage)}  (score {passage['score']}, {passage['origin']})"
        )
        print(f"    {passage['source']}")
        print(f"    {preview}\n")
    print(f"{outcome['latency_ms']:.1f} ms")
    return 0


async def _retrieve(
    settings: Settings, query: str, k: int | None
) -> tuple[list[Passage], RetrievalOutcome]:
    from community_bot.kb.knowledge import Knowledge

    knowledge = Knowledge.from_settings(
        settings.knowledge,
        data_dir=settings.data_dir,
        aws_region=settings.aws_region,
        ollama_base_url=settings.ollama_base_url,
    )
    try:
        await knowledge.prepare()
        return await knowledge.retrieve(query, k)
    finally:
        await knowledge.aclose()


def _as_json(passage: Passage) -> dict[str, Any]:
    return {
        "source": passage["source"],
        "score": passage["score"],
        "title": passage["title"],
        "heading": passage["heading"],
        "origin": passage["origin"],
        "text": passage["text"],
    }


def _stats(args: argparse.Namespace, settings: Settings) -> int:
    index = settings_local_index(settings)
    try:
        stats = index.stats()
    finally:
        index.close()
    if not stats:
        print("The local index is empty: run `community-bot kb index`.")
        return 0
    print(f"Local index: {index.path}")
    for row in stats:
        synced = f"{row.synced_at:%Y-%m-%d %H:%M} UTC" if row.synced_at else "never"
        print(
            f"  {_readable(row.source_id)}: {row.documents} documents, {row.chunks} passages, "
            f"last sync {synced}"
        )
    return 0


def _index(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.local_kb_enabled:
        print("The local knowledge base is off (LOCAL_KB_ENABLED=false).")
        return 1
    index = settings_local_index(settings)
    try:
        from community_bot.kb.folders import sync_folders

        reports = sync_folders(index, [Path(p) for p in settings.local_kb_paths], progress=True)
    finally:
        index.close()
    for report in reports:
        print(_summary(report))
    return 0


def _summary(report: FolderSyncReport) -> str:
    changes = report.index
    lines = [
        f"{report.folder}: {report.files} files — {changes.added} added, {changes.updated} "
        f"updated, {changes.unchanged} unchanged, {changes.removed} removed; "
        f"{changes.chunks} passages written"
    ]
    lines += [f"  skipped {problem}" for problem in report.skipped]
    return "\n".join(lines)


def _readable(source_id: str) -> str:
    return source_id.removeprefix("folder:")
