"""Answers as curves: an expression evaluated in floating point over one variable.

A plot is for reading, not for deciding: values are floats, never exact, and a value that
is undefined, not real (the log of a negative number, a root of one), infinite or nan at
a point is None there. An expression is walked node by node through a whitelist of
SymPy's types into plain Python closures (no `lambdify`, no generated code, nothing
evaluated from text); a node outside the whitelist is evaluated by SymPy's `evalf` at
each point. Answers come from students: the caller runs this in a bounded worker
(checker.run.overview).
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable

import sympy as sp
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from checker.model.functions import sigmoid
from checker.model.question import PlotSpec

POINTS = 49  # points of a curve, evenly spaced inside the open interval

Number = Callable[[float], float]
Truth = Callable[[float], bool]
Setting = tuple[tuple[str, int], ...]  # the fixed names and their values for one plot
Values = tuple[float | None, ...]


class Undefined(ArithmeticError):
    """No real number at this point (or none that a float can hold)."""


def xs(spec: PlotSpec, count: int = POINTS) -> tuple[float, ...]:
    """`count` points evenly spaced inside (low, high), both ends excluded."""
    span = spec.high - spec.low
    return tuple(spec.low + span * i / (count + 1) for i in range(1, count + 1))


def settings(spec: PlotSpec) -> tuple[Setting, ...]:
    """One setting per plot: every combination of the fixed names' values, in order."""
    names = [name for name, _ in spec.fixed]
    return tuple(tuple(zip(names, combination, strict=True))
                 for combination in itertools.product(*(values for _, values in spec.fixed)))


def curve(expr: sp.Basic, variable: str, setting: Setting, points: tuple[float, ...]) -> Values:
    """expr at each point, its names in `setting` fixed; None where it has no real value.

    A name left free (neither the variable nor fixed) makes every value None."""
    symbols = {s.name: s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
    fixed = {symbols[name]: sp.Integer(value) for name, value in setting if name in symbols}
    try:
        function = compile_number(expr.xreplace(fixed), symbols.get(variable))
    except (Undefined, TypeError, ValueError):
        return tuple(None for _ in points)
    return tuple(_at(function, x) for x in points)


def _at(function: Number, x: float) -> float | None:
    try:
        value = function(x)
    except (ArithmeticError, ValueError, TypeError):
        return None
    return value if math.isfinite(value) else None


def compile_number(expr: sp.Basic, x: sp.Symbol | None) -> Number:
    """expr as a function of the float x; raises (ArithmeticError, ValueError, TypeError)
    where it has no real value. Raises Undefined at once for a name other than x."""
    if x is not None and expr == x:
        return lambda v: v
    if isinstance(expr, sp.Symbol):
        raise Undefined(f"the name {expr} has no value on this plot")
    if expr.is_Number or isinstance(expr, sp.NumberSymbol):
        constant = _constant(expr)
        return lambda v: constant
    if isinstance(expr, (sp.Add, sp.Mul, sp.Max, sp.Min)):
        args = [compile_number(arg, x) for arg in expr.args]
        if isinstance(expr, sp.Add):
            return lambda v: math.fsum(a(v) for a in args)
        if isinstance(expr, sp.Mul):
            return lambda v: math.prod(a(v) for a in args)
        pick = max if isinstance(expr, sp.Max) else min
        return lambda v: pick(a(v) for a in args)
    if isinstance(expr, sp.Pow):
        return _power(compile_number(expr.base, x), expr.exp, x)
    unary = _UNARY.get(type(expr))
    if unary is not None and len(expr.args) == 1:
        inner = compile_number(expr.args[0], x)
        return lambda v: unary(inner(v))
    if isinstance(expr, sp.Piecewise):
        return _piecewise(expr, x)
    return _by_evalf(expr, x)


def _constant(expr: sp.Basic) -> float:
    if expr in (sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise Undefined("not a finite number")
    try:
        value = complex(expr)
    except (TypeError, OverflowError) as exc:
        raise Undefined(f"not a number a float can hold: {exc}") from None
    if value.imag != 0 or not math.isfinite(value.real):
        raise Undefined("not a finite real number")
    return value.real


def _power(base: Number, exponent: sp.Basic, x: sp.Symbol | None) -> Number:
    if exponent.is_Integer:
        whole = int(exponent)
        return lambda v: _whole_power(base(v), whole)
    if exponent.is_Rational:
        ratio = float(exponent)
        return lambda v: _real_power(base(v), ratio)
    power = compile_number(exponent, x)
    return lambda v: _real_power(base(v), power(v))


def _whole_power(base: float, exponent: int) -> float:
    if base == 0 and exponent < 0:
        raise Undefined("division by zero")
    return float(base**exponent)


def _real_power(base: float, exponent: float) -> float:
    """SymPy's principal power: a negative base to a fractional power is not real."""
    if base < 0 and not float(exponent).is_integer():
        raise Undefined("a fractional power of a negative number")
    if base == 0 and exponent <= 0:
        raise Undefined("zero to a power that is not positive")
    return math.pow(base, exponent)


def _log(v: float) -> float:
    if v <= 0:
        raise Undefined("log of a number that is not positive")
    return math.log(v)


def _sigmoid(v: float) -> float:
    if v >= 0:
        return 1 / (1 + math.exp(-v))
    e = math.exp(v)
    return e / (1 + e)


_UNARY: dict[type, Callable[[float], float]] = {
    sp.exp: math.exp, sp.log: _log, sigmoid: _sigmoid, sp.tanh: math.tanh, sp.erf: math.erf,
    sp.Abs: abs,
}

_COMPARE: dict[type, Callable[[float, float], bool]] = {
    sp.StrictLessThan: operator.lt, sp.LessThan: operator.le, sp.StrictGreaterThan: operator.gt,
    sp.GreaterThan: operator.ge, sp.Equality: operator.eq, sp.Unequality: operator.ne,
}


def _piecewise(expr: sp.Piecewise, x: sp.Symbol | None) -> Number:
    branches = [(compile_number(e, x), compile_condition(c, x)) for e, c in expr.args]

    def value(v: float) -> float:
        for branch, condition in branches:
            if condition(v):
                return branch(v)
        raise Undefined("no branch of the case split applies")

    return value


def compile_condition(cond: sp.Basic, x: sp.Symbol | None) -> Truth:
    if isinstance(cond, BooleanTrue):
        return lambda v: True
    if isinstance(cond, BooleanFalse):
        return lambda v: False
    compare = _COMPARE.get(type(cond))
    if compare is not None:
        left, right = compile_number(cond.lhs, x), compile_number(cond.rhs, x)
        return lambda v: compare(left(v), right(v))
    parts = [compile_condition(arg, x) for arg in cond.args]
    if isinstance(cond, sp.And):
        return lambda v: all(p(v) for p in parts)
    if isinstance(cond, sp.Or):
        return lambda v: any(p(v) for p in parts)
    if isinstance(cond, sp.Not) and len(parts) == 1:
        return lambda v: not parts[0](v)
    raise Undefined(f"a condition this plot cannot evaluate: {type(cond).__name__}")


def _by_evalf(expr: sp.Basic, x: sp.Symbol | None) -> Number:
    """A node outside the whitelist: SymPy evaluates it at each point (15 digits)."""

    def value(v: float) -> float:
        at = expr.xreplace({x: sp.Float(v)}) if x is not None else expr
        number = at.evalf(15)
        if not number.is_number:
            raise Undefined("not a number here")
        return _constant(number)

    return value
