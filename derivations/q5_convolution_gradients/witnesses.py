"""Question 5's witnesses: the ranges of sizes every claim is checked over."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy as sp

from checker.model.options import Options
from derivations.convolution_1d import (
    ConvMode,
    Sizes,
    admissible,
    admissible_sizes,
    network_shape,
    random_sizes,
)
from derivations.q5_convolution_gradients.points import SEED, Layout, layout

MAX_RANDOM_D = 64  # random sizes beyond N go up to this d (the second witness)
PROBE_CAP = 200  # integer literals up to this give probe sizes near them
MAX_LENGTH_PROBES = 600  # probe sizes for |a2| (each costs two cached window scans)
MAX_PROBE_PRODUCTS = 20_000  # all probe networks together: a2 * k2 ring products (SymPy)
MAX_PROBE_ENTRIES = 150_000  # all probe networks together: a2 * h1 Jacobian entries


@dataclass(frozen=True)
class Witness:
    label: str
    layout: Layout
    exhaustive: bool


def witnesses(mode: ConvMode, options: Options, random_count: int,
              answers: Sequence[sp.Basic] = (), lengths_only: bool = False) -> tuple[Witness, ...]:
    """All sizes d <= N, `random_count` random sizes N < d <= 64, and sizes near the
    integer literals of the answers (`probe_sizes`): a formula that is right only up to
    some size usually names that size."""
    top = options.max_size
    every = layout(mode, tuple(admissible_sizes(mode, top)))
    out = [Witness(f"all sizes d ≤ {top}", every, True)]
    extra = random_sizes(mode, top + 1, MAX_RANDOM_D, random_count, SEED)
    if extra:
        label = f"{len(extra)} random sizes {top} < d ≤ {MAX_RANDOM_D}"
        out.append(Witness(label, layout(mode, tuple(extra)), False))
    literals, probes = probe_sizes(mode, rational_literals(answers), top, set(extra), lengths_only)
    if probes:
        low, high = min(s.d for s in probes), max(s.d for s in probes)
        span = f"d = {low}" if low == high else f"{low} ≤ d ≤ {high}"
        label = ("sizes near the answer's integer literal"
                 f"{'s' if len(literals) > 1 else ''} {', '.join(map(str, literals))} ({span})")
        out.append(Witness(label, layout(mode, tuple(probes)), False))
    return tuple(out)


def rational_literals(answers: Sequence[sp.Basic]) -> list[int]:
    """|numerator| and denominator of every rational number in the answers, 1..PROBE_CAP."""
    found: set[int] = set()
    for e in answers:
        for r in e.atoms(sp.Rational):
            found.update((abs(int(r.p)), int(r.q)))
    return sorted(v for v in found if 1 <= v <= PROBE_CAP)


def probe_sizes(mode: ConvMode, literals: Sequence[int], top: int, covered: set[Sizes],
                lengths_only: bool) -> tuple[list[int], list[Sizes]]:
    """Admissible sizes with d, k1 or k2 at c, c+1 or c+2 for each literal c, beyond
    the exhaustive range and the random sizes; and the literals that gave any.

    Lengths are cheap: d in c..c+3 with kernels 1, 2, d//2, d-1, c, c+1 (at most
    MAX_LENGTH_PROBES sizes). Networks cost a SymPy Jacobian each: (v, 1, 1), (v+1, v, 1)
    and (v+1, 1, v) for v = c, c+1, c+2, while the budgets of ring products and entries
    allow."""
    chosen: set[Sizes] = set()
    used: set[int] = set()
    products = cells = 0

    def take(c: int, s: Sizes) -> None:
        nonlocal products, cells
        if s.d <= top or s in covered or s in chosen or not admissible(mode, s):
            return
        h1, a2 = network_shape(mode, s)
        if not lengths_only:
            if products + a2 * s.k2 > MAX_PROBE_PRODUCTS or cells + a2 * h1 > MAX_PROBE_ENTRIES:
                return
            products, cells = products + a2 * s.k2, cells + a2 * h1
        chosen.add(s)
        used.add(c)

    if lengths_only:
        for c in literals:
            for d in range(c, c + 4):
                kernels = sorted({1, 2, d // 2, d - 1, c, c + 1} & set(range(1, d)))
                for k1 in kernels:
                    for k2 in kernels:
                        if len(chosen) < MAX_LENGTH_PROBES:
                            take(c, Sizes(d, k1, k2))
    else:
        shapes: list[Callable[[int], Sizes]] = [
            lambda v: Sizes(v, 1, 1), lambda v: Sizes(v + 1, v, 1), lambda v: Sizes(v + 1, 1, v)]
        for shape in shapes:
            for c in literals:
                for v in (c, c + 1, c + 2):
                    take(c, shape(v))
    return sorted(used), sorted(chosen)
