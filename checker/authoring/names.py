"""A question's names: what an answer may write (the Namespace), what a truth callable
receives (`Names`), and the sizes and indices every claim quantifies over (`Scope`).

Index ranges and vector lengths are written as short affine texts ("1..K", "1..K-1",
"K"), read here by a tiny tokenizer over integers and declared names: never evaluated.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy as sp

from checker.authoring.common import DEFAULT_FUNCTIONS, domain_of, size_bound, size_domain
from checker.model.claims import Domains
from checker.model.namespace import Domain, Namespace, Variable, Vector

Bound = int | str | Callable[["Names"], sp.Expr]
IndexRange = str | tuple[Bound, Bound]
MAX_INSTANCES = 1000  # concrete (sizes, indices) instances one search may enumerate


class Names:
    """The SymPy objects of a question, for truth callables: `n.a`, `n["a"]` (a symbol),
    `n.x[n.i]` (an entry of a declared vector), `n.K` (a size), `n.bound("j")` (a
    summation index, the same symbol an answer's `Sum(..., (j, 1, K))` binds)."""

    def __init__(self, items: Mapping[str, sp.Basic]) -> None:
        self._items = dict(items)

    def __getattr__(self, name: str) -> sp.Basic:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(self._unknown(name)) from None

    def __getitem__(self, name: str) -> sp.Basic:
        try:
            return self._items[name]
        except KeyError:
            raise KeyError(self._unknown(name)) from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    @staticmethod
    def bound(name: str) -> sp.Symbol:
        """A summation index, e.g. `sp.Sum(sp.exp(n.x[j]), (j, 1, n.K))` with j = n.bound("j")."""
        return sp.Symbol(name, integer=True)

    def _unknown(self, name: str) -> str:
        return (f"`{name}` is not declared (declared: {', '.join(self._items) or 'nothing'}); "
                "a summation index is n.bound(\"j\")")


@dataclass(frozen=True)
class Size:
    variable: Variable
    lower: int

    @property
    def symbol(self) -> sp.Symbol:
        return self.variable.symbol


@dataclass(frozen=True)
class Index:
    variable: Variable
    low: sp.Expr  # affine in the sizes (and earlier indices)
    high: sp.Expr

    @property
    def symbol(self) -> sp.Symbol:
        return self.variable.symbol


@dataclass(frozen=True)
class Scope:
    """Sizes (whole numbers from a lower bound, unbounded), indices (ranges in the sizes),
    vector lengths and the domains of the other names: what 'for every size' ranges over."""

    sizes: tuple[Size, ...] = ()
    indices: tuple[Index, ...] = ()
    lengths: tuple[tuple[str, tuple[sp.Expr, ...]], ...] = ()  # vector name -> length per axis
    scalars: Domains = ()

    @property
    def sized(self) -> bool:
        return bool(self.sizes or self.indices)

    @property
    def integers(self) -> tuple[sp.Symbol, ...]:
        return (*(s.symbol for s in self.sizes), *(i.symbol for i in self.indices))

    def constraints(self) -> list[sp.Basic]:
        out: list[sp.Basic] = [s.symbol >= s.lower for s in self.sizes]
        for i in self.indices:
            out += [i.symbol >= i.low, i.symbol <= i.high]
        return out

    def admissible(self, values: Mapping[sp.Symbol, int]) -> bool:
        """Every size at least its lower bound, every index inside its declared range."""
        if any(values[s.symbol] < s.lower for s in self.sizes):
            return False
        return all(_integer(i.low, values) <= values[i.symbol] <= _integer(i.high, values)
                   for i in self.indices)

    def every(self) -> str:
        """'every K ≥ 2 and 1 ≤ i ≤ K'."""
        parts = [f"{s.variable.name} ≥ {s.lower}" for s in self.sizes]
        parts += [f"{_text(i.low)} ≤ {i.variable.name} ≤ {_text(i.high)}" for i in self.indices]
        return "every " + " and ".join(parts)

    def where(self, values: Mapping[sp.Symbol, int]) -> str:
        """'K = 3, i = 2'."""
        return ", ".join(f"{v.name} = {values[v.symbol]}" for v in self._variables()
                         if v.symbol in values)

    def covered(self, level: int) -> str:
        """What every instance up to `level` covers: 'K = 2..12, every 1 ≤ i ≤ K'."""
        parts = [f"{s.variable.name} = {s.lower}..{s.lower + level}" for s in self.sizes]
        if self.indices:
            parts.append("every " + " and ".join(
                f"{_text(i.low)} ≤ {i.variable.name} ≤ {_text(i.high)}" for i in self.indices))
        return ", ".join(parts)

    def levels(self, max_size: int) -> int:
        """The largest offset level (sizes up to lower + level) whose instances number at
        most MAX_INSTANCES, from sizes up to `max_size` (at least the lower bounds)."""
        level = max(0, min((max_size - s.lower for s in self.sizes), default=0))
        while level > 0 and sum(1 for _ in self.instances(level)) > MAX_INSTANCES:
            level -= 1
        return level

    def instances(self, level: int) -> Iterator[tuple[int, dict[sp.Symbol, int]]]:
        """(offset level, values) for every admissible instance with each size at most
        lower + level: every index value inside its declared range only, smallest sizes first."""
        ranges = [range(s.lower, s.lower + level + 1) for s in self.sizes]
        tuples = sorted(itertools.product(*ranges),
                        key=lambda t: (max((v - s.lower for v, s in zip(t, self.sizes, strict=True)),
                                           default=0), t))
        for values in tuples:
            sizes = {s.symbol: v for s, v in zip(self.sizes, values, strict=True)}
            offset = max((v - s.lower for v, s in zip(values, self.sizes, strict=True)), default=0)
            for point in self._index_values(sizes, 0):
                yield offset, point

    def _index_values(self, fixed: dict[sp.Symbol, int], k: int) -> Iterator[dict[sp.Symbol, int]]:
        if k == len(self.indices):
            yield dict(fixed)
            return
        index = self.indices[k]
        low, high = (_integer(e, fixed) for e in (index.low, index.high))
        for value in range(low, high + 1):
            yield from self._index_values({**fixed, index.symbol: value}, k + 1)

    def length_at(self, name: str, values: Mapping[sp.Symbol, int]) -> tuple[int, ...] | None:
        for vector, lengths in self.lengths:
            if vector == name:
                return tuple(_integer(n, values) for n in lengths)
        return None

    def _variables(self) -> list[Variable]:
        return [*(s.variable for s in self.sizes), *(i.variable for i in self.indices)]


def _integer(expr: sp.Expr, values: Mapping[sp.Symbol, int]) -> int:
    value = expr.xreplace({k: sp.Integer(v) for k, v in values.items()})
    if not value.is_Integer:
        raise ValueError(f"`{expr}` is not a whole number at {dict(values)}")
    return int(value)


def _text(expr: sp.Expr) -> str:
    return sp.sstr(expr)


@dataclass(frozen=True)
class Declared:
    """Everything a question's declarations give: the answer namespace, the truth's
    names object and the scope of its claims."""

    namespace: Namespace
    names: Names
    scope: Scope


NameDeclaration = str | tuple[str, str]  # "real", or ("real", "the pre-activation")


def declare(names: Mapping[str, NameDeclaration], vectors: Mapping[str, str] | None = None,
            indices: Mapping[str, IndexRange] | None = None,
            extra: tuple[Variable, ...] = (), functions: frozenset[str] = DEFAULT_FUNCTIONS) -> Declared:
    """Read the declarations of a question (at import: a bad one raises ValueError)."""
    vectors, indices = dict(vectors or {}), dict(indices or {})
    _distinct({"names": list(names), "vectors": list(vectors), "indices": list(indices),
               "in_terms_of": [v.name for v in extra]})
    variables: list[Variable] = []
    sizes: list[Size] = []
    scalars: list[tuple[sp.Symbol, Domain]] = []
    items: dict[str, sp.Basic] = {}
    for name, declared in names.items():
        _identifier(name)
        word, meaning = declared if isinstance(declared, tuple) and len(declared) == 2 else (declared, "")
        domain = domain_of(name, word)
        bound = size_bound(word)
        variable = Variable(name, domain, meaning or (
            f"a size (whole number ≥ {bound})" if bound is not None else "a variable"))
        variables.append(variable)
        items[name] = variable.symbol
        if bound is not None:
            sizes.append(Size(variable, bound))
        else:
            scalars.append((variable.symbol, domain))
    known = {s.variable.name: s.symbol for s in sizes}
    index_list: list[Index] = []
    for name, span in indices.items():
        _identifier(name)
        low, high = _range(name, span, known, Names(items))
        lower = Fraction(int(low)) if low.is_Integer else None
        domain = Domain(f"integer, {_text(low)} ≤ {name} ≤ {_text(high)}", lower, None,
                        low_open=False, integer=True)
        variable = Variable(name, domain, f"an index, {_text(low)} ≤ {name} ≤ {_text(high)}")
        variables.append(variable)
        items[name] = known[name] = variable.symbol
        index_list.append(Index(variable, low, high))
    vector_list: list[Vector] = []
    lengths: list[tuple[str, tuple[sp.Expr, ...]]] = []
    for name, length in vectors.items():
        _identifier(name)
        axes = tuple(_affine(part, known, f"the length of `{name}`") for part in str(length).split(","))
        shown = ", ".join(_text(a) for a in axes)
        vector = Vector(name, len(axes), f"indexed {name}[1..{shown}] (1-based)")
        vector_list.append(vector)
        items[name] = vector.base
        lengths.append((name, axes))
    for variable in extra:
        variables.append(variable)
        items[variable.name] = variable.symbol
    namespace = Namespace(variables=tuple(variables), vectors=tuple(vector_list), functions=functions)
    scope = Scope(tuple(sizes), tuple(index_list), tuple(lengths), tuple(scalars))
    return Declared(namespace, Names(items), scope)


def _distinct(groups: dict[str, list[str]]) -> None:
    """Each name declared once, across `names`, `vectors`, `indices` and `in_terms_of`."""
    seen: dict[str, str] = {}
    for where, declared in groups.items():
        for name in declared:
            if name in seen:
                places = f"in `{seen[name]}` and `{where}`" if seen[name] != where else f"in `{where}`"
                raise ValueError(f"`{name}` is declared twice ({places}): give each name one "
                                 "declaration (a vector's entries are real; declare it in `vectors` only)")
            seen[name] = where


_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*")


def _identifier(name: str) -> None:
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"a name is letters and digits, starting with a letter: {name!r}")


def _range(name: str, span: IndexRange, known: Mapping[str, sp.Symbol],
           names: Names) -> tuple[sp.Expr, sp.Expr]:
    what = f"the range of index `{name}`"
    if isinstance(span, str):
        low, sep, high = span.partition("..")
        if not sep:
            raise ValueError(f"{what} is written 'low..high' (e.g. '1..K'), not {span!r}")
        return _affine(low, known, what), _affine(high, known, what)
    if isinstance(span, tuple) and len(span) == 2:
        return _bound(span[0], known, names, what), _bound(span[1], known, names, what)
    raise ValueError(f"{what} is 'low..high' or a pair (low, high), not {span!r}")


def _bound(value: Bound, known: Mapping[str, sp.Symbol], names: Names, what: str) -> sp.Expr:
    if isinstance(value, bool):
        raise ValueError(f"{what}: {value!r} is not a bound")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, str):
        return _affine(value, known, what)
    if callable(value):
        bound = value(names)  # a SymPy object built by the author's code, never text
        if isinstance(bound, int) and not isinstance(bound, bool):
            bound = sp.Integer(bound)
        if not isinstance(bound, sp.Expr) or not bound.free_symbols <= set(known.values()):
            raise ValueError(f"{what}: a bound is an expression in the sizes, got {bound!r}")
        return bound
    raise ValueError(f"{what}: {value!r} is not a bound")


_TOKEN = re.compile(r"\s*(?:(\d{1,6})|([A-Za-z][A-Za-z0-9]*)|([-+*]))")


def _affine(text: str, known: Mapping[str, sp.Symbol], what: str) -> sp.Expr:
    """An affine text in whole numbers and declared sizes: '1', 'K', 'K-1', '2*K+1'."""
    tokens: list[str] = []
    at, text = 0, text.strip()
    while at < len(text):
        found = _TOKEN.match(text, at)
        if found is None:
            raise ValueError(f"{what}: cannot read {text!r} (whole numbers, sizes, + - *)")
        tokens.append(found.group(found.lastindex or 0))
        at = found.end()
    if not tokens:
        raise ValueError(f"{what}: empty")
    position = 0

    def factor() -> sp.Expr:
        nonlocal position
        token = tokens[position] if position < len(tokens) else ""
        position += 1
        if token.isdigit():
            return sp.Integer(int(token))
        if token in known:
            return known[token]
        raise ValueError(f"{what}: expected a whole number or a declared size at {token!r} in "
                         f"{text!r} (declared: {', '.join(known) or 'none'})")

    total: sp.Expr = sp.Integer(0)
    sign = 1
    if tokens[0] in "+-":
        sign, position = (-1 if tokens[0] == "-" else 1), 1
    while True:
        term = factor()
        while position < len(tokens) and tokens[position] == "*":
            position += 1
            term *= factor()
        total += sign * term
        if position == len(tokens):
            break
        if tokens[position] not in "+-":
            raise ValueError(f"{what}: missing operator before {tokens[position]!r} in {text!r}")
        sign = -1 if tokens[position] == "-" else 1
        position += 1
    symbols = sorted(total.free_symbols, key=str)
    if symbols and sp.Poly(total, *symbols).total_degree() > 1:
        raise ValueError(f"{what}: {text!r} is not affine in the sizes")
    return total


def size_variables(sizes: Mapping[str, int]) -> tuple[Size, ...]:
    """Sizes declared by lower bound alone (size formulas): {"n": 1, "p": 0}."""
    out = []
    for name, lower in sizes.items():
        _identifier(name)
        if isinstance(lower, bool) or not isinstance(lower, int) or lower < 0:
            raise ValueError(f"the lower bound of size `{name}` is a whole number >= 0, not {lower!r}")
        out.append(Size(Variable(name, size_domain(lower), f"a size (whole number ≥ {lower})"), lower))
    return tuple(out)
