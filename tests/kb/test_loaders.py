"""Every supported format loads into a Document; an unreadable file says which and why."""

from __future__ import annotations

from pathlib import Path

import pytest

from community_bot.kb.chunking import chunk_document
from community_bot.kb.loaders import UnreadableFile, load_file


def test_markdown_takes_its_title_from_the_first_heading(docs: Path) -> None:
    document = load_file(docs / "install.md", docs)

    assert document.id == "install.md"
    assert document.title == "Install"
    assert document.source == "docs/install.md"
    assert document.metadata["format"] == "markdown"


def test_front_matter_gives_the_title_and_is_not_indexed(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text("---\ntitle: 'Release notes'\ndate: 2026\n---\nBody.\n")
    document = load_file(tmp_path / "page.md", tmp_path)

    assert document.title == "Release notes"
    assert document.text.strip() == "Body."


def test_rst_takes_its_title_from_the_first_underlined_heading(docs: Path) -> None:
    document = load_file(docs / "memory.rst", docs)

    assert document.title == "Memory"
    assert document.metadata["format"] == "rst"


def test_plain_text_is_titled_after_its_file_name(tmp_path: Path) -> None:
    (tmp_path / "getting-started.txt").write_text("# just text\nHello.")
    document = load_file(tmp_path / "getting-started.txt", tmp_path)

    assert document.title == "Getting started"
    assert [c.heading for c in chunk_document(document)] == [""]


def test_html_becomes_text_with_its_headings_and_without_scripts(tmp_path: Path) -> None:
    page = (
        "<html><head><title>Bot guide</title><style>p {color: red}</style></head><body>"
        "<nav>Home | Docs</nav><h1>Bot guide</h1><p>Welcome &amp; hello.</p>"
        "<h2>Install</h2><ul><li>Get <b>Python</b></li><li>Run it</li></ul>"
        "<pre>uv run\n  --locked</pre><script>alert(1)</script></body></html>"
    )
    (tmp_path / "guide.html").write_text(page)
    document = load_file(tmp_path / "guide.html", tmp_path)
    chunks = chunk_document(document)

    assert document.title == "Bot guide"
    assert [c.heading for c in chunks] == ["", "Install"]
    assert chunks[0].text == "Welcome & hello."
    assert "- Get Python\n- Run it" in chunks[1].text
    assert "```\nuv run\n  --locked\n```" in chunks[1].text
    assert "alert" not in document.text and "color" not in document.text
    assert "Home | Docs" not in document.text


def test_a_file_that_is_not_utf8_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "latin.md").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))

    with pytest.raises(UnreadableFile) as refused:
        load_file(tmp_path / "latin.md", tmp_path)
    assert refused.value.path == tmp_path / "latin.md"
    assert "not valid UTF-8" in refused.value.reason


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "image.md").write_bytes(b"\x89PNG\x00\x00data")

    with pytest.raises(UnreadableFile, match="binary"):
        load_file(tmp_path / "image.md", tmp_path)


def test_a_missing_file_is_refused_with_the_system_reason(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="No such file"):
        load_file(tmp_path / "gone.md", tmp_path)
