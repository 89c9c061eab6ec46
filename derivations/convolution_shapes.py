"""Convolution layers of question 4, run for real: shapes come from simulation.

Nothing here computes a size from the output-size formula: every shape is the
shape of an array that a direct sliding-window implementation produced. A window
position is "every stride-th offset from 0 at which the window still fits", which
is the definition of a strided (and, after padding, zero-padded) convolution.

* `conv2d`: zero-padded, strided 2-D convolution over all input channels, as deep-
  learning layers compute it (cross-correlation: the kernel is not flipped; for
  shapes this makes no difference). One weight tensor per layer, built with as
  many input channels as the array that actually arrives.
* `max_pool2d`: non-overlapping max pooling (window = stride = size); a remainder
  that does not fill a window is dropped.
* `conv1d_strided`: the same convolution along one axis, for the output-size grid.
* `convolve`: 1-D convolution WITH kernel flipping, (x * w)_n = Σ_m x_m w_{n−m}, in
  full, valid and same modes, in exact integer/rational arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import prod
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:  # NumPy loads only when a simulation runs: it costs ~0.1 s of start-up
    import numpy as np
    from numpy.typing import NDArray

Array: TypeAlias = "NDArray[np.float64]"
Padding = Literal["full", "valid", "same"]  # numpy.convolve's `mode`: which outputs are kept
PADDINGS: tuple[Padding, ...] = ("full", "valid", "same")


def window_starts(length: int, window: int, stride: int) -> list[int]:
    """Every stride-th offset from 0 at which a window of this size fits in `length`."""
    return [start for start in range(0, length, stride) if start + window <= length]


# Layers ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Conv2d:
    filters: int
    kernel: int
    stride: int
    pad: int

    def describe(self) -> str:
        return (f"convolution, {self.filters} kernels {self.kernel}×{self.kernel}, "
                f"stride {self.stride}, zero-padding {self.pad}")


@dataclass(frozen=True)
class MaxPool2d:
    size: int

    def describe(self) -> str:
        return f"max pooling {self.size}×{self.size}, non-overlapping"


Layer = Conv2d | MaxPool2d


@dataclass(frozen=True)
class LayerRun:
    """One layer as it ran: shapes in and out, and its weight tensor as built."""

    layer: Layer
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    weight_shape: tuple[int, ...] = ()  # () for a layer without weights
    bias_shape: tuple[int, ...] = ()

    @property
    def weight_count(self) -> int:
        return prod(self.weight_shape) if self.weight_shape else 0

    @property
    def bias_count(self) -> int:
        return prod(self.bias_shape) if self.bias_shape else 0


def zero_pad(x: Array, pad: int) -> Array:
    """pad zeros on every side of both spatial axes of a (channels, rows, cols) array."""
    import numpy as np
    return np.pad(x, ((0, 0), (pad, pad), (pad, pad)))


def conv2d(x: Array, kernels: Array, bias: Array, stride: int, pad: int) -> Array:
    """out[f, a, b] = Σ_{c, u, v} kernels[f, c, u, v] · padded[c, r_a + u, c_b + v] + bias[f].

    x is (channels, rows, cols); kernels is (filters, channels, k, k). The window
    slides over the zero-padded input and stops where it no longer fits.
    """
    import numpy as np
    filters, channels, k, k2 = kernels.shape
    if channels != x.shape[0] or k != k2:
        raise ValueError(f"kernels {kernels.shape} do not fit an input {x.shape}")
    padded = zero_pad(x, pad)
    rows = window_starts(padded.shape[1], k, stride)
    cols = window_starts(padded.shape[2], k, stride)
    flat = kernels.reshape(filters, -1)
    out = np.empty((filters, len(rows), len(cols)))
    for a, r in enumerate(rows):
        for b, c in enumerate(cols):
            out[:, a, b] = flat @ padded[:, r:r + k, c:c + k].ravel() + bias
    return out


def max_pool2d(x: Array, size: int) -> Array:
    """out[c, a, b] = max of the size×size block at (a·size, b·size), per channel."""
    import numpy as np
    rows = window_starts(x.shape[1], size, size)
    cols = window_starts(x.shape[2], size, size)
    out = np.empty((x.shape[0], len(rows), len(cols)))
    for a, r in enumerate(rows):
        for b, c in enumerate(cols):
            out[:, a, b] = x[:, r:r + size, c:c + size].max(axis=(1, 2))
    return out


def run_network(layers: Sequence[Layer], x: Array, seed: int = 0) -> tuple[LayerRun, ...]:
    """Run the layers on x; every weight tensor is built for the array that arrives."""
    import numpy as np
    rng = np.random.default_rng(seed)
    runs = []
    for layer in layers:
        if isinstance(layer, Conv2d):
            shape = (layer.filters, x.shape[0], layer.kernel, layer.kernel)
            kernels = rng.standard_normal(shape)
            bias = rng.standard_normal(layer.filters)
            y = conv2d(x, kernels, bias, layer.stride, layer.pad)
            runs.append(LayerRun(layer, x.shape, y.shape, kernels.shape, bias.shape))
        else:
            y = max_pool2d(x, layer.size)
            runs.append(LayerRun(layer, x.shape, y.shape))
        x = y
    return tuple(runs)


def shape_text(shape: Sequence[int]) -> str:
    return "×".join(str(n) for n in shape)


# One axis ----------------------------------------------------------------------------
def conv1d_strided(x: Array, w: Array, stride: int, pad: int) -> Array:
    """out[a] = Σ_u w[u] · padded[r_a + u]: one axis of `conv2d`, same windows."""
    import numpy as np
    zeros = np.zeros(pad)
    padded = np.concatenate((zeros, x, zeros))  # np.pad costs more than the convolution here
    k = len(w)
    return np.array([padded[r:r + k] @ w for r in window_starts(len(padded), k, stride)])


def simulated_size(size: int, pad: int, kernel: int, stride: int) -> int:
    """Outputs of a 1-D zero-padded strided convolution, by running one."""
    import numpy as np
    return len(conv1d_strided(np.arange(1.0, size + 1.0), np.ones(kernel), stride, pad))


@dataclass(frozen=True)
class SizeGrid:
    """The cases i ≤ max_input, p ≤ max_pad, 1 ≤ k ≤ i + 2p, s ≤ max_stride (i, s ≥ 1)."""

    max_input: int = 40
    max_pad: int = 4
    max_stride: int = 4

    def cases(self) -> list[tuple[int, int, int, int]]:
        """(i, p, k, s), smallest i + p + k + s first, then lexicographically."""
        every = [(i, p, k, s) for i in range(1, self.max_input + 1)
                 for p in range(self.max_pad + 1) for k in range(1, i + 2 * p + 1)
                 for s in range(1, self.max_stride + 1)]
        return sorted(every, key=lambda c: (sum(c), c))

    def describe(self) -> str:
        return (f"all i <= {self.max_input}, p <= {self.max_pad}, k <= i+2p, "
                f"s <= {self.max_stride}")


def simulated_sizes(grid: SizeGrid) -> dict[tuple[int, int, int, int], int]:
    """Output size of every case of the grid, each from a 1-D convolution that ran."""
    return {case: simulated_size(*case) for case in grid.cases()}


# Convolution with kernel flipping ----------------------------------------------------
def convolve(x: Sequence[int | Fraction], w: Sequence[int | Fraction], mode: Padding) -> list[Fraction]:
    """(x * w)_n = Σ_m x_m w_{n−m} (0-based; out-of-range entries are 0), exactly.

    full: every n with a term, n = 0 .. N+K−2; valid: the n where the flipped kernel
    lies inside x, n = K−1 .. N−1; same: N entries centred on full, n = c .. c+N−1
    with c = ⌊(K−1)/2⌋ (NumPy's choice when K is even).
    """
    n_x, n_w = len(x), len(w)

    def entry(n: int) -> Fraction:
        return sum((Fraction(x[m]) * Fraction(w[n - m]) for m in range(n_x) if 0 <= n - m < n_w),
                   Fraction(0))

    first, last = {"full": (0, n_x + n_w - 2), "valid": (n_w - 1, n_x - 1),
                   "same": ((n_w - 1) // 2, (n_w - 1) // 2 + n_x - 1)}[mode]
    return [entry(n) for n in range(first, last + 1)]


def correlate(x: Sequence[int | Fraction], w: Sequence[int | Fraction], mode: Padding) -> list[Fraction]:
    """The same without kernel flipping (the common mistake): convolve with flip(w)."""
    return convolve(x, list(reversed(w)), mode)


def numpy_agrees(x: Sequence[int], w: Sequence[int], mode: Padding) -> bool:
    """Cross-check `convolve` against numpy.convolve (for len(x) >= len(w))."""
    import numpy as np
    ours = [float(v) for v in convolve(x, w, mode)]
    theirs = np.convolve(np.array(x, dtype=float), np.array(w, dtype=float), mode=mode)
    return len(ours) == len(theirs) and bool(np.allclose(ours, theirs, rtol=0, atol=1e-9))
