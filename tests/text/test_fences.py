"""Which code block is open while an answer streams in, and closing it for each edit."""

from __future__ import annotations

import pytest

from community_bot.text import balance_fences, is_inside_fence


@pytest.mark.parametrize(
    ("text", "opener"),
    [
        ("plain text", None),
        ("```python\nprint(1)", "```python"),
        ("```python\nprint(1)\n```\nafter", None),
        ("~~~\ncode", "~~~"),
        ("````md\n```\ninner\n```\n", "````md"),
        ("````md\n````\n", None),
        ("  ```sh\n  make", "```sh"),
        ("```python\r\nx = 1\r\n", "```python"),
        ("Use ```code``` inline", None),
        ("```inline code``` at line start", None),
        ("~~~\n```\nstill tilde", "~~~"),
        ("```\ncode\n``` not a closer\n", "```"),
    ],
)
def test_is_inside_fence_names_the_open_block(text: str, opener: str | None) -> None:
    assert is_inside_fence(text) == opener


def test_a_closing_fence_counts_before_its_newline_arrives() -> None:
    assert is_inside_fence("```py\nx\n```") is None


def test_an_opening_fence_counts_before_its_newline_arrives() -> None:
    assert is_inside_fence("text\n```py") == "```py"


def test_balance_closes_the_open_block_on_its_own_line() -> None:
    assert balance_fences("```python\nprint(1)") == "```python\nprint(1)\n```"
    assert balance_fences("```python\nprint(1)\n") == "```python\nprint(1)\n```"


def test_balance_closes_with_the_fence_that_opened() -> None:
    assert balance_fences("~~~~\n```\nx").endswith("\n~~~~")


def test_balance_leaves_balanced_text_unchanged() -> None:
    text = "Intro\n```js\nx()\n```\nDone"
    assert balance_fences(text) == text


def test_every_streamed_prefix_of_an_answer_balances() -> None:
    answer = "Try:\n\n```python\ndef f():\n    return 1\n```\n\nThen ~~~ is fine.\n~~~\nlog\n~~~\n"
    for end in range(len(answer) + 1):
        assert is_inside_fence(balance_fences(answer[:end])) is None


def test_a_long_answer_with_one_open_fence_is_found_inside_it() -> None:
    """Its speed is a benchmark row (`python -m bench --only text`), not a timed test."""
    answer = ("Some prose line with `code`.\n```python\nx = 1\n```\n" * 20_000) + "```js\n"
    assert is_inside_fence(answer) == "```js"
