"""Evaluation at exact points: the source of every counterexample.

A point assigns exact rationals to the variables. Where both sides are then
rational, they are compared exactly. Where a transcendental value remains, both
sides are evaluated with mpmath at 60 significant digits and a difference counts
only if it persists, unchanged in its leading digits, at 120 digits.

Besides `evaluate` (the engine's), the single-point evaluators the questions use:
`evaluate_tanh_exactly` and `point_difference` (tanh rational at points in (log 3)·Q,
a closer look at 400 digits), `evaluate_written_out` (every Sum written out, vectors
read through rules: re-checks at one point what `checker.prove.arrays` found), and
`value_at_integers` (compiled to Python integers and fractions, for grids of cases).
"""

from __future__ import annotations

import functools
import math
import random
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp
from mpmath.libmp import from_rational, to_str

from checker.model.claims import Domains
from checker.model.functions import rewrite_special
from checker.model.namespace import REAL

PRECISION = 60
RECHECK_PRECISION = 120
SEED = 20220223  # the assignment's due date: results must repeat run to run
# An exact value is shown in full up to this many digits (numerator and denominator
# together), else abbreviated: a counterexample stays readable, and printing never meets
# Python's 4,300-digit int-to-str limit (a ValueError) or writes megabytes.
SHOWN_DIGITS = 100
SHOWN_CHARS = 400  # the most shown of a value that is not a rational number
_LOG10_2 = math.log10(2)


@dataclass(frozen=True)
class Value:
    """One side evaluated at a point: exact, numeric, or undefined there."""

    exact: sp.Expr | None
    numeric: sp.Float | None

    @property
    def defined(self) -> bool:
        return self.exact is not None or self.numeric is not None

    @property
    def number(self) -> sp.Expr | None:
        """The exact value if there is one, else the numeric one (None: undefined)."""
        return self.exact if self.exact is not None else self.numeric

    def show(self) -> str:
        if self.exact is not None:
            return show_number(self.exact)
        if self.numeric is not None:
            return sp.sstr(sp.Float(self.numeric, 15))
        return "undefined"


def show_number(value: sp.Basic) -> str:
    """An exact value as text, bounded: a rational of at most SHOWN_DIGITS digits in
    full (`-2/3`), a larger one as 15 significant digits and its size
    (`1.23456789012345e+9999 (abbreviated: an exact integer of 10,000 digits)`), computed
    from the integers without converting them to text."""
    if isinstance(value, sp.Rational):
        p, q = int(value.p), int(value.q)
        top, bottom = decimal_digits(p), decimal_digits(q) if q != 1 else 0
        if top + bottom <= SHOWN_DIGITS:  # the digits `sstr` would print
            return sp.sstr(value)
        leading = to_str(from_rational(p, q, 80), 15)
        size = (f"an exact integer of {_digits(top)}" if q == 1
                else f"an exact fraction of {_digits(top)} over {_digits(bottom)}")
        return f"{leading} (abbreviated: {size})"
    try:
        text = sp.sstr(value)
    except ValueError:  # an integer inside it is past Python's int-to-str limit
        return "(a value too large to show)"
    return text if len(text) <= SHOWN_CHARS else f"{text[:SHOWN_CHARS]}… (abbreviated)"


def _digits(count: int) -> str:
    return f"{count:,} digit{'' if count == 1 else 's'}"


def decimal_digits(n: int) -> int:
    """How many decimal digits |n| has, without converting it to text."""
    n = abs(n)
    digits = max(1, int((n.bit_length() - 1) * _LOG10_2))  # the digits of 2**(bits - 1), or one less
    while n >= 10**digits:
        digits += 1
    while digits > 1 and n < 10 ** (digits - 1):
        digits -= 1
    return digits


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
        if undefined(value) or not value.is_number:
            return Value(None, None)
        numeric = sp.N(value, precision)
        if not numeric.is_real or undefined(numeric):
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


def undefined(value: sp.Basic) -> bool:
    """value has no number there: it contains nan or an infinity."""
    return bool(value.has(sp.nan, sp.zoo, sp.oo, -sp.oo))


def _gap(a: Value, b: Value, precision: int = PRECISION) -> sp.Float | None:
    """|a − b| / max(1, |b|) at `precision` digits."""
    x, y = a.number, b.number
    if x is None or y is None:
        return None
    scale = max(sp.Float(1), abs(sp.Float(y, precision)))
    return abs(sp.Float(x - y, precision)) / scale


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


# A closer look, and tanh at points where it is rational ------------------------------
CLOSE_PRECISION = 400  # a closer look is taken at this many digits, re-checked at twice as many


def evaluate_tanh_exactly(expr: sp.Expr, point: dict[sp.Basic, sp.Expr]) -> Value:
    """expr at point: exact when tanh and σ come out rational there, else `evaluate`.

    Apart from `evaluate`, which every other claim is sampled with: there a tanh
    stays as it is, and its value is compared numerically."""
    value = rewrite_special(expr.xreplace(point))
    value = value.replace(lambda e: isinstance(e, sp.tanh), _tanh_by_exp)
    if value.is_Rational:
        return Value(value, None)
    return evaluate(expr, point)


def _tanh_by_exp(e: sp.tanh) -> sp.Expr:
    # tanh(z) = (e^{2z} − 1)/(e^{2z} + 1): at z ∈ (log 3)·Q/2 SymPy evaluates e^{2z}.
    # (Not tanh.rewrite(exp), which is in e^{±z}: at those z a square root of 3.)
    z = sp.exp(2 * e.args[0])
    return (z - 1) / (z + 1)


@dataclass(frozen=True)
class PointDifference:
    """Both sides at a point where they differ, as shown, and how that was decided."""

    answer: str
    truth: str
    how: str


def point_difference(answer: sp.Expr, truth: sp.Expr, point: dict[sp.Basic, sp.Expr],
                     closer: bool = False) -> PointDifference | None:
    """A re-checked difference of the two sides at point, or None.

    Exact when both are rational there (`evaluate_tanh_exactly`); else mpmath at 60
    digits re-checked at 120 (`differ`, which ignores relative gaps below 1e-30). With
    `closer`, a gap too small for that is looked for at CLOSE_PRECISION digits and
    must persist, unchanged in its leading digits, at twice as many.
    """
    va, vt = evaluate_tanh_exactly(answer, point), evaluate_tanh_exactly(truth, point)
    if differ(va, vt, point, answer, truth):
        exact = va.exact is not None and vt.exact is not None
        how = "exact arithmetic" if exact else "values by mpmath, re-checked at 120 digits"
        return PointDifference(va.show(), vt.show(), how)
    if not (closer and va.defined and vt.defined) or (va.exact is not None and vt.exact is not None):
        return None
    first = _close_look(answer, truth, point, CLOSE_PRECISION)
    if first is None or first[0] <= sp.Float(10) ** (-(CLOSE_PRECISION // 2)):
        return None
    second = _close_look(answer, truth, point, 2 * CLOSE_PRECISION)
    if second is None or abs(second[0] - first[0]) >= first[0] / 1000:
        return None
    gap, a, t = second
    digits = min(2 * CLOSE_PRECISION, 15 - int(sp.floor(sp.log(gap, 10))))
    return PointDifference(sp.sstr(sp.Float(a, digits)), sp.sstr(sp.Float(t, digits)),
                           f"values by mpmath at {CLOSE_PRECISION} digits, re-checked at "
                           f"{2 * CLOSE_PRECISION}; relative difference about "
                           f"{sp.sstr(sp.Float(gap, 3))}")


def _close_look(answer: sp.Expr, truth: sp.Expr, point: dict[sp.Basic, sp.Expr],
                precision: int) -> tuple[sp.Float, sp.Float, sp.Float] | None:
    """(relative gap, answer, truth) with both sides at `precision` digits."""
    va, vt = evaluate(answer, point, precision), evaluate(truth, point, precision)
    gap = _gap(va, vt, precision)
    if gap is None:
        return None
    return gap, sp.Float(va.number, precision), sp.Float(vt.number, precision)


# Every Sum written out, vectors read through rules ---------------------------------
EntryRule = Callable[[tuple[int, ...]], sp.Expr]  # a vector's entry at integer indices


def evaluate_written_out(e: sp.Basic, env: Mapping[sp.Symbol, sp.Integer],
                         vectors: Mapping[str, EntryRule]) -> sp.Basic:
    """e at one point, evaluated by SymPy: the symbols of `env` replaced, sums written
    out (Sum(t, (j, a, b)) is 0 when b < a), indexed names read through `vectors`, only
    the Piecewise branch that applies; nan where a bound, an index or a condition is
    not decided there."""
    if isinstance(e, sp.Sum):
        body = sp.Sum(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        j, low, high = e.limits[-1]  # the outermost limit; the body sums over the others
        lo, hi = evaluate_written_out(low, env, vectors), evaluate_written_out(high, env, vectors)
        if not (lo.is_Integer and hi.is_Integer):
            return sp.nan
        return sp.Add(*[evaluate_written_out(body, {**env, j: sp.Integer(v)}, vectors)
                        for v in range(int(lo), int(hi) + 1)])
    if isinstance(e, sp.Symbol):
        return env.get(e, e)
    if isinstance(e, sp.Indexed):
        indices = [evaluate_written_out(x, env, vectors) for x in e.indices]
        if not all(x.is_Integer for x in indices):
            return sp.nan
        return vectors[str(e.base.label)](tuple(int(x) for x in indices))
    if isinstance(e, sp.Piecewise):
        for piece in e.args:
            c = evaluate_written_out(piece.cond, env, vectors)
            if c is sp.true:
                return evaluate_written_out(piece.expr, env, vectors)
            if c is not sp.false:
                return sp.nan
        return sp.nan
    if not e.args:
        return e
    return e.func(*[evaluate_written_out(a, env, vectors) for a in e.args])


# Exact values at integer points ----------------------------------------------------
Number = int | Fraction
Compiled = Callable[[dict[sp.Symbol, int]], Number]


def value_at_integers(expr: sp.Basic, env: dict[sp.Symbol, int]) -> Number | sp.Basic:
    """expr at integer values of its symbols: exact, or SymPy's value when the
    expression needs more than + − × ÷, integer powers, floor and ceiling."""
    compiled = compile_exact(expr)
    if compiled is not None:
        return compiled(env)
    value = expr.xreplace({s: sp.Integer(v) for s, v in env.items()})
    exact = as_fraction(value)
    return exact if exact is not None else value


@functools.lru_cache(maxsize=256)
def compile_exact(expr: sp.Basic) -> Compiled | None:
    """expr as nested Python closures over ints and Fractions; None if a node is of
    another kind. Compiled once, run on every case of a grid: SymPy's own
    substitution would cost more than what the grid checks against."""
    if isinstance(expr, sp.Symbol):
        return lambda env: env[expr]
    if expr.is_Integer:
        n = int(expr)
        return lambda env: n
    if expr.is_Rational:
        q = Fraction(int(expr.p), int(expr.q))
        return lambda env: q
    parts = [compile_exact(a) for a in expr.args]
    children = [c for c in parts if c is not None]
    if len(children) != len(parts):
        return None
    if isinstance(expr, sp.Add):
        return lambda env: sum(c(env) for c in children)
    if isinstance(expr, sp.Mul):
        return lambda env: math.prod(c(env) for c in children)
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        base, power = children[0], int(expr.exp)
        # 0 to a negative power raises ZeroDivisionError: undefined there.
        return lambda env: Fraction(base(env)) ** power if power < 0 else base(env) ** power
    if isinstance(expr, sp.floor):
        return lambda env: math.floor(children[0](env))
    if isinstance(expr, sp.ceiling):
        return lambda env: math.ceil(children[0](env))
    return None


def as_fraction(value: object) -> Fraction | None:
    """An exact value for a number; None for anything else (or a non-rational number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, float):
        # Exact: 63.5 stays 63.5. Infinity and NaN are not numbers here.
        return Fraction(value) if math.isfinite(value) else None
    if isinstance(value, sp.Basic) and value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    numpy = sys.modules.get("numpy")  # a NumPy scalar can only exist if NumPy is loaded
    if numpy is not None and isinstance(value, numpy.integer | numpy.floating):
        return as_fraction(value.item())
    return None
