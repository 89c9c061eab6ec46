"""Affine forms over the integer symbols, and guards built from them.

A guard is a Boolean formula in negation normal form whose atoms compare an affine form
with integer coefficients to 0 (`==`, `!=`, `<=`). Atoms are normalised when built:
strict `<` becomes `+ 1 <= 0` (every symbol is an integer), rational coefficients are
cleared, the coefficients are divided by their gcd (so `2j == 2n` is `j == n` and
`2j == 2n + 1` is false), and constant atoms fold to TRUE or FALSE.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import gcd, lcm

import sympy as sp

from checker.prove.sizes.results import Outside


class Affine:
    """sum(c_v * v) + const with exact rational coefficients; v are SymPy symbols.
    Never changed after it is built."""

    __slots__ = ("terms", "const")

    def __init__(self, terms: Mapping[sp.Symbol, Fraction] | None = None,
                 const: Fraction | int = 0) -> None:
        self.terms = {v: Fraction(c) for v, c in (terms or {}).items() if c != 0}
        self.const = Fraction(const)

    @staticmethod
    def var(v: sp.Symbol) -> Affine:
        return Affine({v: Fraction(1)})

    @staticmethod
    def constant(q: Fraction | int) -> Affine:
        return Affine(const=q)

    def is_const(self) -> bool:
        return not self.terms

    def coef(self, v: sp.Symbol) -> Fraction:
        return self.terms.get(v, Fraction(0))

    def vars(self) -> set[sp.Symbol]:
        return set(self.terms)

    def __add__(self, other: Affine) -> Affine:
        terms = dict(self.terms)
        for v, c in other.terms.items():
            terms[v] = terms.get(v, Fraction(0)) + c
        return Affine(terms, self.const + other.const)

    def scale(self, q: Fraction | int) -> Affine:
        return Affine({v: c * q for v, c in self.terms.items()}, self.const * q)

    def __neg__(self) -> Affine:
        return self.scale(-1)

    def __sub__(self, other: Affine) -> Affine:
        return self + (-other)

    def mul(self, other: Affine) -> Affine:
        if self.is_const():
            return other.scale(self.const)
        if other.is_const():
            return self.scale(other.const)
        raise Outside(f"the product ({self}) * ({other}) is not linear in the sizes")

    def subs(self, v: sp.Symbol, value: Affine) -> Affine:
        c = self.terms.get(v)
        if c is None:
            return self
        rest = Affine({w: d for w, d in self.terms.items() if w != v}, self.const)
        return rest + value.scale(c)

    def without(self, drop: Sequence[sp.Symbol]) -> Affine:
        return Affine({v: c for v, c in self.terms.items() if v not in drop}, self.const)

    def is_integral(self) -> bool:
        return self.const.denominator == 1 and all(c.denominator == 1 for c in self.terms.values())

    def denominators(self) -> int:
        """The least common multiple of the coefficients' denominators."""
        return lcm(self.const.denominator, *(c.denominator for c in self.terms.values()))

    def key(self) -> tuple[frozenset[tuple[sp.Symbol, Fraction]], Fraction]:
        """Equal for equal forms (the class itself compares by identity)."""
        return frozenset(self.terms.items()), self.const

    def to_sympy(self) -> sp.Expr:
        return sp.Add(*(sp.Rational(c.numerator, c.denominator) * v for v, c in self.terms.items()),
                      sp.Rational(self.const.numerator, self.const.denominator))

    def __repr__(self) -> str:
        return sp.sstr(self.to_sympy())


@dataclass(frozen=True)
class Const:
    value: bool


@dataclass(frozen=True)
class Atom:
    """`aff op 0`, op one of "==", "!=", "<="; aff has coprime integer coefficients."""

    op: str
    aff: Affine


@dataclass(frozen=True)
class And:
    parts: tuple[Formula, ...]  # two or more, none of them an And or a Const


@dataclass(frozen=True)
class Or:
    parts: tuple[Formula, ...]  # two or more, none of them an Or or a Const


Formula = Const | Atom | And | Or
TRUE = Const(True)
FALSE = Const(False)


def atom(op: str, aff: Affine) -> Formula:
    """aff op 0 for op in ==, !=, <=, <, normalised as the module docstring says."""
    aff = aff.scale(aff.denominators())
    if op == "<":
        aff, op = aff + Affine.constant(1), "<="
    if aff.is_const():
        q = aff.const
        holds = {"==": q == 0, "!=": q != 0, "<=": q <= 0}[op]
        return TRUE if holds else FALSE
    g = gcd(*(int(k) for k in aff.terms.values()))
    if g > 1:
        c = int(aff.const)
        if op in ("==", "!=") and c % g:
            return FALSE if op == "==" else TRUE  # g * (integer) never equals -c
        # For <=: g * rest <= -c  <=>  rest <= floor(-c / g)  <=>  rest + ceil(c / g) <= 0.
        const = c // g if op != "<=" else -((-c) // g)
        aff = Affine({v: k / g for v, k in aff.terms.items()}, const)
    return Atom(op, aff)


def conjunction(parts: Sequence[Formula]) -> Formula:
    return _flattened(parts, And, absorbing=FALSE)


def disjunction(parts: Sequence[Formula]) -> Formula:
    return _flattened(parts, Or, absorbing=TRUE)


def _flattened(parts: Sequence[Formula], kind: type[And] | type[Or], absorbing: Const) -> Formula:
    """kind(parts) with nested parts of the same kind spliced in and constants folded."""
    out: list[Formula] = []
    for f in parts:
        if f == absorbing:
            return absorbing
        if isinstance(f, Const):
            continue  # the neutral element
        out.extend(f.parts if isinstance(f, kind) else (f,))
    if not out:
        return TRUE if absorbing == FALSE else FALSE  # the neutral element
    return out[0] if len(out) == 1 else kind(tuple(out))


def negation(f: Formula) -> Formula:
    if isinstance(f, Const):
        return FALSE if f.value else TRUE
    if isinstance(f, And):
        return disjunction([negation(g) for g in f.parts])
    if isinstance(f, Or):
        return conjunction([negation(g) for g in f.parts])
    if f.op == "==":
        return atom("!=", f.aff)
    if f.op == "!=":
        return atom("==", f.aff)
    return atom("<", -f.aff)  # not (aff <= 0)  <=>  -aff < 0


def substituted(f: Formula, v: sp.Symbol, value: Affine) -> Formula:
    if isinstance(f, Const):
        return f
    if isinstance(f, And):
        return conjunction([substituted(g, v, value) for g in f.parts])
    if isinstance(f, Or):
        return disjunction([substituted(g, v, value) for g in f.parts])
    return atom(f.op, f.aff.subs(v, value)) if v in f.aff.terms else f


def variables(f: Formula) -> set[sp.Symbol]:
    if isinstance(f, Const):
        return set()
    if isinstance(f, And | Or):
        return set().union(*(variables(g) for g in f.parts))
    return f.aff.vars()


def conjuncts(f: Formula) -> tuple[Formula, ...]:
    """f as a conjunction: () for TRUE. (Callers drop FALSE before they ask.)"""
    if f == TRUE:
        return ()
    return f.parts if isinstance(f, And) else (f,)
