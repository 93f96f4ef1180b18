"""`community-bot run`: open the app, connect the Discord client to it, stop cleanly on a signal."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from community_bot.errors import ConfigError
from community_bot.settings import Settings
from discord_bot.factory import build_client, use_endpoints
from runtime.backends import open_backend

log = logging.getLogger(__name__)


async def run_bot(settings: Settings) -> None:
    """Connect to Discord and answer until SIGINT/SIGTERM, then shut down cleanly.

    On a signal: stop taking new messages, finish (or after the grace period cancel) in-flight
    answers, close the connection, then close the app and its checkpointer, so that a restart
    continues every channel's conversation.
    """
    if settings.discord_bot_token is None:
        raise ConfigError(["DISCORD_BOT_TOKEN: required to connect to Discord"])
    token = settings.discord_bot_token.get_secret_value()
    use_endpoints(settings.discord)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with open_backend(settings) as app:
            client = build_client(
                settings.discord,
                app,
                data_dir=settings.data_dir,
                reply_limit=settings.max_response_chars,
            )
            runner = asyncio.create_task(client.start(token))
            waiter = asyncio.create_task(stop.wait())
            done, _ = await asyncio.wait({runner, waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if waiter in done:
                log.info("signal received: finishing in-flight answers, then stopping")
            await client.close()
            with contextlib.suppress(asyncio.CancelledError):
                await runner  # re-raises a login or gateway failure
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
