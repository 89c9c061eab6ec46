"""What a matrix answer needs to be defined, the counterexample where an answer is
undefined, and the engine's numeric re-check of a symbolic proof.

A matrix inverse or negative power needs an invertible matrix. SymPy drops
`(p*p.T)**-1 - (p*p.T)**-1` and `0*(p*p.T)**-1` while it builds the answer, so the need
is recorded as the answer is parsed (like a scalar divisor), and an answer with a need
that is not shown is never `verified`. Where the matrix is singular for every value and
every size (p*p.T has rank 1, and K >= 2 in question 2.4) the inverse does not exist and
the answer is an error that says why."""

from __future__ import annotations

import pytest
import sympy as sp

from checker import AnswerError, Equal, Limits, Outcome, Status, check_answer, get, parse_text
from checker.language.requirements import INVERTIBLE, Requirement
from checker.language.textparse import parse_with_requirements
from checker.model.namespace import OPEN_UNIT, POSITIVE_INTEGER, MatrixName, Namespace, Variable

LIMITS = Limits(timeout=20.0, memory_mb=1024)
K = sp.Symbol("K", integer=True, positive=True)
p = sp.MatrixSymbol("p", K, 1)
# K >= 1 here: for K = 1, p*p.T is the 1 x 1 matrix [p1**2], invertible where p1 != 0.
ANY_SIZE = Namespace(variables=(Variable("K", POSITIVE_INTEGER, ""),),
                     matrices=(MatrixName("p", K, sp.Integer(1), ""),))
Q24 = get("2.4").namespace  # K >= 2


def needs(text: str, namespace: Namespace = ANY_SIZE) -> list[str]:
    return [r.describe() for r in parse_with_requirements(text, namespace)[1]]


# 2.4: the answers ----------------------------------------------------------------------
@pytest.mark.parametrize("answer", [
    "diag(p) - p*p.T + (p*p.T)**-1 - (p*p.T)**-1",
    "diag(p) - p*p.T + 0*(p*p.T)**-1",
    "diag(p) - p*p.T + 0*(p*p.T)**(-2)",
    "diag(p) - p*p.T + 0*(2*p*p.T)**-1",
    "diag(p) - p*p.T + 0*((p*p.T)**3)**-1",
    "diag(p) - p*p.T + 0*(p*p.T + p*p.T)**-1",
    "diag(p) - p*p.T + 0*(p*(p.T*p)*p.T)**-1",
])
def test_the_inverse_of_an_outer_product_is_an_error_in_2_4(answer: str) -> None:
    verdict = check_answer("2.4", answer, limits=LIMITS)
    assert verdict.status is Status.ERROR, verdict
    assert "is not defined" in verdict.reason and "has no inverse" in verdict.reason
    assert "rank at most 1" in verdict.reason and "K (integer ≥ 2)" in verdict.reason


def test_the_error_says_why_the_matrix_is_singular() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text("diag(p) - p*p.T + 0*(p*p.T)**-1", Q24)
    assert str(caught.value) == (
        "`(p*p.T)**-1` is not defined: `p*p.T` is a K x K matrix of rank at most 1 (a product "
        "with the factor `p`: `p` is K x 1), singular for every value of its entries and every "
        "K (integer ≥ 2): it has no inverse")
    assert caught.value.excerpt == "(p*p.T)**-1"
    assert caught.value.column == len("diag(p) - p*p.T + 0*") + 1


@pytest.mark.parametrize(("answer", "need"), [
    ("diag(p) - p*p.T + 0*diag(p)**-1", "`DiagMatrix(p)` invertible"),
    ("diag(p) - p*p.T + (p.T*p)**-1*0*p.T*p*0", "`p.T*p` invertible"),  # shapes: 1 x 1 times ...
    ("diag(p) - p*p.T + 0*p*p.T/(K - 2)", "`K - 2` ≠ 0"),  # a scalar divisor inside a matrix
    ("diag(p) - p*p.T + (diag(p) - p*p.T)**-1 - (diag(p) - p*p.T)**-1",
     "`DiagMatrix(p) - p*p.T` invertible"),
    # A matrix sum inside the inverse (SymPy cannot take a number out of a MatAdd).
    ("diag(p) - p*p.T + 0*(diag(p) - 2*p*p.T)**-1", "`DiagMatrix(p) - 2*p*p.T` invertible"),
])
def test_a_cancelled_inverse_in_2_4_is_never_verified(answer: str, need: str) -> None:
    # The simplified answer is proved; the answer as written needs what it cannot show.
    verdict = check_answer("2.4", answer, limits=LIMITS)
    assert verdict.status is Status.UNDECIDED, verdict
    assert f"your answer as written needs {need}" in verdict.reason, verdict


# what a matrix expression needs ----------------------------------------------------------------
@pytest.mark.parametrize(("answer", "status"), [
    ("diag(p) - p*p.T + 0*(p*p.T)**0", Status.VERIFIED),  # 0 times the identity
    ("diag(p)**0*(diag(p) - p*p.T)", Status.VERIFIED),
    ("diag(p) - p*p.T + (p*p.T)**0 - diag(p)**0", Status.VERIFIED),
    ("diag(p) - p*p.T + (p*p.T)**0", Status.REFUTED),  # the identity added
])
def test_a_square_matrix_to_the_power_0_is_the_identity(answer: str, status: Status) -> None:
    verdict = check_answer("2.4", answer, limits=LIMITS)
    assert verdict.status is status, verdict
    assert (verdict.counterexample is not None) is (status is Status.REFUTED)


@pytest.mark.parametrize(("text", "message", "hint"), [
    ("diag(p) - p*p.T + 1", "`diag(p) - p * p.T + 1` adds a matrix and a number",
     "(`DiagMatrix(p) - p*p.T` is a K x K matrix)"),
    ("p*p.T/(p.T*p - 1)", "`p.T * p - 1` adds a matrix and a number", "(`p.T*p` is a 1 x 1 matrix)"),
    ("1 - diag(p)", "`1 - diag(p)` adds a matrix and a number", "is a K x K matrix"),
])
def test_a_matrix_plus_a_number_is_an_error_that_says_so(text: str, message: str, hint: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text(text, Q24)
    assert str(caught.value).startswith(message + "; ")
    assert hint in caught.value.hint and "both sides of + and - must be matrices" in caught.value.hint


@pytest.mark.parametrize(("text", "need"), [
    ("(p*p.T)**-1", ["`p*p.T` invertible"]),  # K = 1 is allowed here: not singular everywhere
    ("(p.T*p)**-1", ["`p.T*p` invertible"]),
    ("0*(p.T*p)**-1", ["`p.T*p` invertible"]),  # the zero matrix to SymPy
    ("(p.T*p)**-1 - (p.T*p)**-1", ["`p.T*p` invertible"]),
    ("diag(p)**-1", ["`DiagMatrix(p)` invertible"]),
    ("diag(p)**-2", ["`DiagMatrix(p)` invertible"]),
    ("transpose(p*p.T)**-1", ["`(p*p.T).T` invertible"]),
    ("p/(K - 1)", ["`K - 1` ≠ 0"]),
    ("p/K", []),  # K > 0
    ("(p*p.T)**2", []),
    ("(p*p.T)**0", []),
    ("p.T*p", []),
])
def test_what_a_matrix_expression_needs_is_recorded(text: str, need: list[str]) -> None:
    assert needs(text) == need


def test_an_inverse_is_never_shown_to_exist() -> None:
    from checker.language.requirements import unproved

    requirement = Requirement(p.T * p, INVERTIBLE)
    assert unproved([requirement], ANY_SIZE) == (requirement,)
    assert requirement.describe() == "`p.T*p` invertible"


def test_singular_for_every_size_depends_on_the_sizes_allowed() -> None:
    assert needs("(p*p.T)**-1") == ["`p*p.T` invertible"]  # K >= 1
    with pytest.raises(AnswerError, match="has no inverse"):
        parse_text("(p*p.T)**-1", Q24)  # K >= 2
    # A bound of K + 1 on the rank of diag(p) - p*p.T shows nothing (it is singular, as
    # every row sums to 0, but the parser does not claim what it cannot show).
    assert needs("(diag(p) - p*p.T)**-1", Q24) == ["`DiagMatrix(p) - p*p.T` invertible"]


@pytest.mark.parametrize(("text", "message"), [
    ("p**-1", "`p` is K x 1, and only a square matrix has powers and an inverse"),
    ("p**2", "only a square matrix has powers"),
    ("p.T**-1", "`p.T` is 1 x K"),
    ("(p*p.T)**(1/2)", "a matrix power must be a whole number"),
    ("(p*p.T)**(-1/2)", "a matrix power must be a whole number"),
    ("(p*p.T)**K", "a matrix power must be a whole number"),
    ("(p*p.T)**-101", "exponent -101"),
    ("1/p", "cannot divide by a matrix"),
    ("K/(p.T*p)", "cannot divide by a matrix"),
    ("p.I", "attribute `p.I` is not allowed"),
    ("p.H", "attribute `p.H` is not allowed"),
    ("(p*p.T).I", "attribute `(p * p.T).I` is not allowed"),
    ("K.T", "attribute `K.T` is not allowed"),
    ("K.I", "attribute `K.I` is not allowed"),
    ("K.H", "attribute `K.H` is not allowed"),
])
def test_matrix_operations_that_do_not_exist_are_errors(text: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text(text, ANY_SIZE)
    assert message in str(caught.value)


# "your answer is undefined here" ---------------------------------------------------------------
def test_an_answer_undefined_at_a_point_of_the_domain_is_refuted_there() -> None:
    # SymPy keeps (y - 1)/(2*y - 2) as written; at the label y = 1 it is 0/0.
    verdict = check_answer("1.4", "(f - y)*(y - 1)/(2*y - 2)*2", limits=LIMITS)
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    assert cx.note == "your answer is undefined here"
    assert cx.answer == "undefined"
    assert dict(cx.assignment)["y"] == "1"
    assert cx.describe() == ("f = 1/3, y = 1: your answer undefined, truth -2/3 "
                             "(your answer is undefined here)")


# the engine's second witness -------------------------------------------------------------------
def _lying(claim: Equal) -> Outcome:
    return Outcome(Status.VERIFIED, "symbolic: a lie")


@pytest.fixture
def lying_strategy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cheapest strategy of checker.prove.strategies claims a proof of every claim."""
    from checker.prove import engine, strategies

    honest = strategies.structural
    monkeypatch.setattr(strategies, "structural", _lying)
    monkeypatch.setattr(engine, "STRATEGIES",
                        tuple(_lying if s is honest else s for s in engine.STRATEGIES))
    assert engine.STRATEGIES[0] is _lying


@pytest.mark.usefixtures("lying_strategy")
def test_a_proof_of_f_plus_1_equals_f_ends_undecided() -> None:
    from checker.prove.engine import decide

    f = sp.Symbol("f", positive=True)
    outcome = decide(Equal(f + 1, f, ((f, OPEN_UNIT),)))
    assert outcome.status is Status.UNDECIDED
    assert outcome.reason.startswith("internal inconsistency: a symbolic proof was contradicted "
                                     "numerically")
    assert "please report this" in outcome.reason
    assert outcome.method == "symbolic: a lie"


@pytest.mark.usefixtures("lying_strategy")
def test_the_inconsistency_reaches_the_verdict_and_a_true_claim_stays_verified() -> None:
    wrong = check_answer("1.4", "f - y + 1")  # in this process, where the strategy lies
    assert wrong.status is Status.UNDECIDED and "internal inconsistency" in wrong.reason
    right = check_answer("1.4", "f - y")
    assert right.status is Status.VERIFIED and right.method == "symbolic: a lie"


@pytest.mark.parametrize("answer", [
    "f - y + 0/Piecewise((1, a > 0))",  # no value for a <= 0, though SymPy calls it positive
    "f - y + 0/(1 + Piecewise((1, a > 0)))",
    "f - y + 0*log(Piecewise((1, a > 0)))",
])
def test_a_piecewise_without_a_default_shows_no_divisor_nonzero(answer: str) -> None:
    verdict = check_answer("1.4", answer, limits=LIMITS)
    assert verdict.status is Status.UNDECIDED, verdict
    assert "your answer as written needs `" in verdict.reason


@pytest.mark.parametrize("answer", [
    "f - y + 0/Piecewise((1, a > 0), (2, True))",
    "f - y + 0/(1 - sigmoid(a))",  # 1 - σ(a) = e^{-a}/(1 + e^{-a}) > 0
    "f - y + 0/(y**2 + 1 - y)",  # 1 at y = 0 and y = 1
])
def test_a_divisor_never_zero_is_shown(answer: str) -> None:
    assert check_answer("1.4", answer, limits=LIMITS).status is Status.VERIFIED
