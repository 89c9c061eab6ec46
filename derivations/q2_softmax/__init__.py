"""Question 2: softmax translation invariance, its sigmoid and K-1 parameter forms,
and its Jacobian. Softmax is always built from its definition (definitions.py).

`verified` needs a proof for every K ≥ 2 and every index: the engine's symbolic proof in
free K and i, or the Presburger decision of checker.prove.sizes where the claim lies in
its index fragment. The sizes K = 2..8, written out entry by entry, are the second
witness and the quick counterexample finder; an answer that holds there without a proof
for every K is `undecided`, and says so. A size switch beyond K = 8 is refuted at the
sizes the Presburger decision finds, re-checked with the softmax written out at that K
(when K is large only the entries involved, every other entry of x being 0).

The modules, each using those before it: `names` (the sizes, domains, variables and
symbols), `sizes` (the Presburger decision for every K, the written-out witness and the
re-check of the sizes it finds), `claims` (the claims of 2.1 to 2.4), `document` (the
spellings of question 2 in a write-up, and how its links are decided); the questions are
here.
"""

from __future__ import annotations

from checker.model.namespace import Namespace
from checker.model.question import AnswerKind, Example, Question
from derivations.q2_softmax.claims import (
    invariance_chain,
    jacobian_claim,
    reduced_parameters_claim,
    sigmoid_form_claim,
)
from derivations.q2_softmax.document import (
    INVARIANCE_DOCUMENT,
    JACOBIAN_DOCUMENT,
    REDUCED_DOCUMENT,
    SIGMOID_FORM_DOCUMENT,
)
from derivations.q2_softmax.names import I_REDUCED, X1, X2, C, I, K, P, X

_S_XC = "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))"  # S(x + c)_i
_S_X = "exp(x[i])/Sum(exp(x[j]), (j, 1, K))"  # S(x)_i

QUESTIONS: list[Question] = []  # this module's questions, in the order asked

QUESTIONS.append(Question(
    id="2.1", title="softmax is translation invariant",
    statement="Show S(x + c) = S(x) for a scalar c: a chain of steps from S(x + c)_i to S(x)_i.",
    kind=AnswerKind.CHAIN,
    namespace=Namespace(variables=(C, I, K), vectors=(X,)),
    reference="exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))"
              " = exp(c)*exp(x[i])/Sum(exp(c)*exp(x[j]), (j, 1, K))"
              " = exp(c)*exp(x[i])/(exp(c)*Sum(exp(x[j]), (j, 1, K)))"
              " = exp(x[i])/Sum(exp(x[j]), (j, 1, K))",
    truth="both ends built from the softmax definition for symbolic K; every adjacent pair of "
          "steps proved for symbolic K and i (every K ≥ 2, 1 ≤ i ≤ K), and written out for "
          "K = 2..8 as a second witness",
    claim=invariance_chain, document=INVARIANCE_DOCUMENT,
    examples=(
        Example(f"{_S_XC} = exp(c)*exp(x[i])/(exp(c)*Sum(exp(x[j]), (j, 1, K)))"
                f" = {_S_X}", right=True),
        # exp(c) dropped from the denominator only: the middle step is false
        Example(f"{_S_XC} = exp(c)*exp(x[i])/Sum(exp(x[j]), (j, 1, K)) = {_S_X}", right=False),
        Example(f"{_S_XC} = exp(x[i] + c)", right=False),  # the denominator dropped
    ),
))
QUESTIONS.append(Question(
    id="2.2", title="two-class softmax as a sigmoid: z",
    statement="z with S(x) = [sigmoid(z), 1 - sigmoid(z)] for a 2-dimensional x.",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(X1, X2)),
    reference="x1 - x2",
    truth="both entries of the softmax definition for x = [x1, x2]",
    claim=sigmoid_form_claim, document=SIGMOID_FORM_DOCUMENT,
    examples=(
        Example("-(x2 - x1)", right=True),
        Example(r"\log\frac{e^{x_1}}{e^{x_2}}", right=True, latex=True),
        Example("x2 - x1", right=False),  # a sign flip: the second class's z
        Example("x1 + x2", right=False),
        Example("2*(x1 - x2)", right=False),  # a stray factor
    ),
))
QUESTIONS.append(Question(
    id="2.3", title="softmax with K - 1 parameters: y_i",
    statement="y_i with S(x) = S([0, y_1, ..., y_{K-1}]), for 1 <= i <= K - 1.",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(I_REDUCED, K), vectors=(X,)),
    reference="x[i+1] - x[1]",
    truth="y_i = log(S(x)_{i+1} / S(x)_1), read off the softmax definition (S([0, y]) = S(x) "
          "forces [0, y] = x + c), compared for every K ≥ 2 and 1 ≤ i ≤ K − 1 (Presburger "
          "decision, else symbolic K and i); both vectors' softmax written out, every entry, for "
          "K = 2..8 as a second witness",
    claim=reduced_parameters_claim, document=REDUCED_DOCUMENT,
    examples=(
        Example("-(x[1] - x[i+1])", right=True),
        Example(r"x_{i+1} - x_1", right=True, latex=True),
        Example("x[i] - x[1]", right=False),  # an index slip: off by one
        Example("x[i+1] + x[1]", right=False),  # a sign flip
        Example("x[i+1]", right=False),  # the shift by x[1] dropped
    ),
))
QUESTIONS.append(Question(
    id="2.4", title="Jacobian of softmax in terms of p = S(x)",
    statement="The Jacobian of the softmax function, in terms of p = S(x).",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(K,), matrices=(P,)),
    reference="diag(p) - p*p.T",
    truth="SymPy's Jacobian of the softmax definition, entry (r, s) for every K ≥ 2 (in the "
          "entries of p: Presburger decision, else symbolic K with KroneckerDelta), and written "
          "out entry by entry for K = 2..8 as a second witness",
    claim=jacobian_claim, document=JACOBIAN_DOCUMENT,
    examples=(
        Example("diag(p) - p*transpose(p)", right=True),
        Example(r"\mathrm{Diag}(p) - pp^\top", right=True, latex=True),
        Example("diag(p) + p*p.T", right=False),  # a sign flip
        Example("p*p.T - diag(p)", right=False),  # the negated Jacobian
        Example("diag(p)", right=False),  # the outer product dropped
    ),
))
