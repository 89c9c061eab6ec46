"""Canonical forms of the polynomials `checker.prove.arrays` evaluates, and comparing
two expressions at every point at once.

Equal polynomials at every point are a proof for all the points; a differing point is
a counterexample (which the question re-evaluates independently before reporting it).
Where an expression needed the entries' values (`substitute`), the two sides are
compared as numbers at the fixed random entry values: agreement is evidence only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from checker.prove.arrays import (
    INT64_SAFE,
    ArrayValue,
    Evaluator,
    NeedsExact,
    PointSet,
    Unsupported,
    VectorRule,
    entry_products,
    magnitude,
)
from checker.prove.lazy import OnFirstUse

if TYPE_CHECKING:
    import numpy as np
else:
    np = OnFirstUse("numpy", globals(), "np")


@dataclass(frozen=True)
class Rows:
    """A polynomial per point in canonical form: sorted (point, monomial) rows with
    nonzero coefficients; a monomial is its sorted entry codes, padded with 0."""

    point: np.ndarray
    codes: np.ndarray
    coef: np.ndarray


def rows_of(v: ArrayValue) -> Rows:
    degree = max([t.codes.shape[1] for t in v.terms], default=0)
    points, codes, coefs = [], [], []
    for t in v.terms:
        nonzero = np.flatnonzero(np.asarray(t.coef != 0, dtype=bool))
        padded = np.zeros((nonzero.size, degree), np.int64)
        padded[:, : t.codes.shape[1]] = t.codes[nonzero]
        points.append(nonzero)
        codes.append(np.sort(padded, axis=1))
        coefs.append(t.coef[nonzero])
    if not points:
        return Rows(np.zeros(0, np.int64), np.zeros((0, 0), np.int64), np.zeros(0, np.int64))
    return canonical(Rows(np.concatenate(points), np.vstack(codes), np.concatenate(coefs)))


def canonical(r: Rows) -> Rows:
    if r.point.size == 0:
        return r
    keys = [r.codes[:, c] for c in range(r.codes.shape[1] - 1, -1, -1)] + [r.point]
    order = np.lexsort(keys)
    point, codes, coef = r.point[order], r.codes[order], r.coef[order]
    new = np.ones(point.size, dtype=bool)
    new[1:] = (point[1:] != point[:-1]) | np.any(codes[1:] != codes[:-1], axis=1)
    starts = np.flatnonzero(new)
    if coef.dtype != object and magnitude(coef) * coef.size >= INT64_SAFE:
        coef = coef.astype(object)  # a group's sum could wrap around in int64
    sums = np.add.reduceat(coef, starts)
    keep = np.asarray(sums != 0, dtype=bool)
    return Rows(point[starts][keep], codes[starts][keep], sums[keep])


def difference(a: Rows, b: Rows) -> Rows:
    degree = max(a.codes.shape[1], b.codes.shape[1])

    def pad(c: np.ndarray) -> np.ndarray:
        out = np.zeros((c.shape[0], degree), np.int64)
        out[:, degree - c.shape[1]:] = c  # sorted codes keep their 0 padding in front
        return out

    wide = object in (a.coef.dtype, b.coef.dtype) or max(
        magnitude(a.coef), magnitude(b.coef)) >= INT64_SAFE
    coef = np.concatenate([a.coef.astype(object), -b.coef.astype(object)]) if wide else (
        np.concatenate([a.coef, -b.coef]))
    return canonical(Rows(np.concatenate([a.point, b.point]),
                          np.vstack([pad(a.codes), pad(b.codes)]), coef))


def numbers_of(r: Rows, points: PointSet) -> np.ndarray:
    """The rows' polynomials at the fixed random entry values, per point."""
    out = np.zeros(points.count, dtype=object)
    values = entry_products(r.codes, points.free.values, exact=True)
    np.add.at(out, r.point, r.coef.astype(object) * values)
    return out


@dataclass(frozen=True)
class Evaluated:
    """An expression at every point: exact rows, or (when the entries' values were
    needed) numbers at the random entry values."""

    rows: Rows | None
    numbers: np.ndarray | None
    undefined: np.ndarray
    note: str = ""  # why only numbers


def evaluate_all(expr: sp.Basic, points: PointSet, rules: dict[str, VectorRule]) -> Evaluated:
    """Exact polynomials when the answer has that form; otherwise numbers at the random
    entry values (Unsupported if even that is impossible)."""
    try:
        v = _in_either_precision(points, rules, expr, substitute=False)
        return Evaluated(rows_of(v), None, v.undefined)
    except Unsupported as exc:
        why = str(exc)
    v = _in_either_precision(points, rules, expr, substitute=True)
    numbers = Evaluator(points, rules, exact=True, substitute=True).scalar(v, expr)
    return Evaluated(None, numbers.astype(object), v.undefined, why)


def _in_either_precision(points: PointSet, rules: dict[str, VectorRule], expr: sp.Basic,
                         substitute: bool) -> ArrayValue:
    """int64 first (fast); Python integers and fractions when int64 is not enough."""
    try:
        return Evaluator(points, rules, exact=False, substitute=substitute).value(expr, {})
    except NeedsExact:
        return Evaluator(points, rules, exact=True, substitute=substitute).value(expr, {})


@dataclass(frozen=True)
class Mismatch:
    point: int
    exact: bool  # found by comparing exact polynomials (else at random entry values)


@dataclass(frozen=True)
class Comparison:
    mismatch: Mismatch | None
    proof: bool  # equal as polynomials at every point
    note: str = ""


def compare_everywhere(answer: Evaluated, truth: Evaluated, points: PointSet) -> Comparison:
    """Where the two differ (the first point), and whether equality is a proof."""
    undefined = answer.undefined & ~truth.undefined
    if answer.rows is not None and truth.rows is not None:
        bad = difference(answer.rows, truth.rows).point
        candidates = list(bad[:1]) + list(np.flatnonzero(undefined)[:1])
        if candidates:
            return Comparison(Mismatch(int(min(candidates)), True), False)
        return Comparison(None, True)
    a = answer.numbers if answer.numbers is not None else numbers_of(answer.rows, points)  # type: ignore[arg-type]
    t = truth.numbers if truth.numbers is not None else numbers_of(truth.rows, points)  # type: ignore[arg-type]
    both = ~answer.undefined & ~truth.undefined
    bad = np.flatnonzero((both & (a != t)) | undefined)
    note = answer.note or truth.note
    if bad.size:
        return Comparison(Mismatch(int(bad[0]), False), False, note)
    return Comparison(None, False, note)
