"""Benchmark 4: from the model's first token to Discord, through the real discord.py client.

The production client (`discord_bot.build_client`) runs against the Discord emulator of the test
suite over HTTP and WebSocket on 127.0.0.1, on top of the real app (graph, checkpointer, ledger).
Members ask in several channels at once; the model streams a ~230-word answer at 50 words/s
(~65 tokens/s: between a local Ollama model and Nova Lite's ~200 tokens/s), so every answer is
edited while it streams, at the production edit interval.

Measured: the time from the model's first token to the emulator receiving the answer's first
message, and, per message, how often it was edited and the shortest gap between two edits
(Discord allows about 5 edits per 5 s per message; DISCORD_EDIT_INTERVAL_SECONDS keeps to 1/s).
"""

from __future__ import annotations

import functools
import itertools
import tempfile
from pathlib import Path

from bench.app import bench_app
from bench.discord_crowd import measure_crowd
from bench.doubles import ANSWER, InstantChatModel
from bench.rows import Row
from bench.timing import p50_p99
from community_bot import event_loop
from community_bot.settings import Settings
from tests.discord.conftest import running_bot
from tests.emulators.discord import DiscordEmulator
from tests.fakes import FixedKnowledge

WORDS_PER_SECOND = 50
CROWD = 200  # simultaneous questions, and simultaneous streamed answers
QUICK_CROWD = 3  # enough to queue in one channel; more only waits out its rate limit
LONG_ANSWER = " ".join([ANSWER] * 4)
FIRST_MESSAGE_TARGET_MS = 100.0  # below ~100 ms a reaction reads as instantaneous
JITTER = 0.95  # edit gaps are timed where the emulator receives them, after an HTTP round trip
NOTE = (
    "Discord path: real discord.py client against the emulator on 127.0.0.1 (no internet "
    "round trip); answers stream at 50 words/s with the default 1 s edit interval."
)


def _bot_settings(
    emu: DiscordEmulator, data_dir: Path, channels: list[int], interval: float
) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        discord_bot_token="bench-token",
        discord_channel_ids=channels,
        discord_edit_interval_seconds=interval,
        rate_limit_per_minute=600.0,
        rate_limit_burst=50,
    )


async def _measure(
    channels: int, rounds: int, words_per_second: float, interval: float
) -> list[Row]:
    emu = DiscordEmulator()
    channel_ids = [emu.add_text_channel(f"help-{n}") for n in range(channels)]
    member = emu.add_member("member")
    model = InstantChatModel(answer=LONG_ANSWER, token_interval_s=1 / words_per_second)
    first_message_ms: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-discord-") as tmp:
        settings = _bot_settings(emu, Path(tmp), channel_ids, interval)
        async with (
            emu,
            bench_app(Path(tmp), model, FixedKnowledge()) as app,
            running_bot(emu, settings, app),
        ):
            for number in range(rounds):
                asked = {c: f"question {number} in channel {c}" for c in channel_ids}
                before = {c: len(emu.bot_messages(c)) for c in channel_ids}
                for channel, question in asked.items():
                    await emu.send_user_message(channel, member, question)
                for channel, question in asked.items():
                    await emu.wait_for(
                        functools.partial(_finished, emu, channel, before[channel]),
                        within=60,
                        what=f"the answer in channel {channel}",
                    )
                    first = _first_token_at(model, question)
                    created = emu.requests_to("POST", rf"^/channels/{channel}/messages$")
                    first_message_ms.append((created[before[channel]].at - first) * 1000)
        rates, gaps = _edit_cadence(emu, channel_ids)
    first_p50, first_p99 = p50_p99(first_message_ms)
    rate_p50, rate_p99 = p50_p99(rates)
    shortest = min(gaps)
    return [
        Row(
            "Discord: model's first token → first message",
            "ms",
            p50=first_p50,
            p99=first_p99,
            target=f"p50 ≤ {FIRST_MESSAGE_TARGET_MS:g} ms",
            passed=first_p50 <= FIRST_MESSAGE_TARGET_MS,
        ),
        Row(
            "Discord: edits per second per streamed message",
            "/s",
            p50=rate_p50,
            p99=rate_p99,
            target=f"≤ {1 / interval:g}/s",
            passed=rate_p99 <= 1 / (JITTER * interval),
        ),
        Row(
            "Discord: shortest gap between two edits of a message",
            "s",
            value=shortest,
            target=f"≥ {JITTER * interval:g} s",
            passed=shortest >= JITTER * interval,
        ),
    ]


def _finished(emu: DiscordEmulator, channel: int, before: int) -> bool:
    """The answer is complete once the channel shows it with its final text."""
    texts = emu.bot_texts(channel)[before:]
    return bool(texts) and texts[-1].rstrip().endswith(LONG_ANSWER[-20:])


def _first_token_at(model: InstantChatModel, question: str) -> float:
    return next(at for prompt, at in model.first_token_at.items() if question in prompt)


def _edit_cadence(emu: DiscordEmulator, channels: list[int]) -> tuple[list[float], list[float]]:
    """Per streamed message, edits per second while it was being edited; all gaps between edits."""
    rates: list[float] = []
    gaps: list[float] = []
    for channel in channels:
        for message in emu.bot_messages(channel):
            edits = [edit.at for edit in emu.edits_of(int(message["id"]))]
            if len(edits) < 2:
                continue
            rates.append((len(edits) - 1) / (edits[-1] - edits[0]))
            gaps += [later - earlier for earlier, later in itertools.pairwise(edits)]
    return rates, gaps


def measure(quick: bool = False) -> list[Row]:
    """The streaming path, then the crowd (`bench.discord_crowd`: signs, global budget)."""
    if quick:
        rows = event_loop.run(_measure(channels=3, rounds=1, words_per_second=200, interval=0.2))
        return rows + event_loop.run(measure_crowd(QUICK_CROWD))
    rows = event_loop.run(
        _measure(channels=8, rounds=2, words_per_second=WORDS_PER_SECOND, interval=1.0)
    )
    return rows + event_loop.run(measure_crowd(CROWD))
