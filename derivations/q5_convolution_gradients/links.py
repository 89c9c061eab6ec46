"""Question 5's links: each side of a comparison (an answer, a step, or a truth built
from the definitions), compared at every point of every witness; a mismatch is
re-evaluated by SymPy at its point before it is reported."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from checker.model.verdict import Counterexample, Outcome, Status
from checker.prove.array_rows import Evaluated, Mismatch, compare_everywhere, evaluate_all, rows_of
from checker.prove.arrays import ArrayValue, Evaluator, Unsupported, VectorRule
from checker.prove.lazy import OnFirstUse
from checker.prove.sampling import evaluate_written_out, undefined
from derivations.convolution_1d import ConvMode, network_of_sizes
from derivations.q5_convolution_gradients.points import (
    At,
    Layout,
    Points,
    i_,
    n_,
    point_at,
    vector_rules,
)
from derivations.q5_convolution_gradients.witnesses import Witness

if TYPE_CHECKING:
    import numpy as np
else:
    np = OnFirstUse("numpy", globals(), "np")


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its value at every point, and at one point by SymPy."""

    label: str
    everywhere: Callable[[Points, dict[str, VectorRule]], Evaluated]
    at: Callable[[At], sp.Basic]


def answer_side(label: str, expr: sp.Basic) -> Side:
    return Side(label, lambda pts, rules: evaluate_all(expr, pts, rules),
                lambda at: evaluate_written_out(expr, at.env, at.vectors))


@dataclass(frozen=True)
class Link:
    """`answer` must equal `truth` at every point; `text` names it in the report."""

    text: str
    answer: Side
    truth: Side


def check_links(links: Sequence[Link], points_of: Callable[[Layout], Points], what: str,
                wits: Sequence[Witness]) -> list[Outcome]:
    """Every link at every point of every witness; each side is evaluated once."""
    if not wits[0].layout.sizes:
        why = f"no admissible size in the range ({wits[0].label}); raise --max-size"
        return [Outcome(Status.UNDECIDED, "no sizes checked", reason=why) for _ in links]
    found: list[Outcome | None] = [None] * len(links)
    notes: list[str] = [""] * len(links)
    shown: list[str] = []
    for wit in wits:
        points = points_of(wit.layout)
        shown.append(f"{wit.label} ({len(wit.layout.sizes)} sizes, {points.count} {what})")
        rules = vector_rules(points)
        cache: dict[int, Evaluated] = {}

        def value(side: Side, pts: Points = points, rs: dict[str, VectorRule] = rules,
                  memo: dict[int, Evaluated] = cache) -> Evaluated:
            if id(side) not in memo:
                memo[id(side)] = side.everywhere(pts, rs)
            return memo[id(side)]

        for k, link in enumerate(links):
            if found[k] is not None:
                continue
            try:
                comparison = compare_everywhere(value(link.answer), value(link.truth), points)
            except Unsupported as exc:
                found[k] = Outcome(Status.UNDECIDED, "not evaluated",
                                   reason=f"{exc}; the checker cannot evaluate it")
                continue
            if comparison.mismatch is not None:
                found[k] = refutation(link, points, comparison.mismatch, wit)
            elif not comparison.proof:
                notes[k] = comparison.note
    method = "exhaustive, " + ", plus ".join(shown)
    out = []
    for k in range(len(links)):
        result = found[k]
        if result is not None:
            out.append(result)
        elif notes[k]:
            out.append(Outcome(
                Status.UNDECIDED, f"agreement at random integer entries: {', '.join(shown)}",
                reason=f"{notes[k]}, so no exact polynomial comparison: compared at fixed "
                "random integer entries only, where agreement is evidence, not a proof",
            ))
        else:
            out.append(Outcome(Status.VERIFIED, method))
    return out


def _listed(at: At, name: str, size: int) -> str:
    return "[" + ", ".join(sp.sstr(at.vectors[name]((m,))) for m in range(1, size + 1)) + "]"


def refutation(link: Link, points: Points, mismatch: Mismatch, wit: Witness) -> Outcome:
    """The mismatch re-evaluated by SymPy at its point; reported only if confirmed."""
    p = mismatch.point
    at = point_at(points, p, substitute=not mismatch.exact)
    answer, truth = link.answer.at(at), link.truth.at(at)
    confirmed = undefined(answer) and not undefined(truth)
    if not undefined(answer) and not undefined(truth):
        confirmed = sp.expand(answer - truth) != 0
    kind = "exact polynomials" if mismatch.exact else "random integer entries"
    if not confirmed:
        return Outcome(Status.UNDECIDED, f"{wit.label}: evaluators disagree",
                       reason="internal inconsistency: a difference found with NumPy was "
                       f"not confirmed by SymPy at {points.describe(p)}; please report this")
    assignment = points.describe(p)
    if not mismatch.exact:  # the entry values are part of the counterexample
        assignment += (("w2[1..k2]", _listed(at, "w2", at.sizes.k2)),)
        if "i" not in points.index:
            assignment += (("g[1..|a2|]", _listed(at, "g", at.a2)),)
    note = "re-checked with SymPy in exact arithmetic"
    shown = "undefined" if undefined(answer) else sp.sstr(answer)
    counterexample = Counterexample(assignment, shown, sp.sstr(truth), link.text, note)
    return Outcome(Status.REFUTED, f"counterexample ({kind}), {wit.label}", counterexample)


# ---------------------------------------------------------------------------------
# The truths
# ---------------------------------------------------------------------------------


def _rows_side(label: str, build: Callable[[Evaluator, Points, dict[str, VectorRule]], ArrayValue],
               at: Callable[[At], sp.Basic]) -> Side:
    def everywhere(points: Points, rules: dict[str, VectorRule]) -> Evaluated:
        ev = Evaluator(points, rules, exact=False, substitute=False)
        return Evaluated(rows_of(build(ev, points, rules)), None, ev.nowhere)

    return Side(label, everywhere, at)


def length_truth() -> Side:
    """|a2| of the network built by the definitions, size by size."""
    def build(ev: Evaluator, points: Points, _rules: dict[str, VectorRule]) -> ArrayValue:
        return ev.number(points.per_size(points.layout.a2))

    return _rows_side("|a2| of the built network", build,
                      lambda at: sp.Integer(len(network_of_sizes(at.mode, at.sizes).a2)))


def jacobian_truth() -> Side:
    """d a2_i / d h1_n from SymPy's differentiation of the built network."""
    def build(ev: Evaluator, points: Points, rules: dict[str, VectorRule]) -> ArrayValue:
        return rules["J"](ev, (points.index["i"], points.index["n"]))

    return _rows_side("d a2_i / d h1_n (SymPy Jacobian of the built network)", build,
                      lambda at: at.vectors["J"]((int(at.env[i_]), int(at.env[n_]))))


def chain_rule_truth() -> Side:
    """(nabla_h1 L)_n = sum_{i=1}^{|a2|} g_i d a2_i / d h1_n: the chain rule, with the
    Jacobian from SymPy and |a2| from the built network."""
    def build(ev: Evaluator, points: Points, rules: dict[str, VectorRule]) -> ArrayValue:
        a2 = points.per_size(points.layout.a2)
        n = points.index["n"]
        out = ev.zero()
        for i in range(1, int(a2.max(initial=0)) + 1):
            at_i = np.full(points.count, i, dtype=np.int64)
            term = ev.mul(rules["g"](ev, (at_i,)), rules["J"](ev, (at_i, n)))
            out = ev.add(out, ev.masked(term, i <= a2))
        return out

    def at(point: At) -> sp.Basic:
        n = int(point.env[n_])
        return sp.Add(*[point.vectors["g"]((i,)) * point.vectors["J"]((i, n))
                        for i in range(1, point.a2 + 1)])

    return _rows_side("the chain rule with the SymPy Jacobian", build, at)


def identity_truth(mode: ConvMode) -> Side:
    """(g conv flip(w2))_n by definition (1) or (2): what the chain must arrive at."""
    name = "fullconv" if mode is ConvMode.FULL else "validconv"

    def build(ev: Evaluator, points: Points, rules: dict[str, VectorRule]) -> ArrayValue:
        return rules[name](ev, (points.index["n"],))

    return _rows_side(f"(g {mode.value}-conv flip(w2))_n", build,
                      lambda at: at.vectors[name]((int(at.env[n_]),)))

