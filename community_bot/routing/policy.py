"""The hand-tuned router's (v1, `rules`) weights, and the labels every reason uses for signals.

A message's score is the sum of the weights of its signals; the tier follows from the score. A
signal weighted at `LARGE_FROM` or more sends a message to the large tier on its own. The learned
router does not use these weights (it learns its own); `python -m bench.routing_train` measures
both routers on held-out writers.
"""

from __future__ import annotations

from types import MappingProxyType

from community_bot.routing import signals

MEDIUM_FROM = 1.0
LARGE_FROM = 3.0

# Context signals, added by the router rather than read from the text.
KB_CLEAR = "kb_clear"
KB_MISS = "kb_miss"
FOLLOW_UP = "follow_up"

WEIGHTS = MappingProxyType(
    {
        signals.TRACEBACK: 3.0,
        signals.LOG: 3.0,
        signals.MULTI_STEP: 3.0,
        signals.DESIGN: 3.0,
        signals.CODE_BLOCK: 2.0,
        signals.ERROR: 1.5,
        signals.PROBLEM: 1.5,
        signals.HOW_TO: 1.5,
        signals.SNIPPET: 0.5,
        signals.QUESTION: 0.5,
        signals.LONG: 1.0,
        signals.VERY_LONG: 2.0,
        signals.SOCIAL: -1.0,
        # A look-up or a procedure the knowledge base clearly answers needs little reasoning…
        KB_CLEAR: -1.5,
        # …while a technical question it cannot answer needs more of the model's own knowledge.
        KB_MISS: 1.0,
    }
)

LABELS = MappingProxyType(
    {
        signals.TRACEBACK: "traceback",
        signals.LOG: "pasted log",
        signals.MULTI_STEP: "multi-step ask",
        signals.DESIGN: "why/design/comparison",
        signals.CODE_BLOCK: "code block",
        signals.ERROR: "error message",
        signals.PROBLEM: "problem report",
        signals.HOW_TO: "how-to",
        signals.SNIPPET: "code snippet",
        signals.QUESTION: "question",
        signals.LONG: "long message",
        signals.VERY_LONG: "very long message",
        signals.SOCIAL: "greeting/thanks",
        KB_CLEAR: "KB answers it",
        KB_MISS: "KB miss",
        FOLLOW_UP: "follow-up",
    }
)

# Knowledge-base scores on the 0–1 relevance scale of Bedrock Knowledge Bases and cosine search.
KB_CLEAR_SCORE = 0.75
KB_WEAK_SCORE = 0.5  # a hit below this counts as a miss

# A follow-up keeps the previous turn's tier only while it is short: longer messages carry their
# own context and are judged on it.
FOLLOW_UP_MAX_WORDS = 12
