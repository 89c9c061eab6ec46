"""Evaluation at exact points: the source of every counterexample.

A point assigns exact rationals to the variables. Where both sides are then
rational, they are compared exactly. Where a transcendental value remains, both
sides are evaluated with mpmath at 60 significant digits and a difference counts
only if it persists, unchanged in its leading digits, at 120 digits.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

from checker.model.claims import Domains
from checker.model.functions import rewrite_special
from checker.model.namespace import REAL

PRECISION = 60
RECHECK_PRECISION = 120
SEED = 20220223  # the assignment's due date: results must repeat run to run


@dataclass(frozen=True)
class Value:
    """One side evaluated at a point: exact, numeric, or undefined there."""

    exact: sp.Expr | None
    numeric: sp.Float | None

    @property
    def defined(self) -> bool:
        return self.exact is not None or self.numeric is not None

    def show(self) -> str:
        if self.exact is not None:
            return sp.sstr(self.exact)
        if self.numeric is not None:
            return sp.sstr(sp.Float(self.numeric, 15))
        return "undefined"


def evaluate(expr: sp.Basic, point: dict[sp.Basic, sp.Expr], precision: int = PRECISION) -> Value:
    """expr at point: exact when it is rational there, else mpmath at `precision`."""
    try:
        # Twice: substituting i = 1 turns x[i] into x[1], which the point also assigns.
        value = expr.xreplace(point).xreplace(point)
        if value.has(sp.Sum, sp.Piecewise, sp.Max, sp.Min):
            # Written-out sums expose entries x[1], x[2], ... that the point assigns.
            value = value.doit().xreplace(point)
        value = rewrite_special(value)
        if value.is_Rational:
            return Value(value, None)
        if value.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not value.is_number:
            return Value(None, None)
        numeric = sp.N(value, precision)
        if not numeric.is_real or numeric.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
            return Value(None, None)
        if numeric.is_Rational:
            return Value(numeric, None)
        return Value(None, numeric)
    except (ZeroDivisionError, TypeError, ValueError, ArithmeticError):
        return Value(None, None)


def differ(a: Value, b: Value, point: dict[sp.Basic, sp.Expr], left: sp.Basic, right: sp.Basic) -> bool:
    """True only for a disagreement re-checked exactly (or at twice the precision)."""
    if not (a.defined and b.defined):
        return False
    if a.exact is not None and b.exact is not None:
        return bool(a.exact != b.exact)
    low = _gap(a, b)
    if low is None or low <= sp.Float(10) ** (-PRECISION // 2):
        return False
    a2 = evaluate(left, point, RECHECK_PRECISION)
    b2 = evaluate(right, point, RECHECK_PRECISION)
    high = _gap(a2, b2)
    return high is not None and abs(high - low) < low / 1000


def _gap(a: Value, b: Value) -> sp.Float | None:
    x = a.exact if a.exact is not None else a.numeric
    y = b.exact if b.exact is not None else b.numeric
    if x is None or y is None:
        return None
    scale = max(sp.Float(1), abs(sp.Float(y, PRECISION)))
    return abs(sp.Float(x - y, PRECISION)) / scale


def points(
    exprs: tuple[sp.Basic, ...], domains: Domains, count: int, seed: int = SEED
) -> list[dict[sp.Basic, sp.Expr]]:
    """`count` exact points for the free symbols of exprs (undeclared ones are real).

    Scalars are assigned first, so sums over integer variables can be written
    out; the indexed entries that then appear (x[1], x[2], ...) get real values.
    """
    rng = random.Random(seed)
    declared = dict(domains)
    labels = {i.base.label for e in exprs for i in e.atoms(sp.Indexed)}
    symbols = {s for e in exprs for s in e.free_symbols if isinstance(s, sp.Symbol)}
    ordered = sorted(symbols - labels - _bound_symbols(exprs), key=lambda s: s.name)
    samples = {s: declared.get(s, REAL).samples(rng, count) for s in ordered}
    out = []
    for n in range(count):
        point: dict[sp.Basic, sp.Expr] = {}
        for t, s in enumerate(ordered):
            values = samples[s]
            if values:
                # Offsets differ per symbol so no two variables move in lockstep.
                # (A domain of a few values, such as a label, starts at its first value.)
                offset = 3 * t if len(values) > 3 else 0
                point[s] = values[(n + offset) % len(values)] if n < len(values) else rng.choice(values)
        out.append(_with_entries(exprs, point, rng))
    return out


def _bound_symbols(exprs: tuple[sp.Basic, ...]) -> set[sp.Symbol]:
    return {limit[0] for e in exprs for s in e.atoms(sp.Sum) for limit in s.limits}


def _with_entries(
    exprs: tuple[sp.Basic, ...], point: dict[sp.Basic, sp.Expr], rng: random.Random
) -> dict[sp.Basic, sp.Expr]:
    """Give every concrete vector entry that appears once sums are written out a value."""
    entries: set[sp.Indexed] = set()
    for e in exprs:
        try:
            value = e.xreplace(point)
            if value.has(sp.Sum):
                value = value.doit()
        except (TypeError, ValueError, ArithmeticError):
            continue  # e.g. Max of a complex value: the evaluation will say "undefined"
        entries |= {i for i in value.atoms(sp.Indexed) if all(x.is_Integer for x in i.indices)}
    full = dict(point)
    reals = REAL.samples(rng, 14)
    for entry in sorted(entries, key=sp.default_sort_key):
        full[entry] = rng.choice(reals)
    return full
