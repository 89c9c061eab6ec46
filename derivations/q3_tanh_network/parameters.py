"""Question 3's namespace, and the answer's Θ′ as parameters of a network."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from checker.model.errors import AnswerError
from checker.model.namespace import Domain, Namespace, Variable, Vector
from derivations.networks import Parameters, indexed_parameters, inputs, write_out

# The domains are the assignment's, with no upper bound: `verified` means every size.
# (The names are what `show` prints; the SymPy assumptions follow from the bounds.)
SIZE = Domain("integer ≥ 1", Fraction(1), None, low_open=False, integer=True)
I = Variable("i", Domain("integer, 0 ≤ i ≤ D", Fraction(0), None, low_open=False, integer=True),
             "input index in W1[j, i] (i = 0: the bias of hidden unit j)")
J = Variable("j", Domain("integer, 0 ≤ j ≤ M", Fraction(0), None, low_open=False, integer=True),
             "hidden-unit index in W1[j, i] (1 ≤ j ≤ M) and W2[k, j] (j = 0: output bias)")
KI = Variable("k", Domain("integer, 1 ≤ k ≤ K", Fraction(1), None, low_open=False, integer=True),
              "output index in W2[k, j]")
D = Variable("D", SIZE, "input size")
M = Variable("M", SIZE, "number of hidden units")
K = Variable("K", SIZE, "number of outputs")
W1 = Vector("W1", 2, "W1[j, i] = ω¹_ji of Θ: from input i to hidden unit j (i = 0: bias)", ("j", "i"))
W2 = Vector("W2", 2, "W2[k, j] = ω²_kj of Θ: from hidden unit j to output k (j = 0: bias)", ("k", "j"))
NAMESPACE = Namespace(variables=(I, J, KI, D, M, K), vectors=(W1, W2))
PARTS = ("W1", "W2", "b2")

i, j, k = I.symbol, J.symbol, KI.symbol
d_, m_, k_ = D.symbol, M.symbol, K.symbol
SIZES = frozenset({d_, m_, k_})
THETA = indexed_parameters(W1.name, W2.name)
THETA_W1 = W1.base
X = inputs()


# The answer as parameters ------------------------------------------------------------
@dataclass(frozen=True)
class Proposal:
    """Θ′ as the answer gives it: ω̃¹_ji, ω̃²_kj (j ≥ 1) and ω̃²_k0 as expressions."""

    first: sp.Expr
    second: sp.Expr
    bias: sp.Expr

    def parameters(self, sizes: dict[sp.Symbol, int] | None = None) -> Parameters:
        """Θ′ as index maps; with explicit sizes every `Sum` in it is written out."""
        fixed = tuple((s, sp.Integer(v)) for s, v in (sizes or {}).items())

        def put(expr: sp.Expr, values: dict[sp.Symbol, sp.Expr]) -> sp.Expr:
            # Only what expr mentions is part of the key: b2 is the same at every D.
            used = expr.free_symbols
            return _instantiate(expr, tuple(p for p in (*values.items(), *fixed) if p[0] in used))

        def second(kk: sp.Expr, jj: sp.Expr) -> sp.Expr:
            if jj == 0:
                return put(self.bias, {k: kk})
            return put(self.second, {k: kk, j: jj})

        return Parameters(lambda jj, ii: put(self.first, {j: jj, i: ii}), second)


@functools.lru_cache(maxsize=8192)
def _instantiate(expr: sp.Expr, values: tuple[tuple[sp.Symbol, sp.Expr], ...]) -> sp.Expr:
    """expr at the given indices and sizes; sums written out once the sizes are numbers
    (by `write_out`: Sum(t, (j, a, b)) is 0 when b < a; `Unwritable` if it cannot be).

    Memoised: the same entry of Θ′ is asked for at many sizes and outputs.
    """
    value = expr.xreplace(dict(values))
    explicit = all(v.is_Integer for _, v in values) and not value.free_symbols & SIZES
    return write_out(value) if explicit else value


def proposal(parts: dict[str, sp.Expr]) -> Proposal:
    """Check each part mentions only what it may depend on, then wrap it."""
    allowed = {"W1": {i, j}, "W2": {k, j}, "b2": {k}}
    meaning = {"W1": "ω̃¹[j, i], a function of j and i",
               "W2": "ω̃²[k, j] (j >= 1), a function of k and j",
               "b2": "ω̃²[k, 0], a function of k"}
    for name, expr in parts.items():
        symbols = {s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
        extra = symbols - allowed[name] - SIZES - _labels(expr)
        if extra:
            names = ", ".join(sorted(str(s) for s in extra))
            raise AnswerError(f"{name} is {meaning[name]} (and of the sizes); it mentions {names}")
    return Proposal(*(drop_empty_sums(parts[name]) for name in PARTS))


def _labels(expr: sp.Expr) -> set[sp.Basic]:
    return {e.base.label for e in expr.atoms(sp.Indexed)}


# Sum(t, (j, a, b)) is 0 when b < a (as in question 5), while SymPy's `Sum` follows
# Karr's convention there (b < a − 1 gives minus the sum over b + 1..a − 1). The two
# agree when b >= a − 1. So: a sum empty for every value of its symbols is 0 at once;
# the written-out networks use `networks.write_out`, which keeps the usual convention;
# and the symbolic proof is claimed only where every sum has b >= a − 1 for every
# value of its symbols (`karr_free`), so it never rests on Karr's convention.
def drop_empty_sums(expr: sp.Expr) -> sp.Expr:
    """Every Sum that is empty whatever its symbols (b < a for all their values) -> 0."""
    return expr.replace(
        lambda e: isinstance(e, sp.Sum) and any(
            (low - high - 1).is_nonnegative is True for _, low, high in e.limits),
        lambda e: sp.Integer(0))


def karr_free(expr: sp.Basic) -> bool:
    """Every Sum in expr has b >= a − 1 for every value of its symbols (by SymPy's
    assumptions), so Karr's convention and the usual one give it the same value."""
    return all((high - low + 1).is_nonnegative is True
               for s in expr.atoms(sp.Sum) for _, low, high in s.limits)

