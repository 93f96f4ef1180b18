"""One readable INFO line per answered turn, with no message content in it.

    turn channel=discord:42 author=7 tier=medium model=amazon.nova-lite-v1:0 tokens=812/164
    cost=$0.000088 ttft=420ms latency=1830ms total=1902ms kb=hit outcome=ok failed_attempts=0

`latency` is the model's part (fallbacks included), `total` the whole turn until the reply was
ready; `failed_attempts` counts the retries and fallbacks the answer needed.
"""

from __future__ import annotations

import logging

from community_bot.turns import Author, FinalReply

log = logging.getLogger("community_bot.turn")


def log_turn(reply: FinalReply, thread_id: str, author: Author) -> None:
    """channel, author id, tier, model, tokens, cost, time to first token, latency, KB, outcome,
    and whether a second chance answered (count them to see how often cheaper tiers fall short)."""
    turn = reply.turn
    if turn is None:
        return
    retrieval = reply.retrieval
    kb = "n/a" if retrieval is None else ("hit" if retrieval["hit"] else "miss")
    ttft = "-" if turn["ttft_ms"] is None else f"{turn['ttft_ms']:.0f}ms"
    log.info(
        "turn channel=%s author=%s tier=%s model=%s tokens=%d/%d cost=$%.6f ttft=%s "
        "latency=%.0fms total=%.0fms kb=%s outcome=%s failed_attempts=%d second_chance=%s",
        thread_id,
        author.id,
        turn["tier"] or "-",
        turn["model"],
        turn["input_tokens"],
        turn["output_tokens"],
        turn["cost_usd"],
        ttft,
        turn["latency_ms"],
        reply.elapsed_ms,
        kb,
        turn["outcome"],
        len(turn["attempts"]),
        "yes" if turn.get("second_chance") else "no",
    )
