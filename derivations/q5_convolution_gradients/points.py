"""Question 5's points: every size of a range with the shapes of its built network,
the answer namespaces, and how each vector of the answer language is read there
(by the NumPy evaluator at every point at once, and by SymPy at one point)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sympy as sp

from checker.model.namespace import POSITIVE_INTEGER, Namespace, Variable, Vector
from checker.prove.arrays import (
    ArrayValue,
    Evaluator,
    FreeVectors,
    Table,
    VectorRule,
    free_vector,
    lazy_rule,
    make_table,
    tabled,
)
from checker.prove.lazy import OnFirstUse
from checker.prove.sampling import EntryRule
from derivations.convolution_1d import (
    ConvMode,
    Entries,
    Sizes,
    Vec,
    conv,
    entries,
    flip,
    flip_index,
    jacobian,
    network_shape,
)

if TYPE_CHECKING:
    import numpy as np
else:
    np = OnFirstUse("numpy", globals(), "np")

SEED = 20220223  # sizes and entry values must repeat run to run
FREE = FreeVectors(("w2", "g"), SEED)  # the vectors whose entries are polynomial variables

# ---------------------------------------------------------------------------------
# The answer namespaces
# ---------------------------------------------------------------------------------


def _integer(name: str, meaning: str) -> Variable:
    return Variable(name, POSITIVE_INTEGER, meaning)


D_VAR = _integer("d", "length of the input x (every size: no upper bound)")
K1_VAR = _integer("k1", "length of the first kernel w1 (k1 < d)")
K2_VAR = _integer("k2", "length of the second kernel w2 (k2 < d)")
I_VAR = _integer("i", "an index of a2, 1..|a2|")
N_VAR = _integer("n", "an index of h1, 1..|h1|")
W2 = Vector("w2", 1, "the second kernel; w2[m] is 0 unless 1 <= m <= k2")
G = Vector("g", 1, "g[i] = (nabla_{a2} L)_i; 0 unless 1 <= i <= |a2|")
FLIP_W2 = Vector("flipw2", 1, "flip(w2)[j] = w2[k2-j+1]; 0 unless 1 <= j <= k2")
JAC = Vector("J", 2, "J[i, n] = d a2_i / d h1_n, a2 = h1 conv w2 differentiated; 0 out of "
             "range")
FULL_CONV = Vector("fullconv", 1, "fullconv[n] = (g full-conv flip(w2))_n, equation (2)")
VALID_CONV = Vector("validconv", 1, "validconv[n] = (g valid-conv flip(w2))_n, equation (1)")
FUNCTIONS = frozenset({"max", "min", "Max", "Min", "abs", "Piecewise", "Sum"})

SIZES_NS = Namespace(variables=(D_VAR, K1_VAR, K2_VAR), functions=FUNCTIONS)
ENTRY_NS = Namespace(variables=(I_VAR, N_VAR, D_VAR, K1_VAR, K2_VAR), vectors=(W2,),
                     functions=FUNCTIONS)
CHAIN_NS = Namespace(
    variables=(N_VAR, D_VAR, K1_VAR, K2_VAR),
    vectors=(G, W2, FLIP_W2, JAC, FULL_CONV, VALID_CONV),
    functions=FUNCTIONS,
)
d_, k1_, k2_, i_, n_ = (v.symbol for v in (D_VAR, K1_VAR, K2_VAR, I_VAR, N_VAR))

# ---------------------------------------------------------------------------------
# Points: every size of a range, with the shapes of its built network
# ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Sizes of one mode with |h1| and |a2| read off networks built by the definitions.

    Sizes with the same (|h1|, k2) share the second layer, hence its Jacobian and
    its convolutions: those are built once per `pair`."""

    mode: ConvMode
    sizes: tuple[Sizes, ...]
    h1: tuple[int, ...]
    a2: tuple[int, ...]
    pair_of: tuple[int, ...]
    pairs: tuple[tuple[int, int], ...]  # (|h1|, k2)


@functools.lru_cache(maxsize=32)
def layout(mode: ConvMode, sizes: tuple[Sizes, ...]) -> Layout:
    h1, a2, pair_of = [], [], []
    pairs: dict[tuple[int, int], int] = {}
    for s in sizes:
        h, a = network_shape(mode, s)  # the lengths network_of_sizes(mode, s) builds
        h1.append(h)
        a2.append(a)
        pair_of.append(pairs.setdefault((h, s.k2), len(pairs)))
    return Layout(mode, sizes, tuple(h1), tuple(a2), tuple(pair_of), tuple(pairs))


@dataclass(frozen=True)
class Points:
    """One point per (size, index): `size` indexes layout.sizes; `index` holds i and/or n.
    A `checker.prove.arrays.PointSet`."""

    layout: Layout
    size: np.ndarray
    index: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return int(self.size.shape[0])

    @property
    def free(self) -> FreeVectors:
        return FREE

    def per_size(self, values: Sequence[int]) -> np.ndarray:
        return np.asarray(values, dtype=np.int64)[self.size]

    def scalars(self) -> dict[sp.Symbol, np.ndarray]:
        sizes = self.layout.sizes
        out = {
            d_: self.per_size([s.d for s in sizes]),
            k1_: self.per_size([s.k1 for s in sizes]),
            k2_: self.per_size([s.k2 for s in sizes]),
        }
        if "i" in self.index:
            out[i_] = self.index["i"]
        if "n" in self.index:
            out[n_] = self.index["n"]
        return out

    def describe(self, p: int) -> tuple[tuple[str, str], ...]:
        s = self.layout.sizes[int(self.size[p])]
        pairs = [("d", str(s.d)), ("k1", str(s.k1)), ("k2", str(s.k2))]
        return tuple(pairs + [(k, str(int(v[p]))) for k, v in self.index.items()])


def size_points(lay: Layout) -> Points:
    return Points(lay, np.arange(len(lay.sizes), dtype=np.int64))


def entry_points(lay: Layout) -> Points:
    """Every (i, n) with i in 1..|a2| and n in 1..|h1|, for every size."""
    size, i, n = [], [], []
    for s, (h, a) in enumerate(zip(lay.h1, lay.a2, strict=True)):
        grid_i, grid_n = np.meshgrid(np.arange(1, a + 1), np.arange(1, h + 1), indexing="ij")
        size.append(np.full(a * h, s))
        i.append(grid_i.ravel())
        n.append(grid_n.ravel())
    return Points(lay, _cat(size), {"i": _cat(i), "n": _cat(n)})


def index_points(lay: Layout) -> Points:
    """Every n in 1..|h1|, for every size (the entries of nabla_{h1} L)."""
    size = [np.full(h, s) for s, h in enumerate(lay.h1)]
    n = [np.arange(1, h + 1) for h in lay.h1]
    return Points(lay, _cat(size), {"n": _cat(n)})


def _cat(parts: list[np.ndarray]) -> np.ndarray:
    return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)


# ---------------------------------------------------------------------------------
# Tables: the Jacobians and convolutions of the built networks, as arrays
# ---------------------------------------------------------------------------------

Jacobian = tuple[tuple[Any, ...], ...]


@functools.lru_cache(maxsize=8)
def jacobians(lay: Layout) -> tuple[tuple[Entries, Jacobian], ...]:
    """d a2 / d h1 of the second layer, by SymPy, once per (|h1|, k2)."""
    out = []
    for h, k2 in lay.pairs:
        ring = entries([("h1", h), ("w2", k2)])
        h1 = ring.vector("h1", h)
        out.append((ring, jacobian(conv(lay.mode, h1, ring.vector("w2", k2)), h1)))
    return tuple(out)


@functools.lru_cache(maxsize=8)
def jacobian_table(lay: Layout) -> Table:
    grids, extents = [], []
    for (h, _k2), (ring, jac) in zip(lay.pairs, jacobians(lay), strict=True):
        cells: dict[tuple[int, ...], Any] = {
            (i + 1, n + 1): p for i, row in enumerate(jac) for n, p in enumerate(row) if p
        }
        grids.append((ring, cells))
        extents.append((len(jac), h))
    return make_table(grids, extents, FREE)


@functools.lru_cache(maxsize=8)
def gradient_convs(lay: Layout, mode: ConvMode) -> tuple[tuple[Entries, Vec[Any]], ...]:
    """g conv flip(w2) with |g| = |a2|, by definition (1) or (2), once per pair."""
    out = []
    for h, k2 in lay.pairs:
        a2 = _a2_of_pair(lay, h, k2)
        ring = entries([("g", a2), ("w2", k2)])
        out.append((ring, conv(mode, ring.vector("g", a2), flip(ring.vector("w2", k2)))))
    return tuple(out)


def _a2_of_pair(lay: Layout, h: int, k2: int) -> int:
    return lay.a2[lay.pair_of.index(lay.pairs.index((h, k2)))]


@functools.lru_cache(maxsize=8)
def conv_table(lay: Layout, mode: ConvMode) -> Table:
    grids, extents = [], []
    for ring, vec in gradient_convs(lay, mode):
        cells: dict[tuple[int, ...], Any] = {(m,): vec.at(m) for m in range(1, len(vec) + 1)}
        grids.append((ring, cells))
        extents.append((len(vec),))
    return make_table(grids, extents, FREE)


# ---------------------------------------------------------------------------------
# The vectors at every point (NumPy) and at one point (SymPy)
# ---------------------------------------------------------------------------------


def flipped(w2: VectorRule, k2: np.ndarray) -> VectorRule:
    """flip(w2)_j = w2_{k2-j+1} (flip_index), 0 unless 1 <= j <= k2."""
    def rule(ev: Evaluator, indices: tuple[np.ndarray, ...]) -> ArrayValue:
        (j,) = indices
        inside = (j >= 1) & (j <= k2)
        return ev.masked(w2(ev, (np.where(inside, flip_index(j, k2), 0),)), inside)

    return rule


def vector_rules(points: Points) -> dict[str, VectorRule]:
    lay = points.layout
    k2 = points.scalars()[k2_]
    group = points.per_size(lay.pair_of)
    w2 = free_vector("w2", k2)
    rules: dict[str, VectorRule] = {"w2": w2, "g": free_vector("g", points.per_size(lay.a2)),
                                    "flipw2": flipped(w2, k2)}
    rules["J"] = lazy_rule(lambda: tabled(jacobian_table(lay), group))
    rules["fullconv"] = lazy_rule(lambda: tabled(conv_table(lay, ConvMode.FULL), group))
    rules["validconv"] = lazy_rule(lambda: tabled(conv_table(lay, ConvMode.VALID), group))
    return rules


@dataclass(frozen=True)
class At:
    """One point, for SymPy: its size, scalar values and each vector's entries there."""

    mode: ConvMode
    sizes: Sizes
    a2: int  # |a2| of the built network
    env: dict[sp.Symbol, sp.Integer]
    vectors: dict[str, EntryRule]


def point_at(points: Points, p: int, substitute: bool) -> At:
    lay = points.layout
    s = int(points.size[p])
    sizes, a2 = lay.sizes[s], lay.a2[s]
    env = {k: sp.Integer(int(v[p])) for k, v in points.scalars().items()}

    def entry(name: str, m: int) -> sp.Expr:
        if substitute:
            return sp.Integer(int(FREE.values[FREE.code(name, m)]))
        return sp.IndexedBase(name, real=True)[m]

    w2 = Vec(tuple(entry("w2", m) for m in range(1, sizes.k2 + 1)), sp.Integer(0))
    g = Vec(tuple(entry("g", m) for m in range(1, a2 + 1)), sp.Integer(0))
    values = {sp.IndexedBase("w2", real=True)[m]: w2.at(m) for m in range(1, sizes.k2 + 1)}

    def jacobian_entry(i: int, n: int) -> sp.Expr:
        ring_entries, jac = jacobians(lay)[lay.pair_of[s]]  # built only when J is read
        if not (1 <= i <= len(jac) and 1 <= n <= lay.h1[s]):
            return sp.Integer(0)
        return ring_entries.to_sympy(jac[i - 1][n - 1]).xreplace(values)

    vectors: dict[str, EntryRule] = {
        "w2": lambda ix: w2.at(ix[0]),
        "g": lambda ix: g.at(ix[0]),
        "flipw2": lambda ix: flip(w2).at(ix[0]),
        "J": lambda ix: jacobian_entry(*ix),
        "fullconv": lambda ix: conv(ConvMode.FULL, g, flip(w2)).at(ix[0]),
        "validconv": lambda ix: conv(ConvMode.VALID, g, flip(w2)).at(ix[0]),
    }
    return At(lay.mode, sizes, a2, env, vectors)
