"""The knowledge layer: local folders and other sources searched as one.

`Knowledge` is what the graph uses; `LocalIndex` is the on-disk index that folders and source
agents write into (a `DocumentSink`) and the `local` `KnowledgeSource`.
"""

from community_bot.kb.index import LocalIndex
from community_bot.kb.knowledge import Knowledge, local_index, sources_from_settings

__all__ = ["Knowledge", "LocalIndex", "local_index", "sources_from_settings"]
