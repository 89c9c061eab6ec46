"""The simulation behind question 4, checked against independent implementations:
naive loops, NumPy's correlate/convolve, and reshape-based pooling."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import convolution_shapes as cs


def naive_conv2d(x: np.ndarray, kernels: np.ndarray, bias: np.ndarray, stride: int,
                 pad: int) -> np.ndarray:
    """Six nested loops over a padded copy: slow and obviously the definition."""
    channels, rows, cols = x.shape
    filters, _, k, _ = kernels.shape
    padded = np.zeros((channels, rows + 2 * pad, cols + 2 * pad))
    padded[:, pad:pad + rows, pad:pad + cols] = x
    out_rows = [r for r in range(0, padded.shape[1] - k + 1, stride)]
    out_cols = [c for c in range(0, padded.shape[2] - k + 1, stride)]
    out = np.zeros((filters, len(out_rows), len(out_cols)))
    for f in range(filters):
        for a, r in enumerate(out_rows):
            for b, c in enumerate(out_cols):
                total = bias[f]
                for ch in range(channels):
                    for u in range(k):
                        for v in range(k):
                            total += kernels[f, ch, u, v] * padded[ch, r + u, c + v]
                out[f, a, b] = total
    return out


CONV_CASES = [(7, 3, 1, 0), (7, 3, 2, 1), (8, 4, 2, 3), (5, 5, 1, 2), (6, 2, 3, 0), (9, 1, 4, 1)]


@pytest.mark.parametrize(("side", "k", "stride", "pad"), CONV_CASES,
                         ids=[f"i{a}-k{b}-s{c}-p{d}" for a, b, c, d in CONV_CASES])
def test_conv2d_matches_the_naive_definition(side: int, k: int, stride: int, pad: int) -> None:
    rng = np.random.default_rng(side * 100 + k)
    x = rng.standard_normal((2, side, side + 1))
    kernels = rng.standard_normal((3, 2, k, k))
    bias = rng.standard_normal(3)
    ours = cs.conv2d(x, kernels, bias, stride, pad)
    theirs = naive_conv2d(x, kernels, bias, stride, pad)
    assert ours.shape == theirs.shape
    assert np.allclose(ours, theirs)


def test_conv2d_rejects_kernels_with_the_wrong_channel_count() -> None:
    with pytest.raises(ValueError, match="do not fit"):
        cs.conv2d(np.zeros((3, 5, 5)), np.zeros((2, 4, 3, 3)), np.zeros(2), 1, 0)


@pytest.mark.parametrize("shape", [(2, 8, 8), (3, 7, 9), (1, 2, 2), (1, 1, 3)])
def test_max_pool_matches_reshape_and_drops_the_remainder(shape: tuple[int, int, int]) -> None:
    x = np.random.default_rng(3).standard_normal(shape)
    c, r, w = shape
    r2, w2 = r // 2, w // 2
    expected = x[:, :2 * r2, :2 * w2].reshape(c, r2, 2, w2, 2).max(axis=(2, 4))
    assert np.array_equal(cs.max_pool2d(x, 2), expected)


def test_the_question_network_shapes_and_weights() -> None:
    network = (cs.Conv2d(32, 8, 2, 3), cs.MaxPool2d(2), cs.Conv2d(64, 3, 1, 1))
    runs = cs.run_network(network, np.zeros((3, 128, 128)))
    assert [r.output_shape for r in runs] == [(32, 64, 64), (32, 32, 32), (64, 32, 32)]
    assert runs[2].weight_shape == (64, 32, 3, 3) and runs[2].weight_count == 18432
    assert runs[2].bias_count == 64 and runs[1].weight_count == 0


def test_window_starts_are_every_stride_th_fitting_offset() -> None:
    assert cs.window_starts(10, 3, 3) == [0, 3, 6]
    assert cs.window_starts(10, 4, 3) == [0, 3, 6]
    assert cs.window_starts(10, 5, 3) == [0, 3]
    assert cs.window_starts(2, 3, 1) == []


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30), st.integers(0, 4), st.integers(1, 20), st.integers(1, 5))
def test_conv1d_strided_is_numpy_correlation_every_s_th(i: int, p: int, k: int, s: int) -> None:
    rng = np.random.default_rng(i * 1000 + p * 100 + k * 10 + s)
    x, w = rng.standard_normal(i), rng.standard_normal(k)
    padded = np.pad(x, p)
    expected = np.correlate(padded, w, mode="valid")[::s] if k <= len(padded) else np.array([])
    ours = cs.conv1d_strided(x, w, s, p)
    assert ours.shape == expected.shape
    assert np.allclose(ours, expected)


def test_simulated_sizes_cover_the_grid_in_size_order() -> None:
    grid = cs.SizeGrid(max_input=6, max_pad=2, max_stride=3)
    sizes = cs.simulated_sizes(grid)
    cases = list(sizes)
    assert cases[0] == (1, 0, 1, 1)
    assert [sum(c) for c in cases] == sorted(sum(c) for c in cases)
    assert len(cases) == sum(i + 2 * p for i in range(1, 7) for p in range(3)) * 3
    for (i, p, k, s), n in sizes.items():
        assert n == len(range(0, i + 2 * p - k + 1, s))


CONVOLVE_CASES = [(n, k, mode) for n in range(1, 7) for k in range(1, n + 1)
                  for mode in cs.PADDINGS]


@pytest.mark.parametrize(("n", "k", "mode"), CONVOLVE_CASES,
                         ids=[f"{n}x{k}-{m}" for n, k, m in CONVOLVE_CASES])
def test_convolve_matches_numpy(n: int, k: int, mode: cs.Padding) -> None:
    rng = np.random.default_rng(n * 10 + k)
    x = [int(v) for v in rng.integers(-5, 6, n)]
    w = [int(v) for v in rng.integers(-5, 6, k)]
    ours = cs.convolve(x, w, mode)
    theirs = np.convolve(x, w, mode=mode)
    assert [int(v) for v in ours] == [int(v) for v in theirs]
    assert all(v.denominator == 1 for v in ours)
    assert cs.numpy_agrees(x, w, mode)


def test_convolve_flips_and_correlate_does_not() -> None:
    assert cs.convolve([1, 2, 3, 4], [1, 0, 2], "full") == [1, 2, 5, 8, 6, 8]
    assert cs.correlate([1, 2, 3, 4], [1, 0, 2], "full") == [2, 4, 7, 10, 3, 4]


def test_convolve_is_exact_on_fractions() -> None:
    third = Fraction(1, 3)
    assert cs.convolve([third, 1], [3, third], "full") == [1, Fraction(28, 9), third]
