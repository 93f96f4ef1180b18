"""Node: answer by quoting the best passages when no language model can answer.

This is the embedded default (no AWS, no Ollama) and the last step of every fallback chain, so it
must always produce something useful and say plainly why no model wrote it.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.messages import AIMessage
from langgraph.runtime import Runtime

from community_bot.types import RETRIEVAL_ONLY, Passage, TurnRecord, passage_label
from nodes.context import Context
from nodes.state import State

QUOTED_PASSAGES = 3
EXCERPT_CHARS = 420
NO_MODEL = "No language model is configured, so here is what the docs say:"
MODEL_DOWN = "The language model is unavailable right now, so I answered from the docs instead:"
NOTHING_FOUND = "I found nothing in the docs about that. Try other words, or ask a maintainer."


async def answer_from_docs(state: State, runtime: Runtime[Context]) -> dict[str, Any]:
    failed_turn = state.get("turn")
    # Why no model answered, in a few words: the route's (every provider down) or generate's.
    why = state["route"].get("note") or (failed_turn.get("note") if failed_turn else None)
    configured = state["route"]["model"] != RETRIEVAL_ONLY or why is not None
    passages = state.get("passages", [])[:QUOTED_PASSAGES]
    text = docs_answer(passages, model_configured=configured, why=why)
    runtime.stream_writer({"token": text})
    failed = failed_turn if state["route"]["model"] != RETRIEVAL_ONLY else None
    turn: TurnRecord = {
        "model": RETRIEVAL_ONLY,
        "tier": None,
        "input_tokens": 0,
        "output_tokens": 0,
        "ttft_ms": None,
        "latency_ms": failed["latency_ms"] if failed else 0.0,
        "cost_usd": failed["cost_usd"] if failed else 0.0,
        "outcome": "retrieval_only",
        "attempts": failed["attempts"] if failed else [],
    }
    if why:
        turn["note"] = why
    answer = AIMessage(content=text, response_metadata={"model": RETRIEVAL_ONLY})
    return {"messages": [answer], "turn": turn}


def docs_answer(passages: list[Passage], *, model_configured: bool, why: str | None = None) -> str:
    """The quoted-passages reply, numbered so the citations line up; its first line says why
    no model wrote it ("unavailable right now (ollama unreachable)", or none configured)."""
    lead = MODEL_DOWN if model_configured else NO_MODEL
    if why and model_configured:
        lead = lead.replace("right now", f"right now ({why})", 1)
    if not passages:
        return f"{lead.split(',')[0]}, and {NOTHING_FOUND}"  # "I" stays upper-case
    quotes = [
        f"**{passage_label(p)}** [{n}]\n{_quote(excerpt(p['text']))}"
        for n, p in enumerate(passages, start=1)
    ]
    return "\n\n".join([lead, *quotes])


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The passage cut at a sentence end near `limit`, so quotes stay short and readable."""
    text = re.sub(r"\s*\n\s*\n\s*", "\n", text.strip())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind(".\n"), cut.rfind("\n"))
    return (cut[: end + 1] if end > limit // 2 else cut.rsplit(" ", 1)[0]).rstrip() + " …"


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())
