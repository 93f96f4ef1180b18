"""A document as every knowledge source hands it to the local index: text plus where it came from.

Folders of files, source-agent collectors (scripts, SQL queries) and tests all produce these, so
the index has one input shape whatever the origin.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """One document before chunking."""

    id: str  # stable within its source: a relative path, a row key, a collector's id
    text: str
    title: str
    source: str  # path or URL shown in citations
    category: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
