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

In a write-up (`derivcheck doc`), 4.1's `o = ⌊(i + 2p − k)/s⌋ + 1` is a link from the
output size by its definition to the formula, proved for every size by z3 with the grid
as second witness (`decide_size_link`, below).

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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from fractions import Fraction
from math import prod
from typing import Any, TypeAlias

import sympy as sp

from checker.model.claims import Decided
from checker.model.namespace import POSITIVE_INTEGER, Domain, Namespace, Variable
from checker.model.notation import DocumentSpec, Notation
from checker.model.options import Options
from checker.model.question import AnswerKind, Example, Question
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.rounding import ClaimOf, Decision, decide_for_integers, equal_terms
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
    window_starts,
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


# 4.1 in a write-up (`derivcheck doc`) ------------------------------------------------
# Answer 4.1 states the general output size `o = \left\lfloor \frac{i + 2p - k}{s}
# \right\rfloor + 1` before the count. `o` reads as the output size by the definition
# the simulation runs (`output_size`: a window at every stride-th offset from 0 where it
# fits, `window_starts`), and the link to a formula in i, p, k, s is proved for every
# i >= 1, p >= 0, 1 <= k <= i + 2p, s >= 1 by z3 (the formula's value c counts those
# windows: c >= 0, window c - 1 fits, window c does not; the windows fit from offset 0
# on, so that is the count), with the simulated grid as the second witness. i, p, k, s
# are names of the derivation only, not of the answer language: the formula never reads
# as the answer, which is the number of scalars. The formula's `\lfloor` needs `floor`,
# which 4.1's answer namespace (the default set) does not allow: the DocumentSpec adds
# floor and ceil for the derivation's steps only.

SIZE_I = Variable("i", POSITIVE_INTEGER, "input size along one axis")
SIZE_P = Variable("p", Domain("integer ≥ 0", Fraction(0), None, low_open=False, integer=True),
                  "zero-padding on each side")
SIZE_K = Variable("k", POSITIVE_INTEGER, "kernel size (k <= i + 2p: the kernel fits)")
SIZE_S = Variable("s", POSITIVE_INTEGER, "stride")
_I, _P, _K, _S = (v.symbol for v in (SIZE_I, SIZE_P, SIZE_K, SIZE_S))
LINK_MS = 3000  # z3's time for one link
_DIRECT_LIMIT = 10**6  # output_size is evaluated by its definition up to this padded length


class output_size(sp.Function):  # noqa: N801 - SymPy's function naming
    """o(i, p, k, s): the outputs of a 1-D zero-padded strided convolution, by the
    definition the simulation runs (`window_starts` on the padded length i + 2p);
    symbolic unless its arguments are integers in the domain."""

    nargs = 4

    @classmethod
    def eval(cls, i: sp.Expr, p: sp.Expr, k: sp.Expr, s: sp.Expr) -> sp.Integer | None:
        if not all(isinstance(a, sp.Integer) for a in (i, p, k, s)):
            return None
        size, pad, kernel, stride = (int(a) for a in (i, p, k, s))
        if size < 1 or pad < 0 or kernel < 1 or stride < 1 or size + 2 * pad > _DIRECT_LIMIT:
            return None
        return sp.Integer(len(window_starts(size + 2 * pad, kernel, stride)))

    def _sympystr(self, printer: Any) -> str:
        return "o(" + ", ".join(printer._print(a) for a in self.args) + ")"


def general_output_size() -> sp.Expr:
    """o for symbolic i, p, k, s."""
    return output_size(_I, _P, _K, _S)


def _z3_decide(claim_of: ClaimOf, formulas: Sequence[sp.Expr]) -> Decision:
    """Whether claim_of(terms, z3 names) holds for every i >= 1, p >= 0, 1 <= k <= i + 2p,
    s >= 1, every divisor nonzero; a model when it does not; or why neither."""
    return decide_for_integers(claim_of, formulas, {_I: 1, _P: 0, _K: 1, _S: 1}, (_K <= _I + 2 * _P,),
                               LINK_MS)


def _counts_windows(terms: list[Any], ints: Mapping[sp.Symbol, Any]) -> Any:
    """The value c is the number of window positions: c >= 0 is an integer, the window
    at offset (c - 1)·s fits in the padded length (when c >= 1), the one at c·s does not."""
    import z3

    (c,) = terms
    i, p, k, s = (z3.ToReal(ints[sym]) for sym in (_I, _P, _K, _S))
    length = i + 2 * p
    return z3.And(z3.IsInt(c), c >= 0, z3.Or(c == 0, (c - 1) * s + k <= length), c * s + k > length)


_DOMAIN = "every i >= 1, p >= 0, 1 <= k <= i + 2p, s >= 1"


def decide_size_link(before: Any, after: Any, where: str) -> StepResult:
    """A link of 4.1's write-up: numbers exactly; o against a formula in i, p, k, s, or
    two such formulas, for every size by z3 with the simulated grid as second witness."""
    if not (isinstance(before, sp.Expr) and isinstance(after, sp.Expr)):
        return StepResult("", Status.UNDECIDED, "not an expression: the steps cannot be compared")
    general = general_output_size()
    if after.is_number and before.is_number:
        if after == before:
            return StepResult("", Status.VERIFIED, "exact arithmetic")
        return StepResult("", Status.REFUTED, "exact arithmetic", Counterexample(
            (), sp.sstr(after), sp.sstr(before), where, "answer = this step, truth = the step before"))
    allowed = {_I, _P, _K, _S}
    if not (after.free_symbols | before.free_symbols) <= allowed:
        names = ", ".join(sorted(str(x) for x in (after.free_symbols | before.free_symbols) - allowed))
        return StepResult("", Status.UNDECIDED, f"the steps name {names}: only i, p, k, s and o "
                          "can be compared here")
    if general in (before, after):
        formula = after if before == general else before
        if formula == general:
            return StepResult("", Status.VERIFIED, "the same quantity")
        if not formula.free_symbols:
            # `o = ⌊(128 + 6 - 8)/2⌋ + 1`: o for one layer's sizes, which the write-up does
            # not name; o itself is the general output size, so this cannot be compared.
            return StepResult("", Status.UNDECIDED, "o is the output size for every i, p, k, s; "
                              "a number is o for one layer's sizes, which are not named here "
                              "(write the formula with i, p, k, s, or the numbers without o)")
        if formula.has(output_size):
            return StepResult("", Status.UNDECIDED, "o can be compared with a formula in i, p, "
                              "k, s only")
        return _formula_link(formula, where)
    if after.has(output_size) or before.has(output_size):
        return StepResult("", Status.UNDECIDED, "o can be compared with a formula in i, p, k, s only")
    return _formulas_link(after, before, where)


def _formula_link(formula: sp.Expr, where: str) -> StepResult:
    """o = formula, for every size."""
    decided = _z3_decide(_counts_windows, [formula])
    grid = check_output_size_formula(formula)
    if decided.proved:
        if grid.status is Status.VERIFIED:
            return StepResult("", Status.VERIFIED, f"proof for {_DOMAIN} (z3: the formula counts "
                              f"the window positions of the definition); {grid.method} agrees")
        return StepResult("", Status.UNDECIDED, "internal inconsistency: a proof for every size "
                          f"and the simulation disagree ({grid.method}); please report this",
                          grid.counterexample)
    if decided.case is not None:
        refuted = _recheck_formula(formula, _in_order(decided.case), where)
        if refuted is not None:
            return refuted
    if grid.status is Status.REFUTED and grid.counterexample is not None:
        return StepResult("", Status.REFUTED, grid.method, replace(grid.counterexample, where=where))
    return StepResult("", Status.UNDECIDED, f"no proof for every size ({decided.why}); "
                      f"{grid.method}: agreement at finitely many sizes is not a proof")


def _recheck_formula(formula: sp.Expr, case: tuple[int, int, int, int],
                     where: str) -> StepResult | None:
    """The case z3 found, re-checked exactly: the formula's value against the simulation."""
    if case[0] + 2 * case[1] > _DIRECT_LIMIT:
        return None
    value = _exact(formula, dict(zip((_I, _P, _K, _S), case, strict=True)))
    simulated = simulated_size(*case)
    if value == simulated:
        return None
    shown = _fraction_text(value) if value is not None else "undefined"
    cx = _size_counterexample(case, shown, simulated)
    return StepResult("", Status.REFUTED, "counterexample found by z3, re-checked against the "
                      "simulation", replace(cx, where=where or cx.where))


def _formulas_link(after: sp.Expr, before: sp.Expr, where: str) -> StepResult:
    """Two formulas in i, p, k, s, equal for every size."""
    decided = _z3_decide(equal_terms, [after, before])
    cases = GRID.cases()
    difference = _first_case_apart(after, before, cases)
    if decided.proved:
        if difference is None:
            return StepResult("", Status.VERIFIED, f"proof for {_DOMAIN} (z3); exact values at "
                              f"{GRID.describe()} agree")
        return StepResult("", Status.UNDECIDED, "internal inconsistency: a proof for every size "
                          "and the exact values disagree; please report this", difference)
    if decided.case is not None:
        found = _first_case_apart(after, before, [_in_order(decided.case)])
        if found is not None:
            return StepResult("", Status.REFUTED, "counterexample found by z3, re-checked "
                              "exactly", replace(found, where=where))
    if difference is not None:
        return StepResult("", Status.REFUTED, f"exact values at {GRID.describe()}",
                          replace(difference, where=where))
    return StepResult("", Status.UNDECIDED, f"no proof for every size ({decided.why}); equal at "
                      f"{GRID.describe()}: agreement at finitely many sizes is not a proof")


def _exact(formula: sp.Expr, env: dict[sp.Symbol, int]) -> Fraction | None:
    """The formula's exact value at whole sizes; None where it is undefined (a divisor is
    zero there) or not a rational number, which no output size equals."""
    try:
        return as_fraction(value_at_integers(formula, env))
    except (ZeroDivisionError, ArithmeticError):
        return None


def _in_order(case: Mapping[sp.Symbol, int]) -> tuple[int, int, int, int]:
    return case[_I], case[_P], case[_K], case[_S]


def _first_case_apart(after: sp.Expr, before: sp.Expr,
                      cases: Sequence[tuple[int, int, int, int]]) -> Counterexample | None:
    for case in cases:
        env = dict(zip((_I, _P, _K, _S), case, strict=True))
        a, b = (_exact(e, env) for e in (after, before))
        if a != b:
            shown = [_fraction_text(v) if v is not None else "undefined" for v in (a, b)]
            return Counterexample(tuple(zip("ipks", map(str, case), strict=True)), shown[0],
                                  shown[1], "", "answer = this step, truth = the step before; "
                                  "exact arithmetic")
    return None


def document_4_1() -> DocumentSpec:
    return DocumentSpec(
        notation=(Notation("o", "o, the output size of a convolution by its definition (the "
                           "windows that fit)", general_output_size),),
        variables=(SIZE_I, SIZE_P, SIZE_K, SIZE_S),
        link=decide_size_link,
        functions=frozenset({"floor", "ceil"}),
    )


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
    document=document_4_1(),
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
    document=document_4_1(),  # numbers, and the output size o where a write-up restates it
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
        document=DocumentSpec(),  # the list after the word Full, Valid or Same
        # The list is the only right answer: its LaTeX spelling is the right example.
        examples=(Example(rf"\left{_REFERENCE[_mode][:-1]}\right]", right=True, latex=True),
                  *(Example(text, right=False) for text in _WRONG_LISTS[_mode])),
    ))
