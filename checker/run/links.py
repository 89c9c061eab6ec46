"""One link of a written derivation: is this step equal to the step before it?

A question says how its steps compare (`DocumentSpec.link`, e.g. question 3's sums
over hidden units, question 5's sizes); otherwise the two steps are an `Equal` claim
on the question's domains, after the question's `rewrite` (question 1: f as sigmoid(a)),
decided by the engine like any answer.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from checker.model.claims import Equal, Proportional
from checker.model.notation import DocumentSpec
from checker.model.question import Question
from checker.model.verdict import Status, StepResult
from checker.prove.engine import decide


def domains_of(question: Question) -> tuple[tuple[sp.Symbol, Any], ...]:
    """Every scalar a step of `question` may name, with its domain (the derivation's own
    extra names included)."""
    spec = question.document or DocumentSpec()
    seen: dict[str, Any] = {}
    for variable in (*question.namespace.variables, *spec.variables):
        seen.setdefault(variable.name, (variable.symbol, variable.domain))
    return tuple(seen.values())


def decide_link(question: Question, before: Any, after: Any, where: str,
                up_to_factor: bool = False) -> StepResult:
    """`after` against `before` (the person's later step is "the answer" in the
    counterexample, the earlier one "the truth"); with `up_to_factor` (a side names a
    quantity defined only up to a positive constant), equal up to such a factor."""
    spec = question.document or DocumentSpec()
    if spec.link is not None:
        return spec.link(before, after, where)
    if not all(isinstance(v, sp.Basic) for v in (before, after)):
        return StepResult("", Status.UNDECIDED, "not an expression: the steps cannot be compared")
    rewrite = spec.rewrite or (lambda value: value)
    relation = Proportional if up_to_factor else Equal
    outcome = decide(relation(rewrite(after), rewrite(before), domains_of(question), where))
    return StepResult("", outcome.status, outcome.method, outcome.counterexample)
