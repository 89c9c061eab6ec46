"""Question 5's definitions: 1-D convolution without kernel flipping, flip, and the
two-layer network of equations (3)-(6). Nothing here knows any answer.

Conventions of the assignment, kept literally:
* vectors are 1-based, and an entry indexed out of bounds is zero (`Vec.at`);
* valid (1): (x * w)_n = sum_{j=1..k} x_{n+j-1} w_j,
  full  (2): (x ~* w)_n = sum_{j=1..k} x_{n+j-k} w_j;
* flip(w)_j = w_{k-j+1}.

The definitions give the value of entry n but leave the range of n implicit; it is
read off the window each definition reads (`output_indices`): a valid output exists
where the whole window lies inside x, a full output where the window touches x.

Every function is generic in the entry type (SymPy expressions, ring polynomials,
integers, fractions), so the same definitions build symbolic truths, numeric
forward passes and, because the index maps are plain arithmetic, also work on NumPy
index arrays. For symbolic sizes (d, k1, k2 as SymPy symbols) the same index maps
give the lengths (`length_rule`), the admissible sizes (`admissible_constraints`)
and single entries as Sums over the kernel (`symbolic_conv_entry`, `symbolic_flip`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property, lru_cache
from typing import Any, Generic, TypeVar

import sympy as sp
from sympy.polys.domains import ZZ
from sympy.polys.rings import PolyElement, PolyRing, ring

T = TypeVar("T")


class ConvMode(str, Enum):
    VALID = "valid"  # equation (1)
    FULL = "full"  # equation (2)

    @property
    def other(self) -> ConvMode:
        return ConvMode.FULL if self is ConvMode.VALID else ConvMode.VALID


@dataclass(frozen=True)
class Vec(Generic[T]):
    """A 1-based vector; reading outside 1..len gives `zero` (the assignment's convention)."""

    entries: tuple[T, ...]
    zero: T

    def __len__(self) -> int:
        return len(self.entries)

    def at(self, m: int) -> T:
        return self.entries[m - 1] if 1 <= m <= len(self.entries) else self.zero


def window_index(mode: ConvMode, n: Any, j: Any, k: Any) -> Any:
    """The index of x that output n reads with kernel entry j: (1) and (2).

    Plain arithmetic, so it works for integers, SymPy symbols and NumPy arrays."""
    return n + j - 1 if mode is ConvMode.VALID else n + j - k


def flip_index(j: Any, k: Any) -> Any:
    """flip(w)_j = w_{k-j+1}."""
    return k - j + 1


def _window_fits(mode: ConvMode, n: int, d: int, k: int) -> bool:
    touched = [window_index(mode, n, j, k) for j in range(1, k + 1)]
    inside = [1 <= m <= d for m in touched]
    return all(inside) if mode is ConvMode.VALID else any(inside)


@lru_cache(maxsize=65536)
def output_indices(mode: ConvMode, d: int, k: int) -> range:
    """The n for which output n exists, found by scanning the windows.

    Valid: the window lies inside x; full: the window touches x. Any such n has
    |n| <= d + k, so the scan is complete. The indices found are consecutive and
    start at 1 (checked), matching the 1-based vectors of the assignment.

    Every window of every candidate n is read, entry by entry (no shortcut through
    the window's ends); NumPy does the reading, because question 5 asks this for
    tens of thousands of sizes (`_window_fits` is the same scan for one n)."""
    import numpy as np  # here: `derivcheck list` must not pay for NumPy

    n = np.arange(-d - k, d + k + 1)[:, None]
    touched = window_index(mode, n, np.arange(1, k + 1)[None, :], k)
    inside = (touched >= 1) & (touched <= d)
    fits = inside.all(axis=1) if mode is ConvMode.VALID else inside.any(axis=1)
    found = [int(m) for m in n[fits, 0]]
    if not found:
        return range(1, 1)
    if found != list(range(1, found[-1] + 1)):
        raise AssertionError(f"{mode.value} outputs are not 1..L: {found}")
    return range(1, found[-1] + 1)


def conv(mode: ConvMode, x: Vec[T], w: Vec[T]) -> Vec[T]:
    """Valid (1) or full (2) convolution without kernel flipping, entry by entry."""
    k = len(w)
    entries = []
    for n in output_indices(mode, len(x), k):
        total = x.zero
        for j in range(1, k + 1):
            total = total + x.at(window_index(mode, n, j, k)) * w.at(j)  # type: ignore[operator]
        entries.append(total)
    return Vec(tuple(entries), x.zero)


def flip(w: Vec[T]) -> Vec[T]:
    k = len(w)
    return Vec(tuple(w.at(flip_index(j, k)) for j in range(1, k + 1)), w.zero)


def relu(v: Vec[T]) -> Vec[T]:
    """ReLU entry by entry (numbers: max(0, x); SymPy: Max(0, x))."""
    def one(x: Any) -> Any:
        return sp.Max(0, x) if isinstance(x, sp.Basic) else max(x.__class__(0), x)

    return Vec(tuple(one(x) for x in v.entries), v.zero)


# Sizes ----------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Sizes:
    d: int
    k1: int
    k2: int

    def describe(self) -> str:
        return f"d = {self.d}, k1 = {self.k1}, k2 = {self.k2}"


def admissible(mode: ConvMode, sizes: Sizes) -> bool:
    """The assignment's assumptions k1 < d and k2 < d (kernels are nonempty).

    In the valid case a second kernel longer than a1 leaves a2 with no entry at all;
    such networks are not admissible (nothing to differentiate, |a2| would be <= 0)."""
    d, k1, k2 = sizes.d, sizes.k1, sizes.k2
    if not (1 <= k1 < d and 1 <= k2 < d):
        return False
    return mode is ConvMode.FULL or k2 <= len(output_indices(mode, d, k1))


def admissible_sizes(mode: ConvMode, max_d: int, min_d: int = 2) -> list[Sizes]:
    return [
        s
        for d in range(max(min_d, 2), max_d + 1)
        for k1 in range(1, d)
        for k2 in range(1, d)
        if admissible(mode, s := Sizes(d, k1, k2))
    ]


def random_sizes(mode: ConvMode, low_d: int, high_d: int, count: int, seed: int) -> list[Sizes]:
    """`count` distinct admissible sizes with low_d <= d <= high_d, the same every run."""
    if low_d > high_d:
        return []
    rng = random.Random(seed)
    out: list[Sizes] = []
    for _ in range(50 * count):
        if len(out) == count:
            break
        d = rng.randint(max(low_d, 2), high_d)
        s = Sizes(d, rng.randint(1, d - 1), rng.randint(1, d - 1))
        if admissible(mode, s) and s not in out:
            out.append(s)
    return sorted(out)


# The network of equations (3)-(6) ------------------------------------------------
@dataclass(frozen=True)
class Network(Generic[T]):
    """a1 = x conv w1, h1 = ReLU(a1), a2 = h1 conv w2 (both valid or both full).

    h1 is kept as its own variables: question 5 differentiates a2 with respect to
    h1, and a2 is a function of h1 and w2 alone."""

    mode: ConvMode
    x: Vec[T]
    w1: Vec[T]
    a1: Vec[T]
    h1: Vec[T]
    w2: Vec[T]
    a2: Vec[T]


def build_network(
    mode: ConvMode, x: Vec[T], w1: Vec[T], h1_variables: Callable[[int], Vec[T]], w2: Vec[T]
) -> Network[T]:
    a1 = conv(mode, x, w1)
    h1 = h1_variables(len(a1))
    return Network(mode, x, w1, a1, h1, w2, conv(mode, h1, w2))


def forward(mode: ConvMode, x: Vec[T], w1: Vec[T], w2: Vec[T]) -> Network[T]:
    """The numeric forward pass, with h1 = ReLU(a1)."""
    return build_network(mode, x, w1, lambda _size: relu(conv(mode, x, w1)), w2)


def network_of_sizes(mode: ConvMode, sizes: Sizes) -> Network[int]:
    """The network built with integer entries (all 1): its shapes are those of any
    network of these sizes, since no definition's index range depends on values."""
    ones = lambda size: Vec((1,) * size, 0)  # noqa: E731 - a one-line factory
    return forward(mode, ones(sizes.d), ones(sizes.k1), ones(sizes.k2))


@lru_cache(maxsize=65536)
def network_shape(mode: ConvMode, sizes: Sizes) -> tuple[int, int]:
    """(|h1|, |a2|) of the network of these sizes, without computing its values.

    `conv` produces exactly one entry per index of `output_indices` and ReLU keeps the
    length, so these are the lengths `network_of_sizes` builds (a test compares the
    two); question 5 needs them for tens of thousands of sizes, where building every
    network entry by entry would cost minutes."""
    h1 = len(output_indices(mode, sizes.d, sizes.k1))
    return h1, len(output_indices(mode, h1, sizes.k2))


# Symbolic sizes: lengths, admissible sizes, entries --------------------------------
D, K, N_OUT, J_KER = sp.symbols("d k n j", integer=True, positive=True)


@lru_cache(maxsize=2)
def output_range(mode: ConvMode) -> tuple[sp.Expr, sp.Expr]:
    """(first, last) output index of x conv w for symbolic d = |x|, k = |w|, from the
    definition's index range.

    window_index is increasing in j (slope 1, checked), so the window of output n
    spans window_index(n, 1) .. window_index(n, k). Valid: the window lies in 1..d,
    i.e. window_index(n, 1) >= 1 and window_index(n, k) <= d. Full: it touches 1..d,
    i.e. window_index(n, k) >= 1 and window_index(n, 1) <= d. Each bound is solved
    for n (it is linear in n). The first index must be 1, as `output_indices` checks
    for concrete sizes: the outputs are a 1-based vector."""
    index = window_index(mode, N_OUT, J_KER, K)
    if sp.diff(index, J_KER) != 1:
        raise AssertionError("window index must increase with j")
    low_end, high_end = index.subs(J_KER, 1), index.subs(J_KER, K)
    if mode is ConvMode.VALID:
        first, last = _solved_for_n(low_end - 1), _solved_for_n(high_end - D)
    else:
        first, last = _solved_for_n(high_end - 1), _solved_for_n(low_end - D)
    if first != 1:
        raise AssertionError(f"{mode.value} outputs do not start at 1: {first}")
    return first, last


def _solved_for_n(equation: sp.Expr) -> sp.Expr:
    """The n with equation = 0, for an equation linear in n (checked); `sp.solve` would
    give the same, at a tenth of a second for loading its machinery."""
    slope = sp.diff(equation, N_OUT)
    if slope == 0 or sp.diff(slope, N_OUT) != 0 or slope.free_symbols:
        raise AssertionError(f"not linear in n with a constant slope: {equation}")
    return sp.expand(-equation.subs(N_OUT, 0) / slope)


def length_rule(mode: ConvMode) -> sp.Expr:
    """|x conv w| for symbolic d = |x|, k = |w|: last - first + 1 of `output_range`."""
    first, last = output_range(mode)
    return sp.expand(last - first + 1)


def network_length_rule(mode: ConvMode, d: sp.Expr, k1: sp.Expr, k2: sp.Expr) -> sp.Expr:
    """|a2| for symbolic sizes: the one-layer rule applied twice (|h1| = |a1|)."""
    rule = length_rule(mode)
    a1 = rule.xreplace({D: d, K: k1})
    return sp.expand(rule.xreplace({D: a1, K: k2}))


def hidden_length_rule(mode: ConvMode, d: sp.Expr, k1: sp.Expr) -> sp.Expr:
    """|h1| = |a1| = |x conv w1| for symbolic sizes."""
    return length_rule(mode).xreplace({D: d, K: k1})


def admissible_constraints(mode: ConvMode, d: sp.Expr, k1: sp.Expr, k2: sp.Expr) -> list[sp.Basic]:
    """`admissible` for symbolic sizes, condition by condition: 1 <= k1 < d,
    1 <= k2 < d, and with valid convolutions k2 <= |h1| (a2 has an entry)."""
    out = [sp.Le(1, k1), sp.Lt(k1, d), sp.Le(1, k2), sp.Lt(k2, d)]
    if mode is ConvMode.VALID:
        out.append(sp.Le(k2, hidden_length_rule(mode, d, k1)))
    return out


SymbolicEntry = Callable[[sp.Expr], sp.Expr]  # index -> entry, for symbolic sizes


def unfolded_sum(function: sp.Expr, *limits: tuple[sp.Expr, sp.Expr, sp.Expr]) -> sp.Sum:
    """sp.Sum(function, *limits) without the `piecewise_fold` of SymPy's constructor.

    That fold lifts a Piecewise out of an *inner* Sum even when its condition
    depends on the inner Sum's variable (SymPy 1.14 builds
    Sum(g[i]*Sum(Piecewise((t, j <= i), (0, True)), (j, 1, k)), (i, 1, m)) as a Sum
    whose Piecewise tests j outside the Sum over j), which changes the meaning of
    any Sum that nests a guarded definition. The object is what SymPy's own
    constructor builds, minus that step."""
    if not isinstance(function, sp.Expr):  # built expressions only, never text
        raise TypeError(f"unfolded_sum needs a SymPy expression, got {type(function).__name__}")
    obj = sp.Expr.__new__(sp.Sum)
    obj._args = (function, *(sp.Tuple(*limit) for limit in limits))
    obj.is_commutative = function.is_commutative
    return obj


def zero_outside(base: sp.IndexedBase, length: sp.Expr) -> SymbolicEntry:
    """`Vec.at` for a vector of symbolic length: base[m], 0 unless 1 <= m <= length."""
    return lambda m: sp.Piecewise((base[m], sp.And(sp.Le(1, m), sp.Le(m, length))), (0, True))


def symbolic_conv_entry(mode: ConvMode, x: SymbolicEntry, w: SymbolicEntry, n: sp.Expr,
                        k: sp.Expr) -> sp.Expr:
    """Entry n of x conv w (equation (1) or (2)) for a symbolic kernel length k: the
    loop of `conv` as a Sum over the kernel (j a fresh variable)."""
    j = sp.Dummy("j", integer=True)
    return unfolded_sum(x(window_index(mode, n, j, k)) * w(j), (j, 1, k))


def symbolic_flip(w: SymbolicEntry, k: sp.Expr) -> SymbolicEntry:
    """`flip` for a symbolic length k: entry j is w at flip_index(j, k) for 1 <= j <= k,
    else 0 (the flipped vector has k entries)."""
    return lambda j: sp.Piecewise((w(flip_index(j, k)), sp.And(sp.Le(1, j), sp.Le(j, k))),
                                  (0, True))


# Ring entries: concrete sizes, polynomial arithmetic ------------------------------
@dataclass(frozen=True)
class Entries:
    """Vector entries as the generators of one SymPy polynomial ring over the integers.

    Ring polynomials are exact and far cheaper to multiply and differentiate than
    general SymPy expressions, which is what makes building and differentiating a
    network for every size up to N affordable. One ring (with room to spare) serves
    all sizes, because creating a ring costs more than using one."""

    ring: PolyRing
    layout: tuple[tuple[str, int], ...]  # (vector name, capacity), in generator order
    _decoded: dict[tuple[int, ...], tuple[tuple[str, int], ...]] = field(
        default_factory=dict, compare=False, repr=False)

    def vector(self, name: str, size: int) -> Vec[PolyElement]:
        start = self._start(name)
        capacity = dict(self.layout)[name]
        if size > capacity:
            raise ValueError(f"{name} has room for {capacity} entries, not {size}")
        return Vec(tuple(self.ring.gens[start : start + size]), self.ring.zero)

    def _start(self, name: str) -> int:
        start = 0
        for other, capacity in self.layout:
            if other == name:
                return start
            start += capacity
        raise KeyError(name)

    @cached_property
    def entry_of(self) -> tuple[tuple[str, int], ...]:
        """(vector name, 1-based index) of each ring generator, in generator order."""
        return tuple((name, m) for name, capacity in self.layout for m in range(1, capacity + 1))

    def terms(self, p: PolyElement) -> list[tuple[int, tuple[tuple[str, int], ...]]]:
        """p as (integer coefficient, entries of the monomial with multiplicity)."""
        return [(int(c), self._factors(monomial)) for monomial, c in p.iterterms()]

    def _factors(self, monomial: tuple[int, ...]) -> tuple[tuple[str, int], ...]:
        # The same few monomials recur across thousands of entries: decode each once.
        known = self._decoded.get(monomial)
        if known is None:
            names = self.entry_of
            known = tuple(names[g] for g, power in enumerate(monomial) for _ in range(power))
            self._decoded[monomial] = known
        return known

    def to_sympy(self, p: PolyElement) -> sp.Expr:
        """p with each generator written as an indexed entry, e.g. w2[3]."""
        total: sp.Expr = sp.Integer(0)
        for coefficient, factors in self.terms(p):
            total += coefficient * sp.Mul(
                *(sp.IndexedBase(name, real=True)[m] for name, m in factors)
            )
        return total


def entries(sizes: Sequence[tuple[str, int]]) -> Entries:
    """A ring with at least the requested number of entries per vector.

    Capacities are rounded up to powers of two: few distinct rings serve all sizes,
    and none is much larger than needed (ring arithmetic slows with every generator)."""
    return _entries(tuple((name, max(8, 1 << (size - 1).bit_length())) for name, size in sizes))


@lru_cache(maxsize=64)
def _entries(layout: tuple[tuple[str, int], ...]) -> Entries:
    names = [f"{name}_{m}" for name, capacity in layout for m in range(1, capacity + 1)]
    poly_ring, *_ = ring(names, ZZ)
    return Entries(poly_ring, layout)


def jacobian(outputs: Vec[PolyElement], inputs: Vec[PolyElement]) -> tuple[tuple[Any, ...], ...]:
    """d outputs_i / d inputs_n for every i, n, by SymPy's polynomial differentiation.

    An output whose polynomial does not contain inputs_n has derivative 0 there;
    only the other pairs are handed to `diff` (the costly part)."""
    gens = outputs.zero.ring.gens
    position = {g: index for index, g in enumerate(gens)}
    columns = [position[x] for x in inputs.entries]
    rows = []
    for out in outputs.entries:
        degrees = out.degrees()
        rows.append(tuple(
            out.diff(c) if degrees[c] > 0 else outputs.zero for c in columns
        ))
    return tuple(rows)
