"""Documents become passages along their headings, within a size limit, with a small overlap."""

from __future__ import annotations

from itertools import pairwise

from community_bot.kb.chunking import chunk_document, split_text
from community_bot.kb.documents import Document


def markdown(text: str, title: str = "Install") -> Document:
    return Document(id="d.md", text=text, title=title, source="docs/d.md")


def test_each_section_keeps_its_heading_path_below_the_title() -> None:
    text = "# Install\n\nIntro.\n\n## macOS\n\nUse Homebrew.\n\n### Apple silicon\n\nNo Rosetta.\n"
    chunks = chunk_document(markdown(text))

    assert [(c.heading, c.text) for c in chunks] == [
        ("", "Intro."),
        ("macOS", "Use Homebrew."),
        ("macOS > Apple silicon", "No Rosetta."),
    ]
    assert all(c.title == "Install" and c.source == "docs/d.md" for c in chunks)
    assert [c.position for c in chunks] == [0, 1, 2]


def test_a_sibling_heading_replaces_the_previous_one_in_the_path() -> None:
    text = "# Install\n## macOS\nA.\n### Intel\nB.\n## Windows\nC.\n"
    assert [c.heading for c in chunk_document(markdown(text))] == [
        "macOS",
        "macOS > Intel",
        "Windows",
    ]


def test_comments_inside_code_fences_are_not_headings() -> None:
    text = "# Install\n\n## Linux\n\n```bash\n# update first\nsudo apt update\n```\n"
    chunks = chunk_document(markdown(text))

    assert len(chunks) == 1
    assert chunks[0].heading == "Linux"
    assert "# update first" in chunks[0].text


def test_rst_underlines_make_headings_ranked_by_first_appearance() -> None:
    text = "Guide\n=====\n\nIntro.\n\nInstall\n-------\n\nSteps.\n\nmacOS\n~~~~~\n\nBrew.\n"
    document = Document(
        id="g.rst", text=text, title="Guide", source="g.rst", metadata={"format": "rst"}
    )

    assert [(c.heading, c.text) for c in chunk_document(document)] == [
        ("", "Intro."),
        ("Install", "Steps."),
        ("Install > macOS", "Brew."),
    ]


def test_plain_text_is_never_split_at_hash_lines() -> None:
    document = Document(
        id="n.txt", text="# not a heading\nbody", title="N", source="n", metadata={"format": "text"}
    )
    assert [c.heading for c in chunk_document(document)] == [""]


def test_long_sections_respect_the_size_limit() -> None:
    paragraphs = "\n\n".join(f"Paragraph {n} " + "word " * 60 for n in range(20))
    chunks = chunk_document(markdown(f"# Install\n\n## Long\n\n{paragraphs}"), max_chars=500)

    assert len(chunks) > 5
    assert all(len(c.text) <= 500 for c in chunks)
    assert all(c.heading == "Long" for c in chunks)


def test_a_paragraph_longer_than_the_limit_is_cut_between_words() -> None:
    words = " ".join(f"w{n}" for n in range(400))
    pieces = split_text(words, max_chars=200, overlap=0)

    assert all(len(p) <= 200 for p in pieces)
    assert " ".join(pieces).split() == words.split()


def test_each_continuation_starts_with_the_end_of_the_previous_piece() -> None:
    text = "\n\n".join(f"Sentence number {n} says something." for n in range(40))
    pieces = split_text(text, max_chars=300, overlap=60)

    assert len(pieces) > 3
    for before, after in pairwise(pieces):
        shared = max(n for n in range(61) if before.endswith(after[:n]))
        assert shared >= 30  # about the overlap, cut back to a word boundary
