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
    """`expr` with nested sums and products flattened, factors 1 and terms 0 dropped, the
    arguments of + and * in a fixed order and every Sum's bound index renamed by nesting
    order; nothing evaluated, so a factor that cancels stays."""
    counter = iter(range(10**6))

    def walk(node: sp.Basic) -> sp.Basic:
        if isinstance(node, sp.Sum):
            body = walk(node.function)
            limits = []
            for variable, low, high in node.limits:
                fresh = sp.Symbol(f"_bound{next(counter)}", integer=True)
                body = body.xreplace({variable: fresh})
                limits.append((fresh, walk(low), walk(high)))
            return sp.Sum(body, *limits)
        if not node.args or isinstance(node, sp.Indexed | sp.IndexedBase):
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

    with sp.evaluate(False):
        return walk(expr)


def _level(func: type, args: list[sp.Basic]) -> sp.Basic:
    """One flattened sum or product: its numbers folded into one, and a factor next to its
    own inverse (`e^c / e^c`) or a term next to its own negative (`+ c - c`) dropped, so
    padding is not taken for a rewriting; nothing else is combined."""
    is_product = func is sp.Mul
    unit = sp.Integer(1) if is_product else sp.Integer(0)
    flat = [b for a in args for b in (a.args if a.func is func else (a,))]
    numbers = [b for b in flat if _numeric(b)]
    rest = [b for b in flat if not _numeric(b)]
    with sp.evaluate(True):  # numbers alone are folded (the walk runs unevaluated)
        values = [sp.Pow(*b.args) if isinstance(b, sp.Pow) else b for b in numbers]
        folded = sp.Mul(*values) if is_product else sp.Add(*values)
    kept: list[sp.Basic] = []
    for item in rest:
        inverse = _inverse(item, is_product)
        if inverse in kept:
            kept.remove(inverse)
        else:
            kept.append(item)
    items = ([folded] if folded != unit else []) + kept
    if not items:
        return unit
    if len(items) == 1:
        return items[0]
    return func(*sorted(items, key=sp.srepr))


def _numeric(item: sp.Basic) -> bool:
    """A number, or a number to a whole power (`1/2` reads as 2^-1 unevaluated)."""
    return bool(item.is_Number or (isinstance(item, sp.Pow) and item.args[0].is_Number
                                   and item.args[1].is_Integer))


def _inverse(item: sp.Basic, is_product: bool) -> sp.Basic:
    """x^-1 for a factor x (x for x^-1); -t for a term t (t for -t), in the unevaluated
    shapes the parser builds."""
    if is_product:
        if isinstance(item, sp.Pow) and item.args[1] == -1:
            return item.args[0]
        return sp.Pow(item, -1)
    if isinstance(item, sp.Mul) and len(item.args) == 2 and item.args[0] == -1:
        return item.args[1]
    return sp.Mul(sp.Integer(-1), item)


def showing_problem(question: Question, steps: Sequence[Any],
                    written: Sequence[Any] | None = None) -> tuple[int, str] | None:
    """(the 1-based step the problem is at, why) when `steps` do not show the question's
    identity; None when they do, or the question declares no ends. `written` are the
    steps as written (parsed without evaluation), so that a factor SymPy would cancel
    on reading still counts as a rewriting; without it the steps themselves are used."""
    spec = question.document or DocumentSpec()
    if spec.ends is None or not steps:
        return None
    trees = list(written) if written is not None and len(written) == len(steps) else list(steps)
    left, right = spec.ends[0](), spec.ends[1]()
    first, last = steps[0], steps[-1]
    forwards = written_as(first, left, trees[0]) and written_as(last, right, trees[-1])
    backwards = written_as(first, right, trees[0]) and written_as(last, left, trees[-1])
    if not (forwards or backwards):
        starts = written_as(first, left, trees[0]) or written_as(first, right, trees[0])
        which, number = ("last", len(steps)) if starts else ("first", 1)
        return number, (f"assumes what is to be shown: the derivation's {which} step is not a "
                        "side of the identity written out; start at one side (its definition "
                        "written out) and end at the other")
    for number in range(1, len(steps)):
        a, b = trees[number - 1], trees[number]
        if (same_tree(a, left) and same_tree(b, right)) or (same_tree(a, right) and same_tree(b, left)):
            return number + 1, ("assumes what is to be shown: this link joins the two sides of the "
                                "identity with no rewriting between them; show the steps")
    return None
