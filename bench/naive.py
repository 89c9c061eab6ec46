"""The naive baseline: `simplify(answer - truth) == 0` over the same claims.

The claims of every reference answer are flattened into their (answer, truth)
pairs: every Equal, every entry of a conjunction, every adjacent pair of a chain,
and answer/truth for a claim up to a constant factor. Claims that carry their own
decision procedure (simulations, exhaustive searches over sizes, properties) have
no such pair: the baseline cannot decide them. Each simplify is bounded like a
derivcheck check (10 s, 1 GiB), so a hang counts as undecided, not as a stall.

Prints one JSON line: {"pairs": n, "decided": k, "claims": m, "claims_decided": j}.
"""

from __future__ import annotations

import json
import sys

import sympy as sp

from checker.answers import parse_answer
from checker.bounded import Limits, LimitHit, run_bounded
from checker.canonical import open_unit_substitution
from checker.claims import AllOf, Chain, Claim, Decided, Equal, Proportional
from checker.questions import all_questions

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
    if truth is None:
        ratio = sp.simplify(answer.xreplace(substitution))
        return bool(ratio.is_number)
    return bool(sp.simplify((answer - truth).xreplace(substitution)) == 0)


def main() -> int:
    total = decided = claims = claims_decided = 0
    for question in all_questions():
        claims += 1
        claim = question.claim(parse_answer(question, question.reference).value)
        flat = pairs(claim)
        if flat is None:
            continue
        ok = True
        for answer, truth, domains in flat:
            total += 1
            result = run_bounded(naive_zero, (answer, truth, domains), LIMITS)
            if result is True:
                decided += 1
            else:
                ok = False
                if isinstance(result, LimitHit):
                    print(f"baseline: {question.id} stopped ({result.reason})", file=sys.stderr)
        claims_decided += ok
    print(json.dumps({"pairs": total, "decided": decided, "claims": claims,
                      "claims_decided": claims_decided}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
