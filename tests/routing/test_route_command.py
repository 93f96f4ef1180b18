"""`community-bot route` prints decisions as JSON, routes JSON Lines files, scores labeled sets."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from runtime.cli import main

TRACEBACK = 'Traceback (most recent call last):\n  File "bot.py", line 3\nValueError: boom'


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OLLAMA_MODEL", "llama3.2:3b")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["route", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_lines(path: Path, *lines: object) -> Path:
    path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return path


def test_route_prints_tier_model_reason_and_signals_as_json(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "how do I install it on windows?")

    assert code == 0
    decision = json.loads(out)
    assert decision["tier"] == "medium"
    assert decision["model"] == "amazon.nova-lite-v1:0"
    assert decision["reason"].startswith("medium: P(large) ")
    assert decision["reason"].endswith(" — how-to")
    assert 0 <= decision["score"] < 0.5  # the probability that it needs the large tier
    assert all(weight > 0 for weight in decision["signals"].values())


def test_route_names_the_configured_model_of_the_tier(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MODEL_LARGE", "us.amazon.nova-premier-v1:0")

    assert json.loads(run(capsys, "hi")[1])["model"] == "ollama/llama3.2:3b"
    assert json.loads(run(capsys, TRACEBACK)[1])["model"] == "us.amazon.nova-premier-v1:0"


def test_route_takes_the_previous_message_and_the_knowledge_base_match(
    capsys: pytest.CaptureFixture[str],
) -> None:
    follow_up = json.loads(run(capsys, "still failing", "--previous", TRACEBACK)[1])
    answered = json.loads(
        run(capsys, "how do i reset a channel?", "--kb-score", "0.9", "--kb-hit")[1]
    )
    missed = json.loads(run(capsys, "does it support slack?", "--kb-miss")[1])

    assert follow_up["tier"] == "large"
    assert "follow-up to a large turn" in follow_up["reason"]
    assert answered["tier"] == "small"
    assert answered["reason"].endswith("KB answers it")
    assert missed["tier"] == "medium"
    assert "KB miss" in missed["reason"]


def test_route_jsonl_keeps_every_input_field_and_adds_the_decision(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = [
        {"q": "thanks!", "tier": "small", "id": 1},
        {"q": "and on mac?", "previous": TRACEBACK, "previous_tier": "large", "tier": "large"},
        {
            "q": "how do I add the bot to my server?",
            "kb_hit": False,
            "kb_top_score": 0.1,
            "note": "x",
        },
    ]
    path = write_lines(tmp_path / "in.jsonl", *(json.dumps(line) for line in lines))

    code, out, _ = run(capsys, "--jsonl", str(path))

    decisions = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [{k: v for k, v in d.items() if k != "route"} for d in decisions] == lines
    assert [d["route"]["tier"] for d in decisions] == ["small", "large", "medium"]
    assert all({"model", "reason", "signals"} <= d["route"].keys() for d in decisions)


def test_route_jsonl_reads_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"q": "hi"}\n{"q": "why sqlite?"}\n'))

    code, out, _ = run(capsys, "--jsonl", "-")

    assert code == 0
    assert [json.loads(line)["route"]["tier"] for line in out.splitlines()] == ["small", "large"]


def test_bad_jsonl_lines_are_named_and_skipped_and_the_rest_is_routed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_lines(
        tmp_path / "mixed.jsonl",
        '{"q": "hi"}',
        "not json",
        '{"text": "no q"}',
        "",
        '{"q": "and?", "previous_tier": "huge"}',
        '{"q": "bye"}',
    )

    code, out, err = run(capsys, "--jsonl", str(path))

    assert code == 1
    assert [json.loads(line)["q"] for line in out.splitlines()] == ["hi", "bye"]
    assert f"{path}:2: not JSON" in err
    assert f'{path}:3: "q" must be a string' in err
    assert f'{path}:5: "previous_tier" must be one of small, medium, large' in err


def test_route_eval_reports_accuracy_confusion_large_sent_lower_and_cost(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_lines(
        tmp_path / "labeled.jsonl",
        '{"q": "hi", "tier": "small", "category": "greeting", "split": "tune"}',
        '{"q": "how do i add it to my server?", "tier": "medium", "split": "heldout"}',
        json.dumps({"q": TRACEBACK, "tier": "large", "category": "debugging", "split": "tune"}),
        '{"q": "why sqlite?", "tier": "medium", "category": "design", "split": "heldout"}',
    )

    code, out, _ = run(capsys, "--eval", str(path))

    assert code == 0
    assert "| all | 4 | 75.0% | 0.0% (0/1) |" in out
    assert "| heldout | 2 | 50.0% | 0.0% (0/0) |" in out
    assert "| medium | 0 | 1 | 1 |" in out  # one how-to right, one design question sent up
    assert "| design | 1 | 0.0% |" in out
    assert "| always amazon.nova-pro-v1:0 | $1.7600 | 100.0% |" in out
    assert "| routed (small = amazon.nova-micro-v1:0) |" in out


def test_route_eval_flags_large_messages_sent_lower_past_the_limit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_lines(
        tmp_path / "l.jsonl", '{"q": "why?", "tier": "large"}', '{"q": "ok", "tier": "large"}'
    )

    out = run(capsys, "--eval", str(path))[1]

    assert "| all | 2 | 50.0% | 50.0% (1/2) OVER THE LIMIT |" in out


def test_route_eval_skips_lines_without_a_valid_label(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_lines(
        tmp_path / "l.jsonl", '{"q": "hi", "tier": "tiny"}', '{"q": "yo", "tier": "small"}'
    )

    code, out, err = run(capsys, "--eval", str(path))

    assert code == 1
    assert "| all | 1 | 100.0% |" in out
    assert f"{path}:1: \"tier\" must be one of small, medium, large (got 'tiny')" in err


def test_an_unreadable_file_is_named_and_nothing_is_printed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "latin1.jsonl").write_bytes(b'{"q": "caf\xe9"}\n')

    missing = run(capsys, "--jsonl", str(tmp_path / "missing.jsonl"))
    not_utf8 = run(capsys, "--eval", str(tmp_path / "latin1.jsonl"))

    assert missing[0] == 2 and missing[1] == ""
    assert "cannot read" in missing[2] and "missing.jsonl" in missing[2]
    assert not_utf8[0] == 2 and "not UTF-8" in not_utf8[2]


def test_single_message_flags_with_a_file_are_refused_with_a_hint(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "in.jsonl", '{"q": "hi"}')

    code, out, err = run(capsys, "--jsonl", str(path), "--previous-tier", "large")

    assert code == 2 and out == ""
    assert '"previous_tier"' in err


def test_route_help_explains_the_modes_and_lists_the_model_variables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["route", "--help"])

    out = capsys.readouterr().out
    assert exited.value.code == 0
    for needle in ("--jsonl", "--eval", "--previous", "--kb-score", "MODEL_LARGE", "BACKEND_MODE"):
        assert needle in out
