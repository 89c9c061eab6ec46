"""Question 3's claim: the symbolic proof, the concrete sizes as a second witness
(with probes past the grid when there is no proof for all sizes), and the verdict."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from checker.model.claims import Decided
from checker.model.options import Options
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from derivations.networks import Unwritable
from derivations.q3_tanh_network.concrete import (
    EXACT_POINTS,
    RATIONAL_POINTS,
    SIZE_LIMIT,
    NetworkSizes,
    all_sizes,
    prove_scaled,
    prove_written_out,
    refute_size,
)
from derivations.q3_tanh_network.parameters import Proposal, proposal
from derivations.q3_tanh_network.symbolic import (
    lemma_steps,
    proves_zero,
    seed_lines,
    seed_steps,
    symbolic_step,
    tanh_network,
)


@dataclass(frozen=True)
class SizeSearch:
    """What the concrete sizes gave: proved sizes, unresolved ones, a counterexample."""

    proved: int
    unresolved: tuple[NetworkSizes, ...]
    counterexample: Counterexample | None
    beyond: bool = False  # the counterexample lies at a probe size past the grid
    literals: tuple[int, ...] = ()  # the answer's integer literals probed past the grid
    unprobed: tuple[int, ...] = ()  # ... and those too large to probe
    literal: int | None = None  # the literal whose probe gave the counterexample
    problem: str = ""  # why some size could not be written out
    unwritten: tuple[NetworkSizes, ...] = ()  # probes that could not be written out (`problem`)


# Without a proof for all sizes, an answer proved on the grid might still fail past it
# (e.g. a sum up to Min(M, 4)): these larger sizes are searched for a counterexample.
PROBE_SIZES: tuple[NetworkSizes, ...] = ((1, 5, 1), (5, 1, 1), (1, 1, 5), (2, 7, 2), (6, 6, 3))
# An answer right up to some size c and wrong past it (Min(M, 7), `if k <= 5`, `if D <= 6`)
# names c: for each integer literal c of the answer up to LITERAL_LIMIT, one of D, M, K is
# set to c, c + 1 and c + 2 and the other two to 1 or 2. Index values need no probes of
# their own: a network of size c + 2 has every index up to c + 2.
LITERAL_LIMIT = 24
LITERAL_POINTS = (4, 2)  # exact and rational points per literal probe


def size_literals(theta: Proposal) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The integer literals c >= SIZE_LIMIT − 1 of the answer (c + 2 past the grid): those
    up to LITERAL_LIMIT, and those past it. A non-integer r gives ⌊|r|⌋ and ⌈|r|⌉."""
    values: set[int] = set()
    for expr in (theta.first, theta.second, theta.bias):
        for r in expr.atoms(sp.Rational):
            values |= {int(sp.floor(abs(r))), int(sp.ceiling(abs(r)))}
    values = {v for v in values if v >= SIZE_LIMIT - 1}
    return (tuple(sorted(v for v in values if v <= LITERAL_LIMIT)),
            tuple(sorted(v for v in values if v > LITERAL_LIMIT)))


def literal_sizes(literals: tuple[int, ...]) -> list[tuple[NetworkSizes, int]]:
    """(size, literal) past the grid and not in PROBE_SIZES, smallest total first."""
    found: dict[NetworkSizes, int] = {}
    for c in literals:
        for n in (c, c + 1, c + 2):
            for other in (1, 2):
                for axis in range(3):
                    sizes = tuple(n if a == axis else other for a in range(3))
                    if max(sizes) > SIZE_LIMIT and sizes not in PROBE_SIZES:
                        found.setdefault(sizes, c)  # type: ignore[arg-type]
    return sorted(found.items(), key=lambda item: (sum(item[0]), item[0]))


def search_sizes(theta: Proposal, limit: int = SIZE_LIMIT, probe: bool = False) -> SizeSearch:
    """Every size of the grid, smallest first, then (with `probe`) sizes past it.

    At each grid size the cheap proof comes first (`prove_scaled`). Where it does not
    apply, a counterexample is searched before the general proof, which is slow; so a
    wrong answer is refuted at once, still at the smallest size where it fails.
    """
    proved = 0
    unresolved: list[NetworkSizes] = []
    problem = ""
    for sizes in all_sizes(limit):
        try:
            scaled = prove_scaled(theta, sizes)
            if scaled:
                proved += 1
                continue
            cx = refute_size(theta, sizes)
            if cx is not None:
                return SizeSearch(proved, tuple(unresolved), cx, problem=problem)
            if scaled is None and prove_written_out(theta, sizes):
                proved += 1
                continue
        except Unwritable as exc:
            problem = problem or str(exc)
        unresolved.append(sizes)
    if not probe:
        return SizeSearch(proved, tuple(unresolved), None, problem=problem)
    literals, unprobed = size_literals(theta)
    probes: list[tuple[NetworkSizes, int | None, tuple[int, int]]] = [
        (s, None, (EXACT_POINTS, RATIONAL_POINTS)) for s in PROBE_SIZES]
    probes += [(s, c, LITERAL_POINTS) for s, c in literal_sizes(literals)]
    unwritten: list[NetworkSizes] = []
    for sizes, literal, (exact, rational) in probes:
        try:
            cx = refute_size(theta, sizes, exact, rational)
        except Unwritable as exc:
            problem = problem or str(exc)
            unwritten.append(sizes)
            continue
        if cx is not None:
            return SizeSearch(proved, tuple(unresolved), cx, True, literals, unprobed, literal,
                              problem, tuple(unwritten))
    return SizeSearch(proved, tuple(unresolved), None, False, literals, unprobed, None, problem,
                      tuple(unwritten))


def network_claim(parts: dict[str, sp.Expr], options: Options) -> Decided:
    theta = proposal(parts)
    return Decided("y(x, Θ′, tanh) = y(x, Θ, σ) for every x and every size",
                   lambda: decide_network(theta))


def decide_network(theta: Proposal) -> Outcome:
    lines = seed_lines()
    tanh_net = tanh_network(theta)
    symbolic = proves_zero(tanh_net - lines[0][1])
    search = search_sizes(theta, probe=not symbolic)
    last = _last_link(theta, tanh_net, search)
    total = SIZE_LIMIT**3
    witness = StepResult(
        f"y(x, Θ′, tanh)_k = y(x, Θ, σ)_k for every D, M, K <= {SIZE_LIMIT}, every k "
        "(explicit networks)", _search_status(search), _search_method(search, total),
        search.counterexample)
    steps = (*lemma_steps(), *seed_steps(), last, witness)
    if search.counterexample is not None:
        if symbolic:
            return Outcome(Status.UNDECIDED, "symbolic proof and a counterexample disagree",
                           search.counterexample, "internal inconsistency; please report this",
                           steps)
        return Outcome(Status.REFUTED, f"counterexample: both networks at {_where(search, total)}",
                       search.counterexample, steps=steps)
    if symbolic:
        return Outcome(Status.VERIFIED, f"symbolic for all D, M, K >= 1: y(x, Θ′, tanh)_k = "
                       "y(x, Θ, σ)_k with indexed weights and nested sums (sums merged, summand "
                       f"identically 0); second witness: {_search_method(search, total)}",
                       steps=steps)
    if not search.unresolved:
        return Outcome(Status.VERIFIED, f"proved for every D, M, K <= {SIZE_LIMIT} ({total} "
                       "sizes, explicit networks, every output); no proof for all sizes, and no "
                       f"counterexample at the larger sizes {_sizes_text(PROBE_SIZES)}"
                       f"{_literals_text(search)}", steps=steps)
    reason = "no proof and no counterexample within the limits"
    if search.problem:
        reason += f" ({search.problem})"
    return Outcome(Status.UNDECIDED, _search_method(search, total), reason=reason, steps=steps)


def _where(search: SizeSearch, total: int) -> str:
    if not search.beyond:
        return (f"the smallest failing size (D, M, K searched up to {SIZE_LIMIT}, "
                "smallest first)")
    grid = (f"every D, M, K <= {SIZE_LIMIT} proved" if not search.unresolved
            else f"{search.proved} of {total} sizes up to {SIZE_LIMIT} proved, none refuted")
    why = ("" if search.literal is None
           else f"; probed because the answer has the integer literal {search.literal}")
    return f"a size past the grid ({grid}{why})"


def _literals_text(search: SizeSearch) -> str:
    text = ""
    if search.literals:
        cs = ", ".join(map(str, search.literals))
        text += (f", nor with one of D, M, K at c, c + 1, c + 2 and the other two 1 or 2 for "
                 f"each integer literal c of the answer ({cs})")
    if search.unprobed:
        shown = ", ".join(_short(c) for c in search.unprobed[:3])
        more = ", ..." if len(search.unprobed) > 3 else ""
        text += f"; integer literals past {LITERAL_LIMIT} were not probed: {shown}{more}"
    if search.unwritten:
        text += (f"; {len(search.unwritten)} of these sizes could not be written out and were "
                 f"not searched ({search.problem}): {_sizes_text(search.unwritten)}")
    return text


def _short(c: int) -> str:
    text = str(c)
    return text if len(text) <= 12 else f"{text[:4]}...({len(text)} digits)"


def _last_link(theta: Proposal, tanh_net: sp.Expr, search: SizeSearch) -> StepResult:
    text = "= Σ_j ω̃²_kj tanh(Σ_i ω̃¹_ji x_i + ω̃¹_j0) + ω̃²_k0 = y(x, Θ′, tanh)_k (Θ′: the answer)"
    step = symbolic_step(text, seed_lines()[-1][1], tanh_net)
    if step.status is Status.VERIFIED or search.counterexample is None:
        return step
    return StepResult(text, Status.REFUTED, "counterexample at concrete sizes (see below)",
                      search.counterexample)


def _sizes_text(sizes: tuple[NetworkSizes, ...]) -> str:
    return ", ".join("(" + ", ".join(map(str, s)) + ")" for s in sizes) + " (D, M, K)"


def _search_status(search: SizeSearch) -> Status:
    if search.counterexample is not None:
        return Status.REFUTED
    return Status.UNDECIDED if search.unresolved else Status.VERIFIED


def _search_method(search: SizeSearch, total: int) -> str:
    if search.counterexample is not None:
        past = " and a probe past them" if search.beyond else ""
        return f"counterexample after {search.proved} sizes proved{past}"
    if search.unresolved:
        return (f"explicit networks proved equal for {search.proved} of {total} sizes; "
                f"undecided at {len(search.unresolved)}")
    return f"explicit networks proved equal for every D, M, K <= {SIZE_LIMIT} ({total} sizes, " \
        "every output k)"
