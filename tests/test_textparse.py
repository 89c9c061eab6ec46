"""The plain-text answer language: every rule with inputs it accepts and inputs it
must reject, and the rejection message naming the problem."""

from __future__ import annotations

import pytest
import sympy as sp

from checker import AnswerError, parse_text, sigmoid
from checker.model.namespace import (
    CLOSED_UNIT,
    OPEN_UNIT,
    POSITIVE_INTEGER,
    MatrixName,
    Namespace,
    Variable,
    Vector,
)

NS = Namespace(
    variables=(Variable("f", OPEN_UNIT, ""), Variable("y", CLOSED_UNIT, ""),
               Variable("i", POSITIVE_INTEGER, ""), Variable("n", POSITIVE_INTEGER, ""),
               Variable("K", POSITIVE_INTEGER, "")),
    vectors=(Vector("x", 1, ""), Vector("W1", 2, "")),
    matrices=(MatrixName("p", sp.Symbol("K", integer=True, positive=True), sp.Integer(1), ""),),
)
f = NS.lookup("f").symbol  # type: ignore[union-attr]
y = NS.lookup("y").symbol  # type: ignore[union-attr]
i = NS.lookup("i").symbol  # type: ignore[union-attr]
n = NS.lookup("n").symbol  # type: ignore[union-attr]
x = sp.IndexedBase("x", real=True)
W1 = sp.IndexedBase("W1", real=True)

ACCEPTED = [
    ("f - y", f - y),
    ("f^2", f**2),
    ("f**2", f**2),
    ("0.5*f", f / 2),
    ("1/3", sp.Rational(1, 3)),
    ("2.50", sp.Rational(5, 2)),
    ("-(f)", -f),
    ("+f", f),
    ("exp(f) + log(f) + sqrt(f)", sp.exp(f) + sp.log(f) + sp.sqrt(f)),
    ("sigmoid(f)", sigmoid(f)),
    ("tanh(f) + erf(f) + abs(f)", sp.tanh(f) + sp.erf(f) + sp.Abs(f)),
    ("max(f, y) + Min(f, y, 1)", sp.Max(f, y) + sp.Min(f, y, 1)),
    ("x[i+1] - x[1]", x[i + 1] - x[1]),
    ("W1[i, 0]", W1[i, 0]),
    ("Sum(x[j], (j, 1, K))", sp.Sum(x[sp.Symbol("j", integer=True)],
                                   (sp.Symbol("j", integer=True), 1, NS.lookup("K").symbol))),  # type: ignore[union-attr]
    ("f if f < y else y", sp.Piecewise((f, f < y), (y, True))),
    ("x[1] if 1 <= i <= n else 0", sp.Piecewise((x[1], (i >= 1) & (i <= n)), (0, True))),
    ("1 if (i < 2) | (i > 5) else 0", sp.Piecewise((1, (i < 2) | (i > 5)), (0, True))),
    ("1 if i < 2 and n > 1 else 0", sp.Piecewise((1, (i < 2) & (n > 1)), (0, True))),
    ("Piecewise((f, f < 1/2), (y, True))", sp.Piecewise((f, f < sp.Rational(1, 2)), (y, True))),
    ("[1, 2, 5]", sp.Tuple(1, 2, 5)),
    ("ｆ − y", f - y),  # fullwidth letter and a Unicode minus, normalised first
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_accepted(text: str, expected: sp.Basic) -> None:
    assert parse_text(text, NS) == expected


def test_matrix_forms() -> None:
    p = NS.lookup("p").symbol  # type: ignore[union-attr]
    assert parse_text("p*p.T", NS) == p * p.T
    assert parse_text("transpose(p)", NS) == sp.Transpose(p)
    assert "DiagMatrix" in sp.srepr(parse_text("diag(p)", NS))


REJECTED = [
    ("__import__('os').system('touch x')", "only the language's functions can be called"),
    ("f.__class__", "attribute"),
    ("p.shape", "attribute"),
    ("open('x')", "unknown function `open`"),
    ("eval('1')", "unknown function `eval`"),
    ("exp('f')", "only numbers"),
    ("lambda: 1", "lambda"),
    ("[v for v in (1, 2)]", "comprehension"),
    ("f; y", "syntax error"),
    ("f = 1", "syntax error"),
    ("f -", "syntax error"),
    ("", "empty answer"),
    ("z + 1", "unknown name `z`"),
    ("S(1)", "unknown function `S`"),
    ("E", "unknown name `E`"),
    ("I", "unknown name `I`"),
    ("x", "indexed"),
    ("x[1, 2]", "takes 1 index"),
    ("x[1:2]", "slices"),
    ("f[1]", "cannot be indexed"),
    ("x[1/2]", "must be an integer"),
    ("exp", "is a function"),
    ("exp(f, y)", "takes 1 argument"),
    ("exp(x=f)", "keyword arguments"),
    ("max(f)", "at least 2 arguments"),
    ("Sum(x[j], j)", "Sum(term, (j, first, last))"),
    ("Piecewise(f)", "(value, condition) pairs"),
    ("f if y else 0", "not a condition"),
    ("9**9**9", "too large"),
    ("2**f", "a number raised to a symbol"),
    ("10**100 ** 100", "too large"),
    ("1" * 80, "digits"),
    ("f" + "+f" * 1200, "too long"),
    ("exp(" * 200 + "f" + ")" * 200, "nested too deeply"),
    ("-" * 500 + "f", "nested too deeply"),
    ("1/0", "division by zero"),
    ("log(0)", "log of zero"),
    ("1j", "only numbers"),
    ("b'x'", "only numbers"),
    ("True", "only numbers"),
    ("{1: 2}", "a dict"),
    ("f @ y", "operator"),
    ("f // y", "operator"),
    ("f é", "not part of the answer language"),
    ("p - 1", "adds a matrix and a number"),
    ("diag(f)", "declared vector or matrix"),
    ("Sum(1, (__x, 1, 2))", "cannot be a summation index"),
    ("p.I", "attribute `p.I` is not allowed"),
    ("p.H", "attribute `p.H` is not allowed"),
    ("f.T", "attribute `f.T` is not allowed"),
    ("pow(9, 9**9)", "unknown function `pow`"),
    ("(f**10)**11", "builds a power with exponent 110, too large (limit 100"),
    ("(10**40*f)**100", "builds too large a number"),
    ("(f + 10**50)**100", "builds too large a number"),
    ("p**-1", "only a square matrix has powers and an inverse"),
]


@pytest.mark.parametrize(("text", "message"), REJECTED, ids=[t[:40] for t, _ in REJECTED])
def test_rejected(text: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text(text, NS)
    assert message in str(caught.value)


def test_error_lists_what_the_question_allows() -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text("q", NS)
    assert "names: f, y, i, n, K, x, W1, p" in str(caught.value)
    assert "sigmoid" in str(caught.value)


def test_no_string_reaches_sympy(tmp_path: pytest.TempPathFactory) -> None:
    """A payload that would create a file if anything evaluated it."""
    sentinel = f"{tmp_path}/owned"
    payloads = [
        f"exp(__import__('pathlib').Path('{sentinel}').touch())",
        f"sigmoid('__import__(\"pathlib\").Path(\"{sentinel}\").touch()')",
        "().__class__.__bases__[0].__subclasses__()",
    ]
    for payload in payloads:
        with pytest.raises(AnswerError):
            parse_text(payload, NS)
    import os

    assert not os.path.exists(sentinel)


@pytest.mark.parametrize(("text", "message"), [
    ("exp([1, 2])", "a list cannot be used here"),
    ("sigmoid(f < 1)", "a condition cannot be used as a value"),
    ("(10**49)**100", "too large a number"),
    ("*".join(["1e299"] * 18), "too large a number"),
    ("1/p", "cannot divide by a matrix"),
    ("exp(p)", "of a matrix is not defined"),
    ("max(p, f)", "of a matrix is not defined"),
    ("[1, [2]]", "a list cannot be used here"),
    ("x[[1]]", "a list cannot be used here"),
    ("f - y + 0*Max(" + "⑽," * 990 + "1)", "after Unicode normalisation"),
])
def test_values_of_the_wrong_kind_and_size_are_rejected(text: str, message: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text(text, NS)
    assert message in str(caught.value)


def test_long_flat_sums_are_not_mistaken_for_nesting() -> None:
    assert parse_text("+".join(["f"] * 90), NS) == 90 * f


@pytest.mark.parametrize(("text", "expected"), [
    ("1.00000000000000000001", sp.Rational(10**20 + 1, 10**20)),  # not rounded to a float
    ("18431.9999999999999999", sp.Rational(184319999999999999999, 10**16)),
    ("1e-40", sp.Rational(1, 10**40)),
    ("2.5e3", sp.Integer(2500)),
    (".5", sp.Rational(1, 2)),
])
def test_decimals_are_read_exactly_as_written(text: str, expected: sp.Expr) -> None:
    assert parse_text(text, NS) == expected


@pytest.mark.parametrize(("text", "needs"), [
    ("f*(2*f - 1)/(2*f - 1)", "`2*f - 1` ≠ 0"),  # cancelled by SymPy while parsing
    ("f*(2*f - 1)**(y + 2)*(2*f - 1)**(-y - 2)", "`2*f - 1` > 0"),  # y is real here
    ("f*(2*f - 1)*exp(-log(2*f - 1))", "`2*f - 1` > 0"),
    ("sqrt(f - y)**2", "`f - y` ≥ 0"),
    ("f**y", None),  # f > 0 on (0, 1)
    ("log(1 - f) + 1/f", None),
    ("f/(f + y)", None),
    ("0*(p.T*p)**-1", "`p.T*p` invertible"),  # the zero matrix to SymPy
    ("(p*p.T)**-1", "`p*p.T` invertible"),  # K = 1 is allowed here: not singular for every K
    ("p/(K - 1)", "`K - 1` ≠ 0"),
    ("(p*p.T)**2", None),
])
def test_what_an_answer_needs_is_recorded_before_simplification(text: str, needs: str | None) -> None:
    from checker.language.textparse import parse_with_requirements

    _, unproved = parse_with_requirements(text, NS)
    assert [r.describe() for r in unproved] == ([needs] if needs else [])


# Messages that say how to fix the answer ------------------------------------------------
# Each hint: the input, the column (1-based, in the answer as written), the offending text
# as written, and words the hint must contain.
IMPLICIT = "write `*` between factors, or pass the answer with `--latex`"
LATEX = "this looks like LaTeX: use `--latex`"
HINTS = [
    ("(f-y)f(1-f)", 6, "(f-y)f", IMPLICIT),
    ("2f", 2, "2f", IMPLICIT),
    ("2 f", 3, "2 f", IMPLICIT),
    ("f y", 3, "f y", IMPLICIT),
    ("f(1-f)", 1, "f(1-f)", IMPLICIT),  # a name of the question, called
    ("(f-y)(1-f)", 1, "(f-y)(1-f)", IMPLICIT),
    ("2(f - y)", 1, "2(f - y)", IMPLICIT),
    (r"\frac{1}{1+e^{-a}}", 1, r"\frac", LATEX),
    ("e^{-f}", 2, "^{", LATEX),
    ("x_{1}", 2, "_{", LATEX),
    ("$f - y$", 1, "$", LATEX),
    ("ln(f)", 1, "ln(f)", "the natural log is written `log`"),
    ("e^f", 1, "e^f", "`exp(f)`"),
    ("e**f", 1, "e**f", "`exp(f)`"),
    ("y*e^(-f)", 3, "e^(-f)", "`exp(-f)`"),
    ("e*f", 1, "e", "`exp(1)`"),
    ("σ(f)", 1, "σ", "`sigmoid(...)`"),
    ("sigma(f)", 1, "sigma(f)", "`sigmoid`"),
    ("65,536", 1, "65,536", "write 65536"),
    ("65 536", 4, "65 536", "write 65536"),
    ("f ≤ y", 3, "≤", "write `<=`"),
    ("[1, 2 3]", 7, "2 3", "separate the items of a list with `,`"),
    ("f = y", 3, "=", "`==` to compare"),
    ("f; y", 2, ";", "named parts"),
    ("f ! y", 3, "!", "`!=` compares"),
    ("f é", 3, "é", "ASCII letters"),
]


@pytest.mark.parametrize(("text", "column", "excerpt", "hint"), HINTS, ids=[h[0] for h in HINTS])
def test_an_unreadable_answer_says_where_and_how_to_fix_it(text: str, column: int, excerpt: str,
                                                           hint: str) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text(text, NS)
    error = caught.value
    assert (error.column, error.excerpt) == (column, excerpt), str(error)
    assert hint in error.hint
    assert hint in str(error)  # the one-line form (grade reports, JSON `reason`) keeps the hint


@pytest.mark.parametrize(("text", "message", "column"), [
    ("(f - y", "the `(` at column 1 is never closed", 7),
    ("f - y)", "`)` closes nothing", 6),
    ("(f - y]", "`]` does not close the `(` at column 1", 7),
    ("f -", "the answer ends after `-`", 3),
    ("f */ y", "`*` is followed by `/`", 4),
    ("* f", "the answer starts with `*`", 1),
])
def test_syntax_errors_are_described_in_the_language_s_terms(text: str, message: str,
                                                             column: int) -> None:
    with pytest.raises(AnswerError) as caught:
        parse_text(text, NS)
    assert message in str(caught.value) and caught.value.column == column
    for python_words in ("invalid syntax", "decimal literal", "line continuation", "was never closed"):
        assert python_words not in str(caught.value)


@pytest.mark.parametrize(("text", "expected"), [
    ("f·y", f * y),  # a middle dot, as word processors print a product
    ("f⋅y", f * y),
    ("f×y", f * y),
    ("f − y", f - y),  # a Unicode minus sign
])
def test_typographic_operators_are_accepted(text: str, expected: sp.Basic) -> None:
    assert parse_text(text, NS) == expected


def test_columns_are_those_of_the_answer_as_written() -> None:
    # `^` becomes `**` and fullwidth letters are normalised before parsing; the column a
    # person is shown is still the one in what they typed.
    for text, column in [("f^2 + 2f", 8), ("ｆ^2 + 2f", 8), ("  f^2 +  q", 10)]:
        with pytest.raises(AnswerError) as caught:
            parse_text(text, NS)
        assert caught.value.column == column, (text, str(caught.value))


def test_a_step_of_a_chain_is_located_in_the_whole_answer() -> None:
    from checker import get, parse_answer

    first = "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))"
    with pytest.raises(AnswerError) as caught:
        parse_answer(get("2.1"), f"{first} = exp(x[i])2/Sum(exp(x[j]), (j, 1, K))")
    assert caught.value.column == len(first) + len(" = exp(x[i])") + 1
    assert caught.value.excerpt == "exp(x[i])2"
    with pytest.raises(AnswerError) as caught:
        parse_answer(get("3"), "W1 = W1[j,i]/2; W2 = W2[k,j]2; b2 = W2[k,0]")
    assert caught.value.column == len("W1 = W1[j,i]/2; W2 = W2[k,j]") + 1


def test_a_latex_answer_s_error_shows_the_translation_not_a_wrong_column() -> None:
    from checker import get, parse_answer

    with pytest.raises(AnswerError) as caught:
        parse_answer(get("1.4"), r"f - y + \frac{1}{0}", latex=True)
    # A column of the translation would point at the wrong place in the LaTeX.
    assert caught.value.column is None
    assert "(in `f - y + 1/0`, the LaTeX read as plain text)" in str(caught.value)
