"""Mirror an agent's documents into the S3 bucket behind a Bedrock knowledge base's data source.

Layout: `<SOURCE_AGENTS_S3_PREFIX><category>/<agent id>/<document key>`, one object per
document plus the `<key>.metadata.json` sidecar Bedrock reads for metadata filtering. The agent
owns exactly the keys whose second segment is its id, so a run deletes the objects of documents
that disappeared and never touches anyone else's. Unchanged objects (same MD5 as the listed
ETag) are not rewritten, which keeps the next ingestion job small.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from community_bot.kb.documents import Document
from community_bot.settings import SourceAgentSettings

SIDECAR_SUFFIX = ".metadata.json"
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
DEFAULT_CATEGORY = "general"
DELETE_BATCH = 1000  # DeleteObjects' limit per request
UPLOAD_THREADS = 8  # PUTs are latency-bound: a few in flight multiply throughput


@dataclass(frozen=True)
class MirrorReport:
    """S3 objects (documents and their sidecars) written, left as they were, and deleted."""

    written: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.written or self.deleted)


class S3Mirror:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self._client = client
        self.bucket = bucket
        self.prefix = prefix

    @classmethod
    def from_settings(cls, settings: SourceAgentSettings) -> S3Mirror | None:
        """A mirror on SOURCE_AGENTS_S3_BUCKET, or None when no bucket is set."""
        if not settings.source_agents_s3_bucket:
            return None
        import boto3  # type: ignore[import-untyped, unused-ignore]
        from botocore.config import Config  # type: ignore[import-untyped, unused-ignore]

        client = boto3.Session().client(
            "s3",
            region_name=settings.source_agents_s3_region,
            config=Config(
                retries={"mode": "standard", "total_max_attempts": 3},
                max_pool_connections=UPLOAD_THREADS,
            ),
        )
        return cls(client, settings.source_agents_s3_bucket, settings.source_agents_s3_prefix)

    def mirror(self, agent_id: str, documents: Sequence[Document]) -> MirrorReport:
        """Make the agent's objects exactly `documents` (with sidecars)."""
        wanted: dict[str, tuple[bytes, str]] = {}
        for document in documents:
            key = self.object_key(agent_id, document)
            if key in wanted:  # ids `a` and `a.txt` would share a key
                key = f"{key}-{_short_hash(document.id)}.txt"
            wanted[key] = (document.text.encode("utf-8"), _content_type(key))
            wanted[key + SIDECAR_SUFFIX] = (sidecar(agent_id, document), "application/json")
        existing = self._owned(agent_id)
        changed = [
            (key, body, content_type)
            for key, (body, content_type) in wanted.items()
            if existing.get(key) != hashlib.md5(body).hexdigest()
        ]
        with ThreadPoolExecutor(UPLOAD_THREADS, thread_name_prefix="s3-mirror") as pool:
            list(pool.map(lambda item: self._put(*item), changed))
        gone = sorted(set(existing) - set(wanted))
        for start in range(0, len(gone), DELETE_BATCH):
            batch = [{"Key": key} for key in gone[start : start + DELETE_BATCH]]
            answer = self._client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
            )
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise RuntimeError(
                    f"S3 refused to delete {len(answer['Errors'])} object(s), e.g."
                    f" {first.get('Key')}: {first.get('Code')} {first.get('Message', '')}"
                )
        return MirrorReport(len(changed), len(wanted) - len(changed), len(gone))

    def _put(self, key: str, body: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType=content_type)

    def object_key(self, agent_id: str, document: Document) -> str:
        """`<prefix><category>/<agent>/<id path>` with a `.md`/`.txt` name Bedrock can parse."""
        category = _segment(document.category) or DEFAULT_CATEGORY
        parts = [_segment(part) for part in document.id.split("/") if part not in {"", ".", ".."}]
        path = "/".join(part for part in parts if part) or "document"
        if path != document.id:  # keep ids that sanitise alike apart
            path += "-" + _short_hash(document.id)
        if not path.lower().endswith((".md", ".txt")):
            path += ".txt"
        return f"{self.prefix}{category}/{agent_id}/{path}"

    def _owned(self, agent_id: str) -> dict[str, str]:
        """Key → ETag (MD5 hex) of every object under `<prefix><category>/<agent id>/`."""
        paginator = self._client.get_paginator("list_objects_v2")
        categories = [
            common["Prefix"]
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix, Delimiter="/")
            for common in page.get("CommonPrefixes", [])
        ]
        owned: dict[str, str] = {}
        for category in categories:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=f"{category}{agent_id}/"):
                for item in page.get("Contents", []):
                    owned[item["Key"]] = item["ETag"].strip('"')
        return owned


def sidecar(agent_id: str, document: Document) -> bytes:
    """The Bedrock metadata file: attributes for filtering, and title/source for citations."""
    attributes = {
        **document.metadata,
        "title": document.title,
        "source": document.source,
        "category": document.category or DEFAULT_CATEGORY,
        "agent": agent_id,
        "document_id": document.id,
    }
    return json.dumps({"metadataAttributes": attributes}, sort_keys=True).encode("utf-8")


def _short_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _segment(text: str) -> str:
    return UNSAFE.sub("-", text.strip()).strip("-.")


def _content_type(key: str) -> str:
    markdown = key.lower().endswith(".md")
    return "text/markdown; charset=utf-8" if markdown else "text/plain; charset=utf-8"
