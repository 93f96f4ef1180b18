"""`Knowledge`: what the graph asks for passages, over any number of knowledge sources.

It syncs the local folders at start-up, asks every source in parallel, keeps only passages above
each source's relevance threshold, merges the rest by reciprocal rank fusion and records what it
found (hit or miss, scores, latency) for the metrics. A source that fails or hangs is logged and
skipped: the others still answer. Results are cached per normalised question and the sources'
versions, so a repeated question costs no second search until the knowledge base changes.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from community_bot.kb import pacing
from community_bot.kb.embedding import Embedder, StaticEmbedder
from community_bot.kb.folders import FolderSyncReport, sync_folders
from community_bot.kb.fusion import reciprocal_rank_fusion
from community_bot.kb.index import INDEX_FILE, LocalIndex
from community_bot.kb.sources import KnowledgeSource
from community_bot.lru import LruCache
from community_bot.settings import KnowledgeSettings
from community_bot.types import Passage, RetrievalOutcome

log = logging.getLogger(__name__)
CACHE_SIZE = 512
SOURCE_TIMEOUT_SECONDS = 10.0

CacheKey = tuple[str, int, tuple[str, ...]]
Result = tuple[list[Passage], RetrievalOutcome]


def local_index(
    knowledge: KnowledgeSettings, *, data_dir: Path, aws_region: str | None, ollama_base_url: str
) -> LocalIndex:
    """The local index under DATA_DIR (opened on first use): for Knowledge, the CLI and agents.
    `aws_region` and `ollama_base_url` (AWS_REGION, OLLAMA_BASE_URL) reach the embedder."""
    embedder = embedder_from_settings(
        knowledge, aws_region=aws_region, ollama_base_url=ollama_base_url
    )
    return LocalIndex(data_dir / INDEX_FILE, embedder)


def embedder_from_settings(
    knowledge: KnowledgeSettings, *, aws_region: str | None, ollama_base_url: str
) -> Embedder | None:
    """EMBEDDINGS picks the model that embeds passages; the model loads on first use."""
    if knowledge.embeddings == "local":
        return StaticEmbedder()
    if knowledge.embeddings == "bedrock":
        from community_bot.kb.bedrock_embeddings import BedrockEmbedder

        return BedrockEmbedder(knowledge.bedrock_embedding_model, aws_region)
    if knowledge.embeddings == "ollama":
        from community_bot.kb.ollama_embeddings import OllamaEmbedder

        return OllamaEmbedder(ollama_base_url, knowledge.ollama_embedding_model)
    return None


def sources_from_settings(
    knowledge: KnowledgeSettings, *, data_dir: Path, aws_region: str | None, ollama_base_url: str
) -> list[KnowledgeSource]:
    """The enabled knowledge sources; each can be switched off by its setting."""
    from community_bot.kb.bedrock import BedrockKnowledgeSource  # boto3 loads only when used

    sources: list[KnowledgeSource] = []
    if knowledge.local_kb_enabled:
        sources.append(
            local_index(
                knowledge,
                data_dir=data_dir,
                aws_region=aws_region,
                ollama_base_url=ollama_base_url,
            )
        )
    sources += [
        BedrockKnowledgeSource(kb_id, knowledge, aws_region=aws_region)
        for kb_id in knowledge.knowledge_base_id
    ]
    if knowledge.kb_http_endpoint:
        from community_bot.kb.http_source import HttpKnowledgeSource

        sources.append(HttpKnowledgeSource(knowledge.kb_http_endpoint, knowledge))
    return sources


@dataclass(frozen=True)
class _LookUp:
    key: CacheKey | None
    cached: Result | None
    rankings: dict[int, list[Passage] | None]  # by position in `sources`; None: it failed
    local_version: str | None  # the local index's version searched; None: not searched


def normalise(query: str) -> str:
    """Case, spacing and punctuation don't change a search, so they don't split the cache."""
    return " ".join(re.findall(r"\w+", query.lower()))


class Knowledge:
    """Passages for a question from every configured source, merged; see the module docstring."""

    def __init__(
        self,
        sources: Sequence[KnowledgeSource],
        knowledge: KnowledgeSettings,
        pace: pacing.SearchPace | None = None,
    ) -> None:
        self.sources = list(sources)
        self.settings = knowledge
        self.local = next((s for s in self.sources if isinstance(s, LocalIndex)), None)
        self.last_sync: list[FolderSyncReport] = []
        self._cache: LruCache[CacheKey, Result] = LruCache(CACHE_SIZE)
        self._prepared = False
        self._pace = pace or pacing.SearchPace()  # where the local index's searches run

    @classmethod
    def from_settings(
        cls,
        knowledge: KnowledgeSettings,
        *,
        data_dir: Path,
        aws_region: str | None,
        ollama_base_url: str,
    ) -> Knowledge:
        """Cheap: nothing is opened or read until `prepare` or the first search. DATA_DIR holds
        the local index; AWS_REGION and OLLAMA_BASE_URL reach Bedrock and the embedder."""
        sources = sources_from_settings(
            knowledge, data_dir=data_dir, aws_region=aws_region, ollama_base_url=ollama_base_url
        )
        return cls(sources, knowledge)

    async def prepare(self, *, progress: bool = False) -> list[FolderSyncReport]:
        """Bring the local index up to date with LOCAL_KB_PATHS (only changed files are read
        into the index; unchanged ones cost a read and a hash)."""
        self._prepared = True
        if self.local is None:
            return []
        started = time.perf_counter()
        folders = [Path(p) for p in self.settings.local_kb_paths]
        self.last_sync = await asyncio.to_thread(
            sync_folders, self.local, folders, progress=progress
        )
        for report in self.last_sync:
            changes = report.index
            changed = changes.added or changes.updated or changes.removed or report.skipped
            log.log(
                logging.INFO if changed else logging.DEBUG,
                "knowledge folder %s: %d files, %d added, %d updated, %d removed, %d skipped",
                report.folder,
                report.files,
                changes.added,
                changes.updated,
                changes.removed,
                len(report.skipped),
            )
        log.debug("knowledge sync took %.1f ms", (time.perf_counter() - started) * 1000)
        return self.last_sync

    async def retrieve(self, query: str, k: int | None = None) -> Result:
        """The best passages for `query` (at most k, default KB_NUMBER_OF_RESULTS) and the
        outcome; no passages means a miss, which the prompt tells the model plainly."""
        started = time.perf_counter()
        if not self._prepared:
            await self._prepare_late()
        k = k or self.settings.kb_number_of_results
        look_up = await self._look_up_paced(query, k)
        if look_up.cached is not None:
            return list(look_up.cached[0]), _timed(look_up.cached[1], started)
        remote = [n for n in range(len(self.sources)) if n not in look_up.rankings]
        found = await asyncio.gather(*(self._search(self.sources[n], query, k) for n in remote))
        rankings = {**look_up.rankings, **dict(zip(remote, found, strict=True))}
        relevant: list[list[Passage]] = []
        scores: list[float] = []
        for number, source in enumerate(self.sources):
            threshold = self._min_score(source)
            ranking = rankings[number] or []
            scores.extend(p["score"] for p in ranking)
            relevant.append([p for p in ranking if p["score"] >= threshold])
        passages = reciprocal_rank_fusion(relevant, k)
        outcome: RetrievalOutcome = {
            "hit": bool(passages),
            "top_score": max(scores) if scores else None,
            "scores": [p["score"] for p in passages],
            "sources": [p["source"] for p in passages],
            "latency_ms": 0.0,
        }
        if look_up.key is not None and all(r is not None for r in rankings.values()):
            self._cache.put(look_up.key, (passages, outcome))
        return list(passages), _timed(outcome, started)

    async def _look_up_paced(self, query: str, k: int) -> _LookUp:
        """`_look_up` on the event loop while the local index's searches are known to be quick
        and it hasn't changed since they were timed, else on a worker thread (`kb.pacing`)."""
        local = self.local
        if local is None:
            return self._look_up(query, k)  # a cache look-up and a key: nothing to wait for
        if local.searches_in_process and self._pace.measured:
            try:
                look_up = self._look_up_in_place(local, query, k)
            except Exception as exc:  # e.g. `langgraph dev` refuses blocking calls on its loop
                log.debug("local search failed on the event loop, retried on a worker: %r", exc)
                self._pace.failed()
            else:
                if look_up is not None:
                    return look_up
        return await asyncio.to_thread(self._timed_look_up, query, k)

    def _look_up_in_place(self, local: LocalIndex, query: str, k: int) -> _LookUp | None:
        """`_look_up` on this thread if the pace allows it at the index's version, else None;
        any failure raises (the caller retries on a worker, where failures are logged)."""
        versions: list[str | None] = [source.version() for source in self.sources]
        if not self._pace.inline(versions[self.sources.index(local)]):
            return None
        started = pacing.mark()
        look_up = self._look_up(query, k, versions, strict=True)
        self._record_pace(look_up, pacing.loop_seconds(started))
        return look_up

    def _timed_look_up(self, query: str, k: int) -> _LookUp:
        """On a worker thread: `_look_up`, its CPU time recorded (what it would cost the loop)."""
        started = time.thread_time()
        look_up = self._look_up(query, k)
        self._record_pace(look_up, time.thread_time() - started)
        return look_up

    def _record_pace(self, look_up: _LookUp, seconds: float) -> None:
        if look_up.local_version is not None:  # searched, not answered from the cache
            self._pace.record(look_up.local_version, seconds)

    def _versions(self) -> list[str | None]:
        return [self._version(s) for s in self.sources]

    def _look_up(
        self,
        query: str,
        k: int,
        versions: list[str | None] | None = None,
        *,
        strict: bool = False,
    ) -> _LookUp:
        """The cache key from the sources' `versions` (read now when not given), a cached
        result, or else the rankings of the sources that search in-process (the local index).
        A local search that fails is logged and skipped, or, `strict`, raises."""
        versions = self._versions() if versions is None else versions
        key: CacheKey | None = None
        if all(v is not None for v in versions):
            key = (normalise(query), k, tuple(v for v in versions if v is not None))
            cached = self._cache.get(key)
            if cached is not None:
                return _LookUp(key, cached, {}, None)
        rankings = {
            number: source.search_now(query, k) if strict else self._search_now(source, query, k)
            for number, source in enumerate(self.sources)
            if isinstance(source, LocalIndex)
        }
        local_version = next(
            (v for s, v in zip(self.sources, versions, strict=True) if s is self.local), None
        )
        return _LookUp(key, None, rankings, local_version)

    def describe_sources(self) -> list[str]:
        """One line per source for `/status`."""
        lines = []
        for source in self.sources:
            try:
                lines.append(source.describe())
            except Exception as exc:  # a status line must never break /status
                lines.append(f"{source.name}: unavailable ({exc})")
        return lines

    async def aclose(self) -> None:
        for source in self.sources:
            close = getattr(source, "aclose", None)
            if callable(close):
                await close()

    async def _prepare_late(self) -> None:
        """Runtimes that never called `prepare` (LangGraph Studio) sync on the first question;
        a problem is logged and the search uses what the index already holds."""
        try:
            await self.prepare()
        except Exception:
            log.warning("could not sync the local knowledge folders", exc_info=True)

    def _min_score(self, source: KnowledgeSource) -> float:
        if self.settings.kb_min_score is not None:
            return self.settings.kb_min_score
        return float(getattr(source, "default_min_score", 0.0))

    def _version(self, source: KnowledgeSource) -> str | None:
        try:
            return source.version()
        except Exception:
            log.warning("knowledge source %s: version unavailable", source.name, exc_info=True)
            return None

    def _search_now(self, index: LocalIndex, query: str, k: int) -> list[Passage] | None:
        try:
            return index.search_now(query, k)
        except Exception as exc:
            log.warning("knowledge source %s failed, skipped: %r", index.name, exc, exc_info=True)
            return None

    async def _search(self, source: KnowledgeSource, query: str, k: int) -> list[Passage] | None:
        try:
            return await asyncio.wait_for(source.search(query, k), SOURCE_TIMEOUT_SECONDS)
        except Exception as exc:
            log.warning("knowledge source %s failed, skipped: %r", source.name, exc, exc_info=True)
            return None


def _timed(outcome: RetrievalOutcome, started: float) -> RetrievalOutcome:
    return {**outcome, "latency_ms": round((time.perf_counter() - started) * 1000, 3)}
