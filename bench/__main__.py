"""`python -m bench`: run the offline benchmarks and print one Markdown table.

A full run (no `--quick`, no `--only`) also writes `bench/results/latest.md` and `latest.json`,
the numbers the README shows. Quick or partial runs write only where `--out` says, so a smoke
test never overwrites the committed results.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.report import markdown_table, write_results
from bench.suite import NAMES, run_suite

RESULTS = Path(__file__).parent / "results"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Offline benchmarks of community-bot: no network, no accounts.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="Small sizes: a smoke test, not a measurement."
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=NAMES,
        metavar="NAME",
        help=f"Run only this benchmark (repeatable): {', '.join(NAMES)}.",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="Write latest.md and latest.json here (default for a full run: bench/results).",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("discord").setLevel(logging.ERROR)  # no voice support needed, no warning
    names = args.only or list(NAMES)
    out: Path | None = args.out
    if out is None and not args.quick and not args.only:
        out = RESULTS
    began = time.perf_counter()

    def progress(name: str) -> None:
        print(f"bench: {name} … ({time.perf_counter() - began:.0f} s)", file=sys.stderr)

    result = run_suite(names, quick=args.quick, progress=progress)
    print(markdown_table(result.rows))
    if out is not None:
        markdown, _ = write_results(out, result.rows, result.notes, quick=args.quick)
        print(f"bench: wrote {markdown} and latest.json", file=sys.stderr)
    print(f"bench: done in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
