"""Canonical forms: sound rewritings under which "difference is identically 0"
becomes a question that polynomial arithmetic (`cancel`) answers quickly.

Every rewriting here either preserves the value on the stated domain (log rules
only where SymPy's own assumptions make them valid) or replaces independent-
looking atoms by fresh symbols. The latter is sound for proofs: an expression
that vanishes for *all* values of the fresh symbols vanishes in particular for
their true values. It never produces refutations; those come only from
evaluated counterexamples.
"""

from __future__ import annotations

from collections import defaultdict
from math import lcm

import sympy as sp

from checker.model.functions import sigmoid
from checker.model.namespace import Domain


def rewrite_transcendental(expr: sp.Basic) -> sp.Basic:
    """sigmoid and tanh in terms of exp (both are rational in exp)."""
    return expr.replace(
        lambda e: isinstance(e, sigmoid | sp.tanh), lambda e: e.rewrite(sp.exp)
    )


def open_unit_substitution(domains: tuple[tuple[sp.Symbol, Domain], ...]) -> dict[sp.Symbol, sp.Expr]:
    """f in (0, 1) becomes u/(1+u) with u > 0, so SymPy knows 1 - f > 0 and the log
    rules it applies are valid. A bijection, so no point of the domain is lost."""
    mapping: dict[sp.Symbol, sp.Expr] = {}
    for symbol, domain in domains:
        if domain.low == 0 and domain.high == 1 and domain.low_open and domain.high_open:
            u = sp.Dummy(f"{symbol.name}_odds", positive=True)
            mapping[symbol] = u / (1 + u)
    return mapping


def exp_to_common_bases(expr: sp.Basic) -> sp.Basic:
    """Replace exp(c1*t1 + c2*t2 + ...) by Z_t1**n1 * Z_t2**n2 ... with integer n.

    Each term t gets one fresh positive symbol Z_t = exp(t / L_t), where L_t is the
    lcm of the denominators of t's rational coefficients, so exp(x) and exp(x/2)
    become Z**2 and Z: the identities between them survive as polynomial ones.
    """
    expr = sp.expand_power_exp(expr)
    # Only exp of a real argument is positive: exp(I*pi*y) must not become a positive Z.
    exps = [e for e in expr.atoms(sp.exp) if e.args[0].is_extended_real]
    if not exps:
        return expr
    decomposed: dict[sp.exp, list[tuple[sp.Rational, sp.Expr]]] = {}
    denominators: dict[sp.Expr, list[int]] = defaultdict(list)
    for e in exps:
        terms = []
        for term in sp.Add.make_args(sp.expand(e.args[0])):
            coeff, rest = term.as_coeff_Mul()
            if not coeff.is_Rational:
                coeff, rest = sp.Integer(1), term
            terms.append((coeff, rest))
        if not all(t.is_extended_real for _, t in terms):
            continue  # a real sum of non-real terms: leave this exp alone
        for coeff, rest in terms:
            denominators[rest].append(int(coeff.q))
        decomposed[e] = terms
    bases = {t: sp.Dummy("Z", positive=True) for t in denominators}
    scale = {t: lcm(*qs) for t, qs in denominators.items()}
    replacement = {}
    for e, terms in decomposed.items():
        value: sp.Expr = sp.Integer(1)
        for coeff, t in terms:
            if t == 1:
                value *= sp.exp(coeff)
            else:
                value *= bases[t] ** int(coeff * scale[t])
        replacement[e] = value
    return expr.xreplace(replacement)


def normalise_sums(expr: sp.Basic) -> sp.Basic:
    """Sums in a canonical shape: dummy indices renamed by depth, summands
    expanded (exp of a sum split into a product), sums of sums split, factors
    free of the index pulled out. Valid for the finite sums of this project."""

    def visit(e: sp.Basic, depth: int) -> sp.Basic:
        if isinstance(e, sp.Sum) and len(e.limits) == 1:
            (index, low, high) = e.limits[0]
            fresh = sp.Symbol(f"_j{depth}", integer=True)
            body = visit(e.function.xreplace({index: fresh}), depth + 1)
            body = sp.expand(sp.expand_power_exp(body))
            out: sp.Expr = sp.Integer(0)
            for term in sp.Add.make_args(body):
                inside: list[sp.Expr] = []
                outside: list[sp.Expr] = []
                for factor in sp.Mul.make_args(term):
                    (inside if fresh in factor.free_symbols else outside).append(factor)
                out += sp.Mul(*outside) * (
                    sp.Sum(sp.Mul(*inside), (fresh, low, high)) if inside
                    else (high - low + 1)
                )
            return out
        if e.args and not isinstance(e, sp.Indexed | sp.Symbol):
            return e.func(*(visit(a, depth) for a in e.args))
        return e

    return visit(expr, 0)


def merge_sums(expr: sp.Expr) -> sp.Expr:
    """c1*Sum(a, L) + c2*Sum(b, L) -> Sum(c1*a + c2*b, L) for equal limits L."""
    groups: dict[tuple, sp.Expr] = defaultdict(lambda: sp.Integer(0))
    rest: sp.Expr = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(expr)):
        sums = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Sum)]
        if len(sums) == 1:
            s = sums[0]
            coeff = term / s
            groups[s.limits] += coeff * s.function
        else:
            rest += term
    merged = [sp.Sum(body, *limits) for limits, body in groups.items()]
    return rest + sp.Add(*merged)


def sums_to_symbols(expr: sp.Basic) -> sp.Basic:
    """Each distinct Sum becomes one fresh symbol (an opaque real number)."""
    table = {s: sp.Dummy("S", real=True) for s in expr.atoms(sp.Sum)}
    return expr.xreplace(table)


def rational_zero(expr: sp.Basic) -> bool:
    """True if expr is identically 0 after the canonical rewritings.

    False means only "not shown", never "nonzero".
    """
    e = rewrite_transcendental(expr)
    # KroneckerDelta(i - 1, j - 1) and KroneckerDelta(i, j) are the same function of
    # integers: written as KroneckerDelta(difference, 0), they become one atom.
    e = e.replace(lambda d: isinstance(d, sp.KroneckerDelta),
                  lambda d: sp.KroneckerDelta(sp.expand(d.args[0] - d.args[1]), 0))
    e = sp.expand_log(e, deep=True)
    e = exp_to_common_bases(e)
    e = sums_to_symbols(e)
    return bool(sp.cancel(sp.together(e)) == 0)


def summand_zero(expr: sp.Expr) -> bool:
    """Merge sums over equal ranges and show every merged summand is 0."""
    merged = merge_sums(normalise_sums(expr))
    replaced = {}
    # Only the top-level sums: a nested sum is part of its summand, not a term.
    for term in sp.Add.make_args(merged):
        for s in sp.Mul.make_args(term):
            if isinstance(s, sp.Sum):
                if not rational_zero(s.function):
                    return False
                replaced[s] = sp.Integer(0)
    return rational_zero(merged.xreplace(replaced))
