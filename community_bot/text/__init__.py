"""Text shaping for Discord: split long answers into messages, keep code blocks rendering."""

from community_bot.text.fences import balance_fences, is_inside_fence
from community_bot.text.splitting import (
    DEFAULT_LIMIT,
    DISCORD_MESSAGE_LIMIT,
    join_chunks,
    split_reply,
)

__all__ = [
    "DEFAULT_LIMIT",
    "DISCORD_MESSAGE_LIMIT",
    "balance_fences",
    "is_inside_fence",
    "join_chunks",
    "split_reply",
]
