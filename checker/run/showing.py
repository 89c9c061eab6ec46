"""What counts as showing, for a question whose answer is a derivation (2.1, 5.3, 5.6).

A derivation shows `left = right` only when the person wrote both ends and did the
work between them:

* its first step is one side of what is to be shown and its last step the other,
  each written out (the same expression tree as the side's definition, bound
  summation indices renamed, or equal to it after `expand` alone), in either direction;
* no single link joins the two sides unrewritten: such a link is the claim itself,
  assumed, not shown.

Either failure makes the answer `undecided` ("assumes what is to be shown"), never
`verified`; a refuted link still refutes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from checker.model.course import ASSUMES
from checker.model.functions import GuardedSum
from checker.model.notation import DocumentSpec
from checker.model.question import Question


def written_as(step: Any, side: Any, written: Any = None) -> bool:
    """`step` is `side` written out: the same tree (`written`, the step as the person wrote
    it, against the side's definition, both in `written_form`), or the same after
    `expand` alone."""
    if not isinstance(step, sp.Basic) or not isinstance(side, sp.Basic):
        return False
    if same_tree(step if written is None else written, side):
        return True
    try:
        return bool(sp.expand(step) == sp.expand(side))
    except (TypeError, ValueError, RecursionError):
        return False


def same_tree(written: Any, side: Any) -> bool:
    """The same expression tree, up to the order of terms and factors and the names of
    bound indices (no expand, no simplify: `e^c e^{x_i} / (e^c S)` is not `e^{x_i} / S`)."""
    if not isinstance(written, sp.Basic) or not isinstance(side, sp.Basic):
        return False
    try:
        return bool(written_form(written) == written_form(side))
    except (TypeError, ValueError, AttributeError, RecursionError):
        return False


def written_form(expr: sp.Basic) -> sp.Basic:
    """`expr` as written, in a fixed form: nested sums and products flattened, arguments
    of + and * in a fixed order, every Sum's bound index renamed by nesting order. Padding
    goes: numbers and number-only parts folded (`exp(0)`, `abs(1)`, `2/2`), `x^1`, a factor
    next to its inverse (`e^c / e^c`), like terms combined (`2c - c`, `n + k_2 - k_2`), a
    zero factor, a sum over a range of one with a body free of its index. Nothing else is
    combined: a factor that cancels across a fraction bar (`e^c e^{x_i} / (e^c S)`) stays."""
    counter = iter(range(10**6))

    def walk(node: sp.Basic) -> sp.Basic:
        constant = _constant(node)
        if constant is not None:
            return constant
        guarded = _guarded_sum(node)
        if guarded is not None:  # the empty-sum guard the reader puts around a Sum is not written
            return walk(guarded)
        if isinstance(node, sp.Sum):
            return _sum(node)
        if isinstance(node, sp.Indexed):
            return sp.Indexed(node.base, *(walk(index) for index in node.indices))
        if not node.args or isinstance(node, sp.IndexedBase):
            return node
        args = [walk(a) for a in node.args]
        if isinstance(node, sp.Pow) and args[1] == 1:
            return args[0]  # x^1 is x
        if isinstance(node, sp.Pow) and args[1] == -1 and isinstance(args[0], sp.Mul):
            # 1/(2 S) is (1/2)(1/S): a number divided out is padding (2X/(2S)); any other
            # factor of a denominator stays where it was written.
            numbers = [a for a in args[0].args if _numeric(a)]
            if numbers:
                rest = [a for a in args[0].args if not _numeric(a)]
                inverse = sp.Pow(_level(sp.Mul, rest), -1) if rest else sp.Integer(1)
                return _level(sp.Mul, [*(sp.Pow(n, -1) for n in numbers), inverse])
        if isinstance(node, sp.Add | sp.Mul):
            return _level(node.func, args)
        return node.func(*args)

    def _sum(node: sp.Sum) -> sp.Basic:
        body = node.function
        limits = []
        for variable, low, high in node.limits:
            fresh = sp.Symbol(f"_bound{next(counter)}", integer=True)
            body = body.xreplace({variable: fresh})
            limits.append((fresh, walk(low), walk(high)))
        body = walk(body)
        kept = []
        for v, low, high in limits:
            length = _range_length(low, high)
            if length is not None and length <= 0:
                return sp.Integer(0)  # an empty sum (`Sum(1, (j, K + 2, K))`) is padding: 0
            if length == 1:  # a sum over one value is its term there
                body = walk(body.xreplace({v: low})) if body.has(v) else body
                continue
            kept.append((v, low, high))
        return sp.Sum(body, *kept) if kept else body

    with sp.evaluate(False):
        return walk(expr)


def _range_length(low: sp.Basic, high: sp.Basic) -> int | None:
    """How many values j takes from low to high when that is one number for every size
    (`K` to `K`: 1; `K + 2` to `K`: none), else None."""
    with sp.evaluate(True):
        length = sp.expand(sp.Add(high, -low, 1))
    return int(length) if isinstance(length, sp.Integer) else None


def _constant(node: sp.Basic) -> sp.Basic | None:
    """The number a part without names stands for (`exp(0)`, `abs(1)`, `2 - 1`), folded
    with SymPy's evaluation; None for anything else (or a value that is no plain number)."""
    if isinstance(node, sp.Number):
        return node
    if node.free_symbols or node.has(sp.Indexed, sp.IndexedBase) or not isinstance(node, sp.Expr):
        return None
    try:
        with sp.evaluate(True):
            value = node.doit()  # a SymPy tree, never text
    except (TypeError, ValueError, ArithmeticError):
        return None
    return value if isinstance(value, sp.Rational) else None


def _level(func: type, args: list[sp.Basic]) -> sp.Basic:
    """One flattened sum or product: its numbers folded into one, a zero factor taking
    the product, a factor next to its own inverse dropped, like terms combined."""
    is_product = func is sp.Mul
    unit = sp.Integer(1) if is_product else sp.Integer(0)
    flat = [b for a in args for b in (a.args if a.func is func else (a,))]
    numbers = [b for b in flat if _numeric(b)]
    rest = [b for b in flat if not _numeric(b)]
    with sp.evaluate(True):  # numbers alone are folded (the walk runs unevaluated)
        values = [sp.Pow(*b.args) if isinstance(b, sp.Pow) else b for b in numbers]
        folded = sp.Mul(*values) if is_product else sp.Add(*values)
    if is_product and folded == 0:
        return sp.Integer(0)
    kept = _cancel_factors(rest) if is_product else _combine_terms(rest)
    items = ([folded] if folded != unit else []) + kept
    if not items:
        return unit
    if len(items) == 1:
        return items[0]
    return func(*sorted(items, key=sp.srepr))


def _cancel_factors(factors: list[sp.Basic]) -> list[sp.Basic]:
    kept: list[sp.Basic] = []
    for item in factors:
        inverse = item.args[0] if isinstance(item, sp.Pow) and item.args[1] == -1 else sp.Pow(item, -1)
        if inverse in kept:
            kept.remove(inverse)
        else:
            kept.append(item)
    return kept


def _combine_terms(terms: list[sp.Basic]) -> list[sp.Basic]:
    """Like terms summed: `2 c - c` is `c`, `n + k_2 - k_2` is `n` (coefficients are the
    number factors of each term)."""
    coefficients: dict[sp.Basic, sp.Basic] = {}
    for term in terms:
        factors = term.args if isinstance(term, sp.Mul) else (term,)
        number = [f for f in factors if _numeric(f)]
        other = [f for f in factors if not _numeric(f)]
        key = other[0] if len(other) == 1 else sp.Mul(*sorted(other, key=sp.srepr))
        with sp.evaluate(True):
            coefficient = sp.Mul(*(sp.Pow(*f.args) if isinstance(f, sp.Pow) else f for f in number))
            coefficients[key] = coefficients.get(key, sp.Integer(0)) + coefficient
    out: list[sp.Basic] = []
    for key, coefficient in coefficients.items():
        if coefficient == 0:
            continue
        out.append(key if coefficient == 1 else sp.Mul(coefficient, key))
    return out


def _numeric(item: sp.Basic) -> bool:
    """A number, or a number to a whole power (`1/2` reads as 2^-1 unevaluated)."""
    return bool(item.is_Number or (isinstance(item, sp.Pow) and item.args[0].is_Number
                                   and item.args[1].is_Integer))


def showing_problem(question: Question, steps: Sequence[Any],
                    written: Sequence[Any] | None = None) -> tuple[int, str] | None:
    """(the 1-based step the problem is at, why) when `steps` do not show the question's
    identity; None when they do, or the question declares no ends. `written` are the
    steps as written (parsed without evaluation), so that a factor SymPy would cancel
    on reading still counts as a rewriting; without it the steps themselves are used."""
    spec = question.document or DocumentSpec()
    if spec.ends is None or not steps:
        return None
    if len(steps) < 2:
        return 1, (f"{ASSUMES}: a derivation needs at least two steps, from "
                   "one side of the identity (its definition written out) to the other")
    trees = list(written) if written is not None and len(written) == len(steps) else list(steps)
    left, right = side_ways(spec.ends[0]()), side_ways(spec.ends[1]())

    def is_side(index: int, side: tuple[Any, ...]) -> bool:
        return any(written_as(steps[index], way, trees[index]) for way in side)

    forwards = is_side(0, left) and is_side(-1, right)
    backwards = is_side(0, right) and is_side(-1, left)
    if not (forwards or backwards):
        starts = is_side(0, left) or is_side(0, right)
        which, number = ("last", len(steps)) if starts else ("first", 1)
        return number, (f"{ASSUMES}: the derivation's {which} step is not a "
                        "side of the identity written out; start at one side (its definition "
                        "written out) and end at the other")
    for number in range(1, len(steps)):
        a, b = trees[number - 1], trees[number]
        if (_tree_is(a, left) and _tree_is(b, right)) or (_tree_is(a, right) and _tree_is(b, left)):
            return number + 1, (f"{ASSUMES}: this link joins the two sides of the "
                                "identity with no rewriting between them; show the steps")
    return None


def _guarded_sum(node: sp.Basic) -> sp.Sum | None:
    """The Sum the person wrote, inside the empty-sum guard the answer language reads it
    with (`checker.model.functions.GuardedSum`); None for anything else."""
    return node.written if isinstance(node, GuardedSum) else None


def side_ways(side: Any) -> tuple[Any, ...]:
    """A declared side: one value, or the ways it may be written (checker.model.notation)."""
    return tuple(side) if isinstance(side, tuple) else (side,)


def _tree_is(written: Any, side: tuple[Any, ...]) -> bool:
    return any(same_tree(written, way) for way in side)
