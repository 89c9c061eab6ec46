"""The naive baseline: `simplify(answer - truth) == 0` over the same claims.

The claims of every reference answer are flattened into their (answer, truth)
pairs: every Equal, every entry of a conjunction, every adjacent pair of a chain,
and answer/truth for a claim up to a constant factor. Claims that carry their own
decision procedure (simulations, exhaustive searches over sizes, properties) have
no such pair: the baseline cannot decide them. Each simplify is bounded like a
derivcheck check (10 s, 1 GiB), so a hang counts as undecided, not as a stall.

Prints one JSON line: {"pairs": n, "decided": k, "claims": m, "claims_decided": j,
"not_decided": [IDs]}.
"""

from __future__ import annotations

import json
import sys

import sympy as sp

from checker import (
    DEFAULT_OPTIONS,
    AllOf,
    Chain,
    Claim,
    Decided,
    Equal,
    Proportional,
    all_questions,
    parse_answer,
)
from checker.model.functions import rewrite_special
from checker.prove.canonical import open_unit_substitution
from checker.run.bounded import LimitHit, Limits, run_bounded

LIMITS = Limits(timeout=10, memory_mb=1024)


def pairs(claim: Claim) -> list[tuple[sp.Expr, sp.Expr, tuple]] | None:
    if isinstance(claim, Equal):
        return [(claim.answer, claim.truth, claim.domains)]
    if isinstance(claim, Proportional):
        # Naively: the ratio must simplify to a constant.
        return [(claim.answer / claim.truth, None, claim.domains)]
    if isinstance(claim, Chain):
        return [(b.expr, a.expr, claim.domains) for a, b in zip(claim.steps, claim.steps[1:], strict=False)]
    if isinstance(claim, AllOf):
        out = []
        for part in claim.parts:
            inner = pairs(part)
            if inner is None:
                return None
            out += inner
        return out
    if isinstance(claim, Decided):
        return None
    return None


def naive_zero(answer: sp.Expr, truth: sp.Expr | None, domains: tuple) -> bool:
    substitution = open_unit_substitution(domains)  # the same domain facts derivcheck gets
    answer = rewrite_special(answer)  # simplify does not know our sigmoid class
    truth = None if truth is None else rewrite_special(truth)
    if truth is None:
        ratio = sp.simplify(answer.xreplace(substitution))
        return bool(ratio.is_number)
    return bool(sp.simplify((answer - truth).xreplace(substitution)) == 0)


def decide_all(flat: list[tuple[sp.Expr, sp.Expr | None, tuple]]) -> int:
    return sum(naive_zero(answer, truth, domains) for answer, truth, domains in flat)


def main() -> int:
    total = decided = claims = claims_decided = 0
    not_decided: list[str] = []
    for question in all_questions():
        claims += 1
        claim = question.claim(parse_answer(question, question.reference).value, DEFAULT_OPTIONS)
        flat = pairs(claim)
        if flat is None:
            not_decided.append(question.id)
            continue
        total += len(flat)
        # One bounded worker per question (as derivcheck uses), 10 s per pair.
        limits = Limits(timeout=LIMITS.timeout * len(flat), memory_mb=LIMITS.memory_mb)
        result = run_bounded(decide_all, (flat,), limits)
        if isinstance(result, LimitHit):
            print(f"baseline: {question.id} stopped ({result.reason})", file=sys.stderr)
            result = 0
        decided += result
        ok = result == len(flat)
        claims_decided += ok
        if not ok:
            not_decided.append(question.id)
    print(json.dumps({"pairs": total, "decided": decided, "claims": claims,
                      "claims_decided": claims_decided, "not_decided": not_decided}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
