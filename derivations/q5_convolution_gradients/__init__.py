"""Question 5: sizes, Jacobian entries and gradient identities of a 1-D CNN.

Every claim is decided for every admissible size (d, k1, k2), with no upper bound:
`symbolic` derives the truths from the definitions in `convolution_1d` with symbolic
sizes (the length of a2 by the length rule, d a2_i / d h1_n by SymPy's diff of the Sum
defining a2_i, the chain rule with it, and g conv flip(w2) by definition (1) or (2)),
and `all_sizes` compares an answer with them by `checker.prove.sizes.decide_all_sizes`
(Presburger arithmetic, z3): a proof, a counterexample at concrete sizes (re-checked
exactly), or "outside the fragment".

A proof is verified only if the exhaustive check agrees, the second witness: networks
built by the definitions for every admissible size with d <= N (N = `--max-size`, 12
by default), with the Jacobian computed by SymPy (polynomial differentiation) and the
answer compared at every point of every size at once by `checker.prove.arrays` (exact
polynomials in the vector entries w2[m], g[i]). For an answer outside the fragment the
same check, widened by random sizes N < d <= 64 and sizes near the answer's integer
literals (`witnesses.probe_sizes`), may still find a counterexample; if it does not,
the answer is undecided: no finite search is a proof for every size.

The modules, each using those before it: `points` (namespaces, sizes and their
points, the vectors there), `witnesses` (the ranges of sizes), `links` (sides,
truths of the built networks, the exhaustive comparison and its refutations),
`symbolic` (the truths for symbolic sizes), `all_sizes` (proof and witness combined),
`claims`, `document` (Answer 5's spellings in a write-up, and how a link outside the
chain claim is decided); the questions are here.

Answer language conventions (also shown by `derivcheck show`): every indexed vector
is zero out of bounds; `Sum(t, (j, a, b))` is 0 when b < a.
"""

from __future__ import annotations

from checker.model.question import AnswerKind, Example, Question
from derivations.convolution_1d import ConvMode
from derivations.q5_convolution_gradients.claims import (
    chain_claim,
    entry_claim,
    prepare_networks,
    size_claim,
)
from derivations.q5_convolution_gradients.document import Kind, document
from derivations.q5_convolution_gradients.points import CHAIN_NS, ENTRY_NS, SIZES_NS

# ---------------------------------------------------------------------------------
# The six questions
# ---------------------------------------------------------------------------------

CONVENTIONS = (
    "Every indexed vector is 0 out of bounds (w2[m] = 0 unless 1 <= m <= k2), as in the "
    "assignment; so `w2[n-i+1]` alone already encodes where the entry vanishes.",
    "Sum(t, (j, a, b)) is 0 when b < a.",
    "Admissible sizes: 1 <= k1 < d and 1 <= k2 < d; with valid convolutions also "
    "k1 + k2 <= d + 1, so that a2 has at least one entry.",
)
CHAIN_NOTES = CONVENTIONS + (
    "Write the derivation as `step = step = ...`; each step is an expression for "
    "(nabla_h1 L)_n in n, d, k1, k2 (1 <= n <= |h1|).",
    "Names: g[i] = (nabla_a2 L)_i; J[i, n] = d a2_i / d h1_n; flipw2[j] = flip(w2)_j = "
    "w2[k2-j+1]; fullconv[n] = (g full-conv flip(w2))_n (2); validconv[n] = "
    "(g valid-conv flip(w2))_n (1).",
    "Step 1 is compared with the chain rule sum_i g_i d a2_i / d h1_n (Jacobian by SymPy), "
    "each later step with the step before it, and the last step with the identity; each "
    "link is verified only by a proof for every size.",
)
_EVERY_SIZE = ("for every admissible size (no upper bound), by Presburger arithmetic (z3, "
               "`checker.prove.sizes`); confirmed by the exhaustive check of the networks built "
               "for every admissible size with d <= N (--max-size, default 12)")
_SEARCH = ("an answer outside the decidable fragment is searched for counterexamples over "
           "those sizes, random sizes N < d <= 64 and sizes with d, k1 or k2 at c, c+1, c+2 "
           "for each integer literal c <= 200 of the answer, and is at best undecided")

REFERENCE_5_3 = (
    "Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = Sum(g[i]*w2[n-i+1], (i, n-k2+1, n)) "
    "= Sum(g[n+j-k2]*w2[k2-j+1], (j, 1, k2)) = Sum(g[n+j-k2]*flipw2[j], (j, 1, k2)) "
    "= fullconv[n]"
)
REFERENCE_5_6 = (
    "Sum(g[i]*J[i, n], (i, 1, d+k1+k2-2)) = Sum(g[i]*w2[n+k2-i], (i, n, n+k2-1)) "
    "= Sum(g[n+j-1]*w2[k2-j+1], (j, 1, k2)) = Sum(g[n+j-1]*flipw2[j], (j, 1, k2)) "
    "= validconv[n]"
)


def _right(*texts: str, latex: str = "") -> tuple[Example, ...]:
    return (*(Example(t, right=True) for t in texts), *((Example(latex, True, True),) if latex else ()))


def _wrong(*texts: str) -> tuple[Example, ...]:
    return tuple(Example(t, right=False) for t in texts)


EXAMPLES = {  # right answers in other forms, then realistic mistakes
    "5.1": _right("(d - k1 + 1) - k2 + 1", latex=r"2 + d - (k_1 + k_2)")
    + _wrong("d - k1 - k2 + 1",  # off by one
             "d + k1 + k2 - 2",  # the full-convolution length
             "d - k1 - k2"),  # both +1 dropped
    "5.2": _right("w2[n-i+1]",  # out-of-bounds entries are 0: the range is implied
                  latex=r"\begin{cases} w^2_{n-i+1} & \text{if } i \le n \\ 0 & \text{otherwise}"
                        r"\end{cases}")
    + _wrong("w2[n-i]",  # off by one
             "w2[i-n+1]",  # the indices swapped
             "w2[n+k2-i] if n <= i <= n+k2-1 else 0"),  # the full-convolution entry
    # A chain starts at the chain rule and ends at the identity's other side, each written
    # out (`checker.run.showing`): the steps between may be as few as this.
    "5.3": _right("Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = Sum(g[n-j+1]*w2[j], (j, 1, k2)) "
                  "= Sum(g[n+j-k2]*flipw2[j], (j, 1, k2)) = fullconv[n]")
    + _wrong(REFERENCE_5_3.replace("w2[k2-j+1], (j, 1, k2))", "w2[k2-j], (j, 1, k2))"),  # flip slip
             "Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2)) = Sum(g[i]*w2[n-i], (i, n-k2+1, n)) "
             "= fullconv[n]",  # off by one in the kernel's index
             REFERENCE_5_3.replace("fullconv[n]", "validconv[n]")),  # the wrong convolution
    "5.4": _right("(d + k1 - 1) + k2 - 1", latex=r"d + k_1 + k_2 - 2")
    + _wrong("d + k1 + k2 - 1",  # off by one
             "d - k1 - k2 + 2",  # the valid-convolution length
             "d + k1 + k2"),  # both -1 dropped
    "5.5": _right("w2[n+k2-i]",  # the range is implied
                  latex=r"\begin{cases} w^2_{n+k_2-i} & \text{if } n \le i \le n+k_2-1 \\ "
                        r"0 & \text{otherwise}\end{cases}")
    + _wrong("w2[n-i+1]",  # the valid-convolution entry
             "w2[n+k2-i+1]",  # off by one
             "w2[n+k2-i] if n <= i <= n+k2-2 else 0"),  # the last entry dropped
    # the chain rule's J put in first: from there to definition (1) in one link would be
    # the identity itself (checker.run.showing)
    "5.6": _right("Sum(g[i]*J[i, n], (i, 1, d+k1+k2-2)) = Sum(g[i]*w2[n+k2-i], (i, n, n+k2-1)) "
                  "= Sum(g[n+j-1]*w2[k2-j+1], (j, 1, k2)) "
                  "= validconv[n]")
    + _wrong(REFERENCE_5_6.replace("(i, n, n+k2-1)", "(i, n, n+k2-2)"),  # a boundary term dropped
             REFERENCE_5_6.replace("validconv[n]", "fullconv[n]")),  # the wrong convolution
}


QUESTIONS: list[Question] = []  # this package's questions, in the order asked


def _register(mode: ConvMode, first: int) -> None:
    name = "valid" if mode is ConvMode.VALID else "full"
    where = f"with {name} convolutions in (3) and (5)"
    identity = mode.other.value
    QUESTIONS.append(Question(
        id=f"5.{first}", title=f"|a2| {where}",
        statement=f"The dimensionality |a2| of a2, {where}, for x in R^d and kernels of "
                  "sizes k1 < d and k2 < d.",
        kind=AnswerKind.EXPRESSION, namespace=SIZES_NS,
        reference="d - k1 - k2 + 2" if mode is ConvMode.VALID else "d + k1 + k2 - 2",
        truth="|a2| for symbolic sizes: the one-layer length rule derived from the "
              f"definition's index range, applied twice; {_EVERY_SIZE}; {_SEARCH}",
        claim=size_claim(mode), notes=CONVENTIONS, examples=EXAMPLES[f"5.{first}"],
        document=document(mode, Kind.SIZE),
    ))
    QUESTIONS.append(Question(
        id=f"5.{first + 1}", title=f"d a2_i / d h1_n {where}",
        statement=f"Derive d a2_i / d h1_n for all i in 1..|a2|, given n, {where}.",
        kind=AnswerKind.EXPRESSION, namespace=ENTRY_NS,
        reference="w2[n-i+1] if max(n-k2+1, 1) <= i <= min(n, d-k1-k2+2) else 0"
        if mode is ConvMode.VALID else "w2[n+k2-i] if n <= i <= n+k2-1 else 0",
        truth="a2_i = (h1 conv w2)_i as a Sum over the kernel by the definition, h1 zero out "
              "of bounds; SymPy differentiates its summand with respect to h1[n] (a "
              "KroneckerDelta); every entry (i, n) with 1 <= i <= |a2|, 1 <= n <= |h1|, "
              f"{_EVERY_SIZE}; {_SEARCH}",
        claim=entry_claim(mode), notes=CONVENTIONS,
        prepare=lambda options: prepare_networks(mode, options),
        examples=EXAMPLES[f"5.{first + 1}"],
        document=document(mode, Kind.ENTRY),
    ))
    QUESTIONS.append(Question(
        id=f"5.{first + 2}",
        title=f"nabla_h1 L = nabla_a2 L {identity}-conv flip(w2) {where}",
        statement=f"Show that nabla_h1 L = nabla_a2 L {identity}-conv flip(w2), {where}, "
                  "starting with (nabla_h1 L)_n = sum_{i=1}^{|a2|} (nabla_a2 L)_i "
                  "d a2_i / d h1_n.",
        kind=AnswerKind.CHAIN, namespace=CHAIN_NS,
        reference=REFERENCE_5_3 if mode is ConvMode.VALID else REFERENCE_5_6,
        truth="step 1 against the chain rule sum_i g_i d a2_i / d h1_n with the derived "
              "Jacobian and a symbolic gradient g; each step against the one before; the last "
              f"step against (g {identity}-conv flip(w2))_n by the definitions; J, flipw2, "
              "fullconv and validconv replaced by their definitions; every link for every n "
              f"with 1 <= n <= |h1|, {_EVERY_SIZE}; {_SEARCH}",
        claim=chain_claim(mode), notes=CHAIN_NOTES,
        prepare=lambda options: prepare_networks(mode, options),
        examples=EXAMPLES[f"5.{first + 2}"],
        document=document(mode, Kind.CHAIN),
    ))


_register(ConvMode.VALID, 1)
_register(ConvMode.FULL, 4)
