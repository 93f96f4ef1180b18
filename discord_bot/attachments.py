"""Attached files: text ones (logs, .txt, .md, code) join the question; others are named.

People paste a traceback as `error.log` as often as in the message. Those files are read, up to
DISCORD_ATTACHMENT_MAX_BYTES each, and appended to the question in a code block; any other file
is reported back, so nobody thinks the bot looked at their screenshot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import discord

log = logging.getLogger(__name__)

TEXT_SUFFIXES = frozenset(
    {
        ".txt",
        ".md",
        ".rst",
        ".log",
        ".py",
        ".js",
        ".ts",
        ".rs",
        ".go",
        ".java",
        ".c",
        ".h",
        ".cpp",
        ".json",
        ".yaml",
        ".yml",
        ".toml",
        ".ini",
        ".cfg",
        ".conf",
        ".sh",
        ".csv",
        ".sql",
        ".xml",
        ".html",
        ".css",
        ".env",
        ".out",
        ".err",
    }
)


@dataclass
class Attached:
    """What the attachments add to a question, and the files left unread."""

    text: str = ""
    unread: list[str] = field(default_factory=list)


def is_text(attachment: discord.Attachment) -> bool:
    suffix = PurePosixPath(attachment.filename).suffix.lower()
    content_type = (attachment.content_type or "").split(";")[0]
    return suffix in TEXT_SUFFIXES or content_type.startswith("text/")


async def read_attachments(message: discord.Message, max_bytes: int) -> Attached:
    """The text files' contents as fenced blocks; the names of files not read."""
    attached = Attached()
    blocks: list[str] = []
    for attachment in message.attachments:
        if not is_text(attachment):
            attached.unread.append(attachment.filename)
            continue
        if attachment.size > max_bytes:
            attached.unread.append(f"{attachment.filename} (over {max_bytes:,} bytes)")
            continue
        try:
            data = await attachment.read()
        except discord.HTTPException:
            log.warning("could not download attachment %s", attachment.filename, exc_info=True)
            attached.unread.append(attachment.filename)
            continue
        body = data.decode("utf-8", errors="replace").replace("```", "'''")
        blocks.append(f"{attachment.filename}:\n```\n{body.rstrip()}\n```")
    attached.text = "\n\n".join(blocks)
    return attached
