"""Admissible cases of a size formula, found by z3 from the constraints: where the grid
of small sizes starts, and the cases beyond the grid where the truth and the simulation
are compared again after a proof.

* `starts`: for each size, the smallest value an admissible case allows (a constraint
  `d >= 20` moves the grid of d to 20..), so the grid is placed where the constraints
  hold; the lower bounds where z3 cannot tell.
* `beyond`: deterministic cases outside the grid, at most BEYOND_CASES: where the
  truth's pieces switch (a Max or Min argument equal to another, a Piecewise condition
  or a Sum's bound on its edge, and one either side), z3's cases with one size far
  beyond the grid, and pseudo-random admissible cases (a fixed seed) with sizes up to
  FAR_FACTOR times the grid's top.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable

import sympy as sp

from checker.authoring.names import Size
from checker.prove.sizes import Counterexample as SizesFound
from checker.prove.sizes import Proved, decide_all_sizes
from checker.prove.sizes.results import Result

QUERY_MS = 500  # z3's time for one query about the constraints
FAR_FACTOR = 10  # cases beyond the grid have sizes up to this times the grid's top
FAR_CASES = 24  # pseudo-random admissible cases beyond the grid
SWITCHES = 12  # the most places where the truth's pieces switch that are looked at
BEYOND_CASES = 64  # the most cases beyond the grid
BEYOND_SECONDS = 3.0  # the z3 time for finding them
Case = tuple[int, ...]
Admissible = Callable[[dict[sp.Symbol, int]], bool]


def _query(declared: tuple[Size, ...], relations: tuple[sp.Basic, ...],
           condition: sp.Basic = sp.true) -> Result:
    """z3: an admissible case where `condition` holds (SizesFound, small sizes), none
    (Proved), or no answer (OutsideFragment)."""
    indicator = sp.Integer(1) if condition is sp.true else sp.Piecewise((1, condition), (0, True))
    return decide_all_sizes(indicator, sp.Integer(0), integers=tuple(s.symbol for s in declared),
                            constraints=relations, vectors={}, timeout_ms=QUERY_MS)


def _case(found: Result, declared: tuple[Size, ...]) -> Case | None:
    if not isinstance(found, SizesFound):
        return None
    if not all(s.variable.name in found.sizes for s in declared):
        return None
    return tuple(found.sizes[s.variable.name] for s in declared)


def vacuous(declared: tuple[Size, ...], relations: tuple[sp.Basic, ...]) -> bool:
    """True only when z3 shows that no sizes satisfy the constraints."""
    return isinstance(_query(declared, relations), Proved)


def starts(declared: tuple[Size, ...], relations: tuple[sp.Basic, ...]) -> Case:
    """For each size, the smallest value of an admissible case (binary search with z3
    between its lower bound and a case z3 found); the lower bound where z3 cannot tell."""
    model = _case(_query(declared, relations), declared)
    if model is None:
        return tuple(s.lower for s in declared)
    out = []
    for size, high in zip(declared, model, strict=True):
        low = size.lower
        while low < high:
            middle = (low + high) // 2
            if isinstance(_query(declared, relations, size.symbol <= middle), Proved):
                low = middle + 1  # no admissible case has size <= middle
            else:
                high = middle  # one has (or z3 cannot tell: the grid starts lower, never wrongly higher)
        out.append(low)
    return tuple(out)


def switches(formula: sp.Basic, symbols: tuple[sp.Symbol, ...]) -> list[sp.Expr]:
    """Expressions in the sizes that are 0 where the formula's pieces switch: differences
    of Max and Min arguments, the sides of relations (Piecewise conditions, Sum guards),
    the arguments of Abs and sign."""
    found: list[sp.Expr] = []
    for e in sorted(formula.atoms(sp.Max, sp.Min), key=sp.default_sort_key):
        found += [a - b for a, b in itertools.combinations(e.args, 2)]
    for e in sorted(formula.atoms(sp.Abs, sp.sign, sp.Heaviside), key=sp.default_sort_key):
        found.append(e.args[0])
    for r in sorted(formula.atoms(sp.core.relational.Relational), key=sp.default_sort_key):
        found.append(r.lhs - r.rhs)
    out: list[sp.Expr] = []
    for e in found:
        if isinstance(e, sp.Expr) and e.free_symbols and e.free_symbols <= set(symbols) and e not in out:
            out.append(e)
    return out[:SWITCHES]


def beyond(declared: tuple[Size, ...], relations: tuple[sp.Basic, ...], formula: sp.Basic,
           box: tuple[range, ...], admissible: Admissible, limit: int) -> list[Case]:
    """Admissible cases outside the grid `box` (see the module docstring), each size at
    most `limit`, in a fixed order: switches first, then far cases."""
    symbols = tuple(s.symbol for s in declared)
    deadline = time.monotonic() + BEYOND_SECONDS
    out: list[Case] = []

    def keep(case: Case | None) -> None:
        if (case is not None and case not in out and len(out) < BEYOND_CASES
                and max(case, default=0) <= limit
                and not all(v in r for v, r in zip(case, box, strict=True))
                and admissible(dict(zip(symbols, case, strict=True)))):
            out.append(case)

    tops = tuple(r[-1] if len(r) else s.lower for r, s in zip(box, declared, strict=True))
    conditions: list[sp.Basic] = [sp.Eq(e, t) for e in switches(formula, symbols) for t in (0, 1, -1)]
    conditions += [s.symbol >= factor * top for factor in (3, FAR_FACTOR)
                   for s, top in zip(declared, tops, strict=True)]
    for condition in conditions:
        if time.monotonic() > deadline:
            break
        keep(_case(_query(declared, relations, condition), declared))
    generator = random.Random(20240601)  # deterministic: the same cases on every run
    far = 0
    for _ in range(FAR_CASES * 8):
        if far >= FAR_CASES:
            break
        case = tuple(generator.randint(r.start, max(r.start, FAR_FACTOR * top))
                     for r, top in zip(box, tops, strict=True))
        before = len(out)
        keep(case)
        far += len(out) > before
    return out
