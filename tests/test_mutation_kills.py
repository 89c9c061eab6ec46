"""Tests written for the mutants of tools/mutation.py that survived the rest of the suite:
each fails on its mutant (named in the section) and passes on the real code.

- `complex-value-is-a-number`: a complex value at a sample point must count as undefined
  (docs/contract.md: a value that is complex at a point never counts as agreeing there).
- `z3-unknown-is-a-proof`: z3's `unknown` (a timeout, an incomplete theory) is never a
  proof for every size; the size prover must say it is outside what it decides.
- `label-cases-skipped`: a proof "for each label" needs every label proved.
- `number-to-a-symbol`: every number of absolute value above 1 raised to a symbol is refused.
- `wall-clock-budget-tenfold`: a check is stopped when its --timeout runs out, not later.
- `junit-undecided-passes` (killed before only by a random property): undecided is a
  JUnit failure.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
import sympy as sp
import z3

from checker import AnswerError, Equal, Limits, Status, Verdict, check_answer, decide, get, parse_text
from checker.model.namespace import LABEL, OPEN_UNIT
from checker.prove.sampling import Value, evaluate
from checker.prove.sizes import Counterexample, OutsideFragment, Proved, decide_all_sizes
from checker.prove.sizes import decide as decide_module
from checker.render.junit_report import render_junit
from checker.run.bounded import LimitHit, run_bounded

LIMITS = Limits(timeout=30, memory_mb=1024)


# complex-value-is-a-number ---------------------------------------------------------------------
f = sp.Symbol("f", positive=True)
THIRD = {f: sp.Rational(1, 3)}


@pytest.mark.parametrize("expr", [sp.sqrt(f - 1), sp.log(f - 1), (f - 1) ** sp.Rational(1, 4),
                                  sp.sqrt(f - sp.Rational(1, 2)) + 1])
def test_a_complex_value_at_a_point_is_undefined_there(expr: sp.Expr) -> None:
    value = evaluate(expr, THIRD)
    assert value == Value(None, None) and not value.defined and value.show() == "undefined"


def test_real_values_at_the_same_point_stay_values() -> None:
    assert evaluate(sp.sqrt(f - sp.Rational(1, 12)), THIRD) == Value(sp.Rational(1, 2), None)
    value = evaluate(sp.log(1 - f), THIRD)
    assert value.exact is None and value.numeric is not None
    assert abs(value.numeric - sp.log(sp.Rational(2, 3)).evalf(30)) < 1e-25


def test_an_answer_complex_on_part_of_its_domain_is_refuted_as_undefined_there() -> None:
    verdict = check_answer("1.4", "f - y + sqrt(f - 1/2)", limits=LIMITS)
    assert verdict.status is Status.REFUTED, verdict
    point = verdict.counterexample
    assert point is not None and point.note == "your answer is undefined here"
    assert dict(point.assignment)["f"] == "1/3" and point.answer == "undefined"


# z3-unknown-is-a-proof -------------------------------------------------------------------------
K = sp.Symbol("K", integer=True)
j = sp.Symbol("j", integer=True)
x = sp.IndexedBase("x", real=True)
Checked = Callable[..., tuple[z3.CheckSatResult, z3.Solver]]


@pytest.fixture
def z3_says_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """z3 answers the question whether the sizes are admissible, then `unknown` to every
    other query (what a timeout or an undecidable query gives)."""
    real: Checked = decide_module._checked

    def unknown_after_the_domain(z: object, assertions: list[z3.BoolRef],
                                 ms: int) -> tuple[z3.CheckSatResult, z3.Solver]:
        result, solver = real(z, assertions[:1], ms)
        return (result, solver) if len(assertions) == 1 else (z3.unknown, solver)

    monkeypatch.setattr(decide_module, "_checked", unknown_after_the_domain)


def _true_identity() -> Proved | Counterexample | OutsideFragment:
    return decide_all_sizes(sp.Sum(x[j], (j, 1, K)), sp.Sum(x[K + 1 - j], (j, 1, K)),
                            integers=[K], constraints=[K >= 1], vectors={})


def _false_past_the_spot_checks() -> Proved | Counterexample | OutsideFragment:
    # The sides agree for K <= 100: no spot check at small sizes can tell them apart.
    return decide_all_sizes(sp.Sum(x[j], (j, 1, K)), sp.Sum(x[j], (j, 1, sp.Min(K, 100))),
                            integers=[K], constraints=[K >= 1], vectors={})


def test_z3_decides_both_identities_when_it_answers() -> None:
    assert isinstance(_true_identity(), Proved)
    refuted = _false_past_the_spot_checks()
    assert isinstance(refuted, Counterexample) and refuted.sizes["K"] > 100, refuted


@pytest.mark.usefixtures("z3_says_unknown")
@pytest.mark.parametrize("claim", [_true_identity, _false_past_the_spot_checks])
def test_z3_unknown_is_never_a_proof(claim: Callable[[], Proved | Counterexample | OutsideFragment]) -> None:
    result = claim()
    assert isinstance(result, OutsideFragment), result
    assert "z3 returned unknown" in result.reason


# label-cases-skipped ---------------------------------------------------------------------------
Y = get("1.4").namespace.lookup("y").symbol
# Right for the label y = 0; for y = 1 off by (f - 1/3)(f - 3/4), which is zero at the first
# sample points (f = 1/3 and f = 3/4), so the three quick points do not see it.
WRONG_FOR_ONE_LABEL = "f - y + y*(f - 1/3)*(f - 3/4)"


def test_a_proof_for_each_label_needs_every_label() -> None:
    answer = f - Y + Y * (f - sp.Rational(1, 3)) * (f - sp.Rational(3, 4))
    outcome = decide(Equal(answer, f - Y, ((f, OPEN_UNIT), (Y, LABEL))))
    assert outcome.status is Status.REFUTED, outcome
    assert outcome.counterexample is not None and dict(outcome.counterexample.assignment)["y"] == "1"


def test_an_answer_wrong_for_one_label_is_refuted() -> None:
    verdict = check_answer("1.4", WRONG_FOR_ONE_LABEL, limits=LIMITS)
    assert verdict.status is Status.REFUTED, verdict
    assert verdict.counterexample is not None and dict(verdict.counterexample.assignment)["y"] == "1"


# number-to-a-symbol ----------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["2**f", "(-2)**f", "(3/2)**f", "(-3/2)**f", "10**f", "2**(f*y)"])
def test_a_number_above_1_in_absolute_value_to_a_symbol_is_refused(text: str) -> None:
    with pytest.raises(AnswerError, match="a number raised to a symbol is not allowed"):
        parse_text(text, get("1.4").namespace)


@pytest.mark.parametrize(("text", "value"), [("1**f", sp.Integer(1)), ("(1/2)**f", sp.Rational(1, 2) ** f)])
def test_a_number_of_absolute_value_at_most_1_to_a_symbol_is_read(text: str, value: sp.Expr) -> None:
    assert parse_text(text, get("1.4").namespace) == value


# wall-clock-budget-tenfold ---------------------------------------------------------------------
def _sleep() -> str:
    time.sleep(30)
    return "woke"


def test_a_check_is_stopped_when_its_timeout_runs_out() -> None:
    start = time.monotonic()
    assert run_bounded(_sleep, (), Limits(0.5, 512)) == LimitHit("timeout")
    assert time.monotonic() - start < 4.0  # 0.5 s, a fork and a kill; never ten times 0.5 s


# junit-undecided-passes ------------------------------------------------------------------------
def test_undecided_is_a_junit_failure_and_verified_is_not() -> None:
    undecided = Verdict("1.4", "t", Status.UNDECIDED, "numeric agreement", 0.1, reason="no proof")
    verified = Verdict("1.6", "t", Status.VERIFIED, "symbolic", 0.1)
    root = ET.fromstring(render_junit([undecided, verified]))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "0")
    first, second = root.iter("testcase")
    failure = first.find("failure")
    assert failure is not None and failure.get("type") == "undecided" and failure.get("message") == "no proof"
    assert (failure.text or "").startswith("status: undecided")
    assert second.find("failure") is None and second.find("system-out") is not None
