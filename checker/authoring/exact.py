"""Questions whose truth a callable computes (a simulation, a count, a decision): a word,
a number or a list of numbers, compared exactly. The callable runs once per process, on
first use (or in the run's prepare step), never at import."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from fractions import Fraction
from typing import Any

from checker.authoring.common import Answer, described, exact_number, examples_of, require_callable
from checker.model.claims import Decided
from checker.model.namespace import Namespace
from checker.model.options import Options
from checker.model.question import AnswerKind, Question
from checker.model.verdict import Counterexample, Outcome, Status

Words = str | Collection[str]


def word(id: str, title: str, *, words: Sequence[str], accepted: Words | Callable[[], Words],
         why: str, reference: str | None = None, statement: str = "", right: Iterable[Answer] = (),
         wrong: Iterable[Answer] = (), notes: Iterable[str] = ()) -> Question:
    """A question answered by one of `words`. `accepted`: the right word(s), or a callable
    deciding them from definitions (e.g. comparing two derived gradients); `why` says why
    they are right (shown with a refutation). `reference` defaults to the accepted word."""
    vocabulary = tuple(words)
    if not vocabulary or not all(isinstance(w, str) and w.strip() for w in vocabulary):
        raise ValueError("words is a non-empty list of the answer words")
    if not callable(accepted):
        fixed = _word_set(accepted, vocabulary)
        reference = reference if reference is not None else sorted(fixed, key=vocabulary.index)[0]
    elif reference is None:
        raise ValueError("with a callable `accepted`, give the reference word too")
    if reference not in vocabulary:
        raise ValueError(f"the reference {reference!r} is not one of the words {vocabulary}")

    @functools.cache
    def decided() -> frozenset[str]:
        return _word_set(accepted() if callable(accepted) else accepted, vocabulary)

    def claim(answer: Any, options: Options) -> Decided:
        def decide() -> Outcome:
            right = decided()
            method = f"the accepted word{'s' if len(right) > 1 else ''}: {why}"
            if answer in right:
                return Outcome(Status.VERIFIED, method)
            shown = " or ".join(w for w in vocabulary if w in right)
            return Outcome(Status.REFUTED, method, Counterexample((), str(answer), shown, "", why))

        return Decided(title, decide)

    return Question(id=id, title=title, statement=statement or title, kind=AnswerKind.WORD,
                    namespace=Namespace(words=vocabulary), reference=reference,
                    truth=f"the accepted word{'s are' if not isinstance(accepted, str) else ' is'} "
                          f"decided{' by the question' if callable(accepted) else ''}: {why}",
                    claim=claim, notes=tuple(notes), examples=examples_of(right, wrong),
                    prepare=lambda options: decided())


def _word_set(value: Words, vocabulary: tuple[str, ...]) -> frozenset[str]:
    chosen = frozenset([value] if isinstance(value, str) else value)
    if not chosen or not chosen <= set(vocabulary):
        raise ValueError(f"the accepted words {sorted(chosen)} must be among {vocabulary}")
    return chosen


def number(id: str, title: str, *, compute: Callable[[], object], reference: str, statement: str = "",
           how: str = "", right: Iterable[Answer] = (), wrong: Iterable[Answer] = (),
           notes: Iterable[str] = ()) -> Question:
    """A question answered by a number, right when it equals `compute()` exactly (an int, a
    Fraction or a SymPy rational: e.g. the size of an array a simulation built)."""
    require_callable(compute, "compute")
    computed = functools.cache(lambda: _exact(compute(), "compute"))
    how = how or described(compute, "computed by the question's own code (a simulation)")

    def claim(answer: Any, options: Options) -> Decided:
        def decide() -> Outcome:
            truth = computed()
            given = _exact(answer, "the answer")
            method = f"computed exactly: {how}"
            if given == truth:
                return Outcome(Status.VERIFIED, method)
            return Outcome(Status.REFUTED, method,
                           Counterexample((), _text(given), _text(truth), title))

        return Decided(title, decide)

    return Question(id=id, title=title, statement=statement or title, kind=AnswerKind.INTEGER,
                    namespace=Namespace(), reference=reference, truth=f"{how}; compared exactly",
                    claim=claim, notes=tuple(notes), examples=examples_of(right, wrong),
                    prepare=lambda options: computed())


def number_list(id: str, title: str, *, compute: Callable[[], Iterable[object]], reference: str,
                statement: str = "", how: str = "", right: Iterable[Answer] = (),
                wrong: Iterable[Answer] = (), notes: Iterable[str] = ()) -> Question:
    """A question answered by a list of numbers, right when it equals `compute()` entry by
    entry, exactly (e.g. a convolution computed from its definition)."""
    require_callable(compute, "compute")
    computed = functools.cache(lambda: tuple(_exact(v, "compute") for v in compute()))
    how = how or described(compute, "computed by the question's own code (a simulation)")

    def claim(answer: Any, options: Options) -> Decided:
        def decide() -> Outcome:
            truth = computed()
            given = tuple(_exact(v, "the answer") for v in answer)
            method = f"computed exactly: {how}"
            for n in range(max(len(given), len(truth))):
                mine = _text(given[n]) if n < len(given) else "(no entry)"
                true = _text(truth[n]) if n < len(truth) else "(no entry)"
                if mine != true:
                    note = (f"your list has {len(given)} entries, the truth {len(truth)}"
                            if len(given) != len(truth) else "")
                    return Outcome(Status.REFUTED, method,
                                   Counterexample((), mine, true, f"entry {n + 1} (1-based)", note))
            return Outcome(Status.VERIFIED, method)

        return Decided(title, decide)

    return Question(id=id, title=title, statement=statement or title, kind=AnswerKind.LIST,
                    namespace=Namespace(), reference=reference, truth=f"{how}; compared exactly",
                    claim=claim, notes=tuple(notes), examples=examples_of(right, wrong),
                    prepare=lambda options: computed())


def _exact(value: object, what: str) -> Fraction:
    exact = exact_number(value)
    if exact is None:
        raise TypeError(f"{what} gave {value!r}, not an exact number (int, Fraction, SymPy "
                        "rational, NumPy integer; never a float)")
    return exact


def _text(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(value)

