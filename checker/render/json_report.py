"""JSON: one document with a `results` list (CONTRACT.md) and a summary."""

from __future__ import annotations

import json
from collections import Counter

from checker.verdict import Status, Verdict, exit_code


def render_json(verdicts: list[Verdict], extra: dict[str, object] | None = None) -> str:
    counts = Counter(v.status.value for v in verdicts)
    document: dict[str, object] = {
        "results": [v.to_json() for v in verdicts],
        "summary": {status.value: counts.get(status.value, 0) for status in Status},
        "exit_code": exit_code([v.status for v in verdicts]),
    }
    if extra:
        document.update(extra)
    return json.dumps(document, indent=2, ensure_ascii=False)
