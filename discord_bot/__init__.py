"""The Discord adapter: Discord events in, conversation turns out, replies back as messages.

Build the client with `build_client(settings.discord, app, data_dir=…, reply_limit=…)`: the
adapter reads the Discord settings group and two values of the others.
`runtime.discord_run.run_bot(settings)` is `community-bot run`. The adapter knows the app only
through `discord_bot.backend.Backend`.
"""

from discord_bot.factory import build_client

__all__ = ["build_client"]
