"""The agents' YAML: validated at start-up, every problem naming the file, the agent and what."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from community_bot.errors import ConfigError
from community_bot.kb.agents.config import FolderAgent, ScriptAgent, SqlAgent, load_agents
from tests.agents.conftest import WriteConfig

ROOT = Path(__file__).resolve().parents[2]


def problems_of(path: Path, environ: dict[str, str] | None = None) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        load_agents(path, environ or {})
    return raised.value.problems


def test_variables_are_expanded_whole_inside_strings_and_with_defaults(
    write_config: WriteConfig,
) -> None:
    path = write_config(
        {
            "id": "faq",
            "kind": "sql",
            "config": {
                "url": "sqlite:///${DATA}/faq.sqlite",
                "query": "SELECT * FROM ${TABLE:-faq}",
                "category": "${CATEGORY}",
            },
        }
    )
    (agent,) = load_agents(path, {"DATA": "/srv/data", "CATEGORY": "help"})
    assert isinstance(agent, SqlAgent)
    assert agent.config.url == "sqlite:////srv/data/faq.sqlite"
    assert agent.config.query == "SELECT * FROM faq"
    assert agent.config.category == "help"


def test_a_missing_variable_names_the_file_the_agent_and_the_variable(
    write_config: WriteConfig,
) -> None:
    path = write_config(
        {"id": "faq", "kind": "sql", "config": {"url": "sqlite:///${FAQ_DB}", "query": "SELECT 1"}}
    )
    assert problems_of(path) == [
        f"{path}: agent 'faq': environment variable FAQ_DB is not set (used in config.url)"
    ]


def test_secrets_in_expanded_values_are_never_echoed(write_config: WriteConfig) -> None:
    path = write_config(
        {"id": "db", "kind": "sql", "config": {"url": "${DB_URL}", "query": "SELECT 1"}}
    )
    (problem,) = problems_of(path, {"DB_URL": "oracle://bot:hunter2@db/kb"})
    assert "hunter2" not in problem
    assert "database URL scheme 'oracle' is not supported" in problem
    assert problem.startswith(f"{path}: agent 'db': config.url: ")


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ({"id": "x", "kind": "ftp", "config": {}}, "unknown kind 'ftp' (expected folder, script"),
        ({"id": "x", "config": {}}, "missing `kind`"),
        (
            {"id": "x", "kind": "folder", "schedule": "every hour", "config": {"path": "."}},
            "schedule: 'every hour' is not a cron expression",
        ),
        ({"id": "x y", "kind": "folder", "config": {"path": "."}}, "id: use letters, digits"),
        ({"id": "x", "kind": "folder", "config": {}}, "config.path: Field required"),
        ({"id": "x", "kind": "folder", "config": {"path": ".", "colour": 1}}, "config.colour"),
        ({"id": "x", "kind": "script", "config": {}}, "exactly one of `command` and `script_path`"),
        ({"id": "x", "kind": "script", "config": {"command": " "}}, "config.command is empty"),
        (
            {
                "id": "x",
                "kind": "sql",
                "config": {
                    "url": "sqlite:///a",
                    "query": "q",
                    "content_column": "a",
                    "content_columns": ["b"],
                },
            },
            "`content_column` or `content_columns`, not both",
        ),
    ],
)
def test_each_bad_agent_is_named_with_what_is_wrong(
    write_config: WriteConfig, entry: dict[str, object], complaint: str
) -> None:
    path = write_config(entry)
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}: agent ")
    assert complaint in problem


def test_every_problem_of_the_file_is_reported_at_once(write_config: WriteConfig) -> None:
    path = write_config(
        {"id": "a", "kind": "ftp"},
        {"id": "b", "kind": "folder", "config": {"path": "${NOPE}"}},
        {"id": "c", "kind": "folder", "config": {"path": "."}},
        {"id": "c", "kind": "folder", "config": {"path": "."}},
    )
    problems = problems_of(path)
    assert [p.split(": ")[1] for p in problems] == [
        "agent 'a'",
        "agent 'b'",
        "agent 'c' is declared twice",
    ]


def test_disabled_agents_are_neither_loaded_nor_validated(write_config: WriteConfig) -> None:
    path = write_config(
        {"id": "off", "kind": "sql", "enabled": False, "config": {"url": "${UNSET}"}},
        {"id": "on", "kind": "folder", "config": {"path": "docs"}},
    )
    assert [agent.id for agent in load_agents(path, {})] == ["on"]


def test_the_old_bots_spelling_still_loads(write_config: WriteConfig) -> None:
    path = write_config(
        {
            "id": "example_collector",
            "type": "script",
            "schedule": "0 */1 * * *",
            "config": {"script_path": "./collect.py", "script_args": ["--all"], "category": "ex"},
        },
        {
            "id": "company_database",
            "type": "database",
            "config": {
                "connection_string": "sqlite:///kb.sqlite",
                "query": "SELECT * FROM articles",
                "title_column": "headline",
            },
        },
    )
    script, database = load_agents(path, {})
    assert isinstance(script, ScriptAgent)
    assert script.config.argv()[1:] == ["collect.py", "--all"]
    assert isinstance(database, SqlAgent)
    assert database.config.url == "sqlite:///kb.sqlite"


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("agents: [", "cannot be read as YAML"),
        ("sources: []", "expected a list under `agents:`"),
        ("agents:\n  - just a string", "agent #1: expected a mapping"),
    ],
)
def test_a_malformed_file_is_named(write_config: WriteConfig, text: str, complaint: str) -> None:
    path = write_config(text=text)
    (problem,) = problems_of(path)
    assert problem.startswith(str(path))
    assert complaint in problem


def test_a_missing_file_names_the_variable(tmp_path: Path) -> None:
    assert problems_of(tmp_path / "nope.yaml") == [
        f"SOURCE_AGENTS_CONFIG: {tmp_path / 'nope.yaml'} does not exist"
    ]


def test_the_shipped_example_is_valid_with_every_agent_switched_on(tmp_path: Path) -> None:
    example = yaml.safe_load((ROOT / "agents/sources/config.example.yaml").read_text())
    for entry in example["agents"]:
        entry["enabled"] = True
    path = tmp_path / "example.yaml"
    path.write_text(yaml.safe_dump(example))
    agents = load_agents(path, {})
    assert [type(agent) for agent in agents] == [FolderAgent, ScriptAgent, SqlAgent]
    assert {agent.kind for agent in agents} == {"folder", "script", "sql"}
