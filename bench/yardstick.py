"""Benchmark: the product's turn against the LangGraph documentation's "chatbot with memory".

Both answer with the same instant `InstantChatModel` (a real `BaseChatModel` streaming ~55
chunks): the product through its whole turn (`Conversation.stream_turn`: prompt, retrieval over a
synthetic index, routing, the gateway, splitting, memory upkeep, SQLite checkpoint, turn ledger,
metrics and log line), the yardstick (`bench.doc_chatbot`) through its one node. Product and
yardstick turns alternate in one loop, so the shared machine's noise hits both alike; the ratio of
their CPU per turn is the number to compare between runs.

Measured at turn 1 (fresh threads) and along one thread of 500 turns: the yardstick keeps every
message and every checkpoint, so its turns grow with the thread; the product keeps a bounded
window and one checkpoint, so its turns must stay flat. Flat is judged against a second product
thread whose turns 51–100 run at the same moments as the long thread's turns 451–500, turn for
turn: comparing windows minutes apart measured the machine's drift and the yardstick's growth as
well (its full garbage collections, ~100 ms each on this loaded machine, land in whichever turn
allocates at the time, and its growing working set cools the caches of the turn after it), and
read 1.2–1.5× for a product whose every turn does the same work at turn 500 as at turn 50 (the
same function calls, 18,230 a turn; a thread at turn 451 costs what a new one does, measured side
by side). Start-up compares `community-bot ask` (one question, no model configured) with the
yardstick run once as a script.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.app import MEMBER, bench_app
from bench.chat_model import InstantChatModel
from bench.doc_chatbot import chat_turn, doc_chatbot
from bench.knowledge import questions, synthetic_knowledge
from bench.rows import Row
from bench.timing import p50_p99, percentile
from community_bot import event_loop
from community_bot.kb.embedding import StaticEmbedder

TURN_1_TARGET = 1.3  # product CPU ÷ yardstick CPU at a thread's first turn
FLAT_TARGET = 1.2  # product CPU at the thread's last 50 turns ÷ at turns 51–100
ROOT = Path(__file__).resolve().parents[1]
NOTE = (
    "Yardstick: LangGraph's documented chatbot with memory (StateGraph(MessagesState), one async "
    "node, AsyncSqliteSaver on a file, default durability), same instant BaseChatModel; CPU time "
    "of the whole process per turn, product and yardstick turns alternating."
)


async def _turns(
    fresh: int, long: int, chunks: int
) -> tuple[dict[str, list[float]], dict[str, list[float]], dict[str, list[float]]]:
    """CPU ms per turn: (turn 1 of `fresh` threads, each turn of one `long` thread) × both, and
    the product's paired flat samples (`_flat_window`)."""
    first: dict[str, list[float]] = {"product": [], "yardstick": []}
    along: dict[str, list[float]] = {"product": [], "yardstick": []}
    flat: dict[str, list[float]] = {"late": [], "early": []}
    span, early_skip = _flat_window(long)
    early_from = long - span - early_skip  # the long thread's turn at which "early" starts
    with tempfile.TemporaryDirectory(prefix="bench-yardstick-") as tmp:
        root = Path(tmp)
        knowledge = await synthetic_knowledge(root / "kb", chunks)
        asks = questions(2 * (fresh + long + 5) + span + early_skip)
        async with (
            bench_app(root / "app", InstantChatModel(), knowledge) as app,
            doc_chatbot(root / "doc.sqlite", InstantChatModel()) as chatbot,
        ):

            async def product(thread: str) -> float:
                started = time.process_time()
                async for _event in app.conversation.stream_turn(thread, next(asks), MEMBER):
                    pass
                return (time.process_time() - started) * 1000

            async def yardstick(thread: str) -> float:
                started = time.process_time()
                await chat_turn(chatbot, thread, next(asks))
                return (time.process_time() - started) * 1000

            for number in range(5):  # warm-up: caches, first-use imports, SQLite pages
                await product(f"warm:{number}")
                await yardstick(f"warm:{number}")
            for number in range(fresh):
                first["product"].append(await product(f"fresh:{number}"))
                first["yardstick"].append(await yardstick(f"fresh:{number}"))
            for number in range(long):
                if number < early_from:
                    along["product"].append(await product("long"))
                else:  # the two product threads alternate who goes first after the yardstick
                    pair = ["long", "early"] if number % 2 else ["early", "long"]
                    spent = {thread: await product(thread) for thread in pair}
                    along["product"].append(spent["long"])
                    if number - early_from >= early_skip:
                        flat["late"].append(spent["long"])
                        flat["early"].append(spent["early"])
                along["yardstick"].append(await yardstick("long"))
    return first, along, flat


async def _first_turns_with_embeddings(fresh: int, chunks: int) -> dict[str, list[float]]:
    """CPU ms of turn 1 of `fresh` threads, product and yardstick alternating, with the product
    searching as it does by default (EMBEDDINGS=local: words and the bundled embeddings)."""
    first: dict[str, list[float]] = {"product": [], "yardstick": []}
    with tempfile.TemporaryDirectory(prefix="bench-yardstick-") as tmp:
        root = Path(tmp)
        knowledge = await synthetic_knowledge(root / "kb", chunks, StaticEmbedder())
        asks = questions(2 * (fresh + 5))
        async with (
            bench_app(root / "app", InstantChatModel(), knowledge) as app,
            doc_chatbot(root / "doc.sqlite", InstantChatModel()) as chatbot,
        ):
            for number in range(-5, fresh):  # five warm-up turns each, not kept
                started = time.process_time()
                async for _event in app.conversation.stream_turn(
                    f"fresh:{number}", next(asks), MEMBER
                ):
                    pass
                product_ms = (time.process_time() - started) * 1000
                started = time.process_time()
                await chat_turn(chatbot, f"fresh:{number}", next(asks))
                yardstick_ms = (time.process_time() - started) * 1000
                if number >= 0:
                    first["product"].append(product_ms)
                    first["yardstick"].append(yardstick_ms)
    return first


def _flat_window(long: int) -> tuple[int, int]:
    """(turns compared, turns of the second thread before them): its turns 51–100 against the
    long thread's last 50; a short run compares the first third instead."""
    return (50, 50) if long >= 150 else (long // 3, 0)


def _startup_cpu_s(command: Sequence[str], cwd: Path, env: dict[str, str]) -> float:
    """CPU seconds (user + system) one run of `command` took, children included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, timeout=120)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _startups(runs: int, warm_up: bool = True) -> tuple[list[float], list[float]]:
    """Start-up CPU of `community-bot ask` and of the yardstick script, alternating.

    The warm-up run of each indexes / creates its files; `--quick` skips it (its numbers then
    include that, and it is a smoke test, not a measurement)."""
    product: list[float] = []
    yardstick: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        root = Path(tmp)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("LANGSMITH", "LANGCHAIN", "AWS", "OLLAMA", "DISCORD"))
        }
        env |= {"DATA_DIR": str(root / "data"), "BACKEND_MODE": "retrieval"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        ask = [sys.executable, "-m", "runtime.cli", "ask", "How do I install it?"]
        doc = [sys.executable, "-m", "bench.doc_chatbot", str(root / "doc.sqlite"), "hi"]
        for number in range(runs + warm_up):
            product_s = _startup_cpu_s(ask, root, env)
            yardstick_s = _startup_cpu_s(doc, root, env)
            if number >= warm_up:
                product.append(product_s * 1000)
                yardstick.append(yardstick_s * 1000)
    return product, yardstick


def _mean(samples: Sequence[float]) -> float:
    return statistics.fmean(samples)


def _rows(
    first: dict[str, list[float]],
    along: dict[str, list[float]],
    flat_pairs: dict[str, list[float]],
    startup: tuple[list[float], list[float]],
    embedded: dict[str, list[float]],
) -> list[Row]:
    turns = len(along["product"])
    # Each product turn ran right before its yardstick turn, in the same phase of the shared
    # machine: the median of the pairs' ratios moves less between runs than a ratio of medians.
    paired = [p / y for p, y in zip(first["product"], first["yardstick"], strict=True)]
    ratio_1 = percentile(paired, 50)
    paired_embedded = [
        p / y for p, y in zip(embedded["product"], embedded["yardstick"], strict=True)
    ]
    tail = slice(max(0, turns - 50), turns)
    span, early_skip = _flat_window(turns)
    early = slice(early_skip, early_skip + span)
    product_end = _mean(along["product"][tail])
    yardstick_end = _mean(along["yardstick"][tail])
    drifted = product_end / _mean(along["product"][early])
    flat = percentile(
        [late / soon for late, soon in zip(flat_pairs["late"], flat_pairs["early"], strict=True)],
        50,
    )
    late = slice(turns - span, turns)
    ask_p50, ask_p99 = p50_p99(startup[0])
    doc_p50, doc_p99 = p50_p99(startup[1])
    p1, p1_99 = p50_p99(first["product"])
    y1, y1_99 = p50_p99(first["yardstick"])
    return [
        Row("yardstick (LangGraph docs' chatbot) CPU per turn, turn 1", "ms", p50=y1, p99=y1_99),
        Row("product CPU per turn, turn 1", "ms", p50=p1, p99=p1_99),
        Row(
            "product ÷ yardstick CPU per turn, turn 1 (median of paired turns)",
            "×",
            value=ratio_1,
            target=f"≤ {TURN_1_TARGET:g}×",
            passed=ratio_1 <= TURN_1_TARGET,
        ),
        Row(
            "… the same with the default search, words and bundled embeddings (EMBEDDINGS=local)",
            "×",
            value=percentile(paired_embedded, 50),
        ),
        Row(
            f"yardstick CPU per turn, turns {tail.start + 1}–{turns} (mean)",
            "ms",
            value=yardstick_end,
        ),
        Row(
            f"product CPU per turn, turns {tail.start + 1}–{turns} (mean)", "ms", value=product_end
        ),
        Row(
            f"product ÷ yardstick CPU per turn, turn {turns}",
            "×",
            value=product_end / yardstick_end,
        ),
        Row(
            f"product CPU per turn, turns {late.start + 1}–{late.stop} ÷ turns "
            f"{early.start + 1}–{early.stop} (median of paired turns of another thread)",
            "×",
            value=flat,
            target=f"≤ {FLAT_TARGET:g}× (flat)",
            passed=flat <= FLAT_TARGET,
        ),
        Row(
            f"product CPU per turn, turns {tail.start + 1}–{turns} ÷ the same thread's turns "
            f"{early.start + 1}–{early.stop} (means, minutes apart)",
            "×",
            value=drifted,
        ),
        Row("yardstick start-up CPU (one turn as a script)", "ms", p50=doc_p50, p99=doc_p99),
        Row("`community-bot ask` start-up CPU (one question)", "ms", p50=ask_p50, p99=ask_p99),
        Row("`ask` start-up ÷ yardstick start-up (p50)", "×", value=ask_p50 / doc_p50),
    ]


def measure(quick: bool = False) -> list[Row]:
    if quick:
        first, along, flat = event_loop.run(_turns(fresh=10, long=60, chunks=1000))
        embedded = event_loop.run(_first_turns_with_embeddings(fresh=10, chunks=1000))
        return _rows(first, along, flat, _startups(runs=1, warm_up=False), embedded)
    first, along, flat = event_loop.run(_turns(fresh=100, long=500, chunks=10_000))
    embedded = event_loop.run(_first_turns_with_embeddings(fresh=100, chunks=10_000))
    return _rows(first, along, flat, _startups(runs=5), embedded)
