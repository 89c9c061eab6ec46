"""Question 3 in a written derivation (`derivcheck doc`): the spellings of Answer 3 and
how two consecutive steps are compared.

Every value comes from the definitions the claim uses: y(x, Θ, σ)_k is
`symbolic.sigmoid_network`, y(x, Θ′, tanh)_k is `symbolic.tanh_network` with the Θ′ the
block states (its parts W1, W2, b2), and each tilde entry is that Θ′ at its indices
(`Proposal.parameters`: ω̃²_k0 is b2, ω̃²_kj for j ≥ 1 the part W2). The plain ω¹_ji and
ω²_kj are read by the LaTeX front end as W1[j, i] and W2[k, j]; x_i is the input entry
x[i] of `networks.inputs`.

A link is proved for every D, M, K >= 1 as a link of the seed's chain is
(`symbolic.proves_zero`: sums merged, summand identically 0, no sum that depends on
Karr's convention) and confirmed at exact points of concrete sizes; without a proof, a
counterexample is searched at concrete sizes, with every free index in its range, at
points where σ and tanh are rational (x integer, ω¹ in (log 3)·Z), then at rational
points (mpmath at 60 digits, re-checked at 120). A difference found there is a
refutation; agreement at finitely many sizes is at best `undecided`.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

import sympy as sp

from checker.model.errors import AnswerError
from checker.model.namespace import REAL, Variable
from checker.model.notation import DocumentSpec, LinkDecision, Notation
from checker.model.verdict import Counterexample, Status, StepResult
from checker.prove.sampling import PointDifference, point_difference
from derivations.networks import Unwritable, write_out
from derivations.q3_tanh_network.concrete import (
    NetworkSizes,
    all_sizes,
    exact_points,
    rational_points,
)
from derivations.q3_tanh_network.parameters import (
    PARTS,
    THETA_W1,
    W2,
    Proposal,
    X,
    d_,
    i,
    j,
    k,
    k_,
    m_,
    proposal,
)
from derivations.q3_tanh_network.symbolic import PROVED, proves_zero, sigmoid_network, tanh_network

# The lemma's argument: `\tanh(x) = 2\sigma(2x) - 1` names a real number x, while the
# network's input is only ever written with its index (x_i, the notation below). A step
# that names both is not read as either (see `link`).
LEMMA_X = Variable("x", REAL, "the real argument of the lemma tanh(x) = 2σ(2x) − 1 (the "
                   "network's input entries are written x_i)")
_SCALAR_X = LEMMA_X.symbol

CONFIRM_SIZES: tuple[NetworkSizes, ...] = ((2, 2, 1), (3, 2, 2))  # a proof's second witness
SEARCH_SIZES: tuple[NetworkSizes, ...] = tuple(all_sizes(3))  # D, M, K <= 3, smallest first
EXACT_POINTS = 3  # points per size (and per value of the free indices) where σ, tanh are rational
RATIONAL_POINTS = 1  # then rational points, compared by mpmath
MAX_INDEX_VALUES = 16  # combinations of free index values tried per size


# The values ---------------------------------------------------------------------------
def _theta(answer: Any) -> Proposal:
    if not (isinstance(answer, dict) and set(answer) == set(PARTS)):
        raise AnswerError("question 3's answer is Θ′ in three parts (W1, W2, b2); the block "
                          "has stated no such answer, so Θ′ cannot be read here")
    return proposal(answer)


def sigmoid_output(kk: sp.Expr) -> sp.Expr:
    """y(x, Θ, σ)_kk: the truth, from the definition."""
    return sigmoid_network().xreplace({k: kk})


def tanh_output(kk: sp.Expr, answer: Any) -> sp.Expr:
    """y(x, Θ′, tanh)_kk with the block's Θ′."""
    return tanh_network(_theta(answer)).xreplace({k: kk})


def first_layer(jj: sp.Expr, ii: sp.Expr, answer: Any) -> sp.Expr:
    """ω̃¹_{jj ii} of the block's Θ′ (ii = 0: the bias of hidden unit jj)."""
    return _theta(answer).parameters().first(jj, ii)


def second_layer(kk: sp.Expr, jj: sp.Expr, answer: Any) -> sp.Expr:
    """ω̃²_{kk jj} of the block's Θ′: b2 at jj = 0, the part W2 otherwise. An index that is
    a name (a sum's) may be 0: both, as cases; a sum from 1 drops the bias case again
    (`_within_sums`)."""
    parameters = _theta(answer).parameters()
    if jj.is_number:
        return parameters.second(kk, jj)
    # With jj a name, `second` gives the part W2 (its `jj == 0` test is structural).
    return sp.Piecewise((parameters.second(kk, sp.Integer(0)), sp.Eq(jj, 0)),
                        (parameters.second(kk, jj), True))


def _within_sums(expr: sp.Expr) -> sp.Expr:
    """Inside a sum whose index starts at 1 or more, `index = 0` is false: the bias case of
    ω̃²_kj (`second_layer`) is dropped there, so the sums of the derivation read as written."""
    def drop(node: sp.Basic) -> sp.Basic:
        if isinstance(node, sp.Sum):
            body = node.function
            for variable, low, _ in node.limits:
                if low.is_number and low >= 1:
                    body = body.xreplace({sp.Eq(variable, 0): sp.false})
            return sp.Sum(drop(body), *node.limits)
        if not node.args:
            return node
        return node.func(*(drop(a) for a in node.args))
    return drop(expr)


def input_entry(ii: sp.Expr) -> sp.Expr:
    return X[ii]


_FIRST = "ω̃¹_ji of the stated Θ′ (part W1; i = 0: the bias)"
_SECOND = "ω̃²_kj of the stated Θ′ (part W2 for j >= 1; j = 0: part b2)"
# The layer is a parenthesised superscript, as for the plain ω (the LaTeX front end reads
# `\omega^{(1)}_{ji}` as W1[j, i]); the tilde may cover the ω, its subscript or all of it.
TILDE_FIRST = (r"\tilde{\omega}^{(1)}_#", r"\tilde{\omega}_#^{(1)}", r"\tilde{\omega_#}^{(1)}",
               r"\tilde{\omega_#^{(1)}}")
TILDE_SECOND = (r"\tilde{\omega}^{(2)}_#", r"\tilde{\omega}_#^{(2)}", r"\tilde{\omega_#}^{(2)}",
                r"\tilde{\omega_#^{(2)}}")
SIGMOID_OUTPUT = (r"y(x,\Theta,\sigma)_#",)
TANH_OUTPUT = (r"y(x,\Theta',\tanh)_#", r"y(x,\Theta^{\prime},\tanh)_#", r"y(x,\Theta^\prime,\tanh)_#")

NOTATION: tuple[Notation, ...] = (
    *(Notation(s, "y(x, Θ, σ)_k, the sigmoid network's output k (the definition)",
               sigmoid_output, rank=1) for s in SIGMOID_OUTPUT),
    *(Notation(s, "y(x, Θ′, tanh)_k, the tanh network's output k with the stated Θ′",
               tanh_output, rank=1, uses_answer=True) for s in TANH_OUTPUT),
    *(Notation(s, _FIRST, first_layer, rank=2, uses_answer=True) for s in TILDE_FIRST),
    *(Notation(s, _SECOND, second_layer, rank=2, uses_answer=True) for s in TILDE_SECOND),
    Notation("x_#", "x_i, entry i of the network's input", input_entry, rank=1),
)


def _part_spellings(indices: str, templates: Sequence[str]) -> tuple[str, ...]:
    return tuple(t.replace("#", "{" + indices + "}") for t in templates)


# The spellings whose "where" equation defines each part (ω̃¹_ji, ω̃²_kj with j >= 1, ω̃²_k0).
PART_SPELLINGS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("W1", _part_spellings("ji", TILDE_FIRST) + _part_spellings("j,i", TILDE_FIRST)),
    ("W2", _part_spellings("kj", TILDE_SECOND) + _part_spellings("k,j", TILDE_SECOND)),
    ("b2", _part_spellings("k0", TILDE_SECOND) + _part_spellings("k,0", TILDE_SECOND)),
)


# The link -------------------------------------------------------------------------------
def decide_link(before: Any, after: Any, where: str) -> StepResult:
    """`after` against `before`: a proof for every D, M, K (confirmed at exact points), a
    counterexample at concrete sizes, or undecided naming the sizes tried."""
    if not (isinstance(before, sp.Expr) and isinstance(after, sp.Expr)):
        return StepResult("", Status.UNDECIDED, "not an expression: the steps cannot be compared")
    before, after = _within_sums(before), _within_sums(after)
    if any(_names_both_x(e) for e in (before, after)):
        return StepResult("", Status.UNDECIDED, "a step names both the real number x of the "
                          "lemma and the input entries x_i; they cannot be compared")
    outside = next((found for e in (before, after) if (found := _input_before_first(e)) is not None), None)
    if outside is not None:
        # The bias trick (x_0 = 1) is a convention of the write-up, not of the question:
        # x_0 is no input, and a value for it would be a guess.
        return StepResult("", Status.ERROR, f"{outside} is not an entry of the input x (x_1 .. "
                          "x_D): write the bias ω_j0 as its own term, as the question does")
    if proves_zero(after - before):
        try:
            cx = search(after, before, CONFIRM_SIZES, where)
        except Unwritable as exc:
            return StepResult("", Status.UNDECIDED, f"a symbolic proof, but not confirmed at "
                              f"concrete sizes ({exc})")
        if cx is not None:
            return StepResult("", Status.UNDECIDED, "internal inconsistency: a symbolic proof "
                              "was contradicted at a concrete point; please report this", cx)
        return StepResult("", Status.VERIFIED, f"{PROVED}; confirmed at exact points")
    try:
        cx = search(after, before, SEARCH_SIZES, where)
    except Unwritable as exc:
        return StepResult("", Status.UNDECIDED, f"no symbolic proof for every D, M, K, and the "
                          f"steps cannot be written out at concrete sizes ({exc})")
    if cx is not None:
        return StepResult("", Status.REFUTED, "counterexample at a concrete size, re-checked "
                          f"({cx.note.rsplit('; ', 1)[-1]})", cx)
    return StepResult("", Status.UNDECIDED, "no symbolic proof for every D, M, K; no "
                      f"counterexample at every D, M, K <= {max(max(s) for s in SEARCH_SIZES)} "
                      "(every free index in its range): agreement at finitely many sizes is "
                      "not a proof")


def _input_before_first(e: sp.Expr) -> str | None:
    """`x_0` (or x at any index below 1) in `e`, directly or as a sum's first term
    (`\\sum_{i=0}^{D} \\omega_{ji} x_i`): how it is written, else None."""
    def first_terms(node: sp.Basic) -> list[sp.Basic]:
        if isinstance(node, sp.Sum):
            body = node.function
            for variable, low, _ in node.limits:
                body = body.subs(variable, low)  # subs leaves an inner sum's own index alone
            return [body, *(t for a in node.args for t in first_terms(a))]
        return [t for a in node.args for t in first_terms(a)]

    for term in [e, *first_terms(e)]:
        for entry in term.atoms(sp.Indexed):
            index = entry.indices[0]
            if entry.base == X and index.is_number and index < 1:
                return f"x_{sp.sstr(index)}"
    return None


def _names_both_x(e: sp.Expr) -> bool:
    """The scalar x of the lemma next to the entries x[i] (whose label is the same symbol)."""
    entries = e.atoms(sp.Indexed)
    if not any(a.base == X for a in entries):
        return False
    hidden = e.xreplace({a: sp.Dummy() for a in entries})
    return _SCALAR_X in hidden.free_symbols


def search(after: sp.Expr, before: sp.Expr, sizes: Sequence[NetworkSizes],
           where: str) -> Counterexample | None:
    """The first exact point of the given sizes where the two steps differ, re-checked.
    Steps that name no size, index or network entry (the lemma) are tried once."""
    sized = _sized(after) or _sized(before)
    for size in sizes if sized else sizes[:1]:
        for indices in islice(_index_values(after, before, size), MAX_INDEX_VALUES):
            fixed = {d_: sp.Integer(size[0]), m_: sp.Integer(size[1]), k_: sp.Integer(size[2]),
                     **indices}
            a, b = (write_out(_put(e, fixed)) for e in (after, before))
            found = _difference(a, b, random.Random(sum(size) + 7 * len(fixed)))
            if found is not None:
                point, difference = found
                return _counterexample(size if sized else None, indices, point, difference, where)
    return None


def _sized(e: sp.Expr) -> bool:
    return bool(e.atoms(sp.Indexed)) or bool(e.free_symbols & {d_, m_, k_, k, j, i})


def _put(e: sp.Expr, values: dict[sp.Symbol, sp.Integer]) -> sp.Expr:
    """e with the given free symbols replaced (a bound variable of the same name stays)."""
    bound = {limit[0] for s in e.atoms(sp.Sum) for limit in s.limits}
    return e.subs(values) if bound & set(values) else e.xreplace(values)


def _index_values(after: sp.Expr, before: sp.Expr,
                  size: NetworkSizes) -> Iterator[dict[sp.Symbol, sp.Integer]]:
    """Every combination of values of the free indices in their ranges: k in 1..K, j in
    1..M (a free j is a hidden unit: ω̃²_k0 is written with its 0), i in 0..D."""
    d, m, kk = size
    ranges = {k: range(1, kk + 1), j: range(1, m + 1), i: range(0, d + 1)}
    free = [s for s in (k, j, i) if s in after.free_symbols | before.free_symbols]
    for values in itertools.product(*(ranges[s] for s in free)):
        yield {s: sp.Integer(v) for s, v in zip(free, values, strict=True)}


def _difference(a: sp.Expr, b: sp.Expr,
                rng: random.Random) -> tuple[dict[sp.Basic, sp.Expr], PointDifference] | None:
    entries = sorted({e for side in (a, b) for e in side.atoms(sp.Indexed)
                      if all(n.is_Integer for n in e.indices)}, key=sp.default_sort_key)
    scalars = sorted((s for side in (a, b) for s in side.free_symbols
                      if isinstance(s, sp.Symbol) and s not in {e.base.label for e in entries}),
                     key=sp.default_sort_key)
    if any(s != _SCALAR_X for s in scalars):
        return None  # a name this link cannot give a value to
    xs = [e for e in entries if e.base == X]
    w1 = [e for e in entries if e.base == THETA_W1] + scalars  # log 3 multiples: σ, tanh rational
    w2 = [e for e in entries if e.base not in (X, THETA_W1)]
    groups = (xs, w1, w2)
    candidates = (*islice(exact_points(groups, rng), EXACT_POINTS),
                  *islice(rational_points(groups, rng), RATIONAL_POINTS))
    for n, point in enumerate(candidates):
        found = point_difference(a, b, point, closer=n == 0)
        if found is not None:
            return point, found
    return None


def _counterexample(size: NetworkSizes | None, indices: dict[sp.Symbol, sp.Integer],
                    point: dict[sp.Basic, sp.Expr], found: PointDifference,
                    where: str) -> Counterexample:
    shown = [] if size is None else [("D", str(size[0])), ("M", str(size[1])), ("K", str(size[2]))]
    shown += [(str(s), str(v)) for s, v in indices.items()]
    shown += [(sp.sstr(e), sp.sstr(v)) for e, v in sorted(point.items(), key=_order)]
    return Counterexample(tuple(shown), found.answer, found.truth, where,
                          f"answer = this step, truth = the step before; {found.how}")


def _order(item: tuple[sp.Basic, sp.Expr]) -> tuple[int, tuple[int, ...], str]:
    """x, then the entries of x, W1, W2 by their indices."""
    entry = item[0]
    if not isinstance(entry, sp.Indexed):
        return 0, (), str(entry)
    rank = {str(X.label): 1, str(THETA_W1.label): 2, W2.name: 3}.get(str(entry.base.label), 4)
    return rank, tuple(int(n) for n in entry.indices), ""


LINK: LinkDecision = decide_link

# The first layer's bias stated on its own (ω̃¹_j0 = ...): part W1 where i = 0.
PART_CASES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("W1", _part_spellings("j0", TILDE_FIRST) + _part_spellings("j,0", TILDE_FIRST), "i = 0"),
)

DOCUMENT = DocumentSpec(
    notation=NOTATION,
    variables=(LEMMA_X,),
    link=LINK,
    parts=PART_SPELLINGS,
    part_cases=PART_CASES,
)

