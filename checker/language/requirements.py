"""Where an answer is defined, and how large what it builds is: both recorded per
operation while the answer is parsed, before SymPy simplifies or multiplies out.

An answer must be defined (and real) on its whole domain. SymPy simplifies while
it builds: `x*(k1 - 1)/(k1 - 1)` becomes `x`, `g**e * g**(-e)` becomes 1 and
`exp(-log(g))` becomes `1/g`, before any later pass could see the division. So the
parser records, per operation, what must hold (a divisor is nonzero, a log's
argument positive, a square root's argument nonnegative, a matrix raised to a
negative power invertible), and `unproved` says which of these could not be shown on
the namespace's domains. A proof of such an answer is a proof of its simplified form
only, and is not reported as `verified`: `0*(p*p.T)**-1` is the zero matrix to SymPy,
but the inverse it multiplies does not exist.

A matrix requirement is never shown to hold (a declared matrix has no known entries).
`singular` shows the opposite where it can: a square matrix whose rank is bounded
below its size for every size on the domain (an outer product p*p.T of a K x 1 column,
K >= 2) has no inverse anywhere, and the parser refuses its inverse outright.

`Sizes` measures what each step builds (numbers multiplied out, exponents, the numbers
whose roots SymPy factors), for the parser's caps (checker.language.textparse.InputCaps).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import sympy as sp

from checker.model.functions import sigmoid
from checker.model.namespace import Namespace

NONZERO, POSITIVE, NONNEGATIVE = "≠ 0", "> 0", "≥ 0"
INVERTIBLE = "invertible"  # a square matrix expression: every size, every value of its entries


@dataclass(frozen=True)
class Requirement:
    expr: sp.Expr
    kind: str  # NONZERO, POSITIVE, NONNEGATIVE or INVERTIBLE

    def describe(self) -> str:
        return f"`{sp.sstr(self.expr)}` {self.kind}"


def unproved(requirements: list[Requirement], namespace: Namespace) -> tuple[Requirement, ...]:
    """The requirements not shown to hold everywhere on the namespace's domains."""
    from checker.prove.canonical import open_unit_substitution

    domains = tuple((v.symbol, v.domain) for v in namespace.variables)
    odds = open_unit_substitution(domains)
    finite = {s: d.values() for s, d in domains if d.exhaustive}
    at_least = from_lower_bounds(namespace)  # K >= 2 as 2 + t: a Sum to K is never empty
    out = []
    for requirement in dict.fromkeys(requirements):
        if requirement.kind == INVERTIBLE:
            out.append(requirement)  # entries of a declared matrix are unknown: never shown
            continue
        labels = [s for s in requirement.expr.free_symbols if s in finite]
        # A label (y in {0, 1}) is tried value by value: y*f + (1 - y)*(1 - f) > 0 holds
        # for both labels, though not for every integer y.
        cases = [dict(zip(labels, values, strict=True))
                 for values in itertools.product(*(finite[s] for s in labels))]
        if not all(holds(requirement.expr.xreplace(case).xreplace(odds).xreplace(at_least),
                         requirement.kind)
                   for case in cases):
            out.append(requirement)
    return tuple(out)


def holds(expr: sp.Expr, kind: str) -> bool:
    """`expr` satisfies `kind` everywhere, by SymPy's sign rules and the rules below; the
    sigmoid written in exp when that alone does not show it (1 - σ(a) is e^{-a}/(1 + e^{-a}))."""
    if _holds(expr, kind):
        return True
    written = expr.replace(lambda e: isinstance(e, sigmoid), lambda e: e.rewrite(sp.exp))
    return written != expr and _holds(written, kind)


def _holds(expr: sp.Expr, kind: str) -> bool:
    if any(p.args[-1].cond is not sp.true for p in expr.atoms(sp.Piecewise)):
        # No value where no condition holds, though SymPy calls Piecewise((1, a > 0))
        # positive: a part undefined somewhere shows nothing.
        return False
    value = sp.together(expr)
    if kind == POSITIVE:
        return _positive(value)
    if kind == NONNEGATIVE:
        return bool(value.is_nonnegative) or _positive(value)
    return bool(value.is_nonzero or value.is_negative) or _positive(value) or _nonzero_parts(value)


def _positive(value: sp.Expr) -> bool:
    if value.is_positive:
        return True
    if isinstance(value, sp.Sum):  # a sum of positive terms over a nonempty range
        return _positive(value.function) and all(
            bool((high - low + 1).is_positive) for _, low, high in value.limits)
    if isinstance(value, sp.Mul):
        return all(_positive(f) for f in value.args)
    if isinstance(value, sp.Add):  # positive terms, and some that may be zero but never below
        return all(_nonnegative(t) for t in value.args) and any(_positive(t) for t in value.args)
    if isinstance(value, sp.Pow):
        return _positive(value.base) and bool(value.exp.is_real)
    return False


def _nonnegative(value: sp.Expr) -> bool:
    if value.is_nonnegative or _positive(value):
        return True
    if isinstance(value, sp.Piecewise):  # an empty-sum guard: the Sum, or 0
        return all(_nonnegative(piece.expr) for piece in value.args)
    if isinstance(value, sp.Sum):  # nonnegative terms, over a range Karr's convention never reverses
        return _nonnegative(value.function) and all(
            bool((high - low + 1).is_nonnegative) for _, low, high in value.limits)
    if isinstance(value, sp.Mul):
        return all(_nonnegative(f) for f in value.args)
    if isinstance(value, sp.Add):
        return all(_nonnegative(t) for t in value.args)
    return False


def _nonzero_parts(value: sp.Expr) -> bool:
    if isinstance(value, sp.Mul):
        return all(holds(f, NONZERO) for f in value.args)
    if isinstance(value, sp.Pow):
        return holds(value.base, NONZERO)
    return False


# Matrix inverses ---------------------------------------------------------------------------
_MAX_BOUNDS = 16  # rank bounds kept per node (a sum combines its terms' bounds)


@dataclass(frozen=True)
class _RankBound:
    rank: sp.Expr  # an upper bound on the rank, for every value of the entries
    why: str


def singular(matrix: sp.MatrixExpr, namespace: Namespace) -> str | None:
    """Why the square `matrix` is singular for every size on the namespace's domains and
    every value of its entries, or None when that is not shown: a bound on its rank
    below its size (a product through a K x 1 column has rank at most 1)."""
    size = matrix.shape[0]
    at_least = from_lower_bounds(namespace)
    for bound in _rank_bounds(matrix):
        gap = sp.expand((size - bound.rank).xreplace(at_least))
        if gap.is_positive:
            sizes = _size_domains((size - bound.rank), namespace)
            return (f"`{sp.sstr(matrix)}` is a {sp.sstr(size)} x {sp.sstr(size)} matrix of rank at "
                    f"most {sp.sstr(bound.rank)} ({bound.why}), singular for every value of its "
                    f"entries{' and every ' + sizes if sizes else ''}: it has no inverse")
    return None


def _rank_bounds(matrix: sp.Basic) -> list[_RankBound]:
    rows, cols = matrix.shape
    shape = f"`{sp.sstr(matrix)}` is {sp.sstr(rows)} x {sp.sstr(cols)}"
    own = [_RankBound(rows, shape), _RankBound(cols, shape)]
    if isinstance(matrix, sp.ZeroMatrix):
        return [_RankBound(sp.Integer(0), f"`{sp.sstr(matrix)}` is zero")]
    if isinstance(matrix, sp.MatMul):
        inner = [_RankBound(b.rank, f"a product with the factor `{sp.sstr(f)}`: {b.why}"
                            if b.why.startswith(f"`{sp.sstr(f)}`") else b.why)
                 for f in matrix.args if isinstance(f, sp.MatrixExpr) for b in _rank_bounds(f)]
        return _smallest(own + inner)
    if isinstance(matrix, sp.MatAdd):
        terms = [_rank_bounds(t) for t in matrix.args]
        combined = [_RankBound(sp.Add(*(b.rank for b in choice)), "a sum of terms of rank at most "
                               + ", ".join(sp.sstr(b.rank) for b in choice))
                    for choice in itertools.islice(itertools.product(*terms), _MAX_BOUNDS)]
        return _smallest(own + combined)
    if isinstance(matrix, sp.Transpose):
        return _smallest(own + _rank_bounds(matrix.arg))
    if isinstance(matrix, sp.MatPow) and matrix.exp.is_Integer and matrix.exp > 0:
        return _smallest(own + _rank_bounds(matrix.base))
    return own


def _smallest(bounds: list[_RankBound]) -> list[_RankBound]:
    """At most _MAX_BOUNDS bounds, numbers (the smallest first) before symbolic ones."""
    unique = list({sp.sstr(b.rank): b for b in reversed(bounds)}.values())[::-1]
    unique.sort(key=lambda b: (not b.rank.is_Number, b.rank if b.rank.is_Number else 0))
    return unique[:_MAX_BOUNDS]


def never_reversed(low: sp.Basic, high: sp.Basic, namespace: Namespace) -> bool:
    """high >= low - 1 for every value the namespace allows, shown with each integer
    variable written as its lower bound plus a nonnegative integer: a Sum over (low, high)
    is then the same in Karr's convention (SymPy's) and the empty-sum one."""
    with sp.evaluate(True):  # also while an answer is read as written (evaluate(False))
        shifted = from_lower_bounds(namespace)
        return bool((high.xreplace(shifted) - low.xreplace(shifted) + 1).is_nonnegative)


def from_lower_bounds(namespace: Namespace) -> dict[sp.Basic, sp.Expr]:
    """Each integer variable with a least value written as that value plus a fresh
    nonnegative integer (K >= 2 becomes 2 + t), so SymPy's sign rules see the bound."""
    out: dict[sp.Basic, sp.Expr] = {}
    for variable in namespace.variables:
        domain = variable.domain
        if not domain.integer or domain.low is None:
            continue
        least = math.floor(domain.low) + 1 if domain.low_open else math.ceil(domain.low)
        out[variable.symbol] = sp.Integer(least) + sp.Dummy(f"{variable.name}_from_{least}",
                                                             integer=True, nonnegative=True)
    return out


def _size_domains(expr: sp.Expr, namespace: Namespace) -> str:
    return ", ".join(f"{v.name} ({v.domain.name})" for v in namespace.variables
                     if v.symbol in expr.free_symbols)


# What the answer builds --------------------------------------------------------------------
# SymPy computes as it builds: (10**40*f)**100 has the coefficient 10**4000 at once,
# (f**10)**11 is f**110, sqrt(n) factors n, and (f + 10**50)**100 is multiplied out by a
# later `expand`. `Sizes` measures each built step (and estimates one before it is taken)
# so that the parser can refuse past its caps before anything runs away.
def powers_made_by(name: str, argument: sp.Basic) -> list[tuple[sp.Basic, sp.Rational]]:
    """The powers (base, exponent) that SymPy computes for `name(argument)`, at once or
    when the function is rewritten to exp: sqrt(a) is a**(1/2); exp(r*log(c) + ...)
    is c**r * exp(...), sigmoid(t) is 1/(1 + exp(-t)) and tanh(t) is built from exp(2t)."""
    if name == "sqrt":
        return [(argument, sp.Rational(1, 2))]
    scale = {"exp": 1, "sigmoid": -1, "tanh": 2}.get(name)
    if scale is None:
        return []
    out = []
    for term in sp.Add.make_args(argument):
        coefficient, rest = term.as_coeff_Mul()
        if (isinstance(rest, sp.log) and isinstance(rest.args[0], sp.Rational)
                and isinstance(coefficient, sp.Rational)):
            out.append((rest.args[0], coefficient * scale))
    return out


@dataclass(frozen=True)
class Size:
    """A bound on what an expression holds and what multiplying it out creates.

    numerator: log10 of a bound on the sum of the absolute values of the integer
        coefficients of its numerator, multiplied out; denominator: an exact integer
        denominator, or (a float) log10 of such a bound on a polynomial denominator;
    inner: log10 of the largest number inside an opaque part (a function's argument,
        a sum's term), which multiplying out does not touch;
    exponent: the largest |numerator| or denominator of a power's numeric exponent;
    roots: what taking the roots of numbers costs (see `_root_cost`), added up, since
        SymPy merges the roots of a product."""

    numerator: float = 0.0
    denominator: int | float = 1
    inner: float = 0.0
    exponent: int = 0
    roots: int = 0

    @property
    def height(self) -> float:
        return max(self.numerator, _log_denominator(self.denominator), self.inner)

    @property
    def digits(self) -> int:
        return math.floor(self.height) + 1


# An exact denominator past this many digits is kept as its log (it is refused anyway).
_EXACT_DIGITS = 10_000


class Sizes:
    """`Size`s of built expressions, each computed once (an answer is a tree of at most
    a few thousand nodes; every step measures its result)."""

    def __init__(self) -> None:
        self.memo: dict[sp.Basic, Size] = {}

    def of(self, expr: sp.Basic) -> Size:
        found = self.memo.get(expr)
        if found is None:
            found = self.memo[expr] = self._of(expr)
        return found

    def _of(self, expr: sp.Basic) -> Size:
        if isinstance(expr, sp.Rational):
            return Size(_log10(int(expr.p)), int(expr.q))
        if isinstance(expr, sp.Mul | sp.MatMul):
            return self.product([self.of(a) for a in expr.args])
        if isinstance(expr, sp.Add | sp.MatAdd):
            return self.total([self.of(a) for a in expr.args])
        if isinstance(expr, sp.Pow | sp.MatPow) and isinstance(expr.exp, sp.Rational):
            return self.power(expr.base, expr.exp)
        parts = [self.of(a) for a in expr.args]
        if not parts:
            return Size()
        return Size(inner=max(p.height for p in parts), exponent=max(p.exponent for p in parts),
                     roots=sum(p.roots for p in parts))

    def product(self, parts: list[Size]) -> Size:
        denominators = [p.denominator for p in parts]
        return Size(sum(p.numerator for p in parts), _product(denominators),
                     max(p.inner for p in parts), max(p.exponent for p in parts),
                     sum(p.roots for p in parts))

    def total(self, parts: list[Size]) -> Size:
        """Over a common denominator: each numerator times the other denominators."""
        common = _common(p.denominator for p in parts)
        whole = _log_denominator(common)
        numerator = math.log10(len(parts)) + max(
            p.numerator + whole - _log_denominator(p.denominator) for p in parts)
        return Size(numerator, common, max(p.inner for p in parts),
                     max(p.exponent for p in parts), sum(p.roots for p in parts))

    def power(self, base: sp.Basic, exponent: sp.Rational) -> Size:
        """`base**exponent`, built or multiplied out; measured before SymPy builds it."""
        inside = self.of(base)
        p, q = abs(int(exponent.p)), int(exponent.q)
        whole = -(-p // q)  # ceil(|exponent|): multiplying out takes the whole part
        built = max(p, q)
        if isinstance(base, sp.Pow) and isinstance(base.exp, sp.Rational):
            combined = base.exp * exponent  # (f**10)**11 is built as f**110
            built = max(built, abs(int(combined.p)), int(combined.q))
        roots = inside.roots * max(1, p * q)  # (n**(1/3))**e is n**(e/3)
        coefficient = _coefficient(base)
        if q > 1 and abs(coefficient) != 1:  # sqrt(8*f) is 2*sqrt(2)*sqrt(f)
            roots += _root_cost(coefficient, exponent)
        exponent_part = max(inside.exponent, built)
        if _opaque(base):  # exp(t)**e is exp(e*t); other functions stay as they are
            grow = math.log10(max(p, 1) * q) if isinstance(base, sp.exp) else 0.0
            return Size(inner=inside.height + grow, exponent=exponent_part, roots=roots)
        if exponent.is_negative:  # the denominator becomes the numerator, and back
            numerator = whole * _log_denominator(inside.denominator)
            return Size(numerator, float(whole * inside.numerator), inside.inner, exponent_part, roots)
        return Size(whole * inside.numerator, _raised(inside.denominator, whole), inside.inner,
                     exponent_part, roots)


def _opaque(expr: sp.Basic) -> bool:
    """A part that multiplying out leaves whole (a function, a sum, a symbol)."""
    return not isinstance(expr, sp.Rational | sp.Mul | sp.MatMul | sp.Add | sp.MatAdd | sp.Pow | sp.MatPow)


def _coefficient(expr: sp.Basic) -> sp.Rational:
    """The number SymPy takes out of `expr` when it raises it to a power."""
    if isinstance(expr, sp.Rational):
        return expr
    if isinstance(expr, sp.MatrixExpr):  # a MatAdd is an Add that has no content to take out
        return sp.Integer(1)
    if isinstance(expr, sp.Mul | sp.Add):
        number = expr.as_content_primitive()[0] if isinstance(expr, sp.Add) else expr.as_coeff_Mul()[0]
        if isinstance(number, sp.Rational):
            return number
    return sp.Integer(1)


# Trial division up to 2**15 (SymPy's limit when it takes a root) factors every number
# below 2**30 completely: no large cofactor is left to raise and factor again.
_FACTORED = 2**30


def _root_cost(base: sp.Rational, exponent: sp.Rational) -> int:
    """The digits SymPy factors to take (a/b)**(p/q), p/q > 0 and not whole: it factors
    a and b by trial division and, where a cofactor is left, factors a**(p mod q) and
    b**(q - p mod q) once more (a negative power is of b/a)."""
    if base == 0:
        return 0
    if exponent.is_negative:
        base, exponent = 1 / base, -exponent
    p, q = int(exponent.p), int(exponent.q)
    if q == 1:
        return 0
    return sum(_digit_count(n) * power
               for n, power in ((abs(int(base.p)), p % q), (int(base.q), q - p % q))
               if n >= _FACTORED)


def _product(denominators: list[int | float]) -> int | float:
    exact = [d for d in denominators if isinstance(d, int)]
    if len(exact) == len(denominators) and sum(_log10(d) for d in exact) < _EXACT_DIGITS:
        return math.prod(exact)
    return float(sum(_log_denominator(d) for d in denominators))


def _common(denominators: Iterable[int | float]) -> int | float:
    values = list(denominators)
    exact = [d for d in values if isinstance(d, int)]
    if len(exact) == len(values):
        common = math.lcm(*exact)
        if _log10(common) < _EXACT_DIGITS:
            return common
    return float(sum(_log_denominator(d) for d in values))


def _raised(denominator: int | float, power: int) -> int | float:
    if isinstance(denominator, int) and _log10(denominator) * power < _EXACT_DIGITS:
        return denominator**power
    return float(_log_denominator(denominator) * power)


def _log_denominator(denominator: int | float) -> float:
    return _log10(denominator) if isinstance(denominator, int) else float(denominator)


def _log10(number: int) -> float:
    """log10 |number| (0 for 0), exact in its whole part: floor() + 1 is the digit count."""
    number = abs(number)
    if number <= 1:
        return 0.0
    if number.bit_length() > 14_000:  # past every cap, and past what str() may convert
        return number.bit_length() * math.log10(2)
    digits = len(str(number))
    return min(max(math.log10(number), digits - 1.0), math.nextafter(float(digits), 0.0))


def _digit_count(number: int) -> int:
    return math.floor(_log10(number)) + 1
