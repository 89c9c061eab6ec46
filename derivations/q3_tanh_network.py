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
   (`checker.canonical`; the inner sum is an opaque real there, the exps become
   powers of common bases). The seed's derivation is checked the same way, link by
   link, and reported as the verdict's steps: the lemma tanh(t) = 2σ(2t) − 1 and
   σ(t) = (1 + tanh(t/2))/2, then y(x, Θ, σ)_k = (seed line 2) = (seed line 3) =
   y(x, Θ′, tanh)_k with the answer's Θ′ (so for the reference answer this is the
   seed's chain exactly). Every proved link is confirmed in exact arithmetic at
   concrete sizes: a disagreement is reported as an internal inconsistency.
2. Concrete sizes, the second witness: for every D, M, K ≤ 4 (64 sizes, smallest
   first) the networks are written out explicitly and every output k is proved
   equal. Each hidden unit's answer pre-activation must be a rational multiple c_j
   of the true one (checked by `cancel`); then the pre-activations are replaced by
   fresh symbols u_j, which is sound for proofs (an identity in independent u_j
   holds in particular at u_j = a_j(x, Θ)) and makes each proof small.
3. Counterexamples. Where a size is not proved, both networks are evaluated at
   exact points: x integer, W2 rational, W1 integer multiples of log 3, so every
   σ(a) and tanh(a/2) is rational and the two outputs are compared exactly. (Other
   Θ′ fall back to rational points, mpmath at 60 digits re-checked at 120.) The
   first failing size is the smallest one, so the counterexample is small. Without
   a symbolic proof, a few sizes past the grid (`PROBE_SIZES`) are searched too, so
   an answer right only for small sizes (a sum up to Min(M, 4)) is still refuted.

`verified` needs the symbolic proof, or (said so in the method, with the range) a
proof for every size in 1..4 and no counterexample at the probes when no proof for
all sizes was found. `refuted` needs a point where the two outputs differ.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from fractions import Fraction

import sympy as sp

from checker.canonical import merge_sums, normalise_sums, rational_zero
from checker.claims import Decided, Equal
from checker.engine import decide_equal
from checker.errors import AnswerError
from checker.functions import rewrite_special
from checker.namespace import POSITIVE_INTEGER, REAL, Domain, Namespace, Variable, Vector
from checker.questions import AnswerKind, Question, register
from checker.sampling import Value, differ, evaluate
from checker.verdict import Counterexample, Outcome, Status, StepResult
from derivations.definitions import logistic
from derivations.networks import (
    HIDDEN,
    Parameters,
    indexed_parameters,
    inputs,
    output,
    output_of_preactivations,
    output_sum,
    preactivation,
    preactivation_sum,
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
    """expr at the given indices and sizes; sums written out once the sizes are numbers.

    Memoised: the same entry of Θ′ is asked for at many sizes and outputs.
    """
    value = expr.xreplace(dict(values))
    explicit = all(v.is_Integer for _, v in values) and not value.free_symbols & SIZES
    return value.doit() if explicit and value.has(sp.Sum) else value


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
    return Proposal(parts["W1"], parts["W2"], parts["b2"])


def _labels(expr: sp.Expr) -> set[sp.Basic]:
    return {e.base.label for e in expr.atoms(sp.Indexed)}


# Symbolic sizes ---------------------------------------------------------------------
def sums_identical(difference: sp.Expr) -> bool:
    """True if a difference of (nested) sums is identically 0; False means "not shown".

    Like `checker.canonical.summand_zero`, but only the top-level merged sums are
    asked for a zero summand: an inner sum (the pre-activation) stays inside its
    summand as an opaque real, and need not vanish on its own.
    """
    merged = merge_sums(normalise_sums(difference))
    zeros: dict[sp.Basic, sp.Expr] = {}
    for term in sp.Add.make_args(merged):
        if isinstance(term, sp.Sum):
            if not rational_zero(term.function):
                return False
            zeros[term] = sp.Integer(0)
    return rational_zero(merged.xreplace(zeros))


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
    if not sums_identical(after - before):
        return StepResult(text, Status.UNDECIDED, "no symbolic proof")
    for sizes in ((2, 2, 1), (3, 2, 2)):
        cx = _disagreement(after, before, sizes, text)
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
    a, b = (e.xreplace(fixed).doit() for e in (left, right))
    point = next(exact_points(_entries(d, m, kk), random.Random(sum(sizes))))
    va, vb = exact_value(a, point), exact_value(b, point)
    if not differ(va, vb, point, a, b):
        return None
    return _counterexample(sizes, point, va, vb, f"{where}, output {kk}")


# Concrete sizes ---------------------------------------------------------------------
def all_sizes(limit: int = SIZE_LIMIT) -> list[tuple[int, int, int]]:
    """Every (D, M, K) in 1..limit, smallest total first (smallest counterexample)."""
    grid = [(d, m, kk) for d in range(1, limit + 1) for m in range(1, limit + 1)
            for kk in range(1, limit + 1)]
    return sorted(grid, key=lambda s: (sum(s), s))


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
    d, m, kk = sizes
    primed = theta.parameters({d_: d, m_: m, k_: kk})
    scales = _unit_scales(primed, d, m)
    for out in range(1, kk + 1):
        if scales is None:
            difference = output(primed, X, sp.tanh, out, d, m) - output(
                THETA, X, logistic, out, d, m)
        else:
            u = _hidden(m)
            difference = output_of_preactivations(
                primed.second, sp.tanh, out, [c * v for c, v in zip(scales, u, strict=True)]
            ) - output_of_preactivations(THETA.second, logistic, out, u)
        if not _zero(difference):
            return False
    return True


def _unit_scales(primed: Parameters, d: int, m: int) -> tuple[sp.Rational, ...] | None:
    """c_j with answer pre-activation = c_j · true pre-activation, or None."""
    scales = []
    for unit in range(1, m + 1):
        ratio = _ratio(preactivation(primed, X, unit, d), preactivation(THETA, X, unit, d))
        if not ratio.is_Rational:
            return None
        scales.append(ratio)
    return tuple(scales)


@functools.lru_cache(maxsize=4096)
def _ratio(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    return sp.cancel(numerator / denominator)


def refute_size(theta: Proposal, sizes: tuple[int, int, int]) -> Counterexample | None:
    """A point of these sizes where some output of the two networks differs."""
    d, m, kk = sizes
    primed = theta.parameters({d_: d, m_: m, k_: kk})
    pairs = [(output(primed, X, sp.tanh, out, d, m), output(THETA, X, logistic, out, d, m))
             for out in range(1, kk + 1)]
    entries = _entries(d, m, kk)
    # An answer may mention entries that are no parameters at these sizes (e.g. a
    # sum up to 3 when M = 1): they get values like any other, and the note says so.
    known = {e for group in entries for e in group}
    outside = sorted({e for a, _ in pairs for e in a.atoms(sp.Indexed)} - known,
                     key=sp.default_sort_key)
    xs, w1, w2 = entries
    entries = (xs, w1 + [e for e in outside if e.base == THETA_W1],
               w2 + [e for e in outside if e.base != THETA_W1])
    rng = random.Random(1000 * d + 100 * m + kk)
    for point in _points(entries, rng):
        for out, (answer, truth) in enumerate(pairs, start=1):
            va, vt = exact_value(answer, point), exact_value(truth, point)
            if differ(va, vt, point, answer, truth):
                cx = _counterexample(sizes, point, va, vt, f"output y_{out}")
                if outside:
                    names = ", ".join(sp.sstr(e) for e in outside)
                    cx = replace(cx, note=f"{cx.note}; the answer mentions {names}, which "
                                 "are no parameters of a network of these sizes")
                return cx
    return None


Entries = tuple[list[sp.Expr], list[sp.Expr], list[sp.Expr]]


def _points(entries: Entries, rng: random.Random) -> Iterator[dict[sp.Basic, sp.Expr]]:
    yield from _take(exact_points(entries, rng), 8)
    yield from _take(rational_points(entries, rng), 4)


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
    sizes: tuple[int, int, int], point: dict[sp.Basic, sp.Expr], answer: Value, truth: Value,
    where: str,
) -> Counterexample:
    d, m, kk = sizes
    shown = [("D", str(d)), ("M", str(m)), ("K", str(kk))]
    shown += [(sp.sstr(e), sp.sstr(v)) for e, v in sorted(point.items(), key=_entry_order)]
    exact = answer.exact is not None and truth.exact is not None
    how = "exact arithmetic" if exact else "values by mpmath, re-checked at 120 digits"
    note = f"answer = y(x, Θ′, tanh), truth = y(x, Θ, σ); {how}"
    return Counterexample(tuple(shown), answer.show(), truth.show(),
                          f"{where} at D = {d}, M = {m}, K = {kk}", note)


def _entry_order(item: tuple[sp.Basic, sp.Expr]) -> tuple[int, tuple[int, ...]]:
    entry = item[0]
    assert isinstance(entry, sp.Indexed)
    rank = {"x": 0, W1.name: 1, W2.name: 2}[str(entry.base.label)]
    return rank, tuple(int(n) for n in entry.indices)


# The claim ------------------------------------------------------------------------
@dataclass(frozen=True)
class SizeSearch:
    """What the concrete sizes gave: proved sizes, unresolved ones, a counterexample."""

    proved: int
    unresolved: tuple[tuple[int, int, int], ...]
    counterexample: Counterexample | None
    beyond: bool = False  # the counterexample lies at a probe size past the grid


# Without a proof for all sizes, an answer proved on the grid might still fail past it
# (e.g. a sum up to Min(M, 4)): these larger sizes are searched for a counterexample.
PROBE_SIZES = ((1, 5, 1), (5, 1, 1), (1, 1, 5), (2, 7, 2), (6, 6, 3))


def search_sizes(theta: Proposal, limit: int = SIZE_LIMIT, probe: bool = False) -> SizeSearch:
    proved = 0
    unresolved: list[tuple[int, int, int]] = []
    for sizes in all_sizes(limit):
        if prove_size(theta, sizes):
            proved += 1
            continue
        cx = refute_size(theta, sizes)
        if cx is not None:
            return SizeSearch(proved, tuple(unresolved), cx)
        unresolved.append(sizes)
    for sizes in PROBE_SIZES if probe else ():
        cx = refute_size(theta, sizes)
        if cx is not None:
            return SizeSearch(proved, tuple(unresolved), cx, beyond=True)
    return SizeSearch(proved, tuple(unresolved), None)


def network_claim(parts: dict[str, sp.Expr]) -> Decided:
    theta = proposal(parts)
    return Decided("y(x, Θ′, tanh) = y(x, Θ, σ) for every x and every size",
                   lambda: decide_network(theta))


def decide_network(theta: Proposal) -> Outcome:
    lines = seed_lines()
    tanh_net = tanh_network(theta)
    symbolic = sums_identical(tanh_net - lines[0][1])
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
        where = (f"a size past the grid (every D, M, K <= {SIZE_LIMIT} proved)" if search.beyond
                 else f"the smallest failing size (D, M, K searched up to {SIZE_LIMIT}, "
                 "smallest first)")
        return Outcome(Status.REFUTED, f"counterexample: both networks at {where}",
                       search.counterexample, steps=steps)
    if symbolic:
        return Outcome(Status.VERIFIED, f"symbolic for all D, M, K >= 1: y(x, Θ′, tanh)_k = "
                       "y(x, Θ, σ)_k with indexed weights and nested sums (sums merged, summand "
                       f"identically 0); second witness: {_search_method(search, total)}",
                       steps=steps)
    if not search.unresolved:
        return Outcome(Status.VERIFIED, f"proved for every D, M, K <= {SIZE_LIMIT} ({total} "
                       "sizes, explicit networks, every output); no proof for all sizes, and no "
                       f"counterexample at the larger sizes {_sizes_text(PROBE_SIZES)}",
                       steps=steps)
    return Outcome(Status.UNDECIDED, _search_method(search, total),
                   reason="no proof and no counterexample within the limits", steps=steps)


def _last_link(theta: Proposal, tanh_net: sp.Expr, search: SizeSearch) -> StepResult:
    text = "= Σ_j ω̃²_kj tanh(Σ_i ω̃¹_ji x_i + ω̃¹_j0) + ω̃²_k0 = y(x, Θ′, tanh)_k (Θ′: the answer)"
    step = symbolic_step(text, seed_lines()[-1][1], tanh_net)
    if step.status is Status.VERIFIED or search.counterexample is None:
        return step
    return StepResult(text, Status.REFUTED, "counterexample at concrete sizes (see below)",
                      search.counterexample)


def _sizes_text(sizes: tuple[tuple[int, int, int], ...]) -> str:
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


register(Question(
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
    prepare=lambda: (lemma_steps(), seed_steps()),
))
