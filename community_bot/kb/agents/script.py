"""The `script` kind: run a command and read JSON documents from its standard output.

Output is a JSON list of objects, a single object, or JSON lines; each object has `content` and
`id`, optionally `title`, `category`, `source` and `metadata`. Unknown fields are ignored so
the old bot's collectors keep working.
"""

from __future__ import annotations

import json
import os
import subprocess
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from community_bot.kb.agents.collected import Collected, CollectError
from community_bot.kb.agents.config import ScriptAgent
from community_bot.kb.documents import Document

STDERR_SHOWN = 300  # characters of a failing command's stderr kept in the report


class ScriptItem(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True)

    id: str = Field(min_length=1)
    content: str
    title: str | None = None
    category: str | None = None
    source: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


def collect_script(agent: ScriptAgent) -> Collected:
    config = agent.config
    argv = config.argv()
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            timeout=config.timeout_seconds,
            cwd=config.cwd,
            env={**os.environ, **config.env},
            check=False,
        )
    except FileNotFoundError:
        raise CollectError(f"command not found: {argv[0]}") from None
    except PermissionError:
        raise CollectError(f"command is not executable: {argv[0]}") from None
    except subprocess.TimeoutExpired:
        raise CollectError(f"command timed out after {config.timeout_seconds:g} s") from None
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()[-STDERR_SHOWN:]
        raise CollectError(
            f"command exited with status {done.returncode}" + (f": {stderr}" if stderr else "")
        )
    try:
        output = done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise CollectError("command output is not UTF-8") from None
    collected = Collected()
    for number, item in enumerate(parse_json_documents(output), start=1):
        try:
            parsed = ScriptItem.model_validate(item)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'item'}: {e['msg']}" for e in exc.errors()
            )
            collected.skipped.append(f"item {number}: {problems}")
            continue
        collected.add(
            Document(
                id=parsed.id,
                text=parsed.content,
                title=parsed.title or parsed.id,
                source=parsed.source or f"{agent.id}:{parsed.id}",
                category=parsed.category or config.category,
                metadata={key: str(value) for key, value in parsed.metadata.items()},
            )
        )
    return collected


def parse_json_documents(output: str) -> list[Any]:
    """A JSON list, one JSON object, or JSON lines; CollectError says where it stops parsing."""
    if not output.strip():
        return []
    try:
        whole = json.loads(output)
    except json.JSONDecodeError as exc:
        whole_error = f"line {exc.lineno}: {exc.msg}"
    else:
        if isinstance(whole, list):
            return whole
        if isinstance(whole, dict):
            return [whole]
        raise CollectError("command output is JSON but neither a list nor an object")
    items = []
    for number, line in enumerate(output.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append(json.loads(line))
        except json.JSONDecodeError as exc:
            where = whole_error if not items else f"line {number}: {exc.msg}"
            raise CollectError(f"command output is not JSON ({where})") from None
    return items
