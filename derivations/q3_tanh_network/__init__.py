"""Question 3: a sigmoid network rewritten as a tanh network, Θ′ as a function of Θ.

The answer gives Θ′ in three parts, in terms of Θ (W1[j, i] = ω¹_ji with i = 0 the
bias, W2[k, j] = ω²_kj with j = 0 the bias):

    W1 = ω̃¹_ji (as a function of j, i)    W2 = ω̃²_kj for j ≥ 1    b2 = ω̃²_k0

The claim is the network identity y(x, Θ′, tanh)_k = y(x, Θ, σ)_k for every x, every
output k and every size, not the parts one by one: tanh is odd, so negating W1 and W2
together is another right answer. Both networks are built by `derivations.networks`
from the definition; σ is the logistic 1 / (1 + e^(-a)).

How the verdict is reached (the method string says which of these happened).
`verified` needs a proof for every D, M, K ≥ 1 (no upper bound), confirmed by the
concrete sizes; agreement on any finite set of sizes without such a proof is `undecided`.

1. Symbolic, for all D, M, K ≥ 1. Both networks are built with nested `Sum`s over
   indexed weights; their difference is proved 0 by renaming the bound indices,
   merging sums over equal ranges and showing the merged summand is identically 0
   (`checker.prove.canonical`; the inner sum is an opaque real there, the exps become
   powers of common bases). The seed's derivation is checked the same way, link by
   link, and reported as the verdict's steps: the lemma tanh(t) = 2σ(2t) − 1 and
   σ(t) = (1 + tanh(t/2))/2, then y(x, Θ, σ)_k = (seed line 2) = (seed line 3) =
   y(x, Θ′, tanh)_k with the answer's Θ′ (so for the reference answer this is the
   seed's chain exactly). Every proved link is confirmed in exact arithmetic at
   concrete sizes: a disagreement is reported as an internal inconsistency.
   Sums follow the usual convention, Sum(t, (j, a, b)) = 0 when b < a, as question 5
   does; SymPy's `Sum` follows Karr's (b < a − 1 gives minus the sum over b + 1..a − 1).
   A sum of the answer that is empty for every value of its symbols is 0 at once, and
   the proof is claimed only when every remaining sum has b ≥ a − 1 for every value of
   its symbols, where the two conventions agree (`karr_free`).
2. Presburger, for all D, M, K ≥ 1, where the symbolic proof does not apply (an answer
   with conditions on the sizes, `Min(M, M + 1)`, `... if i <= D else ...`): each part
   of Θ′ is decided equal, for every size and every index in range, to the seed's
   line-3 parameters (or their negation: tanh is odd), whose network has the symbolic
   proof of 1 (`allsizes`, with `checker.prove.sizes`).
3. Concrete sizes, the second witness: for every D, M, K ≤ 4 (64 sizes, smallest
   first) the networks are written out explicitly (`networks.write_out`, with the
   usual convention) and every output k is proved equal. The cheap proof: each
   answer pre-activation is a rational multiple c_j of some true pre-activation a_l
   (checked by `cancel`; the hidden units may be permuted); the a_l are replaced by
   fresh symbols u_l, which is sound for proofs (an identity in independent u_l
   holds in particular at u_l = a_l(x, Θ)) and makes each proof small. Where it does
   not apply, a counterexample is searched for first (below) and only then the
   written-out networks are compared as a whole, which can be slow.
4. Counterexamples. Where a size is not proved, both networks are evaluated at
   exact points: x integer, W2 rational, W1 integer multiples of log 3, so every
   σ(a) and tanh(a/2) is rational and the two outputs are compared exactly. (Other
   Θ′ fall back to rational points, mpmath at 60 digits re-checked at 120; at the
   first two points of a size, outputs that agree to 60 digits are compared again at
   400 digits, re-checked at 800, so a difference like 1e-40 is still found.) The
   first failing size is the smallest one, so the counterexample is small. Without
   a proof for every size, sizes past the grid are searched too (`beyond`): fixed
   probes, both sides of every size condition of the answer (z3 finds the smallest
   sizes, `checker.prove.boundaries`: `Min(M, 5*5)` gives M = 26, `if M < 3*70`
   M = 210) and the sizes where a part differs from the seed's parameters (2). Large
   D or K cost little (only the inputs and outputs a condition names, and the first
   and last, are nonzero or compared); M is never reduced, so past 512 hidden units a
   size is not evaluated and the answer stays `undecided`, with the sizes named.

`refuted` needs a point where the two outputs differ, re-checked exactly.

The modules, each using those before it: `parameters` (the namespace, Θ′ as network
parameters), `concrete` (3 and the evaluation of 4), `symbolic` (1 and the seed's chain),
`allsizes` (2), `beyond` (the sizes past the grid), `claim` (the verdict), `document`
(Answer 3's spellings in a write-up, and its links: proved as 1, refuted at exact
points as 4); the question is here.
"""

from __future__ import annotations

from checker.model.question import AnswerKind, Example, Question
from derivations.q3_tanh_network.claim import network_claim
from derivations.q3_tanh_network.concrete import SIZE_LIMIT
from derivations.q3_tanh_network.document import DOCUMENT
from derivations.q3_tanh_network.parameters import NAMESPACE, PARTS
from derivations.q3_tanh_network.symbolic import lemma_steps, seed_steps

NOTES = (
    "Sum(t, (j, a, b)) is 0 when b < a, as in question 5 (SymPy's own Sum follows Karr's "
    "convention there, which question 3 does not): the written-out networks use this "
    "convention, the symbolic proof for all sizes is claimed only when every sum has "
    "b >= a - 1 for every value of its symbols, where the two conventions agree, and the "
    "Presburger proof reads an empty sum as 0.",
    f"verified means proved for every D, M, K >= 1. An answer that holds for every D, M, K <= "
    f"{SIZE_LIMIT} without such a proof is undecided; it is also searched for a counterexample "
    "at larger sizes: fixed probes and both sides of every condition on the sizes in its "
    "parts, found by z3 (whatever the threshold and however it is written); the method "
    "names them, and the sizes too large to evaluate.",
)

_B2 = "W2[k,0] + Sum(W2[k,j], (j, 1, M))/2"  # the reference's b2

QUESTIONS: list[Question] = []  # this package's questions, in the order asked

QUESTIONS.append(Question(
    id="3", title="the tanh network equivalent to a sigmoid network",
    statement="For y(x, Θ, σ)_k = Σ_{j=1}^{M} ω²_kj σ(Σ_{i=1}^{D} ω¹_ji x_i + ω¹_j0) + ω²_k0, "
              "give Θ′ = (ω̃¹, ω̃²) with y(x, Θ′, tanh) = y(x, Θ, σ) for all x: "
              "W1 = ω̃¹[j, i] (every i, bias i = 0 included), W2 = ω̃²[k, j] for j >= 1, "
              "b2 = ω̃²[k, 0], as expressions in W1[j, i] and W2[k, j].",
    kind=AnswerKind.PARTS, namespace=NAMESPACE,
    reference="W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))/2",
    truth="both networks built from the definition (σ logistic, tanh) and compared as a "
          "whole for every D, M, K >= 1: symbolically with nested sums over indexed weights "
          "(else Θ′ decided equal to the seed's parameters for every size by z3), and "
          f"written out for every D, M, K <= {SIZE_LIMIT} as a second witness; the seed's "
          "chain is checked link by link",
    claim=network_claim,
    parts=PARTS,
    notes=NOTES,
    prepare=lambda options: (lemma_steps(), seed_steps()),
    document=DOCUMENT,
    examples=(
        # tanh is odd: negating W1 and W2 together gives the same network
        Example(f"W1 = -W1[j,i]/2; W2 = -W2[k,j]/2; b2 = {_B2}", right=True),
        Example(r"W1 = \frac{W^{1}_{j,i}}{2}; W2 = W^{2}_{k,j}/2; "
                r"b2 = W^{2}_{k,0} + \sum_{j=1}^{M} \frac{W^{2}_{k,j}}{2}", right=True, latex=True),
        Example(f"W1 = W1[j,i]; W2 = W2[k,j]/2; b2 = {_B2}", right=False),  # W1 not halved
        Example("W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0]", right=False),  # b2 without the sum
        Example("W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))",
                right=False),  # the sum without its 1/2
    ),
))
