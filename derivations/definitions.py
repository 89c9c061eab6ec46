"""Definitions the truths are built from. Nothing here knows any answer.

Each function is the textbook definition, written out: the checker derives the
truth from these (SymPy differentiates, sums are formed, networks are built).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp


def logistic(a: sp.Expr) -> sp.Expr:
    """The logistic sigmoid by its definition 1 / (1 + e^(-a))."""
    return 1 / (1 + sp.exp(-a))


def logit(f: sp.Expr) -> sp.Expr:
    """The inverse of the logistic sigmoid on (0, 1): a = log(f / (1 - f))."""
    return sp.log(f / (1 - f))


def cross_entropy(target: Sequence[sp.Expr], model: Sequence[sp.Expr]) -> sp.Expr:
    """H(p, q) = -sum_c p_c log q_c."""
    return -sp.Add(*(p * sp.log(q) for p, q in zip(target, model, strict=True)))


def mean_squared_error(target: Sequence[sp.Expr], output: Sequence[sp.Expr]) -> sp.Expr:
    """(1/n) sum_c (output_c - target_c)^2."""
    n = len(target)
    return sp.Add(*((o - t) ** 2 for t, o in zip(target, output, strict=True))) / n


def bernoulli(y: sp.Expr, f: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """The two-class distributions (P(class 1), P(class 0)) for a probability f."""
    return (f, 1 - f)


def softmax(x: Sequence[sp.Expr]) -> list[sp.Expr]:
    """S(x)_i = exp(x_i) / sum_j exp(x_j), for an explicit vector."""
    denominator = sp.Add(*(sp.exp(v) for v in x))
    return [sp.exp(v) / denominator for v in x]


def softmax_sum_over(x: sp.IndexedBase, size: sp.Expr) -> sp.Expr:
    """The softmax denominator sum_j exp(x_j), j = 1..size, for a symbolic or numeric size."""
    j = sp.Symbol("j", integer=True)
    return sp.Sum(sp.exp(x[j]), (j, 1, size))


def softmax_entry(x: sp.IndexedBase, i: sp.Expr, size: sp.Expr) -> sp.Expr:
    """S(x)_i for a vector of symbolic length `size` (1-based indices)."""
    return sp.exp(x[i]) / softmax_sum_over(x, size)


def shifted(x: sp.IndexedBase, c: sp.Expr) -> sp.Lambda:
    """The vector x + c as an index map (so symbolic-length softmax can take it)."""
    i = sp.Symbol("i", integer=True)
    return sp.Lambda(i, x[i] + c)


def softmax_entry_of_map(entry: sp.Lambda, i: sp.Expr, size: sp.Expr) -> sp.Expr:
    """S(v)_i where v_m = entry(m), for symbolic length `size`."""
    j = sp.Symbol("j", integer=True)
    return sp.exp(entry(i)) / sp.Sum(sp.exp(entry(j)), (j, 1, size))


def vector(name: str, size: int) -> list[sp.Expr]:
    """The entries name[1], ..., name[size] of a real vector."""
    base = sp.IndexedBase(name, real=True)
    return [base[m] for m in range(1, size + 1)]


# Sums written out at a concrete size ------------------------------------------------------
WRITE_OUT_LIMIT = 2000  # terms of one Sum written out in full when they are not entries


class NotWrittenOut(Exception):
    """A sum that is neither small enough to write out nor a sum over entries of the vector."""


class OutOfRange(Exception):
    """The expression uses an entry that the vector does not have at this size."""


def sums_written_out(expr: sp.Expr, x: sp.IndexedBase, involved: frozenset[int], size: int) -> sp.Expr:
    """expr (every size and index a number) with every Sum replaced by its terms, at a point
    where x[m] = 0 for every m not in `involved` (x has the entries 1..size). A sum whose
    terms depend on its variable only through entries x[j + a] is the terms at the j that
    reach an involved entry plus the common value of all the others times their count, so
    a sum over 10**6 entries costs a few terms; a term with KroneckerDelta(j, n) is the
    term at j = n. Raises OutOfRange for an entry outside 1..size, NotWrittenOut else."""
    out = expr.replace(lambda e: isinstance(e, sp.Sum), lambda e: _sum_out(e, x, involved, size))
    for entry in out.atoms(sp.Indexed):
        if entry.base == x and not (entry.indices[0].is_Integer and 1 <= entry.indices[0] <= size):
            raise OutOfRange(sp.sstr(entry.indices[0]))
    return out.xreplace({e: sp.Integer(0) for e in out.atoms(sp.Indexed)
                         if e.base == x and int(e.indices[0]) not in involved})


def _sum_out(total: sp.Sum, x: sp.IndexedBase, involved: frozenset[int], size: int) -> sp.Expr:
    body = total.function
    for j, low, high in total.limits:  # innermost first
        body = _one_sum(body, j, low, high, (x, involved, size))
    return body


Point = tuple[sp.IndexedBase, frozenset[int], int]  # the vector, its nonzero entries, its size


def _one_sum(body: sp.Expr, j: sp.Symbol, low: sp.Expr, high: sp.Expr, point: Point) -> sp.Expr:
    if not (low.is_Integer and high.is_Integer):
        raise NotWrittenOut(f"the bounds {low}, {high} are not numbers")
    if high < low:  # SymPy's (Karr's) convention, as where sizes are written out in full
        return sp.Integer(0) if high == low - 1 else -_one_sum(body, j, high + 1, low - 1, point)
    out: sp.Expr = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(body)):
        delta = next((f for f in sp.Mul.make_args(term)
                      if isinstance(f, sp.KroneckerDelta) and j in f.free_symbols), None)
        if delta is not None:
            solution = sp.solve(delta.args[0] - delta.args[1], j)
            if len(solution) != 1 or not solution[0].is_Integer:
                raise NotWrittenOut(f"{delta} does not fix {j}")
            if low <= solution[0] <= high:
                out += term.xreplace({j: solution[0]})
            continue
        out += _entry_sum(term, j, int(low), int(high), point)
    return out


def _entry_sum(term: sp.Expr, j: sp.Symbol, low: int, high: int, point: Point) -> sp.Expr:
    x, involved, size = point
    entries = [e for e in term.atoms(sp.Indexed) if j in e.free_symbols]
    offsets = {e.indices[0] - j for e in entries}
    rest = term.xreplace({e: sp.Integer(0) for e in entries})
    if all(e.base == x for e in entries) and all(a.is_Integer for a in offsets) \
            and j not in rest.free_symbols:
        for a in offsets:
            if low + a < 1 or high + a > size:
                raise OutOfRange(sp.sstr(low + a if low + a < 1 else high + a))
        special = sorted({m - int(a) for m in involved for a in offsets if low <= m - a <= high})
        return sp.Add(*(term.xreplace({j: v}) for v in special)) + (high - low + 1 - len(special)) * rest
    if high - low + 1 <= WRITE_OUT_LIMIT:
        return sp.Add(*(term.xreplace({j: v}) for v in range(low, high + 1)))
    raise NotWrittenOut(f"a sum of {high - low + 1} terms that are not entries of {x}")


# Softmax of a vector written with a leading zero (question 2.3's S([0, y_1, ..., y_{K-1}])) ------
def softmax_entry_after_zero(rest: sp.Lambda, i: sp.Expr, size: sp.Expr) -> sp.Expr:
    """S(v)_i for v = [0, rest(1), ..., rest(size - 1)] (size entries, 1-based): exp of
    entry i over the sum of exp of every entry, the first (exp(0) = 1) written apart."""
    j = sp.Symbol("j", integer=True)
    entry = sp.Piecewise((sp.Integer(0), sp.Eq(i, 1)), (rest(i - 1), True))
    return sp.exp(entry) / (sp.exp(sp.Integer(0)) + sp.Sum(sp.exp(rest(j)), (j, 1, size - 1)))
