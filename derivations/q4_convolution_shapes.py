"""Question 4: shapes and parameter count of a small CNN, and 1-D convolution modes.

Every truth here comes from running code (`derivations.convolution_shapes`), never
from the output-size formula or from the answer:

* 4.1 runs the three layers on a 3×128×128 NumPy input and counts the scalars of
  the last output; the verdict's steps report each layer's shape, and check the
  seed's formula o = ⌊(i + 2p − k)/s⌋ + 1 against simulation over a grid.
* 4.2 counts the entries of layer 3's weight tensor as the simulation built it
  (filters × channels that actually arrived × k × k; the bias is built too, and
  not counted, as the question asks).
* 4.3.* convolve [1, 2, 3, 4] with [1, 0, 2] from the definition with kernel
  flipping, (x * w)_n = Σ_m x_m w_{n−m}, and cross-check with numpy.convolve.

`check_output_size_formula` is the library function for the formula claim: give
it a Python callable f(i, p, k, s) or a SymPy expression in symbols named i, p,
k, s; it returns an Outcome, refuted with the smallest failing case (by
i + p + k + s). The grid is simulated one axis at a time, a 1-D convolution per
case: a 2-D window is a product of one window per axis, so each spatial size of
a 2-D layer is the 1-D size of that axis; 4.1's steps confirm this on the three
layers of the network.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from fractions import Fraction
from math import prod
from typing import TypeAlias

import sympy as sp

from checker.model.claims import Decided
from checker.model.namespace import Namespace
from checker.model.options import Options
from checker.model.question import AnswerKind, Example, Question
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.sampling import as_fraction, value_at_integers
from derivations.convolution_shapes import (
    PADDINGS,
    Conv2d,
    LayerRun,
    MaxPool2d,
    Padding,
    SizeGrid,
    convolve,
    correlate,
    numpy_agrees,
    run_network,
    shape_text,
    simulated_size,
    simulated_sizes,
)

INPUT_SHAPE = (3, 128, 128)
NETWORK = (Conv2d(filters=32, kernel=8, stride=2, pad=3), MaxPool2d(size=2),
           Conv2d(filters=64, kernel=3, stride=1, pad=1))
GRID = SizeGrid()
SIGNAL = (1, 2, 3, 4)
KERNEL = (1, 0, 2)
SIMULATION = "simulation: direct sliding window on NumPy arrays"

Formula: TypeAlias = Callable[[int, int, int, int], object] | sp.Expr


# The simulation, run once per process -----------------------------------------------------
@functools.cache
def network_runs() -> tuple[LayerRun, ...]:
    import numpy as np  # loaded only when the simulation runs

    x = np.random.default_rng(2022).standard_normal(INPUT_SHAPE)
    return run_network(NETWORK, x)


@functools.cache
def grid_sizes(grid: SizeGrid = GRID) -> dict[tuple[int, int, int, int], int]:
    return simulated_sizes(grid)


# The output-size formula as a claim ---------------------------------------------------------
def seed_formula() -> sp.Expr:
    """o = ⌊(i + 2p − k)/s⌋ + 1, as the seed's Answer 4.1 states it (the claim under test)."""
    i, p, k, s = sp.symbols("i p k s", integer=True)
    return sp.floor((i + 2 * p - k) / s) + 1


def check_output_size_formula(formula: Formula, grid: SizeGrid = GRID) -> Outcome:
    """The formula against simulated 1-D convolutions on every case of the grid.

    Refuted at the smallest case (by i + p + k + s) where the formula's value is
    not the simulated size, undefined there included; `error` when the formula
    mentions anything but i, p, k, s or gives something that is not a number.
    """
    try:
        evaluate = _formula_function(formula)
    except ValueError as exc:
        return Outcome(Status.ERROR, "formula", reason=str(exc))
    sizes = grid_sizes(grid)
    for case, simulated in sizes.items():  # smallest i + p + k + s first
        try:
            raw = evaluate(*case)
        except ZeroDivisionError:
            raw = sp.zoo
        value = as_fraction(raw)
        if value is None and not isinstance(raw, sp.Basic):
            return Outcome(Status.ERROR, "formula", reason=f"the formula gave {raw!r}, not a "
                           f"number, at {_case_text(case)}")
        if value != simulated:
            shown = _fraction_text(value) if value is not None else _undefined_text(raw)
            return Outcome(Status.REFUTED, f"simulation: {grid.describe()}, smallest failing "
                           "case first", _size_counterexample(case, shown, simulated))
    return Outcome(Status.VERIFIED, f"simulation: {grid.describe()} ({len(sizes)} cases; one "
                   "axis simulated as a 1-D zero-padded strided convolution, the axes of a 2-D "
                   "layer being independent)")


def _size_counterexample(
    case: tuple[int, int, int, int], shown: str, simulated: int
) -> Counterexample:
    i, p, k, s = case
    return Counterexample(
        tuple(zip("ipks", map(str, case), strict=True)), shown, str(simulated),
        "output size o(i, p, k, s)",
        f"a length-{i} input, padding {p}, kernel {k}, stride {s}: the convolution, run, "
        f"gives {simulated} output{'s' if simulated != 1 else ''}")


def _undefined_text(raw: object) -> str:
    if isinstance(raw, sp.Basic) and raw.is_number and raw.is_real and raw.is_finite:
        return sp.sstr(raw)  # a real number, but not a rational one
    return "undefined"


def _case_text(case: tuple[int, int, int, int]) -> str:
    return ", ".join(f"{n} = {v}" for n, v in zip("ipks", case, strict=True))


def _fraction_text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(value)


def _formula_function(formula: Formula) -> Callable[[int, int, int, int], object]:
    if isinstance(formula, sp.Basic):
        expr = formula
        names = {s.name: s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
        unknown = set(names) - set("ipks")
        if unknown or len(names) != len(expr.free_symbols):
            extra = ", ".join(sorted(unknown)) or "something that is not a symbol"
            raise ValueError(f"the formula mentions {extra}; only i, p, k, s are allowed")

        def from_expr(i: int, p: int, k: int, s: int) -> object:
            env = {names[n]: v for n, v in zip("ipks", (i, p, k, s), strict=True) if n in names}
            return value_at_integers(expr, env)

        return from_expr
    return formula


# 4.1 ---------------------------------------------------------------------------------
def layer_steps(runs: Sequence[LayerRun]) -> tuple[StepResult, ...]:
    steps = [StepResult(f"input {shape_text(runs[0].input_shape)}", Status.VERIFIED, "given")]
    for n, run in enumerate(runs, start=1):
        steps.append(StepResult(
            f"layer {n} ({run.layer.describe()}): {shape_text(run.input_shape)} -> "
            f"{shape_text(run.output_shape)}", Status.VERIFIED, SIMULATION))
    return tuple(steps)


def axes_step(runs: Sequence[LayerRun]) -> StepResult:
    """Each spatial size of a 2-D layer equals the 1-D simulation along its axis."""
    text = "every 2-D convolution's spatial size = a 1-D convolution along each axis"
    for run in runs:
        layer = run.layer
        if not isinstance(layer, Conv2d):
            continue
        for axis in (1, 2):
            one_d = simulated_size(run.input_shape[axis], layer.pad, layer.kernel, layer.stride)
            if one_d != run.output_shape[axis]:
                return StepResult(text, Status.UNDECIDED, "internal inconsistency between the "
                                  f"2-D ({run.output_shape[axis]}) and 1-D ({one_d}) simulations")
    return StepResult(text, Status.VERIFIED, "simulation, both axes of layers 1 and 3")


@functools.cache
def formula_step() -> StepResult:
    outcome = check_output_size_formula(seed_formula())
    return StepResult("the seed's o = floor((i + 2p - k)/s) + 1 agrees with the simulation",
                      outcome.status, outcome.method, outcome.counterexample)


def scalars_claim(answer: sp.Integer, options: Options) -> Decided:
    def decide() -> Outcome:
        runs = network_runs()
        last = runs[-1].output_shape
        truth = prod(last)
        shapes = " -> ".join([shape_text(runs[0].input_shape)]
                             + [shape_text(r.output_shape) for r in runs])
        steps = (*layer_steps(runs), axes_step(runs), formula_step())
        method = (f"{SIMULATION}: {shapes}; {shape_text(last)} = {truth} scalars")
        if answer == truth:  # exact: a fraction never rounds onto the truth
            return Outcome(Status.VERIFIED, method, steps=steps)
        cx = Counterexample((("input", shape_text(INPUT_SHAPE)), ("output", shape_text(last))),
                            str(answer), str(truth), "scalars in the output of layer 3",
                            f"simulated shapes {shapes}")
        return Outcome(Status.REFUTED, method, cx, steps=steps)

    return Decided("the number of scalars after layer 3, by simulation", decide)


# 4.2 ---------------------------------------------------------------------------------
def parameters_claim(answer: sp.Integer, options: Options) -> Decided:
    def decide() -> Outcome:
        run = network_runs()[2]
        truth = run.weight_count
        weights = shape_text(run.weight_shape)
        method = (f"{SIMULATION}: layer 3's weight tensor as built is {weights} (filters × "
                  f"input channels that arrived × kernel × kernel) = {truth}; its "
                  f"{run.bias_count} biases are not counted")
        steps = (StepResult(f"layer 3 receives {shape_text(run.input_shape)}", Status.VERIFIED,
                            SIMULATION),
                 StepResult(f"layer 3 weights {weights}, bias {shape_text(run.bias_shape)}",
                            Status.VERIFIED, "as built by the simulation"))
        if answer == truth:  # exact: a fraction never rounds onto the truth
            return Outcome(Status.VERIFIED, method, steps=steps)
        note = ("that counts the biases too" if answer == truth + run.bias_count
                else f"the weight tensor is {weights}")
        cx = Counterexample((("layer 3 weights", weights),), str(answer), str(truth),
                            "parameters of layer 3 without biases", note)
        return Outcome(Status.REFUTED, method, cx, steps=steps)

    return Decided("the number of weights of layer 3, by simulation", decide)


# 4.3 ---------------------------------------------------------------------------------
def convolution_claim(mode: Padding) -> Callable[[tuple[sp.Rational, ...], Options], Decided]:
    def claim(answer: tuple[sp.Rational, ...], options: Options) -> Decided:
        return Decided(f"the {mode} convolution with kernel flipping",
                       lambda: decide_convolution(mode, answer))

    return claim


def decide_convolution(mode: Padding, answer: Sequence[sp.Rational]) -> Outcome:
    truth = convolve(SIGNAL, KERNEL, mode)
    method = (f"definition: (x * w)_n = Σ_m x_m w_(n−m) (kernel flipped), {mode} mode, exact; "
              f"cross-checked with numpy.convolve(mode='{mode}')")
    if not numpy_agrees(SIGNAL, KERNEL, mode):
        return Outcome(Status.UNDECIDED, method, reason="internal inconsistency: the definition "
                       "and numpy.convolve disagree; please report this")
    given = [Fraction(int(v.p), int(v.q)) for v in answer]
    difference = first_difference(given, truth)
    if difference is None:
        return Outcome(Status.VERIFIED, method)
    position, mine, right = difference
    note = (f"your list has {len(given)} entries, the {mode} convolution {len(truth)}"
            if len(given) != len(truth) else "")
    if given == correlate(SIGNAL, KERNEL, mode):
        note = "that is the correlation: the kernel was not flipped"
    cx = Counterexample((("x", _list_text(SIGNAL)), ("w", _list_text(KERNEL)), ("mode", mode)),
                        mine, right, f"entry {position} (1-based)", note)
    return Outcome(Status.REFUTED, method, cx)


def first_difference(
    given: Sequence[Fraction], truth: Sequence[Fraction]
) -> tuple[int, str, str] | None:
    """(1-based position, your entry, the true entry) at the first difference."""
    for n in range(max(len(given), len(truth))):
        mine = _fraction_text(given[n]) if n < len(given) else "(no entry)"
        right = _fraction_text(truth[n]) if n < len(truth) else "(no entry)"
        if mine != right:
            return n + 1, mine, right
    return None


def _list_text(values: Sequence[int]) -> str:
    return "[" + ", ".join(str(v) for v in values) + "]"


STATEMENT = ("A 3×128×128 RGB input; layer 1 convolves 32 8×8 kernels, stride 2, zero-padding 3; "
             "layer 2 is 2×2 non-overlapping max pooling; layer 3 convolves 64 3×3 kernels, "
             "stride 1, zero-padding 1.")


QUESTIONS: list[Question] = []  # this module's questions, in the order asked

QUESTIONS.append(Question(
    id="4.1", title="number of scalars after layer 3",
    statement=f"{STATEMENT} How many scalars does the output of the last layer contain?",
    kind=AnswerKind.INTEGER, namespace=Namespace(),
    reference="65536",
    truth="the three layers run on a 3×128×128 NumPy input (direct sliding-window convolution "
          "and pooling); the last output's element count. The formula o = floor((i+2p-k)/s)+1 "
          f"is checked against simulation ({GRID.describe()})",
    claim=scalars_claim,
    prepare=lambda options: (network_runs(), grid_sizes(), formula_step()),
    examples=(
        Example("64*32*32", right=True),
        Example(r"64 \cdot 32 \cdot 32", right=True, latex=True),
        Example("262144", right=False),  # the pooling forgotten: 64×64×64
        Example("131072", right=False),  # layer 1's output counted: 32×64×64
        Example("57600", right=False),  # layer 3's padding forgotten: 64×30×30
    ),
))
QUESTIONS.append(Question(
    id="4.2", title="parameters of layer 3, biases not included",
    statement=f"{STATEMENT} Not including the biases, how many parameters does the last "
              "layer need?",
    kind=AnswerKind.INTEGER, namespace=Namespace(),
    reference="18432",
    truth="the number of entries of layer 3's weight tensor as the simulation built it for "
          "the array that reached it",
    claim=parameters_claim,
    prepare=lambda options: network_runs(),
    examples=(
        Example("64*32*3*3", right=True),
        Example(r"64 \times 32 \times 3 \times 3", right=True, latex=True),
        Example("18496", right=False),  # the 64 biases counted
        Example("1728", right=False),  # the image's 3 channels for layer 3's 32: 64×3×3×3
        Example("576", right=False),  # the input channels forgotten: 64×3×3
    ),
))
_WRONG_LISTS = {  # no kernel flipping (correlation), shifted by one, one entry short or wrong mode
    "full": ("[2, 4, 7, 10, 3, 4]", "[0, 1, 2, 5, 8, 6]", "[1, 2, 5, 8, 6]"),
    "valid": ("[7, 10]", "[2, 5]", "[2, 5, 8, 6]"),
    "same": ("[4, 7, 10, 3]", "[1, 2, 5, 8]", "[5, 8, 6, 8]"),
}
_REFERENCE = {"full": "[1, 2, 5, 8, 6, 8]", "valid": "[5, 8]", "same": "[2, 5, 8, 6]"}
for _mode in PADDINGS:
    QUESTIONS.append(Question(
        id=f"4.3.{_mode}", title=f"{_mode} convolution of [1, 2, 3, 4] with [1, 0, 2]",
        statement=f"The {_mode} convolution (with kernel flipping) of [1, 2, 3, 4] * [1, 0, 2].",
        kind=AnswerKind.LIST, namespace=Namespace(),
        reference=_REFERENCE[_mode],
        truth="(x * w)_n = Σ_m x_m w_(n−m) computed from the definition in exact arithmetic, "
              f"{_mode} mode; cross-checked with numpy.convolve",
        claim=convolution_claim(_mode),
        prepare=lambda options: importlib.import_module("numpy"),  # the cross-check's one import
        # The list is the only right answer: its LaTeX spelling is the right example.
        examples=(Example(rf"\left{_REFERENCE[_mode][:-1]}\right]", right=True, latex=True),
                  *(Example(text, right=False) for text in _WRONG_LISTS[_mode])),
    ))
