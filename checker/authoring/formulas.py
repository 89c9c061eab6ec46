"""Size formulas (an output length, a parameter count): an answer in whole-number sizes,
against a formula derived from definitions and a simulation run at concrete sizes.

* refuted: the answer differs from the simulation at an admissible case of the grid
  (every size from its lower bound over a few values, exact integers), or at sizes
  where z3 finds the answer and the truth differ, re-checked by the simulation;
* verified: only when z3 (`decide_all_sizes`) proves answer ≡ truth for every admissible
  size AND the simulation agrees with the truth on the whole grid;
* undecided otherwise: a formula outside z3's fragment (floor of a division by a symbolic
  stride, ...) that matches the grid names the grid it matched, and a truth that
  disagrees with its simulation is an internal inconsistency, never verified.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from typing import Any

import sympy as sp

from checker.authoring.common import Answer, described, examples_of, functions_of, require_callable
from checker.authoring.names import Names, Size, size_variables
from checker.authoring.search import PRESBURGER_MS, never_reversed
from checker.model.claims import Decided
from checker.model.errors import AnswerError
from checker.model.namespace import Namespace
from checker.model.options import Options
from checker.model.question import AnswerKind, Question
from checker.model.verdict import Counterexample, Outcome, Status
from checker.prove.sampling import as_fraction, compile_exact, value_at_integers
from checker.prove.sizes import Counterexample as SizesFound
from checker.prove.sizes import Proved, decide_all_sizes

GRID_CASES = 4096  # the grid has at most this many cases before the constraints
SIMULATE_LIMIT = 5000  # sizes found by z3 are simulated only up to this
_COMPARE = {sp.StrictLessThan: operator.lt, sp.LessThan: operator.le, sp.StrictGreaterThan: operator.gt,
            sp.GreaterThan: operator.ge, sp.Equality: operator.eq, sp.Unequality: operator.ne}
Case = tuple[int, ...]


def size_formula(id: str, title: str, *, sizes: Mapping[str, int], truth: Callable[[Names], sp.Expr],
                 simulate: Callable[..., object], reference: str,
                 constraints: Callable[[Names], Iterable[sp.Basic]] | None = None,
                 functions: Iterable[str] | None = None, statement: str = "", how: str = "",
                 right: Iterable[Answer] = (), wrong: Iterable[Answer] = (),
                 notes: Iterable[str] = ()) -> Question:
    """A formula in whole-number sizes. `sizes` {"n": 1, "p": 0}: name -> lower bound;
    `constraints(n)`: SymPy relations the sizes satisfy (k <= n + 2*p); `truth(n)`: the
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

    @functools.cache
    def derived() -> tuple[sp.Expr, tuple[sp.Basic, ...]]:
        formula = truth(names)
        if isinstance(formula, int) and not isinstance(formula, bool):
            formula = sp.Integer(formula)
        if not isinstance(formula, sp.Expr) or not formula.free_symbols <= set(symbols):
            raise TypeError(f"the truth of {id} must be a SymPy expression in the sizes, got {formula!r}")
        given = tuple(constraints(names)) if constraints is not None else ()
        for c in given:
            if not isinstance(c, sp.Basic) or not c.free_symbols <= set(symbols):
                raise TypeError(f"a constraint of {id} must be a SymPy relation in the sizes, got {c!r}")
        bounds = (s.symbol >= s.lower for s in declared)
        return formula, tuple(c for c in (*bounds, *given) if c is not sp.true)

    @functools.cache
    def table(span: int) -> tuple[tuple[Case, Fraction, Value], ...]:
        """(case, simulated, truth there) for every admissible case of the grid, smallest first."""
        formula, relations = derived()
        admissible = _admissible(relations, symbols)
        rows = []
        for case in _grid(declared, span):
            env = dict(zip(symbols, case, strict=True))
            if not admissible(env):
                continue
            simulated = _simulated(simulate, declared, case, id)
            rows.append((case, simulated, _value(formula, env)))
        return tuple(rows)

    def claim(answer: Any, options: Options) -> Decided:
        if not isinstance(answer, sp.Expr):
            raise AnswerError(f"expected a formula in the sizes, got `{sp.sstr(answer)}`")

        def decide() -> Outcome:
            span = _span(len(declared), options.max_size)
            return _decide(answer, derived(), table(span), declared, simulate, id,
                           _grid_text(declared, span, len(table(span))))

        return Decided(f"{title}, for every admissible size", decide)

    every = ", ".join(f"{s.variable.name} ≥ {s.lower}" for s in declared)
    return Question(
        id=id, title=title, statement=statement or title, kind=AnswerKind.EXPRESSION,
        namespace=namespace, reference=reference,
        truth=(how or described(truth, "a formula derived from the definitions"))
        + f"; proved equal for every {every} (and the constraints) by z3, and the simulation "
        "(the definition run at concrete sizes) agrees with it on a grid of small sizes; a "
        "difference from the simulation refutes",
        claim=claim, notes=tuple(notes), examples=examples_of(right, wrong),
        prepare=lambda options: table(_span(len(declared), options.max_size)))


def _decide(answer: sp.Expr, derived: tuple[sp.Expr, tuple[sp.Basic, ...]],
            rows: tuple[tuple[Case, Fraction, Value], ...], declared: tuple[Size, ...],
            simulate: Callable[..., object], qid: str, grid: str) -> Outcome:
    formula, relations = derived
    symbols = tuple(s.symbol for s in declared)
    inconsistent = next(((case, sim, tru) for case, sim, tru in rows if tru != sim), None)
    for case, simulated, true_value in rows:
        mine = _value(answer, dict(zip(symbols, case, strict=True)))
        if mine == simulated:
            continue
        if true_value != simulated:
            return _inconsistency(declared, case, simulated, true_value)
        return Outcome(Status.REFUTED, f"simulation at every admissible case of {grid}, smallest first",
                       _counterexample(declared, case, mine, simulated))
    found = decide_all_sizes(answer, formula, integers=symbols, constraints=relations, vectors={},
                             timeout_ms=PRESBURGER_MS)
    if isinstance(found, Proved) and never_reversed((answer, formula), symbols, list(relations)):
        if inconsistent is not None:
            return _inconsistency(declared, *inconsistent)
        return Outcome(Status.VERIFIED, f"proved equal to the derived formula for every admissible "
                       f"size (Presburger decision, z3: {found.method}); the simulation agrees with "
                       f"it at every admissible case of {grid}")
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
        why = "a Sum's upper bound may lie below its lower bound minus 1"
    else:
        why = f"outside the decidable fragment: {found.reason}"
    return Outcome(Status.UNDECIDED, f"no proof for every size; no counterexample at any admissible "
                   f"case of {grid}",
                   reason=f"no proof for every admissible size ({why}); agreement with the "
                   f"simulation on {grid} is not a proof for every size")


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


def _grid(declared: tuple[Size, ...], span: int) -> list[Case]:
    cases = itertools.product(*(range(s.lower, s.lower + span) for s in declared))
    return sorted(cases, key=lambda c: (sum(c), c))


def _grid_text(declared: tuple[Size, ...], span: int, admissible: int) -> str:
    ranges = ", ".join(f"{s.variable.name} = {s.lower}..{s.lower + span - 1}" for s in declared)
    return f"{ranges} ({admissible} admissible case{'s' if admissible != 1 else ''})"


def _admissible(relations: tuple[sp.Basic, ...],
                symbols: tuple[sp.Symbol, ...]) -> Callable[[dict[sp.Symbol, int]], bool]:
    """The constraints as one test on integer values: compiled comparisons where the sides
    compile (`compile_exact`), SymPy's own evaluation elsewhere."""
    tests = [_test(relation) for relation in relations]
    return lambda env: all(test(env) for test in tests)


def _test(relation: sp.Basic) -> Callable[[dict[sp.Symbol, int]], bool]:
    compare = _COMPARE.get(type(relation))
    if compare is not None:
        left, right = (compile_exact(side) for side in relation.args)
        if left is not None and right is not None:
            return lambda env: bool(compare(left(env), right(env)))
    return lambda env: relation.xreplace({s: sp.Integer(v) for s, v in env.items()}) is sp.true


Value = Fraction | str  # an exact rational, else how the value shows (never equal to one)


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
    exact = as_fraction(result)
    if exact is None or isinstance(result, float):
        raise TypeError(f"the simulation of {qid} gave {result!r} at {_where(declared, case)}, "
                        "not an exact number")
    return exact


def _text(value: Value) -> str:
    if isinstance(value, str):
        return value
    return str(value.numerator) if value.denominator == 1 else str(value)

