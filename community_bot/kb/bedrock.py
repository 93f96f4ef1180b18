"""An Amazon Bedrock Knowledge Base as a `KnowledgeSource`, through the Retrieve API.

Retrieval goes through langchain-aws' `AmazonKnowledgeBasesRetriever` (so retrievals show up in
traces) on a boto3 client from the standard AWS chain; `AWS_ENDPOINT_URL_BEDROCK_AGENT_RUNTIME`
is honoured by boto3 itself. Retries live here, in one bounded loop: the client makes exactly
one attempt per call, throttling and 5xx are retried with jittered backoff, and access,
validation and not-found errors fail at once with a message that says what to fix.

`version()` feeds the facade's retrieval cache: it changes when `mark_changed()` is called (the
source agents do so when an ingestion job completes) and, because ingestion can also happen
elsewhere, at least every KB_CACHE_TTL_SECONDS.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlparse

from langchain_core.documents import Document as LangChainDocument

from community_bot.errors import KnowledgeBaseError
from community_bot.kb.retrieval_filter import parse_retrieval_filter
from community_bot.models.providers import classify
from community_bot.settings import KnowledgeSettings
from community_bot.types import Passage

MAX_RESULTS = 100  # the Retrieve API's ceiling for numberOfResults
CHUNK_ID_KEY = "x-amz-bedrock-kb-chunk-id"
SOURCE_URI_KEY = "x-amz-bedrock-kb-source-uri"

# What the person running the bot can do about a refusal that retrying will not fix.
HINTS = {
    "AccessDeniedException": "allow bedrock:Retrieve on this knowledge base for the bot's AWS"
    " identity",
    "ResourceNotFoundException": "check KNOWLEDGE_BASE_ID and AWS_REGION",
    "ValidationException": "check KB_METADATA_FILTER and KB_NUMBER_OF_RESULTS",
    "no AWS credentials": "configure AWS credentials (environment, profile, SSO or role)",
    "no AWS region": "set AWS_REGION",
}


class BedrockKnowledgeSource:
    """Passages from one Bedrock knowledge base; `origin` is `bedrock:<knowledge base id>`.
    Reads the knowledge settings, plus AWS_REGION (`aws_region`; None: the AWS chain's)."""

    def __init__(
        self,
        knowledge_base_id: str,
        knowledge: KnowledgeSettings,
        *,
        aws_region: str | None,
        clock: Callable[[], float] = time.monotonic,
        backoff_base_s: float = 0.25,
        backoff_cap_s: float = 2.0,
    ) -> None:
        self.knowledge_base_id = knowledge_base_id
        self._knowledge = knowledge
        self._aws_region = aws_region
        raw_filter = knowledge.kb_metadata_filter
        self._filter = parse_retrieval_filter(raw_filter) if raw_filter else None
        self._clock = clock
        self._backoff_base_s = backoff_base_s
        self._backoff_cap_s = backoff_cap_s
        self._generation = 0
        self._uncached = itertools.count()
        self._client: Any = None
        self._retrievers: dict[int, Any] = {}
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return f"bedrock:{self.knowledge_base_id}"

    @property
    def default_min_score(self) -> float:
        """The relevance floor `Knowledge` applies when KB_MIN_SCORE is unset."""
        return self._knowledge.kb_bedrock_min_score

    def describe(self) -> str:
        region = self._aws_region or "region from the AWS chain"
        filtered = ", metadata filter" if self._filter else ""
        return (
            f"Amazon Bedrock Knowledge Base {self.knowledge_base_id} ({region}, "
            f"{self._knowledge.kb_number_of_results} results per question{filtered})"
        )

    def version(self) -> str:
        ttl = self._knowledge.kb_cache_ttl_seconds
        period = next(self._uncached) if ttl == 0 else int(self._clock() // ttl)
        return f"{self._generation}.{period}"

    def mark_changed(self) -> None:
        """The content changed (an ingestion job completed): cached retrievals are stale."""
        self._generation += 1

    async def search(self, query: str, k: int) -> list[Passage]:
        if not query.strip():
            return []
        retriever = self._retriever(max(1, min(k, MAX_RESULTS)))
        attempt = 0
        while True:
            attempt += 1
            try:
                documents = await retriever.ainvoke(query, config={"run_name": self.name})
            except Exception as exc:
                failure = classify(exc)
                if failure.retryable and attempt <= self._knowledge.kb_max_retries:
                    await asyncio.sleep(self._backoff(attempt))
                    continue
                raise KnowledgeBaseError(self._explain(failure.reason, attempt)) from exc
            return [to_passage(document, self.name) for document in documents]

    async def aclose(self) -> None:
        """Release the HTTP connection pool (`Knowledge.aclose` calls it on shutdown)."""
        if self._client is not None:
            self._client.close()

    def _explain(self, reason: str, attempts: int) -> str:
        hint = next((text for key, text in HINTS.items() if reason.startswith(key)), "")
        tried = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
        return f"Bedrock knowledge base {self.knowledge_base_id}: {reason}{tried}" + (
            f"; {hint}" if hint else ""
        )

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self._backoff_cap_s, self._backoff_base_s * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)

    def _retriever(self, number_of_results: int) -> Any:
        """One retriever per result count, sharing one client; built on first use."""
        with self._lock:
            retriever = self._retrievers.get(number_of_results)
            if retriever is None:
                from langchain_aws.retrievers import AmazonKnowledgeBasesRetriever

                search: dict[str, Any] = {"numberOfResults": number_of_results}
                if self._filter is not None:
                    search["filter"] = self._filter
                retriever = AmazonKnowledgeBasesRetriever(
                    knowledge_base_id=self.knowledge_base_id,
                    client=self._bedrock_client(),
                    retrieval_config={"vectorSearchConfiguration": search},
                    min_score_confidence=None,  # every result counts; KB_MIN_SCORE judges hits
                )
                self._retrievers[number_of_results] = retriever
            return retriever

    def _bedrock_client(self) -> Any:
        if self._client is None:
            import boto3  # type: ignore[import-untyped, unused-ignore]
            from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

            timeout = self._knowledge.kb_timeout_seconds
            config = Config(
                retries={"total_max_attempts": 1, "mode": "standard"},
                connect_timeout=min(3.0, timeout),
                read_timeout=timeout,
                max_pool_connections=16,
                user_agent_extra="community-bot",
            )
            session = boto3.Session(region_name=self._aws_region)
            self._client = session.client("bedrock-agent-runtime", config=config)
        return self._client


def mark_ingested(sources: Iterable[object], knowledge_base_id: str) -> None:
    """Tell the Bedrock sources of this knowledge base (by id or ARN) that its content changed;
    the source agents call it when an ingestion job completes."""
    for source in sources:
        if isinstance(source, BedrockKnowledgeSource) and (
            source.knowledge_base_id.rsplit("/", 1)[-1] == knowledge_base_id
        ):
            source.mark_changed()


def to_passage(document: LangChainDocument, origin: str) -> Passage:
    """A retrieved chunk as a Passage: the source agents' `title`/`source` metadata when present,
    else the file name and URI of the chunk's location."""
    result = document.metadata
    attributes: Mapping[str, Any] = result.get("source_metadata") or {}
    location = _location(result.get("location") or {}) or str(attributes.get(SOURCE_URI_KEY, ""))
    source = str(attributes.get("source") or location)
    title = str(attributes.get("title") or _name_from(location) or origin)
    passage = Passage(
        text=document.page_content,
        title=title,
        source=source,
        heading="",
        score=float(result.get("score") or 0.0),
        origin=origin,
    )
    if chunk_id := attributes.get(CHUNK_ID_KEY):
        passage["chunk_id"] = str(chunk_id)
    return passage


def _location(location: Mapping[str, Any]) -> str:
    """The URI or URL of whichever location type the result carries (S3, WEB, CONFLUENCE, …)."""
    for key, value in location.items():
        if key != "type" and isinstance(value, Mapping):
            for field in ("uri", "url", "id"):
                if value.get(field):
                    return str(value[field])
    return ""


def _name_from(location: str) -> str:
    """`install.md` from `s3://bucket/guides/install.md`; the host for a bare web URL."""
    parsed = urlparse(location)
    name = PurePosixPath(parsed.path).name
    return name or parsed.netloc
