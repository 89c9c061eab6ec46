"""Where an answer is defined: the conditions its own operations impose.

An answer must be defined (and real) on its whole domain. SymPy simplifies while
it builds: `x*(k1 - 1)/(k1 - 1)` becomes `x`, `g**e * g**(-e)` becomes 1 and
`exp(-log(g))` becomes `1/g`, before any later pass could see the division. So the
parser records, per operation, what must hold (a divisor is nonzero, a log's
argument positive, a square root's argument nonnegative), and `unproved` says which
of these could not be shown on the namespace's domains. A proof of such an answer
is a proof of its simplified form only, and is not reported as `verified`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from checker.model.namespace import Namespace

NONZERO, POSITIVE, NONNEGATIVE = "≠ 0", "> 0", "≥ 0"


@dataclass(frozen=True)
class Requirement:
    expr: sp.Expr
    kind: str  # NONZERO, POSITIVE or NONNEGATIVE

    def describe(self) -> str:
        return f"`{sp.sstr(self.expr)}` {self.kind}"


def unproved(requirements: list[Requirement], namespace: Namespace) -> tuple[Requirement, ...]:
    """The requirements not shown to hold everywhere on the namespace's domains."""
    from checker.prove.canonical import open_unit_substitution

    domains = tuple((v.symbol, v.domain) for v in namespace.variables)
    odds = open_unit_substitution(domains)
    finite = {s: d.values() for s, d in domains if d.exhaustive}
    out = []
    for requirement in dict.fromkeys(requirements):
        labels = [s for s in requirement.expr.free_symbols if s in finite]
        # A label (y in {0, 1}) is tried value by value: y*f + (1 - y)*(1 - f) > 0 holds
        # for both labels, though not for every integer y.
        cases = [dict(zip(labels, values, strict=True))
                 for values in itertools.product(*(finite[s] for s in labels))]
        if not all(holds(requirement.expr.xreplace(case).xreplace(odds), requirement.kind)
                   for case in cases):
            out.append(requirement)
    return tuple(out)


def holds(expr: sp.Expr, kind: str) -> bool:
    value = sp.together(expr)
    if kind == POSITIVE:
        return _positive(value)
    if kind == NONNEGATIVE:
        return bool(value.is_nonnegative) or _positive(value)
    return bool(value.is_nonzero or value.is_negative) or _positive(value) or _nonzero_parts(value)


def _positive(value: sp.Expr) -> bool:
    if value.is_positive:
        return True
    if isinstance(value, sp.Sum):  # a sum of positive terms over a nonempty range
        return _positive(value.function) and all(
            bool((high - low + 1).is_positive) for _, low, high in value.limits)
    if isinstance(value, sp.Mul):
        return all(_positive(f) for f in value.args)
    if isinstance(value, sp.Add):
        return all(_positive(t) for t in value.args)
    if isinstance(value, sp.Pow):
        return _positive(value.base) and bool(value.exp.is_real)
    return False


def _nonzero_parts(value: sp.Expr) -> bool:
    if isinstance(value, sp.Mul):
        return all(holds(f, NONZERO) for f in value.args)
    if isinstance(value, sp.Pow):
        return holds(value.base, NONZERO)
    return False
