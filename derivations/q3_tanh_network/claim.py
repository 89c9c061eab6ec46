"""Question 3's claim: a proof for every size (symbolic, else the Presburger decision on
Θ′), the concrete sizes as the second witness, sizes past the grid when there is no
proof, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from checker.model.claims import Decided
from checker.model.options import Options
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from derivations.networks import Unwritable
from derivations.q3_tanh_network.allsizes import decide_parts
from derivations.q3_tanh_network.beyond import Beyond, Candidate, search_beyond
from derivations.q3_tanh_network.concrete import (
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
    sigmoid_network,
    symbolic_step,
    tanh_network,
)

TOTAL = SIZE_LIMIT**3
SYMBOLIC = ("symbolic proof for every D, M, K >= 1: y(x, Θ′, tanh)_k = y(x, Θ, σ)_k with "
            "indexed weights and nested sums (sums merged, summand identically 0)")


@dataclass(frozen=True)
class SizeSearch:
    """What the grid gave: proved sizes, unresolved ones, a counterexample."""

    proved: int
    unresolved: tuple[NetworkSizes, ...]
    counterexample: Counterexample | None
    problem: str = ""  # why some size could not be written out


@dataclass(frozen=True)
class Proof:
    """A proof for every size (`method`), or why there is none and the sizes where a part
    of Θ′ differs from a template (worth evaluating)."""

    method: str | None
    why: str = ""
    found: tuple[dict[str, int], ...] = ()
    symbolic: bool = False


def search_sizes(theta: Proposal, limit: int = SIZE_LIMIT) -> SizeSearch:
    """Every size of the grid, smallest first.

    At each size the cheap proof comes first (`prove_scaled`). Where it does not apply,
    a counterexample is searched before the general proof, which is slow; so a wrong
    answer is refuted at once, still at the smallest size where it fails.
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
                return SizeSearch(proved, tuple(unresolved), cx, problem)
            if scaled is None and prove_written_out(theta, sizes):
                proved += 1
                continue
        except Unwritable as exc:
            problem = problem or str(exc)
        unresolved.append(sizes)
    return SizeSearch(proved, tuple(unresolved), None, problem)


def prove_all_sizes(theta: Proposal, tanh_net: sp.Expr) -> Proof:
    """The symbolic proof of the network identity, else the Presburger decision on Θ′."""
    if proves_zero(tanh_net - sigmoid_network()):
        return Proof(SYMBOLIC, symbolic=True)
    parts = decide_parts(theta)
    if parts.method is not None:
        return Proof(parts.method)
    why = ("symbolic: the merged summand is not identically 0 (or a sum's value depends on "
           f"the empty-sum convention); Presburger: {parts.why or 'no template'}")
    return Proof(None, why, parts.found)


def network_claim(parts: dict[str, sp.Expr], options: Options) -> Decided:
    theta = proposal(parts)
    return Decided("y(x, Θ′, tanh) = y(x, Θ, σ) for every x and every D, M, K >= 1",
                   lambda: decide_network(theta))


def decide_network(theta: Proposal) -> Outcome:
    tanh_net = tanh_network(theta)
    proof = prove_all_sizes(theta, tanh_net)
    grid = search_sizes(theta)
    beyond = None
    if proof.method is None and grid.counterexample is None:
        beyond = search_beyond(theta, proof.found)
    cx = grid.counterexample or (beyond.counterexample if beyond else None)
    witness = StepResult(
        f"y(x, Θ′, tanh)_k = y(x, Θ, σ)_k for every D, M, K <= {SIZE_LIMIT}, every k "
        "(explicit networks)", _grid_status(grid), _grid_method(grid), grid.counterexample)
    steps = (*lemma_steps(), *seed_steps(), _last_link(tanh_net, proof, cx), witness)
    if cx is not None:
        if proof.method is not None:
            return Outcome(Status.UNDECIDED, proof.method, cx,
                           "internal inconsistency: proved for every size, but the networks "
                           "differ at a concrete point; please report this", steps)
        return Outcome(Status.REFUTED, f"counterexample: both networks at {_where(grid, beyond)}",
                       cx, steps=steps)
    if proof.method is not None and grid.proved == 0:
        # A proof that no concrete size could confirm is one witness, not two.
        return Outcome(Status.UNDECIDED, proof.method, reason="proved for every size, but not "
                       f"confirmed at any concrete size ({grid.problem or _grid_method(grid)})",
                       steps=steps)
    if proof.method is not None:
        return Outcome(Status.VERIFIED, f"{proof.method}; second witness: {_grid_method(grid)}",
                       steps=steps)
    assert beyond is not None
    reason = f"no proof for every D, M, K >= 1 ({proof.why})"
    if grid.problem:
        reason += f"; {grid.problem}"
    return Outcome(Status.UNDECIDED, _unproved_method(grid, beyond), reason=reason, steps=steps)


def _last_link(tanh_net: sp.Expr, proof: Proof, cx: Counterexample | None) -> StepResult:
    text = "= Σ_j ω̃²_kj tanh(Σ_i ω̃¹_ji x_i + ω̃¹_j0) + ω̃²_k0 = y(x, Θ′, tanh)_k (Θ′: the answer)"
    step = symbolic_step(text, seed_lines()[-1][1], tanh_net)
    if step.status is Status.VERIFIED:
        return step
    if cx is not None:
        return StepResult(text, Status.REFUTED, "counterexample at concrete sizes (see below)", cx)
    if proof.method is not None and not proof.symbolic:
        return StepResult(text, Status.VERIFIED, proof.method)
    return step


def _where(grid: SizeSearch, beyond: Beyond | None) -> str:
    if beyond is None or beyond.at is None:
        return f"the smallest failing size (D, M, K searched up to {SIZE_LIMIT}, smallest first)"
    covered = (f"every D, M, K <= {SIZE_LIMIT} proved" if not grid.unresolved
               else f"{grid.proved} of {TOTAL} sizes up to {SIZE_LIMIT} proved, none refuted")
    return f"a size past the grid ({covered}), probed because of {beyond.at.why}"


def _grid_status(grid: SizeSearch) -> Status:
    if grid.counterexample is not None:
        return Status.REFUTED
    return Status.UNDECIDED if grid.unresolved else Status.VERIFIED


def _grid_method(grid: SizeSearch) -> str:
    if grid.counterexample is not None:
        return f"counterexample after {grid.proved} sizes proved"
    if grid.unresolved:
        return (f"explicit networks proved equal for {grid.proved} of {TOTAL} sizes up to "
                f"{SIZE_LIMIT}; undecided at {len(grid.unresolved)}, no counterexample")
    return (f"explicit networks proved equal for every D, M, K <= {SIZE_LIMIT} ({TOTAL} sizes, "
            "every output k)")


def _unproved_method(grid: SizeSearch, beyond: Beyond) -> str:
    if grid.unresolved:
        head = (f"explicit networks proved equal for {grid.proved} of {TOTAL} sizes with "
                f"D, M, K <= {SIZE_LIMIT} (no counterexample at the others)")
    else:
        head = (f"proved for every D, M, K <= {SIZE_LIMIT} ({TOTAL} sizes, explicit networks, "
                "every output)")
    text = f"{head}; no counterexample at the probe sizes {_sizes_text(beyond.checked)} (D, M, K)"
    if beyond.unchecked:
        shown = "; ".join(f"{c.shown()} ({c.why}): {why}" for c, why in beyond.unchecked[:4])
        more = f"; and {len(beyond.unchecked) - 4} more" if len(beyond.unchecked) > 4 else ""
        text += f"; not evaluated: {shown}{more}"
    if beyond.skipped:
        text += f"; conditions not probed: {'; '.join(beyond.skipped[:3])}"
    return text + "; no proof for every size"


def _sizes_text(candidates: tuple[Candidate, ...]) -> str:
    return ", ".join(c.shown() for c in candidates) or "(none)"
