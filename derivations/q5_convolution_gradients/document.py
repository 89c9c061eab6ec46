"""Question 5 in a written derivation (`derivcheck doc`): the spellings of Answer 5 and
how two consecutive steps are compared.

Every value comes from the definitions `symbolic` derives the truths from: |a²| and
|h¹| by the length rule, a²_i as the Sum over the kernel of definition (1) or (2) with
h¹ zero out of bounds, and the chain questions' names g, J, flipw2, fullconv and
validconv (whose definitions `symbolic.substituted` puts in). In 5.3 and 5.6,
(∇_{h¹} L)_n is the chain rule Σ_{i=1}^{|a²|} g_i J[i, n] and the identity's right side
is fullconv[n] (5.3) or validconv[n] (5.6): the declared `ends` are these same values,
so a derivation that starts and ends with them is written out (`checker.run.showing`).

A link outside the chain claim (5.2's `a_i^2 = \\sum_j h^1_{i+j-1} w^2_j`) is decided for
every admissible size and every index in range by `checker.prove.sizes` (z3), with the
defined names replaced by their definitions: a proof, a counterexample at sizes z3
found and `decide_all_sizes` re-checked exactly (both sides written out there), or
undecided (outside the decidable fragment, or no answer in time).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sympy as sp

from checker.model.notation import DocumentSpec, LinkDecision, Notation
from checker.model.verdict import Status, StepResult
from checker.prove.sizes import Counterexample, Proved, decide_all_sizes
from derivations.convolution_1d import ConvMode, flip_index, window_index, zero_outside
from derivations.q5_convolution_gradients.all_sizes import ProvedLink, refuted_for_some_size
from derivations.q5_convolution_gradients.links import Link, answer_side
from derivations.q5_convolution_gradients.points import (
    FLIP_W2,
    FULL_CONV,
    JAC,
    VALID_CONV,
    W2,
    G,
    i_,
    k2_,
    n_,
)
from derivations.q5_convolution_gradients.symbolic import (
    H1_BASE,
    Setting,
    a2_entry,
    hidden_length,
    output_length,
    setting,
    substituted,
)

LINK_MS = 5000  # z3's time for one link


class Kind:
    """Which of the three questions of a mode: |a²|, d a²_i / d h¹_n, or the chain."""

    SIZE = "size"
    ENTRY = "entry"
    CHAIN = "chain"


# Spellings ----------------------------------------------------------------------------
# As `checker.language.notation.normalise_latex` leaves them: \boldsymbol{a}, \mathbf{a}
# and \bm{a} are `a`, spaces and \left/\right are gone. `\ ` (a control space) is not
# spacing there, so the spellings are declared with and without it.
A2_LENGTH = (r"|a^2|", r"|a^{2}|", r"\lvert a^2\rvert", r"\lvert a^{2}\rvert")
H1_LENGTH = (r"|h^1|", r"|h^{1}|", r"\lvert h^1\rvert", r"\lvert h^{1}\rvert")
A2_ENTRY = (r"a_#^2", r"a^2_#", r"a_#^{2}", r"a^{2}_#")
H1_ENTRY = (r"h_#^1", r"h^1_#", r"h_#^{1}", r"h^{1}_#")
_A_I = (r"a_i^2", r"a^2_i", r"a_{i}^{2}", r"a^{2}_{i}", r"a_i^{2}", r"a^{2}_i", r"a_{i}^2", r"a^2_{i}")
_H_N = (r"h_n^1", r"h^1_n", r"h_{n}^{1}", r"h^{1}_{n}", r"h_n^{1}", r"h^{1}_n", r"h_{n}^1", r"h^1_{n}")
ENTRY_ASKED = tuple(rf"\frac{{\partial {a}}}{{\partial {h}}}" for a in _A_I for h in _H_N)
_A_HASH = (r"a_#^2", r"a^2_#", r"a_#^{2}", r"a^{2}_#")
JACOBIAN = tuple(rf"\frac{{\partial {a}}}{{\partial {h}}}" for a in _A_HASH for h in _H_N)
_NABLA_H = (r"\nabla_{h^1}L", r"\nabla_{h^{1}}L")
_NABLA_A = (r"\nabla_{a^2}L", r"\nabla_{a^{2}}L")
GRADIENT_H1 = tuple(f"({nabla})_#" for nabla in _NABLA_H)
GRADIENT_A2 = tuple(f"({nabla})_#" for nabla in _NABLA_A)
_FLIP = (r"\operatorname{flip}", r"\mathrm{flip}", r"\text{flip}", r"\textrm{flip}", "flip")
_W2 = (r"(w^2)", r"(w^{2})")
FLIP = tuple(f"{flip}{w}_#" for flip in _FLIP for w in _W2)
_FULL_STAR = (r"\tilde{*}", r"\tilde{\ast}", r"\ \tilde{*}\ ", r"\ \tilde{\ast}\ ")
_VALID_STAR = ("*", r"\ast", r"\ *\ ", r"\ \ast\ ")


def _convolutions(stars: Sequence[str]) -> tuple[str, ...]:
    return tuple(f"({nabla}{star}{flip}{w})_#" for nabla in _NABLA_A for star in stars
                 for flip in _FLIP for w in _W2)


FULL = _convolutions(_FULL_STAR)
VALID = _convolutions(_VALID_STAR)


# Values ---------------------------------------------------------------------------------
# The summation index of the chain rule as the answer language's parsers bind one (an
# integer, no other assumption): the reference answer's `Sum(g[i]*J[i, n], (i, 1, ...))`
# and a write-up's `\sum_{i=1}^{|a^2|}` are then the very tree of `chain_start`.
SUM_INDEX = sp.Symbol("i", integer=True)


def chain_start(mode: ConvMode, n: sp.Expr) -> sp.Expr:
    """(∇_{h¹} L)_n by the chain rule: Σ_{i=1}^{|a²|} g_i J[i, n], J = d a²_i / d h¹_n."""
    return sp.Sum(G.base[SUM_INDEX] * JAC.base[SUM_INDEX, n], (SUM_INDEX, 1, output_length(mode)))


def gradient_convolution(mode: ConvMode, n: sp.Expr) -> sp.Expr:
    """(g conv flip(w²))_n with the other convolution: the identity's right side."""
    return (FULL_CONV if mode is ConvMode.VALID else VALID_CONV).base[n]


KERNEL_INDEX = sp.Symbol("j", integer=True)  # the sums' own index, as the parser reads `j`


def gradient_convolution_written(mode: ConvMode, n: sp.Expr) -> tuple[sp.Expr, ...]:
    """The identity's right side as a write-up may give it: its name, its definition (1)
    or (2) with x = g and w = flip(w²), and that with flip(w²)_j = w²_{k2-j+1} put in
    (`window_index` and `flip_index` are the definitions the networks are built with)."""
    identity = ConvMode.FULL if mode is ConvMode.VALID else ConvMode.VALID
    j = KERNEL_INDEX
    entry = G.base[window_index(identity, n, j, k2_)]
    named = sp.Sum(entry * FLIP_W2.base[j], (j, 1, k2_))
    flipped = sp.Sum(entry * W2.base[flip_index(j, k2_)], (j, 1, k2_))
    return (gradient_convolution(mode, n), named, flipped)


def notation(mode: ConvMode, kind: str) -> tuple[Notation, ...]:
    """The spellings of one question of `mode`."""
    def length(name: str) -> Callable[[], sp.Expr]:
        return (lambda: output_length(mode)) if name == "a2" else (lambda: hidden_length(mode))

    asked_length = kind == Kind.SIZE
    out = [Notation(s, "|a²|, the length of a² (the length rule, applied twice)",
                    None if asked_length else length("a2")) for s in A2_LENGTH]
    out += [Notation(s, "|h¹|, the length of h¹ (the length rule)", length("h1"))
            for s in H1_LENGTH]
    if kind == Kind.ENTRY:
        out += [Notation(s, "d a²_i / d h¹_n, the asked entry") for s in ENTRY_ASKED]
        out += [Notation(s, "a²_i = (h¹ conv w²)_i by the definition (h¹ zero out of bounds)",
                         lambda m: a2_entry(mode, m), rank=1) for s in A2_ENTRY]
        out += [Notation(s, "h¹_m, zero unless 1 <= m <= |h¹|",
                         lambda m: zero_outside(H1_BASE, hidden_length(mode))(m), rank=1)
                for s in H1_ENTRY]
    if kind == Kind.CHAIN:
        out += [Notation(s, "d a²_i / d h¹_n, the entry J[i, n] of the Jacobian",
                         lambda m: JAC.base[m, n_], rank=1) for s in JACOBIAN]
        out += [Notation(s, "(∇_{h¹} L)_n by the chain rule: Σ_{i=1}^{|a²|} g_i J[i, n]",
                         lambda m: chain_start(mode, m), rank=1) for s in GRADIENT_H1]
        out += [Notation(s, "(∇_{a²} L)_i = g[i]", lambda m: G.base[m], rank=1)
                for s in GRADIENT_A2]
        out += [Notation(s, "flip(w²)_j = flipw2[j] = w²_{k2-j+1}", lambda m: FLIP_W2.base[m],
                         rank=1) for s in FLIP]
        out += [Notation(s, "(∇_{a²} L full-conv flip(w²))_n = fullconv[n], definition (2)",
                         lambda m: FULL_CONV.base[m], rank=1) for s in FULL]
        out += [Notation(s, "(∇_{a²} L valid-conv flip(w²))_n = validconv[n], definition (1)",
                         lambda m: VALID_CONV.base[m], rank=1) for s in VALID]
    return tuple(out)


# The link -------------------------------------------------------------------------------
def link_setting(mode: ConvMode, indices: tuple[str, ...]) -> Setting:
    """Every admissible size with the given indices in range; w², g and h¹ have their
    lengths (entries out of bounds are 0)."""
    base = setting(mode, indices)
    vectors = {**base.vectors, H1_BASE.name: (hidden_length(mode),)}
    return Setting(base.integers, base.constraints, vectors, base.covers)


def decide_link(mode: ConvMode) -> LinkDecision:
    def link(before: Any, after: Any, where: str) -> StepResult:
        if not (isinstance(before, sp.Expr) and isinstance(after, sp.Expr)):
            return StepResult("", Status.UNDECIDED, "not an expression: the steps cannot be compared")
        answer, truth = substituted(after, mode), substituted(before, mode)
        free = after.free_symbols | before.free_symbols
        indices = tuple(name for name, symbol in (("i", i_), ("n", n_)) if symbol in free)
        quantifiers = link_setting(mode, indices)
        found = decide_all_sizes(answer, truth, integers=quantifiers.integers,
                                 constraints=quantifiers.constraints, vectors=quantifiers.vectors,
                                 timeout_ms=LINK_MS)
        if isinstance(found, Proved):
            return StepResult("", Status.VERIFIED, f"Presburger proof for {quantifiers.covers} "
                              f"({found.method})")
        if isinstance(found, Counterexample):
            sides = Link(where or "this link", answer_side("this step", after),
                         answer_side("the step before", before))
            outcome = refuted_for_some_size(ProvedLink(sides, answer, truth), found, quantifiers)
            return StepResult("", outcome.status, outcome.reason or outcome.method,
                              outcome.counterexample)
        return StepResult("", Status.UNDECIDED, f"no proof for every size: {found.reason}")

    return link


def document(mode: ConvMode, kind: str) -> DocumentSpec:
    """The DocumentSpec of one question of `mode`."""
    ends = None
    if kind == Kind.CHAIN:
        ends = (lambda: chain_start(mode, n_), lambda: gradient_convolution_written(mode, n_))
    return DocumentSpec(notation=notation(mode, kind), link=decide_link(mode), ends=ends)
