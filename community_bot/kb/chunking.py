"""Split a document into passages along its headings, within a size limit, with a small overlap.

A passage that keeps its heading path ("Install > macOS") can be cited precisely and is found by
words that only appear in the headings. Sections longer than the limit are cut at paragraph,
then line, then word boundaries; each continuation starts with the end of the previous piece so a
sentence cut in two is still found whole in one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from community_bot.kb.documents import Document

MAX_CHUNK_CHARS = 1200
OVERLAP_CHARS = 150
HEADING_SEPARATOR = " > "

ATX_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
RST_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:._!$%&,;<>?@|/\\])\1{2,}[ \t]*$")


@dataclass(frozen=True)
class Section:
    """Text under one heading; `path` lists the headings from the top level down."""

    path: tuple[str, ...]
    body: str


@dataclass(frozen=True)
class Chunk:
    """One searchable passage of a document."""

    text: str
    title: str
    heading: str  # "Install > macOS"; empty for text before the first heading
    source: str
    position: int  # order within the document


def chunk_document(
    document: Document, max_chars: int = MAX_CHUNK_CHARS, overlap: int = OVERLAP_CHARS
) -> list[Chunk]:
    """The passages of `document`, in order; `metadata["format"]` picks the heading syntax."""
    chunks: list[Chunk] = []
    for section in sections(document.text, document.metadata.get("format", "markdown")):
        path = section.path
        if path and path[0] == document.title:
            path = path[1:]  # the top heading is the title, already shown with every passage
        for text in split_text(section.body, max_chars, overlap):
            chunks.append(
                Chunk(
                    text=text,
                    title=document.title,
                    heading=HEADING_SEPARATOR.join(path),
                    source=document.source,
                    position=len(chunks),
                )
            )
    return chunks


def sections(text: str, format: str) -> list[Section]:
    """The document's sections in order, for `markdown`, `rst` or `text`."""
    if format == "rst":
        return _sections(text, _rst_headings(text.splitlines()))
    if format == "text":
        return _sections(text, {})
    return _sections(text, _markdown_headings(text.splitlines()))


def _sections(text: str, headings: dict[int, tuple[int, str, int]]) -> list[Section]:
    """Cut `text` at heading lines: {first line: (level, heading, lines it occupies)}."""
    lines = text.splitlines()
    found: list[Section] = []
    stack: list[tuple[int, str]] = []
    body: list[str] = []

    def flush() -> None:
        joined = "\n".join(body).strip()
        if joined:
            found.append(Section(tuple(h for _, h in stack), joined))
        body.clear()

    index = 0
    while index < len(lines):
        if index in headings:
            flush()
            level, heading, height = headings[index]
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, heading))
            index += height
            continue
        body.append(lines[index])
        index += 1
    flush()
    return found


def _markdown_headings(lines: list[str]) -> dict[int, tuple[int, str, int]]:
    """ATX headings (`## Title`) outside fenced code, whose `# comments` are not headings."""
    headings: dict[int, tuple[int, str, int]] = {}
    for number, (line, code) in enumerate(_with_fences(lines)):
        if not code and (match := ATX_HEADING.match(line)):
            headings[number] = (len(match.group(1)), match.group(2).strip(), 1)
    return headings


def _with_fences(lines: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Each line, and whether it belongs to a fenced code block (fence lines included)."""
    fence: str | None = None
    for line in lines:
        opened = FENCE.match(line)
        if opened is None:
            yield line, fence is not None
            continue
        marker = opened.group(1)
        yield line, True
        if fence is None:
            fence = marker
        elif marker[0] == fence[0] and len(marker) >= len(fence):
            fence = None


def _rst_headings(lines: list[str]) -> dict[int, tuple[int, str, int]]:
    """reStructuredText titles: a line underlined (optionally overlined) by one repeated mark.

    Levels follow the order in which adornment styles first appear, as docutils does.
    """
    headings: dict[int, tuple[int, str, int]] = {}
    styles: list[tuple[str, bool]] = []
    number = 0
    while number < len(lines) - 1:
        line, below = lines[number], lines[number + 1]
        overlined = (
            RST_ADORNMENT.match(line) is not None
            and number + 2 < len(lines)
            and _is_underline(lines[number + 1], lines[number + 2])
        )
        if overlined:
            text, height, start = lines[number + 1], 3, number
        elif _is_underline(line, below) and not RST_ADORNMENT.match(line):
            text, height, start = line, 2, number
        else:
            number += 1
            continue
        adornment = lines[start + height - 1].strip()
        style = (adornment[0], overlined)
        if style not in styles:
            styles.append(style)
        headings[start] = (styles.index(style) + 1, text.strip(), height)
        number = start + height
    return headings


def _is_underline(text: str, below: str) -> bool:
    return (
        bool(text.strip())
        and not text[0].isspace()
        and RST_ADORNMENT.match(below) is not None
        and len(below.rstrip()) >= len(text.rstrip())
    )


def split_text(text: str, max_chars: int, overlap: int) -> list[str]:
    """`text` in pieces of at most `max_chars`, each continuation starting with `overlap` chars
    (cut at a word boundary) from the end of the piece before."""
    overlap = min(overlap, max_chars // 4)
    room = max_chars - overlap - 2  # a block plus the carried tail and its separator always fits
    chunks: list[str] = []
    current = ""
    for block in _blocks(text, room):
        if current and len(current) + 2 + len(block) > max_chars:
            chunks.append(current)
            carried = _tail(current, overlap)
            current = f"{carried}\n\n{block}" if carried else block
        else:
            current = f"{current}\n\n{block}" if current else block
    if current:
        chunks.append(current)
    return chunks


def _blocks(text: str, limit: int) -> Iterator[str]:
    """Paragraphs (a fenced code block counts as one), each cut down to at most `limit`."""
    for paragraph in _paragraphs(text):
        if len(paragraph) <= limit:
            yield paragraph
        else:
            yield from _pack(_pieces(paragraph, limit), limit, "\n")


def _paragraphs(text: str) -> Iterator[str]:
    lines: list[str] = []
    for line, code in _with_fences(text.splitlines()):
        if not line.strip() and not code:
            if lines:
                yield "\n".join(lines).strip("\n")
                lines = []
            continue
        lines.append(line.rstrip())
    if lines:
        yield "\n".join(lines).strip("\n")


def _pieces(paragraph: str, limit: int) -> Iterator[str]:
    """Lines of an oversized paragraph; a line still too long is cut between words."""
    for line in paragraph.splitlines():
        if len(line) <= limit:
            yield line
            continue
        yield from _pack(iter(line.split(" ")), limit, " ")


def _pack(parts: Iterator[str], limit: int, separator: str) -> Iterator[str]:
    """Join consecutive parts with `separator` while they fit in `limit`; hard-cut longer parts."""
    current = ""
    for part in parts:
        while len(part) > limit:
            if current:
                yield current
                current = ""
            yield part[:limit]
            part = part[limit:]
        if current and len(current) + len(separator) + len(part) > limit:
            yield current
            current = part
        else:
            current = f"{current}{separator}{part}" if current else part
    if current:
        yield current


def _tail(text: str, chars: int) -> str:
    """About the last `chars` characters of `text`, starting at a word."""
    if chars <= 0:
        return ""
    tail = text[-chars:]
    if len(tail) < len(text) and " " in tail:
        tail = tail.split(" ", 1)[1]
    return tail.strip()
