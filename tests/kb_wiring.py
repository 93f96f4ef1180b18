"""The knowledge base wired from a whole `Settings`, as `build_services` and the `kb` commands
wire it: each test's settings reach the library as the knowledge group plus DATA_DIR, AWS_REGION
and OLLAMA_BASE_URL."""

from __future__ import annotations

from community_bot.kb.index import LocalIndex
from community_bot.kb.knowledge import Knowledge, local_index
from community_bot.settings import Settings


def knowledge_from(settings: Settings) -> Knowledge:
    return Knowledge.from_settings(
        settings.knowledge,
        data_dir=settings.data_dir,
        aws_region=settings.aws_region,
        ollama_base_url=settings.ollama_base_url,
    )


def local_index_from(settings: Settings) -> LocalIndex:
    return local_index(
        settings.knowledge,
        data_dir=settings.data_dir,
        aws_region=settings.aws_region,
        ollama_base_url=settings.ollama_base_url,
    )
