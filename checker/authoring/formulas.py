"""Size formulas (an output length, a parameter count): an answer in whole-number sizes,
against a formula derived from definitions and a simulation run at concrete sizes.

* The grid: every size over a few values from the smallest value the constraints allow
  (found by z3, `cases.starts`; the lower bound where z3 cannot tell), its admissible
  cases simulated, exact integers.
* refuted: the answer differs from the simulation at an admissible case of the grid, or
  at sizes where z3 finds the answer and the truth differ, re-checked by the simulation;
* verified: only when z3 (`decide_all_sizes`) proves answer ≡ truth for every admissible
  size, the constraints admit a case, AND the simulation agrees with the truth at every
  admissible case of the grid (at least one) and at the admissible cases beyond it that
  `cases.beyond` finds (where the truth's pieces switch, and far beyond the grid);
* floor and ceiling are outside the Presburger fragment: such a formula goes to z3 with
  exact integer parts (`checker.prove.rounding`), linear for a constant divisor, nonlinear
  (z3 may give up) for a size as divisor;
* undecided otherwise: a formula z3 cannot settle that matches the grid names the grid
  it matched; a truth that disagrees
  with its simulation anywhere it was run is an internal inconsistency, never verified;
  constraints that admit no case (refused at declaration where z3 shows it) or no
  simulated case leave every answer undecided.

The remaining limit: the proof is against the truth, which is the author's derivation;
the simulation is a witness only on the sizes it was run at. A truth that agrees with
the simulation on the grid and on every case beyond it that was tried, yet differs from
the definition elsewhere, still verifies answers equal to it.
Sums follow the empty-sum convention (`search.empty_sums`), on both sides.
"""

from __future__ import annotations

import functools
import itertools
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from checker.authoring import cases
from checker.authoring.common import (
    Answer,
    described,
    exact_number,
    examples_of,
    functions_of,
    require_callable,
)
from checker.authoring.names import Names, Size, size_variables
from checker.authoring.search import PRESBURGER_MS, empty_sums
from checker.model.claims import Decided
from checker.model.errors import AnswerError
from checker.model.namespace import Namespace
from checker.model.options import Options
from checker.model.question import AnswerKind, Question
from checker.model.verdict import Counterexample, Outcome, Status
from checker.prove.rounding import decide_for_integers, equal_terms
from checker.prove.sampling import as_fraction, compile_exact, value_at_integers
from checker.prove.sizes import Counterexample as SizesFound
from checker.prove.sizes import OutsideFragment, Proved, decide_all_sizes
from checker.prove.sizes.exact import COMPARISONS

GRID_CASES = 4096  # the grid has at most this many cases before the constraints
SIMULATE_LIMIT = 5000  # sizes found by z3 (or beyond the grid) are simulated only up to this
BEYOND_SECONDS = 5.0  # the simulation's time for the cases beyond the grid
Case = tuple[int, ...]
Value = Fraction | str  # an exact rational, else how the value shows (never equal to one)
Rows = tuple[tuple[Case, Fraction, Value], ...]  # (case, simulated, truth there)


@dataclass(frozen=True)
class Witness:
    """The simulation against the truth: on the grid, and (computed on first need) beyond it."""

    rows: Rows  # every admissible case of the grid, smallest first
    text: str  # 'd = 20..31, k = 1..12 (144 admissible cases)'
    beyond: Callable[[], Rows]


def size_formula(id: str, title: str, *, sizes: Mapping[str, int], truth: Callable[[Names], sp.Expr],
                 simulate: Callable[..., object], reference: str,
                 constraints: Callable[[Names], Iterable[sp.Basic]] | None = None,
                 functions: Iterable[str] | None = None, statement: str = "", how: str = "",
                 right: Iterable[Answer] = (), wrong: Iterable[Answer] = (),
                 notes: Iterable[str] = ()) -> Question:
    """A formula in whole-number sizes. `sizes` {"n": 1, "p": 0}: name -> lower bound;
    `constraints(n)`: SymPy relations the sizes satisfy (k <= n + 2*p), read at
    declaration (constraints that admit no case raise ValueError); `truth(n)`: the
    formula derived from definitions; `simulate(**sizes)`: the exact result at concrete
    sizes, by running the definition (keyword arguments named as the sizes)."""
    require_callable(truth, "truth")
    require_callable(simulate, "simulate")
    if constraints is not None:
        require_callable(constraints, "constraints")
    declared = size_variables(sizes)
    if not declared:
        raise ValueError("a size formula needs at least one size")
    names = Names({s.variable.name: s.symbol for s in declared})
    symbols = tuple(s.symbol for s in declared)
    namespace = Namespace(variables=tuple(s.variable for s in declared), functions=functions_of(functions))
    relations = _relations(constraints, names, declared, id)
    if cases.vacuous(declared, relations):
        raise ValueError(f"question {id}: the declared sizes admit no case (the constraints and "
                         "the lower bounds hold for no whole numbers)")
    admissible = _admissible(relations, symbols)

    @functools.cache
    def derived() -> sp.Expr:
        formula = truth(names)
        if isinstance(formula, int) and not isinstance(formula, bool):
            formula = sp.Integer(formula)
        if not isinstance(formula, sp.Expr) or not formula.free_symbols <= set(symbols):
            raise TypeError(f"the truth of {id} must be a SymPy expression in the sizes, got {formula!r}")
        return empty_sums(formula)

    @functools.cache
    def placed() -> Case:
        return cases.starts(declared, relations)

    def simulated_rows(points: Iterable[Case], seconds: float | None = None) -> Rows:
        """Simulated and derived at each case; with `seconds`, the cases run smallest first
        and stop once the time is spent or one simulation took a tenth of it (the larger
        ones would take longer still; one slow call is bounded only by the check's limits)."""
        formula = derived()
        if seconds is not None:
            points = sorted(points, key=lambda c: (max(c, default=0), sum(c), c))
        started = time.monotonic()
        rows = []
        for case in points:
            before = time.monotonic()
            if seconds is not None and before - started > seconds:
                break
            env = dict(zip(symbols, case, strict=True))
            rows.append((case, _simulated(simulate, declared, case, id), _value(formula, env)))
            if seconds is not None and time.monotonic() - before > seconds / 10:
                break
        return tuple(rows)

    @functools.cache
    def table(span: int) -> Rows:
        """(case, simulated, truth there) for every admissible case of the grid, smallest first."""
        return simulated_rows(case for case in _grid(placed(), span)
                              if admissible(dict(zip(symbols, case, strict=True))))

    @functools.cache
    def beyond(span: int) -> Rows:
        box = tuple(range(first, first + span) for first in placed())
        found = cases.beyond(declared, relations, derived(), box, admissible, SIMULATE_LIMIT)
        return simulated_rows(found, BEYOND_SECONDS)

    def claim(answer: Any, options: Options) -> Decided:
        if not isinstance(answer, sp.Expr):
            raise AnswerError(f"expected a formula in the sizes, got `{sp.sstr(answer)}`")

        def decide() -> Outcome:
            span = _span(len(declared), options.max_size)
            rows = table(span)
            witness = Witness(rows, _grid_text(declared, placed(), span, len(rows)),
                              functools.partial(beyond, span))
            return _decide(empty_sums(answer), derived(), relations, witness, declared, simulate, id)

        return Decided(f"{title}, for every admissible size", decide)

    every = ", ".join(f"{s.variable.name} ≥ {s.lower}" for s in declared)
    return Question(
        id=id, title=title, statement=statement or title, kind=AnswerKind.EXPRESSION,
        namespace=namespace, reference=reference,
        truth=(how or described(truth, "a formula derived from the definitions"))
        + f"; proved equal for every {every} (and the constraints) by z3, and the simulation "
        "(the definition run at concrete sizes) agrees with it on a grid of small sizes and at "
        "cases beyond it; a difference from the simulation refutes",
        claim=claim, notes=tuple(notes), examples=examples_of(right, wrong),
        prepare=lambda options: table(_span(len(declared), options.max_size)))


def _relations(constraints: Callable[[Names], Iterable[sp.Basic]] | None, names: Names,
               declared: tuple[Size, ...], qid: str) -> tuple[sp.Basic, ...]:
    """The lower bounds and the constraints, read at declaration."""
    symbols = {s.symbol for s in declared}
    given = [sp.true if c is True else sp.false if c is False else c  # `n.k == n.k` is True
             for c in (constraints(names) if constraints is not None else ())]
    for c in given:
        if not isinstance(c, sp.Basic) or not c.free_symbols <= symbols:
            raise ValueError(f"a constraint of {qid} must be a SymPy relation in the sizes, got {c!r}")
        if c is sp.false:
            raise ValueError(f"question {qid}: a constraint is False: the declared sizes admit no case")
    bounds = (s.symbol >= s.lower for s in declared)
    return tuple(c for c in (*bounds, *given) if c is not sp.true)


def _decide(answer: sp.Expr, formula: sp.Expr, relations: tuple[sp.Basic, ...], witness: Witness,
            declared: tuple[Size, ...], simulate: Callable[..., object], qid: str) -> Outcome:
    symbols = tuple(s.symbol for s in declared)
    rows, grid = witness.rows, witness.text
    inconsistent = next(((case, sim, tru) for case, sim, tru in rows if tru != sim), None)
    for case, simulated, true_value in rows:
        mine = _value(answer, dict(zip(symbols, case, strict=True)))
        if mine == simulated:
            continue
        if true_value != simulated:
            return _inconsistency(declared, case, simulated, true_value)
        return Outcome(Status.REFUTED, f"simulation at every admissible case of {grid}, smallest first",
                       _counterexample(declared, case, mine, simulated))
    found, how = decide_all_sizes(answer, formula, integers=symbols, constraints=relations, vectors={},
                                  timeout_ms=PRESBURGER_MS), "Presburger decision, z3"
    if isinstance(found, OutsideFragment) and (answer.has(sp.floor, sp.ceiling)
                                              or formula.has(sp.floor, sp.ceiling)):
        found, how = _with_rounding(answer, formula, relations, declared), "z3, floor and ceiling exact"
    if isinstance(found, Proved) and not found.method.startswith("vacuous"):
        if inconsistent is not None:
            return _inconsistency(declared, *inconsistent)
        more = witness.beyond()
        disagree = sorted(((case, sim, tru) for case, sim, tru in more if tru != sim),
                          key=lambda row: (sum(row[0]), row[0]))
        if disagree:
            return _inconsistency(declared, *disagree[0])
        if not rows and not more:
            return Outcome(Status.UNDECIDED, f"proved equal to the derived formula ({how}: {found.method})",
                           reason=f"the simulation ran at no admissible case (none in {grid}, none "
                           "found beyond it): the derived formula is unchecked against the "
                           "definition, so nothing is verified")
        return Outcome(Status.VERIFIED, f"proved equal to the derived formula for every admissible "
                       f"size ({how}: {found.method}); the simulation agrees with "
                       f"it at every admissible case of {grid}{_beyond_text(declared, more)}")
    if isinstance(found, SizesFound):
        case = tuple(found.sizes.get(s.variable.name, s.lower) for s in declared)
        if max(case) <= SIMULATE_LIMIT:
            simulated = _simulated(simulate, declared, case, qid)
            mine = _value(answer, dict(zip(symbols, case, strict=True)))
            if mine != simulated:
                return Outcome(Status.REFUTED, "sizes found by z3 where the answer and the derived "
                               "formula differ, re-checked by the simulation",
                               _counterexample(declared, case, mine, simulated))
            return _inconsistency(declared, case, simulated, _value(formula, dict(zip(
                symbols, case, strict=True))))
        why = f"z3 finds the answer and the formula differ {found.detail}, beyond the simulated sizes"
    elif isinstance(found, Proved):
        return Outcome(Status.UNDECIDED, "the declared sizes admit no case", reason=(
            "the declared sizes admit no case (z3: the constraints hold for no whole numbers); "
            "a claim over no case proves nothing, so it is never verified"))
    else:
        why = f"outside the decidable fragment: {found.reason}"
    return Outcome(Status.UNDECIDED, f"no proof for every size; no counterexample at any admissible "
                   f"case of {grid}",
                   reason=f"no proof for every admissible size ({why}); agreement with the "
                   f"simulation on {grid} is not a proof for every size")


def _with_rounding(answer: sp.Expr, formula: sp.Expr, relations: tuple[sp.Basic, ...],
                   declared: tuple[Size, ...]) -> Proved | SizesFound | OutsideFragment:
    """The index fragment has no floor: a formula with floor or ceiling is decided by z3 on
    real terms with exact integer parts (`checker.prove.rounding`); linear with a constant
    divisor, nonlinear (and often out of reach) with a size as divisor."""
    lower = {s.symbol: s.lower for s in declared}
    decided = decide_for_integers(equal_terms, (answer, formula), lower, relations, PRESBURGER_MS)
    if decided.case is not None and max(decided.case.values()) > SIMULATE_LIMIT:
        # z3's first case may lie past the sizes a simulation runs at: ask for one within.
        within = decide_for_integers(equal_terms, (answer, formula), lower,
                                     (*relations, *(s.symbol <= SIMULATE_LIMIT for s in declared)),
                                     PRESBURGER_MS)
        if within.case is not None:
            decided = within
    if decided.proved:
        return Proved("proved for every admissible size, every divisor nonzero")
    if decided.case is not None:
        sizes = {symbol.name: value for symbol, value in decided.case.items()}
        return SizesFound(sizes, "at " + ", ".join(f"{k} = {v}" for k, v in sizes.items()))
    return OutsideFragment(f"floor and ceiling: {decided.why}")


def _beyond_text(declared: tuple[Size, ...], more: Rows) -> str:
    if not more:
        return ""
    largest = ", ".join(f"{s.variable.name} ≤ {max(case[k] for case, _, _ in more)}"
                        for k, s in enumerate(declared))
    return f" and at {len(more)} admissible case{'s' if len(more) != 1 else ''} beyond it ({largest})"


def _inconsistency(declared: tuple[Size, ...], case: Case, simulated: Fraction,
                   true_value: Value) -> Outcome:
    shown = _text(true_value)
    return Outcome(Status.UNDECIDED, "truth and simulation compared", reason=(
        f"internal inconsistency: at {_where(declared, case)} the derived formula gives {shown} "
        f"and the simulation {_text(simulated)}; the question must be fixed"))


def _counterexample(declared: tuple[Size, ...], case: Case, mine: Value,
                    simulated: Fraction) -> Counterexample:
    return Counterexample(
        tuple((s.variable.name, str(v)) for s, v in zip(declared, case, strict=True)),
        _text(mine), _text(simulated), "",
        f"the definition, run at these sizes, gives {_text(simulated)}")


def _where(declared: tuple[Size, ...], case: Case) -> str:
    return ", ".join(f"{s.variable.name} = {v}" for s, v in zip(declared, case, strict=True))


def _span(count: int, max_size: int) -> int:
    """How many values each size takes in the grid (at most GRID_CASES cases in all)."""
    return max(2, min(max_size, int(round(GRID_CASES ** (1 / count), 9))))


def _grid(starts: Case, span: int) -> list[Case]:
    """Every size over `span` values from its start (`cases.starts`), smallest sums first."""
    points = itertools.product(*(range(first, first + span) for first in starts))
    return sorted(points, key=lambda c: (sum(c), c))


def _grid_text(declared: tuple[Size, ...], starts: Case, span: int, admissible: int) -> str:
    ranges = ", ".join(f"{s.variable.name} = {first}..{first + span - 1}"
                       for s, first in zip(declared, starts, strict=True))
    return f"{ranges} ({admissible} admissible case{'s' if admissible != 1 else ''})"


def _admissible(relations: tuple[sp.Basic, ...],
                symbols: tuple[sp.Symbol, ...]) -> Callable[[dict[sp.Symbol, int]], bool]:
    """The constraints as one test on integer values: compiled comparisons where the sides
    compile (`compile_exact`), SymPy's own evaluation elsewhere."""
    tests = [_test(relation) for relation in relations]
    return lambda env: all(test(env) for test in tests)


def _test(relation: sp.Basic) -> Callable[[dict[sp.Symbol, int]], bool]:
    compare = COMPARISONS.get(type(relation))
    if compare is not None:
        left, right = (compile_exact(side) for side in relation.args)
        if left is not None and right is not None:
            return lambda env: bool(compare(left(env), right(env)))
    return lambda env: relation.xreplace({s: sp.Integer(v) for s, v in env.items()}) is sp.true


def _value(expr: sp.Expr, env: dict[sp.Symbol, int]) -> Value:
    """expr at integer sizes, exactly (Sums written out); where it is not a rational
    number, its value as text ("undefined" where it has none)."""
    try:
        value = value_at_integers(expr, env)
        exact = as_fraction(value)
        if exact is None and isinstance(value, sp.Basic):
            value = value.doit()
            exact = as_fraction(value)
    except (ZeroDivisionError, TypeError, ValueError, ArithmeticError, RecursionError):
        return "undefined"
    if exact is not None:
        return exact
    if isinstance(value, sp.Basic) and value.is_number and value.is_real and value.is_finite:
        return sp.sstr(value)  # a real number that is not rational (sqrt(2)): never a size
    return "undefined"


def _simulated(simulate: Callable[..., object], declared: tuple[Size, ...], case: Case,
               qid: str) -> Fraction:
    result = simulate(**{s.variable.name: v for s, v in zip(declared, case, strict=True)})
    exact = exact_number(result)
    if exact is None:
        raise TypeError(f"the simulation of {qid} gave {result!r} at {_where(declared, case)}, "
                        "not an exact number (int, Fraction, SymPy rational, NumPy integer; never "
                        "a float)")
    return exact


def _text(value: Value) -> str:
    if isinstance(value, str):
        return value
    return str(value.numerator) if value.denominator == 1 else str(value)

