"""Question 3 past the grid: where an answer without a proof for every size is evaluated
for a counterexample, and the evaluation there.

An answer right for every D, M, K ≤ 4 can still switch later (a sum up to Min(M, 25), a
part `if M < 210`, a Piecewise on K > 10**6). The sizes looked at, cheapest first:

- fixed probes (`PROBE_SIZES`), for what has no condition to point at it;
- both sides of every size condition of the answer's parts
  (`checker.prove.boundaries`: z3 finds the smallest sizes and indices with the
  condition true and with it false, however the threshold is written);
- the sizes at which the Presburger decision found a part differing from a template
  (`allsizes`).

At each, both networks are evaluated at exact points (`concrete.refute_size`). Past
DENSE_INPUTS inputs only x_1, x_2, x_D and the inputs a condition names are nonzero;
past DENSE_OUTPUTS outputs only y_1, y_2, y_K and those named are compared: the point
is a point like any other, and D or K = 10**6 + 1 costs no more than D = 4. Every hidden
unit contributes to every output, so M is never reduced: a size with more than
HIDDEN_LIMIT hidden units is not evaluated, and neither is one past the budget of
hidden units for all sizes together (a count, not a clock, so the verdict does not
depend on the machine); the method names them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from checker.model.verdict import Counterexample
from checker.prove.boundaries import boundary_probes
from derivations.networks import Unwritable
from derivations.q3_tanh_network.concrete import SIZE_LIMIT, Focus, NetworkSizes, refute_size
from derivations.q3_tanh_network.parameters import Proposal, d_, i, j, k, k_, m_

# Sizes past the grid that every answer without a proof is evaluated at.
PROBE_SIZES: tuple[NetworkSizes, ...] = ((1, 5, 1), (5, 1, 1), (1, 1, 5), (2, 7, 2), (6, 6, 3))
DENSE_INPUTS = 16  # up to this many inputs all are used; past it only those named
DENSE_OUTPUTS = 8  # likewise for outputs
HIDDEN_LIMIT = 512  # the most hidden units of one size evaluated exactly
HIDDEN_BUDGET = 4096  # the most hidden units of all sizes past the grid together
POINTS = (4, 2)  # exact and rational points per size ...
LARGE_POINTS = (2, 0)  # ... and with more than 64 hidden units (where each costs most)

_INTEGERS = (d_, m_, k_, i, j, k)
_INDEX_RANGES = (sp.Le(i, d_), sp.Ge(j, 1), sp.Le(j, m_), sp.Le(k, k_))


@dataclass(frozen=True)
class Candidate:
    sizes: NetworkSizes
    focus: Focus  # the nonzero inputs and the compared outputs
    why: str  # why these sizes: a probe, a condition's side, a part that differs

    def shown(self) -> str:
        d, m, kk = self.sizes
        text = f"({d}, {m}, {kk})"
        ins, outs = self.focus.within(self.sizes)
        narrowed = []
        if len(ins) < d:
            narrowed.append("inputs " + ", ".join(map(str, ins)))
        if len(outs) < kk:
            narrowed.append("outputs " + ", ".join(map(str, outs)))
        return f"{text} [{'; '.join(narrowed)}]" if narrowed else text


@dataclass(frozen=True)
class Beyond:
    """What the sizes past the grid gave."""

    counterexample: Counterexample | None
    at: Candidate | None  # where the counterexample lies
    checked: tuple[Candidate, ...]  # evaluated without a counterexample
    unchecked: tuple[tuple[Candidate, str], ...]  # not evaluated, and why
    conditions: tuple[str, ...]  # the size conditions of the answer
    skipped: tuple[str, ...]  # conditions not probed, and why


def search_beyond(theta: Proposal, found: tuple[dict[str, int], ...] = ()) -> Beyond:
    """Every candidate past the grid, cheapest first, until a counterexample."""
    probes = boundary_probes((theta.first, theta.second, theta.bias), _INTEGERS, _INDEX_RANGES)
    named: dict[NetworkSizes, tuple[set[int], set[int], list[str]]] = {}

    def add(sizes: NetworkSizes, inputs: set[int], outputs: set[int], why: str) -> None:
        if max(sizes) <= SIZE_LIMIT:
            return  # on the grid: every output at every input already compared
        ins, outs, whys = named.setdefault(sizes, (set(), set(), []))
        ins |= inputs
        outs |= outputs
        if why not in whys:
            whys.append(why)

    for sizes in PROBE_SIZES:
        add(sizes, set(), set(), "fixed probe")
    for probe in probes.probes:
        v = {s.name: n for s, n in probe.values.items()}
        sides = ", ".join(f"`{text}` {'true' if side else 'false'}" for text, side in probe.sides)
        add((v["D"], v["M"], v["K"]), {v["i"]}, {v["k"]}, f"the answer's condition {sides}")
    for v in found:
        add((v.get("D", 1), v.get("M", 1), v.get("K", 1)), {v.get("i", 1)}, {v.get("k", 1)},
            "a part differs from the seed's Θ″ there (Presburger)")
    candidates = [Candidate(sizes, _focus(sizes, ins, outs), "; ".join(whys))
                  for sizes, (ins, outs, whys) in named.items()]
    candidates.sort(key=lambda c: (_cost(c), sum(c.sizes), c.sizes))
    return _evaluate(theta, candidates, probes.conditions, probes.skipped)


def _evaluate(theta: Proposal, candidates: list[Candidate], conditions: tuple[str, ...],
              skipped: tuple[str, ...]) -> Beyond:
    checked: list[Candidate] = []
    unchecked: list[tuple[Candidate, str]] = []
    budget = HIDDEN_BUDGET
    for c in candidates:
        hidden = c.sizes[1]
        if hidden > HIDDEN_LIMIT:
            unchecked.append((c, f"{hidden} hidden units, more than the {HIDDEN_LIMIT} "
                                 "evaluated exactly"))
            continue
        if hidden > budget:
            unchecked.append((c, f"past the budget of {HIDDEN_BUDGET} hidden units for all "
                                 "sizes past the grid"))
            continue
        budget -= hidden
        points = POINTS if hidden <= 64 else LARGE_POINTS
        try:
            cx = refute_size(theta, c.sizes, *points, focus=c.focus)
        except Unwritable as exc:
            unchecked.append((c, str(exc)))
            continue
        if cx is not None:
            return Beyond(cx, c, tuple(checked), tuple(unchecked), conditions, skipped)
        checked.append(c)
    return Beyond(None, None, tuple(checked), tuple(unchecked), conditions, skipped)


def _focus(sizes: NetworkSizes, inputs: set[int], outputs: set[int]) -> Focus:
    d, _, kk = sizes
    ins = range(1, d + 1) if d <= DENSE_INPUTS else {1, 2, d} | inputs
    outs = range(1, kk + 1) if kk <= DENSE_OUTPUTS else {1, 2, kk} | outputs
    return Focus(*Focus(tuple(ins), tuple(outs)).within(sizes))


def _cost(c: Candidate) -> int:
    ins, outs = c.focus.within(c.sizes)
    return c.sizes[1] * (len(ins) + 1) * len(outs)
