"""What an answer to one question may mention: variables with domains, indexed
vectors, matrices, functions (by name, from the registry checker.model.functions.FUNCTIONS)
and (for word answers) the accepted words."""

from __future__ import annotations

import difflib
import random
from dataclasses import dataclass, field
from fractions import Fraction

import sympy as sp

from checker.model.functions import FUNCTIONS, FunctionSpec


@dataclass(frozen=True)
class Domain:
    """A set of values a variable ranges over, with exact sample points.

    Samples are exact rationals (or integers) so that a disagreement found at a
    sample point can be re-checked in exact arithmetic.
    """

    name: str
    low: Fraction | None = None  # None: unbounded
    high: Fraction | None = None
    low_open: bool = True
    high_open: bool = True
    integer: bool = False
    # A small finite set whose every value may be checked in turn (a class label);
    # never set for sizes, where a few values stand for infinitely many.
    exhaustive: bool = False

    def values(self) -> list[sp.Integer]:
        """Every value of an exhaustive domain, in order."""
        assert self.exhaustive and self.low is not None and self.high is not None
        return [sp.Integer(v) for v in range(int(self.low), int(self.high) + 1)]

    def contains(self, value: Fraction) -> bool:
        if self.integer and value.denominator != 1:
            return False
        if self.low is not None and (value < self.low or (self.low_open and value == self.low)):
            return False
        return not (
            self.high is not None and (value > self.high or (self.high_open and value == self.high))
        )

    def samples(self, rng: random.Random, count: int) -> list[sp.Rational]:
        """`count` distinct exact points of the domain: a few fixed ones, then random ones."""
        # Closed ends (0 and 1 for a label or [0, 1]) come early: they are where wrong
        # answers most often differ, and the first points double as proof witnesses.
        fixed = [Fraction(1, 3), Fraction(1), Fraction(2, 7), Fraction(0), Fraction(3, 4),
                 Fraction(-1, 2), Fraction(5, 3), Fraction(-7, 4), Fraction(2), Fraction(3),
                 Fraction(-1), Fraction(5)]
        candidates = [v for v in fixed if self.contains(v)]
        seen: set[Fraction] = set()
        out: list[sp.Rational] = []
        tries = 0
        while len(out) < count and tries < 50 * count + 100:
            value = candidates.pop(0) if candidates else self._random(rng)
            tries += 1
            if value not in seen and self.contains(value):
                seen.add(value)
                out.append(sp.Rational(value.numerator, value.denominator))
        return out

    def _random(self, rng: random.Random) -> Fraction:
        if self.integer:
            low = int(self.low) if self.low is not None else -20
            high = int(self.high) if self.high is not None else low + 40
            return Fraction(rng.randint(low, high))
        q = rng.randint(1, 29)
        if self.low is not None and self.high is not None:
            span = self.high - self.low
            return self.low + span * Fraction(rng.randint(0, q), q)
        if self.low is not None:
            return self.low + Fraction(rng.randint(0, 12 * q), q)
        if self.high is not None:
            return self.high - Fraction(rng.randint(0, 12 * q), q)
        return Fraction(rng.randint(-6 * q, 6 * q), q)

    def assumptions(self) -> dict[str, bool]:
        """SymPy assumptions implied by the domain (sound, never stronger)."""
        facts: dict[str, bool] = {"real": True}
        if self.integer:
            facts["integer"] = True
        if self.low is not None and (self.low > 0 or (self.low == 0 and self.low_open)):
            facts["positive"] = True
        elif self.low is not None and self.low >= 0:
            facts["nonnegative"] = True
        return facts


REAL = Domain("real")
LABEL = Domain("{0, 1}", Fraction(0), Fraction(1), low_open=False, high_open=False, integer=True,
               exhaustive=True)
OPEN_UNIT = Domain("(0, 1)", Fraction(0), Fraction(1))
CLOSED_UNIT = Domain("[0, 1]", Fraction(0), Fraction(1), low_open=False, high_open=False)
POSITIVE_INTEGER = Domain("positive integer", Fraction(1), None, low_open=False, integer=True)
INTEGER = Domain("integer", integer=True)


@dataclass(frozen=True)
class Variable:
    """A scalar an answer may use."""

    name: str
    domain: Domain
    meaning: str

    @property
    def symbol(self) -> sp.Symbol:
        # Same name and assumptions give the same SymPy symbol every time.
        return sp.Symbol(self.name, **self.domain.assumptions())


@dataclass(frozen=True)
class Vector:
    """An indexed name, `x[i]` or `W1[j, i]`; indices are as in the assignment."""

    name: str
    rank: int
    meaning: str
    index_names: tuple[str, ...] = ()  # how `show` writes the indices, e.g. ("j", "i")

    @property
    def base(self) -> sp.IndexedBase:
        return sp.IndexedBase(self.name, real=True)


@dataclass(frozen=True)
class MatrixName:
    """A matrix or column vector, e.g. p (K x 1); `.T` is its transpose."""

    name: str
    rows: sp.Expr
    cols: sp.Expr
    meaning: str

    @property
    def symbol(self) -> sp.MatrixSymbol:
        return sp.MatrixSymbol(self.name, self.rows, self.cols)


# The functions a question allows unless it says otherwise (docs/contract.md): the
# registry's functions except those a question must declare (`floor`, `ceil`).
ALL_FUNCTIONS = frozenset(
    {
        "exp", "log", "sqrt", "sigmoid", "tanh", "erf", "abs",
        "max", "min", "Max", "Min", "Sum", "Piecewise", "diag", "transpose",
    }
)


@dataclass(frozen=True)
class Namespace:
    """The names an answer to one question may use."""

    variables: tuple[Variable, ...] = ()
    vectors: tuple[Vector, ...] = ()
    matrices: tuple[MatrixName, ...] = ()
    functions: frozenset[str] = ALL_FUNCTIONS
    words: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        """A function a question declares must be one of the language's: a typo in a
        question's declaration fails when the question is built (at import)."""
        if isinstance(self.functions, str):
            raise TypeError("Namespace.functions is a set of function names, e.g. "
                            f"ALL_FUNCTIONS | {{'floor'}}, not the string {self.functions!r}")
        if not isinstance(self.functions, frozenset):  # a set or list of names
            object.__setattr__(self, "functions", frozenset(self.functions))
        unknown = sorted(name for name in self.functions if name not in FUNCTIONS)
        if unknown:
            raise ValueError(_unknown_functions(unknown))

    def function_specs(self) -> tuple[FunctionSpec, ...]:
        """The registry's entries for the functions this question allows, by name."""
        return tuple(FUNCTIONS[name] for name in sorted(self.functions))

    def describe_functions(self) -> list[tuple[str, str]]:
        """(name, meaning) rows of the functions this question allows, for `show`."""
        return [(spec.name, spec.meaning) for spec in self.function_specs()]

    def items(self) -> list[Variable | Vector | MatrixName]:
        return [*self.variables, *self.vectors, *self.matrices]

    def lookup(self, name: str) -> Variable | Vector | MatrixName | None:
        return next((item for item in self.items() if item.name == name), None)

    def names(self) -> list[str]:
        return [item.name for item in self.items()]

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, kind/domain, meaning) rows for `show`."""
        rows = [(v.name, v.domain.name, v.meaning) for v in self.variables]
        rows += [(f"{v.name}[{', '.join(v.index_names or tuple('ijk'[: v.rank]))}]", "indexed", v.meaning)
                 for v in self.vectors]
        rows += [(m.name, f"{m.rows} x {m.cols} matrix", m.meaning) for m in self.matrices]
        rows += [(w, "word", "an accepted answer word") for w in self.words]
        return rows


def _unknown_functions(unknown: list[str]) -> str:
    guesses = [match for name in unknown
               for match in difflib.get_close_matches(name, list(FUNCTIONS), n=1)]
    guess = f" (did you mean {', '.join(f'`{g}`' for g in guesses)}?)" if guesses else ""
    return (f"unknown function{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(f'`{name}`' for name in unknown)} declared for a question{guess}; "
            f"the answer language's functions are: {', '.join(sorted(FUNCTIONS))}")

