"""Question 3 at concrete sizes: both networks written out for every D, M, K up to
SIZE_LIMIT and proved equal, or evaluated at exact points for a counterexample (at any
size, with only the entries a `Focus` involves)."""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import islice

import sympy as sp

from checker.model.verdict import Counterexample
from checker.prove.canonical import rational_zero
from checker.prove.sampling import PointDifference, point_difference
from derivations.definitions import logistic
from derivations.networks import (
    Activation,
    Parameters,
    Weight,
    output,
    output_of_preactivations,
    preactivation,
)
from derivations.q3_tanh_network.parameters import (
    THETA,
    THETA_W1,
    W1,
    W2,
    Proposal,
    X,
    d_,
    k_,
    m_,
)

# The canonical form writes tanh(c·u) as a power of one base with an exponent from c's
# numerator and denominator: past this (a coefficient 10**6), `cancel` would take hours
# and an exact value at W1 = n·log 3 would have millions of digits (`small_rationals`).
EXPONENT_LIMIT = 1000
SIZE_LIMIT = 4  # the concrete-size witness covers every D, M, K in 1..SIZE_LIMIT
NetworkSizes = tuple[int, int, int]  # (D, M, K)
LOG3 = sp.log(3)


def all_sizes(limit: int = SIZE_LIMIT) -> list[NetworkSizes]:
    """Every (D, M, K) in 1..limit, smallest total first (smallest counterexample)."""
    grid = [(d, m, kk) for d in range(1, limit + 1) for m in range(1, limit + 1)
            for kk in range(1, limit + 1)]
    return sorted(grid, key=lambda s: (sum(s), s))


EntryGroups = tuple[list[sp.Expr], list[sp.Expr], list[sp.Expr]]  # x, W1, W2


def _hidden(m: int) -> tuple[sp.Symbol, ...]:
    # Fixed names, so the reduced difference is the same expression for every D
    # and the proof cache below sees it once.
    return tuple(sp.Symbol(f"_u{n}", real=True) for n in range(1, m + 1))


@functools.lru_cache(maxsize=4096)
def _zero(expr: sp.Expr) -> bool:
    """rational_zero, memoised: a pure function of its (hashable) argument."""
    return rational_zero(expr)


def prove_size(theta: Proposal, sizes: NetworkSizes) -> bool:
    """Every output of the two explicit networks is identically equal at these sizes."""
    scaled = prove_scaled(theta, sizes)
    return scaled if scaled is not None else prove_written_out(theta, sizes)


def prove_scaled(theta: Proposal, sizes: NetworkSizes) -> bool | None:
    """The cheap proof: each answer pre-activation is c · (some true pre-activation a_l),
    and those become fresh symbols u_l. None when some unit is no such multiple.

    Sound for proofs: an identity in independent u_l holds in particular at
    u_l = a_l(x, Θ). A permutation of the hidden units, or two answer units sharing
    one true unit, is covered too.
    """
    d, m, kk = sizes
    primed = theta.parameters({d_: d, m_: m, k_: kk})
    scales = _unit_scales(primed, d, m)
    if scales is None:
        return None
    u = _hidden(m)
    pre = [c * u[unit - 1] for c, unit in scales]
    return all(_zero(output_of_preactivations(primed.second, sp.tanh, out, pre)
                     - output_of_preactivations(THETA.second, logistic, out, u))
               for out in range(1, kk + 1))


def prove_written_out(theta: Proposal, sizes: NetworkSizes) -> bool:
    """The general proof: both networks written out in x and Θ (can be slow)."""
    d, m, kk = sizes
    primed = theta.parameters({d_: d, m_: m, k_: kk})
    return all(_zero(output(primed, X, sp.tanh, out, d, m) - output(THETA, X, logistic, out, d, m))
               for out in range(1, kk + 1))


def small_rationals(expr: sp.Basic) -> bool:
    """No rational in expr has a numerator or denominator past EXPONENT_LIMIT."""
    return all(max(abs(r.p), r.q) <= EXPONENT_LIMIT for r in expr.atoms(sp.Rational))


def _unit_scales(primed: Parameters, d: int, m: int) -> tuple[tuple[sp.Rational, int], ...] | None:
    """(c_j, l_j) with answer pre-activation of unit j = c_j · true pre-activation of l_j."""
    scales = []
    for unit in range(1, m + 1):
        mine = preactivation(primed, X, unit, d)
        # The only candidate l: the one row of W1 the answer's unit mentions (its own
        # when it mentions none, e.g. a zero pre-activation).
        rows = {e.indices[0] for e in mine.atoms(sp.Indexed) if e.base == THETA_W1}
        row = rows.pop() if len(rows) == 1 else (sp.Integer(unit) if not rows else None)
        if row is None or not (row.is_Integer and 1 <= row <= m):
            return None
        ratio = _ratio(mine, preactivation(THETA, X, int(row), d))
        if not ratio.is_Rational or not small_rationals(ratio):
            return None  # not a multiple, or tanh(c·u) too costly for the canonical form
        scales.append((ratio, int(row)))
    return tuple(scales)


@functools.lru_cache(maxsize=4096)
def _ratio(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    return sp.cancel(numerator / denominator)


@dataclass(frozen=True)
class Focus:
    """The inputs that may be nonzero and the outputs compared, at sizes too large to
    write out whole; values outside 1..D or 1..K are dropped."""

    inputs: tuple[int, ...]
    outputs: tuple[int, ...]

    @staticmethod
    def everything(sizes: NetworkSizes) -> Focus:
        d, _, kk = sizes
        return Focus(tuple(range(1, d + 1)), tuple(range(1, kk + 1)))

    def within(self, sizes: NetworkSizes) -> tuple[tuple[int, ...], tuple[int, ...]]:
        d, _, kk = sizes
        return (tuple(sorted({i for i in self.inputs if 1 <= i <= d})),
                tuple(sorted({k for k in self.outputs if 1 <= k <= kk})))


def is_parameter(entry: sp.Indexed, sizes: NetworkSizes) -> bool:
    """x[i], W1[j, i] or W2[k, j] within the ranges of a network of these sizes."""
    d, m, kk = sizes
    if not all(n.is_Integer for n in entry.indices):
        return False
    bounds = {str(X.label): ((1, d),), W1.name: ((1, m), (0, d)), W2.name: ((1, kk), (0, m))}
    ranges = bounds.get(str(entry.base.label))
    return ranges is not None and len(ranges) == len(entry.indices) and all(
        low <= int(n) <= high for n, (low, high) in zip(entry.indices, ranges, strict=True))


EXACT_POINTS = 8  # points per size where σ and tanh come out rational
RATIONAL_POINTS = 4  # then rational points (mpmath compares)
CLOSER_POINTS = 2  # the first points of a size are looked at closer when they seem equal


def refute_size(
    theta: Proposal, sizes: NetworkSizes, exact: int = EXACT_POINTS,
    rational: int = RATIONAL_POINTS, focus: Focus | None = None,
) -> Counterexample | None:
    """A point of these sizes where some output of the two networks differs.

    Both networks are built at each point from the values of their parameters there
    (the same numbers as the symbolic networks at that point, without building them).
    With `focus`, only the given outputs are compared and only the given inputs are
    nonzero, so only the entries those involve are built: the point is one like any
    other (every other x_i is 0), and sizes such as D = 10**6 stay small to evaluate.
    """
    d, m, kk = sizes
    ins, outs = (focus or Focus.everything(sizes)).within(sizes)
    primed = theta.parameters({d_: d, m_: m, k_: kk})
    first = {(a, b): primed.first(sp.Integer(a), sp.Integer(b))
             for a in range(1, m + 1) for b in (0, *ins)}
    second = {(a, b): primed.second(sp.Integer(a), sp.Integer(b))
              for a in outs for b in range(m + 1)}
    entries = network_entries(d, m, kk, ins, outs)
    # An answer may mention entries that are no parameters at these sizes (e.g. a
    # sum up to 3 when M = 1), or parameters that the focus leaves out: they get values
    # like any other, and the note names the former.
    known = {e for group in entries for e in group}
    mentioned = {e for v in (*first.values(), *second.values()) for e in v.atoms(sp.Indexed)}
    extra = sorted(mentioned - known, key=sp.default_sort_key)
    outside = [e for e in extra if not is_parameter(e, sizes)]
    xs, w1, w2 = entries
    entries = (xs, w1 + [e for e in extra if e.base == THETA_W1],
               w2 + [e for e in extra if e.base != THETA_W1])
    if not all(small_rationals(v) for v in first.values()):
        # At W1 = n·log 3, tanh(10**6·W1·x) is exact but has millions of digits.
        exact, rational = 0, exact + rational
    rng = random.Random(1000 * d + 100 * m + kk)
    points = (*islice(exact_points(entries, rng), exact), *islice(rational_points(entries, rng), rational))
    for n, point in enumerate(points):
        x = {i: point[X[i]] for i in ins}
        mine = _at(point, first, second)
        true = _at(point, {key: THETA.first(*map(sp.Integer, key)) for key in first},
                   {key: THETA.second(*map(sp.Integer, key)) for key in second})
        # Each unit's activation once per point, shared by every output.
        tanh = _Shared(sp.tanh, [preactivation(mine, x, unit, d, ins) for unit in range(1, m + 1)])
        sigma = _Shared(logistic, [preactivation(true, x, unit, d, ins) for unit in range(1, m + 1)])
        for out in outs:
            answer = output_of_preactivations(mine.second, tanh, out, list(tanh.keys))
            truth = output_of_preactivations(true.second, sigma, out, list(sigma.keys))
            found = point_difference(answer, truth, {}, closer=n < CLOSER_POINTS)
            if found is not None:
                cx = counterexample_at(sizes, point, found, f"output y_{out}")
                notes = [cx.note]
                if len(ins) < d:
                    notes.append(f"every other x_i (i <= {d}) is 0")
                if outside:
                    names = ", ".join(sp.sstr(e) for e in outside)
                    notes.append(f"the answer mentions {names}, which are no parameters of a "
                                 "network of these sizes")
                return replace(cx, note="; ".join(notes))
    return None


def _at(point: dict[sp.Basic, sp.Expr], first: dict[tuple[int, int], sp.Expr],
        second: dict[tuple[int, int], sp.Expr]) -> Parameters:
    """Parameters whose entries are the given expressions' values at point."""
    def entry(table: dict[tuple[int, int], sp.Expr]) -> Weight:
        return lambda a, b: table[int(a), int(b)].xreplace(point)

    return Parameters(entry(first), entry(second))


class _Shared:
    """An activation on the given arguments, each computed once and shared by every output."""

    def __init__(self, act: Activation, arguments: list[sp.Expr]) -> None:
        self.keys = arguments
        self.values = {a: act(a) for a in arguments}

    def __call__(self, a: sp.Expr) -> sp.Expr:
        return self.values[a]


def network_entries(d: int, m: int, kk: int, inputs: Sequence[int] | None = None,
                    outputs: Sequence[int] | None = None) -> EntryGroups:
    """The entries of x, W1 and W2 that networks of these sizes mention (with only the
    given inputs nonzero and the given outputs compared, those they involve)."""
    ins = range(1, d + 1) if inputs is None else inputs
    outs = range(1, kk + 1) if outputs is None else outputs
    xs = [X[n] for n in ins]
    w1 = [THETA.first(sp.Integer(a), sp.Integer(b)) for a in range(1, m + 1) for b in (0, *ins)]
    w2 = [THETA.second(sp.Integer(a), sp.Integer(b)) for a in outs for b in range(m + 1)]
    return xs, w1, w2



def exact_points(entries: EntryGroups, rng: random.Random) -> Iterator[dict[sp.Basic, sp.Expr]]:
    """Points where σ(a) and tanh(a/2) are rational: integer x, W1 in (log 3)·Z."""
    xs, w1, w2 = entries
    while True:
        point: dict[sp.Basic, sp.Expr] = {}
        point.update({e: sp.Integer(rng.choice((1, 2, -1, 3, -2))) for e in xs})
        point.update({e: rng.choice((1, -1, 2, -2)) * LOG3 for e in w1})
        point.update({e: sp.Rational(rng.choice((1, 2, -1, 3, -3)), rng.choice((1, 2)))
                      for e in w2})
        yield point


def rational_points(entries: EntryGroups, rng: random.Random) -> Iterator[dict[sp.Basic, sp.Expr]]:
    """Exact rational points (activations then transcendental: mpmath compares)."""
    while True:
        yield {e: sp.Rational(rng.randint(-9, 9), rng.randint(1, 4))
               for group in entries for e in group}


def counterexample_at(
    sizes: NetworkSizes, point: dict[sp.Basic, sp.Expr], found: PointDifference, where: str,
) -> Counterexample:
    d, m, kk = sizes
    shown = [("D", str(d)), ("M", str(m)), ("K", str(kk))]
    shown += [(sp.sstr(e), sp.sstr(v)) for e, v in sorted(point.items(), key=_entry_order)]
    note = f"answer = y(x, Θ′, tanh), truth = y(x, Θ, σ); {found.how}"
    return Counterexample(tuple(shown), found.answer, found.truth,
                          f"{where} at D = {d}, M = {m}, K = {kk}", note)


def _entry_order(item: tuple[sp.Basic, sp.Expr]) -> tuple[int, tuple[int, ...]]:
    entry = item[0]
    assert isinstance(entry, sp.Indexed)
    rank = {"x": 0, W1.name: 1, W2.name: 2}[str(entry.base.label)]
    return rank, tuple(int(n) for n in entry.indices)
