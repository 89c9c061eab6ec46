"""How one monomial's coefficient at an entry pattern is computed: which bound variables
its entries determine (and the invertible system that solves for them), which one is
counted, and the ways its factors can be matched to the pattern's slots.

A monomial's bound variables must be determined by its entries (the stacked index
matrix has full column rank), except at most one variable that occurs nowhere but in
its range: its terms are counted, max(0, min(uppers) - max(lowers) + 1), which is linear
only when its bounds have unit coefficients and the coefficient is a constant.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from checker.prove.sizes.affine import Affine, Atom, Formula, variables
from checker.prove.sizes.normal import Monomial
from checker.prove.sizes.results import Outside

MAX_MATCHINGS = 120  # ways to match one monomial's factors to an entry pattern

Shape = tuple[tuple[tuple[str, int], ...], sp.Expr]  # ((vector, axes) per factor, opaque)


@dataclass(frozen=True)
class IndexRow:
    """One axis of one factor: index = coefficients . determined + rest."""

    factor: int
    axis: int
    coefficients: tuple[int, ...]
    rest: Affine  # in the declared integers only


@dataclass(frozen=True)
class Plan:
    term: Monomial  # its entries sorted by (name, axes), so equal vectors are adjacent
    sign: int  # +1 on the left-hand side, -1 on the right
    determined: tuple[sp.Dummy, ...]  # bound variables fixed by the entries
    rows: tuple[IndexRow, ...]
    chosen: tuple[int, ...]  # indices into rows: an invertible square system
    det: int  # its determinant ...
    adjugate: tuple[tuple[int, ...], ...]  # ... and adjugate (solution = adjugate . rhs / det)
    counted: sp.Dummy | None
    lowers: tuple[Affine, ...]  # counted >= each of these ...
    uppers: tuple[Affine, ...]  # ... and <= each of these
    rest_guard: tuple[Formula, ...]  # the guard without the counted variable's bounds

    @property
    def shape(self) -> Shape:
        names = tuple(sorted((n, len(ix)) for n, ix in self.term.entries))
        return names, self.term.opaque


def plan_of(t: Monomial, sign: int) -> Plan:
    entries = tuple(sorted(t.entries, key=lambda en: (en[0], len(en[1]))))
    t = Monomial(t.bound, t.guard, t.coef, t.opaque, entries)
    in_entries = set().union(*(a.vars() for _, ix in entries for a in ix))
    determined = tuple(b for b in t.bound if b in in_entries)
    free = [b for b in t.bound if b not in in_entries]
    if any(b in t.coef.vars() for b in free):
        raise Outside("a coefficient depends on a summation variable that no entry determines "
                      "(e.g. Sum(j, ...)): counting it is not linear")
    rows = tuple(IndexRow(factor, axis, tuple(int(a.coef(b)) for b in determined), a.without(determined))
                 for factor, (_, ix) in enumerate(entries) for axis, a in enumerate(ix))
    chosen, det, adjugate = _invertible_rows(rows, len(determined))
    if len(free) > 1:
        raise Outside("more than one summation variable is determined by no entry (the number "
                      "of terms would be a non-linear count)")
    if not free:
        return Plan(t, sign, determined, rows, chosen, det, adjugate, None, (), (), t.guard)
    counted = free[0]
    if not t.coef.is_const():
        raise Outside("a size-dependent coefficient times a number of terms is non-linear")
    keep: list[Formula] = []
    lowers: list[Affine] = []
    uppers: list[Affine] = []
    for c in t.guard:
        if counted not in variables(c):
            keep.append(c)
            continue
        if not (isinstance(c, Atom) and c.op == "<=" and abs(c.aff.coef(counted)) == 1):
            raise Outside("the range of a summation variable that no entry determines is "
                          "not an interval with unit-coefficient bounds")
        if c.aff.coef(counted) == 1:  # j + rest <= 0  ->  j <= -rest
            uppers.append(-(c.aff - Affine.var(counted)))
        else:  # -j + rest <= 0  ->  j >= rest
            lowers.append(c.aff + Affine.var(counted))
    if not lowers or not uppers:
        raise Outside("a summation range is unbounded")
    return Plan(t, sign, determined, rows, chosen, det, adjugate, counted, tuple(lowers),
                tuple(uppers), tuple(keep))


def _invertible_rows(rows: tuple[IndexRow, ...], unknowns: int
                     ) -> tuple[tuple[int, ...], int, tuple[tuple[int, ...], ...]]:
    """The first rows that raise the rank, until it is `unknowns`: their indices, the
    determinant and the adjugate of that square system."""
    if not unknowns:
        return (), 1, ()
    current = sp.zeros(0, unknowns)
    chosen: list[int] = []
    for r, row in enumerate(rows):
        trial = current.col_join(sp.Matrix([row.coefficients]))
        if trial.rank() > current.rows:
            current, chosen = trial, chosen + [r]
        if len(chosen) == unknowns:
            break
    if len(chosen) < unknowns:
        raise Outside("the entries do not determine the summation variables (the index map "
                      "is not injective): counting equal monomials is outside the fragment")
    adjugate = current.adjugate()
    return (tuple(chosen), int(current.det()),
            tuple(tuple(int(x) for x in adjugate.row(i)) for i in range(unknowns)))


def matchings(plan: Plan) -> list[tuple[int, ...]]:
    """The ways to send the monomial's factors to the pattern's slots (slot s gets factor
    order[s]), permuting only factors of the same vector, without repeats: two orders
    that give the same index expressions are one."""
    entries = plan.term.entries
    groups: list[list[int]] = []
    for pos, (name, ix) in enumerate(entries):
        first = entries[groups[-1][0]] if groups else None
        if first is not None and first[0] == name and len(first[1]) == len(ix):
            groups[-1].append(pos)
        else:
            groups.append([pos])
    count = 1
    for g in groups:
        for k in range(2, len(g) + 1):
            count *= k
    if count > MAX_MATCHINGS:
        raise Outside(f"a monomial has {count} ways to match an entry pattern "
                      f"(limit {MAX_MATCHINGS})")
    seen, out = set(), []
    for perms in itertools.product(*(itertools.permutations(g) for g in groups)):
        order = tuple(p for perm in perms for p in perm)
        key = tuple(tuple(a.key() for a in entries[p][1]) for p in order)
        if key not in seen:
            seen.add(key)
            out.append(order)
    return out
