"""Guarantees of split_reply that hold for any answer: generated Markdown and arbitrary text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from community_bot.text import balance_fences, is_inside_fence, join_chunks, split_reply
from community_bot.text.splitting import MIN_RENDERING_LIMIT

examples = settings(deadline=None, max_examples=max(300, settings.default.max_examples))

LANGUAGES = ["", "python", "js", "bash", "json", "rust", "c++", "console", "yaml"]


def long_word(stem: str, length: int) -> str:
    """A URL, or a minified line of code, cheaper to draw than a random text that long."""
    return (stem * (length // len(stem) + 1))[:length]


words = st.one_of(
    st.text(alphabet="abcdefghij", min_size=1, max_size=8),
    st.sampled_from(["`x`", "**bold**", "e.g.", "don't", "(see)", "```inline```", "~~"]),
    st.builds(long_word, st.sampled_from(["https://example.com/", "a-b.c/"]), st.integers(30, 300)),
)
sentences = st.builds(
    lambda ws, end: " ".join(ws) + end,
    st.lists(words, min_size=1, max_size=12),
    st.sampled_from([".", "!", "?", ":", "", '."']),
)
paragraphs = st.builds(
    lambda parts, joiner: joiner.join(parts),
    st.lists(sentences, min_size=1, max_size=4),
    st.sampled_from([" ", "\n", "\n- "]),
)
code_lines = st.one_of(
    st.text(alphabet=" abc=()+:.", max_size=40),
    st.builds(long_word, st.sampled_from(["x=f(a);", "abc "]), st.integers(50, 300)),
)


@st.composite
def code_blocks(draw: st.DrawFn, fences: tuple[str, ...] = ("```", "~~~", "````")) -> str:
    fence = draw(st.sampled_from(fences))
    indent = draw(st.sampled_from(["", "  "])) if len(fences) > 1 else ""
    nested = ["```python", "```"] if fence != "```" else []
    lines = draw(st.lists(st.one_of(code_lines, st.sampled_from(nested or [""])), max_size=12))
    body = "".join(f"{indent}{line}\n" for line in lines)
    return f"{indent}{fence}{draw(st.sampled_from(LANGUAGES))}\n{body}{indent}{fence}"


@st.composite
def markdown(draw: st.DrawFn) -> str:
    """Answers as a model writes them: prose, lists, fenced code, maybe cut off mid-block."""
    blocks = draw(st.lists(st.one_of(paragraphs, code_blocks()), min_size=1, max_size=8))
    text = "".join(block + draw(st.sampled_from(["\n\n", "\n", "\n\n\n"])) for block in blocks)
    if draw(st.booleans()):
        text += draw(code_blocks()).rpartition("\n")[0]  # generation stopped before the closer
    return text.replace("\n", "\r\n") if draw(st.booleans()) else text


def simple_markdown() -> st.SearchStrategy[str]:
    """Prose and ``` blocks only, so counting fence lines is an independent check."""
    plain_words = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
    prose = st.lists(plain_words, min_size=1, max_size=30).map(" ".join)
    blocks = st.lists(st.one_of(prose, code_blocks(fences=("```",))), min_size=1, max_size=10)
    return blocks.map("\n\n".join)


# Small limits force many cuts; any limit up to Discord's must work. Below 40 characters a fence
# line, its reopening and its closing may not fit in one chunk together (see split_reply).
limits = st.one_of(st.integers(MIN_RENDERING_LIMIT, 120), st.integers(MIN_RENDERING_LIMIT, 2000))


@examples
@given(markdown(), limits)
def test_every_chunk_fits_within_the_limit(text: str, limit: int) -> None:
    assert all(len(chunk) <= limit for chunk in split_reply(text, limit))


@examples
@given(markdown(), limits)
def test_join_chunks_restores_the_text_exactly(text: str, limit: int) -> None:
    assert join_chunks(split_reply(text, limit)) == text


fuzz = st.lists(
    st.sampled_from(
        ["a", "b", " ", "\t", "\n", "\r", "\r\n", ".", "`", "~", "```", "~~~~", "```py"]
    ),
    max_size=80,
).map("".join)


@examples
@given(fuzz, st.integers(1, 60))
def test_any_text_at_any_limit_fits_and_round_trips(text: str, limit: int) -> None:
    chunks = split_reply(text, limit)
    assert all(0 < len(chunk) <= limit for chunk in chunks)
    assert join_chunks(chunks) == text


@examples
@given(markdown(), limits)
def test_no_chunk_leaves_a_code_block_open(text: str, limit: int) -> None:
    chunks = split_reply(text, limit)
    assert all(is_inside_fence(chunk) is None for chunk in chunks[:-1])
    assert is_inside_fence(chunks[-1]) == is_inside_fence(text)


@examples
@given(simple_markdown(), limits)
def test_each_chunk_has_an_even_number_of_fence_lines(text: str, limit: int) -> None:
    for chunk in split_reply(text, limit):
        assert len(re.findall(r"^```", chunk, flags=re.MULTILINE)) % 2 == 0


@examples
@given(markdown(), limits)
def test_no_chunk_is_empty_or_only_whitespace(text: str, limit: int) -> None:
    assert all(chunk.strip() for chunk in split_reply(text, limit))


@st.composite
def numbered_markdown(draw: st.DrawFn) -> tuple[str, int]:
    """Words w0, w1, ... in prose and code blocks, so order can be read back from the chunks."""
    count = draw(st.integers(1, 400))
    separators = st.sampled_from([" ", " ", ". ", "\n", "\n\n", "\n```python\n", "\n```\n"])
    text = "".join(f"w{n}{draw(separators)}" for n in range(count))
    return text, count


@examples
@given(numbered_markdown(), limits)
def test_chunks_keep_every_word_once_and_in_order(numbered: tuple[str, int], limit: int) -> None:
    text, count = numbered
    words_in_chunks = re.findall(r"w(\d+)", "".join(split_reply(text, limit)))
    assert [int(word) for word in words_in_chunks] == list(range(count))


@examples
@given(markdown(), st.data())
def test_every_streamed_prefix_renders_with_its_blocks_closed(
    text: str, data: st.DataObject
) -> None:
    prefix = text[: data.draw(st.integers(0, len(text)))]
    balanced = balance_fences(prefix)
    assert balanced.startswith(prefix)
    assert is_inside_fence(balanced) is None
