"""One step of a written derivation, read in a question's notation (`derivcheck doc`).

A step is LaTeX as a person wrote it. Before the LaTeX front end sees it:

1. it is normalised the way declared spellings are (`normalise_latex`): spaces dropped
   where they do not separate a command from a letter, `\\boldsymbol{x}`, `\\mathbf{x}`
   and `\\bm{x}` read as `x` (one letter or one Greek command only: `\\mathbf{Diag}` keeps
   its meaning), `\\left`/`\\right` dropped;
2. argument lists that only name dependence (`(x,\\theta)`) are dropped;
3. each declared spelling (`checker.model.notation.Notation`), longest first, is replaced
   by a placeholder name, declared for this step only, and after parsing the
   placeholder is replaced by the value the question's derivation gives it.

So nothing is guessed: a spelling that is not declared reaches the LaTeX front end as
written, which refuses what it does not know, naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from checker.language.answers import Parsed, parse_answer
from checker.language.requirements import unproved
from checker.model.errors import AnswerError
from checker.model.namespace import REAL, Namespace, Variable, Vector
from checker.model.notation import DocumentSpec, Notation
from checker.model.question import AnswerKind, Question

_SPACES = re.compile(r"\s+")
# A space matters only between a command word and a letter (`\exp x`, `\partial a`).
_NEEDED_SPACE = re.compile(r"(\\[A-Za-z]+) (?=[A-Za-z])")
_STYLE_LETTER = re.compile(r"\\(?:boldsymbol|mathbf|bm|mathbb)\{(\\?[A-Za-z]+)\}")
_SIZING = re.compile(r"\\(?:left|right|big|Big|bigg|Bigg)(?![A-Za-z])(\.)?")
# A row break `\\` is kept whole (its second backslash is not the start of `\ `).
_SPACING = re.compile(r"(\\\\)|\\[,;:! ]|\\q?quad(?![A-Za-z])|~")
_ARGUMENT = r"(\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[A-Za-z0-9])"
# A derivative left after every declared spelling was replaced: named whole in the error.
_BRACED = r"\{\\partial[^{}]*(?:\{[^{}]*\}[^{}]*)*\}"  # {\partial ...}, one level of braces inside
_DERIVATIVE = re.compile(r"\\frac" + _BRACED + _BRACED)
_PLACEHOLDER = "dcnotation"  # placeholder names: dcnotationa, dcnotationb, ... (letters only)


def normalise_latex(latex: str) -> str:
    """The form steps and declared spellings are compared in (see the module docstring)."""
    text = _SIZING.sub("", latex)
    text = _SPACING.sub(lambda m: m.group(1) or " ", text)
    text = _STYLE_LETTER.sub(lambda m: m.group(1) if _is_letter(m.group(1)) else m.group(0), text)
    text = _SPACES.sub(" ", text).strip()
    # Keep `\exp x` apart; every other space goes.
    kept = _NEEDED_SPACE.sub(lambda m: m.group(1) + "\0", text)
    return kept.replace(" ", "").replace("\0", " ")


def _is_letter(content: str) -> bool:
    return len(content) == 1 or (content.startswith("\\") and content[1:].isalpha())


@dataclass(frozen=True)
class Step:
    """One step as read: its value (None for the asked quantity itself), how it was read,
    and the domain requirements the parser could not show."""

    value: Any
    shown: str
    asked: bool = False
    parsed: Parsed | None = None
    up_to_factor: bool = False  # it names a quantity defined up to a positive factor


def read_step(question: Question, latex: str, answer: Any = None) -> Step:
    """A step of a derivation of `question`, in its notation; AnswerError when the step
    cannot be read (the message names the part). `answer` is the value of the answer the
    block has stated so far (None: none yet): the asked spelling then stands for it."""
    spec = question.document or DocumentSpec()
    text = _drop_dependence(normalise_latex(latex), spec)
    if answer is None and is_asked(question, latex):
        return Step(None, "the asked quantity", asked=True)
    text, placeholders = _substitute(text, spec, answer is not None)
    namespace = _extended(question.namespace, spec, placeholders)
    reading = replace(question, namespace=namespace, kind=AnswerKind.EXPRESSION)
    try:
        parsed = parse_answer(reading, text, latex=True)
    except AnswerError as exc:
        unknown = _DERIVATIVE.search(text)
        if unknown is None:
            raise _without_placeholders(exc) from None
        raise AnswerError(f"`{unknown.group(0)}` is not a quantity question {question.id} declares "
                          f"(`derivcheck show {question.id}` lists the spellings a write-up may use)",
                          excerpt=unknown.group(0), hint=exc.hint) from None
    value = _fill(parsed.value, placeholders, answer)
    # A need was judged on the placeholder (`dcnotation0 ≠ 0`); with the value filled in
    # (a sum of exponentials) it may be shown after all.
    needs = unproved([replace(r, expr=_fill(r.expr, placeholders, answer)) for r in parsed.unproved],
                     namespace)
    return Step(value, sp.sstr(value), parsed=Parsed(value, sp.sstr(value), needs),
                up_to_factor=any(p.notation.up_to_factor for p in placeholders))


def is_asked(question: Question, latex: str) -> bool:
    """The step is the asked quantity itself, as declared (`\\frac{\\partial L_{CE}}{\\partial a}`)."""
    spec = question.document or DocumentSpec()
    text = _drop_dependence(normalise_latex(latex), spec)
    return any(text == normalise_latex(n.spelling) for n in spec.asked)


def read_answer(question: Question, latex: str, notation: bool = False) -> Parsed:
    """A formula taken as the answer itself: read as the question's kind, in the answer
    language, with dependence arguments dropped. With `notation` (the right side of an
    equation that states the asked quantity), an expression answer may also use the
    question's declared spellings (5.2's `|a^2|` in a condition); a formula found by the
    fallback rules must be in the asked form alone."""
    spec = question.document or DocumentSpec()
    if notation and question.kind is AnswerKind.EXPRESSION and not is_asked(question, latex):
        step = read_step(question, latex)
        if step.parsed is not None:
            return step.parsed
    return parse_answer(question, _drop_dependence(normalise_latex(latex), spec), latex=True)


def _without_placeholders(error: AnswerError) -> AnswerError:
    """The parser's message lists the names a step may use: the placeholders that stand
    for declared spellings are this module's business, not the reader's."""
    message = re.sub(rf"{_PLACEHOLDER}[a-z]+(, )?", "", error.message).replace(", (", " (")
    return AnswerError(message, column=error.column, excerpt=error.excerpt, hint=error.hint)


def _drop_dependence(text: str, spec: DocumentSpec) -> str:
    for arguments in sorted((normalise_latex(d) for d in spec.dependence), key=len, reverse=True):
        text = text.replace(arguments, "")
    return text


@dataclass(frozen=True)
class _Placeholder:
    name: str
    notation: Notation


def _pattern(notation: Notation) -> re.Pattern[str]:
    spelling = normalise_latex(notation.spelling)
    before, _, after = spelling.partition("#")
    body = re.escape(before) + (_ARGUMENT + re.escape(after) if "#" in spelling else "")
    # A spelling that starts or ends with a letter is a whole name: not the `f` of `\frac`
    # or of `fx`.
    head = r"(?<![A-Za-z\\])" if spelling[:1].isalpha() else ""
    tail = r"(?![A-Za-z])" if spelling[-1:].isalpha() else ""
    if spelling.startswith("\\sum"):
        # A sum's body runs to the end of its term (docs/latex.md): the spelling stands for
        # the whole sum only when nothing multiplies onto its body (`\sum_k e^{x_k}` is not
        # `\sum_k e^{x_k} y_k`, nor `\sum_k e^{x_k}^2`).
        tail = r"(?=$|[-+)}=,&\]]|\\right|\\\\)"
    return re.compile(head + body + tail)


def _substitute(text: str, spec: DocumentSpec, answered: bool) -> tuple[str, list[_Placeholder]]:
    placeholders: list[_Placeholder] = []
    valued = [n for n in spec.notation if answered or not n.asked]
    for notation in sorted(valued, key=lambda n: len(normalise_latex(n.spelling)), reverse=True):
        pattern = _pattern(notation)
        if not pattern.search(text):
            continue
        name = _PLACEHOLDER + _letters(len(placeholders))
        placeholders.append(_Placeholder(name, notation))

        def put(match: re.Match[str], name: str = name) -> str:
            argument = match.group(1) if match.groups() else None
            return f"(\\mathrm{{{name}}}_{argument})" if argument else f"(\\mathrm{{{name}}})"

        text = pattern.sub(put, text)
    return text, placeholders


def _evaluated(derive: Any) -> Any:
    """A notation's value is the derivation's, built with SymPy's evaluation on even when
    the step around it is read as written (checker.run.showing reads steps unevaluated)."""
    def value(*indices: Any) -> Any:
        with sp.evaluate(True):
            return derive(*indices)
    return value


def _derivation(notation: Notation, answer: Any) -> Any:
    """What a placeholder is replaced by: the notation's value, given the answer if it
    needs it; the asked quantity is the answer itself."""
    if notation.value is None:
        return lambda *indices: answer
    if not notation.uses_answer:
        return notation.value
    if answer is None:
        raise AnswerError(f"`{notation.spelling}` stands for {notation.meaning}, which depends on "
                          "the answer, and no answer has been stated before this step")
    derive = notation.value
    return lambda *indices: derive(*indices, answer=answer)


def _letters(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = chr(ord("a") + digit) + out
        if number == 0:
            return out
        number -= 1


def _extended(namespace: Namespace, spec: DocumentSpec, placeholders: list[_Placeholder]) -> Namespace:
    taken = set(namespace.names())
    extra_variables = tuple(v for v in spec.variables if v.name not in taken)
    scalars = tuple(Variable(p.name, REAL, p.notation.meaning) for p in placeholders
                    if p.notation.rank == 0)
    indexed = tuple(Vector(p.name, p.notation.rank, p.notation.meaning) for p in placeholders
                    if p.notation.rank > 0)
    return replace(namespace, variables=(*namespace.variables, *extra_variables, *scalars),
                   vectors=(*namespace.vectors, *indexed),
                   functions=namespace.functions | spec.functions,
                   words=())  # a step is a formula, even in a word question


def _fill(value: Any, placeholders: list[_Placeholder], answer: Any) -> Any:
    """The parsed step with every placeholder replaced by its derived value (the asked
    spelling by the block's answer)."""
    if not isinstance(value, sp.Basic):
        return value
    for placeholder in placeholders:
        derive = _evaluated(_derivation(placeholder.notation, answer))
        if placeholder.notation.rank == 0:
            value = value.xreplace({sp.Symbol(placeholder.name, real=True): derive()})
            continue
        base = sp.IndexedBase(placeholder.name, real=True)
        value = value.replace(lambda e, base=base: isinstance(e, sp.Indexed) and e.base == base,
                              lambda e, derive=derive: derive(*e.indices))
    leftover = sorted(str(s) for s in value.free_symbols if str(s).startswith(_PLACEHOLDER))
    if leftover:
        raise AnswerError("internal: a notation placeholder was left unread")
    return value
