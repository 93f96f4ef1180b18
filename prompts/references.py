"""How retrieved passages appear in the prompt and how an answer's citations are listed.

Passages are numbered and fenced in a clearly delimited block so the model treats them as data;
any instruction-like text inside them stays quoted material.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from community_bot.types import Citation, Passage, passage_label
from prompts.loader import instruction

CITATION_MARK = re.compile(r"\[(\d{1,2})\]")


def format_references(passages: Sequence[Passage]) -> str:
    """The reference block placed in the system prompt, or the no-match instruction."""
    if not passages:
        return instruction("no_match")
    entries = []
    for number, passage in enumerate(passages, start=1):
        text = passage["text"].replace("</reference_material>", "")
        entries.append(f"[{number}] {passage_label(passage)} ({passage['source']})\n{text.strip()}")
    body = "\n\n".join(entries)
    return f"{instruction('references')}\n\n<reference_material>\n{body}\n</reference_material>"


def citations_for(answer: str, passages: Sequence[Passage]) -> list[Citation]:
    """The passages an answer actually cites ([n] marks), in number order, without repeats."""
    cited = sorted({int(n) for n in CITATION_MARK.findall(answer)})
    return [
        {
            "number": n,
            "title": passage_label(passages[n - 1]),
            "source": passages[n - 1]["source"],
        }
        for n in cited
        if 1 <= n <= len(passages)
    ]
