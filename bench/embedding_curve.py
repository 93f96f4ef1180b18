"""Quality against size of static model builds: the vectors alone, and the hybrid search.

Build variants with the build script (in its throwaway environment), then compare them here:

    /tmp/distill-venv/bin/python scripts/build_embedding_model.py --dims 64 --out /tmp/m/64-int8
    python -m bench.embedding_curve /tmp/m/64-int8 community_bot/kb/model

Each folder holds `static-minilm-l6-v2.safetensors` and `vocab.txt`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.kb_quality import SETS, judge, rates
from community_bot.kb.embedding import StaticEmbedder


def row(folder: Path) -> str:
    model = folder / "static-minilm-l6-v2.safetensors"
    embedder = StaticEmbedder(model, folder / "vocab.txt")
    cells = [folder.name, f"{model.stat().st_size / 1e6:.1f} MB"]
    for corpus, questions in SETS.values():
        alone = rates(judge(corpus, questions, embedder, lexical_weight=0.0, bm25_weight=0.0))
        cells.append(f"{alone['top1']:.1%} / {alone['top3']:.1%}")
    for corpus, questions in SETS.values():
        hybrid = judge(corpus, questions, embedder)
        paraphrases = [j for j in hybrid if j.kind == "paraphrase"]
        cells.append(f"{rates(hybrid)['top1']:.1%} / {rates(paraphrases)['top1']:.1%}")
    return "| " + " | ".join(cells) + " |"


def main() -> None:
    names = list(SETS)
    print(
        "| build | file | "
        + " | ".join(f"vectors alone, {n}: top-1 / top-3" for n in names)
        + " | "
        + " | ".join(f"hybrid, {n}: top-1 / paraphrase top-1" for n in names)
        + " |"
    )
    print("| --- " * (2 + 2 * len(names)) + "|")
    for folder in sys.argv[1:]:
        print(row(Path(folder)), flush=True)


if __name__ == "__main__":
    main()
