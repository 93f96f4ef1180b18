"""`community-bot config migrate OLD.env`: the old bot's `.env` rewritten for community-bot.

The output is itself a `.env` (differences are comments), so `config migrate old.env > .env` is a
working start; every behaviour that differs from the old bot is listed so the switch is made
knowingly, not discovered in the channel. The mapping is `legacy_env.translate`, the same one
start-up applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from community_bot.legacy_env import OLD_ONLY, Translation, translate
from community_bot.settings import GROUPS


def known_variables() -> set[str]:
    """Every variable name the settings read (field names and their aliases), upper case."""
    names: set[str] = set()
    fields = (item for group in GROUPS for item in group.model_fields.items())
    for name, field in fields:
        names.add(name.upper())
        alias = field.validation_alias
        choices = getattr(alias, "choices", None)
        if choices:
            names.update(str(choice).upper() for choice in choices)
    return names


def render_migrated_env(
    raw: Mapping[str, str | None], source: str, workdir: Path | None = None
) -> str:
    """The new `.env` for an old one, with the old variables' fate and the behaviour changes;
    `workdir` is the old bot's working directory (for its default `./agents` prompt folder)."""
    env = {name.upper(): (value or "").strip() for name, value in raw.items()}
    translation = translate({k: v for k, v in env.items() if v}, workdir)
    known = known_variables()
    lines = [
        f"# community-bot .env migrated from {source} (`community-bot config migrate`).",
        "",
        "# --- Kept: same name, same meaning ---",
    ]
    for name, value in env.items():
        overridden = name in translation.overrides
        if name == "BACKEND_MODE" and value.lower() == "agentcore":
            value = "agentcore" if env.get("AGENTCORE_RUNTIME_ARN") else "auto"
        if (name in known or name.startswith("AWS_")) and not overridden:
            lines.append(f"{name}={value}")
    lines += ["", "# --- Derived from the old variables ---"]
    for name, value in {**translation.values, **translation.overrides}.items():
        lines.append(f"{name}={value}")
    lines += ["", "# --- What became of the old variables ---"]
    lines += [f"# {note.line()}" for note in translation.notes]
    for name in env:
        if name not in known and name not in OLD_ONLY and not name.startswith("AWS_"):
            lines.append(f"# ignored: {name} — community-bot does not read it")
    lines += ["", "# --- Behaviour that differs from the old bot ---"]
    lines += [f"# - {line}" for line in behaviour_differences(env, translation)]
    return "\n".join(lines) + "\n"


def behaviour_differences(env: Mapping[str, str], translation: Translation) -> list[str]:
    """Threads, channels, tiers, memory, knowledge and prompts: old behaviour against new."""
    merged = {**env, **translation.values, **translation.overrides}
    threads = merged.get("DISCORD_THREAD_MODE", "false").lower() in {"1", "true", "yes", "on"}
    differences = [
        "Threads: each new question in a watched channel gets its own thread, as before."
        if threads
        else "Threads: answers go in the channel itself (DISCORD_THREAD_MODE=false); the old bot"
        " opened a thread per question.",
        "Channels: besides DISCORD_CHANNEL_ID (and DISCORD_CHANNEL_IDS), the bot also answers"
        " anywhere it is @mentioned or replied to, and DMs with DISCORD_ALLOW_DMS=true.",
    ]
    mode = merged.get("BACKEND_MODE", "agentcore").lower()
    if mode in {"agentcore", "auto"}:
        tiers = {
            tier: merged.get(f"MODEL_{tier.upper()}", default)
            for tier, default in (
                ("small", "ollama"),
                ("medium", "amazon.nova-lite-v1:0"),
                ("large", "amazon.nova-pro-v1:0"),
            )
        }
        shown = ", ".join(f"{tier}={model}" for tier, model in tiers.items())
        differences.append(
            "Tiers: each question is routed by its difficulty to one of three models"
            f" ({shown}); the old bot sent every question to one model. Pin one with"
            " BACKEND_MODE=nova (NOVA_MODEL_ID) or BACKEND_MODE=ollama."
        )
        if "ollama" in tiers.values():
            differences.append(
                "Ollama: a tier set to `ollama` needs OLLAMA_MODEL served at OLLAMA_BASE_URL;"
                " while it is down, that tier falls back to the next model."
            )
    differences += [
        "Fallback: when no model answers, the bot quotes the knowledge base with sources and"
        " says so, instead of failing.",
        "Memory: kept per channel (or thread) on disk in DATA_DIR and survives restarts; the old"
        " bot's memory lived in the process.",
        "Knowledge: Bedrock knowledge bases are searched with Retrieve and the bot writes the"
        " answer with citations (the old endpoint used RetrieveAndGenerate); the local folders"
        " in LOCAL_KB_PATHS are searched too (LOCAL_KB_ENABLED=false to stop that).",
        "Prompts: the old layout <PROMPT_ROOT>/<profile>/<profile>.system.md still loads; without"
        " PROMPT_ROOT the bundled prompts/ folder is used (the old default was ./agents).",
        "Streaming: answers always stream into the Discord message, edited at most every"
        " DISCORD_EDIT_INTERVAL_SECONDS.",
    ]
    return differences
