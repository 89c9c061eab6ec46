"""Deciding "lhs == rhs for every integer size and index satisfying the constraints" on
the index fragment, with z3.

The fragment: Sums (nested, shadowed, several limits) of monomials, each a rational
times a coefficient affine in the sizes, times opaque factors (symbols that are not
declared integers, or expressions free of sizes, indices and entries), times vector
entries with affine integer indices; Piecewise (ending with a default), Min, Max and Abs
(in indices, bounds, conditions and values), KroneckerDelta, And, Or, Not, Implies, ITE
and the six relations; the count of one Sum variable that no entry determines.
Everything else (non-affine indices, floor, division by a size, functions of entries,
Floats, products of two size-dependent coefficients, sums that are not injective in
their entries, ...) is `OutsideFragment`, with the reason.

The stages, one module each: `normal` (the guarded-monomial normal form, over the
affine forms and guards of `affine`), `plan` (per monomial: which Sum variables its
entries determine, which one is counted), `encode` (the z3 terms), `decide` (the z3
queries, shrinking, the top-level function) and `exact` (the exact evaluation that
re-checks every counterexample and spot-checks every proof).
"""

from checker.prove.sizes.decide import decide_all_sizes
from checker.prove.sizes.results import Counterexample, OutsideFragment, Proved

__all__ = ["Counterexample", "OutsideFragment", "Proved", "decide_all_sizes"]
