"""Definitions the truths are built from. Nothing here knows any answer.

Each function is the textbook definition, written out: the checker derives the
truth from these (SymPy differentiates, sums are formed, networks are built).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp


def logistic(a: sp.Expr) -> sp.Expr:
    """The logistic sigmoid by its definition 1 / (1 + e^(-a))."""
    return 1 / (1 + sp.exp(-a))


def logit(f: sp.Expr) -> sp.Expr:
    """The inverse of the logistic sigmoid on (0, 1): a = log(f / (1 - f))."""
    return sp.log(f / (1 - f))


def cross_entropy(target: Sequence[sp.Expr], model: Sequence[sp.Expr]) -> sp.Expr:
    """H(p, q) = -sum_c p_c log q_c."""
    return -sp.Add(*(p * sp.log(q) for p, q in zip(target, model, strict=True)))


def mean_squared_error(target: Sequence[sp.Expr], output: Sequence[sp.Expr]) -> sp.Expr:
    """(1/n) sum_c (output_c - target_c)^2."""
    n = len(target)
    return sp.Add(*((o - t) ** 2 for t, o in zip(target, output, strict=True))) / n


def bernoulli(y: sp.Expr, f: sp.Expr) -> tuple[sp.Expr, sp.Expr]:
    """The two-class distributions (P(class 1), P(class 0)) for a probability f."""
    return (f, 1 - f)


def softmax(x: Sequence[sp.Expr]) -> list[sp.Expr]:
    """S(x)_i = exp(x_i) / sum_j exp(x_j), for an explicit vector."""
    denominator = sp.Add(*(sp.exp(v) for v in x))
    return [sp.exp(v) / denominator for v in x]


def softmax_entry(x: sp.IndexedBase, i: sp.Expr, size: sp.Expr) -> sp.Expr:
    """S(x)_i for a vector of symbolic length `size` (1-based indices)."""
    j = sp.Symbol("j", integer=True)
    return sp.exp(x[i]) / sp.Sum(sp.exp(x[j]), (j, 1, size))


def shifted(x: sp.IndexedBase, c: sp.Expr) -> sp.Lambda:
    """The vector x + c as an index map (so symbolic-length softmax can take it)."""
    i = sp.Symbol("i", integer=True)
    return sp.Lambda(i, x[i] + c)


def softmax_entry_of_map(entry: sp.Lambda, i: sp.Expr, size: sp.Expr) -> sp.Expr:
    """S(v)_i where v_m = entry(m), for symbolic length `size`."""
    j = sp.Symbol("j", integer=True)
    return sp.exp(entry(i)) / sp.Sum(sp.exp(entry(j)), (j, 1, size))


def vector(name: str, size: int) -> list[sp.Expr]:
    """The entries name[1], ..., name[size] of a real vector."""
    base = sp.IndexedBase(name, real=True)
    return [base[m] for m in range(1, size + 1)]
