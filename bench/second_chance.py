"""How often a second chance fires on the emulators' scripted answers (`bench.second_chance`).

Reads every answer the test suite scripts for the Bedrock and Ollama emulators (`answer("…")`,
with its `stop_reason` / `done_reason`; the second-chance tests' own, written to fire, left out)
and asks `out_of_depth` about each, once as if the knowledge base had matches and once as if not.
Those answers were written to exercise the bot, not sampled from models, so the rate says how the
trigger behaves on ordinary answers (it should stay rare), not how often real small models fall
short: that needs `second_chance` in the turn records of live traffic.
"""

from __future__ import annotations

import ast
from pathlib import Path

from community_bot.models.second_chance import out_of_depth

TESTS = Path(__file__).parent.parent / "tests"


def scripted_answers() -> list[tuple[str, str | None]]:
    """(text, stop reason) of every literal `answer(...)` in the tests."""
    found: list[tuple[str, str | None]] = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "test_second_chance.py":  # scripted to fire: not ordinary answers
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "answer"):
                continue
            if not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            text = node.args[0].value
            if not isinstance(text, str):
                continue
            stop = None
            for keyword in node.keywords:
                if keyword.arg in {"stop_reason", "done_reason"}:
                    value = keyword.value
                    stop = value.value if isinstance(value, ast.Constant) else None
            found.append((text, stop if isinstance(stop, str) else None))
    return found


def measure() -> dict[str, float]:
    answers = scripted_answers()
    with_kb = sum(1 for text, stop in answers if out_of_depth(text, stop, kb_hit=True))
    without = sum(1 for text, stop in answers if out_of_depth(text, stop, kb_hit=False))
    total = len(answers) or 1
    return {
        "scripted answers": float(len(answers)),
        "fires with KB matches_pct": 100 * with_kb / total,
        "fires without KB matches_pct": 100 * without / total,
    }


def main() -> None:
    for key, value in measure().items():
        print(f"{key}: {value:.1f}")


if __name__ == "__main__":
    main()
