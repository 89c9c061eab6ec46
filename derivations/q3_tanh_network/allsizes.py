"""Question 3 for every size by the Presburger decision (checker.prove.sizes): Θ′ equal,
entry by entry and for every D, M, K ≥ 1, to a parameter set whose tanh network is
proved equal to the sigmoid network.

The parameter sets are read off the seed's derivation, not off the reference answer:
line 3 of the chain is the tanh network with Θ″ = (ω¹/2, ω²/2) and bias
ω²_k0 + Σ_j ω²_kj/2, and since tanh is odd, negating ω̃¹ and ω̃² (j ≥ 1) together gives
the same network. Each template's network is proved equal to y(x, Θ, σ) for every size
by the symbolic proof (`symbolic.proves_zero`); a template without that proof is not used.

If every part of Θ′ equals the template's for every size and every index in range
(W1: 1 ≤ j ≤ M, 0 ≤ i ≤ D; W2: 1 ≤ k ≤ K, 1 ≤ j ≤ M; b2: 1 ≤ k ≤ K), the two networks
are the same function for every size, hence Θ′ is right for every size. This proves
answers whose parts have conditions that change nothing (`Min(M, M + 1)`, `... if D >= 1
else ...`), which the symbolic proof does not. Where a part differs, the decision
returns sizes at which it does: not a counterexample to the network identity (hidden
units may be permuted), but sizes where the network is worth evaluating.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from checker.prove.sizes import Counterexample, OutsideFragment, Proved, decide_all_sizes
from derivations.q3_tanh_network.parameters import THETA, Proposal, d_, i, j, k, k_, m_
from derivations.q3_tanh_network.symbolic import proves_zero, sigmoid_network, tanh_network

PRESBURGER_MS = 2000  # z3 time of one part's decision
_SUM = sp.Symbol("l", integer=True, positive=True)  # the bias's summation variable

# (part, the integers it depends on, the range of its indices)
_PARTS = (
    ("W1", (d_, m_, k_, j, i), (sp.Ge(j, 1), sp.Le(j, m_), sp.Le(i, d_))),
    ("W2", (d_, m_, k_, k, j), (sp.Ge(j, 1), sp.Le(j, m_), sp.Le(k, k_))),
    ("b2", (d_, m_, k_, k), (sp.Le(k, k_),)),
)


@dataclass(frozen=True)
class PartsDecision:
    """A proof for every size (`method`), or why not and the sizes where parts differ."""

    method: str | None
    why: str
    found: tuple[dict[str, int], ...]  # sizes (and indices) where a part differs from a template


@functools.cache
def templates() -> tuple[tuple[str, Proposal], ...]:
    """The seed's Θ″ and its negation, each kept only with its symbolic proof."""
    bias = THETA.second(k, 0) + sp.Sum(THETA.second(k, _SUM), (_SUM, 1, m_)) / 2
    first, second = THETA.first(j, i) / 2, THETA.second(k, j) / 2
    candidates = (
        ("the seed's Θ″ = (ω¹/2, ω²/2, ω²_k0 + Σ_j ω²_kj/2)", Proposal(first, second, bias)),
        ("−Θ″ on ω¹ and ω² (tanh is odd)", Proposal(-first, -second, bias)),
    )
    truth = sigmoid_network()
    return tuple((name, t) for name, t in candidates if proves_zero(tanh_network(t) - truth))


def decide_parts(theta: Proposal) -> PartsDecision:
    """Θ′ against each template, part by part, for every size (see the module docstring)."""
    found: list[dict[str, int]] = []
    reasons: list[str] = []
    for name, template in templates():
        engines: set[str] = set()
        differs: list[str] = []
        for (part, integers, ranges), mine, theirs in zip(
                _PARTS, _parts(theta), _parts(template), strict=True):
            result = decide_all_sizes(mine, theirs, integers=integers, constraints=ranges,
                                      vectors={}, timeout_ms=PRESBURGER_MS)
            # Every part is decided, also after one differs: each may name other sizes.
            if isinstance(result, Proved):
                engines.add(result.method.split(":")[0])
            elif isinstance(result, Counterexample):
                found.append(result.sizes)
                differs.append(f"{part} differs ({result.detail})")
            elif isinstance(result, OutsideFragment):
                differs.append(f"{part} is outside the Presburger fragment ({result.reason})")
        if not differs:
            return PartsDecision(
                f"Presburger proof for every D, M, K >= 1 ({', '.join(sorted(engines))}; "
                f"W1, W2 and b2 each decided, exact spot checks agree): Θ′ equals {name} for "
                "every size and every index in range, and that parameter set's network is "
                "proved equal to y(x, Θ, σ) symbolically", "", tuple(found))
        reasons.append(f"against {name}: {differs[0]}")
    return PartsDecision(None, "; ".join(reasons), tuple(found))


def _parts(theta: Proposal) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    return theta.first, theta.second, theta.bias
