"""Shared test helpers: re-evaluating a reported counterexample independently."""

from __future__ import annotations

import sympy as sp

from checker import Counterexample, get, parse_text


def value_at(qid: str, text: str, cx: Counterexample) -> sp.Expr:
    """The answer `text` to `qid` evaluated exactly at the counterexample's point,
    parsed and substituted here, not by the engine's sampler."""
    question = get(qid)
    expr = parse_text(text, question.namespace)
    names = dict(cx.assignment)
    point = {}
    for symbol in expr.free_symbols:
        if symbol.name in names:
            point[symbol] = sp.Rational(names[symbol.name])
    if "a" in names or not any(s.name == "a" for s in expr.free_symbols):
        return expr.xreplace(point)
    # Answers in a are compared through a = logit(f).
    f = sp.Rational(names["f"])
    point[sp.Symbol("a", real=True)] = sp.log(f / (1 - f))
    return sp.nsimplify(sp.N(expr.xreplace(point), 50), rational=True, tolerance=1e-40)


def same_number(shown: str, value: sp.Expr) -> bool:
    """A reported value (exact, or 15 significant digits) equals value."""
    if "." in shown:
        return abs(sp.Float(shown, 30) - sp.N(value, 30)) < 1e-12 * max(1, abs(sp.N(value)))
    return bool(sp.Rational(shown) == sp.nsimplify(value))
