"""Read one file of a knowledge folder into a Document: Markdown, reStructuredText, text or HTML.

A file that cannot be read raises `UnreadableFile` carrying its path and a short reason, so the
folder sync can report it by name and carry on with the others.
"""

from __future__ import annotations

import re
from pathlib import Path

from community_bot.errors import KnowledgeBaseError
from community_bot.kb.chunking import sections
from community_bot.kb.documents import Document
from community_bot.kb.html_text import html_to_text

FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".rst": "rst",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
}
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.S)
FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*[\"']?(.*?)[\"']?[ \t]*$", re.M)


class UnreadableFile(KnowledgeBaseError):
    """A knowledge file that could not be read or decoded; the sync skips it."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def load_file(path: Path, root: Path) -> Document:
    """The document in `path`; its id is the path relative to `root`, its source `root/...`."""
    relative = path.relative_to(root).as_posix()
    text = _read_text(path)
    format = FORMATS[path.suffix.lower()]
    if format == "html":
        title, text = html_to_text(text)
        format = "markdown"
    else:
        title, text = _title_and_body(text, format)
    return Document(
        id=relative,
        text=text,
        title=title or _title_from_name(path),
        source=f"{root.name}/{relative}",
        metadata={"format": format},
    )


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFile(path, exc.strerror or type(exc).__name__) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            path, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from exc
    if "\x00" in text:
        raise UnreadableFile(path, "binary content (NUL bytes)")
    return text


def _title_and_body(text: str, format: str) -> tuple[str, str]:
    """Front matter's `title:`, else the first heading; front matter is not searchable text."""
    title = ""
    if format == "markdown" and (front := FRONT_MATTER.match(text)):
        named = FRONT_MATTER_TITLE.search(front.group(1))
        title = named.group(1).strip() if named else ""
        text = text[front.end() :]
    if not title and format != "text":
        found = sections(text, format)
        title = next((s.path[0] for s in found if s.path), "")
    return title, text


def _title_from_name(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name
