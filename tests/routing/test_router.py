"""The hand-tuned router (v1, the baseline and fallback) sends each kind of message to its tier."""

from __future__ import annotations

import pytest

from community_bot.routing.policy import KB_CLEAR, KB_MISS, WEIGHTS
from community_bot.routing.rules import decide
from community_bot.types import Tier

TRACEBACK = """my bot dies on startup

```
Traceback (most recent call last):
  File "/srv/bot/.venv/lib/python3.11/site-packages/discord/client.py", line 748, in connect
    raise PrivilegedIntentsRequired(exc.shard_id) from None
discord.errors.PrivilegedIntentsRequired: Shard ID None is requesting privileged intents
```"""
LOG = """ollama times out every few minutes:
2026-11-03 10:02:11 WARNING community_bot.models.routed: ollama attempt 1 failed: timed out
2026-11-03 10:02:14 WARNING community_bot.models.routed: ollama attempt 2 failed: timed out
2026-11-03 10:02:14 ERROR community_bot.models.routed: no model answered at tier small"""
CODE = """why does this never print anything?
```python
async def main():
    async with open_app(settings) as app:
        reply = app.conversation.ask("t", "hello", author)
        print(reply.text)
asyncio.run(main())
```"""

CLEAR_EXAMPLES: dict[str, tuple[Tier, list[str]]] = {
    "greetings": ("small", ["hi", "hey everyone 👋", "good morning all", "yo bot"]),
    "thanks": ("small", ["thanks!", "ty, that worked", "cheers, got it", "appreciate it 🙏"]),
    "faq look-ups": (
        "small",
        ["is it free?", "where are the docs?", "what license is it under", "does it run on arm?"],
    ),
    "how-to": (
        "medium",
        [
            "how do I add the bot to my server?",
            "how can i change the system prompt",
            "how to point it at my docs folder",
            "is there a way to make replies shorter?",
        ],
    ),
    "debugging with pasted material": ("large", [TRACEBACK, LOG, CODE]),
    "design and comparison": (
        "large",
        [
            "why does it use sqlite for memory and not redis?",
            "nova lite vs nova pro for a support server?",
            "what are the trade-offs of streaming replies by editing the message?",
            "should we use the local kb or bedrock knowledge bases for 3k pages?",
        ],
    ),
    "multi-step asks": (
        "large",
        [
            "1. install it\n2. connect our wiki\n3. limit it to #help — how?",
            "walk me through setting it up from scratch on a vps",
            "first i want to try it with ollama, then move to bedrock. what changes?",
            "how do I set the budget, and where do I see the spend? also can it alert me?",
        ],
    ),
}


@pytest.mark.parametrize(
    ("expected", "text"),
    [(tier, text) for tier, texts in CLEAR_EXAMPLES.values() for text in texts],
)
def test_each_kind_of_message_goes_to_its_tier(expected: Tier, text: str) -> None:
    assert decide(text).tier == expected


def test_the_reason_names_the_signals_strongest_first() -> None:
    choice = decide(TRACEBACK + "\n\nalso how do I keep it from happening? and what changed?")

    assert choice.reason == (
        "large: multi-step ask + traceback + how-to + long message + code snippet"
    )
    assert dict(choice.signals)["traceback"] == WEIGHTS["traceback"]
    assert choice.score == sum(weight for _, weight in choice.signals)


def test_a_message_without_signals_says_so() -> None:
    assert decide("asdfgh").reason == "small: no complexity signals"


@pytest.mark.parametrize("follow_up", ["still the same error", "and on windows?", "doesn't work"])
def test_a_short_follow_up_to_a_hard_question_stays_hard(follow_up: str) -> None:
    choice = decide(follow_up, previous_tier="large", previous_text=TRACEBACK)

    assert choice.tier == "large"
    assert choice.reason.startswith("large: follow-up to a large turn")


def test_a_follow_up_inherits_from_the_previous_text_when_its_tier_is_unknown() -> None:
    assert decide("what about cost?", previous_text=CODE).tier == "large"
    assert decide("what about cost?").tier == "small"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("thanks, that fixed it!", "small"),
        ("ok cool", "small"),
        ("btw where is the changelog?", "small"),
        ("unrelated, but how do i change the bot avatar", "medium"),
    ],
)
def test_stickiness_ends_with_thanks_or_a_new_unrelated_message(
    message: str, expected: Tier
) -> None:
    choice = decide(message, previous_tier="large", previous_text=TRACEBACK)

    assert choice.tier == expected
    assert "follow-up" not in choice.reason


def test_a_long_message_is_judged_on_its_own_not_on_the_previous_turn() -> None:
    long_faq = "is there a docker image somewhere that i can pull, we run everything in containers"

    assert decide(long_faq, previous_tier="large").tier == "small"


def test_a_clear_knowledge_base_match_lets_a_how_to_go_one_tier_down() -> None:
    question = "how do i reset a channel's memory?"

    answered = decide(question, kb_hit=True, kb_top_score=0.9)

    assert decide(question).tier == "medium"
    assert answered.tier == "small"
    assert "KB answers it" in answered.reason
    assert dict(answered.signals)[KB_CLEAR] < 0


def test_a_knowledge_base_miss_on_a_look_up_needs_a_stronger_model() -> None:
    question = "does it support matrix too?"

    missed = decide(question, kb_hit=False, kb_top_score=0.1)

    assert decide(question).tier == "small"
    assert missed.tier == "medium"
    assert missed.reason == "medium: KB miss + question"
    assert dict(missed.signals)[KB_MISS] > 0


def test_a_weak_hit_counts_as_a_miss_and_a_middling_one_as_nothing() -> None:
    question = "does it work on a raspberry pi?"

    assert decide(question, kb_hit=True, kb_top_score=0.3).tier == "medium"
    assert decide(question, kb_hit=True, kb_top_score=0.6).tier == "small"


def test_the_knowledge_base_never_lowers_a_hard_question() -> None:
    choice = decide(TRACEBACK, kb_hit=True, kb_top_score=0.95)

    assert choice.tier == "large"
    assert "KB" not in choice.reason


def test_small_talk_ignores_the_knowledge_base() -> None:
    assert decide("hey all", kb_hit=False, kb_top_score=0.0).reason == "small: greeting/thanks"
