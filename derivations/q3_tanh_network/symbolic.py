"""Question 3 for symbolic sizes: both networks with nested sums over indexed weights,
the seed's derivation link by link, each proved link confirmed at concrete sizes."""

from __future__ import annotations

import functools
import random

import sympy as sp

from checker.model.claims import Equal
from checker.model.functions import sigmoid
from checker.model.namespace import REAL
from checker.model.verdict import Counterexample, Status, StepResult
from checker.prove.canonical import summand_zero
from checker.prove.engine import decide_equal
from checker.prove.sampling import point_difference
from derivations.definitions import logistic
from derivations.networks import (
    HIDDEN,
    Parameters,
    Unwritable,
    output_sum,
    preactivation_sum,
    write_out,
)
from derivations.q3_tanh_network.concrete import (
    NetworkSizes,
    counterexample_at,
    exact_points,
    network_entries,
    small_rationals,
)
from derivations.q3_tanh_network.parameters import THETA, Proposal, X, d_, k, k_, karr_free, m_


def proves_zero(difference: sp.Expr) -> bool:
    """`summand_zero` (top-level merged sums have a zero summand; an inner sum, the
    pre-activation, stays inside as an opaque real), claimed only where no sum's value
    depends on Karr's convention."""
    return karr_free(difference) and small_exponents(difference) and summand_zero(difference)


def small_exponents(expr: sp.Basic) -> bool:
    """No rational in the argument of a tanh, sigmoid or exp has a numerator or denominator
    past concrete.EXPONENT_LIMIT: beyond, the canonical form would take hours, so the
    symbolic proof is not attempted (the Presburger decision still is)."""
    return all(small_rationals(f.args[0]) for f in expr.atoms(sp.tanh, sp.exp, sigmoid))


def sigmoid_network() -> sp.Expr:
    """y(x, Θ, σ)_k for symbolic D, M and k: the truth."""
    return output_sum(THETA, X, logistic, k, d_, m_)


def tanh_network(theta: Proposal) -> sp.Expr:
    """y(x, Θ′, tanh)_k for symbolic D, M and k."""
    return output_sum(theta.parameters(), X, sp.tanh, k, d_, m_)


def seed_lines() -> tuple[tuple[str, sp.Expr], ...]:
    """The seed's derivation (Answer 3), transcribed line by line."""
    half = Parameters(lambda jj, ii: THETA.first(jj, ii) / 2, THETA.second)
    inner = preactivation_sum(half, X, HIDDEN, d_)
    w2 = THETA.second(k, HIDDEN)
    line2 = sp.Sum(w2 * (1 + sp.tanh(inner)) / 2, (HIDDEN, 1, m_)) + THETA.second(k, 0)
    line3 = sp.Sum(w2 / 2 * sp.tanh(inner), (HIDDEN, 1, m_)) + (
        THETA.second(k, 0) + sp.Sum(w2 / 2, (HIDDEN, 1, m_))
    )
    return (
        ("y(x, Θ, σ)_k = Σ_j ω²_kj σ(Σ_i ω¹_ji x_i + ω¹_j0) + ω²_k0 (definition)",
         sigmoid_network()),
        ("= Σ_j ω²_kj · (1 + tanh(Σ_i ω¹_ji/2 · x_i + ω¹_j0/2))/2 + ω²_k0", line2),
        ("= Σ_j ω²_kj/2 · tanh(Σ_i ω¹_ji/2 · x_i + ω¹_j0/2) + (ω²_k0 + Σ_j ω²_kj/2)", line3),
    )


@functools.cache
def lemma_steps() -> tuple[StepResult, ...]:
    """tanh(t) = 2σ(2t) − 1, hence σ(t) = (1 + tanh(t/2))/2, by the engine."""
    t = sp.Symbol("t", real=True)
    lemmas = (
        ("lemma: tanh(t) = 2σ(2t) − 1 for every real t", sp.tanh(t), 2 * logistic(2 * t) - 1),
        ("hence σ(t) = (1 + tanh(t/2))/2", (1 + sp.tanh(t / 2)) / 2, logistic(t)),
    )
    results = []
    for text, claimed, truth in lemmas:
        outcome = decide_equal(Equal(claimed, truth, ((t, REAL),), text))
        results.append(StepResult(text, outcome.status, outcome.method, outcome.counterexample))
    return tuple(results)


@functools.cache
def seed_steps() -> tuple[StepResult, ...]:
    """The answer-independent links of the seed's chain (computed once per process)."""
    lines = seed_lines()
    results = [StepResult(lines[0][0], Status.VERIFIED, "start: the definition")]
    for (_, before), (text, after) in zip(lines, lines[1:], strict=False):
        results.append(symbolic_step(text, before, after))
    return tuple(results)


PROVED = "symbolic for all D, M, K: sums merged, summand identically 0"


def symbolic_step(text: str, before: sp.Expr, after: sp.Expr) -> StepResult:
    """One link, proved for symbolic sizes and confirmed exactly at concrete ones."""
    if not proves_zero(after - before):
        return StepResult(text, Status.UNDECIDED, "no symbolic proof")
    for sizes in ((2, 2, 1), (3, 2, 2)):
        try:
            cx = _disagreement(after, before, sizes, text)
        except Unwritable as exc:
            return StepResult(text, Status.UNDECIDED, f"a symbolic proof, but not confirmed at "
                              f"concrete sizes ({exc})")
        if cx is not None:
            return StepResult(text, Status.UNDECIDED, "internal inconsistency: a symbolic "
                              "proof was contradicted at a concrete point; please report this", cx)
    return StepResult(text, Status.VERIFIED, f"{PROVED}; confirmed at exact points")


def _disagreement(
    left: sp.Expr, right: sp.Expr, sizes: NetworkSizes, where: str
) -> Counterexample | None:
    """Both sides at one exact point of the given sizes (k = the last output)."""
    d, m, kk = sizes
    fixed = {d_: sp.Integer(d), m_: sp.Integer(m), k_: sp.Integer(kk), k: sp.Integer(kk)}
    a, b = (write_out(e.xreplace(fixed)) for e in (left, right))
    point = next(exact_points(network_entries(d, m, kk), random.Random(sum(sizes))))
    found = point_difference(a, b, point)
    if found is None:
        return None
    return counterexample_at(sizes, point, found, f"{where}, output {kk}")
