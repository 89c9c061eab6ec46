"""checker.prove.rounding: identities of formulas in whole-number sizes with floor and
ceiling, decided by z3. Every proof is checked here against brute force over small sizes,
and every model is checked to be a real counterexample (or a zero divisor)."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
import sympy as sp

from checker.prove.rounding import Decision, decide_for_integers, equal_terms

n, k, p = sp.symbols("n k p", integer=True)  # no assumptions: the bounds are given apart
N = sp.Symbol("N", integer=True, positive=True)
LOWER = {n: 1, k: 1, p: 0}
FITS = (k <= n + 2 * p,)
TIMEOUT_MS = 2000


def decided(lhs: sp.Expr, rhs: sp.Expr, lower: dict[sp.Symbol, int] | None = None,
            assumptions: tuple[sp.Basic, ...] = FITS, timeout_ms: int = TIMEOUT_MS) -> Decision:
    return decide_for_integers(equal_terms, (lhs, rhs), LOWER if lower is None else lower, assumptions,
                               timeout_ms)


def value(expr: sp.Expr, env: dict[sp.Symbol, int]) -> Fraction | None:
    """Exact value, None where a divisor is zero."""
    result = expr.xreplace({s: sp.Integer(v) for s, v in env.items()})
    if result.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        return None
    return Fraction(int(result.p), int(result.q))


def cases(lower: dict[sp.Symbol, int], span: int = 9):
    symbols = list(lower)
    for values in itertools.product(*(range(lower[s], lower[s] + span) for s in symbols)):
        env = dict(zip(symbols, values, strict=True))
        if all(bool(a.xreplace({s: sp.Integer(v) for s, v in env.items()})) for a in FITS
               if a.free_symbols <= set(env)):
            yield env


def brute_force_agrees(lhs: sp.Expr, rhs: sp.Expr, lower: dict[sp.Symbol, int]) -> bool:
    return all(value(lhs, env) == value(rhs, env) is not None for env in cases(lower))


LENGTH = n + 2 * p - k
HALVED = sp.floor(LENGTH / 2) + 1


@pytest.mark.parametrize("answer", [
    sp.floor(LENGTH / 2) + 1,
    sp.ceiling((LENGTH + 1) / 2),
    sp.floor((LENGTH + 2) / 2),
    sp.floor((n - k) / 2 + p) + 1,  # p pulled out of the floor
    -sp.ceiling(-LENGTH / 2) + 1,
])
def test_equal_floors_are_proved_and_brute_force_agrees(answer: sp.Expr) -> None:
    result = decided(answer, HALVED)
    assert result.proved, result
    assert brute_force_agrees(answer, HALVED, LOWER)


@pytest.mark.parametrize("answer", [
    sp.ceiling(LENGTH / 2) + 1,  # odd lengths round the wrong way
    LENGTH / 2 + 1,  # no floor: a half at odd lengths
    sp.floor(LENGTH / 2),
    sp.floor(LENGTH / 2) + 1 + sp.Max(0, n - 10**6),  # a switch far beyond any grid
    sp.floor(LENGTH / 3) + 1,
])
def test_different_formulas_give_a_real_counterexample(answer: sp.Expr) -> None:
    result = decided(answer, HALVED)
    assert not result.proved and result.case is not None, result
    env = {s: result.case[s] for s in LOWER}
    assert env[n] >= 1 and env[k] >= 1 and env[p] >= 0 and env[k] <= env[n] + 2 * env[p]
    assert value(answer, env) != value(HALVED, env)


def test_twice_a_floor_is_not_the_number_it_halves() -> None:
    result = decided(2 * sp.floor(n / 2), n, {n: 1}, ())
    assert not result.proved and result.case is not None
    assert result.case[n] % 2 == 1  # only odd n tell them apart


def test_the_lower_bounds_reach_z3_even_when_sympy_settles_them() -> None:
    """N >= 1 is True to SymPy for a positive N: the bound must still reach z3, or z3 would
    look at N = 0 and below (|N - 1| = N - 1 holds for N >= 1 only)."""
    assert (N >= 1) is sp.true
    assert decided(sp.Abs(N - 1), N - 1, {N: 1}, ()).proved
    assert not decided(sp.Abs(n - 1), n - 1, {n: 0}, ()).proved


def test_a_zero_divisor_is_never_proved_away() -> None:
    # floor(n/(n - k)) is undefined at n = k, which the constraint k <= n admits.
    result = decided(sp.floor(n / (n - k)), sp.floor(n / (n - k)), {n: 1, k: 1}, (k <= n,))
    assert not result.proved and result.case is not None
    assert result.case[n] == result.case[k]


def test_z3_giving_up_is_never_a_proof() -> None:
    """ceil((L + 1)/s) = floor(L/s) + 1 for whole L >= 0, s >= 1, but z3 cannot show it."""
    s = sp.Symbol("s", integer=True)
    lower = {n: 1, k: 1, p: 0, s: 1}
    right, truth = sp.ceiling((LENGTH + 1) / s), sp.floor(LENGTH / s) + 1
    assert all(value(right, env) == value(truth, env) for env in cases(lower, 6))
    result = decided(right, truth, lower, timeout_ms=300)
    assert not result.proved and result.case is None
    assert result.why.startswith("z3 could not decide it")


def test_a_formula_outside_the_encoding_is_said_so() -> None:
    result = decided(sp.sqrt(n), n, {n: 1}, ())
    assert not result.proved and result.case is None
    assert "is outside the z3 encoding" in result.why and "sqrt" in result.why


@pytest.mark.parametrize(("answer", "truth", "differ_from"), [
    # Each floor its own integer: a name shared by an inner and an outer floor would leave
    # z3 no case at all, and "prove" anything.
    (sp.floor(sp.ceiling(n / 2) / 2), n, 1),
    (sp.floor(sp.ceiling(n / 2) / 2), sp.Integer(12345), 1),
    (sp.floor(n / 2) + sp.floor(sp.floor(n / 1000) / 2), sp.floor(n / 2), 2000),
    (sp.floor((n + 1) / 4) + sp.floor(n / 13), sp.floor(sp.ceiling(n / 2) / 2), 13),
])
def test_nested_floors_are_never_proved_equal_to_something_else(
        answer: sp.Expr, truth: sp.Expr, differ_from: int) -> None:
    result = decided(answer, truth, {n: 1}, ())
    assert not result.proved and result.case is not None, result
    assert result.case[n] >= differ_from
    assert value(answer, result.case) != value(truth, result.case)


def test_nested_floors_that_are_equal_are_proved() -> None:
    quarter = sp.floor(sp.floor(n / 2) / 2)
    assert decided(quarter, sp.floor(n / 4), {n: 0}, ()).proved
    assert brute_force_agrees(quarter, sp.floor(n / 4), {n: 0})


def test_a_divisor_cancelled_inside_a_floor_still_counts() -> None:
    """`together((k*n + k)/k)` is n + 1: the divisor k, zero at k = 0, must still reach z3."""
    result = decided(sp.floor((k * n + k) / k), n + 1, {n: 1, k: 0}, ())
    assert not result.proved and result.case is not None and result.case[k] == 0
    assert decided(sp.floor((k * n + k) / k), n + 1, {n: 1, k: 1}, ()).proved


def test_a_size_named_like_an_integer_part_is_its_own_variable() -> None:
    """A size may be called floor1: it must never be the z3 integer of a floor."""
    floor1 = sp.Symbol("floor1", integer=True)
    wrong = sp.floor(n / 2) + floor1 + sp.Max(0, floor1 - sp.floor(n / 2) - 100)
    result = decided(wrong, sp.floor(n / 2) + floor1, {n: 1, floor1: 0}, ())
    assert not result.proved and result.case is not None
    assert value(wrong, result.case) != value(sp.floor(n / 2) + floor1, result.case)
