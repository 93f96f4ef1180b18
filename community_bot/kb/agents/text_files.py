"""Just enough of Markdown, reStructuredText, plain text and HTML to get a title and clean text.

Kept minimal and self-contained on purpose: the local index has richer loaders; the folder agent
only needs each file's words and a title worth citing.
"""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

MARKDOWN_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.M)
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)
RST_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+:.])\1+\s*$")
BLOCK_TAGS = {"p", "div", "br", "li", "tr", "section", "article", "pre", "table", "ul", "ol"}
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
SKIPPED_TAGS = {"script", "style", "noscript", "template"}


def title_and_text(suffix: str, raw: str) -> tuple[str, str]:
    """(title or "", text) for a file's content, by its suffix."""
    suffix = suffix.lower()
    if suffix in {".html", ".htm"}:
        return _html(raw)
    if suffix in {".md", ".markdown"}:
        return _markdown(raw)
    if suffix == ".rst":
        return _rst_title(raw), raw
    return "", raw


def _markdown(raw: str) -> tuple[str, str]:
    title = ""
    front = FRONT_MATTER.match(raw)
    if front:
        raw = raw[front.end() :]
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "title":
                title = value.strip().strip("\"'")
    heading = MARKDOWN_HEADING.search(raw)
    return title or (heading.group(1) if heading else ""), raw


def _rst_title(raw: str) -> str:
    lines = raw.splitlines()
    for above, line in itertools.pairwise(lines):
        text = above.strip()
        if text and RST_UNDERLINE.match(line) and len(line.strip()) >= len(text):
            return text
    return ""


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.first_h1 = ""
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._stack.append(tag)
        if tag in BLOCK_TAGS | HEADING_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack.pop() != tag:
                pass
        if tag in BLOCK_TAGS | HEADING_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if any(tag in SKIPPED_TAGS for tag in self._stack):
            return
        if "title" in self._stack:
            self.title += data
            return
        if "h1" in self._stack and not self.first_h1:
            self.first_h1 = data.strip()
        self.parts.append(data)


def _html(raw: str) -> tuple[str, str]:
    parser = _HtmlText()
    parser.feed(raw)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return (parser.title.strip() or parser.first_h1), text
