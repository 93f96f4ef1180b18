"""The source agents' YAML file (SOURCE_AGENTS_CONFIG), validated once at start-up.

The layout is the old bot's: a list under `agents:`, each with `id`, `kind` (the old `type`
works too), `enabled`, an optional cron `schedule` and a `config:` block for its kind. Strings
may use `${VAR}` (or `${VAR:-default}`), read from the environment when the file is loaded.
Every problem names the file and the agent; values are never echoed, since expanded strings
may hold passwords.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from croniter import croniter
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from community_bot.errors import ConfigError

AGENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
OLD_KIND_NAMES = {"database": "sql"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FolderConfig(_Strict):
    """Read the text files of a folder; each file is one document with its relative path as id."""

    path: Path
    patterns: list[str] | None = None  # globs such as `guides/**/*.md`; default: every file
    category: str = ""
    url_prefix: str = ""  # cite `<url_prefix><relative path>` instead of the file path


class ScriptConfig(_Strict):
    """Run a command whose stdout is JSON documents (a list, one object, or JSON lines)."""

    command: list[str] | str | None = None
    script_path: Path | None = None  # the old bot's form: run with this Python interpreter
    script_args: list[str] = Field(default_factory=list)
    cwd: Path | None = None
    env: dict[str, str] = Field(default_factory=dict)
    timeout_seconds: float = Field(default=300, gt=0)
    category: str = ""

    def argv(self) -> list[str]:
        if isinstance(self.command, str):
            return shlex.split(self.command)
        if self.command:
            return list(self.command)
        assert self.script_path is not None  # checked by ScriptAgent
        return [sys.executable, str(self.script_path), *self.script_args]


class SqlConfig(_Strict):
    """Run a query; each row is a document. URLs: `sqlite:///path`, `postgresql://…`,
    `mysql://…` / `mariadb://…` (a `+driver` suffix is ignored).

    Columns named `id`, `content`, `title`, `category` and `source` are used by default; the
    `*_column` settings rename them. Title, category and source may be absent from the result
    unless their setting names a column explicitly.
    """

    url: str = Field(validation_alias=AliasChoices("url", "connection_string"))
    query: str
    id_column: str = "id"
    content_column: str = "content"
    content_columns: list[str] | None = None  # instead: `column: value` lines, as the old bot
    title_column: str = "title"
    category_column: str = "category"
    source_column: str = "source"
    metadata_columns: list[str] = Field(default_factory=list)
    category: str = ""

    @field_validator("url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        from community_bot.kb.agents.sql_servers import MYSQL_SCHEMES, POSTGRES_SCHEMES, scheme_of

        if value.startswith("sqlite:///"):
            return value
        scheme = scheme_of(value) if ":" in value else "(none)"
        if scheme not in POSTGRES_SCHEMES | MYSQL_SCHEMES or "://" not in value:
            raise ValueError(
                f"database URL scheme {scheme!r} is not supported: use sqlite:///path,"
                " postgresql://…, mysql://… (or mariadb://…), or a `script` agent that prints"
                " the rows as JSON"
            )
        return value

    @property
    def database_path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))


class _Agent(_Strict):
    id: str
    enabled: bool = True
    schedule: str | None = None  # cron, in UTC; None: every SOURCE_AGENTS_INTERVAL seconds

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not AGENT_ID.fullmatch(value):
            raise ValueError("use letters, digits, `-`, `_` or `.` (it becomes an S3 key part)")
        return value

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if value is not None and not croniter.is_valid(value):
            raise ValueError(f"{value!r} is not a cron expression such as `0 */6 * * *`")
        return value


class FolderAgent(_Agent):
    kind: Literal["folder"]
    config: FolderConfig


class ScriptAgent(_Agent):
    kind: Literal["script"]
    config: ScriptConfig

    @model_validator(mode="after")
    def _one_way_to_run(self) -> ScriptAgent:
        if (self.config.command is None) == (self.config.script_path is None):
            raise ValueError("config needs exactly one of `command` and `script_path`")
        if not self.config.argv():
            raise ValueError("config.command is empty")
        return self


class SqlAgent(_Agent):
    kind: Literal["sql"]
    config: SqlConfig

    @model_validator(mode="after")
    def _one_content_source(self) -> SqlAgent:
        fields = self.config.model_fields_set
        if "content_column" in fields and "content_columns" in fields:
            raise ValueError("config takes `content_column` or `content_columns`, not both")
        return self


AgentConfig = Annotated[FolderAgent | ScriptAgent | SqlAgent, Field(discriminator="kind")]
_AGENT = TypeAdapter(AgentConfig)


def load_agents(path: Path, environ: dict[str, str] | None = None) -> list[AgentConfig]:
    """The enabled agents of the file, in order; ConfigError lists every problem found."""
    environ = dict(os.environ) if environ is None else environ
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"SOURCE_AGENTS_CONFIG: {path} does not exist"]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError([f"{path}: cannot be read as YAML: {exc}"]) from None
    entries = document.get("agents") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ConfigError([f"{path}: expected a list under `agents:`"])
    agents: list[AgentConfig] = []
    problems: list[str] = []
    for number, entry in enumerate(entries, start=1):
        name = entry.get("id") if isinstance(entry, dict) else None
        where = f"{path}: agent {name!r}" if name else f"{path}: agent #{number}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: expected a mapping with `id` and `kind`")
            continue
        if entry.get("enabled", True) is False:
            continue
        try:
            agents.append(_AGENT.validate_python(_normalise(_expand(entry, environ))))
        except _MissingVariable as missing:
            problems.append(
                f"{where}: environment variable {missing.name} is not set"
                f" (used in {'.'.join(missing.path)})"
            )
        except ValidationError as exc:
            problems.extend(f"{where}: {_describe(error)}" for error in exc.errors())
    seen: set[str] = set()
    for agent in agents:
        if agent.id in seen:
            problems.append(f"{path}: agent {agent.id!r} is declared twice")
        seen.add(agent.id)
    if problems:
        raise ConfigError(problems)
    return agents


class _MissingVariable(Exception):
    def __init__(self, name: str, path: list[str]) -> None:
        self.name, self.path = name, path


def _expand(value: Any, environ: dict[str, str], path: list[str] | None = None) -> Any:
    """`${VAR}` and `${VAR:-default}` in every string of the entry, recursively."""
    path = path or []
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in environ:
                return environ[name]
            if default is not None:
                return default
            raise _MissingVariable(name, path)

        return VARIABLE.sub(substitute, value)
    if isinstance(value, dict):
        return {k: _expand(v, environ, [*path, str(k)]) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, environ, [*path, str(i)]) for i, v in enumerate(value)]
    return value


def _normalise(entry: dict[str, Any]) -> dict[str, Any]:
    """Accept the old bot's spelling: `type` for `kind`, `database` for `sql`."""
    entry = dict(entry)
    if "kind" not in entry and "type" in entry:
        entry["kind"] = entry.pop("type")
    if isinstance(entry.get("kind"), str):
        entry["kind"] = OLD_KIND_NAMES.get(entry["kind"], entry["kind"])
    return entry


def _describe(error: Any) -> str:
    """One pydantic error as `config.path: message`, without the value (it may be a secret)."""
    kinds = {"folder", "script", "sql"}
    location = [str(part) for part in error["loc"] if str(part) not in kinds]
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "union_tag_invalid":
        message = f"unknown kind {error['input'].get('kind')!r} (expected folder, script or sql)"
    elif error["type"] == "union_tag_not_found":
        message = "missing `kind` (folder, script or sql)"
    return f"{'.'.join(location)}: {message}" if location else message
