"""Whether the local index's search may run on the event loop instead of a worker thread.

A hop to a worker thread and back costs about 0.07 ms of CPU on its own and 0.2-0.4 ms inside a
turn, where the worker contends for the GIL with the node running beside it (`assemble_prompt`):
nearly as much as a words-only search of 10,000 passages (about 0.5 ms; 0.8 ms with the bundled
embeddings), and a turn's CPU is what the product is measured by. But a search on the loop stalls
every other channel while it runs, so it runs there only while it is known to be short, and the
verdict is revisited at every search:

- Unknown cost runs on a worker thread: the first two searches, and the first after the index
  changed (a changed index may reload its vector matrix, most of a second at 100,000 passages).
  That first search at a version is not timed: it paid the one-time costs.
- Every search is timed by what it cost the loop, or would have: its thread's CPU time, or, on
  the loop, its wall time if it blocked (read the disk, waited for a lock or the GIL: the thread
  made a voluntary context switch). Being preempted by other processes on a busy machine is not
  the search's doing and would stall the loop wherever the search ran: timed by the wall clock,
  three busy processes on two cores sent a third of the searches to the worker. One slow search
  raises the estimate at once; quick ones lower it a fifth of the way at a time.
- An estimate under `INLINE_LIMIT_SECONDS` runs the next search on the loop, else on a worker.

The caller only searches in-process models (no network: `Embedder.in_process`); a remote
embedding model always searches on a worker, whatever its timings.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

try:
    import resource
except ImportError:  # Windows: no per-thread counts, so a search on the loop is timed by the wall
    resource = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
INLINE_LIMIT_SECONDS = 0.003  # the longest stall of the loop a search may be expected to cause
DECAY = 0.8  # weight of the old estimate when a search is quicker than it
FAILED_SECONDS = 1.0  # what a search that failed on the loop counts as: ~25 searches on a worker


class SearchPace:
    """The running estimate of one index's search time and the version it was measured at.

    Read and written from the loop and from worker threads without a lock: a lost update costs at
    most one search on the other side, never a wrong answer."""

    def __init__(self, limit_seconds: float = INLINE_LIMIT_SECONDS) -> None:
        self.limit_seconds = limit_seconds
        self.estimate_seconds: float | None = None  # None: not measured yet
        self.version: str | None = None  # the index version the last search found

    @property
    def measured(self) -> bool:
        """Whether any search was timed yet (before that, nothing runs on the loop)."""
        return self.estimate_seconds is not None

    def inline(self, version: str | None) -> bool:
        """Whether a search of the index at `version` may run on the loop."""
        estimate = self.estimate_seconds
        return (
            version is not None
            and version == self.version
            and estimate is not None
            and estimate < self.limit_seconds
        )

    def failed(self) -> None:
        """A search on the loop failed and was retried on a worker: the next ones run there,
        until quick searches bring the estimate down and the loop is tried again. LangGraph's
        dev server refuses every blocking call on its loop: there one search in ~25 tries the
        loop first, failing at once, before any SQL runs."""
        self.estimate_seconds = max(self.estimate_seconds or 0.0, FAILED_SECONDS)

    def record(self, version: str | None, seconds: float) -> None:
        """A search of the index at `version` took `seconds`. The first at a new version only
        notes it: that search paid one-time costs (reading the vector matrix back took 150 ms
        at 10,000 passages), and timing it kept the next twenty searches off the loop."""
        if version != self.version:
            self.version = version
            return
        was_inline = self.inline(self.version)
        previous = self.estimate_seconds
        self.estimate_seconds = (
            seconds if previous is None else max(seconds, DECAY * previous + (1 - DECAY) * seconds)
        )
        now_inline = self.inline(version)
        if now_inline != was_inline:
            log.debug(
                "local searches now run %s (estimate %.2f ms)",
                "on the event loop" if now_inline else "on a worker thread",
                self.estimate_seconds * 1000,
            )


@dataclass(frozen=True)
class Mark:
    """When a search on the loop started, by the wall, by its thread's CPU, and in blocks."""

    wall: float
    cpu: float
    blocks: int | None


def mark() -> Mark:
    return Mark(time.perf_counter(), time.thread_time(), _blocks())


def loop_seconds(since: Mark) -> float:
    """What the search since `since`, run on this thread, cost the event loop: its CPU time,
    or its wall time if it blocked (or blocking can't be told on this system)."""
    blocks = _blocks()
    if blocks is None or since.blocks is None or blocks > since.blocks:
        return time.perf_counter() - since.wall
    return time.thread_time() - since.cpu


def _blocks() -> int | None:
    """This thread's voluntary context switches so far (Linux), else None."""
    if resource is None or not hasattr(resource, "RUSAGE_THREAD"):
        return None
    return resource.getrusage(resource.RUSAGE_THREAD).ru_nvcsw
