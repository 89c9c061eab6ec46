"""Question 3: a sigmoid network rewritten as a tanh network, Θ′ as a function of Θ.

The answer gives Θ′ in three parts, in terms of Θ (W1[j, i] = ω¹_ji with i = 0 the
bias, W2[k, j] = ω²_kj with j = 0 the bias):

    W1 = ω̃¹_ji (as a function of j, i)    W2 = ω̃²_kj for j ≥ 1    b2 = ω̃²_k0

The claim is the network identity y(x, Θ′, tanh)_k = y(x, Θ, σ)_k for every x, every
output k and every size, not the parts one by one: tanh is odd, so negating W1 and W2
together is another right answer. Both networks are built by `derivations.networks`
from the definition; σ is the logistic 1 / (1 + e^(-a)).

How the verdict is reached (the method string says which of these happened):

1. Symbolic, for all D, M, K ≥ 1. Both networks are built with nested `Sum`s over
   indexed weights; their difference is proved 0 by renaming the bound indices,
   merging sums over equal ranges and showing the merged summand is identically 0
   (`checker.prove.canonical`; the inner sum is an opaque real there, the exps become
   powers of common bases). The seed's derivation is checked the same way, link by
   link, and reported as the verdict's steps: the lemma tanh(t) = 2σ(2t) − 1 and
   σ(t) = (1 + tanh(t/2))/2, then y(x, Θ, σ)_k = (seed line 2) = (seed line 3) =
   y(x, Θ′, tanh)_k with the answer's Θ′ (so for the reference answer this is the
   seed's chain exactly). Every proved link is confirmed in exact arithmetic at
   concrete sizes: a disagreement is reported as an internal inconsistency.
   Sums follow the usual convention, Sum(t, (j, a, b)) = 0 when b < a, as question 5
   does; SymPy's `Sum` follows Karr's (b < a − 1 gives minus the sum over b + 1..a − 1).
   A sum of the answer that is empty for every value of its symbols is 0 at once, and
   the proof is claimed only when every remaining sum has b ≥ a − 1 for every value of
   its symbols, where the two conventions agree (`karr_free`).
2. Concrete sizes, the second witness: for every D, M, K ≤ 4 (64 sizes, smallest
   first) the networks are written out explicitly (`networks.write_out`, with the
   usual convention) and every output k is proved equal. The cheap proof: each
   answer pre-activation is a rational multiple c_j of some true pre-activation a_l
   (checked by `cancel`; the hidden units may be permuted); the a_l are replaced by
   fresh symbols u_l, which is sound for proofs (an identity in independent u_l
   holds in particular at u_l = a_l(x, Θ)) and makes each proof small. Where it does
   not apply, a counterexample is searched for first (below) and only then the
   written-out networks are compared as a whole, which can be slow.
3. Counterexamples. Where a size is not proved, both networks are evaluated at
   exact points: x integer, W2 rational, W1 integer multiples of log 3, so every
   σ(a) and tanh(a/2) is rational and the two outputs are compared exactly. (Other
   Θ′ fall back to rational points, mpmath at 60 digits re-checked at 120; at the
   first two points of a size, outputs that agree to 60 digits are compared again at
   400 digits, re-checked at 800, so a difference like 1e-40 is still found.) The
   first failing size is the smallest one, so the counterexample is small. Without
   a symbolic proof, sizes past the grid are searched too: a few fixed ones
   (`PROBE_SIZES`), and for every integer literal c of the answer with
   3 ≤ c ≤ LITERAL_LIMIT one of D, M, K at c, c + 1 and c + 2 with the other two at 1
   or 2; so an answer right only for small sizes (a sum up to Min(M, 7), a part that
   changes past k = 5 or D = 6) is still refuted.

`verified` needs the symbolic proof, or (said so in the method, with the range and
the probes) a proof for every size in 1..4 and no counterexample at the probes when
no proof for all sizes was found. `refuted` needs a point where the two outputs differ.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy as sp

from checker.model.claims import Decided, Equal
from checker.model.errors import AnswerError
from checker.model.functions import rewrite_special
from checker.model.namespace import POSITIVE_INTEGER, REAL, Domain, Namespace, Variable, Vector
from checker.model.options import Options
from checker.model.question import AnswerKind, Question
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.canonical import rational_zero, summand_zero
from checker.prove.engine import decide_equal
from checker.prove.sampling import Value, differ, evaluate
from derivations.definitions import logistic
from derivations.networks import (
    HIDDEN,
    Activation,
    Parameters,
    Unwritable,
    Weight,
    indexed_parameters,
    inputs,
    output,
    output_of_preactivations,
    output_sum,
    preactivation,
    preactivation_sum,
    write_out,
)

SIZE_LIMIT = 4  # the concrete-size witness covers every D, M, K in 1..SIZE_LIMIT

INDEX = Domain("integer index >= 0", Fraction(0), None, low_open=False, integer=True)
I = Variable("i", INDEX, "input index in W1[j, i] (i = 0: the bias of hidden unit j)")
J = Variable("j", INDEX, "hidden-unit index in W1[j, i] and W2[k, j] (j = 0: output bias)")
KI = Variable("k", POSITIVE_INTEGER, "output index in W2[k, j], 1 <= k <= K")
D = Variable("D", POSITIVE_INTEGER, "input size")
M = Variable("M", POSITIVE_INTEGER, "number of hidden units")
K = Variable("K", POSITIVE_INTEGER, "number of outputs")
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
LOG3 = sp.log(3)


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


# Symbolic sizes ---------------------------------------------------------------------
def proves_zero(difference: sp.Expr) -> bool:
    """`summand_zero` (top-level merged sums have a zero summand; an inner sum, the
    pre-activation, stays inside as an opaque real), claimed only where no sum's value
    depends on Karr's convention."""
    return karr_free(difference) and summand_zero(difference)


def sigmoid_network() -> sp.Expr:
    """y(x, Θ, σ)_k for symbolic D, M and k: the truth."""
    return output_sum(THETA, X, logistic, k, d_, m_)


def tanh_network(theta: Proposal) -> sp.Expr:
    """y(x, Θ′, tanh)_k for symbolic D, M and k."""
    return output_sum(theta.parameters(), X, sp.tanh, k, d_, m_)


def seed_lines() -> tuple[tuple[str, sp.Expr], ...]:
    """The seed's derivation (Answer 3), transcribed line by line."""
    half = Parameters(lambda jj, ii: THETA.first(jj, ii) / 2, THETA.second)
    inner = preactivation_sum(half, X, HIDDEN, d_)
    w2 = THETA.second(k, HIDDEN)
    line2 = sp.Sum(w2 * (1 + sp.tanh(inner)) / 2, (HIDDEN, 1, m_)) + THETA.second(k, 0)
    line3 = sp.Sum(w2 / 2 * sp.tanh(inner), (HIDDEN, 1, m_)) + (
        THETA.second(k, 0) + sp.Sum(w2 / 2, (HIDDEN, 1, m_))
    )
    return (
        ("y(x, Θ, σ)_k = Σ_j ω²_kj σ(Σ_i ω¹_ji x_i + ω¹_j0) + ω²_k0 (definition)",
         sigmoid_network()),
        ("= Σ_j ω²_kj · (1 + tanh(Σ_i ω¹_ji/2 · x_i + ω¹_j0/2))/2 + ω²_k0", line2),
        ("= Σ_j ω²_kj/2 · tanh(Σ_i ω¹_ji/2 · x_i + ω¹_j0/2) + (ω²_k0 + Σ_j ω²_kj/2)", line3),
    )


@functools.cache
def lemma_steps() -> tuple[StepResult, ...]:
    """tanh(t) = 2σ(2t) − 1, hence σ(t) = (1 + tanh(t/2))/2, by the engine."""
    t = sp.Symbol("t", real=True)
    lemmas = (
        ("lemma: tanh(t) = 2σ(2t) − 1 for every real t", sp.tanh(t), 2 * logistic(2 * t) - 1),
        ("hence σ(t) = (1 + tanh(t/2))/2", (1 + sp.tanh(t / 2)) / 2, logistic(t)),
    )
    results = []
    for text, claimed, truth in lemmas:
        outcome = decide_equal(Equal(claimed, truth, ((t, REAL),), text))
        results.append(StepResult(text, outcome.status, outcome.method, outcome.counterexample))
    return tuple(results)


@functools.cache
def seed_steps() -> tuple[StepResult, ...]:
    """The answer-independent links of the seed's chain (computed once per process)."""
    lines = seed_lines()
    results = [StepResult(lines[0][0], Status.VERIFIED, "start: the definition")]
    for (_, before), (text, after) in zip(lines, lines[1:], strict=False):
        results.append(symbolic_step(text, before, after))
    return tuple(results)


PROVED = "symbolic for all D, M, K: sums merged, summand identically 0"


def symbolic_step(text: str, before: sp.Expr, after: sp.Expr) -> StepResult:
    """One link, proved for symbolic sizes and confirmed exactly at concrete ones."""
    if not proves_zero(after - before):
        return StepResult(text, Status.UNDECIDED, "no symbolic proof")
    for sizes in ((2, 2, 1), (3, 2, 2)):
        try:
            cx = _disagreement(after, before, sizes, text)
        except Unwritable as exc:
            return StepResult(text, Status.UNDECIDED, f"a symbolic proof, but not confirmed at "
                              f"concrete sizes ({exc})")
        if cx is not None:
            return StepResult(text, Status.UNDECIDED, "internal inconsistency: a symbolic "
                              "proof was contradicted at a concrete point; please report this", cx)
    return StepResult(text, Status.VERIFIED, f"{PROVED}; confirmed at exact points")


def _disagreement(
    left: sp.Expr, right: sp.Expr, sizes: tuple[int, int, int], where: str
) -> Counterexample | None:
    """Both sides at one exact point of the given sizes (k = the last output)."""
    d, m, kk = sizes
    fixed = {d_: sp.Integer(d), m_: sp.Integer(m), k_: sp.Integer(kk), k: sp.Integer(kk)}
    a, b = (write_out(e.xreplace(fixed)) for e in (left, right))
    point = next(exact_points(_entries(d, m, kk), random.Random(sum(sizes))))
    found = compare(a, b, point)
    if found is None:
        return None
    return _counterexample(sizes, point, found, f"{where}, output {kk}")


# Concrete sizes ---------------------------------------------------------------------
def all_sizes(limit: int = SIZE_LIMIT) -> list[tuple[int, int, int]]:
    """Every (D, M, K) in 1..limit, smallest total first (smallest counterexample)."""
    grid = [(d, m, kk) for d in range(1, limit + 1) for m in range(1, limit + 1)
            for kk in range(1, limit + 1)]
    return sorted(grid, key=lambda s: (sum(s), s))


Entries = tuple[list[sp.Expr], list[sp.Expr], list[sp.Expr]]


def _hidden(m: int) -> tuple[sp.Symbol, ...]:
    # Fixed names, so the reduced difference is the same expression for every D
    # and the proof cache below sees it once.
    return tuple(sp.Symbol(f"_u{n}", real=True) for n in range(1, m + 1))


@functools.lru_cache(maxsize=4096)
def _zero(expr: sp.Expr) -> bool:
    """rational_zero, memoised: a pure function of its (hashable) argument."""
    return rational_zero(expr)


def prove_size(theta: Proposal, sizes: tuple[int, int, int]) -> bool:
    """Every output of the two explicit networks is identically equal at these sizes."""
    scaled = prove_scaled(theta, sizes)
    return scaled if scaled is not None else prove_written_out(theta, sizes)


def prove_scaled(theta: Proposal, sizes: tuple[int, int, int]) -> bool | None:
    """The cheap proof: each answer pre-activation is c · (some true pre-activation a_l),
    and those become fresh symbols u_l. None when some unit is no such multiple.

    Sound for proofs: an identity in independent u_l holds in particular at
    u_l = a_l(x, Θ). A permutation of the hidden units, or two answer units sharing
    one true unit, is covered too.
    """
    d, m, kk = sizes
    primed = theta.parameters({d_: d, m_: m, k_: kk})
    scales = _unit_scales(primed, d, m)
    if scales is None:
        return None
    u = _hidden(m)
    pre = [c * u[unit - 1] for c, unit in scales]
    return all(_zero(output_of_preactivations(primed.second, sp.tanh, out, pre)
                     - output_of_preactivations(THETA.second, logistic, out, u))
               for out in range(1, kk + 1))


def prove_written_out(theta: Proposal, sizes: tuple[int, int, int]) -> bool:
    """The general proof: both networks written out in x and Θ (can be slow)."""
    d, m, kk = sizes
    primed = theta.parameters({d_: d, m_: m, k_: kk})
    return all(_zero(output(primed, X, sp.tanh, out, d, m) - output(THETA, X, logistic, out, d, m))
               for out in range(1, kk + 1))


def _unit_scales(primed: Parameters, d: int, m: int) -> tuple[tuple[sp.Rational, int], ...] | None:
    """(c_j, l_j) with answer pre-activation of unit j = c_j · true pre-activation of l_j."""
    scales = []
    for unit in range(1, m + 1):
        mine = preactivation(primed, X, unit, d)
        # The only candidate l: the one row of W1 the answer's unit mentions (its own
        # when it mentions none, e.g. a zero pre-activation).
        rows = {e.indices[0] for e in mine.atoms(sp.Indexed) if e.base == THETA_W1}
        row = rows.pop() if len(rows) == 1 else (sp.Integer(unit) if not rows else None)
        if row is None or not (row.is_Integer and 1 <= row <= m):
            return None
        ratio = _ratio(mine, preactivation(THETA, X, int(row), d))
        if not ratio.is_Rational:
            return None
        scales.append((ratio, int(row)))
    return tuple(scales)


@functools.lru_cache(maxsize=4096)
def _ratio(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    return sp.cancel(numerator / denominator)


EXACT_POINTS = 8  # points per size where σ and tanh come out rational
RATIONAL_POINTS = 4  # then rational points (mpmath compares)
CLOSER_POINTS = 2  # the first points of a size are looked at closer when they seem equal
CLOSE_PRECISION = 400  # ... at this many digits, re-checked at twice as many


def refute_size(
    theta: Proposal, sizes: tuple[int, int, int], exact: int = EXACT_POINTS,
    rational: int = RATIONAL_POINTS,
) -> Counterexample | None:
    """A point of these sizes where some output of the two networks differs.

    Both networks are built at each point from the values of their parameters there
    (the same numbers as the symbolic networks at that point, without building them).
    """
    d, m, kk = sizes
    primed = theta.parameters({d_: d, m_: m, k_: kk})
    first = {(a, b): primed.first(sp.Integer(a), sp.Integer(b))
             for a in range(1, m + 1) for b in range(d + 1)}
    second = {(a, b): primed.second(sp.Integer(a), sp.Integer(b))
              for a in range(1, kk + 1) for b in range(m + 1)}
    entries = _entries(d, m, kk)
    # An answer may mention entries that are no parameters at these sizes (e.g. a
    # sum up to 3 when M = 1): they get values like any other, and the note says so.
    known = {e for group in entries for e in group}
    mentioned = {e for v in (*first.values(), *second.values()) for e in v.atoms(sp.Indexed)}
    outside = sorted(mentioned - known, key=sp.default_sort_key)
    xs, w1, w2 = entries
    entries = (xs, w1 + [e for e in outside if e.base == THETA_W1],
               w2 + [e for e in outside if e.base != THETA_W1])
    rng = random.Random(1000 * d + 100 * m + kk)
    points = (*_take(exact_points(entries, rng), exact), *_take(rational_points(entries, rng), rational))
    for n, point in enumerate(points):
        x = {i: point[X[i]] for i in range(1, d + 1)}
        mine = _at(point, first, second)
        true = _at(point, {key: THETA.first(*map(sp.Integer, key)) for key in first},
                   {key: THETA.second(*map(sp.Integer, key)) for key in second})
        # Each unit's activation once per point, shared by every output.
        tanh = _Shared(sp.tanh, [preactivation(mine, x, unit, d) for unit in range(1, m + 1)])
        sigma = _Shared(logistic, [preactivation(true, x, unit, d) for unit in range(1, m + 1)])
        for out in range(1, kk + 1):
            answer = output_of_preactivations(mine.second, tanh, out, list(tanh.keys))
            truth = output_of_preactivations(true.second, sigma, out, list(sigma.keys))
            found = compare(answer, truth, {}, closer=n < CLOSER_POINTS)
            if found is not None:
                cx = _counterexample(sizes, point, found, f"output y_{out}")
                if outside:
                    names = ", ".join(sp.sstr(e) for e in outside)
                    cx = replace(cx, note=f"{cx.note}; the answer mentions {names}, which "
                                 "are no parameters of a network of these sizes")
                return cx
    return None


def _at(point: dict[sp.Basic, sp.Expr], first: dict[tuple[int, int], sp.Expr],
        second: dict[tuple[int, int], sp.Expr]) -> Parameters:
    """Parameters whose entries are the given expressions' values at point."""
    def entry(table: dict[tuple[int, int], sp.Expr]) -> Weight:
        return lambda a, b: table[int(a), int(b)].xreplace(point)

    return Parameters(entry(first), entry(second))


class _Shared:
    """An activation on the given arguments, each computed once and shared by every output."""

    def __init__(self, act: Activation, arguments: list[sp.Expr]) -> None:
        self.keys = arguments
        self.values = {a: act(a) for a in arguments}

    def __call__(self, a: sp.Expr) -> sp.Expr:
        return self.values[a]


@dataclass(frozen=True)
class Difference:
    """Both outputs at a point where they differ, as shown, and how that was decided."""

    answer: str
    truth: str
    how: str


def compare(answer: sp.Expr, truth: sp.Expr, point: dict[sp.Basic, sp.Expr],
            closer: bool = False) -> Difference | None:
    """A re-checked difference of the two sides at point, or None.

    Exact when both are rational there; else mpmath at 60 digits re-checked at 120
    (`checker.prove.sampling.differ`, which ignores relative gaps below 1e-30). With
    `closer`, a gap too small for that is looked for at CLOSE_PRECISION digits and
    must persist, unchanged in its leading digits, at twice as many.
    """
    va, vt = exact_value(answer, point), exact_value(truth, point)
    if differ(va, vt, point, answer, truth):
        exact = va.exact is not None and vt.exact is not None
        how = "exact arithmetic" if exact else "values by mpmath, re-checked at 120 digits"
        return Difference(va.show(), vt.show(), how)
    if not (closer and va.defined and vt.defined) or (va.exact is not None and vt.exact is not None):
        return None
    first = _gap(answer, truth, point, CLOSE_PRECISION)
    if first is None or first[0] <= sp.Float(10) ** (-(CLOSE_PRECISION // 2)):
        return None
    second = _gap(answer, truth, point, 2 * CLOSE_PRECISION)
    if second is None or abs(second[0] - first[0]) >= first[0] / 1000:
        return None
    gap, a, t = second
    digits = min(2 * CLOSE_PRECISION, 15 - int(sp.floor(sp.log(gap, 10))))
    return Difference(sp.sstr(sp.Float(a, digits)), sp.sstr(sp.Float(t, digits)),
                      f"values by mpmath at {CLOSE_PRECISION} digits, re-checked at "
                      f"{2 * CLOSE_PRECISION}; relative difference about "
                      f"{sp.sstr(sp.Float(gap, 3))}")


def _gap(answer: sp.Expr, truth: sp.Expr, point: dict[sp.Basic, sp.Expr],
         precision: int) -> tuple[sp.Float, sp.Float, sp.Float] | None:
    """(|a − t| / max(1, |t|), a, t) with both sides at `precision` digits."""
    values = []
    for side in (answer, truth):
        v = evaluate(side, point, precision)
        value = v.exact if v.exact is not None else v.numeric
        if value is None:
            return None
        values.append(sp.Float(value, precision))
    a, t = values
    return abs(a - t) / max(sp.Float(1), abs(t)), a, t


def _take(points: Iterator[dict[sp.Basic, sp.Expr]], n: int) -> Iterator[dict[sp.Basic, sp.Expr]]:
    for _, point in zip(range(n), points, strict=False):
        yield point


def _entries(d: int, m: int, kk: int) -> Entries:
    """The entries of x, W1 and W2 that networks of these sizes mention."""
    xs = [X[n] for n in range(1, d + 1)]
    w1 = [THETA.first(sp.Integer(a), sp.Integer(b)) for a in range(1, m + 1) for b in range(d + 1)]
    w2 = [THETA.second(sp.Integer(a), sp.Integer(b)) for a in range(1, kk + 1)
          for b in range(m + 1)]
    return xs, w1, w2



def exact_points(entries: Entries, rng: random.Random) -> Iterator[dict[sp.Basic, sp.Expr]]:
    """Points where σ(a) and tanh(a/2) are rational: integer x, W1 in (log 3)·Z."""
    xs, w1, w2 = entries
    while True:
        point: dict[sp.Basic, sp.Expr] = {}
        point.update({e: sp.Integer(rng.choice((1, 2, -1, 3, -2))) for e in xs})
        point.update({e: rng.choice((1, -1, 2, -2)) * LOG3 for e in w1})
        point.update({e: sp.Rational(rng.choice((1, 2, -1, 3, -3)), rng.choice((1, 2)))
                      for e in w2})
        yield point


def rational_points(entries: Entries, rng: random.Random) -> Iterator[dict[sp.Basic, sp.Expr]]:
    """Exact rational points (activations then transcendental: mpmath compares)."""
    while True:
        yield {e: sp.Rational(rng.randint(-9, 9), rng.randint(1, 4))
               for group in entries for e in group}


def exact_value(expr: sp.Expr, point: dict[sp.Basic, sp.Expr]) -> Value:
    """expr at point: exact when tanh and σ come out rational there, else mpmath."""
    value = rewrite_special(expr.xreplace(point))
    value = value.replace(lambda e: isinstance(e, sp.tanh), _tanh_by_exp)
    if value.is_Rational:
        return Value(value, None)
    return evaluate(expr, point)


def _tanh_by_exp(e: sp.tanh) -> sp.Expr:
    # tanh(z) = (e^{2z} − 1)/(e^{2z} + 1): at z ∈ (log 3)·Q/2 SymPy evaluates e^{2z}.
    z = sp.exp(2 * e.args[0])
    return (z - 1) / (z + 1)


def _counterexample(
    sizes: tuple[int, int, int], point: dict[sp.Basic, sp.Expr], found: Difference, where: str,
) -> Counterexample:
    d, m, kk = sizes
    shown = [("D", str(d)), ("M", str(m)), ("K", str(kk))]
    shown += [(sp.sstr(e), sp.sstr(v)) for e, v in sorted(point.items(), key=_entry_order)]
    note = f"answer = y(x, Θ′, tanh), truth = y(x, Θ, σ); {found.how}"
    return Counterexample(tuple(shown), found.answer, found.truth,
                          f"{where} at D = {d}, M = {m}, K = {kk}", note)


def _entry_order(item: tuple[sp.Basic, sp.Expr]) -> tuple[int, tuple[int, ...]]:
    entry = item[0]
    assert isinstance(entry, sp.Indexed)
    rank = {"x": 0, W1.name: 1, W2.name: 2}[str(entry.base.label)]
    return rank, tuple(int(n) for n in entry.indices)


# The claim ------------------------------------------------------------------------
Sizes = tuple[int, int, int]


@dataclass(frozen=True)
class SizeSearch:
    """What the concrete sizes gave: proved sizes, unresolved ones, a counterexample."""

    proved: int
    unresolved: tuple[Sizes, ...]
    counterexample: Counterexample | None
    beyond: bool = False  # the counterexample lies at a probe size past the grid
    literals: tuple[int, ...] = ()  # the answer's integer literals probed past the grid
    unprobed: tuple[int, ...] = ()  # ... and those too large to probe
    literal: int | None = None  # the literal whose probe gave the counterexample
    problem: str = ""  # why some size could not be written out
    unwritten: tuple[Sizes, ...] = ()  # probes that could not be written out (`problem`)


# Without a proof for all sizes, an answer proved on the grid might still fail past it
# (e.g. a sum up to Min(M, 4)): these larger sizes are searched for a counterexample.
PROBE_SIZES: tuple[Sizes, ...] = ((1, 5, 1), (5, 1, 1), (1, 1, 5), (2, 7, 2), (6, 6, 3))
# An answer right up to some size c and wrong past it (Min(M, 7), `if k <= 5`, `if D <= 6`)
# names c: for each integer literal c of the answer up to LITERAL_LIMIT, one of D, M, K is
# set to c, c + 1 and c + 2 and the other two to 1 or 2. Index values need no probes of
# their own: a network of size c + 2 has every index up to c + 2.
LITERAL_LIMIT = 24
LITERAL_POINTS = (4, 2)  # exact and rational points per literal probe


def answer_literals(theta: Proposal) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The integer literals c >= SIZE_LIMIT − 1 of the answer (c + 2 past the grid): those
    up to LITERAL_LIMIT, and those past it. A non-integer r gives ⌊|r|⌋ and ⌈|r|⌉."""
    values: set[int] = set()
    for expr in (theta.first, theta.second, theta.bias):
        for r in expr.atoms(sp.Rational):
            values |= {int(sp.floor(abs(r))), int(sp.ceiling(abs(r)))}
    values = {v for v in values if v >= SIZE_LIMIT - 1}
    return (tuple(sorted(v for v in values if v <= LITERAL_LIMIT)),
            tuple(sorted(v for v in values if v > LITERAL_LIMIT)))


def literal_sizes(literals: tuple[int, ...]) -> list[tuple[Sizes, int]]:
    """(size, literal) past the grid and not in PROBE_SIZES, smallest total first."""
    found: dict[Sizes, int] = {}
    for c in literals:
        for n in (c, c + 1, c + 2):
            for other in (1, 2):
                for axis in range(3):
                    sizes = tuple(n if a == axis else other for a in range(3))
                    if max(sizes) > SIZE_LIMIT and sizes not in PROBE_SIZES:
                        found.setdefault(sizes, c)  # type: ignore[arg-type]
    return sorted(found.items(), key=lambda item: (sum(item[0]), item[0]))


def search_sizes(theta: Proposal, limit: int = SIZE_LIMIT, probe: bool = False) -> SizeSearch:
    """Every size of the grid, smallest first, then (with `probe`) sizes past it.

    At each grid size the cheap proof comes first (`prove_scaled`). Where it does not
    apply, a counterexample is searched before the general proof, which is slow; so a
    wrong answer is refuted at once, still at the smallest size where it fails.
    """
    proved = 0
    unresolved: list[Sizes] = []
    problem = ""
    for sizes in all_sizes(limit):
        try:
            scaled = prove_scaled(theta, sizes)
            if scaled:
                proved += 1
                continue
            cx = refute_size(theta, sizes)
            if cx is not None:
                return SizeSearch(proved, tuple(unresolved), cx, problem=problem)
            if scaled is None and prove_written_out(theta, sizes):
                proved += 1
                continue
        except Unwritable as exc:
            problem = problem or str(exc)
        unresolved.append(sizes)
    if not probe:
        return SizeSearch(proved, tuple(unresolved), None, problem=problem)
    literals, unprobed = answer_literals(theta)
    probes: list[tuple[Sizes, int | None, tuple[int, int]]] = [
        (s, None, (EXACT_POINTS, RATIONAL_POINTS)) for s in PROBE_SIZES]
    probes += [(s, c, LITERAL_POINTS) for s, c in literal_sizes(literals)]
    unwritten: list[Sizes] = []
    for sizes, literal, (exact, rational) in probes:
        try:
            cx = refute_size(theta, sizes, exact, rational)
        except Unwritable as exc:
            problem = problem or str(exc)
            unwritten.append(sizes)
            continue
        if cx is not None:
            return SizeSearch(proved, tuple(unresolved), cx, True, literals, unprobed, literal,
                              problem, tuple(unwritten))
    return SizeSearch(proved, tuple(unresolved), None, False, literals, unprobed, None, problem,
                      tuple(unwritten))


def network_claim(parts: dict[str, sp.Expr], options: Options) -> Decided:
    theta = proposal(parts)
    return Decided("y(x, Θ′, tanh) = y(x, Θ, σ) for every x and every size",
                   lambda: decide_network(theta))


def decide_network(theta: Proposal) -> Outcome:
    lines = seed_lines()
    tanh_net = tanh_network(theta)
    symbolic = proves_zero(tanh_net - lines[0][1])
    search = search_sizes(theta, probe=not symbolic)
    last = _last_link(theta, tanh_net, search)
    total = SIZE_LIMIT**3
    witness = StepResult(
        f"y(x, Θ′, tanh)_k = y(x, Θ, σ)_k for every D, M, K <= {SIZE_LIMIT}, every k "
        "(explicit networks)", _search_status(search), _search_method(search, total),
        search.counterexample)
    steps = (*lemma_steps(), *seed_steps(), last, witness)
    if search.counterexample is not None:
        if symbolic:
            return Outcome(Status.UNDECIDED, "symbolic proof and a counterexample disagree",
                           search.counterexample, "internal inconsistency; please report this",
                           steps)
        return Outcome(Status.REFUTED, f"counterexample: both networks at {_where(search, total)}",
                       search.counterexample, steps=steps)
    if symbolic:
        return Outcome(Status.VERIFIED, f"symbolic for all D, M, K >= 1: y(x, Θ′, tanh)_k = "
                       "y(x, Θ, σ)_k with indexed weights and nested sums (sums merged, summand "
                       f"identically 0); second witness: {_search_method(search, total)}",
                       steps=steps)
    if not search.unresolved:
        return Outcome(Status.VERIFIED, f"proved for every D, M, K <= {SIZE_LIMIT} ({total} "
                       "sizes, explicit networks, every output); no proof for all sizes, and no "
                       f"counterexample at the larger sizes {_sizes_text(PROBE_SIZES)}"
                       f"{_literals_text(search)}", steps=steps)
    reason = "no proof and no counterexample within the limits"
    if search.problem:
        reason += f" ({search.problem})"
    return Outcome(Status.UNDECIDED, _search_method(search, total), reason=reason, steps=steps)


def _where(search: SizeSearch, total: int) -> str:
    if not search.beyond:
        return (f"the smallest failing size (D, M, K searched up to {SIZE_LIMIT}, "
                "smallest first)")
    grid = (f"every D, M, K <= {SIZE_LIMIT} proved" if not search.unresolved
            else f"{search.proved} of {total} sizes up to {SIZE_LIMIT} proved, none refuted")
    why = ("" if search.literal is None
           else f"; probed because the answer has the integer literal {search.literal}")
    return f"a size past the grid ({grid}{why})"


def _literals_text(search: SizeSearch) -> str:
    text = ""
    if search.literals:
        cs = ", ".join(map(str, search.literals))
        text += (f", nor with one of D, M, K at c, c + 1, c + 2 and the other two 1 or 2 for "
                 f"each integer literal c of the answer ({cs})")
    if search.unprobed:
        shown = ", ".join(_short(c) for c in search.unprobed[:3])
        more = ", ..." if len(search.unprobed) > 3 else ""
        text += f"; integer literals past {LITERAL_LIMIT} were not probed: {shown}{more}"
    if search.unwritten:
        text += (f"; {len(search.unwritten)} of these sizes could not be written out and were "
                 f"not searched ({search.problem}): {_sizes_text(search.unwritten)}")
    return text


def _short(c: int) -> str:
    text = str(c)
    return text if len(text) <= 12 else f"{text[:4]}...({len(text)} digits)"


def _last_link(theta: Proposal, tanh_net: sp.Expr, search: SizeSearch) -> StepResult:
    text = "= Σ_j ω̃²_kj tanh(Σ_i ω̃¹_ji x_i + ω̃¹_j0) + ω̃²_k0 = y(x, Θ′, tanh)_k (Θ′: the answer)"
    step = symbolic_step(text, seed_lines()[-1][1], tanh_net)
    if step.status is Status.VERIFIED or search.counterexample is None:
        return step
    return StepResult(text, Status.REFUTED, "counterexample at concrete sizes (see below)",
                      search.counterexample)


def _sizes_text(sizes: tuple[Sizes, ...]) -> str:
    return ", ".join("(" + ", ".join(map(str, s)) + ")" for s in sizes) + " (D, M, K)"


def _search_status(search: SizeSearch) -> Status:
    if search.counterexample is not None:
        return Status.REFUTED
    return Status.UNDECIDED if search.unresolved else Status.VERIFIED


def _search_method(search: SizeSearch, total: int) -> str:
    if search.counterexample is not None:
        past = " and a probe past them" if search.beyond else ""
        return f"counterexample after {search.proved} sizes proved{past}"
    if search.unresolved:
        return (f"explicit networks proved equal for {search.proved} of {total} sizes; "
                f"undecided at {len(search.unresolved)}")
    return f"explicit networks proved equal for every D, M, K <= {SIZE_LIMIT} ({total} sizes, " \
        "every output k)"


NOTES = (
    "Sum(t, (j, a, b)) is 0 when b < a, as in question 5 (SymPy's own Sum follows Karr's "
    "convention there, which question 3 does not): the written-out networks use this "
    "convention, and the proof for all sizes is claimed only when every sum has b >= a - 1 "
    "for every value of its symbols, where the two conventions agree.",
    f"Without a proof for all sizes, an answer proved for every D, M, K <= {SIZE_LIMIT} is "
    "also searched for a counterexample at larger sizes: fixed probes, and for each integer "
    f"literal c of the answer (3 <= c <= {LITERAL_LIMIT}) one of D, M, K at c, c + 1, c + 2 "
    "with the other two 1 or 2; the method names them.",
)



QUESTIONS: list[Question] = []  # this module's questions, in the order asked

QUESTIONS.append(Question(
    id="3", title="the tanh network equivalent to a sigmoid network",
    statement="For y(x, Θ, σ)_k = Σ_{j=1}^{M} ω²_kj σ(Σ_{i=1}^{D} ω¹_ji x_i + ω¹_j0) + ω²_k0, "
              "give Θ′ = (ω̃¹, ω̃²) with y(x, Θ′, tanh) = y(x, Θ, σ) for all x: "
              "W1 = ω̃¹[j, i] (every i, bias i = 0 included), W2 = ω̃²[k, j] for j >= 1, "
              "b2 = ω̃²[k, 0], as expressions in W1[j, i] and W2[k, j].",
    kind=AnswerKind.PARTS, namespace=NAMESPACE,
    reference="W1 = W1[j,i]/2; W2 = W2[k,j]/2; b2 = W2[k,0] + Sum(W2[k,j], (j, 1, M))/2",
    truth="both networks built from the definition (σ logistic, tanh) and compared as a "
          "whole: symbolically for all D, M, K with nested sums over indexed weights, and "
          f"written out for every D, M, K <= {SIZE_LIMIT}; the seed's chain is checked "
          "link by link",
    claim=network_claim,
    parts=PARTS,
    notes=NOTES,
    prepare=lambda options: (lemma_steps(), seed_steps()),
))
