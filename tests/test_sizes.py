"""Tests of checker.prove.sizes.decide_all_sizes.

Every refutation is re-checked here, independently of the package: both SymPy trees are
evaluated exactly (integers and Fractions) at the sizes found, with random integer
entries (an entry of a declared vector out of 1..length is 0, Sum(t, (j, a, b)) is 0
when b < a), and the two values must differ. Every proof of the fuzz tests is re-checked
at every size of a small box.

The convolution definitions follow derivations/convolution_1d.py literally (restated
here, so that these tests do not move when the question's module does):
  valid (1): (x * w)_n = sum_{j=1..k} x_{n+j-1} w_j;  full (2): sum_{j=1..k} x_{n+j-k} w_j;
  flip(w)_j = w_{k-j+1}; lengths read off the window ranges (length_rule).
"""

from __future__ import annotations

import itertools
import operator
import random
from fractions import Fraction

import pytest
import sympy as sp
import z3

from checker.prove.sizes import Counterexample, OutsideFragment, Proved, decide_all_sizes

POS = dict(integer=True, positive=True)
d, k1, k2, i, n = (sp.Symbol(s, **POS) for s in ("d", "k1", "k2", "i", "n"))
m, j = sp.Symbol("m", integer=True), sp.Symbol("j", integer=True)
K, N, M = (sp.Symbol(s, integer=True) for s in ("K", "N", "M"))
P, Q = sp.Symbol("P", integer=True), sp.Symbol("Q", integer=True)  # the fuzz tests' sizes
w2, h1, g = (sp.IndexedBase(s, real=True) for s in ("w2", "h1", "g"))
x, y, A = (sp.IndexedBase(s, real=True) for s in ("x", "y", "A"))
c = sp.Symbol("c", real=True)  # an opaque factor


# ---------------------------------------------------------------------------------
# An independent exact evaluator (numbers, not symbols)
# ---------------------------------------------------------------------------------
COMPARE = {sp.Equality: operator.eq, sp.Unequality: operator.ne, sp.StrictLessThan: operator.lt,
           sp.LessThan: operator.le, sp.StrictGreaterThan: operator.gt, sp.GreaterThan: operator.ge}


class Numeric:
    """Values as Python integers (Fractions where a coefficient is one), entries and
    opaque symbols drawn at random, once each."""

    def __init__(self, values, vectors, seed):
        self.values = {s: int(v) for s, v in values.items()}
        self.rng = random.Random(seed)
        self.entries = {}
        self.lengths = {name: [self.ev(sp.sympify(length), {}) for length in lengths]
                        for name, lengths in vectors.items()}

    def entry(self, name, idx):
        key = (name, idx)
        if key not in self.entries:
            self.entries[key] = self.rng.randint(-10**6, 10**6)
        return self.entries[key]

    def ev(self, e, env):
        if isinstance(e, sp.Symbol):
            if e in env:
                return env[e]
            if e in self.values:
                return self.values[e]
            return self.entry("<opaque>", (e.name,))
        if isinstance(e, sp.Indexed):
            idx = tuple(self.ev(ix, env) for ix in e.indices)
            assert all(int(ix) == ix for ix in idx)
            idx = tuple(int(ix) for ix in idx)
            name = e.base.label.name
            lengths = self.lengths.get(name)
            if lengths is not None and not all(1 <= ix <= n for ix, n in zip(idx, lengths, strict=True)):
                return 0
            return self.entry(name, idx)
        if isinstance(e, sp.Mul):
            out = 1
            for a in e.args:
                out *= self.ev(a, env)
                if out == 0:
                    return 0
            return out
        if isinstance(e, sp.Add):
            return sum(self.ev(a, env) for a in e.args)
        if isinstance(e, sp.Integer):
            return int(e)
        if isinstance(e, sp.Rational):
            return Fraction(int(e.p), int(e.q))
        if isinstance(e, sp.KroneckerDelta):
            return int(self.ev(e.args[0], env) == self.ev(e.args[1], env))
        if isinstance(e, sp.Sum):
            return self.sum(e.function, list(e.limits), env)
        if isinstance(e, sp.Pow):
            return Fraction(self.ev(e.base, env)) ** int(e.exp)
        if isinstance(e, sp.Piecewise):
            for expr, cond in e.args:
                if self.cond(cond, env):
                    return self.ev(expr, env)
            raise ValueError("undefined")
        if isinstance(e, sp.Min):
            return min(self.ev(a, env) for a in e.args)
        if isinstance(e, sp.Max):
            return max(self.ev(a, env) for a in e.args)
        raise TypeError(type(e))

    def sum(self, body, limits, env):
        if not limits:
            return self.ev(body, env)
        var, lo, hi = limits[-1]
        a, b = self.ev(lo, env), self.ev(hi, env)
        return sum(self.sum(body, limits[:-1], {**env, var: v}) for v in range(int(a), int(b) + 1))

    def cond(self, c, env):
        if c in (sp.true, True):
            return True
        if c in (sp.false, False):
            return False
        if isinstance(c, sp.And):
            return all(self.cond(a, env) for a in c.args)
        if isinstance(c, sp.Or):
            return any(self.cond(a, env) for a in c.args)
        if isinstance(c, sp.Not):
            return not self.cond(c.args[0], env)
        return COMPARE[type(c)](self.ev(c.lhs, env), self.ev(c.rhs, env))


def differs(lhs, rhs, values, vectors, tries=2):
    """Exact evaluation with random integer entries: True if the sides differ."""
    for seed in range(tries):
        ev = Numeric(values, vectors, seed)
        if ev.ev(sp.sympify(lhs), {}) != ev.ev(sp.sympify(rhs), {}):
            return True
    return False


def by_name(integers, sizes):
    names = {s.name: s for s in integers}
    return {names[k]: v for k, v in sizes.items()}


def holds(constraints, values):
    return all(bool(c.xreplace({s: sp.Integer(v) for s, v in values.items()}))
               for c in constraints)


def check(lhs, rhs, integers, constraints, vectors, expect, where=None, timeout_ms=2000,
          recheck=True):
    """Decide lhs == rhs and assert the answer's kind ("proved", "refuted" or "outside"); the
    sizes of a refutation must satisfy the constraints and the sides differ there."""
    r = decide_all_sizes(lhs, rhs, integers=integers, constraints=constraints, vectors=vectors,
                         timeout_ms=timeout_ms)
    if expect == "proved":
        assert isinstance(r, Proved), r
    elif expect == "refuted":
        assert isinstance(r, Counterexample), r
        values = by_name(integers, r.sizes)
        assert holds(constraints, values), r
        # (recheck=False only where the sums have millions of terms: the package's own exact
        # re-evaluation, restricted to the entries of the differing monomial, stands alone)
        assert not recheck or differs(lhs, rhs, values, vectors), r
        if where is not None:
            assert where(r.sizes), r
    else:
        assert isinstance(r, OutsideFragment), r
    return r


# ---------------------------------------------------------------------------------
# Question 5: definitions
# ---------------------------------------------------------------------------------
N_, J_, K_, D_ = sp.symbols("n_ j_ k_ d_", integer=True)


def window_index(mode, nn, jj, kk):
    return nn + jj - 1 if mode == "valid" else nn + jj - kk


def length_rule(mode, dd, kk):
    """As derivations.convolution_1d.length_rule: last - first + 1 of the output range."""
    index = window_index(mode, N_, J_, K_)
    low, high = index.subs(J_, 1), index.subs(J_, K_)
    if mode == "valid":
        first, last = sp.solve(low - 1, N_), sp.solve(high - D_, N_)
    else:
        first, last = sp.solve(high - 1, N_), sp.solve(low - D_, N_)
    return sp.expand((last[0] - first[0] + 1).xreplace({D_: dd, K_: kk}))


def lengths(mode):
    a1 = length_rule(mode, d, k1)
    return a1, length_rule(mode, a1, k2)  # |h1| = |a1|, |a2|


def sizes_domain(mode):
    h, a = lengths(mode)
    return [d >= 1, k1 >= 1, k2 >= 1, k1 < d, k2 < d, h >= 1, a >= 1]


def a2_entry(mode, ii):
    """a2_i = (h1 conv w2)_i by definition (1) or (2)."""
    return sp.Sum(h1[window_index(mode, ii, m, k2)] * w2[m], (m, 1, k2))


def jacobian_truth(mode, ii=i):
    """d a2_i / d h1_n, derived symbolically from the definition."""
    return sp.diff(a2_entry(mode, ii), h1[n])


def conv_flip(mode):
    """(g conv flip(w2))_n by (1) or (2); flip(w2)_j = w2[k2-j+1]."""
    return sp.Sum(g[window_index(mode, n, j, k2)] * w2[k2 - j + 1], (j, 1, k2))


INTS5 = [d, k1, k2, i, n]


def entry_setup(mode):
    h, a = lengths(mode)
    cons = sizes_domain(mode) + [i >= 1, i <= a, n >= 1, n <= h]
    return cons, {"w2": [k2], "h1": [h]}


# 5.1 -----------------------------------------------------------------------------
def test_5_1_length_proved():
    _, a = lengths("valid")
    assert sp.expand(a - (d - k1 - k2 + 2)) == 0  # the derivation agrees with the brief
    check(d - k1 - k2 + 2, a, [d, k1, k2], sizes_domain("valid"), {}, "proved")


def test_5_1_length_piecewise_refuted():
    _, a = lengths("valid")
    cand = sp.Piecewise((d - k1 - k2 + 2, d < 210), (d - k1 - k2 + 1, True))
    check(cand, a, [d, k1, k2], sizes_domain("valid"), {}, "refuted",
          where=lambda s: s["d"] >= 210)


def test_5_1_full_length_and_guard_at_a_million():
    _, a = lengths("full")
    assert sp.expand(a - (d + k1 + k2 - 2)) == 0
    check(d + k1 + k2 - 2, a, [d, k1, k2], sizes_domain("full"), {}, "proved")
    cand = d + k1 + k2 - 2 + sp.Max(0, d - 10**6)
    check(cand, a, [d, k1, k2], sizes_domain("full"), {}, "refuted",
          where=lambda s: s["d"] > 10**6)


# 5.2 -----------------------------------------------------------------------------
REF_52 = sp.Piecewise((w2[n - i + 1], (sp.Max(n - k2 + 1, 1) <= i) & (i <= sp.Min(n, d - k1 - k2 + 2))),
                      (0, True))


@pytest.mark.parametrize("cand, expect, where", [
    (REF_52, "proved", None),
    (w2[n - i + 1], "proved", None),  # out-of-bounds zero does the clipping
    (sp.Piecewise((w2[n - i + 1], n < 210), (0, True)), "refuted", lambda s: s["n"] >= 210),
    (w2[n - i], "refuted", None),
    (w2[i - n + 1], "refuted", None),
    (sp.Piecewise((w2[n - i + 1], n < 10**6), (0, True)), "refuted", lambda s: s["n"] >= 10**6),
], ids=["reference", "plain", "n<210", "w2[n-i]", "w2[i-n+1]", "n<10**6"])
def test_5_2(cand, expect, where):
    cons, vecs = entry_setup("valid")
    check(cand, jacobian_truth("valid"), INTS5, cons, vecs, expect, where)


# 5.5 -----------------------------------------------------------------------------
@pytest.mark.parametrize("cand, expect, where", [
    (sp.Piecewise((w2[n + k2 - i], (n <= i) & (i <= n + k2 - 1)), (0, True)), "proved", None),
    (w2[n + k2 - i], "proved", None),
    (sp.Piecewise((w2[n + k2 - i], (n <= i) & (i <= sp.Min(n + k2 - 1, 210))), (0, True)),
     "refuted", lambda s: s["i"] > 210),
    (sp.Piecewise((w2[n + k2 - i], (n <= i) & (i <= n + k2)), (0, True)), "proved", None),
    (sp.Piecewise((w2[n + k2 - i], (n < i) & (i <= n + k2 - 1)), (0, True)), "refuted", None),
], ids=["reference", "plain", "Min210", "wider-but-clipped", "strict"])
def test_5_5(cand, expect, where):
    cons, vecs = entry_setup("full")
    check(cand, jacobian_truth("full"), INTS5, cons, vecs, expect, where)


# 5.3 / 5.6 -------------------------------------------------------------------------
def gradient_case(mode):
    h, a = lengths(mode)
    cons = sizes_domain(mode) + [n >= 1, n <= h]
    vecs = {"w2": [k2], "g": [a]}
    lhs = sp.Sum(g[i] * jacobian_truth(mode, i), (i, 1, a))  # chain rule
    rhs = conv_flip("full" if mode == "valid" else "valid")  # the other convolution
    return lhs, rhs, cons, vecs


@pytest.mark.parametrize("mode", ["valid", "full"])
def test_5_3_5_6_gradient_proved(mode):
    lhs, rhs, cons, vecs = gradient_case(mode)
    check(lhs, rhs, [d, k1, k2, n], cons, vecs, "proved")


@pytest.mark.parametrize("mode", ["valid", "full"])
def test_5_3_5_6_gradient_min210_refuted(mode):
    lhs, rhs, cons, vecs = gradient_case(mode)
    body, (var, lo, _) = rhs.function, rhs.limits[0]
    variant = sp.Sum(body, (var, lo, sp.Min(k2, 210)))
    check(lhs, variant, [d, k1, k2, n], cons, vecs, "refuted", lambda s: s["k2"] > 210)
    # the Min inside the chain rule's own sum, too
    inner = lhs.function
    variant2 = sp.Sum(inner, (i, 1, sp.Min(lengths(mode)[1], 210)))
    check(variant2, rhs, [d, k1, k2, n], cons, vecs, "refuted")


def test_gradient_with_wrong_flip_refuted():
    lhs, rhs, cons, vecs = gradient_case("valid")
    wrong = sp.Sum(g[n + j - k2] * w2[j], (j, 1, k2))  # forgot the flip
    check(lhs, wrong, [d, k1, k2, n], cons, vecs, "refuted")


# Question 3 b2 / question 2.3 -------------------------------------------------------
def test_q3_b2_min25_refuted():
    M, K, k = (sp.Symbol(s, **POS) for s in ("M", "K", "k"))
    W2 = sp.IndexedBase("W2", real=True)
    ref = W2[k, 0] + sp.Sum(W2[k, j], (j, 1, M)) / 2
    cand = W2[k, 0] + sp.Sum(W2[k, j], (j, 1, sp.Min(M, 25))) / 2
    cons = [M >= 1, K >= 1, k >= 1, k <= K]
    check(ref, cand, [M, K, k], cons, {}, "refuted", lambda s: s["M"] >= 26)
    check(ref, W2[k, 0] + sp.Sum(W2[k, j] / 2, (j, 1, M)), [M, K, k], cons, {}, "proved")


def test_q2_3_refuted():
    K = sp.Symbol("K", **POS)
    x = sp.IndexedBase("x", real=True)
    cons = [K >= 2, i >= 1, i <= K - 1]
    cand = x[i + 1] - x[1] + sp.Piecewise((x[2], K > 300), (0, True))
    check(x[i + 1] - x[1], cand, [K, i], cons, {"x": [K]}, "refuted", lambda s: s["K"] > 300)


# Adversarial cases ------------------------------------------------------------------


def test_cancel_only_on_part_of_the_domain():
    cons = [K >= 1, i >= 1, i <= K]
    check(x[i] - x[K - i + 1], 0, [K, i], cons, {"x": [K]}, "refuted")
    check(sp.Sum(x[j] - x[K - j + 1], (j, 1, K)), 0, [K], [K >= 0], {"x": [K]}, "proved")
    check(sp.Sum(x[j], (j, 1, K)) - sp.Sum(x[j], (j, 1, sp.Min(K, 50))), 0, [K], [K >= 0], {},
          "refuted", lambda s: s["K"] > 50)
    # cancels only when the opaque factor... (no: c is a real variable, never cancels)
    check(c * x[1], x[1] * c, [K], [], {}, "proved")
    check(c * x[1], x[1], [K], [], {}, "refuted")


def test_empty_ranges_follow_the_project_convention():
    check(sp.Sum(x[j], (j, 5, 3)), 0, [K], [], {}, "proved")
    check(sp.Sum(x[j], (j, K + 1, K)), 0, [K], [], {}, "proved")
    check(sp.Sum(x[j], (j, K, 3)), 0, [K], [K >= 1], {}, "refuted", lambda s: s["K"] <= 3)
    # Karr's convention would make these equal for K <= 1; the project's does not
    check(sp.Sum(x[j], (j, 1, K - 2)), -sp.Sum(x[j], (j, K - 1, 0)), [K], [K >= 1, K <= 1], {},
          "refuted")


def test_nested_sums():
    cons = [N >= 0, M >= 0]
    check(sp.Sum(x[i] * y[j], (j, 1, N), (i, 1, M)), sp.Sum(x[i] * y[j], (i, 1, M), (j, 1, N)),
          [N, M], cons, {}, "proved")
    tri = sp.Sum(A[i, j], (j, 1, i), (i, 1, N))
    check(tri, sp.Sum(A[i, j], (i, j, N), (j, 1, N)), [N], [N >= 0], {}, "proved")
    check(tri, sp.Sum(A[i, j], (i, j + 1, N), (j, 1, N)), [N], [N >= 0], {}, "refuted")
    # Sum of a Sum squared-free product with the same dummy names in both factors
    s = sp.Sum(x[j], (j, 1, N))
    check(s * s, sp.Sum(x[i] * x[j], (i, 1, N), (j, 1, N)), [N], [N >= 0], {}, "outside")


def test_counting_and_sign_of_sizes():
    check(sp.Sum(x[1], (j, 1, K)), K * x[1], [K], [K >= 0], {}, "proved")
    check(sp.Sum(x[1], (j, 1, K)), (K - 1) * x[1], [K], [K >= 0], {}, "refuted")
    check(sp.Sum(x[1], (j, 1, K)), K * x[1], [K], [], {}, "refuted", lambda s: s["K"] < 0)
    check(sp.Sum(1, (j, 1, d - k1 - k2 + 2)), d - k1 - k2 + 2, [d, k1, k2], sizes_domain("valid"),
          {}, "proved")


def test_kronecker_with_non_unit_coefficient():
    cons = [K >= 1, n >= 1]
    lhs = sp.Sum(x[j] * sp.KroneckerDelta(2 * j, n), (j, 1, K))
    check(lhs, 0, [K, n], cons, {}, "refuted")
    check(lhs, sp.Piecewise((x[(n + 1) // 2], sp.Eq(n % 2, 0) & (n <= 2 * K)), (0, True)),
          [K, n], cons, {}, "outside")


@pytest.mark.parametrize("lhs, why", [
    (sp.Sum(j * x[1], (j, 1, K)), "coefficient depends on a counted variable"),
    (x[K * K], "non-affine index"),
    (x[1] / K, "division by a size"),
    (x[sp.floor(K / 2)], "floor"),
    (sp.Piecewise((x[1], K > 2)), "no default"),
    (sp.Sum(x[j] * x[K - j + 1], (j, 1, K)), "non-injective multiset"),
    (sp.exp(x[1]), "function of an entry"),
    (sp.Sum(x[j + i], (j, 1, K), (i, 1, K)), "two variables, one entry index"),
    (sp.Sum(x[1], (j, 1, K), (i, 1, K)), "two counted variables"),
    (x[sp.Symbol("K")], "same name other assumptions"),
])
def test_outside_fragment(lhs, why):
    check(lhs, 0, [K], [K >= 1], {}, "outside")


def test_timeouts_are_never_proofs():
    lhs, rhs, cons, vecs = gradient_case("full")
    r = decide_all_sizes(lhs, rhs, integers=[d, k1, k2, n], constraints=cons, vectors=vecs,
                         timeout_ms=1)
    assert isinstance(r, Proved | OutsideFragment)  # 1 ms may or may not suffice


def test_refutation_needing_a_huge_sum():
    cons = [K >= 1]
    r = check(sp.Sum(x[j], (j, 1, K)), sp.Sum(x[j], (j, 1, sp.Min(K, 10**7))), [K], cons, {},
              "refuted", lambda s: s["K"] > 10**7, recheck=False)
    assert r.detail.endswith(f"coefficient of x[{r.sizes['K']}]: lhs 1, rhs 0"), r
    lhs, rhs, cons5, vecs = gradient_case("full")
    variant = sp.Sum(rhs.function, (j, 1, sp.Min(k2, 10**6)))
    r = decide_all_sizes(lhs, variant, integers=[d, k1, k2, n], constraints=cons5, vectors=vecs)
    assert isinstance(r, Counterexample | OutsideFragment), r
    if isinstance(r, Counterexample):
        assert r.sizes["k2"] > 10**6 and holds(cons5, by_name([d, k1, k2, n], r.sizes))


def test_shadowed_summation_variables():
    # the inner j shadows the outer j; the outer one only counts
    lhs = sp.Sum(sp.Sum(x[j], (j, 1, 3)), (j, 1, K))
    check(lhs, K * (x[1] + x[2] + x[3]), [K], [K >= 0], {}, "proved")
    check(lhs, K * (x[1] + x[2]), [K], [K >= 0], {}, "refuted")
    # a bound that mentions a declared integer of the same name as the variable
    check(sp.Sum(x[i], (i, 1, i)), sp.Sum(x[j], (j, 1, i)), [i], [], {}, "proved")


def test_gcd_normalisation():
    cons = [K >= 1, n >= 1]
    lhs = sp.Sum(x[1] * sp.KroneckerDelta(2 * j, 2 * n), (j, 1, K))
    check(lhs, sp.Piecewise((x[1], n <= K), (0, True)), [K, n], cons, {}, "proved")
    check(sp.Sum(x[1] * sp.KroneckerDelta(2 * j, 2 * n + 1), (j, 1, K)), 0, [K, n], cons, {},
          "proved")
    clipped = sp.Sum(x[1] * sp.Piecewise((1, 2 * j <= 2 * K), (0, True)), (j, 1, 10**9))
    check(sp.Sum(x[1], (j, 1, K)), clipped, [K, n], cons + [K <= 10**9], {}, "proved")


def test_5_2_plain_needs_the_out_of_bounds_convention():
    cons, _ = entry_setup("valid")
    # without w2's declared length, w2[n-i+1] is a nonzero entry where the truth is 0
    check(w2[n - i + 1], jacobian_truth("valid"), INTS5, cons, {}, "refuted")


def test_no_declared_integers():
    # one size only: the spot check must not ask z3 for another one
    check(sp.Sum(x[j], (j, 1, 3)), x[1] + x[2] + x[3], [], [], {}, "proved")
    check(sp.Sum(x[j], (j, 1, 3)), x[1] + x[3], [], [], {}, "refuted")


def test_a_z3_unknown_is_never_a_proof(monkeypatch):
    monkeypatch.setattr(z3.Solver, "check", lambda self, *args: z3.unknown)
    check(sp.Sum(x[j], (j, 1, K)), sp.Sum(x[j], (j, 1, K)), [K], [K >= 0], {}, "outside")


def test_every_z3_call_is_bounded_by_the_time_budget(monkeypatch):
    timeouts, checks = [], []
    set_param, solve = z3.Solver.set, z3.Solver.check

    def recording_set(self, *args, **keys):
        if args and args[0] == "timeout":
            timeouts.append(args[1])
        return set_param(self, *args, **keys)

    def recording_check(self, *args):
        checks.append(len(timeouts))
        return solve(self, *args)

    monkeypatch.setattr(z3.Solver, "set", recording_set)
    monkeypatch.setattr(z3.Solver, "check", recording_check)
    cons = [K >= 1]
    check(sp.Sum(x[j], (j, 1, K)), sp.Sum(x[j], (j, 1, sp.Min(K, 10**7))), [K], cons, {},
          "refuted", timeout_ms=1500, recheck=False)  # shrinking queries z3 again
    lhs, rhs, cons5, vecs = gradient_case("valid")
    check(lhs, rhs, [d, k1, k2, n], cons5, vecs, "proved", timeout_ms=1500)  # and spot checks
    assert checks and all(0 < t <= 1500 for t in timeouts), timeouts
    assert checks == list(range(1, len(checks) + 1)), checks  # a timeout set before each call


# Fuzz: every Proved is checked on a box of sizes, every Counterexample exactly -------
FUZZ_CLAIMS = 150  # random claims, about 70% of them proved, 25% refuted
REWRITE_CLAIMS = 120  # per parameter; half rewritten to equal claims, half broken on purpose


def random_index(rng, vars_):
    return rng.choice([1, 2, 0]) + sum(rng.choice([-1, 0, 0, 1]) * v for v in vars_)


def random_expr(rng, depth, bound, params):
    scope = params + bound
    kind = rng.choice(["entry", "entry", "sum", "piece", "delta", "const", "add", "mul"] if depth else
                      ["entry", "const"])
    if kind == "entry":
        return rng.choice([x, y])[random_index(rng, scope)]
    if kind == "const":
        return sp.Integer(rng.choice([1, 2, -1])) * rng.choice([sp.S.One, rng.choice(scope)])
    if kind == "sum":
        v = sp.Symbol(f"s{len(bound)}", integer=True)
        lo = rng.choice([1, 0, rng.choice(scope)])
        hi = rng.choice([rng.choice(scope), sp.Min(rng.choice(scope), 3), 2])
        return sp.Sum(random_expr(rng, depth - 1, bound + [v], params), (v, lo, hi))
    if kind == "piece":
        a, b = rng.choice(scope), random_index(rng, scope)
        cond = rng.choice([a < b, a <= b, sp.Eq(a, b), sp.Ne(a, b)])
        return sp.Piecewise((random_expr(rng, depth - 1, bound, params), cond),
                            (random_expr(rng, depth - 1, bound, params), True))
    if kind == "delta":
        return sp.KroneckerDelta(rng.choice(scope), random_index(rng, scope)) * \
            random_expr(rng, depth - 1, bound, params)
    if kind == "add":
        return random_expr(rng, depth - 1, bound, params) + random_expr(rng, depth - 1, bound, params)
    return random_expr(rng, depth - 1, bound, params) * rng.choice([sp.Integer(2), sp.Rational(1, 2), c])


def mutate(rng, e, params):
    """A variant of e that is often, but not always, equal to it."""
    choices = [
        lambda: e,
        lambda: sp.Piecewise((e, rng.choice(params) < rng.randint(1, 4)), (0, True)),
        lambda: e.xreplace({rng.choice(params): rng.choice(params)}),
        lambda: e + rng.choice([x, y])[random_index(rng, params)] * rng.choice([0, 1]),
        lambda: sp.Piecewise((e, rng.choice(params) < 10**6), (2 * e, True)),
    ]
    return rng.choice(choices)()


BOX = [dict(zip((P, Q), v, strict=True)) for v in itertools.product(range(0, 7), range(1, 7))]


def judge(lhs, rhs, cons, vecs, stats, equal_by_construction=False):
    """Decide one fuzz claim, re-check the answer independently, count it in stats."""
    r = decide_all_sizes(lhs, rhs, integers=[P, Q], constraints=cons, vectors=vecs)
    if isinstance(r, Proved):
        stats["proved"] += 1
        for point in BOX:
            assert not differs(lhs, rhs, point, vecs), (lhs, rhs, point)
    elif isinstance(r, Counterexample):
        stats["refuted"] += 1
        assert not equal_by_construction, (lhs, rhs, r)
        values = by_name([P, Q], r.sizes)
        assert holds(cons, values) and differs(lhs, rhs, values, vecs, tries=3), (lhs, rhs, r)
    else:
        stats["outside"] += 1


def test_fuzz_soundness():
    rng = random.Random(11)
    cons = [P >= 0, P <= 6, Q >= 1, Q <= 6]
    stats = {"proved": 0, "refuted": 0, "outside": 0}
    for _ in range(FUZZ_CLAIMS):
        lhs = random_expr(rng, 3, [], [P, Q])
        judge(lhs, mutate(rng, lhs, [P, Q]), cons, {"x": [P + 1]}, stats)
    print(stats)
    assert stats["proved"] >= 20 and stats["refuted"] >= 20


# Fuzz 2: equal by construction (semantics-preserving rewrites), or broken on purpose --
X_LEN = P + 1


def base_expr(rng, depth, scope):
    if depth == 0 or rng.random() < 0.3:
        vec = rng.choice([x, y])
        return vec[random_index(rng, scope)]
    kind = rng.choice(["sum", "sum", "piece", "prod", "add"])
    if kind == "sum":
        v = sp.Symbol(f"v{len(scope)}", integer=True)
        lo = rng.choice([sp.S.One, sp.S.Zero, rng.choice(scope)])
        hi = rng.choice([rng.choice(scope), sp.Min(rng.choice(scope), 3), rng.choice(scope) - 1])
        return sp.Sum(base_expr(rng, depth - 1, scope + [v]), (v, lo, hi))
    if kind == "piece":
        a, b = rng.choice(scope), random_index(rng, scope)
        cond = rng.choice([a < b, a <= b, sp.Eq(a, b), sp.Ne(a, b)])
        return sp.Piecewise((base_expr(rng, depth - 1, scope), cond),
                            (base_expr(rng, depth - 1, scope), True))
    if kind == "prod":
        return x[random_index(rng, scope)] * y[random_index(rng, scope)] * rng.choice([1, 2, c])
    return base_expr(rng, depth - 1, scope) + base_expr(rng, depth - 1, scope)


def rewrite(rng, e, scope, breaking):
    """Rewrite e; with `breaking`, one rewrite may change its meaning."""
    if isinstance(e, sp.Sum):
        v, lo, hi = e.limits[-1]
        inner = sp.Sum(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        body = rewrite(rng, inner, scope + [v], breaking)
        r = rng.random()
        if r < 0.3:
            s = rng.choice([-1, 1, 2])
            w = sp.Symbol(v.name + "s", integer=True)
            return sp.Sum(body.xreplace({v: w + s}), (w, lo - s, hi - s))
        if r < 0.6:
            t = rng.choice([sp.Integer(2), P, Q - 1])
            t2 = t + 1 if not (breaking and rng.random() < 0.5) else t + rng.choice([0, 2])
            return sp.Sum(body, (v, lo, sp.Min(hi, t))) + sp.Sum(body, (v, sp.Max(lo, t2), hi))
        if breaking and r < 0.7:
            return sp.Sum(body, (v, lo, rng.choice([hi + 1, sp.Min(hi, 4), hi - 1])))
        return sp.Sum(body, (v, lo, hi))
    if isinstance(e, sp.Piecewise):
        if len(e.args) != 2:
            return sp.Piecewise(*((rewrite(rng, a, scope, breaking), cnd) for a, cnd in e.args))
        (a, cond), (b, _) = e.args
        a, b = rewrite(rng, a, scope, breaking), rewrite(rng, b, scope, breaking)
        if rng.random() < 0.5:
            return sp.Piecewise((b, sp.Not(cond)), (a, True))
        if breaking and rng.random() < 0.3 and isinstance(cond, sp.StrictLessThan):
            return sp.Piecewise((a, cond.lhs <= cond.rhs), (b, True))
        return sp.Piecewise((a, cond), (b, True))
    if isinstance(e, sp.Indexed) and str(e.base.label) == "x":
        ix = e.indices[0]
        r = rng.random()
        if r < 0.3:
            return sp.Piecewise((e, (ix >= 1) & (ix <= X_LEN)), (0, True))
        if r < 0.6:
            v = sp.Symbol(f"k{len(scope)}", integer=True)
            hi = X_LEN if not (breaking and rng.random() < 0.3) else P
            return sp.Sum(x[v] * sp.KroneckerDelta(v, ix), (v, 1, hi))
        return e
    if isinstance(e, sp.Indexed) and str(e.base.label) == "y" and breaking and rng.random() < 0.2:
        return sp.Piecewise((e, e.indices[0] <= P + 2), (0, True))
    if isinstance(e, sp.Add | sp.Mul):
        return e.func(*(rewrite(rng, a, scope, breaking) for a in e.args))
    return e


@pytest.mark.parametrize("bounded", [True, False])
def test_fuzz_rewrites(bounded):
    rng = random.Random(2024 + bounded)
    cons = [P >= 0, Q >= 1] + ([P <= 6, Q <= 6] if bounded else [])
    stats = {"proved": 0, "refuted": 0, "outside": 0}
    for trial in range(REWRITE_CLAIMS):
        lhs = base_expr(rng, 3, [P, Q])
        breaking = trial % 2 == 1
        judge(lhs, rewrite(rng, lhs, [P, Q], breaking), cons, {"x": [X_LEN]}, stats,
              equal_by_construction=not breaking)
    print(bounded, stats)
    assert stats["proved"] >= 40 and stats["refuted"] >= 5


# Found by an adversarial review: inputs the normal form and the exact re-check read
# differently must be refused, never proved or "refuted" by the mismatch.
_NONCOMMUTING = sp.IndexedBase("M", commutative=False)


def test_non_commuting_entries_are_outside_the_fragment() -> None:
    n, j, k = sp.symbols("n j k", integer=True)
    lhs = sp.Sum(sp.Sum(_NONCOMMUTING[j] * _NONCOMMUTING[k], (j, 1, k - 1)), (k, 1, n))
    rhs = sp.Sum(sp.Sum(_NONCOMMUTING[k] * _NONCOMMUTING[j], (j, 1, k - 1)), (k, 1, n))
    assert isinstance(decide_all_sizes(lhs, rhs, integers=[n], constraints=[n >= 15], vectors={}),
                      OutsideFragment)
    assert isinstance(decide_all_sizes(_NONCOMMUTING[1] * _NONCOMMUTING[2],
                                       _NONCOMMUTING[2] * _NONCOMMUTING[1],
                                       integers=[n], constraints=[], vectors={}), OutsideFragment)


def test_two_vectors_of_one_name_with_other_assumptions_are_refused() -> None:
    n, j = sp.symbols("n j", integer=True)
    real, plain = sp.IndexedBase("x", real=True), sp.IndexedBase("x")
    for constraints in ([], [n >= 20], [n >= 0]):
        result = decide_all_sizes(sp.Sum(real[j], (j, 1, n)), sp.Sum(plain[j], (j, 1, n)),
                                  integers=[n], constraints=constraints, vectors={})
        assert isinstance(result, OutsideFragment) and "different assumptions" in result.reason


def test_a_boolean_side_is_outside_the_fragment() -> None:
    n = sp.Symbol("n", integer=True)
    assert isinstance(decide_all_sizes(sp.true, sp.Integer(1), integers=[n], constraints=[],
                                       vectors={}), OutsideFragment)


def test_the_spot_check_of_a_proof_looks_where_sums_are_not_empty(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import checker.prove.sizes.decide as decide_module

    n, j = sp.symbols("n j", integer=True)
    x = sp.IndexedBase("x", real=True)
    seen: list[int] = []
    original = decide_module.exact_difference

    def spy(lhs, rhs, values, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(values[n])
        return original(lhs, rhs, values, *args, **kwargs)

    monkeypatch.setattr(decide_module, "exact_difference", spy)
    total = sp.Sum(x[j], (j, 1, n))
    assert isinstance(decide_all_sizes(total, total, integers=[n], constraints=[], vectors={}), Proved)
    assert seen and all(v >= 3 for v in seen)
