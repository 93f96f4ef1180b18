"""The original bot's `.env`, read as it was meant: each old variable honoured or named as dropped.

community-bot replaces an earlier bot (Ollama / AgentCore / Bedrock Nova backends) whose `.env`
communities still have. Variables whose name and meaning did not change are ordinary settings
(`NOVA_MODEL_ID`, `OLLAMA_MODEL`, `PROMPT_ROOT`, …). The ones that did change are translated here,
in one pure function over the raw variables (`translate`), so that:

- start-up (`Settings`, through the lowest-priority settings source below) applies the same
  mapping an admin sees in `community-bot config migrate OLD.env`;
- a new variable set explicitly always wins over the old one it replaces, and the old one is then
  reported as ignored rather than silently losing;
- every old variable that has no equivalent is reported once at start-up and by `config show` as
  `ignored: X — use Y instead`: a switch never gets quietly worse.

How `BEDROCK_MODEL_ID` maps (see docs/migrating.md): it becomes the model of the tier its family
names (Micro → small, Lite and Nova 2 Lite → medium, anything else → large). With
`LLM_PROVIDER=bedrock`, the old bot's "Bedrock answers everything", every tier is Bedrock: the
tiers below the named one get the cheaper Nova of the same inference-profile family (`us.` Pro →
`us.` Micro and Lite), the tiers above it the named model itself, and no Ollama is expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

Kind = Literal["honoured", "changed", "ignored"]
TIER_VARIABLES = ("MODEL_SMALL", "MODEL_MEDIUM", "MODEL_LARGE")
NOVA_SIBLINGS = ("amazon.nova-micro-v1:0", "amazon.nova-lite-v1:0")
# Inference-profile geographies whose Nova Micro and Lite profiles exist beside Pro.
SIBLING_PREFIXES = ("", "us.", "eu.", "apac.")
PROFILE_PREFIX = re.compile(r"^(us|us-gov|eu|apac|ca|jp|au|global)\.")
BEDROCK_KB_URL = re.compile(
    r"^https?://bedrock-agent-runtime\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
    r"/knowledgebases/(?P<kb>[^/?#]+)/(?:retrieve-and-generate|retrieve)/?$"
)
BEDROCK_ID = re.compile(r"[0-9a-zA-Z]{10}")
TRUE = frozenset({"1", "true", "yes", "on"})

# Variables only the old bot read: any of them marks a `.env` as the old bot's.
OLD_ONLY = (
    "LLM_PROVIDER",
    "BEDROCK_MODEL_ID",
    "BEDROCK_TEMPERATURE",
    "BEDROCK_MAX_TOKENS",
    "BEDROCK_TOP_P",
    "BEDROCK_STREAMING",
    "BEDROCK_READ_TIMEOUT",
    "BEDROCK_CONNECT_TIMEOUT",
    "BEDROCK_MAX_RETRIES",
    "KNOWLEDGE_BASE_ENDPOINT",
    "KB_DIRECT_ENDPOINT",
    "KB_API_KEY",
    "KNOWLEDGE_BASE_API_KEY",
    "AGENT_ID",
    "AGENT_ALIAS_ID",
    "AGENTCORE_MODE",
)
# Old variable → the setting that now means the same, copied when that setting is not set.
RENAMED = {
    "BEDROCK_TEMPERATURE": "NOVA_TEMPERATURE",
    "BEDROCK_MAX_TOKENS": "NOVA_MAX_TOKENS",
    "BEDROCK_TOP_P": "NOVA_TOP_P",
    "BEDROCK_READ_TIMEOUT": "MODEL_TIMEOUT_SECONDS",
    "BEDROCK_CONNECT_TIMEOUT": "MODEL_CONNECT_TIMEOUT_SECONDS",
    "BEDROCK_MAX_RETRIES": "MODEL_MAX_RETRIES",
}
# Everything the new settings read that this module may write or must look at (upper case).
NEW_VARIABLES = (
    *RENAMED.values(),
    *TIER_VARIABLES,
    "BACKEND_MODE",
    "KNOWLEDGE_BASE_ID",
    "KB_HTTP_ENDPOINT",
    "KB_HTTP_API_KEY",
    "DISCORD_THREAD_MODE",
    "AGENTCORE_RUNTIME_ARN",
    "OLLAMA_MODEL",
    "DISCORD_CHANNEL_ID",
    "DISCORD_CHANNEL_IDS",
    "PROMPT_ROOT",
    "PROMPT_PROFILE",
)
OLD_ENV = "(old .env)"  # the note about the whole file rather than one variable
SOURCE_KEY = "__legacy_env__"  # how the settings source hands the translation to Settings


@dataclass(frozen=True)
class Note:
    """What became of one old variable, in words for the start-up log and `config show`."""

    variable: str
    kind: Kind
    text: str

    def line(self) -> str:
        return f"{self.kind}: {self.variable} — {self.text}"


@dataclass
class Translation:
    """New variables derived from old ones, and a note for every old variable seen."""

    values: dict[str, str] = field(default_factory=dict)  # used where the new one is unset
    overrides: dict[str, str] = field(default_factory=dict)  # win over the new variable
    notes: list[Note] = field(default_factory=list)
    old_env: bool = False

    def settled(self, thread_mode: bool) -> Translation:
        """Drop the thread note when the command line (`run --no-thread-mode`) overrode it."""
        if thread_mode or self.values.get("DISCORD_THREAD_MODE") != "true":
            return self
        notes = [note for note in self.notes if note.variable != OLD_ENV]
        return Translation(dict(self.values), dict(self.overrides), notes, self.old_env)

    def ignored(self) -> list[Note]:
        return [note for note in self.notes if note.kind == "ignored"]

    def note(self, variable: str, kind: Kind, text: str) -> None:
        self.notes.append(Note(variable, kind, text))


def translate(raw: Mapping[str, str], workdir: Path | None = None) -> Translation:
    """Translate the raw variables (names in any case) of an environment or `.env` file.

    `workdir` is where the old bot ran (the current directory at start-up, the old `.env`'s
    folder for `config migrate`): its `agents/` folder was the old default PROMPT_ROOT."""
    env = {name.upper(): value.strip() for name, value in raw.items() if value and value.strip()}
    result = Translation(old_env=_is_old_env(env))
    if workdir is not None:
        _prompt_root(env, result, workdir)
    _backend(env, result)
    _models(env, result)
    _renamed(env, result)
    _streaming(env, result)
    _knowledge_endpoints(env, result)
    _bedrock_agent(env, result)
    _threads(env, result)
    return result


def _is_old_env(env: Mapping[str, str]) -> bool:
    """The old bot's `.env`: one of its own variables, its `agentcore` mode, or its single
    DISCORD_CHANNEL_ID (which it required) without the new DISCORD_CHANNEL_IDS."""
    if any(name in env for name in OLD_ONLY):
        return True
    if env.get("BACKEND_MODE", "").lower() == "agentcore":
        return True
    return "DISCORD_CHANNEL_ID" in env and "DISCORD_CHANNEL_IDS" not in env


def _backend(env: Mapping[str, str], result: Translation) -> None:
    if env.get("BACKEND_MODE", "").lower() == "agentcore" and "AGENTCORE_RUNTIME_ARN" not in env:
        result.note(
            "BACKEND_MODE",
            "changed",
            "`agentcore` without AGENTCORE_RUNTIME_ARN runs as `auto`: each turn is routed to"
            " the model of its tier (MODEL_SMALL/MEDIUM/LARGE); set AGENTCORE_RUNTIME_ARN to"
            " call an AgentCore runtime instead",
        )


def _models(env: Mapping[str, str], result: Translation) -> None:
    provider = env.get("LLM_PROVIDER", "").lower()
    model = env.get("BEDROCK_MODEL_ID")
    mode = env.get("BACKEND_MODE", "auto").lower()
    if provider and provider not in {"bedrock", "ollama"}:
        result.note(
            "LLM_PROVIDER",
            "ignored",
            f"{provider!r} is not a provider here — use MODEL_SMALL/MEDIUM/LARGE (a Bedrock"
            " model id, or `ollama`)",
        )
        provider = ""
    if mode in {"nova", "ollama", "retrieval"}:
        pinned = {"nova": "NOVA_MODEL_ID", "ollama": "OLLAMA_MODEL", "retrieval": "no model"}
        for name in ("LLM_PROVIDER", "BEDROCK_MODEL_ID"):
            if name in env and (name != "LLM_PROVIDER" or provider):
                result.note(
                    name,
                    "ignored",
                    f"BACKEND_MODE={mode} answers with {pinned[mode]} — use"
                    " BACKEND_MODE=auto with MODEL_SMALL/MEDIUM/LARGE instead",
                )
        return
    wanted: dict[str, str] = {}
    if provider == "ollama" and "OLLAMA_MODEL" not in env:
        result.note("LLM_PROVIDER", "ignored", "`ollama` needs a model — set OLLAMA_MODEL")
    elif provider == "ollama":
        wanted = dict.fromkeys(TIER_VARIABLES, "ollama")
        if model:
            result.note(
                "BEDROCK_MODEL_ID",
                "ignored",
                "LLM_PROVIDER=ollama answers every tier with OLLAMA_MODEL — use MODEL_LARGE"
                " to send hard questions to Bedrock",
            )
    elif model:
        named = tier_of(model)
        wanted[named] = model
        if provider == "bedrock":
            wanted |= _bedrock_tiers(model, named)
    elif provider == "bedrock":
        wanted = {"MODEL_SMALL": NOVA_SIBLINGS[0]}  # the defaults are Bedrock above small
    for variable, value in wanted.items():
        if variable in env and env[variable] != value:
            source = "LLM_PROVIDER" if variable not in _named(model) else "BEDROCK_MODEL_ID"
            result.note(
                source,
                "ignored",
                f"{variable}={env[variable]} is set and wins — remove it to use {value}",
            )
        elif variable not in env:
            result.values[variable] = value
    chosen = {v: result.values[v] for v in TIER_VARIABLES if v in result.values}
    if chosen and provider:
        shown = ", ".join(f"{k}={v}" for k, v in chosen.items())
        result.note("LLM_PROVIDER", "honoured", f"every tier answers with {provider}: {shown}")
    if model and provider != "ollama" and (tier := tier_of(model)) in result.values:
        result.note("BEDROCK_MODEL_ID", "honoured", f"{tier}={model}")


def _named(model: str | None) -> set[str]:
    return {tier_of(model)} if model else set()


def tier_of(model_id: str) -> str:
    """The MODEL_* variable a Bedrock model id belongs to, by its family."""
    base = PROFILE_PREFIX.sub("", model_id.rsplit("/", 1)[-1]).lower()
    if "nova-micro" in base:
        return "MODEL_SMALL"
    if "nova-lite" in base or "nova-2-lite" in base:
        return "MODEL_MEDIUM"
    return "MODEL_LARGE"


def profile_prefix(model_id: str) -> str:
    """`us.amazon.nova-pro-v1:0` → `us.`; an in-Region id → ``."""
    found = PROFILE_PREFIX.match(model_id)
    return found.group(0) if found else ""


def _bedrock_tiers(model: str, named: str) -> dict[str, str]:
    """Every tier on Bedrock: cheaper Nova siblings below the named tier, the model above it."""
    prefix = profile_prefix(model)
    position = TIER_VARIABLES.index(named)
    tiers: dict[str, str] = {}
    for index, variable in enumerate(TIER_VARIABLES):
        if index < position and prefix in SIBLING_PREFIXES:
            tiers[variable] = prefix + NOVA_SIBLINGS[index]
        else:
            tiers[variable] = model
    return tiers


def _renamed(env: Mapping[str, str], result: Translation) -> None:
    """BEDROCK_* become their new names. The old bot read NOVA_* only in BACKEND_MODE=nova and
    BEDROCK_* in every other mode, so outside `nova` the BEDROCK_* value is the one it used and
    wins over a NOVA_* left beside it; in `nova` it is the NOVA_* value that counts."""
    mode = env.get("BACKEND_MODE", "agentcore").lower()
    for old, new in RENAMED.items():
        if old not in env:
            continue
        if new not in env or env[new] == env[old]:
            result.values[new] = env[old]
            result.note(old, "honoured", f"as {new}={env[old]}")
        elif new.startswith("NOVA_") and mode != "nova":
            result.overrides[new] = env[old]
            result.note(
                old,
                "honoured",
                f"as {new}={env[old]}: BACKEND_MODE={mode} read {old}; the old {new}={env[new]}"
                " applied to BACKEND_MODE=nova only",
            )
        else:
            result.note(old, "ignored", f"{new}={env[new]} is set and wins — use {new} instead")


def _streaming(env: Mapping[str, str], result: Translation) -> None:
    value = env.get("BEDROCK_STREAMING")
    if value is None:
        return
    if value.lower() in TRUE:
        result.note("BEDROCK_STREAMING", "honoured", "answers always stream")
    else:
        result.note(
            "BEDROCK_STREAMING",
            "ignored",
            "answers always stream — use DISCORD_EDIT_INTERVAL_SECONDS to edit the message"
            " less often instead",
        )


def _knowledge_endpoints(env: Mapping[str, str], result: Translation) -> None:
    kb_ids: list[str] = []
    for variable in ("KB_DIRECT_ENDPOINT", "KNOWLEDGE_BASE_ENDPOINT"):
        url = env.get(variable)
        if url is None:
            continue
        bedrock = BEDROCK_KB_URL.match(url)
        if bedrock is not None:
            kb = bedrock.group("kb")
            if not BEDROCK_ID.fullmatch(kb):
                result.note(
                    variable,
                    "ignored",
                    f"{kb!r} in its URL is not a knowledge base id (10 letters or digits) —"
                    " use KNOWLEDGE_BASE_ID instead",
                )
                continue
            region = bedrock.group("region")
            if env.get("AWS_REGION", region) != region:
                result.note(
                    variable,
                    "changed",
                    f"the knowledge base is searched in AWS_REGION={env['AWS_REGION']},"
                    f" not {region} from this URL",
                )
            if kb not in kb_ids:
                kb_ids.append(kb)
            continue
        if url.startswith(("http://", "https://")):
            _http_endpoint(env, result, variable, url)
        else:
            result.note(variable, "ignored", "not a URL — use KB_HTTP_ENDPOINT instead")
    if not kb_ids:
        return
    given = [item.strip() for item in env.get("KNOWLEDGE_BASE_ID", "").split(",") if item.strip()]
    bare = {item.rsplit("/", 1)[-1] for item in given}
    if not given:
        result.values["KNOWLEDGE_BASE_ID"] = ",".join(kb_ids)
        result.note(
            "KB_DIRECT_ENDPOINT/KNOWLEDGE_BASE_ENDPOINT",
            "honoured",
            f"as KNOWLEDGE_BASE_ID={','.join(kb_ids)} (retrieval; the bot writes the answer)",
        )
    elif missing := [kb for kb in kb_ids if kb not in bare]:
        result.note(
            "KB_DIRECT_ENDPOINT/KNOWLEDGE_BASE_ENDPOINT",
            "ignored",
            f"knowledge base {', '.join(missing)} is not in KNOWLEDGE_BASE_ID, which is set and"
            f" wins — use KNOWLEDGE_BASE_ID={','.join([*given, *missing])} to search it too",
        )
    else:
        result.note(
            "KB_DIRECT_ENDPOINT/KNOWLEDGE_BASE_ENDPOINT",
            "honoured",
            "the same knowledge base as KNOWLEDGE_BASE_ID",
        )


def _http_endpoint(env: Mapping[str, str], result: Translation, variable: str, url: str) -> None:
    current = env.get("KB_HTTP_ENDPOINT") or result.values.get("KB_HTTP_ENDPOINT")
    if current is not None and current != url:
        result.note(
            variable, "ignored", f"KB_HTTP_ENDPOINT={current} is used — one HTTP source is read"
        )
        return
    result.values.setdefault("KB_HTTP_ENDPOINT", url)
    key = env.get("KB_API_KEY") or env.get("KNOWLEDGE_BASE_API_KEY")
    if key and "KB_HTTP_API_KEY" not in env:
        result.values["KB_HTTP_API_KEY"] = key
    result.note(variable, "honoured", "as KB_HTTP_ENDPOINT, searched beside the other sources")


def _bedrock_agent(env: Mapping[str, str], result: Translation) -> None:
    for variable in ("AGENT_ID", "AGENT_ALIAS_ID"):
        if variable in env:
            result.note(
                variable,
                "ignored",
                "community-bot answers with its own graph, not a Bedrock Agent — use"
                " KNOWLEDGE_BASE_ID for the agent's knowledge base and MODEL_LARGE (or"
                " BEDROCK_MODEL_ID) for its model instead",
            )
    if "AGENTCORE_MODE" in env:
        result.note(
            "AGENTCORE_MODE",
            "ignored",
            "use AGENTCORE_RUNTIME_ARN instead to call an AgentCore runtime; without it"
            " BACKEND_MODE=agentcore routes each turn like `auto`",
        )


def _prompt_root(env: Mapping[str, str], result: Translation, workdir: Path) -> None:
    """Without PROMPT_ROOT the old bot read `./agents`; the new default is the bundled prompts.
    Where the old folder holds the configured profile, keep reading it rather than silently
    answering with another voice."""
    if not result.old_env or "PROMPT_ROOT" in env:
        return
    profile = env.get("PROMPT_PROFILE", "default")
    folder = workdir / "agents" / profile
    if (folder / "system.md").is_file() or (folder / f"{profile}.system.md").is_file():
        result.values["PROMPT_ROOT"] = str(workdir / "agents")
        result.note(
            "PROMPT_ROOT",
            "honoured",
            f"unset, so the old default {workdir / 'agents'} (it holds profile {profile!r})",
        )


def _threads(env: Mapping[str, str], result: Translation) -> None:
    if result.old_env and "DISCORD_THREAD_MODE" not in env:
        result.values["DISCORD_THREAD_MODE"] = "true"
        result.note(
            OLD_ENV,
            "honoured",
            "each question gets its own thread, as the old bot did: DISCORD_THREAD_MODE=true"
            " (set DISCORD_THREAD_MODE=false to answer in the channel)",
        )


class LegacyEnvSource(PydanticBaseSettingsSource):
    """The lowest-priority settings source: new settings derived from the old bot's variables.

    It reads the process environment over the `.env` file (as the other sources do) and hands
    its notes to `Settings` under SOURCE_KEY; any new variable set explicitly outranks it.
    """

    def __init__(
        self, settings_cls: type[BaseSettings], dotenv: PydanticBaseSettingsSource
    ) -> None:
        super().__init__(settings_cls)
        self._dotenv = dotenv

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False  # everything is produced at once in __call__

    def __call__(self) -> dict[str, Any]:
        import os

        raw: dict[str, str] = {}
        for name, value in dict(getattr(self._dotenv, "env_vars", {}) or {}).items():
            if value is not None:
                raw[name.upper()] = value
        for name, value in os.environ.items():
            raw[name.upper()] = value
        relevant = {k: v for k, v in raw.items() if k in OLD_ONLY or k in NEW_VARIABLES}
        for name in ("AWS_REGION",):
            if name in raw:
                relevant[name] = raw[name]
        translation = translate(relevant, Path.cwd())
        data: dict[str, Any] = {name.lower(): value for name, value in translation.values.items()}
        data[SOURCE_KEY] = translation
        return data


def log_report(translation: Translation, log: Any) -> None:
    """Say once, at start-up, what became of each old variable: ignored ones as warnings."""
    for note in translation.notes:
        if note.kind == "ignored":
            log.warning("old .env: %s", note.line())
        else:
            log.info("old .env: %s", note.line())
