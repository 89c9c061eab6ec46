"""The definitions of question 5, cross-checked with NumPy and with SymPy's general diff."""

from __future__ import annotations

import random

import numpy as np
import pytest
import sympy as sp

from derivations.convolution_1d import (
    ConvMode,
    D,
    K,
    Sizes,
    Vec,
    _window_fits,
    admissible,
    admissible_constraints,
    admissible_sizes,
    build_network,
    conv,
    entries,
    flip,
    forward,
    jacobian,
    length_rule,
    network_length_rule,
    network_of_sizes,
    network_shape,
    output_indices,
    output_range,
    random_sizes,
    relu,
    symbolic_conv_entry,
    symbolic_flip,
    unfolded_sum,
    zero_outside,
)

NUMPY_MODE = {ConvMode.VALID: "valid", ConvMode.FULL: "full"}


def ints(values: list[int]) -> Vec[int]:
    return Vec(tuple(values), 0)


def test_out_of_bound_entries_are_zero() -> None:
    v = ints([4, 5, 6])
    assert [v.at(m) for m in range(-1, 6)] == [0, 0, 4, 5, 6, 0, 0]


@pytest.mark.parametrize("mode", list(ConvMode), ids=lambda m: m.value)
@pytest.mark.parametrize("d, k", [(1, 1), (4, 3), (5, 1), (7, 7), (9, 4), (12, 11)])
def test_conv_without_flipping_is_numpy_correlate(mode: ConvMode, d: int, k: int) -> None:
    rng = random.Random(d * 100 + k)
    x = [rng.randint(-9, 9) for _ in range(d)]
    w = [rng.randint(-9, 9) for _ in range(k)]
    ours = list(conv(mode, ints(x), ints(w)).entries)
    assert ours == np.correlate(x, w, NUMPY_MODE[mode]).tolist()


@pytest.mark.parametrize(
    "mode, expected",
    [(ConvMode.FULL, [1, 2, 5, 8, 6, 8]), (ConvMode.VALID, [5, 8])],
    ids=["full", "valid"],
)
def test_question_4_3_is_conv_with_the_flipped_kernel(mode: ConvMode, expected: list[int]) -> None:
    # Kernel flipping (question 4.3) is conv without flipping (question 5) of flip(w).
    assert list(conv(mode, ints([1, 2, 3, 4]), flip(ints([1, 0, 2]))).entries) == expected


def test_flip_reverses_and_is_an_involution() -> None:
    w = ints([1, 2, 3, 4])
    assert flip(w).entries == (4, 3, 2, 1)
    assert flip(flip(w)) == w


@pytest.mark.parametrize("mode, length", [(ConvMode.VALID, "d - k + 1"), (ConvMode.FULL, "d + k - 1")],
                         ids=["valid", "full"])
def test_output_range_matches_the_length_rule(mode: ConvMode, length: str) -> None:
    rule = length_rule(mode)
    assert sp.sstr(rule) == length
    for d in range(1, 13):
        for k in range(1, d + 1):
            found = output_indices(mode, d, k)
            assert found.start == 1
            assert len(found) == rule.xreplace({D: d, K: k})


def test_network_length_rules() -> None:
    d, k1, k2 = sp.symbols("d k1 k2")
    assert sp.expand(network_length_rule(ConvMode.VALID, d, k1, k2) - (d - k1 - k2 + 2)) == 0
    assert sp.expand(network_length_rule(ConvMode.FULL, d, k1, k2) - (d + k1 + k2 - 2)) == 0


@pytest.mark.parametrize(
    "mode, sizes, ok",
    [
        (ConvMode.VALID, Sizes(5, 2, 3), True),
        (ConvMode.VALID, Sizes(5, 4, 3), False),  # a1 has 2 entries, the kernel 3: a2 is empty
        (ConvMode.FULL, Sizes(5, 4, 4), True),
        (ConvMode.FULL, Sizes(5, 5, 1), False),  # k1 < d is assumed
        (ConvMode.VALID, Sizes(1, 1, 1), False),
    ],
    ids=["valid-ok", "valid-empty-a2", "full-ok", "k1-not-below-d", "d-1"],
)
def test_admissible_sizes(mode: ConvMode, sizes: Sizes, ok: bool) -> None:
    assert admissible(mode, sizes) is ok


def test_every_admissible_network_has_an_a2() -> None:
    for mode in ConvMode:
        for s in admissible_sizes(mode, 9):
            assert len(network_of_sizes(mode, s).a2) >= 1


def test_random_sizes_are_admissible_distinct_and_repeatable() -> None:
    first = random_sizes(ConvMode.FULL, 13, 64, 20, seed=5)
    assert first == random_sizes(ConvMode.FULL, 13, 64, 20, seed=5)
    assert len(set(first)) == 20
    assert all(13 <= s.d <= 64 and admissible(ConvMode.FULL, s) for s in first)
    assert random_sizes(ConvMode.VALID, 13, 12, 5, seed=5) == []


@pytest.mark.parametrize("mode", list(ConvMode), ids=lambda m: m.value)
def test_forward_pass_matches_numpy(mode: ConvMode) -> None:
    rng = np.random.default_rng(3)
    x, w1, w2 = (rng.integers(-5, 6, n).tolist() for n in (9, 3, 4))
    net = forward(mode, ints(x), ints(w1), ints(w2))
    a1 = np.correlate(x, w1, NUMPY_MODE[mode])
    h1 = np.maximum(a1, 0)
    assert list(net.a1.entries) == a1.tolist()
    assert list(net.h1.entries) == h1.tolist()
    assert list(net.a2.entries) == np.correlate(h1, w2, NUMPY_MODE[mode]).tolist()


def test_relu_of_sympy_entries() -> None:
    a = sp.Symbol("a", real=True)
    assert relu(Vec((a, sp.Integer(-2)), sp.Integer(0))).entries == (sp.Max(0, a), 0)


@pytest.mark.parametrize("mode", list(ConvMode), ids=lambda m: m.value)
@pytest.mark.parametrize("sizes", [Sizes(4, 2, 2), Sizes(6, 3, 4), Sizes(7, 1, 6)],
                         ids=lambda s: f"d{s.d}-k{s.k1}-{s.k2}")
def test_ring_jacobian_equals_sympy_diff(mode: ConvMode, sizes: Sizes) -> None:
    if not admissible(mode, sizes):
        pytest.fail("test sizes must be admissible")
    h_size = len(network_of_sizes(mode, sizes).h1)
    ring = entries([("h1", h_size), ("w2", sizes.k2)])
    h1, w2 = ring.vector("h1", h_size), ring.vector("w2", sizes.k2)
    fast = jacobian(conv(mode, h1, w2), h1)
    # The same network with general SymPy expressions, differentiated by sp.diff.
    h = [sp.Symbol(f"h{m}") for m in range(1, h_size + 1)]
    w = [sp.IndexedBase("w2", real=True)[m] for m in range(1, sizes.k2 + 1)]
    a2 = conv(mode, Vec(tuple(h), sp.Integer(0)), Vec(tuple(w), sp.Integer(0)))
    assert len(fast) == len(a2)
    for i, out in enumerate(a2.entries):
        for n, var in enumerate(h):
            assert sp.expand(ring.to_sympy(fast[i][n]) - sp.diff(out, var)) == 0


def test_build_network_keeps_h1_as_variables() -> None:
    ring = entries([("h1", 4), ("w2", 2)])
    net = build_network(ConvMode.VALID, ints([1, 2, 3, 4, 5]), ints([1, 1]),
                        lambda size: ring.vector("h1", size), ring.vector("w2", 2))
    assert len(net.a1) == 4 and len(net.h1) == 4 and len(net.a2) == 3
    assert ring.terms(net.a2.at(1)) == [(1, (("h1", 1), ("w2", 1))), (1, (("h1", 2), ("w2", 2)))]


@pytest.mark.parametrize("mode", list(ConvMode), ids=lambda m: m.value)
def test_output_indices_scan_every_window(mode: ConvMode) -> None:
    # The NumPy scan against the same scan for one n at a time.
    for d in range(1, 16):
        for k in range(1, d + 3):
            found = [n for n in range(-d - k, d + k + 1) if _window_fits(mode, n, d, k)]
            assert list(output_indices(mode, d, k)) == found


@pytest.mark.parametrize("mode", list(ConvMode), ids=lambda m: m.value)
def test_network_shape_is_that_of_the_built_network(mode: ConvMode) -> None:
    sizes = admissible_sizes(mode, 10) + random_sizes(mode, 11, 70, 30, seed=7)
    for s in sizes:
        net = network_of_sizes(mode, s)
        assert network_shape(mode, s) == (len(net.h1), len(net.a2))


# Symbolic sizes ------------------------------------------------------------------------
def test_outputs_start_at_one_for_symbolic_sizes() -> None:
    for mode in ConvMode:
        first, last = output_range(mode)
        assert first == 1 and sp.expand(last - first + 1 - length_rule(mode)) == 0


@pytest.mark.parametrize("mode", list(ConvMode), ids=lambda m: m.value)
def test_admissible_constraints_are_admissible(mode: ConvMode) -> None:
    d, k1, k2 = sp.symbols("d k1 k2", integer=True, positive=True)
    constraints = admissible_constraints(mode, d, k1, k2)
    for dd in range(1, 14):
        for kk1 in range(1, 16):
            for kk2 in range(1, 16):
                values = {d: dd, k1: kk1, k2: kk2}
                holds = all(bool(c.xreplace(values)) for c in constraints)
                assert holds is admissible(mode, Sizes(dd, kk1, kk2)), (mode, values)


def written_out(e: sp.Basic) -> sp.Basic:
    """Sums written out term by term (empty when the upper bound is below the lower)."""
    if isinstance(e, sp.Sum):
        (j, low, high), = e.limits
        return sp.Add(*[written_out(e.function.xreplace({j: v}))
                        for v in range(int(low), int(high) + 1)])
    if isinstance(e, sp.Piecewise):
        return next(written_out(p.expr) for p in e.args if bool(p.cond))
    return e.func(*[written_out(a) for a in e.args]) if e.args else e


@pytest.mark.parametrize("mode", list(ConvMode), ids=lambda m: m.value)
@pytest.mark.parametrize("d, k", [(1, 1), (4, 3), (5, 1), (7, 7), (9, 4), (3, 5)])
def test_symbolic_entries_are_conv_entry_by_entry(mode: ConvMode, d: int, k: int) -> None:
    x, w = sp.IndexedBase("x"), sp.IndexedBase("w")
    vx = Vec(tuple(x[m] for m in range(1, d + 1)), sp.Integer(0))
    vw = Vec(tuple(w[m] for m in range(1, k + 1)), sp.Integer(0))
    built = conv(mode, vx, flip(vw))
    flipped = symbolic_flip(zero_outside(w, k), k)
    assert len(built) == max(0, length_rule(mode).xreplace({D: d, K: k}))
    for n in range(1, len(built) + 1):
        entry = symbolic_conv_entry(mode, zero_outside(x, d), flipped, n, k)
        assert sp.expand(written_out(entry) - built.at(n)) == 0


def test_unfolded_sum_keeps_an_inner_piecewise_inside_its_sum() -> None:
    i, j = sp.symbols("i j", integer=True)
    g = sp.IndexedBase("g")
    inner = sp.Sum(sp.Piecewise((1, j <= i), (0, True)), (j, 1, 3))
    # SymPy 1.14 lifts the Piecewise out of the Sum over j, leaving j free in its condition
    folded = sp.Sum(g[i] * inner, (i, 1, 3))
    assert isinstance(folded.function, sp.Piecewise) and j in folded.function.free_symbols
    kept = unfolded_sum(g[i] * inner, (i, 1, 3))
    assert written_out(kept) == g[1] + 2 * g[2] + 3 * g[3]
