"""Retrieval quality on the sample corpus: does the right document come first, or in the top 3?

`bench/data/kb_eval.jsonl` holds questions (many worded unlike the docs) with the document that
answers them, plus off-topic questions (`expected: null`) that should be misses. Run:

    python -m bench.kb_quality              # top-1 / top-3 hit rates and hit/miss accuracy
    python -m bench.kb_quality --calibrate  # also sweep the relevance threshold
"""

from __future__ import annotations

import argparse
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from community_bot.kb.folders import sync_folder
from community_bot.kb.index import DEFAULT_MIN_SCORE, LocalIndex
from community_bot.settings import PROJECT_ROOT

EVAL_FILE = Path(__file__).resolve().parent / "data" / "kb_eval.jsonl"
CORPUS = PROJECT_ROOT / "knowledge"
RESULTS = 5


@dataclass(frozen=True)
class Judged:
    """One evaluation question and what the index returned for it."""

    question: str
    expected: str | None
    ranked: list[str]  # document ids of the passages, best first
    top_score: float


def load_questions(path: Path = EVAL_FILE) -> list[tuple[str, str | None]]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [(row["question"], row["expected"]) for row in rows]


def judge(corpus: Path = CORPUS, questions_file: Path = EVAL_FILE) -> list[Judged]:
    """Index `corpus` in a temporary folder and run every question against it."""
    with tempfile.TemporaryDirectory() as folder:
        index = LocalIndex(Path(folder) / "eval.sqlite")
        try:
            sync_folder(index, corpus)
            judged = []
            for question, expected in load_questions(questions_file):
                passages = index.search_now(question, RESULTS)
                judged.append(
                    Judged(
                        question,
                        expected,
                        [p["source"].removeprefix(f"{corpus.name}/") for p in passages],
                        passages[0]["score"] if passages else 0.0,
                    )
                )
            return judged
        finally:
            index.close()


def rates(judged: list[Judged], min_score: float = DEFAULT_MIN_SCORE) -> dict[str, float]:
    """Ranking hit rates over answerable questions, and hit/miss accuracy at `min_score`."""
    answerable = [j for j in judged if j.expected is not None]
    off_topic = [j for j in judged if j.expected is None]
    return {
        "questions": float(len(answerable)),
        "top1": sum(j.ranked[:1] == [j.expected] for j in answerable) / len(answerable),
        "top3": sum(j.expected in j.ranked[:3] for j in answerable) / len(answerable),
        "answered": sum(j.top_score >= min_score for j in answerable) / len(answerable),
        "answered_top3": sum(
            j.top_score >= min_score and j.expected in j.ranked[:3] for j in answerable
        )
        / len(answerable),
        "off_topic": float(len(off_topic)),
        "off_topic_missed": sum(j.top_score < min_score for j in off_topic) / len(off_topic),
    }


def sweep(judged: list[Judged]) -> list[tuple[float, float, float]]:
    """(threshold, share of answerable questions kept, share of off-topic ones rejected)."""
    rows = []
    for step in range(0, 21):
        threshold = step / 20
        found = rates(judged, threshold)
        rows.append((threshold, found["answered"], found["off_topic_missed"]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--calibrate", action="store_true", help="sweep the threshold")
    parser.add_argument("--misses", action="store_true", help="list questions not in the top 3")
    args = parser.parse_args()
    judged = judge()
    found = rates(judged)
    print("| metric | value |\n| --- | --- |")
    print(f"| answerable questions | {found['questions']:.0f} |")
    print(f"| top-1 hit rate | {found['top1']:.1%} |")
    print(f"| top-3 hit rate | {found['top3']:.1%} |")
    print(f"| answered (top score ≥ {DEFAULT_MIN_SCORE}) | {found['answered']:.1%} |")
    print(
        f"| off-topic questions rejected ({found['off_topic']:.0f}) | "
        f"{found['off_topic_missed']:.1%} |"
    )
    if args.calibrate:
        print("\n| threshold | answerable kept | off-topic rejected |\n| --- | --- | --- |")
        for threshold, kept, rejected in sweep(judged):
            print(f"| {threshold:.2f} | {kept:.1%} | {rejected:.1%} |")
    if args.misses:
        for j in judged:
            if j.expected is not None and j.expected not in j.ranked[:3]:
                print(f"- {j.question!r}: expected {j.expected}, got {j.ranked[:3]}")
            if j.expected is None and j.top_score >= DEFAULT_MIN_SCORE:
                print(f"- off-topic {j.question!r} scored {j.top_score}: {j.ranked[:1]}")


if __name__ == "__main__":
    main()
