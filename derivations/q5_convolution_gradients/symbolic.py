"""Question 5's truths for symbolic sizes, and what `decide_all_sizes` needs to compare
an answer with them for every admissible size.

Everything is derived from `convolution_1d` with d, k1, k2 as symbols: the lengths
(|h1| and |a2| by the length rule), the admissible sizes (`admissible_constraints`),
a2_i as a Sum over the kernel by definition (1) or (2) with h1 zero out of bounds, and
d a2_i / d h1_n by SymPy's `diff` of its summand with respect to the entry h1[n] (a
Sum over the kernel with a KroneckerDelta). The chain starts at sum_i g_i d a2_i / d h1_n and ends at
(g conv flip(w2))_n by the other definition. Nothing here is typed from an answer.

The chain's namespace names some of these vectors (J, flipw2, fullconv, validconv):
`substituted` replaces each of their entries in an answer by its definition, so that
only the free vectors w2 and g remain, whose entries out of bounds are zero.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import sympy as sp

from derivations.convolution_1d import (
    ConvMode,
    D,
    K,
    admissible_constraints,
    hidden_length_rule,
    length_rule,
    network_length_rule,
    symbolic_conv_entry,
    symbolic_flip,
    unfolded_sum,
    zero_outside,
)
from derivations.q5_convolution_gradients.points import (
    FLIP_W2,
    FULL_CONV,
    JAC,
    VALID_CONV,
    W2,
    G,
    d_,
    i_,
    k1_,
    k2_,
    n_,
)

H1_BASE = sp.IndexedBase("h1", real=True)  # the variables a2 is differentiated by


@dataclass(frozen=True)
class Setting:
    """The quantifiers of one kind of claim: the integer symbols, the constraints on
    them (admissible sizes, index ranges) and the lengths of the free vectors."""

    integers: tuple[sp.Symbol, ...]
    constraints: tuple[sp.Basic, ...]
    vectors: Mapping[str, tuple[sp.Expr, ...]]
    covers: str  # the quantifiers in words, for the method string


def hidden_length(mode: ConvMode) -> sp.Expr:
    """|h1| = |a1| for symbolic d, k1."""
    return hidden_length_rule(mode, d_, k1_)


def output_length(mode: ConvMode) -> sp.Expr:
    """|a2| for symbolic d, k1, k2."""
    return network_length_rule(mode, d_, k1_, k2_)


def _between(m: sp.Expr, length: sp.Expr) -> sp.Basic:
    return sp.And(sp.Le(1, m), sp.Le(m, length))


@lru_cache(maxsize=8)
def setting(mode: ConvMode, indices: tuple[str, ...]) -> Setting:
    """Every admissible (d, k1, k2), with i in 1..|a2| and n in 1..|h1| where asked;
    w2 has k2 entries and g has |a2|."""
    constraints = list(admissible_constraints(mode, d_, k1_, k2_))
    integers = [d_, k1_, k2_]
    ranges = {"i": (i_, output_length(mode), "|a2|"), "n": (n_, hidden_length(mode), "|h1|")}
    words = []
    for name in indices:
        symbol, length, shown = ranges[name]
        integers.append(symbol)
        constraints.append(_between(symbol, length))
        words.append(f"{name} in 1..{shown}")
    covers = "every admissible d, k1, k2" + (f" and every {', '.join(words)}" if words else "")
    vectors = {W2.name: (k2_,), G.name: (output_length(mode),)}
    return Setting(tuple(integers), tuple(constraints), vectors, covers)


def a2_entry(mode: ConvMode, i: sp.Expr) -> sp.Expr:
    """a2_i = (h1 conv w2)_i by definition (1) or (2), h1 zero outside 1..|h1|."""
    return symbolic_conv_entry(mode, zero_outside(H1_BASE, hidden_length(mode)),
                               lambda j: W2.base[j], i, k2_)


def jacobian_entry(mode: ConvMode, i: sp.Expr, n: sp.Expr) -> sp.Expr:
    """d a2_i / d h1_n: SymPy's diff of the summand of a2_i with respect to the entry
    h1[n], summed over the kernel (the Sum's range does not depend on h1, so the
    derivative of the Sum is the Sum of the derivatives, which is what `sp.diff` of
    the Sum computes too). 0 unless i in 1..|a2| and n in 1..|h1|, where the
    namespace's J is 0.

    Differentiating the summand keeps each entry a factor of its own, next to the
    Piecewise of h1's bounds (`sp.diff` of the Sum would fold them into one
    Piecewise), so an exact re-check at large sizes visits only the kernel indices
    where a given entry occurs."""
    a2 = a2_entry(mode, i)
    if any(limit.has(H1_BASE) for limit in a2.limits):
        raise AssertionError(f"the range of a2_i depends on h1: {a2}")
    derivative = unfolded_sum(sp.diff(a2.function, H1_BASE[n]), *a2.limits)
    if derivative.has(H1_BASE):
        raise AssertionError(f"a2 is not linear in h1: {derivative}")
    inside = sp.And(_between(i, output_length(mode)), _between(n, hidden_length(mode)))
    return sp.Piecewise((derivative, inside), (0, True))


def convolved_gradient(network: ConvMode, conv_mode: ConvMode, n: sp.Expr) -> sp.Expr:
    """(g conv flip(w2))_n by definition (1) (conv_mode VALID) or (2) (FULL), with g of
    length |a2| of the `network`; 0 outside the output range (the length rule at
    d = |a2|, k = k2)."""
    size = length_rule(conv_mode).xreplace({D: output_length(network), K: k2_})
    value = symbolic_conv_entry(conv_mode, lambda m: G.base[m], flipped_w2, n, k2_)
    return sp.Piecewise((value, _between(n, size)), (0, True))


def flipped_w2(j: sp.Expr) -> sp.Expr:
    """flip(w2)_j = w2_{k2-j+1} for 1 <= j <= k2, else 0."""
    return symbolic_flip(lambda m: W2.base[m], k2_)(j)


def chain_rule_start(mode: ConvMode) -> sp.Expr:
    """(nabla_h1 L)_n = sum_{i=1}^{|a2|} g_i d a2_i / d h1_n, with the derived Jacobian."""
    i = sp.Dummy("i", integer=True)
    return unfolded_sum(G.base[i] * jacobian_entry(mode, i, n_), (i, 1, output_length(mode)))


def identity_end(mode: ConvMode) -> sp.Expr:
    """(g conv flip(w2))_n with the other convolution: what the chain must reach."""
    return convolved_gradient(mode, mode.other, n_)


def definitions(mode: ConvMode) -> dict[str, Callable[..., sp.Expr]]:
    """The chain namespace's defined vectors, entry by entry, in the `mode` network."""
    return {
        JAC.name: lambda i, n: jacobian_entry(mode, i, n),
        FLIP_W2.name: flipped_w2,
        FULL_CONV.name: lambda n: convolved_gradient(mode, ConvMode.FULL, n),
        VALID_CONV.name: lambda n: convolved_gradient(mode, ConvMode.VALID, n),
    }


def substituted(expr: sp.Basic, mode: ConvMode) -> sp.Basic:
    """expr with every entry of a defined vector replaced by its definition, and every
    Sum whose term does not depend on its variable written as a count.

    Sums are rebuilt without SymPy's piecewise folding (`unfolded_sum`): a definition
    brings its own guards and Sums, which must stay inside the Sums of the answer.
    Two rewrites keep the same value and spare the exact re-check of a counterexample
    at sizes like 10**6 a Sum of 10**6 terms: Sum(t, (j, a, b)) with t free of j is
    max(0, b - a + 1) * t (0 when b < a, the project's convention), and an entry that
    every nonzero piece of a Piecewise multiplies is written in front of it (the
    re-check then visits only the j where that entry is one it keeps)."""
    defined = definitions(mode)

    def walk(e: sp.Basic) -> sp.Basic:
        if isinstance(e, sp.Indexed):
            rule = defined.get(str(e.base.label))
            return e if rule is None else rule(*e.indices)
        if not e.args or not e.has(sp.Indexed, sp.Sum):
            return e
        args = [walk(a) for a in e.args]
        if isinstance(e, sp.Sum):
            term, limits = args[0], args[1:]
            if len(limits) == 1 and not term.has(limits[0][0]):
                var, low, high = limits[0]
                return sp.Max(0, high - low + 1) * term
            return unfolded_sum(term, *limits)
        if isinstance(e, sp.Piecewise):
            return entries_in_front(e.func(*args))
        return e.func(*args)

    return walk(expr)


def entries_in_front(e: sp.Basic) -> sp.Basic:
    """Piecewise((w2[j]*t, c), (0, True)) as w2[j] * Piecewise((t, c), (0, True)): the
    entries that every nonzero piece multiplies, in front of the Piecewise."""
    if not isinstance(e, sp.Piecewise):
        return e
    nonzero = [piece.expr for piece in e.args if piece.expr != 0]
    if not nonzero:
        return e
    common = set.intersection(*(_entry_factors(x) for x in nonzero))
    if not common:
        return e
    front = sp.Mul(*sorted(common, key=sp.default_sort_key))
    pieces = [(piece.expr / front if piece.expr != 0 else 0, piece.cond) for piece in e.args]
    return front * sp.Piecewise(*pieces)


def _entry_factors(e: sp.Expr) -> set[sp.Indexed]:
    if isinstance(e, sp.Indexed):
        return {e}
    return {a for a in e.args if isinstance(a, sp.Indexed)} if isinstance(e, sp.Mul) else set()
