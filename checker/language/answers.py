"""From answer text to the value a question's claim is built from, per kind."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import sympy as sp

from checker.language.requirements import Requirement
from checker.language.source import Source, normalise_source
from checker.language.textparse import (
    DEFAULT_CAPS,
    is_condition,
    normalise,
    parse_text,
    parse_with_requirements,
)
from checker.model.errors import AnswerError
from checker.model.namespace import Namespace
from checker.model.question import AnswerKind, Question

# "=" that is not part of ==, <=, >= or != separates the steps of a chain.
_CHAIN_SEPARATOR = re.compile(r"(?<![<>=!])=(?!=)")
_PART_SEPARATOR = re.compile(r"[;\n]")


@dataclass(frozen=True)
class Parsed:
    value: Any
    shown: str  # how the answer was interpreted, in the question's notation
    unproved: tuple[Requirement, ...] = ()  # what the answer needs, not shown on the domain


class _Requirements:
    """Collects the unproved domain requirements of every expression of one answer."""

    def __init__(self) -> None:
        self.found: list[Requirement] = []

    def parse(self, text: str, namespace: Namespace, within: tuple[Source, int] | None = None) -> sp.Basic:
        value, unproved = parse_with_requirements(text, namespace, within=within)
        self.found += [r for r in unproved if r not in self.found]
        return value


def parse_answer(question: Question, text: str, latex: bool = False) -> Parsed:
    kind = question.kind
    if latex and kind is AnswerKind.PARTS:
        return _parts(text, question, latex=True)  # each part's expression is LaTeX
    if latex:
        from checker.language.latex import latex_to_text  # the LaTeX front end loads only when used

        translated = latex_to_text(text, question.namespace, chain=kind is AnswerKind.CHAIN)
        try:
            return _plain(question, translated)
        except AnswerError as exc:
            raise _in_translation(exc, translated) from None
    return _plain(question, text)


def _in_translation(error: AnswerError, translated: str) -> AnswerError:
    """An error in the plain text a LaTeX answer was translated to: its columns are the
    translation's, so the translation is shown instead of a column of the LaTeX."""
    return type(error)(f"{error.message} (in `{translated.strip()}`, the LaTeX read as plain text)",
                       excerpt=error.excerpt, hint=error.hint)


def _plain(question: Question, text: str) -> Parsed:
    kind = question.kind
    if kind is AnswerKind.WORD:
        return _word(text, question.namespace)
    if kind is AnswerKind.INTEGER:
        value = parse_text(text, Namespace(functions=frozenset()))
        if not value.is_Rational:  # a fraction is understood, and simply wrong
            raise AnswerError(f"expected a whole number, got `{sp.sstr(value)}`")
        return Parsed(value, sp.sstr(value))
    if kind is AnswerKind.LIST:
        value = parse_text(text, Namespace(functions=frozenset()))
        if not isinstance(value, sp.Tuple) or not all(v.is_Rational for v in value):
            raise AnswerError(f"expected a list of numbers such as [1, 2, 3], got `{text.strip()}`")
        return Parsed(tuple(value), "[" + ", ".join(sp.sstr(v) for v in value) + "]")
    if kind is AnswerKind.PARTS:
        return _parts(text, question)
    if kind is AnswerKind.CHAIN:
        source = normalise_source(text, DEFAULT_CAPS.max_length)
        steps = _pieces(source.text, _CHAIN_SEPARATOR)
        if any(not source.text[start:end].strip() for start, end in steps):
            raise AnswerError("a chain is `step = step = ...` with no empty step")
        divisors = _Requirements()
        values = tuple(_expression(divisors.parse(source.text[start:end], question.namespace,
                                                  within=(source, start)), "a step")
                       for start, end in steps)
        return Parsed(values, " = ".join(sp.sstr(v) for v in values), tuple(divisors.found))
    divisors = _Requirements()
    value = _expression(divisors.parse(text, question.namespace), "the answer")
    return Parsed(value, sp.sstr(value), tuple(divisors.found))


def _expression(value: sp.Basic, what: str) -> sp.Basic:
    if isinstance(value, sp.Tuple):
        raise AnswerError(f"{what} must be one expression, not a list")
    if is_condition(value):
        raise AnswerError(f"{what} must be an expression, not a condition")
    return value


def _word(text: str, namespace: Namespace) -> Parsed:
    wanted = _squash(normalise(text))
    for word in namespace.words:
        if _squash(word) == wanted:
            return Parsed(word, word)
    raise AnswerError(
        f"`{text.strip()}` is not one of the accepted answers: {', '.join(namespace.words)}"
    )


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _pieces(text: str, separator: re.Pattern[str]) -> list[tuple[int, int]]:
    """The (start, end) of each piece of `text` between separators."""
    cuts = [(m.start(), m.end()) for m in separator.finditer(text)]
    starts = [0] + [end for _, end in cuts]
    ends = [start for start, _ in cuts] + [len(text)]
    return list(zip(starts, ends, strict=True))


def _parts(text: str, question: Question, latex: bool = False) -> Parsed:
    found: dict[str, sp.Basic] = {}
    divisors = _Requirements()
    source = None if latex else normalise_source(text, DEFAULT_CAPS.max_length)
    whole = text if source is None else source.text
    for start, end in _pieces(whole, _PART_SEPARATOR):
        chunk = whole[start:end]
        if not chunk.strip():
            continue
        name, sep, expr = chunk.partition("=")
        within = None if source is None else (source, start + len(name) + len(sep))
        name = name.strip()
        if not sep or name not in question.parts:
            raise AnswerError(
                f"each part is `name = expression` with name one of {', '.join(question.parts)}; "
                f"got `{chunk.strip()}`"
            )
        if name in found:
            raise AnswerError(f"part `{name}` given twice")
        if latex:
            from checker.language.latex import latex_to_text

            expr = latex_to_text(expr, question.namespace)
            try:
                found[name] = _expression(divisors.parse(expr, question.namespace), f"part `{name}`")
            except AnswerError as exc:
                raise _in_translation(exc, expr) from None
            continue
        found[name] = _expression(divisors.parse(expr, question.namespace, within), f"part `{name}`")
    missing = [p for p in question.parts if p not in found]
    if missing:
        raise AnswerError(f"missing part{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    shown = "; ".join(f"{p} = {sp.sstr(found[p])}" for p in question.parts)
    return Parsed(found, shown, tuple(divisors.found))
