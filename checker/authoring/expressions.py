"""Expression and chain questions: an answer (or each step of a derivation) against a
truth derived from definitions by the author's callable, on the declared domains, for
every declared size and index (`checker.authoring.search`). Every Sum, on either side,
follows the empty-sum convention (`empty_sums`: upper bound below lower bound is 0)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sympy as sp

from checker.authoring.common import (
    Answer,
    described,
    examples_of,
    functions_of,
    require_callable,
)
from checker.authoring.names import Declared, IndexRange, NameDeclaration, Names, Scope, declare
from checker.authoring.search import (
    at,
    decide_every_size,
    empty_sums,
    entry_beyond,
    require_a_case,
    sampling_domains,
    settled,
    truth_beyond,
    undefined_here,
)
from checker.model.claims import Chain, Claim, Decided, Equal, Proportional, Step
from checker.model.errors import AnswerError
from checker.model.namespace import Domain, Variable
from checker.model.notation import DocumentSpec
from checker.model.options import DEFAULT_OPTIONS, Options
from checker.model.question import AnswerKind, PlotSpec, Question
from checker.model.verdict import Outcome, Status, StepResult
from checker.prove.engine import decide

Derived = Callable[[Names], sp.Expr]
Definition = Derived | tuple[Derived, str]  # lambda n: ..., or (lambda n: ..., "its meaning")


def expression(id: str, title: str, *, names: Mapping[str, NameDeclaration], truth: Derived, reference: str,
               statement: str = "", vectors: Mapping[str, str] | None = None,
               indices: Mapping[str, IndexRange] | None = None,
               in_terms_of: Mapping[str, Definition] | None = None, up_to_factor: bool = False,
               functions: Iterable[str] | None = None, right: Iterable[Answer] = (),
               wrong: Iterable[Answer] = (), notes: Iterable[str] = (), how: str = "",
               rewrite: Callable[[sp.Expr], sp.Expr] | None = None,
               plot: PlotSpec | None = None) -> Question:
    """A question whose answer is one expression, equal to `truth(n)` on the declared domains
    (or a positive constant multiple of it, with `up_to_factor`).

    `names` {"a": "real", "K": "size >= 2"} (or {"a": ("real", "the pre-activation")} with
    a meaning for `show`); `vectors` {"x": "K"} (x[1..K]); `indices`
    {"i": "1..K"}; `in_terms_of` {"t": lambda n: sp.tanh(n.a)} (or {"t": (lambda n: ...,
    "its meaning")}): the answer may use t, and is compared after substituting t = tanh(a).
    `rewrite`: applied to every answer (after that substitution) before it is compared; it
    must be an identity on the declared domains (e.g. abs resolved for each value of a
    label). `plot`: how the class overview plots answers (`PlotSpec`). `how`: the sentence
    `show` prints about the truth (default: the truth callable's docstring). Without sizes
    the claim is an `Equal` (`Proportional`) on the domains; with sizes it is verified only
    by a proof for every size and index, refuted at a concrete instance inside the declared
    ranges, and otherwise undecided naming the sizes searched.
    """
    require_callable(truth, "truth")
    if rewrite is not None:
        require_callable(rewrite, "rewrite")
    chosen = functions_of(functions)
    base = declare(names, vectors, indices, functions=chosen)
    substitutions, extra = _definitions(in_terms_of or {}, base)
    declared = declare(names, vectors, indices, extra=extra, functions=chosen) if extra else base
    derived = _derivation(truth, base, "truth")
    scope = declared.scope
    require_a_case(scope, f"question {id}")
    kind: type[Equal] | type[Proportional] = Proportional if up_to_factor else Equal

    def prepared(value: sp.Expr) -> sp.Expr:
        """An answer (or a write-up's step) in the names it is compared in."""
        value = value.xreplace(substitutions) if substitutions else value
        return empty_sums(rewrite(value) if rewrite is not None else value)

    def against(mine: sp.Expr, true: Callable[[], sp.Expr], options: Options,
                 relation: type[Equal] | type[Proportional] = kind) -> Claim:
        """mine against true() on the declared domains, for every declared size and index."""
        if not scope.sized:
            return relation(mine, true(), scope.scalars)
        both = functools.cache(lambda: (settled(mine, scope), settled(true(), scope)))

        def instance(values: dict[sp.Symbol, int], where: str) -> Claim | Outcome:
            written = at(mine, values)
            beyond = entry_beyond(written, scope, values)
            if beyond is not None:
                return undefined_here(beyond, where)
            true_value = at(true(), values)
            beyond = entry_beyond(true_value, scope, values)
            if beyond is not None:
                return truth_beyond(beyond, where)
            return relation(written, true_value, scope.scalars, where)

        return Decided(f"{title}, for {scope.every()}", lambda: decide_every_size(
            scope, options,
            symbolic=lambda: relation(*both(), sampling_domains(scope), "sizes and indices as symbols"),
            instance=instance, presburger=both))

    def claim(answer: Any, options: Options) -> Claim:
        if not isinstance(answer, sp.Expr):
            raise AnswerError(f"expected an expression, got `{sp.sstr(answer)}`")
        return against(prepared(answer), derived, options)

    def link(before: Any, after: Any, where: str) -> StepResult:
        """Two steps of a write-up, compared as an answer is with its truth (the earlier step
        in the truth's place): in the same names, for every declared size and index, and
        equal (a factor is for the answer, not for each step)."""
        if not (isinstance(before, sp.Expr) and isinstance(after, sp.Expr)):
            return StepResult("", Status.UNDECIDED, "not an expression: the steps cannot be compared")
        earlier = prepared(before)
        outcome = decide(against(prepared(after), lambda: earlier, DEFAULT_OPTIONS, Equal))
        return StepResult("", outcome.status, outcome.method, outcome.counterexample)

    compared = _compared(scope, up_to_factor, substitutions)
    return Question(
        id=id, title=title, statement=statement or title, kind=AnswerKind.EXPRESSION,
        namespace=declared.namespace, reference=reference,
        truth=how or described(truth, "derived from the definitions by SymPy") + f"; {compared}",
        claim=claim, notes=tuple(notes), examples=examples_of(right, wrong),
        prepare=lambda options: derived(), plot=plot, document=DocumentSpec(link=link))


def chain(id: str, title: str, *, names: Mapping[str, NameDeclaration], start: Derived, end: Derived,
          reference: str, statement: str = "", vectors: Mapping[str, str] | None = None,
          indices: Mapping[str, IndexRange] | None = None, functions: Iterable[str] | None = None,
          right: Iterable[Answer] = (), wrong: Iterable[Answer] = (), notes: Iterable[str] = (),
          how: str = "") -> Question:
    """A "show that" question: the answer is a chain `step = step = ...`, checked link by
    link with `start(n)` before the first step and `end(n)` after the last, both derived
    from definitions, so a consistent chain that shows something else is refuted too.
    Sizes and indices as in `expression`: every link proved for every size, else a search."""
    require_callable(start, "start")
    require_callable(end, "end")
    declared = declare(names, vectors, indices, functions=functions_of(functions))
    first = _derivation(start, declared, "start")
    last = _derivation(end, declared, "end")
    scope = declared.scope
    require_a_case(scope, f"question {id}")
    first_text = described(start, "the left side, derived from the definitions")
    last_text = described(end, "the right side, derived from the definitions")

    def claim(answer: Any, options: Options) -> Claim:
        steps = tuple(answer) if isinstance(answer, tuple) else (answer,)
        if not all(isinstance(s, sp.Expr) for s in steps):
            raise AnswerError("every step of the chain must be an expression")
        guarded = tuple(empty_sums(s) for s in steps)

        def written(step: Callable[[sp.Basic], sp.Basic]) -> tuple[Step, ...]:
            return (Step(first_text, step(first()), True),
                    *(Step(sp.sstr(s), step(g)) for s, g in zip(steps, guarded, strict=True)),
                    Step(last_text, step(last()), True))

        if not scope.sized:
            return Chain(written(lambda e: e), scope.scalars)

        def instance(values: dict[sp.Symbol, int], where: str) -> Claim | Outcome:
            for s, g in zip(steps, guarded, strict=True):
                beyond = entry_beyond(at(g, values), scope, values)
                if beyond is not None:
                    return undefined_here(beyond, f"{where}, step '{sp.sstr(s)}'")
            for end_value in (first(), last()):  # a derived end beyond the lengths: no verdict here
                beyond = entry_beyond(at(end_value, values), scope, values)
                if beyond is not None:
                    return truth_beyond(beyond, where)
            return Chain(written(lambda e: at(e, values)), scope.scalars, where)

        return Decided(f"{title}, for {scope.every()}", lambda: decide_every_size(
            scope, options,
            symbolic=lambda: Chain(written(lambda e: settled(e, scope)), sampling_domains(scope),
                                   "sizes and indices as symbols"),
            instance=instance, presburger=lambda: None))

    return Question(
        id=id, title=title, statement=statement or title, kind=AnswerKind.CHAIN,
        namespace=declared.namespace, reference=reference,
        truth=how or (f"both ends derived from the definitions ({first_text}; {last_text}); every "
                      f"adjacent pair of steps proved equal{_every(scope)}"),
        claim=claim, notes=tuple(notes), examples=examples_of(right, wrong),
        prepare=lambda options: (first(), last()), document=_EMPTY_SUMS)


# A chain's other displays in a write-up: linked with the empty-sum convention, as its steps are.
_EMPTY_SUMS = DocumentSpec(rewrite=lambda value: empty_sums(value) if isinstance(value, sp.Basic) else value)


def _definitions(in_terms_of: Mapping[str, Definition],
                 base: Declared) -> tuple[dict[sp.Symbol, sp.Expr], tuple[Variable, ...]]:
    """Each name an answer may use for a derived quantity (t = tanh(a)), with its definition."""
    substitutions: dict[sp.Symbol, sp.Expr] = {}
    extra: list[Variable] = []
    for name, given in in_terms_of.items():
        define, meaning = given if isinstance(given, tuple) and len(given) == 2 else (given, "")
        require_callable(define, f"in_terms_of[{name!r}]")
        value = define(base.names)
        if not isinstance(value, sp.Expr):
            raise ValueError(f"in_terms_of[{name!r}] must give a SymPy expression, not {value!r}")
        shown = f"{name} = {sp.sstr(value)}"
        variable = Variable(name, Domain(f"real, {shown}"), meaning or shown)
        substitutions[variable.symbol] = value
        extra.append(variable)
    return substitutions, tuple(extra)


def _derivation(function: Derived, declared: Declared, what: str) -> Callable[[], sp.Expr]:
    """The derived expression, computed once per process on first use (never at import)."""
    allowed = {*(s for s, _ in declared.scope.scalars), *declared.scope.integers}

    @functools.cache
    def derived() -> sp.Expr:
        value = function(declared.names)
        if isinstance(value, int) and not isinstance(value, bool):
            value = sp.Integer(value)
        if not isinstance(value, sp.Expr):
            raise TypeError(f"the question's {what} callable must return a SymPy expression, "
                            f"not {value!r}")
        stray = {s for s in value.free_symbols if isinstance(s, sp.Symbol)} - allowed - {
            e.base.label for e in value.atoms(sp.Indexed)}
        if stray:
            raise TypeError(f"the question's {what} mentions undeclared "
                            f"{', '.join(sorted(map(str, stray)))}")
        return empty_sums(value)

    return derived


def _every(scope: Scope) -> str:
    if not scope.sized:
        return " on the declared domains"
    return (f", for {scope.every()} (a proof with symbolic sizes, else z3; a search over small "
            "sizes only ever refutes)")


def _compared(scope: Scope, up_to_factor: bool, substitutions: Mapping[sp.Symbol, sp.Expr]) -> str:
    how = "equal up to a positive constant factor" if up_to_factor else "equal"
    given = "".join(f"; an answer in {s} is compared after substituting {s} = {sp.sstr(v)}"
                    for s, v in substitutions.items())
    return f"{how}{_every(scope)}{given}"
