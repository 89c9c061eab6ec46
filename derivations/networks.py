"""The two-layer network of question 3, built from its definition.

    y(x, Θ, h)_k = Σ_{j=1}^{M} ω²_kj h(Σ_{i=1}^{D} ω¹_ji x_i + ω¹_j0) + ω²_k0,   1 ≤ k ≤ K

Θ = (ω¹, ω²) is given as two index maps, so the same code builds the network of
the reference weights (indexed symbols W1[j, i], W2[k, j]) and the network of any
Θ′ an answer proposes (expressions in those symbols). Index 0 is the bias, as in
the assignment. Nothing here knows any answer: these are the definitions the
truth of question 3 is derived from.

Two builders: written out for explicit sizes D, M (Python loops, no `Sum`), and
with `sp.Sum` for symbolic sizes. They share `Parameters` and nothing else, so
the explicit one is an independent witness for the symbolic one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import sympy as sp

Weight = Callable[[sp.Expr, sp.Expr], sp.Expr]
Activation = Callable[[sp.Expr], sp.Expr]

# Bound indices of the symbolic sums. Positive, because the sums run from 1: an
# answer written `... if i >= 1 else ...` then resolves inside the sum.
HIDDEN = sp.Symbol("j", integer=True, positive=True)
INPUT = sp.Symbol("i", integer=True, positive=True)


@dataclass(frozen=True)
class Parameters:
    """Θ = (ω¹, ω²) as index maps: first(j, i) = ω¹_ji, second(k, j) = ω²_kj.

    first(j, 0) is the bias of hidden unit j, second(k, 0) the bias of output k.
    """

    first: Weight
    second: Weight


def indexed_parameters(first: str = "W1", second: str = "W2") -> Parameters:
    """Θ as independent real symbols W1[j, i] and W2[k, j]."""
    w1 = sp.IndexedBase(first, real=True)
    w2 = sp.IndexedBase(second, real=True)
    return Parameters(lambda j, i: w1[j, i], lambda k, j: w2[k, j])


def inputs(name: str = "x") -> sp.IndexedBase:
    """The input x ∈ R^D as an indexed real symbol x[1], ..., x[D]."""
    return sp.IndexedBase(name, real=True)


# Explicit sizes -------------------------------------------------------------------
def preactivation(
    theta: Parameters, x: sp.IndexedBase | Mapping[int, sp.Expr], j: int, inputs_d: int,
    nonzero: Sequence[int] | None = None,
) -> sp.Expr:
    """Σ_{i=1}^{D} ω¹_ji x_i + ω¹_j0, written out (x: the symbol, or values x[1..D]).

    `nonzero`: the inputs i whose x_i may be nonzero, when every other x_i is 0 (so a
    network with D = 10**6 inputs is evaluated at such a point with a few terms).
    """
    used = range(1, inputs_d + 1) if nonzero is None else nonzero
    terms = [theta.first(sp.Integer(j), sp.Integer(i)) * x[i] for i in used]
    return sp.Add(theta.first(sp.Integer(j), sp.Integer(0)), *terms)


def output(
    theta: Parameters, x: sp.IndexedBase, act: Activation, k: int, inputs_d: int, hidden_m: int
) -> sp.Expr:
    """y(x, Θ, act)_k for explicit D and M, written out term by term."""
    pre = [preactivation(theta, x, j, inputs_d) for j in range(1, hidden_m + 1)]
    return output_of_preactivations(theta.second, act, k, pre)


def output_of_preactivations(
    second: Weight, act: Activation, k: int, pre: Sequence[sp.Expr]
) -> sp.Expr:
    """Σ_j ω²_kj act(a_j) + ω²_k0 given the hidden pre-activations a_1, ..., a_M.

    The second half of the definition on its own, so a proof can hand it fresh
    symbols for the a_j (see question 3).
    """
    terms = [second(sp.Integer(k), sp.Integer(j)) * act(a) for j, a in enumerate(pre, start=1)]
    return sp.Add(second(sp.Integer(k), sp.Integer(0)), *terms)


def outputs(
    theta: Parameters, x: sp.IndexedBase, act: Activation,
    inputs_d: int, hidden_m: int, outputs_k: int,
) -> tuple[sp.Expr, ...]:
    """(y_1, ..., y_K) for explicit sizes."""
    return tuple(output(theta, x, act, k, inputs_d, hidden_m) for k in range(1, outputs_k + 1))


# Symbolic sizes -------------------------------------------------------------------
def preactivation_sum(
    theta: Parameters, x: sp.IndexedBase, j: sp.Expr, inputs_d: sp.Expr
) -> sp.Expr:
    """Σ_{i=1}^{D} ω¹_ji x_i + ω¹_j0 with D a symbol."""
    return sp.Sum(theta.first(j, INPUT) * x[INPUT], (INPUT, 1, inputs_d)) + theta.first(
        j, sp.Integer(0)
    )


def output_sum(
    theta: Parameters, x: sp.IndexedBase, act: Activation,
    k: sp.Expr, inputs_d: sp.Expr, hidden_m: sp.Expr,
) -> sp.Expr:
    """y(x, Θ, act)_k with D, M (and k) symbols: nested `Sum`s over indexed weights."""
    unit = theta.second(k, HIDDEN) * act(preactivation_sum(theta, x, HIDDEN, inputs_d))
    return sp.Sum(unit, (HIDDEN, 1, hidden_m)) + theta.second(k, sp.Integer(0))


# Sums written out -------------------------------------------------------------------
MAX_SUM_TERMS = 4096  # the longest Sum range `write_out` expands


class Unwritable(Exception):
    """A Sum that cannot be written out: a range too long, or limits not integers."""


def write_out(expr: sp.Basic, max_terms: int = MAX_SUM_TERMS) -> sp.Basic:
    """expr with every `Sum` written out term by term; Sum(t, (j, a, b)) is 0 when b < a.

    SymPy's own `Sum.doit` follows Karr's convention (a sum with b < a − 1 is the
    negative of the sum over b + 1..a − 1); the sums of an answer are read with the
    usual one, as in question 5. Inner sums see the outer index values, and a bound
    index shadows a free symbol of the same name. Raises `Unwritable` for a range
    longer than `max_terms` or limits that are not integers once the outer indices
    are known.
    """
    if not expr.has(sp.Sum):
        return expr
    return _write(expr, {}, max_terms)


def _write(e: sp.Basic, env: dict[sp.Basic, sp.Basic], max_terms: int) -> sp.Basic:
    if not e.has(sp.Sum):
        return e.xreplace(env) if env else e
    if isinstance(e, sp.Sum):
        # Sum(f, inner..., outer) is Sum(Sum(f, inner...), outer); SymPy itself flattens
        # nested sums into one with several limits, the first the innermost.
        *inner, (index, low, high) = e.limits
        body = sp.Sum(e.function, *inner) if inner else e.function
        first, last = _write(low, env, max_terms), _write(high, env, max_terms)
        if not (first.is_Integer and last.is_Integer):
            raise Unwritable(f"a Sum from {sp.sstr(first)} to {sp.sstr(last)}: the limits are "
                             "not integers")
        if last < first:
            return sp.Integer(0)
        if last - first + 1 > max_terms:
            raise Unwritable(f"a Sum runs over more than {max_terms} values")
        return sp.Add(*[_write(body, {**env, index: sp.Integer(v)}, max_terms)
                        for v in range(int(first), int(last) + 1)])
    return e.func(*(_write(a, env, max_terms) for a in e.args))
