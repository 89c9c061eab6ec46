"""Question 2's names: the sizes written out, the domains, the variables and vectors of
the answer namespaces, the symbols the Presburger rewriting and the write-ups use."""

from __future__ import annotations

from fractions import Fraction

import sympy as sp

from checker.model.namespace import REAL, Domain, MatrixName, Variable, Vector

SIZES = range(2, 9)  # concrete K written out entry by entry: the second witness
WRITTEN_OUT = "K = 2..8"
SIZE_DOMAIN = Domain("integer ≥ 2", Fraction(2), None, False, True, integer=True)
# Where the engine's sample points look; a symbolic proof in free K and i holds for every
# value, so these only choose where counterexamples are sought.
SAMPLED_SIZE = Domain("integer in 2..8", Fraction(2), Fraction(8), False, False, integer=True)
SAMPLED_INDEX = Domain("integer in 1..2", Fraction(1), Fraction(2), False, False, integer=True)
LARGE_INDEX = Domain("integer in 1..12", Fraction(1), Fraction(12), False, False, integer=True)
LARGE_SIZE = Domain("integer in 13..24", Fraction(13), Fraction(24), False, False, integer=True)
PRESBURGER_MS = 3000

X = Vector("x", 1, "the input vector, x[1] .. x[K]")
C = Variable("c", REAL, "the scalar shift")
I = Variable("i", Domain("integer, 1 ≤ i ≤ K", Fraction(1), None, False, True, integer=True),  # noqa: E741
             "an entry index, 1 <= i <= K")
I_REDUCED = Variable("i", Domain("integer, 1 ≤ i ≤ K − 1", Fraction(1), None, False, True, integer=True),
                     "the index of y_i, 1 <= i <= K - 1")
K = Variable("K", SIZE_DOMAIN, "the dimension of x")
X1, X2 = Variable("x1", REAL, "first entry of x"), Variable("x2", REAL, "second entry of x")
P = MatrixName("p", K.symbol, sp.Integer(1), "p = S(x), a K x 1 column")
ROW = Variable("r", SAMPLED_INDEX, "a row of the Jacobian")
COLUMN = Variable("s", SAMPLED_INDEX, "a column of the Jacobian")
ENTRY = sp.IndexedBase("e", positive=True)  # e[m] = exp(x[m]) in 2.1's size-switch search
EXP_C = sp.Symbol("exp_c", positive=True)  # ... and exp(c)
P_ENTRY = sp.IndexedBase("p", real=True)  # p[m] = S(x)_m as a vector entry (2.4)
x_, i_, k_ = X.base, I.symbol, K.symbol
# An index a written derivation names outside any sum (`\sum_{j=1}^K \exp(x_k)`, the slip in
# the course's solution to 2.1): a free entry index, 1 <= k <= K, for which a step must
# hold as for every other index (DocumentSpec.variables of 2.1).
FREE_INDEX = Variable("k", Domain("integer, 1 ≤ k ≤ K", Fraction(1), None, False, True, integer=True),
                      "an entry index written outside its sum (x_k in a sum over j), 1 <= k <= K")
# The indices a written derivation (`derivcheck doc`) reads its steps at: a vector-valued
# step of 2.3 (S(x), S(x - x_1), ...) as its entry m, 2.4's steps as entries (i, j).
ENTRY_INDEX = Variable("m", Domain("integer, 1 ≤ m ≤ K", Fraction(1), None, False, True, integer=True),
                       "the entry a vector-valued step is read at (S(x) as S(x)_m), 1 <= m <= K")
COLUMN_INDEX = Variable("j", Domain("integer, 1 ≤ j ≤ K", Fraction(1), None, False, True, integer=True),
                        "the column of a Jacobian entry J_ij, 1 <= j <= K")
ONLY_ONE = Domain("integer 1", Fraction(1), Fraction(1), False, False, integer=True)
m_, j_ = ENTRY_INDEX.symbol, COLUMN_INDEX.symbol
