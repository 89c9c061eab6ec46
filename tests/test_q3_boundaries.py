"""checker.prove.boundaries: the sizes on both sides of every condition of an expression,
found by z3 whatever the threshold and however it is written (used by question 3 to
look past its grid)."""

from __future__ import annotations

import sympy as sp

from checker.prove.boundaries import boundary_probes, conditions

D, M, K = (sp.Symbol(n, integer=True, positive=True) for n in "DMK")
i = sp.Symbol("i", integer=True, nonnegative=True)
l = sp.Symbol("l", integer=True)  # noqa: E741
w = sp.IndexedBase("w", real=True)


def values(expr: sp.Basic, *constraints: sp.Basic) -> list[dict[str, int]]:
    probes = boundary_probes([expr], (D, M, K, i), constraints)
    return [{s.name: v for s, v in p.values.items()} for p in probes.probes]


def test_a_min_in_a_sum_bound_gives_the_sizes_around_its_switch() -> None:
    found = values(sp.Sum(w[l], (l, 1, sp.Min(M, sp.Integer(5) * 5))))
    assert {v["M"] for v in found} >= {1, 25, 26}
    assert all(v["D"] == v["K"] == 1 for v in found)  # the smallest values elsewhere


def test_a_threshold_written_as_a_product_is_found_as_its_value() -> None:
    expr = sp.Piecewise((w[1] / 2, M < 3 * 70), (w[1], True))
    assert {v["M"] for v in values(expr)} == {1, 210}


def test_a_condition_on_a_sum_variable_is_probed_through_the_sums_range() -> None:
    expr = sp.Sum(sp.Piecewise((w[l], l <= 25), (0, True)), (l, 1, M))
    assert 26 in {v["M"] for v in values(expr)}


def test_an_index_past_a_huge_threshold_needs_a_size_as_large() -> None:
    expr = sp.Piecewise((w[i] / 2, i <= sp.Min(D, 10**6)), (w[i], True))
    found = values(expr, sp.Le(i, D))
    assert {"D": 10**6 + 1, "M": 1, "K": 1, "i": 10**6 + 1} in found


def test_kronecker_delta_abs_and_max_are_conditions() -> None:
    assert 25 in {v["K"] for v in values(sp.KroneckerDelta(K, 25) * w[1])}
    assert {1, 30, 31} == {v["D"] for v in values(sp.Abs(D - 30) * w[1])}
    assert 31 in {v["M"] for v in values(sp.Max(M, 30) * w[1])}


def test_few_conditions_are_also_combined() -> None:
    expr = sp.Piecewise((w[1], sp.And(M > 25, D > 30)), (w[2], True))
    assert {"D": 31, "M": 26, "K": 1, "i": 0} in values(expr)


def test_two_sums_over_the_same_variable_keep_their_own_ranges() -> None:
    inner = sp.Piecewise((w[l], l > 40), (0, True))
    expr = sp.Sum(inner, (l, 1, D)) + sp.Sum(inner, (l, 1, M))
    found = values(expr)
    assert {"D": 41, "M": 1, "K": 1, "i": 0} in found
    assert {"D": 1, "M": 41, "K": 1, "i": 0} in found


def test_conditions_on_entries_are_no_size_conditions() -> None:
    assert conditions([sp.Max(w[1], 0) + sp.Piecewise((1, w[2] > 0), (0, True))], (D, M, K)) == []


def test_a_condition_z3_is_not_asked_about_is_listed() -> None:
    probes = boundary_probes([sp.Piecewise((w[1], M**M > 50), (w[2], True))], (D, M, K))
    assert probes.probes == ()
    assert len(probes.skipped) == 1 and probes.skipped[0].startswith("M**M > 50: ")


def test_a_nonlinear_condition_is_solved_where_z3_can() -> None:
    expr = sp.Piecewise((w[1], M * M < 600), (w[2], True))
    assert 25 in {v["M"] for v in values(expr)}
