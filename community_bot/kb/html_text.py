"""HTML to Markdown-like text with the standard library's parser: headings survive as `#` lines.

Keeping h1-h6 as Markdown headings lets HTML pages go through the same heading-aware chunking as
Markdown; scripts, styles and navigation chrome are dropped because they are never an answer.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

SKIPPED = frozenset({"script", "style", "template", "noscript", "svg", "nav", "head"})
BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "header", "footer", "aside", "table", "tr", "ul"}
    | {"ol", "dl", "dt", "dd", "blockquote", "figure", "figcaption", "form", "hr", "br", "body"}
)
HEADINGS = {f"h{level}": level for level in range(1, 7)}


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self.first_heading = ""
        self._skipping = 0
        self._in_title = False
        self._in_pre = False
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skipping += 1
        elif tag == "title":
            self._in_title = True
        elif tag in HEADINGS:
            self._heading = []
        elif tag == "pre":
            self._in_pre = True
            self.parts.append("\n\n```\n")
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in {"td", "th"}:
            self.parts.append(" | ")
        elif tag in BLOCKS:
            self.parts.append("\n\n" if tag != "br" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in HEADINGS and self._heading is not None:
            heading = " ".join("".join(self._heading).split())
            self._heading = None
            if heading:
                self.first_heading = self.first_heading or heading
                self.parts.append(f"\n\n{'#' * HEADINGS[tag]} {heading}\n\n")
        elif tag == "pre":
            self._in_pre = False
            self.parts.append("\n```\n\n")
        elif tag in BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif self._skipping:
            return
        elif self._heading is not None:
            self._heading.append(data)
        elif self._in_pre:
            self.parts.append(data)
        else:
            text = re.sub(r"\s+", " ", data)
            if not self.parts or self.parts[-1].endswith(("\n", "- ")):
                text = text.lstrip()
            if text:
                self.parts.append(text)


def html_to_text(html: str) -> tuple[str, str]:
    """(title, text): the page's <title> or first heading, and its readable text."""
    builder = _TextBuilder()
    builder.feed(html)
    builder.close()
    text = "".join(builder.parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    title = " ".join(builder.title.split()) or builder.first_heading
    return title, text
