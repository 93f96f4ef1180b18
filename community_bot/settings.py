"""All configuration in one typed object, read from the environment and `.env`.

Field names keep the old bot's variable names (DISCORD_BOT_TOKEN, BACKEND_MODE, NOVA_MODEL_ID, …) so
existing deployments keep working; every field carries a description that `--help` and
`.env.example` reuse. Validation happens once, at start-up, and every error names its variable.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from community_bot.errors import ConfigError
from community_bot.legacy_env import SOURCE_KEY, LegacyEnvSource, Translation

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def sample_knowledge() -> Path:
    """The bundled sample docs: `knowledge/` in a checkout; inside the package when installed
    from a wheel (which has no checkout around it)."""
    checkout = PROJECT_ROOT / "knowledge"
    return checkout if checkout.is_dir() else Path(__file__).resolve().parent / "sample_knowledge"


DISCORD_MESSAGE_LIMIT = 2000
MODEL_PROVIDERS = ("ollama", "bedrock")  # explicit prefixes of MODEL_*: `ollama:NAME`
LANGSMITH_CLOUD = "https://api.smith.langchain.com"

# The Retrieve API's own patterns (botocore's service model), checked before the first question.
BEDROCK_ID = re.compile(r"[0-9a-zA-Z]{10}")
KNOWLEDGE_BASE_ID = re.compile(
    r"[0-9a-zA-Z]{10}"
    r"|arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:knowledge-base/[0-9a-zA-Z]{10}"
)

BackendMode = Literal["auto", "nova", "ollama", "retrieval", "agentcore", "remote"]
# An AgentCore Runtime's ARN as the control plane returns it (`runtime/NAME-SUFFIX`).
AGENTCORE_RUNTIME_ARN = re.compile(
    r"arn:aws[a-z-]*:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:runtime/[A-Za-z0-9_-]+"
)


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, int):
        return [value]
    return value


def _parse_mapping(value: Any) -> Any:
    """Accept `key=value,key2=value2` (or `key:value`) as well as a real mapping."""
    if isinstance(value, str):
        pairs: dict[str, str] = {}
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            sep = "=" if "=" in item else ":"
            key, found, val = item.partition(sep)
            if not found or not key.strip() or not val.strip():
                raise ValueError(f"expected KEY=VALUE pairs separated by commas, got {item!r}")
            pairs[key.strip()] = val.strip()
        return pairs
    return value


CsvInts = Annotated[list[int], NoDecode]
CsvStrs = Annotated[list[str], NoDecode]
Mapping = Annotated[dict[str, str], NoDecode]
G = TypeVar("G", bound=BaseModel)


class DiscordSettings(BaseModel):
    """Discord: the token, where the bot answers, how it streams and shards."""

    discord_bot_token: SecretStr | None = Field(
        default=None, description="Bot token from the Discord developer portal (secret)."
    )

    discord_channel_id: int | None = Field(
        default=None, description="The one channel the bot answers in (old variable)."
    )

    discord_channel_ids: CsvInts = Field(
        default_factory=list, description="Comma-separated channel ids the bot answers in."
    )

    discord_forum_channel_ids: CsvInts = Field(
        default_factory=list, description="Forum channels whose every new post gets an answer."
    )

    discord_channel_profiles: Mapping = Field(
        default_factory=dict,
        description="Per-channel prompt profiles, e.g. `1234=support,5678=dev`.",
    )

    discord_allow_dms: bool = Field(default=False, description="Answer direct messages.")

    discord_thread_mode: bool = Field(
        default=False, description="Answer each new question in its own Discord thread."
    )

    discord_debounce_seconds: float = Field(
        default=0.0, ge=0, le=30, description="Merge a burst from one person into one turn."
    )

    discord_max_input_chars: int = Field(
        default=4000, ge=1, description="Longer messages get a polite refusal."
    )

    discord_edit_interval_seconds: float = Field(
        default=1.0, ge=0.2, description="Minimum time between edits of one streamed message."
    )

    discord_sharded: bool = Field(default=False, description="Use discord.py's AutoShardedClient.")

    discord_shard_count: int | None = Field(
        default=None,
        ge=1,
        description="Shards the bot is split into, across all its processes; implies"
        " DISCORD_SHARDED (default: the count Discord recommends).",
    )

    discord_shard_ids: CsvInts = Field(
        default_factory=list,
        description="Shards this process connects, e.g. `0,1` (needs DISCORD_SHARD_COUNT; default:"
        " all). The process holding shard 0 also runs the source agents and gets the DMs.",
    )

    discord_admin_role_ids: CsvInts = Field(
        default_factory=list,
        description="Roles that may run admin commands besides Manage Messages.",
    )

    rate_limit_per_minute: float = Field(
        default=6.0, gt=0, description="Sustained messages per user per minute."
    )

    rate_limit_burst: int = Field(default=3, ge=1, description="Messages a user may send at once.")

    discord_shutdown_grace_seconds: float = Field(
        default=20.0,
        ge=0,
        le=300,
        description="On SIGINT/SIGTERM, how long in-flight answers may finish before cancellation.",
    )

    discord_api_url: str | None = Field(
        default=None,
        description="Discord REST base URL, e.g. an HTTP proxy in front of Discord"
        " (default: Discord's own, https://discord.com/api/v10).",
    )

    discord_gateway_url: str | None = Field(
        default=None,
        description="Discord gateway WebSocket URL (default: Discord's own).",
    )

    discord_sync_commands: bool = Field(
        default=True, description="Sync the slash commands (/ask, /reset, /status) at start-up."
    )
    discord_max_requests_per_second: float = Field(
        default=45.0,
        gt=0,
        le=50,
        description="One REST budget for the whole process (Discord allows 50/s per bot): under"
        " pressure streamed edits coalesce, first messages and final edits go first.",
    )
    discord_answer_mentions_in: Literal["allowed", "anywhere"] = Field(
        default="allowed",
        description="Where a mention (or a reply) of the bot is answered: `allowed`, only in the"
        " listed channels and forums (elsewhere it points to them once), or `anywhere` it reads.",
    )
    discord_chit_chat: Literal["react", "quiet", "answer"] = Field(
        default="react",
        description="Thanks, greetings and messages addressed to another member: `react` with an"
        " emoji, stay `quiet`, or `answer` them like questions.",
    )
    discord_backfill_minutes: float = Field(
        default=60.0,
        ge=0,
        description="After a new gateway session, answer what was asked during the outage, at"
        " most this far back (0: no backfill).",
    )
    discord_attachment_max_bytes: int = Field(
        default=100_000,
        ge=0,
        description="Text attachments (.txt, .md, .py, .log, …) up to this size join the question.",
    )

    @field_validator("discord_shard_ids")
    @classmethod
    def _distinct_shards(cls, value: list[int]) -> list[int]:
        repeated = sorted({shard for shard in value if value.count(shard) > 1})
        if repeated:
            raise ValueError(f"shard {repeated[0]} is listed twice")
        return value

    @field_validator("discord_channel_profiles", mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        return _parse_mapping(value)

    @model_validator(mode="after")
    def _shards_exist(self) -> Self:
        if self.discord_shard_count is not None:
            self.discord_sharded = True  # only AutoShardedClient takes a count
        if not self.discord_shard_ids:
            return self
        count = self.discord_shard_count
        if count is None:
            raise ValueError(
                "DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT, the number of shards across all"
                " processes"
            )
        if outside := [shard for shard in self.discord_shard_ids if not 0 <= shard < count]:
            raise ValueError(
                f"DISCORD_SHARD_IDS: shard {outside[0]} does not exist with"
                f" DISCORD_SHARD_COUNT={count} (shards are numbered 0 to {count - 1})"
            )
        return self

    @property
    def answer_channel_ids(self) -> frozenset[int]:
        """Channels answered without a mention: the old single id plus the list."""
        ids = set(self.discord_channel_ids)
        if self.discord_channel_id is not None:
            ids.add(self.discord_channel_id)
        return frozenset(ids)

    @property
    def holds_shard_zero(self) -> bool:
        """This process connects shard 0, or is not one of several (no DISCORD_SHARD_IDS).

        Discord sends DMs to shard 0 only; community-bot gives the same process its one-per-bot
        chores (the source agents), so processes sharing DATA_DIR never run them twice.
        """
        return not self.discord_shard_ids or 0 in self.discord_shard_ids


class ModelSettings(BaseModel):
    """Models: Bedrock Nova and Ollama, the tiers, timeouts, retries, prices and budget."""

    backend_mode: BackendMode = Field(
        default="auto",
        description="`auto` routes per turn; `nova` pins NOVA_MODEL_ID; `ollama` pins OLLAMA_MODEL;"
        " `retrieval` answers from the knowledge base alone; `agentcore` with"
        " AGENTCORE_RUNTIME_ARN runs each turn on AgentCore Runtime (without it: `auto`);"
        " `remote` runs each turn on the LangGraph server at LANGGRAPH_URL.",
    )
    agentcore_runtime_arn: str | None = Field(
        default=None,
        description="BACKEND_MODE=agentcore: the AgentCore Runtime whose graph answers each turn"
        " (the channel is the runtime session); see docs/agentcore.md.",
    )
    langgraph_url: str | None = Field(
        default=None,
        description="BACKEND_MODE=remote: the LangGraph server (`langgraph dev`/`up`, LangGraph"
        " Platform) whose graph answers each turn; one server thread per channel.",
    )
    langgraph_api_key: SecretStr | None = Field(
        default=None, description="BACKEND_MODE=remote: the server's API key (x-api-key), if any."
    )
    langgraph_assistant: str = Field(
        default="community_bot",
        description="BACKEND_MODE=remote: the assistant (or graph id) the server runs.",
    )
    langgraph_reconnect_seconds: float = Field(
        default=10.0,
        ge=0,
        le=300,
        allow_inf_nan=False,
        description="BACKEND_MODE=remote: how long a request keeps retrying a LangGraph server"
        " that refuses connections (down, restarting) before the turn is reported failed in the"
        " channel; a restart quicker than this goes unnoticed.",
    )
    langgraph_read_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        allow_inf_nan=False,
        description="BACKEND_MODE=remote: how long a turn waits for the next byte from the"
        " LangGraph server (it sends a heartbeat every 5 s while a run streams) before the turn"
        " is reported failed in the channel: a host that vanished or a server that stopped"
        " without closing its connections.",
    )

    aws_region: str | None = Field(
        default=None,
        validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION"),
        description="AWS region for Bedrock (standard AWS chain when unset).",
    )

    nova_model_id: str = Field(
        default="amazon.nova-pro-v1:0",
        description="Bedrock model id or inference profile used when BACKEND_MODE=nova.",
    )

    nova_temperature: float = Field(default=0.7, ge=0, le=1, description="Sampling temperature.")

    nova_max_tokens: int = Field(default=4096, ge=1, le=10000, description="Max output tokens.")

    nova_top_p: float = Field(default=0.9, gt=0, le=1, description="Nucleus sampling.")

    ollama_base_url: str = Field(
        default="http://localhost:11434", description="Ollama server address."
    )

    ollama_model: str | None = Field(default=None, description="Ollama model, e.g. `llama3.2:3b`.")

    model_small: str = Field(
        default="ollama",
        description="Model for the small tier: `ollama` (OLLAMA_MODEL), `ollama:NAME`, a Bedrock"
        " model id, or `bedrock:ID`.",
    )

    model_medium: str = Field(
        default="amazon.nova-lite-v1:0", description="Model for the medium tier."
    )

    model_large: str = Field(
        default="amazon.nova-pro-v1:0", description="Model for the large tier."
    )

    model_timeout_seconds: float = Field(
        default=60.0,
        gt=0,
        le=3600,
        allow_inf_nan=False,
        description="Read timeout of one model call (at most TURN_TIMEOUT_SECONDS for Bedrock).",
    )
    turn_timeout_seconds: float = Field(
        default=18.0,
        gt=0,
        le=600,
        allow_inf_nan=False,
        description="Longest wait for a turn's first token, across retries and fallbacks; past"
        " it the user gets the docs answer with the reason (within 20 s at the default) and the"
        " slow provider is marked down.",
    )
    answer_timeout_seconds: float = Field(
        default=120.0,
        gt=0,
        le=3600,
        allow_inf_nan=False,
        description="Longest a whole answer may stream; past it the answer is kept, marked cut.",
    )
    provider_cooldown_seconds: float = Field(
        default=30.0,
        ge=0,
        le=3600,
        allow_inf_nan=False,
        description="How long a provider that failed (unreachable, timed out) is skipped before"
        " a turn tries it again (its circuit breaker's cool-down).",
    )
    model_connect_timeout_seconds: float = Field(
        default=3.0, gt=0, description="Connect timeout of one model call (Bedrock and Ollama)."
    )

    model_max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a throttled or failing call per model."
    )

    daily_budget_usd: float | None = Field(
        default=None, gt=0, description="Past this spend per UTC day, route one tier down."
    )
    router_quality_bias: float = Field(
        default=0.0,
        ge=-1,
        le=1,
        description="Shifts the router's large-tier threshold: 0 keeps the calibrated one (held-out"
        " large recall about 97%); towards 1 more messages go large (safer, dearer), towards -1"
        " fewer (cheaper, riskier).",
    )

    model_prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description="Price overrides in USD per 1M input/output tokens, as JSON:"
        ' `{"amazon.nova-pro-v1:0": [0.8, 3.2]}` (Nova defaults built in; Ollama is free).',
    )

    @field_validator("backend_mode", mode="before")
    @classmethod
    def _normalise_backend_mode(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            return value
        return value

    @model_validator(mode="after")
    def _pinned_backend_needs_its_model(self) -> Self:
        if self.backend_mode == "ollama" and not self.ollama_model:
            raise ValueError("OLLAMA_MODEL is required when BACKEND_MODE=ollama")
        return self

    @field_validator("model_small", "model_medium", "model_large", "nova_model_id")
    @classmethod
    def _model_reference(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("must name a model (`ollama`, `ollama:NAME`, or a Bedrock model id)")
        prefix, colon, rest = value.partition(":")
        if value.lower() == "ollama" or value.startswith("arn:"):
            return value
        if colon and "." not in prefix:  # an explicit provider prefix, not `amazon.nova-…:0`
            if prefix.lower() not in MODEL_PROVIDERS or not rest.strip():
                raise ValueError(
                    f"unknown model provider {prefix!r}: use `ollama:NAME`, `bedrock:ID`, or a"
                    " Bedrock model id such as amazon.nova-pro-v1:0"
                )
            return value
        if "." not in value:
            raise ValueError(
                f"{value!r} is not a Bedrock model id (they look like amazon.nova-pro-v1:0); for"
                f" an Ollama model write `ollama:{value}`"
            )
        return value

    @field_validator("model_prices")
    @classmethod
    def _prices_are_real(
        cls, value: dict[str, tuple[float, float]]
    ) -> dict[str, tuple[float, float]]:
        for model, pair in value.items():
            if not all(math.isfinite(price) and price >= 0 for price in pair):
                raise ValueError(
                    f"prices of {model!r} must be two numbers ≥ 0 (USD per 1M input and output"
                    f" tokens), got {list(pair)}"
                )
        return value

    @field_validator("agentcore_runtime_arn")
    @classmethod
    def _runtime_arn(cls, value: str | None) -> str | None:
        if value is not None and not AGENTCORE_RUNTIME_ARN.fullmatch(value.strip()):
            raise ValueError(
                "must be an AgentCore Runtime ARN:"
                " arn:aws:bedrock-agentcore:REGION:ACCOUNT:runtime/NAME-XXXXXXXXXX"
            )
        return value.strip() if value else None

    @model_validator(mode="after")
    def _remote_graph(self) -> Self:
        if self.backend_mode == "agentcore" and not self.agentcore_runtime_arn:
            # The old bot's AgentCore mode ran Bedrock with Ollama beside it: routing covers both.
            self.backend_mode = "auto"
        if self.backend_mode == "remote" and not self.langgraph_url:
            raise ValueError("LANGGRAPH_URL is required when BACKEND_MODE=remote")
        return self


class KnowledgeSettings(BaseModel):
    """Knowledge: the local index and Amazon Bedrock Knowledge Bases."""

    knowledge_base_id: CsvStrs = Field(
        default_factory=list, description="Amazon Bedrock Knowledge Base id(s), comma-separated."
    )

    kb_number_of_results: int = Field(
        default=5, ge=1, le=100, description="Passages retrieved per source."
    )

    kb_metadata_filter: str | None = Field(
        default=None,
        description="Bedrock KB metadata filter as JSON (RetrievalFilter), e.g."
        ' `{"equals": {"key": "category", "value": "faq"}}`; checked at start-up.',
    )

    kb_cache_ttl_seconds: int = Field(
        default=300,
        ge=0,
        description="How long a Bedrock KB answer to the same question is reused (0: never);"
        " a finished ingestion job by the source agents ends it at once.",
    )

    kb_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Read timeout of one Bedrock KB Retrieve call."
    )

    kb_max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a throttled or 5xx Bedrock KB Retrieve."
    )

    kb_http_endpoint: str | None = Field(
        default=None,
        description="A knowledge service searched over HTTP beside the other sources: POST"
        ' `{"query", "top_k"}`, answer `{"results": [{"text", "title", "source", "score"}]}`.',
    )
    kb_http_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("KB_HTTP_API_KEY", "KB_API_KEY"),
        description="API key sent to KB_HTTP_ENDPOINT (secret).",
    )
    kb_http_api_key_header: str = Field(
        default="x-api-key", description="Header KB_HTTP_API_KEY is sent in."
    )
    local_kb_enabled: bool = Field(default=True, description="Search the local knowledge base.")

    local_kb_paths: CsvStrs = Field(
        default_factory=lambda: [str(sample_knowledge())],
        description="Comma-separated folders of Markdown/rst/text/HTML for the local index.",
    )

    kb_min_score: float | None = Field(
        default=None, description="Relevance threshold below which a search counts as a miss."
    )
    embeddings: Literal["local", "bedrock", "ollama", "none"] = Field(
        default="local",
        description="Passage embeddings for the local index: `local` (the bundled static model,"
        " no download) searches by meaning as well as by words; `bedrock` asks"
        " BEDROCK_EMBEDDING_MODEL; `ollama` asks OLLAMA_EMBEDDING_MODEL at OLLAMA_BASE_URL;"
        " `none` searches by words only.",
    )
    bedrock_embedding_model: str = Field(
        default="amazon.titan-embed-text-v2:0",
        description="Bedrock embedding model for EMBEDDINGS=bedrock (Titan Text Embeddings v2).",
    )
    ollama_embedding_model: str = Field(
        default="nomic-embed-text",
        description="Ollama embedding model for EMBEDDINGS=ollama (pulled on the Ollama server).",
    )

    kb_bedrock_min_score: float = Field(
        default=0.0,
        ge=0,
        description="Bedrock KB passages scoring below this are dropped (scores depend on the"
        " KB's embedding model: pick it from `kb search`); KB_MIN_SCORE overrides it.",
    )

    @field_validator("knowledge_base_id")
    @classmethod
    def _knowledge_base_ids(cls, value: list[str]) -> list[str]:
        for item in value:
            if not KNOWLEDGE_BASE_ID.fullmatch(item):
                raise ValueError(
                    f"{item!r} is not a knowledge base id (10 letters or digits, or its ARN)"
                )
        return value

    @field_validator("kb_http_endpoint")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            return None
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @field_validator("kb_metadata_filter")
    @classmethod
    def _retrieval_filter(cls, value: str | None) -> str | None:
        if value is not None and value.strip():
            from community_bot.kb.retrieval_filter import parse_retrieval_filter

            parse_retrieval_filter(value)
            return value
        return None


class MemorySettings(BaseModel):
    """Memory and storage: DATA_DIR, the checkpointer and the prompt window."""

    data_dir: Path = Field(
        default=Path(".community-bot"),
        description="Where memory, the local index and turn records live.",
    )

    checkpoint_url: str | None = Field(
        default=None,
        description="Checkpointer: a SQLite file path (default DATA_DIR/memory.sqlite).",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="postgresql://user:password@host:5432/db moves shared state (memory,"
        " transcripts, turn records, daily spend, start-up) to PostgreSQL, so bot processes on"
        " several machines share it; needs the `postgres` extra. See docs/scaling.md.",
    )
    thread_lock_timeout_seconds: float = Field(
        default=120.0,
        gt=0,
        le=3600,
        allow_inf_nan=False,
        description="How long a turn waits for another turn on the same thread (another process"
        " on the same DATA_DIR included) before it is refused with the reason, never lost.",
    )

    memory_max_messages: int = Field(
        default=50, ge=2, description="Most history messages sent to the model per turn."
    )

    memory_max_tokens: int = Field(
        default=6000, ge=200, description="Token budget for history in the prompt."
    )
    follow_up_window_seconds: float = Field(
        default=300.0,
        ge=0,
        description="A short message from the same person within this time is searched together"
        " with their previous question (a reply to a message always is).",
    )

    @property
    def checkpoint_path(self) -> Path:
        return Path(self.checkpoint_url) if self.checkpoint_url else self.data_dir / "memory.sqlite"

    @field_validator("data_dir", mode="before")
    @classmethod
    def _data_dir_named(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty: name a folder, e.g. DATA_DIR=.community-bot")
        return value

    @field_validator("database_url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        scheme = value.get_secret_value().partition("://")[0]
        if scheme not in {"postgresql", "postgres"}:
            raise ValueError("must be a postgresql://user:password@host:port/database URL")
        return value


class PromptSettings(BaseModel):
    """Prompts: the profile, its folder, an inline override and the reply size."""

    system_prompt: str | None = Field(
        default=None, description="Inline system prompt; overrides the profile's."
    )

    prompt_profile: str = Field(default="default", description="Prompt profile folder name.")

    prompt_root: Path = Field(
        default=PROJECT_ROOT / "prompts", description="Folder holding prompt profiles."
    )

    prompt_user_role: str = Field(
        default="user", description="Role the profile's user primer is sent as (user|system)."
    )

    max_response_chars: int = Field(
        default=1800, ge=100, le=DISCORD_MESSAGE_LIMIT, description="Longest chunk of one reply."
    )

    @field_validator("prompt_user_role")
    @classmethod
    def _role(cls, value: str) -> str:
        if value not in {"user", "system"}:
            raise ValueError("must be `user` or `system`")
        return value


class SourceAgentSettings(BaseModel):
    """Source agents: what keeps the knowledge base current, and where they publish."""

    source_agents_enabled: bool = Field(
        default=False,
        description="Run the source agents in the bot's background (`kb sync` runs them anyway).",
    )

    source_agents_config: Path = Field(
        default=Path("agents/sources/config.yaml"), description="YAML file declaring the agents."
    )

    source_agents_s3_bucket: str | None = Field(
        default=None, description="Bucket behind the Bedrock KB's data source."
    )

    source_agents_s3_region: str = Field(default="us-east-1", description="Region of that bucket.")

    source_agents_s3_prefix: str = Field(
        default="",
        description="Key prefix of the agents' objects in that bucket, e.g. `agents/`"
        " (match the data source's inclusion prefix).",
    )

    source_agents_data_source_id: str | None = Field(
        default=None, description="Bedrock KB data source to start an ingestion job for."
    )

    source_agents_knowledge_base_id: str | None = Field(
        default=None,
        description="Knowledge base owning that data source (default: first KNOWLEDGE_BASE_ID).",
    )

    source_agents_ingestion_timeout_seconds: int = Field(
        default=900, ge=10, description="Longest wait for an ingestion job to finish."
    )

    source_agents_ingestion_poll_seconds: float = Field(
        default=5.0, gt=0, le=300, description="Seconds between checks of a running ingestion job."
    )

    source_agents_local_index: bool = Field(
        default=True, description="Also put the agents' documents in the local knowledge base."
    )

    source_agents_run_on_startup: bool = Field(
        default=False, description="Sync when the bot starts."
    )

    source_agents_interval: int = Field(
        default=3600, ge=60, description="Seconds between syncs of agents without a cron schedule."
    )

    @field_validator("source_agents_data_source_id", "source_agents_knowledge_base_id")
    @classmethod
    def _bedrock_ids(cls, value: str | None) -> str | None:
        if value is not None and not BEDROCK_ID.fullmatch(value):
            raise ValueError("must be 10 letters or digits, as the Bedrock console shows it")
        return value


class ObservabilitySettings(BaseModel):
    """Observability: logs, metrics and LangSmith traces."""

    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", description="Log verbosity."
    )
    log_message_content: bool = Field(
        default=False,
        description="At LOG_LEVEL=DEBUG, also let the libraries that log request bodies (the"
        " users' messages: botocore, httpx, discord.py) write them; off, they stay at INFO.",
    )

    log_file: Path | None = Field(default=None, description="Also log to this rotating file.")

    log_file_max_bytes: int = Field(
        default=10_000_000, ge=1024, description="Rotate LOG_FILE once it reaches this many bytes."
    )

    log_file_backups: int = Field(
        default=5, ge=0, le=1000, description="Rotated copies of LOG_FILE to keep (LOG_FILE.1 …)."
    )

    metrics_port: int | None = Field(
        default=None,
        ge=0,
        le=65535,
        description="Serve Prometheus metrics at /metrics on this port (0: any free port).",
    )

    metrics_host: str = Field(
        default="127.0.0.1",
        description="Address the metrics endpoint listens on; 0.0.0.0 for every interface.",
    )

    langsmith_tracing: bool = Field(
        default=False,
        validation_alias=AliasChoices("LANGSMITH_TRACING", "LANGCHAIN_TRACING_V2"),
        description="`true` sends a trace of every turn to LangSmith; off, nothing is sent.",
    )

    langsmith_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"),
        description="LangSmith API key (secret).",
    )

    langsmith_endpoint: str = Field(
        default=LANGSMITH_CLOUD,
        validation_alias=AliasChoices("LANGSMITH_ENDPOINT", "LANGCHAIN_ENDPOINT"),
        description="LangSmith API address (EU: https://eu.api.smith.langchain.com).",
    )

    langsmith_project: str = Field(
        default="community-bot",
        validation_alias=AliasChoices("LANGSMITH_PROJECT", "LANGCHAIN_PROJECT"),
        description="LangSmith project the traces go to.",
    )

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _hosted_tracing_needs_a_key(self) -> Self:
        hosted = self.langsmith_endpoint.rstrip("/").endswith(".smith.langchain.com")
        if self.langsmith_tracing and hosted and self.langsmith_api_key is None:
            raise ValueError("LANGSMITH_API_KEY is required when LANGSMITH_TRACING=true")
        return self


class RuntimeSettings(BaseModel):
    """Runtime: how the commands run."""

    event_loop: Literal["auto", "uvloop", "asyncio"] = Field(
        default="auto",
        description="Event loop of the commands: auto = uvloop where installed (not on Windows).",
    )


GROUPS: tuple[type[BaseModel], ...] = (
    DiscordSettings,
    ModelSettings,
    KnowledgeSettings,
    MemorySettings,
    PromptSettings,
    SourceAgentSettings,
    ObservabilitySettings,
    RuntimeSettings,
)


class Settings(
    RuntimeSettings,
    ObservabilitySettings,
    SourceAgentSettings,
    PromptSettings,
    MemorySettings,
    KnowledgeSettings,
    ModelSettings,
    DiscordSettings,
    BaseSettings,
):
    """Every setting of community-bot, composed of the subsystems' groups; the environment
    variable is the field name in capitals. A module takes the group it needs (`settings.discord`,
    `settings.models`, …): a typed view of the same validated values."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        populate_by_name=True,
    )

    _legacy: Translation = PrivateAttr(default_factory=Translation)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """The usual sources, then the old bot's variables translated (see `legacy_env`)."""
        legacy = LegacyEnvSource(settings_cls, dotenv_settings)
        return init_settings, env_settings, dotenv_settings, file_secret_settings, legacy

    @model_validator(mode="wrap")
    @classmethod
    def _keep_legacy_notes(
        cls, data: Any, handler: ModelWrapValidatorHandler[Settings]
    ) -> Settings:
        translation = data.pop(SOURCE_KEY, None) if isinstance(data, dict) else None
        if isinstance(translation, Translation) and isinstance(data, dict):
            data |= {name.lower(): value for name, value in translation.overrides.items()}
        settings = handler(data)
        if isinstance(translation, Translation):
            settings._legacy = translation.settled(settings.discord_thread_mode)
        return settings

    @property
    def legacy(self) -> Translation:
        """What became of the old bot's variables: for the start-up report and `config show`."""
        return self._legacy

    @field_validator(
        "discord_channel_ids",
        "discord_forum_channel_ids",
        "discord_admin_role_ids",
        "discord_shard_ids",
        "knowledge_base_id",
        "local_kb_paths",
        mode="before",
    )
    @classmethod
    def _csv(cls, value: Any) -> Any:
        return _split_csv(value)

    @model_validator(mode="after")
    def _ingestion_needs_a_knowledge_base(self) -> Self:
        if self.source_agents_data_source_id and not self.ingestion_knowledge_base_id:
            raise ValueError(
                "SOURCE_AGENTS_DATA_SOURCE_ID needs SOURCE_AGENTS_KNOWLEDGE_BASE_ID"
                " or KNOWLEDGE_BASE_ID"
            )
        return self

    @property
    def ingestion_knowledge_base_id(self) -> str | None:
        """The knowledge base whose data source the source agents ingest into."""
        if self.source_agents_knowledge_base_id:
            return self.source_agents_knowledge_base_id
        # The control plane takes the bare id, where KNOWLEDGE_BASE_ID may hold an ARN.
        return self.knowledge_base_id[0].rsplit("/", 1)[-1] if self.knowledge_base_id else None

    @property
    def discord(self) -> DiscordSettings:
        return self._group(DiscordSettings)

    @property
    def models(self) -> ModelSettings:
        return self._group(ModelSettings)

    @property
    def knowledge(self) -> KnowledgeSettings:
        return self._group(KnowledgeSettings)

    @property
    def memory(self) -> MemorySettings:
        return self._group(MemorySettings)

    @property
    def prompts(self) -> PromptSettings:
        return self._group(PromptSettings)

    @property
    def source_agents(self) -> SourceAgentSettings:
        return self._group(SourceAgentSettings)

    @property
    def observability(self) -> ObservabilitySettings:
        return self._group(ObservabilitySettings)

    @property
    def runtime(self) -> RuntimeSettings:
        return self._group(RuntimeSettings)

    def _group(self, group: type[G]) -> G:
        """The group's view of these validated values (built on each call: never stale)."""
        return group.model_construct(**{name: getattr(self, name) for name in group.model_fields})


def load_settings(**overrides: Any) -> Settings:
    """Read and validate settings, turning pydantic's report into one error per variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError.from_validation(exc) from None
    except SettingsError as exc:  # a JSON value that does not parse, e.g. MODEL_PRICES='{bad'
        raise ConfigError([_unparsable(exc)]) from None


def _unparsable(exc: SettingsError) -> str:
    found = re.search(r'field "(\w+)"', str(exc))
    variable = found.group(1).upper() if found else "a setting"
    cause = exc.__cause__
    detail = f" ({cause})" if cause is not None else ""
    return f"{variable}: is not valid JSON{detail}"


def setting_names() -> list[str]:
    """Every field name, group by group in `GROUPS` order (the order `.env.example` lists them)."""
    return [name for group in GROUPS for name in group.model_fields]


def describe_settings() -> list[tuple[str, str, str]]:
    """(VARIABLE, default, description) for `--help` and `.env.example`."""
    rows = []
    for name in setting_names():
        field = Settings.model_fields[name]
        default = field.get_default(call_default_factory=True)
        if isinstance(default, list | dict):
            default = ",".join(map(str, default)) if isinstance(default, list) else ""
        rows.append(
            (name.upper(), "" if default is None else str(default), field.description or "")
        )
    return rows


SECTION_STARTS = {
    "discord_bot_token": "Discord",
    "backend_mode": "Models (Amazon Bedrock Nova, Ollama) and routing",
    "knowledge_base_id": "Knowledge base",
    "data_dir": "Memory and prompts",
    "source_agents_enabled": "Source agents (keep the knowledge base current)",
    "log_level": "Observability",
    "event_loop": "Runtime",
}


def render_env_example() -> str:
    """The commented `.env.example`, generated from the field descriptions so it never drifts."""
    lines = [
        "# community-bot configuration. Copy to .env and uncomment what you need.",
        "# With nothing set, the bot answers from the bundled sample knowledge base.",
    ]
    rows = {name.upper(): (default, text) for name, default, text in describe_settings()}
    for name in setting_names():
        if name in SECTION_STARTS:
            lines += ["", f"# --- {SECTION_STARTS[name]} ---"]
        default, text = rows[name.upper()]
        if name == "local_kb_paths":
            default = "knowledge"
        elif name == "prompt_root":
            default = "prompts"
        lines.append(f"# {text}")
        lines.append(f"# {name.upper()}={default}")
    return "\n".join(lines) + "\n"
