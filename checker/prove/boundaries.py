"""Values of the sizes on both sides of every condition of an expression: where an answer
that is right at small sizes may switch to something else.

An expression can change its form past some size: a sum up to Min(M, 25), a part
`... if M < 210 else ...`, a Piecewise on K > 10**6. It can only switch where one of
its conditions changes value, so the candidates are found from the conditions, not from
the literals that happen to be written (25 may be written 5*5):

- relations in Piecewise conditions (through And, Or, Not), and any other relation;
- the comparisons behind Min and Max (a <= b for every two arguments) and Abs (a >= 0);
- KroneckerDelta(a, b) (a == b);
- "this Sum is not empty" (low <= high), and every condition inside a Sum with its
  variable ranging over the Sum's limits (so `Sum(..., (l, 1, M))` with `l <= 25`
  inside gives M = 26 on the far side).

For each condition, z3 is asked for the smallest admissible values (least sum) with the
condition true and with it false; with few conditions, for every combination of sides
too. Only conditions over the declared integers (and Sum variables) count; one mentioning
anything else (an entry, a real symbol) is no size condition. These are candidates and
nothing more: the caller checks its claim at them. Nothing here proves anything.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import sympy as sp
import z3
from sympy.core.relational import Relational

DEFAULT_MS = 2000  # the z3 time of one call, all queries together
QUERY_MS = 500  # the most one query may take
COMBINE_UP_TO = 3  # with this many conditions or fewer, every combination of sides is asked too
MAX_CONDITIONS = 24  # conditions beyond this many are not asked about (listed in `skipped`)

Range = tuple[sp.Symbol, sp.Expr, sp.Expr]  # a Sum variable (renamed apart), low, high


@dataclass(frozen=True)
class Condition:
    """A condition over the declared integers, inside the given Sums (outermost first)."""

    relation: sp.Basic
    ranges: tuple[Range, ...]
    text: str  # as the expression writes it, e.g. "M <= 25" or "Sum over l not empty: 1 <= M"


@dataclass(frozen=True)
class Probe:
    """Smallest admissible values of the declared integers with each listed condition on the
    given side (True: it holds)."""

    values: dict[sp.Symbol, int]
    sides: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Probes:
    probes: tuple[Probe, ...]
    conditions: tuple[str, ...]  # every size condition found, as written
    skipped: tuple[str, ...]  # conditions not asked about or without an answer, with the reason


class _Untranslatable(Exception):
    pass


def conditions(exprs: Iterable[sp.Basic], integers: Sequence[sp.Symbol]) -> list[Condition]:
    """The size conditions of the expressions (see the module docstring), each once."""
    found: dict[tuple[sp.Basic, tuple[Range, ...]], Condition] = {}
    collector = _Collector(frozenset(integers), found)
    for e in exprs:
        collector.walk(e, ())
    return list(found.values())


def boundary_probes(exprs: Iterable[sp.Basic], integers: Sequence[sp.Symbol],
                    constraints: Sequence[sp.Basic] = (), *, timeout_ms: int = DEFAULT_MS,
                    combine_up_to: int = COMBINE_UP_TO,
                    max_conditions: int = MAX_CONDITIONS) -> Probes:
    """For every condition of the expressions, the smallest admissible values of `integers`
    (their SymPy sign assumptions and `constraints` define admissible) with it true and
    with it false; with at most `combine_up_to` conditions, every combination of sides."""
    found = conditions(exprs, integers)
    asked, skipped = found[:max_conditions], [
        f"{c.text}: more than {max_conditions} conditions" for c in found[max_conditions:]]
    ctx = z3.Context()
    names = {s: z3.Int(f"v{n}_{s.name}", ctx) for n, s in enumerate(integers)}
    deadline = time.monotonic() + timeout_ms / 1000
    try:
        domain = [_formula(c, names, ctx) for c in constraints] + _signs(integers, names)
    except _Untranslatable as exc:
        return Probes((), tuple(c.text for c in found), (f"the constraints: {exc}",))
    encoded: list[tuple[Condition, z3.BoolRef, list[z3.BoolRef], list[z3.ArithRef]]] = []
    for c in asked:
        try:
            env = dict(names)
            ranges, bound = [], []
            for var, low, high in c.ranges:
                lo, hi = _term(low, env, ctx), _term(high, env, ctx)
                env[var] = z3.Int(f"b{len(env)}_{var.name}", ctx)
                ranges += [lo <= env[var], env[var] <= hi]
                bound.append(env[var])
            encoded.append((c, _formula(c.relation, env, ctx), ranges, bound))
        except _Untranslatable as exc:
            skipped.append(f"{c.text}: {exc}")
    patterns: list[list[tuple[int, bool]]] = [[(n, side)] for n in range(len(encoded))
                                              for side in (False, True)]
    if 2 <= len(encoded) <= combine_up_to:
        patterns += [list(enumerate(sides))
                     for sides in itertools.product((False, True), repeat=len(encoded))]
    probes: dict[tuple[tuple[str, int], ...], Probe] = {}
    for pattern in patterns:
        left_ms = int(1000 * (deadline - time.monotonic()))
        if left_ms <= 0:
            skipped.append("z3 time budget exhausted before every side was asked about")
            break
        query = list(domain)
        variables = list(names.values())
        for n, side in pattern:
            _, relation, ranges, bound = encoded[n]
            query += [*ranges, relation if side else z3.Not(relation)]
            variables += bound
        values = _smallest(query, variables, names, min(QUERY_MS, left_ms), ctx)
        if values is None:
            continue
        key = tuple(sorted((s.name, v) for s, v in values.items()))
        if key not in probes:
            probes[key] = Probe(values, tuple((encoded[n][0].text, side) for n, side in pattern))
    return Probes(tuple(probes.values()), tuple(c.text for c in found), tuple(skipped))


def _smallest(query: list[z3.BoolRef], variables: list[z3.ArithRef],
              names: dict[sp.Symbol, z3.ArithRef], ms: int,
              ctx: z3.Context) -> dict[sp.Symbol, int] | None:
    """Values with the least sum satisfying the query; any satisfying values if z3 cannot
    minimise in time; None if unsatisfiable or unknown."""
    opt = z3.Optimize(ctx=ctx)
    opt.set("timeout", ms)
    opt.add(*query)
    opt.minimize(z3.Sum(variables) if variables else z3.IntVal(0, ctx))
    if opt.check() == z3.sat:
        model = opt.model()
    else:
        solver = z3.Solver(ctx=ctx)
        solver.set("timeout", ms)
        solver.add(*query)
        if solver.check() != z3.sat:
            return None
        model = solver.model()
    return {s: model.eval(v, model_completion=True).as_long() for s, v in names.items()}


def _signs(integers: Sequence[sp.Symbol], names: dict[sp.Symbol, z3.ArithRef]) -> list[z3.BoolRef]:
    out = []
    for s in integers:
        if s.is_positive:
            out.append(names[s] >= 1)
        elif s.is_nonnegative:
            out.append(names[s] >= 0)
        elif s.is_negative:
            out.append(names[s] <= -1)
        elif s.is_nonpositive:
            out.append(names[s] <= 0)
    return out


class _Collector:
    def __init__(self, integers: frozenset[sp.Symbol],
                 found: dict[tuple[sp.Basic, tuple[Range, ...]], Condition]) -> None:
        self.integers = integers
        self.found = found
        self.written: dict[sp.Basic, sp.Basic] = {}  # renamed Sum variables -> as written

    def text(self, e: sp.Basic) -> str:
        return sp.sstr(e.xreplace(self.written))

    def walk(self, e: sp.Basic, ranges: tuple[Range, ...]) -> None:
        if isinstance(e, sp.Sum):
            self.walk_sum(e, ranges)
            return
        if isinstance(e, sp.Piecewise):
            for piece in e.args:
                self.walk(piece.expr, ranges)
                self.walk(piece.cond, ranges)
            return
        if isinstance(e, sp.Indexed):
            for index in e.indices:
                self.walk(index, ranges)
            return
        if isinstance(e, Relational):
            self.add(e, ranges, self.text(e))
        elif isinstance(e, (sp.Min, sp.Max)):
            # Both strict orders: their sides are the tie and the values on either side
            # of it (Min(M, 25): M = 1, 25 and 26).
            for a, b in itertools.permutations(e.args, 2):
                self.add(sp.Lt(a, b, evaluate=False), ranges, f"{self.text(a)} < {self.text(b)} "
                         f"(in {self.text(e)})")
        elif isinstance(e, sp.Abs):
            for side in (sp.Lt(e.args[0], 0, evaluate=False), sp.Gt(e.args[0], 0, evaluate=False)):
                self.add(side, ranges, f"{self.text(side)} (in {self.text(e)})")
        elif isinstance(e, sp.KroneckerDelta):
            self.add(sp.Eq(*e.args, evaluate=False), ranges, self.text(e))
        for a in e.args:
            if isinstance(a, sp.Basic):
                self.walk(a, ranges)

    def walk_sum(self, e: sp.Sum, ranges: tuple[Range, ...]) -> None:
        # Each Sum variable is renamed apart, so two Sums over `l` with different
        # limits never share one z3 variable. SymPy lists the innermost limit first.
        body, limits = e.function, list(e.limits)
        inner = ranges
        for n in range(len(limits) - 1, -1, -1):
            var, low, high = limits[n]
            self.walk(low, inner)
            self.walk(high, inner)
            self.add(sp.Le(low, high, evaluate=False), inner,
                     f"Sum over {var} not empty: {self.text(low)} <= {self.text(high)}")
            fresh = sp.Dummy(var.name, integer=True)
            self.written[fresh] = var
            body = body.xreplace({var: fresh})
            limits = [(v, lo.xreplace({var: fresh}), hi.xreplace({var: fresh}))
                      for v, lo, hi in limits]
            inner = (*inner, (fresh, low, high))
        self.walk(body, inner)

    def add(self, relation: sp.Basic, ranges: tuple[Range, ...], text: str) -> None:
        if relation in (sp.true, sp.false):
            return
        bound = {var for var, _, _ in ranges}
        symbols = relation.free_symbols
        if not symbols or not symbols <= self.integers | bound:
            return  # constant, or about entries or real values: no size condition
        # The Sums the condition sits in, and those their limits depend on.
        needed, used = set(symbols), []
        for var, low, high in reversed(ranges):
            if var in needed:
                used.append((var, low, high))
                needed |= low.free_symbols | high.free_symbols
        key = (relation, tuple(reversed(used)))
        self.found.setdefault(key, Condition(relation, key[1], text))


def _term(e: sp.Basic, env: dict[sp.Basic, z3.ArithRef], ctx: z3.Context) -> z3.ArithRef:
    if e.is_Integer:
        return z3.IntVal(int(e), ctx)
    if e.is_Rational:
        return z3.Q(int(e.p), int(e.q), ctx)
    if isinstance(e, sp.Symbol):
        if e not in env:
            raise _Untranslatable(f"`{e}` is no declared integer")
        return env[e]
    if isinstance(e, sp.Add):
        return z3.Sum([_term(a, env, ctx) for a in e.args])
    if isinstance(e, sp.Mul):
        return z3.Product([_term(a, env, ctx) for a in e.args])
    if isinstance(e, sp.Pow) and e.exp.is_Integer and 0 <= e.exp <= 8:
        return z3.Product([_term(e.base, env, ctx)] * int(e.exp)) if e.exp else z3.IntVal(1, ctx)
    if isinstance(e, (sp.Min, sp.Max)):
        args = [_term(a, env, ctx) for a in e.args]
        best = args[0]
        for a in args[1:]:
            best = z3.If(a < best, a, best) if isinstance(e, sp.Min) else z3.If(a > best, a, best)
        return best
    if isinstance(e, sp.Abs):
        a = _term(e.args[0], env, ctx)
        return z3.If(a >= 0, a, -a)
    if isinstance(e, sp.Piecewise) and e.args[-1].cond is sp.true:
        out = _term(e.args[-1].expr, env, ctx)
        for piece in reversed(e.args[:-1]):
            out = z3.If(_formula(piece.cond, env, ctx), _term(piece.expr, env, ctx), out)
        return out
    raise _Untranslatable(f"`{sp.sstr(e)}` is not an integer polynomial z3 is asked about")


_RELATIONS = {sp.Eq: lambda a, b: a == b, sp.Ne: lambda a, b: a != b,
              sp.Lt: lambda a, b: a < b, sp.Le: lambda a, b: a <= b,
              sp.Gt: lambda a, b: a > b, sp.Ge: lambda a, b: a >= b}


def _formula(c: sp.Basic, env: dict[sp.Basic, z3.ArithRef], ctx: z3.Context) -> z3.BoolRef:
    if c is sp.true or c is sp.false:
        return z3.BoolVal(c is sp.true, ctx)
    if isinstance(c, sp.And):
        return z3.And([_formula(a, env, ctx) for a in c.args])
    if isinstance(c, sp.Or):
        return z3.Or([_formula(a, env, ctx) for a in c.args])
    if isinstance(c, sp.Not):
        return z3.Not(_formula(c.args[0], env, ctx))
    relation = _RELATIONS.get(type(c))
    if relation is None:
        raise _Untranslatable(f"`{sp.sstr(c)}` is no relation z3 is asked about")
    return relation(_term(c.lhs, env, ctx), _term(c.rhs, env, ctx))
