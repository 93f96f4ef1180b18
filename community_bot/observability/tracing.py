"""LangSmith traces of turns when LANGSMITH_TRACING=true; when it is off nothing leaves the machine.

Each turn is one trace. Its root run, "community-bot turn", carries what LangSmith filters on:
metadata `channel`, `thread_id` (LangSmith's Threads view groups a channel's turns by it),
`author_id` and `profile` from the start, then `tier`, `model`, `outcome` and `kb` once the reply
is ready, since only the route node knows the tier; tags repeat them (`tier:large`,
`model:amazon.nova-pro-v1:0`, `outcome:fallback`, `kb:miss`). The conversation graph and its nodes
and model calls nest under the root, named as Studio draws them. The root's id is the turn's
`run_id`, so 👍/👎 feedback lands on the whole trace.

The client, endpoint, key and project come from the settings (so `.env` works too) and are passed
explicitly, never read from LangSmith's cached environment lookups.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID

from langsmith import Client, trace, tracing_context
from langsmith.run_trees import RunTree
from langsmith.utils import tracing_is_enabled

from community_bot.settings import ObservabilitySettings
from community_bot.turns import Author, FinalReply

log = logging.getLogger(__name__)

ROOT_RUN_NAME = "community-bot turn"
FEEDBACK_KEY = "user_score"
FLUSH_TIMEOUT_S = 10.0


class TurnTracing:
    """Opens a LangSmith trace per turn, or a context where tracing is off for certain."""

    def __init__(self, observability: ObservabilitySettings, default_profile: str) -> None:
        self.enabled = observability.langsmith_tracing
        self.project = observability.langsmith_project
        self._default_profile = default_profile  # PROMPT_PROFILE: a turn's `profile` when unnamed
        self._project_id: UUID | None = None
        self._client: Client | None = None
        # Off here, LangChain still traces if its own environment variables say so; only then
        # does a turn need a context that turns tracing off (~40 µs a turn, a tenth of the
        # observer's cost otherwise).
        self._off_needs_context = not self.enabled and bool(tracing_is_enabled())
        if self.enabled:
            key = observability.langsmith_api_key
            self._client = Client(
                api_url=observability.langsmith_endpoint,
                api_key=key.get_secret_value() if key is not None else None,
            )

    @contextmanager
    def turn(
        self, run_id: str, thread_id: str, question: str, author: Author, profile: str | None
    ) -> Iterator[RunTree | None]:
        """The turn's root run while the block runs (None when tracing is off)."""
        if self._client is None:
            if not self._off_needs_context:
                yield None
                return
            with tracing_context(enabled=False):
                yield None
            return
        profile = profile or self._default_profile
        metadata = {
            "channel": thread_id,
            "thread_id": thread_id,
            "author_id": author.id,
            "profile": profile,
        }
        with (
            tracing_context(enabled=True, client=self._client, project_name=self.project),
            trace(
                ROOT_RUN_NAME,
                "chain",
                inputs={"question": question},
                project_name=self.project,
                tags=["community-bot", f"profile:{profile}"],
                metadata=metadata,
                client=self._client,
                run_id=run_id,
            ) as root,
        ):
            yield root

    @staticmethod
    def describe(root: RunTree, reply: FinalReply) -> None:
        """Add what only the finished turn knows: tier, model, outcome, KB result, the reply."""
        turn, retrieval = reply.turn, reply.retrieval
        details: dict[str, Any] = {}
        if turn is not None:
            details |= {
                "tier": turn["tier"] or "none",
                "model": turn["model"],
                "outcome": turn["outcome"],
                "failed_attempts": len(turn["attempts"]),
                "cost_usd": turn["cost_usd"],
            }
        if retrieval is not None:
            details["kb"] = "hit" if retrieval["hit"] else "miss"
        root.add_metadata(details)
        tagged = ("tier", "model", "outcome", "kb")
        root.add_tags([f"{key}:{details[key]}" for key in tagged if key in details])
        root.add_outputs({"reply": reply.text, "citations": reply.citations, "turn": turn})

    def send_feedback(self, run_id: str, score: int) -> None:
        """A 👍 (+1) / 👎 (-1) on the turn's trace; blocking, so call it from a worker thread."""
        if self._client is None:
            return
        if self._project_id is None:
            # LangSmith creates the project with its first trace: send that before looking it up.
            self._client.flush(timeout=FLUSH_TIMEOUT_S)
            self._project_id = self._client.read_project(project_name=self.project).id
        self._client.create_feedback(
            run_id,
            FEEDBACK_KEY,
            score=score,
            trace_id=run_id,
            session_id=self._project_id,
        )

    def close(self) -> None:
        """Send what is still queued; blocking, so call it from a worker thread."""
        if self._client is not None:
            self._client.flush(timeout=FLUSH_TIMEOUT_S)
