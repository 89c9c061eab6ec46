"""Shared test helpers: re-evaluating a reported counterexample independently, and a class
report built from hand-made results."""

from __future__ import annotations

import sympy as sp

from checker import DEFAULT_OPTIONS, Counterexample, Limits, PersonResult, get, parse_text
from checker.model.course import Course
from checker.model.overview import ClassReport, RunInfo
from checker.run.overview import build_overview
from checker.run.scoring import score_class


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


def class_report(results: list[PersonResult], ids: list[str]) -> ClassReport:
    """A class report over `results` with one point per question of `ids`: scores and the
    overview's numbers, without merging answers (no worker is started)."""
    course = Course.one_point_each("test", tuple(ids))
    scores = score_class(results, course)
    overview = build_overview(scores, course, {}, Limits(30, 1024), DEFAULT_OPTIONS)
    return ClassReport(course, scores, overview, RunInfo("test", "test", (), ""))
