"""How answers are cut into Discord messages: where cuts fall and what happens to code blocks."""

from __future__ import annotations

import itertools

import pytest

from community_bot.text import DISCORD_MESSAGE_LIMIT, is_inside_fence, join_chunks, split_reply


def split(text: str, limit: int) -> list[str]:
    """split_reply, checked against the guarantees every caller relies on."""
    chunks = split_reply(text, limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert join_chunks(chunks) == text
    return chunks


def test_text_within_the_limit_is_returned_unchanged() -> None:
    text = "Short answer.\n\n```\nunclosed"
    assert split(text, len(text)) == [text]


def test_empty_text_gives_no_chunks() -> None:
    assert split("", 10) == []
    assert join_chunks([]) == ""


def test_default_limit_leaves_headroom_under_discords_hard_limit() -> None:
    chunks = split_reply("word " * 1000)
    assert all(len(chunk) <= 1800 for chunk in chunks)
    assert len(chunks) == 3


def test_paragraph_boundary_preferred_over_line() -> None:
    text = "First paragraph.\n\nSecond, line one\nline two\nline three"
    assert split(text, 45)[0] == "First paragraph.\n\n"


def test_line_boundary_preferred_over_sentence() -> None:
    text = "One line.\nAnother. Sentences here. And more words."
    assert split(text, 30)[0] == "One line.\n"


def test_sentence_boundary_preferred_over_word() -> None:
    text = "Ends here. Then several more words follow on"
    assert split(text, 25)[0] == "Ends here. "


def test_sentence_may_end_inside_quotes_or_brackets() -> None:
    text = 'He said "stop." Then words keep going on'
    assert split(text, 25)[0] == 'He said "stop." '


def test_word_boundary_preferred_over_a_hard_cut() -> None:
    assert split("alpha beta gamma delta", 12) == ["alpha beta ", "gamma delta"]


def test_the_latest_cut_of_the_best_kind_is_taken() -> None:
    text = "One.\n\nTwo.\n\nThree is longer"
    assert split(text, 14)[0] == "One.\n\nTwo.\n\n"


def test_a_word_longer_than_the_limit_is_hard_cut() -> None:
    url = "https://example.com/" + "a" * 5000
    chunks = split(f"See {url} for details.", 1800)
    assert chunks[0] == "See "
    assert [len(chunk) for chunk in chunks[1:3]] == [1800, 1800]


def test_chunks_do_not_start_with_the_whitespace_of_a_cut() -> None:
    text = "A paragraph.\n\n   Indented prose.\nNext line    with   gaps."
    chunks = split(text, 20)
    assert all(not chunk[0].isspace() for chunk in chunks)
    assert chunks[0] == "A paragraph.\n\n   "


def test_code_block_cut_in_two_is_closed_and_reopened_with_its_language() -> None:
    code = "\n".join(f"print({n})" for n in range(10))
    chunks = split(f"```python\n{code}\n```", 60)
    assert chunks[0].startswith("```python\n")
    assert chunks[0].endswith("\n```")
    assert chunks[1].startswith("```python\nprint(")
    assert all(is_inside_fence(chunk) is None for chunk in chunks)


def test_code_is_cut_between_lines_keeping_each_lines_indentation() -> None:
    code = "def f():\n    a = 1\n    b = 2\n    return a + b\n"
    chunks = split(f"```py\n{code}```", 30)
    assert chunks[1].startswith("```py\n    ")


def test_a_blank_line_in_code_is_preferred_over_any_other_line() -> None:
    text = "```js\nconst a = 1;\n\nconst b = 2;\nconst c = 3;\n```"
    assert split(text, 40)[0] == "```js\nconst a = 1;\n\n\n```"


def test_code_block_that_fits_whole_moves_to_the_next_chunk() -> None:
    text = "Here is the fix:\n\n```bash\npip install community-bot\n```\n\nThat is all."
    assert split(text, 50)[1] == "```bash\npip install community-bot\n```\n\n"


def test_a_cut_never_leaves_an_empty_code_block() -> None:
    text = "Intro text here\n```python\nx = 1\n```\nafter"
    chunks = split(text, 26)
    assert "```python\n\n```" not in chunks
    assert all(not chunk.startswith("```python\n```") for chunk in chunks)


def test_tilde_fence_is_reopened_with_tildes() -> None:
    chunks = split("~~~text\n" + "line\n" * 10 + "~~~", 30)
    assert chunks[0].endswith("\n~~~")
    assert chunks[1].startswith("~~~text\n")


def test_nested_fence_is_reopened_with_the_outer_fence() -> None:
    inner = "```python\nprint('hi')\n```"
    chunks = split(f"````markdown\n{inner}\n{inner}\n````", 50)
    assert len(chunks) > 1
    assert all(chunk.startswith("````markdown\n") for chunk in chunks)
    assert all(chunk.endswith("\n````") for chunk in chunks)


def test_indented_fence_in_a_list_is_reopened_without_its_indentation() -> None:
    text = "1. Run:\n\n   ```sh\n   make build\n   make test\n   make lint\n   ```\n"
    chunks = split(text, 35)
    assert chunks[1].startswith("```sh\n")
    assert all(is_inside_fence(chunk) is None for chunk in chunks)


def test_triple_backticks_inside_a_line_are_not_a_fence() -> None:
    text = "Write ```code``` inline. " * 6
    chunks = split(text, 40)
    assert all("\n" not in chunk for chunk in chunks)
    assert all(not chunk.startswith("```") for chunk in chunks)


def test_crlf_line_endings_are_never_split() -> None:
    text = "First line\r\nSecond line\r\n\r\n```py\r\nx = 1\r\ny = 2\r\n```\r\n"
    for limit in range(len("```py\r\n"), len(text) + 1):
        chunks = split(text, limit)
        pairs = itertools.pairwise(chunks)
        assert not any(a.endswith("\r") and b.startswith("\n") for a, b in pairs)


def test_unterminated_fence_is_closed_in_every_chunk_but_the_last() -> None:
    chunks = split("```go\n" + "fmt.Println(1)\n" * 8, 50)
    assert all(is_inside_fence(chunk) is None for chunk in chunks[:-1])
    assert is_inside_fence(chunks[-1]) == "```go"


def test_long_language_line_is_reopened_when_it_still_leaves_room() -> None:
    opener = "```python title=" + "x" * 60
    chunks = split(f"{opener}\nprint(1)\nprint(2)\n```", 90)
    assert chunks[1].startswith(opener + "\nprint(2)")


def test_block_too_wide_to_reopen_is_cut_as_plain_text_within_the_limit() -> None:
    opener = "```python title=" + "x" * 60
    chunks = split(f"{opener}\nprint(1)\nprint(2)\n```", 40)
    assert not any(chunk.endswith("\n```") for chunk in chunks[:-1])


def test_limit_smaller_than_the_fence_overhead_still_holds() -> None:
    text = "```python\nprint('hello')\n```"
    assert all(len(chunk) == 1 for chunk in split(text, 1))
    assert not any(chunk.endswith("\n```") for chunk in split(text, 14)[:-1])


def test_join_rejects_chunks_that_drop_a_reopened_fence() -> None:
    chunks = split_reply("```py\n" + "x = 1\n" * 10 + "```", 30)
    with pytest.raises(ValueError, match="reopen"):
        join_chunks([chunks[0], chunks[1].removeprefix("```py\n"), *chunks[2:]])


@pytest.mark.parametrize("limit", [0, DISCORD_MESSAGE_LIMIT + 1])
def test_limit_outside_what_discord_accepts_is_rejected(limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        split_reply("text", limit)
