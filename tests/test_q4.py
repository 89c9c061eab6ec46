"""Question 4: shapes, parameter count and 1-D convolutions against simulation; wrong
answers refuted with counterexamples the test recomputes by other means (the
output-size formula, hand counts, numpy.convolve)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
import sympy as sp

from checker import Status, check_answer, verify_reference
from derivations import q4_convolution_shapes as q4

IDS = ["4.1", "4.2", "4.3.full", "4.3.valid", "4.3.same"]


@pytest.mark.parametrize("qid", IDS)
def test_reference_answer_is_verified(qid: str) -> None:
    verdict = verify_reference(qid)
    assert verdict.status is Status.VERIFIED, verdict
    assert verdict.method.startswith("simulation" if qid in ("4.1", "4.2") else "definition")


def size(i: int, p: int, k: int, s: int) -> int:
    """The textbook formula: an independent route to the truth, used by the tests only."""
    return (i + 2 * p - k) // s + 1


def scalars_after(pad1: int = 3, pool: tuple[int, int] | None = (2, 2), pad3: int = 1) -> int:
    """Scalars after layer 3 for variations of the network, by the formula."""
    side = size(128, pad1, 8, 2)
    if pool is not None:
        window, stride = pool
        side = size(side, 0, window, stride)
    return 64 * size(side, pad3, 3, 1) ** 2


def test_scalars_truth_by_the_formula_is_the_reference() -> None:
    assert scalars_after() == 65536 == 64 * 32 * 32


def test_scalars_steps_report_every_layer_shape_and_the_formula_grid() -> None:
    steps = verify_reference("4.1").steps
    texts = [s.text for s in steps]
    assert texts[0] == "input 3×128×128"
    assert texts[1].endswith("3×128×128 -> 32×64×64")
    assert texts[2].endswith("32×64×64 -> 32×32×32")
    assert texts[3].endswith("32×32×32 -> 64×32×32")
    formula = steps[-1]
    assert formula.status is Status.VERIFIED
    assert formula.method.startswith("simulation: all i <= 40, p <= 4, k <= i+2p, s <= 4")
    assert all(s.status is Status.VERIFIED for s in steps)


WRONG_SCALARS = [
    ("padding 2 instead of 3 in layer 1", scalars_after(pad1=2)),
    ("padding 2 instead of 1 in layer 3", scalars_after(pad3=2)),
    ("no pooling", scalars_after(pool=None)),
    ("overlapping pooling (stride 1)", scalars_after(pool=(2, 1))),
    ("no padding in layer 3", scalars_after(pad3=0)),
    ("the shape of layer 1 counted", 32 * 64 * 64),
]


@pytest.mark.parametrize("answer", [a for _, a in WRONG_SCALARS], ids=[n for n, _ in WRONG_SCALARS])
def test_wrong_scalar_count_is_refuted(answer: int) -> None:
    assert answer != scalars_after()  # the variant really is wrong (padding 4 would not be)
    verdict = check_answer("4.1", str(answer))
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    assert int(cx.answer) == answer != scalars_after()
    assert int(cx.truth) == scalars_after()
    assert ("output", "64×32×32") in cx.assignment


def weights(filters: int, channels: int, k: int) -> int:
    return filters * channels * k * k


def test_parameter_truth_by_hand_is_the_reference() -> None:
    assert weights(64, 32, 3) == 18432


WRONG_PARAMETERS = [
    ("bias counted", weights(64, 32, 3) + 64, "biases"),
    ("input channels of the image", weights(64, 3, 3), "64×32×3×3"),
    ("input channels forgotten", weights(64, 1, 3), "64×32×3×3"),
    ("layer 1's kernels", weights(32, 3, 8), "64×32×3×3"),
]


@pytest.mark.parametrize(("answer", "note"), [(a, n) for _, a, n in WRONG_PARAMETERS],
                         ids=[n for n, _, _ in WRONG_PARAMETERS])
def test_wrong_parameter_count_is_refuted(answer: int, note: str) -> None:
    verdict = check_answer("4.2", str(answer))
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    assert int(cx.answer) == answer and int(cx.truth) == weights(64, 32, 3)
    assert note in cx.note


SIGNAL, KERNEL = [1, 2, 3, 4], [1, 0, 2]


def numpy_truth(mode: str) -> list[int]:
    return [int(v) for v in np.convolve(SIGNAL, KERNEL, mode=mode)]  # type: ignore[call-overload]


def no_flip(mode: str) -> list[int]:
    return [int(v) for v in np.correlate(SIGNAL, KERNEL, mode=mode)]  # type: ignore[call-overload]


def shifted(mode: str) -> list[int]:
    full = numpy_truth("full")
    return {"full": [0, *full[:-1]], "valid": full[1:3], "same": full[:4]}[mode]


def one_short(mode: str) -> list[int]:
    return numpy_truth(mode)[:-1]


def one_long(mode: str) -> list[int]:
    return [*numpy_truth(mode), 0]


Variant = Callable[[str], list[int]]
WRONG_LISTS: list[tuple[str, Variant]] = [
    ("no kernel flipping", no_flip),
    ("off by one (padding)", shifted),
    ("one entry short", one_short),
    ("one entry too many", one_long),
]
CASES = [(mode, name, variant) for mode in ("full", "valid", "same") for name, variant in WRONG_LISTS]


@pytest.mark.parametrize(("mode", "variant"), [(m, v) for m, _, v in CASES],
                         ids=[f"{m}:{n}" for m, n, _ in CASES])
def test_wrong_list_is_refuted_at_its_first_differing_entry(mode: str, variant: Variant) -> None:
    answer, truth = variant(mode), numpy_truth(mode)
    assert answer != truth  # the variant really is wrong
    verdict = check_answer(f"4.3.{mode}", str(answer))
    assert verdict.status is Status.REFUTED, verdict
    cx = verdict.counterexample
    assert cx is not None
    position = int(cx.where.split()[1])
    first = next(n for n in range(max(len(answer), len(truth)))
                 if n >= len(answer) or n >= len(truth) or answer[n] != truth[n])
    assert position == first + 1
    assert cx.answer == (str(answer[first]) if first < len(answer) else "(no entry)")
    assert cx.truth == (str(truth[first]) if first < len(truth) else "(no entry)")


def test_the_correlation_is_named_as_such() -> None:
    cx = check_answer("4.3.full", str(no_flip("full"))).counterexample
    assert cx is not None and "not flipped" in cx.note


# The output-size formula as a claim ----------------------------------------------------
i, p, k, s = sp.symbols("i p k s", integer=True)
WRONG_FORMULAS = [
    ("no floor", (i + 2 * p - k) / s + 1),
    ("p instead of 2p", sp.floor((i + p - k) / s) + 1),
    ("ceiling", sp.ceiling((i + 2 * p - k) / s) + 1),
    ("no + 1", sp.floor((i + 2 * p - k) / s)),
    ("k + 1", sp.floor((i + 2 * p - k + 1) / s) + 1),
    ("stride ignored", i + 2 * p - k + 1),
]


def simulated(i: int, p: int, k: int, s: int) -> int:
    """Windows counted by NumPy: stride-1 correlation of the padded input, every s-th."""
    padded = np.pad(np.ones(i), p)
    return len(np.correlate(padded, np.ones(k), mode="valid")[::s])


def grid_in_size_order() -> list[tuple[int, int, int, int]]:
    cases = [(a, b, c, d) for a in range(1, 41) for b in range(5) for c in range(1, a + 2 * b + 1)
             for d in range(1, 5)]
    return sorted(cases, key=lambda case: (sum(case), case))


@pytest.mark.parametrize("formula", [f for _, f in WRONG_FORMULAS], ids=[n for n, _ in WRONG_FORMULAS])
def test_wrong_formula_is_refuted_with_the_smallest_counterexample(formula: sp.Expr) -> None:
    outcome = q4.check_output_size_formula(formula)
    assert outcome.status is Status.REFUTED, outcome
    cx = outcome.counterexample
    assert cx is not None
    case = tuple(int(v) for _, v in cx.assignment)
    assert [n for n, _ in cx.assignment] == ["i", "p", "k", "s"]
    value = formula.xreplace(dict(zip((i, p, k, s), case, strict=True)))
    assert sp.sstr(value) == cx.answer
    assert int(cx.truth) == simulated(*case) != value
    # smallest: every smaller case of the grid agrees
    for earlier in grid_in_size_order():
        if earlier == case:
            break
        assert formula.xreplace(dict(zip((i, p, k, s), earlier, strict=True))) == simulated(*earlier)


def test_the_seed_formula_is_verified_as_sympy_and_as_python() -> None:
    for formula in (q4.seed_formula(), lambda i, p, k, s: (i + 2 * p - k) // s + 1):
        outcome = q4.check_output_size_formula(formula)
        assert outcome.status is Status.VERIFIED, outcome
        assert "19600 cases" in outcome.method
        assert "1-D" in outcome.method


def test_a_python_formula_without_floor_is_refuted() -> None:
    outcome = q4.check_output_size_formula(lambda i, p, k, s: (i + 2 * p - k) / s + 1)
    assert outcome.status is Status.REFUTED and outcome.counterexample is not None
    assert dict(outcome.counterexample.assignment) == {"i": "2", "p": "0", "k": "1", "s": "2"}
    assert outcome.counterexample.answer == "3/2" and outcome.counterexample.truth == "1"


def test_a_formula_undefined_somewhere_is_refuted_there() -> None:
    outcome = q4.check_output_size_formula(sp.floor((i + 2 * p - k) / (s - 1)) + 1)
    assert outcome.status is Status.REFUTED and outcome.counterexample is not None
    assert outcome.counterexample.answer == "undefined"
    assert dict(outcome.counterexample.assignment)["s"] == "1"


def test_a_formula_with_another_symbol_is_an_error() -> None:
    outcome = q4.check_output_size_formula(i + sp.Symbol("q"))
    assert outcome.status is Status.ERROR and "q" in outcome.reason


def test_a_formula_giving_no_number_is_an_error() -> None:
    outcome = q4.check_output_size_formula(lambda i, p, k, s: "seven")
    assert outcome.status is Status.ERROR and "not a number" in outcome.reason
