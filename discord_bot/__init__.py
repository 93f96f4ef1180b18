"""The Discord runtime: an adapter between Discord events and the conversation graph.

Build the client with `build_client(settings, app)`; `run_bot(settings)` is `community-bot run`.
"""

from discord_bot.factory import build_client, run_bot

__all__ = ["build_client", "run_bot"]
