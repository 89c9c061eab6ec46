"""Checking time of every answer of the repository's answer corpus (right and wrong
answers of every question, `tests/test_answer_corpus.py`), each in its own bounded
worker as the command line runs it, no cache. Prints one JSON line.

The figure that matters to a person waiting at a prompt is the time inside derivcheck
(`Verdict.seconds`), not the interpreter's start-up, which the whole-process rows of
the benchmark cover.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

from checker import Limits, check_answer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from test_answer_corpus import RIGHT, WRONG  # noqa: E402 - the corpus is the tests' data


def main() -> int:
    limits = Limits(timeout=60, memory_mb=2048)
    rows = []
    for qid, text, latex in [*RIGHT, *WRONG]:
        verdict = check_answer(qid, text, latex=latex, limits=limits)
        rows.append((verdict.seconds, qid, text, verdict.status.value))
    seconds = sorted(s for s, *_ in rows)
    slow = sorted((r for r in rows if r[0] > 1.0), reverse=True)
    print(json.dumps({
        "answers": len(rows),
        "median": statistics.median(seconds),
        "p90": seconds[int(0.9 * (len(seconds) - 1))],
        "max": seconds[-1],
        "over_1s": [f"{qid} {text[:40]!r} {status} {s:.2f} s" for s, qid, text, status in slow],
        "statuses": {s: sum(r[3] == s for r in rows) for s in ("verified", "refuted", "undecided", "error")},
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
