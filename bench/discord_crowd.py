"""Benchmark 4b: a crowd at once, through the real discord.py client and the real app.

Two questions a busy community asks of the bot:

- **Does anyone wait in silence?** From a question's arrival to the first sign the bot has it
  (typing in its channel, its thread opened, or its answer), in channel, thread and forum mode,
  for one question and for a crowd asking at the same moment (all in one channel, or one forum).
  A typing indicator shown in the channel less than 10 s before, with no bot message since
  (which hides it), is a sign already there: 0 ms.
- **Does a flood of answers stay inside Discord's global limit?** Many answers stream at once,
  each in its own channel: the emulator counts requests per second and answers above 50/s with
  a global 429, as Discord does; every answer must still end with its full text.

The model answers instantly for the first (only the bot's own handling is timed) and streams at
50 words/s for the second.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bench.app import bench_app
from bench.chat_model import ANSWER, InstantChatModel
from bench.rows import Row
from bench.timing import p50_p99
from community_bot.settings import Settings
from tests.discord.conftest import running_bot
from tests.emulators.discord import DiscordEmulator
from tests.emulators.discord_rest import GLOBAL_LIMIT_PER_SECOND, RecordedRequest
from tests.fakes import FixedKnowledge

SIGN_TARGET_MS = 300.0
TYPING_SHOWS_S = 10.0  # Discord shows "typing…" this long after a request, or until it posts
MODES = ("channel", "thread", "forum")


def _settings(data_dir: Path, **values: object) -> Settings:
    defaults: dict[str, object] = {"rate_limit_per_minute": 600.0, "rate_limit_burst": 50}
    return Settings(
        _env_file=None,
        data_dir=data_dir,
        discord_bot_token="bench-token",
        **(defaults | values),  # type: ignore[arg-type]
    )


def _typing_visible(requests: list[RecordedRequest], channel: int, at: float) -> bool:
    """Whether the bot's typing indicator shows in `channel` at time `at`."""
    typing = [r.at for r in requests if r.path == f"/channels/{channel}/typing" and r.at <= at]
    if not typing or at - typing[-1] >= TYPING_SHOWS_S:
        return False
    posted = f"/channels/{channel}/messages"
    return not any(
        r.method == "POST" and r.path == posted and typing[-1] < r.at <= at for r in requests
    )


def _sign_after(requests: list[RecordedRequest], channel: int, question: int, at: float) -> float:
    """When the asker first saw that the bot has their question."""
    if _typing_visible(requests, channel, at):
        return at
    signs = (
        f"/channels/{channel}/typing",
        f"/channels/{question}/typing",  # the question's thread (thread and forum mode)
        f"/channels/{channel}/messages/{question}/threads",
        f"/channels/{question}/messages",
    )
    for request in requests:
        if request.at < at or request.status >= 300:
            continue
        if request.method == "POST" and request.path in signs:
            return request.at
        reference = (request.body or {}).get("message_reference") or {}
        if request.method == "POST" and reference.get("message_id") == str(question):
            return request.at
    raise AssertionError(f"no sign at all for question {question}")


async def _signs(mode: str, crowd: int) -> list[float]:
    emu = DiscordEmulator()
    members = [emu.add_member(f"member-{n}") for n in range(crowd)]
    where = emu.add_forum_channel("help") if mode == "forum" else emu.add_text_channel("help")
    arrivals: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-discord-crowd-") as tmp:
        if mode == "forum":
            settings = _settings(Path(tmp), discord_forum_channel_ids=[where])
        else:
            settings = _settings(
                Path(tmp), discord_channel_ids=[where], discord_thread_mode=mode == "thread"
            )
        async with (
            emu,
            bench_app(Path(tmp), InstantChatModel(), FixedKnowledge()) as app,
            running_bot(emu, settings, app),
        ):
            for n, member in enumerate(members):
                before = time.monotonic()
                if mode == "forum":
                    question = await emu.create_forum_post(
                        where, member, f"Install problem {n}", "How do I install it?"
                    )
                else:
                    question = await emu.send_user_message(
                        where, member, f"How do I install it, question {n}?"
                    )
                arrivals[question] = before
            await emu.wait_for(
                lambda: _all_answered(emu, mode, where, list(arrivals)),
                within=300,
                what=f"{crowd} answers in {mode} mode",
            )
        requests = list(emu.requests)
    return [(_sign_after(requests, where, q, at) - at) * 1000 for q, at in arrivals.items()]


def _all_answered(emu: DiscordEmulator, mode: str, where: int, questions: list[int]) -> bool:
    if mode == "channel":
        return len(emu.bot_messages(where)) >= len(questions)
    return all(emu.bot_messages(question) for question in questions)


async def _flood(answers: int) -> tuple[int, int, int, float]:
    """Peak requests/s, global 429s, answers complete and correct, wall time (s)."""
    emu = DiscordEmulator()
    channels = [emu.add_text_channel(f"help-{n}") for n in range(answers)]
    member = emu.add_member("member")
    model = InstantChatModel(answer=ANSWER, token_interval_s=1 / 50)
    with tempfile.TemporaryDirectory(prefix="bench-discord-flood-") as tmp:
        settings = _settings(Path(tmp), discord_channel_ids=channels, rate_limit_burst=answers)
        async with (
            emu,
            bench_app(Path(tmp), model, FixedKnowledge()) as app,
            running_bot(emu, settings, app),
        ):
            started = time.monotonic()
            for channel in channels:
                await emu.send_user_message(channel, member, f"How do I install it in {channel}?")
            await emu.wait_for(
                lambda: all(emu.bot_texts(c) == [ANSWER] for c in channels),
                within=600,
                what="every answer complete",
            )
            wall = time.monotonic() - started
        correct = sum(emu.bot_texts(c) == [ANSWER] for c in channels)
        return emu.rest.peak_per_second(since=started), emu.rest.global_429s, correct, wall


async def measure_crowd(crowd: int) -> list[Row]:
    rows: list[Row] = []
    for mode in MODES:
        for size in (1, crowd):
            p50, p99 = p50_p99(await _signs(mode, size))
            rows.append(
                Row(
                    f"Discord: question → visible sign, {mode} mode, {size} at once",
                    "ms",
                    p50=p50,
                    p99=p99,
                    target=f"p99 ≤ {SIGN_TARGET_MS:g} ms",
                    passed=p99 <= SIGN_TARGET_MS,
                )
            )
    peak, global_429s, correct, wall = await _flood(crowd)
    title = f"Discord: {crowd} streamed answers at once"
    rows += [
        Row(
            f"{title}: peak requests per second",
            "/s",
            value=peak,
            target=f"≤ {GLOBAL_LIMIT_PER_SECOND}/s",
            passed=peak <= GLOBAL_LIMIT_PER_SECOND,
        ),
        Row(f"{title}: global 429s", value=global_429s, target="0", passed=global_429s == 0),
        Row(
            f"{title}: complete and correct",
            value=correct,
            target=f"{crowd}",
            passed=correct == crowd,
        ),
        Row(f"{title}: time until all complete", "s", value=wall),
    ]
    return rows
