"""Retrieval quality: does the right document come first, or in the top 3, by kind of question?

Two evaluation sets, each a folder of documents and a JSONL file of questions with the document
that answers them (`expected`; `null` for off-topic questions, which should be misses) and a
`kind`:

- `knowledge`: the bundled sample docs and `bench/data/kb_eval.jsonl` (63 + 15 questions);
- `beacon`: `bench/data/beacon/`, 36 pages of a made-up observability product with confusable
  topics (retention of metrics vs logs vs traces, two upgrade guides, SSO vs SCIM, rate limits vs
  quotas), and `bench/data/kb_eval_beacon.jsonl`: paraphrases written without the page's title or
  heading words, symptoms, exact values, near-duplicate traps and off-topic questions.

Thresholds are chosen on one half of the questions (every other line of each file: the
"calibration" split) and reported on the other ("held-out"). Run:

    python -m bench.kb_quality                       # both sets, hybrid (the default)
    python -m bench.kb_quality --embeddings none     # words only (BM25 + coverage)
    python -m bench.kb_quality --calibrate           # sweep threshold and lexical weight
    python -m bench.kb_quality --misses              # list what went wrong

The ceiling of the shipped static model is its teacher, the all-MiniLM-L6-v2 transformer. To
measure the same questions with the teacher's vectors (torch is needed for the middle step only,
in the throwaway environment of `scripts/build_embedding_model.py`):

    python -m bench.kb_quality --dump-texts /tmp/ceiling          # every text a search embeds
    /tmp/distill-venv/bin/python scripts/embed_with_transformer.py /tmp/ceiling
    python -m bench.kb_quality --vectors /tmp/ceiling --calibrate
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from community_bot.kb.embedding import Embedder, StaticEmbedder, Vectors
from community_bot.kb.folders import sync_folder
from community_bot.kb.index import LocalIndex
from community_bot.kb.scoring import BM25_WEIGHT, LEXICAL_WEIGHT
from community_bot.settings import PROJECT_ROOT

DATA = Path(__file__).resolve().parent / "data"
EVAL_FILE = DATA / "kb_eval.jsonl"
CORPUS = PROJECT_ROOT / "knowledge"
SETS = {
    "knowledge": (CORPUS, EVAL_FILE),
    "beacon": (DATA / "beacon", DATA / "kb_eval_beacon.jsonl"),
}
RESULTS = 5
OFF_TOPIC = "off-topic"
GOALS = {"paraphrase": (0.85, 0.95), "other kinds": (0.75, None), OFF_TOPIC: (0.90, None)}


@dataclass(frozen=True)
class Question:
    question: str
    expected: str | None
    kind: str
    held_out: bool  # odd lines: never used to choose a threshold or a weight


@dataclass(frozen=True)
class Judged:
    """One evaluation question and what the index returned for it."""

    question: str
    expected: str | None
    ranked: list[str]  # document ids of the passages, best first
    top_score: float
    kind: str = "paraphrase"
    held_out: bool = False


class RecordingEmbedder:
    """Wraps an embedder and keeps every text it was asked to embed (`--dump-texts`)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.texts: set[str] = set()

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def in_process(self) -> bool:
        return self.inner.in_process

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts.update(texts)
        return self.inner.embed(texts)


class PrecomputedEmbedder:
    """Vectors computed elsewhere (`--vectors DIR`: `texts.json` and `vectors.npy`, row i for
    text i), so a model this environment cannot run can still be measured on the same search."""

    in_process = True

    def __init__(self, folder: Path) -> None:
        texts = json.loads((folder / "texts.json").read_text())
        vectors = np.load(folder / "vectors.npy").astype(np.float32)
        self._rows = {text: vectors[i] for i, text in enumerate(texts)}
        self.name = f"precomputed:{folder.name}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        missing = [t for t in texts if t not in self._rows]
        if missing:
            raise SystemExit(f"{len(missing)} text(s) not in the vectors: run --dump-texts again")
        return np.stack([self._rows[t] for t in texts])


def load_questions(path: Path = EVAL_FILE) -> list[Question]:
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [
        Question(
            row["question"],
            row["expected"],
            row.get("kind") or ("paraphrase" if row["expected"] else OFF_TOPIC),
            number % 2 == 1,
        )
        for number, row in enumerate(rows)
    ]


def judge(
    corpus: Path = CORPUS,
    questions_file: Path = EVAL_FILE,
    embedder: Embedder | None = None,
    lexical_weight: float = LEXICAL_WEIGHT,
    bm25_weight: float = BM25_WEIGHT,
) -> list[Judged]:
    """Index `corpus` in a temporary folder and run every question against it."""
    with tempfile.TemporaryDirectory() as folder:
        index = LocalIndex(
            Path(folder) / "eval.sqlite",
            embedder,
            lexical_weight=lexical_weight,
            bm25_weight=bm25_weight,
        )
        try:
            sync_folder(index, corpus)
            judged = []
            for q in load_questions(questions_file):
                passages = index.search_now(q.question, RESULTS)
                judged.append(
                    Judged(
                        q.question,
                        q.expected,
                        _documents(p["source"].removeprefix(f"{corpus.name}/") for p in passages),
                        passages[0]["score"] if passages else 0.0,
                        q.kind,
                        q.held_out,
                    )
                )
            return judged
        finally:
            index.close()


def _documents(sources: Iterable[str]) -> list[str]:
    """Documents in the order of their best passage (two passages of one page count once)."""
    return list(dict.fromkeys(sources))


def rates(judged: Sequence[Judged], min_score: float | None = None) -> dict[str, float]:
    """Ranking hit rates over answerable questions, and hit/miss accuracy at `min_score`
    (default: the local index's threshold without embeddings)."""
    from community_bot.kb.index import DEFAULT_MIN_SCORE

    threshold = DEFAULT_MIN_SCORE if min_score is None else min_score
    answerable = [j for j in judged if j.expected is not None]
    off_topic = [j for j in judged if j.expected is None]
    return {
        "questions": float(len(answerable)),
        "top1": _share(j.ranked[:1] == [j.expected] for j in answerable),
        "top3": _share(j.expected in j.ranked[:3] for j in answerable),
        "answered": _share(j.top_score >= threshold for j in answerable),
        "answered_top1": _share(
            j.top_score >= threshold and j.ranked[:1] == [j.expected] for j in answerable
        ),
        "off_topic": float(len(off_topic)),
        "off_topic_missed": _share(j.top_score < threshold for j in off_topic),
    }


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def by_kind(judged: Sequence[Judged], min_score: float) -> list[tuple[str, int, str, str]]:
    """(kind, questions, top-1 / top-3 or rejected share, answered at the threshold)."""
    rows = []
    for kind in dict.fromkeys(j.kind for j in judged):
        group = [j for j in judged if j.kind == kind]
        found = rates(group, min_score)
        if kind == OFF_TOPIC:
            rows.append((kind, len(group), f"rejected {found['off_topic_missed']:.1%}", "–"))
        else:
            rows.append(
                (
                    kind,
                    len(group),
                    f"{found['top1']:.1%} / {found['top3']:.1%}",
                    f"{found['answered']:.1%}",
                )
            )
    return rows


def sweep(judged: Sequence[Judged]) -> list[tuple[float, float, float]]:
    """(threshold, share of answerable questions kept, share of off-topic ones rejected)."""
    rows = []
    for step in range(0, 41):
        threshold = step / 40
        found = rates(judged, threshold)
        rows.append((threshold, found["answered"], found["off_topic_missed"]))
    return rows


def best_threshold(judged: Sequence[Judged]) -> float:
    """The threshold with the best balanced accuracy (answerable kept, off-topic rejected);
    the middle of the best run of equally good ones."""
    scored = [(kept + rejected, threshold) for threshold, kept, rejected in sweep(judged)]
    best = max(score for score, _ in scored)
    ties = [threshold for score, threshold in scored if score == best]
    return ties[len(ties) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--embeddings", choices=("local", "none"), default="local")
    parser.add_argument("--calibrate", action="store_true", help="sweep threshold and weight")
    parser.add_argument("--misses", action="store_true", help="list questions not in the top 3")
    parser.add_argument(
        "--dump-texts", type=Path, metavar="DIR", help="write every embedded text to DIR/texts.json"
    )
    parser.add_argument(
        "--vectors", type=Path, metavar="DIR", help="use DIR/vectors.npy (see the docstring)"
    )
    args = parser.parse_args()
    if args.dump_texts is not None:
        recorder = RecordingEmbedder(StaticEmbedder())
        for corpus, file in SETS.values():
            judge(corpus, file, recorder)
        args.dump_texts.mkdir(parents=True, exist_ok=True)
        (args.dump_texts / "texts.json").write_text(json.dumps(sorted(recorder.texts)))
        print(f"{len(recorder.texts)} texts in {args.dump_texts / 'texts.json'}")
        return
    embedder: Embedder | None = StaticEmbedder() if args.embeddings == "local" else None
    if args.vectors is not None:
        embedder = PrecomputedEmbedder(args.vectors)
    index = LocalIndex(Path("unused"), embedder)
    threshold = index.default_min_score
    judged = {name: judge(corpus, file, embedder) for name, (corpus, file) in SETS.items()}
    print(f"Embeddings: {args.embeddings}; threshold {threshold}\n")
    print("| set | kind | questions | top-1 / top-3 | answered at threshold |")
    print("| --- | --- | --- | --- | --- |")
    for name, rows in judged.items():
        for kind, count, ranking, answered in by_kind(rows, threshold):
            print(f"| {name} | {kind} | {count} | {ranking} | {answered} |")
    print("\nHeld-out half only (thresholds and weights were chosen on the other half):\n")
    print("| set | kind | questions | top-1 / top-3 | answered at threshold |")
    print("| --- | --- | --- | --- | --- |")
    for name, rows in judged.items():
        held = [j for j in rows if j.held_out]
        for kind, count, ranking, answered in by_kind(held, threshold):
            print(f"| {name} | {kind} | {count} | {ranking} | {answered} |")
    if args.calibrate:
        _calibrate(embedder)
    if args.misses:
        for name, rows in judged.items():
            for j in rows:
                if j.expected is not None and j.ranked[:1] != [j.expected]:
                    print(
                        f"- {name} {j.kind} {j.question!r}: expected {j.expected}, "
                        f"got {j.ranked[:3]} ({j.top_score})"
                    )
                if j.expected is None and j.top_score >= threshold:
                    print(f"- {name} off-topic {j.question!r} scored {j.top_score}: {j.ranked[:1]}")


def _calibrate(embedder: Embedder | None) -> None:
    """Choose the weights and the threshold on the calibration half, report both halves."""
    if embedder is None:
        grid = [(1.0, 0.0)]
    else:
        grid = [(lw, bw) for lw in (0.0, 0.5, 0.65, 0.75) for bw in (0.0, 0.2)]
    print(
        "\n| lexical weight | BM25 weight | threshold | calibration half: top-1, answered, "
        "off-topic rejected | held-out half: top-1, answered, off-topic rejected |"
    )
    print("| --- | --- | --- | --- | --- |")
    for lexical_weight, bm25_weight in grid:
        judged = [
            j
            for corpus, file in SETS.values()
            for j in judge(corpus, file, embedder, lexical_weight, bm25_weight)
        ]
        calibration = [j for j in judged if not j.held_out]
        held_out = [j for j in judged if j.held_out]
        threshold = best_threshold(calibration)
        found = [rates(part, threshold) for part in (calibration, held_out)]
        print(
            f"| {lexical_weight} | {bm25_weight} | {threshold:.3f} | "
            + " | ".join(
                f"{f['top1']:.1%}, {f['answered']:.1%}, {f['off_topic_missed']:.1%}" for f in found
            )
            + " |",
            flush=True,
        )


if __name__ == "__main__":
    main()
