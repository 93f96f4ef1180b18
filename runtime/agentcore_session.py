"""Discord channels as AgentCore Runtime sessions, and back.

InvokeAgentRuntime wants a session id of at least 33 characters (botocore's model of the API);
a channel's thread id (`discord:<id>`) is shorter. The client sends `community-bot:<thread>`
padded with dots; the runtime reads the thread back, so memory in a shared database is keyed by
the channel exactly as the embedded bot keys it (moving a bot onto AgentCore keeps its memory).
"""

from __future__ import annotations

PREFIX = "community-bot:"
MIN_LENGTH = 33
PAD = "."


def session_of(thread_id: str) -> str:
    return f"{PREFIX}{thread_id}".ljust(MIN_LENGTH, PAD)


def thread_of(session_id: str) -> str:
    """The thread a session continues; another client's session id is a thread of its own."""
    if session_id.startswith(PREFIX):
        return session_id.removeprefix(PREFIX).rstrip(PAD)
    return session_id
