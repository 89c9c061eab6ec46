"""The registry of the answer language's functions (checker.model.functions.FUNCTIONS):
it is exactly these functions, it drives the plain-text parser, the LaTeX front end and
`show`, and `floor`, `ceil` and `//` exist only for questions that declare them."""

from __future__ import annotations

import re
import time
from types import MappingProxyType

import pytest
import sympy as sp

from checker.language.latex import latex_to_text, vocabulary
from checker.language.textparse import parse_text, parse_with_requirements
from checker.model.errors import AnswerError
from checker.model.functions import FUNCTIONS, FunctionSpec, sigmoid
from checker.model.namespace import (
    ALL_FUNCTIONS,
    OPEN_UNIT,
    POSITIVE_INTEGER,
    REAL,
    MatrixName,
    Namespace,
    Variable,
)

DEFAULT = {"exp", "log", "sqrt", "sigmoid", "tanh", "erf", "abs", "max", "min", "Max", "Min",
           "Sum", "Piecewise", "diag", "transpose"}
DECLARED_ONLY = {"floor", "ceil"}

K = sp.Symbol("K", integer=True, positive=True)
VARIABLES = (Variable("f", OPEN_UNIT, ""), Variable("y", OPEN_UNIT, ""), Variable("x", REAL, ""),
             Variable("n", POSITIVE_INTEGER, ""), Variable("s", POSITIVE_INTEGER, ""),
             Variable("K", POSITIVE_INTEGER, ""))
MATRICES = (MatrixName("p", K, sp.Integer(1), ""), MatrixName("M", K, K, ""))
PLAIN = Namespace(variables=VARIABLES, matrices=MATRICES)
ROUNDING = Namespace(variables=VARIABLES, matrices=MATRICES, functions=ALL_FUNCTIONS | DECLARED_ONLY)
f, y, x, n, s = (PLAIN.lookup(name).symbol for name in "fyxns")  # type: ignore[union-attr]
p = sp.MatrixSymbol("p", K, 1)
M = sp.MatrixSymbol("M", K, K)
j = sp.Symbol("j", integer=True)


def refused(text: str, namespace: Namespace = PLAIN) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        parse_text(text, namespace)
    return caught.value


def refused_latex(tex: str, namespace: Namespace = PLAIN) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        parse_text(latex_to_text(tex, namespace), namespace)
    return caught.value


# the registry is exactly the language ---------------------------------------------------------
def test_the_registry_is_exactly_the_default_set_and_the_declared_only_functions() -> None:
    # A function added by mistake (`pow` bypasses the exponent cap, `N` evaluates) fails here.
    assert set(FUNCTIONS) == DEFAULT | DECLARED_ONLY
    assert set(ALL_FUNCTIONS) == DEFAULT
    assert Namespace().functions == ALL_FUNCTIONS
    assert not DECLARED_ONLY & ALL_FUNCTIONS
    assert isinstance(FUNCTIONS, MappingProxyType)  # read-only: nothing adds to it at run time


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_entry_is_complete(name: str) -> None:
    spec = FUNCTIONS[name]
    assert isinstance(spec, FunctionSpec) and spec.name == name
    assert callable(spec.build) and spec.meaning.strip()
    assert spec.least >= 1 and (spec.most is None or spec.most >= spec.least)
    assert spec.reads in ("scalars", "matrix", "range", "pieces")
    assert spec.defined_for in ("real", "positive", "nonnegative")


def test_arity_reads_as_in_the_messages() -> None:
    assert FUNCTIONS["exp"].arity_text() == "1 argument"
    assert FUNCTIONS["max"].arity_text() == "at least 2 arguments"
    assert FUNCTIONS["Sum"].arity_text() == "2 arguments"
    assert FUNCTIONS["max"].accepts(5) and not FUNCTIONS["max"].accepts(1)
    assert FUNCTIONS["floor"].accepts(1) and not FUNCTIONS["floor"].accepts(2)


# every entry is reachable from text -----------------------------------------------------------
TEXT_CALLS: dict[str, tuple[str, sp.Basic]] = {
    "exp": ("exp(x)", sp.exp(x)),
    "log": ("log(f)", sp.log(f)),
    "sqrt": ("sqrt(f)", sp.sqrt(f)),
    "sigmoid": ("sigmoid(x)", sigmoid(x)),
    "tanh": ("tanh(x)", sp.tanh(x)),
    "erf": ("erf(x)", sp.erf(x)),
    "abs": ("abs(x)", sp.Abs(x)),
    "max": ("max(x, f, 1)", sp.Max(x, f, 1)),
    "min": ("min(x, f)", sp.Min(x, f)),
    "Max": ("Max(x, f)", sp.Max(x, f)),
    "Min": ("Min(x, f)", sp.Min(x, f)),
    "Sum": ("Sum(j*x, (j, 1, n))", sp.Sum(j * x, (j, 1, n))),
    "Piecewise": ("Piecewise((f, x < 0), (y, True))", sp.Piecewise((f, x < 0), (y, True))),
    "diag": ("diag(p)", sp.DiagMatrix(p)),
    "transpose": ("transpose(M)", sp.Transpose(M)),
    "floor": ("floor(n/s)", sp.floor(n / s)),
    "ceil": ("ceil(n/s)", sp.ceiling(n / s)),
}


def test_every_registry_entry_has_a_text_sample() -> None:
    assert set(TEXT_CALLS) == set(FUNCTIONS)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_entry_is_reachable_from_text(name: str) -> None:
    text, value = TEXT_CALLS[name]
    assert parse_text(text, ROUNDING) == value
    if name in ALL_FUNCTIONS:
        assert parse_text(text, PLAIN) == value


# every LaTeX spelling is reachable ------------------------------------------------------------
def _latex_samples() -> list[tuple[str, str, tuple[sp.Basic, ...]]]:
    """(function, LaTeX, arguments) for every spelling of the registry."""
    out = []
    for spec in FUNCTIONS.values():
        arguments: tuple[sp.Basic, ...]
        if spec.reads == "matrix":
            written, arguments = "p", (p,)
        elif spec.least > 1:
            written, arguments = "x, f", (x, f)
        elif spec.defined_for != "real":
            written, arguments = "f", (f,)
        else:
            written, arguments = "x", (x,)
        for spelling in spec.latex:
            if " x " in spelling:
                opener, _, closer = spelling.split(" ")
                tex = f"{opener} {written} {closer}"
            elif spelling == r"\sqrt":
                tex = rf"\sqrt{{{written}}}"
            else:
                tex = f"{spelling}({written})"
            out.append((spec.name, tex, arguments))
            if spelling.startswith(r"\operatorname"):  # the same word set with \mathrm
                out.append((spec.name, tex.replace(r"\operatorname", r"\mathrm"), arguments))
    return out


LATEX_SAMPLES = _latex_samples()


@pytest.mark.parametrize(("name", "tex", "arguments"), LATEX_SAMPLES,
                         ids=[t for _, t, _ in LATEX_SAMPLES])
def test_every_latex_spelling_is_reachable(name: str, tex: str, arguments: tuple[sp.Basic, ...]) -> None:
    text = latex_to_text(tex, ROUNDING)
    assert text.startswith(f"{name}(")
    assert parse_text(text, ROUNDING) == FUNCTIONS[name].build(*arguments)


def test_every_function_with_spellings_has_a_sample_and_the_tables_come_from_the_registry() -> None:
    spelled = {name for name, spec in FUNCTIONS.items() if spec.latex}
    assert {name for name, _, _ in LATEX_SAMPLES} == spelled
    assert spelled == {"exp", "log", "sqrt", "sigmoid", "tanh", "erf", "abs", "max", "min", "diag",
                       "floor", "ceil"}
    mapped = (set(vocabulary.COMMAND_FUNCTIONS.values()) | set(vocabulary.WORD_FUNCTIONS.values())
              | {name for _, name in vocabulary.DELIMITED_FUNCTIONS.values()})
    assert mapped == spelled
    assert vocabulary.COMMAND_FUNCTIONS[r"\ln"] == "log" and vocabulary.WORD_FUNCTIONS["Diag"] == "diag"
    assert vocabulary.DELIMITED_FUNCTIONS[r"\lfloor"] == (r"\rfloor", "floor")
    assert r"\rfloor" in vocabulary.NON_FACTOR_COMMANDS and r"\rceil" in vocabulary.NON_FACTOR_COMMANDS


def test_a_spelling_of_no_known_shape_or_claimed_twice_fails_at_import(
        monkeypatch: pytest.MonkeyPatch) -> None:
    odd = FunctionSpec("odd", sp.exp, 1, (r"\odd{x}",), "a spelling of no known shape")
    monkeypatch.setattr(vocabulary, "LANGUAGE", {"odd": odd})
    with pytest.raises(ValueError, match="no known shape"):
        vocabulary._spellings()
    twice = {"exp": FUNCTIONS["exp"], "other": FunctionSpec("other", sp.exp, 1, (r"\exp",), "again")}
    monkeypatch.setattr(vocabulary, "LANGUAGE", twice)
    with pytest.raises(ValueError, match="claimed twice"):
        vocabulary._spellings()


def test_the_latex_front_end_keeps_its_readings() -> None:
    assert latex_to_text(r"\sigma(x) + \ln(f) + \exp x", PLAIN) == "sigmoid(x) + log(f) + exp(x)"
    assert latex_to_text(r"\mathbf{Diag}(p)", PLAIN) == "diag(p)"
    assert latex_to_text(r"\left\lvert x \right\rvert + |f|", PLAIN) == "abs(x) + abs(f)"
    assert latex_to_text(r"\tanh^2(x)", PLAIN) == "tanh(x)**2"
    assert "takes at least 2 arguments" in str(refused_latex(r"\max(x)"))
    assert "needs its arguments in parentheses" in str(refused_latex(r"\min x"))
    assert "takes 1 argument, got 2" in str(refused_latex(r"\exp(x, f)"))


# floor, ceil and // only where a question declares them -----------------------------------------
@pytest.mark.parametrize("text", ["floor(n/s)", "ceil(n/s) + 1", "floor(7/2)"])
def test_floor_and_ceil_are_unknown_where_not_declared(text: str) -> None:
    error = refused(text)
    name = text.split("(")[0]
    assert f"unknown function `{name}`; this question allows" in error.message
    assert error.hint == f"`{name}` is a function of the answer language, but this question does not use it"
    assert error.column == 1


@pytest.mark.parametrize("text", ["n // s", "7 // 2", "(n + 1)//(2*s)"])
def test_integer_division_is_refused_where_floor_is_not_declared(text: str) -> None:
    error = refused(text)
    assert "operator `//`" in error.message and "integer division is not available" in error.message
    assert error.hint.startswith("this question does not use integer division")


@pytest.mark.parametrize("tex", [r"\left\lfloor \frac{n}{s} \right\rfloor", r"\lfloor n \rfloor",
                                 r"\lceil n \rceil", r"\operatorname{floor}(n)", r"\mathrm{ceil}(n)"])
def test_floor_and_ceil_in_latex_are_refused_where_not_declared(tex: str) -> None:
    error = refused_latex(tex)
    assert "is not available in this question" in error.message and error.column is not None


def test_a_question_that_declares_them_may_use_floor_ceil_and_integer_division() -> None:
    assert parse_text("7 // 2", ROUNDING) == 3
    assert parse_text("-7 // 2", ROUNDING) == -4  # floor division, as in Python
    assert parse_text("floor(7/2) + ceil(7/2)", ROUNDING) == 7
    floored = parse_text("floor(n/s)", ROUNDING)
    assert isinstance(floored, sp.floor) and floored == sp.floor(n / s)
    assert parse_text("n // s", ROUNDING) == floored
    assert parse_text("(n + 2 - 3)//s + 1", ROUNDING) == sp.floor((n - 1) / s) + 1
    assert isinstance(parse_text("ceil(n/s)", ROUNDING), sp.ceiling)


@pytest.mark.parametrize(("tex", "value"), [
    (r"\left\lfloor \frac{n}{s} \right\rfloor", sp.floor(n / s)),
    (r"\lfloor n/s \rfloor + 1", sp.floor(n / s) + 1),
    (r"\lceil \frac{n}{s} \rceil^2", sp.ceiling(n / s) ** 2),
    (r"\operatorname{floor}\left(\frac{n}{s}\right)", sp.floor(n / s)),
    (r"\lfloor |x| \rfloor", sp.floor(sp.Abs(x))),
])
def test_floor_and_ceil_in_latex_where_declared(tex: str, value: sp.Basic) -> None:
    assert parse_text(latex_to_text(tex, ROUNDING), ROUNDING) == value


@pytest.mark.parametrize(("tex", "message"), [
    (r"\lfloor n", r"expected `\rfloor`"),
    (r"\lfloor n \rceil", r"expected `\rfloor` at column 11, found `\rceil`"),
    (r"\left\lfloor n \rfloor", r"expected `\right`"),
    (r"n \rfloor", r"unexpected `\rfloor`"),
    (r"\lfloor \rfloor", "expected a term"),
])
def test_unpaired_floor_delimiters_are_errors(tex: str, message: str) -> None:
    with pytest.raises(AnswerError, match=re.escape(message)):
        latex_to_text(tex, ROUNDING)


# the caps hold for the new functions ----------------------------------------------------------------
@pytest.mark.parametrize(("text", "message"), [
    ("floor(f**101)", "exponent"),
    ("floor(" * 120 + "n" + ")" * 120, "nested too deeply"),
    ("(10**50)**81 // 3", "is too large a number: 4051 digits"),
    ("(10**40*n)**100 // s", "builds too large a number"),
    ("(n + 10**50)**100 // s", "builds too large a number"),
    ("floor(n, s)", "`floor` takes 1 argument, got 2"),
    ("ceil()", "`ceil` takes 1 argument, got 0"),
    ("floor(p)", "`floor` of a matrix is not defined"),
    ("M // 2", "integer division of a matrix"),
    ("n // 0", "division by zero"),
    ("floor(sqrt(2)*n)", "`sqrt(2)` is not a rational number"),
    ("floor(exp(10**6))", "`exp(1000000)` is not a rational number"),
    ("ceil(n/exp(exp(exp(100))))", "is not a rational number"),
    ("exp(1) // 2", "`E/2` is not a rational number"),
    ("floor(x=n)", "keyword arguments"),
])
def test_floor_ceil_and_integer_division_within_the_caps(text: str, message: str) -> None:
    start = time.monotonic()
    error = refused(text, ROUNDING)
    assert message in error.message
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize(("tex", "message"), [
    (r"\lfloor " * 120 + "n" + r" \rfloor" * 120, "nested too deeply"),
    (r"\left\lceil " * 30 + r"\lfloor " * 75 + "n" + r" \rfloor" * 75 + r"\right\rceil " * 30,
     "nested too deeply"),
    (r"\lfloor" * 3000 + "n" + r"\rfloor" * 3000, "answer too long"),
])
def test_deep_floor_and_ceil_in_latex_are_refused_at_once(tex: str, message: str) -> None:
    start = time.monotonic()
    with pytest.raises(AnswerError, match=message):
        latex_to_text(tex, ROUNDING)
    assert time.monotonic() - start < 1.0


def test_integer_division_records_its_divisor() -> None:
    value, unproved = parse_with_requirements("n // x", ROUNDING)
    assert value == sp.floor(n / x)
    assert [(r.expr, r.kind) for r in unproved] == [(x, "≠ 0")]
    assert parse_with_requirements("n // s", ROUNDING)[1] == ()


# the namespace ------------------------------------------------------------------------------------
def test_a_declared_unknown_function_fails_when_the_namespace_is_built() -> None:
    with pytest.raises(ValueError, match=r"unknown function `flor` .*did you mean `floor`"):
        Namespace(functions=ALL_FUNCTIONS | {"flor"})
    with pytest.raises(ValueError, match=r"unknown functions `N`, `pow`"):
        Namespace(functions=frozenset({"pow", "N", "exp"}))
    with pytest.raises(TypeError, match="not the string"):
        Namespace(functions="floor")  # type: ignore[arg-type]


def test_a_set_of_names_is_kept_as_a_frozenset() -> None:
    namespace = Namespace(functions={"floor", "exp"})  # type: ignore[arg-type]
    assert namespace.functions == frozenset({"floor", "exp"})
    hash(namespace)


def test_the_namespace_gives_its_specs_and_their_meanings_for_show() -> None:
    assert [spec.name for spec in PLAIN.function_specs()] == sorted(ALL_FUNCTIONS)
    rows = PLAIN.describe_functions()
    assert [name for name, _ in rows] == sorted(PLAIN.functions)
    assert all(meaning == FUNCTIONS[name].meaning and meaning for name, meaning in rows)
    assert ("floor", FUNCTIONS["floor"].meaning) in ROUNDING.describe_functions()
    assert "floor" not in dict(rows)
    assert Namespace(functions=frozenset()).describe_functions() == []
