"""Every cap and whitelist of the answer language at its boundary: exactly at the limit
is accepted, one past it (one more character, level, digit, exponent, number) is refused
with a message naming the cap. A mutation of a comparison (`>` for `>=`) or of a limit
(100 for 101) fails here, not only far beyond the limit."""

from __future__ import annotations

import ast
import time
from collections.abc import Callable

import pytest
import sympy as sp

from checker import AnswerError, Limits, Status, check_answer, get, parse_text
from checker.language import textparse
from checker.language.textparse import DEFAULT_CAPS, InputCaps, parse_with_requirements
from checker.model.namespace import (
    ALL_FUNCTIONS,
    OPEN_UNIT,
    POSITIVE_INTEGER,
    MatrixName,
    Namespace,
    Variable,
    Vector,
)
from checker.prove.sampling import Value, decimal_digits

K = sp.Symbol("K", integer=True, positive=True)
NS = Namespace(
    variables=(Variable("f", OPEN_UNIT, ""), Variable("y", OPEN_UNIT, ""),
               Variable("K", POSITIVE_INTEGER, "")),
    vectors=(Vector("x", 1, ""),),
    matrices=(MatrixName("p", K, sp.Integer(1), ""),),
)
f = sp.Symbol("f", positive=True, real=True)
LIMITS = Limits(timeout=5.0, memory_mb=768)


def refused(text: str, namespace: Namespace = NS) -> str:
    with pytest.raises(AnswerError) as caught:
        parse_text(text, namespace)
    return str(caught.value)


def test_the_caps_are_the_documented_ones() -> None:
    # The boundaries below are written for these values (README, "Security").
    documented = InputCaps(max_length=2000, max_depth=100, max_digits=60, max_exponent=100,
                           max_literal_exponent=300, max_result_digits=4000, max_root_digits=400)
    assert documented == DEFAULT_CAPS


# length --------------------------------------------------------------------------------------
def test_length_at_the_limit_is_accepted_and_one_more_character_is_not() -> None:
    at_limit = "f - y" + " " * (2000 - len("f - y"))
    assert len(at_limit) == 2000
    assert parse_text(at_limit, NS) == parse_text("f - y", NS)
    assert "answer too long: 2001 characters (limit 2000)" in refused(at_limit + " ")


def test_length_after_unicode_normalisation_at_and_past_the_limit() -> None:
    # `⑽` is one character that NFKC turns into the four of `(10)`.
    head = "f - y + 0*Max("
    body = "⑽," * 396 + "1)"
    text = head + body
    normalised = len(head) + 5 * 396 + 2
    padding = 2000 - normalised
    assert parse_text(text + " " * padding, NS) is not None
    message = refused(text + " " * (padding + 1))
    assert "too long after Unicode normalisation: 2001 characters (limit 2000)" in message


# nesting -------------------------------------------------------------------------------------
def calls(levels: int) -> str:
    return "exp(" * (levels - 1) + "f" + ")" * (levels - 1)


def signs(levels: int) -> str:
    return "-" * (levels - 1) + "f"


def terms(levels: int) -> str:  # f + f + ... is read ((f + f) + f) + ...
    return "+".join(["f"] * levels)


def parenthesised(levels: int) -> str:  # parentheses alone add no level
    return "(" * 50 + calls(levels) + ")" * 50


@pytest.mark.parametrize("nest", [calls, signs, terms, parenthesised])
def test_nesting_at_the_limit_is_accepted_and_one_more_level_is_not(nest: Callable[[int], str]) -> None:
    assert parse_text(nest(100), NS) is not None
    assert "answer nested too deeply (limit 100 levels)" in refused(nest(101))


def test_levels_are_counted_as_written() -> None:
    one, two = parse_with_requirements, InputCaps(max_depth=2)
    assert one("f", NS, InputCaps(max_depth=1))[0] == f
    assert one("exp(f)", NS, two)[0] == sp.exp(f)
    with pytest.raises(AnswerError, match="limit 2 levels"):
        one("exp(exp(f))", NS, two)
    with pytest.raises(AnswerError, match="limit 2 levels"):
        one("-(f + 1)", NS, two)


# literals ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("at_limit", "past"), [
    ("1" * 60, "1" * 61),
    ("1." + "1" * 59, "1." + "1" * 60),
    ("0." + "0" * 58 + "1", "0." + "0" * 59 + "1"),
    ("1_" + "1" * 59, "1_" + "1" * 60),  # an underscore is not a digit
])
def test_digits_per_literal(at_limit: str, past: str) -> None:
    assert parse_text(at_limit, NS).is_Rational
    assert "number with 61 digits is too long (limit 60 digits)" in refused(past)


@pytest.mark.parametrize(("at_limit", "past", "value"), [
    ("1e300", "1e301", sp.Integer(10)**300),
    ("1e-300", "1e-301", sp.Rational(1, 10**300)),
    ("1E+300", "1E+301", sp.Integer(10)**300),
])
def test_a_literal_s_exponent(at_limit: str, past: str, value: sp.Rational) -> None:
    assert parse_text(at_limit, NS) == value
    assert f"number `{past}` is out of range (exponent limit 300)" in refused(past)


# exponents -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("at_limit", "past", "shown"), [
    ("f**100", "f**101", "exponent 101"),
    ("f**-100", "f**-101", "exponent -101"),
    ("f**(1/100)", "f**(1/101)", "exponent 1/101"),
    ("f**(99/100)", "f**(101/100)", "exponent 101/100"),
    ("f^100", "f^101", "exponent 101"),
])
def test_a_written_exponent(at_limit: str, past: str, shown: str) -> None:
    assert isinstance(parse_text(at_limit, NS), sp.Pow)
    message = refused(past)
    assert shown in message and "(limit 100)" in message


@pytest.mark.parametrize(("at_limit", "past", "built"), [
    ("(f**10)**10", "(f**10)**11", 110),  # SymPy builds f**110
    ("f**50*f**50", "f**50*f**51", 101),
    ("(f**(1/10))**(1/10)", "(f**(1/10))**(1/11)", 110),
    ("exp(100*log(f))", "exp(101*log(f))", 101),  # SymPy builds f**101
    ("f**50/f**-50", "f**50/f**-51", 101),
])
def test_an_exponent_built_by_sympy_is_capped_like_a_written_one(at_limit: str, past: str,
                                                                 built: int) -> None:
    assert isinstance(parse_text(at_limit, NS), sp.Pow)
    message = refused(past)
    assert f"builds a power with exponent {built}, too large (limit 100" in message


def test_the_exponent_cap_holds_for_matrix_powers() -> None:
    assert isinstance(parse_text("(p*p.T)**100", NS), sp.MatPow)
    assert "(limit 100)" in refused("(p*p.T)**101")


# numbers built -------------------------------------------------------------------------------
TEN_3999 = "(10**39)**100*10**99"  # 10**3999: 4000 digits


@pytest.mark.parametrize(("at_limit", "past"), [
    (TEN_3999, "(10**39)**100*10**100"),
    ("(10**40 - 1)**100", "(10**40)**100"),  # 4000 nines-ish digits; then 10**4000
    ("(10**39*f)**100*10**99", "(10**39*f)**100*10**100"),  # a coefficient of 10**3999*f**100
    ("(10**39*f)**100*10**99 - y", "(10**40*f)**100 - y"),
    ("1/(10**39)**100/10**99", "1/(10**39)**100/10**100"),  # in the denominator
    ("(f/10**39)**100/10**99", "(f/10**40)**100"),
])
def test_numbers_built_at_the_limit_and_one_digit_past_it(at_limit: str, past: str) -> None:
    parse_text(at_limit, NS)
    message = refused(past)
    assert "too large a number" in message and "4001 digits (limit 4000 digits)" in message


def test_a_number_exactly_at_the_limit_has_exactly_4000_digits() -> None:
    value = parse_text("(10**40 - 1)**100", NS)
    assert isinstance(value, sp.Integer) and len(str(value)) == 4000
    assert len(str(parse_text(TEN_3999, NS))) == 4000


# The issue's cases: each an `error` naming the cap, within a second, as written or
# inside a Sum, a Piecewise or a conditional.
TOO_LARGE = [
    "(10**40*f)**100 - y",
    "(10**59*f)**100 - y",
    "((10**20*f)**20)**20 - y",
    "(f + 10**50)**100",
    "(f + 10**50)**100 - (f + 10**50)**100",  # multiplied out only later, by `expand`
    "Sum((10**40*f)**100, (j, 1, 3)) - y",
    "Piecewise(((f + 10**50)**100, f < 1/2), (f - y, True))",
    "f - y if f < 1/2 else (10**59*f)**100",
    "(f + 10**30)**70*(f + 10**30)**70",  # SymPy merges the two into (f + 10**30)**140
    "((f + 10**20)**10)**30",
    "exp(100*log(10**59))",  # SymPy computes (10**59)**100
]


@pytest.mark.parametrize("answer", TOO_LARGE)
def test_what_would_be_built_too_large_is_an_error_naming_the_cap(answer: str) -> None:
    start = time.monotonic()
    message = refused(answer, get("1.4").namespace)
    assert time.monotonic() - start < 1.0
    assert "limit 4000 digits" in message or "limit 100 " in message, message


@pytest.mark.parametrize("answer", TOO_LARGE[:4] + TOO_LARGE[5:7])
def test_the_issue_s_answers_end_as_errors_within_a_second(answer: str) -> None:
    start = time.monotonic()
    verdict = check_answer("1.4", answer, limits=LIMITS)
    assert time.monotonic() - start < 1.0 + 1.0  # a forked worker's start, on a busy machine
    assert verdict.status is Status.ERROR, verdict
    assert "too large a number" in verdict.reason and "(limit 4000 digits)" in verdict.reason


def test_exp_of_a_large_multiple_builds_no_large_number() -> None:
    # exp(t)**100 is exp(100*t): 10**42 is 43 digits, far within the caps.
    assert parse_text("exp(10**40*f)**100", NS) == sp.exp(10**42 * f)


# values shown in a counterexample --------------------------------------------------------------
# An exact value is printed in full up to 100 digits; past it, as 15 significant digits and its
# size, computed without converting the integers to text (Python refuses that past 4,300 digits).
def _shown(value: sp.Rational) -> str:
    return Value(value, None).show()


def test_an_exact_value_of_100_digits_is_shown_in_full_and_one_more_digit_is_abbreviated() -> None:
    assert _shown(sp.Integer(10) ** 99) == "1" + "0" * 99
    assert _shown(-sp.Integer(10) ** 99 + 1) == "-" + "9" * 99
    assert _shown(sp.Integer(10) ** 100) == "1.0e+100 (abbreviated: an exact integer of 101 digits)"
    assert _shown(sp.Rational(10**49 + 1, 10**49)) == f"{10**49 + 1}/{10**49}"  # 50 + 50 digits
    assert _shown(sp.Rational(10**49 + 1, 10**50)) == (  # 50 + 51
        "0.1 (abbreviated: an exact fraction of 50 digits over 51 digits)")
    assert _shown(sp.Rational(10**50 + 1, 10**49)) == (
        "10.0 (abbreviated: an exact fraction of 51 digits over 50 digits)")


def test_a_10000_digit_value_is_abbreviated_not_a_value_error() -> None:
    start = time.monotonic()
    assert _shown(sp.Integer(12345 * 10**9995)) == (
        "1.2345e+9999 (abbreviated: an exact integer of 10,000 digits)")
    assert _shown(sp.Rational(-(10**10000 + 1), 3 * 10**20)) == (
        "-3.33333333333333e+9979 (abbreviated: an exact fraction of 10,001 digits over 21 digits)")
    assert _shown(sp.Rational(7, 10**9999)) == (
        "7.0e-9999 (abbreviated: an exact fraction of 1 digit over 10,000 digits)")
    million = _shown(sp.Integer(3) ** 2_000_000)  # 954,243 digits: a short line, quickly
    assert million.endswith("(abbreviated: an exact integer of 954,243 digits)") and len(million) < 100
    assert time.monotonic() - start < 5.0


def test_decimal_digits_at_every_power_of_ten_and_two() -> None:
    for k in range(1, 4300, 37):
        for n in (10**k - 1, 10**k, 2**k - 1, 2**k):
            # The count from text, where Python still converts: k <= 4300 digits.
            assert decimal_digits(n) == decimal_digits(-n) == len(str(n)), n
    assert decimal_digits(0) == decimal_digits(9) == 1 and decimal_digits(10) == 2
    assert decimal_digits(10**20000) == 20001


def test_a_counterexample_with_a_4000_digit_value_is_shown_abbreviated() -> None:
    verdict = check_answer("1.4", "(10**39*f)**100*10**99 - y", limits=LIMITS)
    assert verdict.status is Status.REFUTED and verdict.counterexample is not None
    point = verdict.counterexample
    assert dict(point.assignment) == {"f": "1/3", "y": "1"}
    # The value there, (10**3999 - 3**100) / 3**100, computed here with Python's integers.
    whole = str((10**3999 - 3**100) // 3**100)
    assert point.answer.startswith(f"{whole[0]}.{whole[1:10]}")
    assert point.answer.endswith(f"e+{len(whole) - 1} (abbreviated: an exact fraction of 3,999 digits "
                                 "over 48 digits)")
    assert point.truth == "-2/3" and len(point.describe()) < 200


# roots ---------------------------------------------------------------------------------------
# What a root costs (SymPy factors a large number again): for n**(p/q), n's digits times
# p mod q; for (1/n)**(p/q), n's digits times q - p mod q; for numbers from 2**30 on.
@pytest.mark.parametrize(("at_limit", "past"), [
    ("sqrt((10**40)**9*10**39)", "sqrt((10**40)**9*10**40)"),  # 400 digits * 1; 401
    ("((10**40)**9*10**39)**(1/2)", "((10**40)**9*10**40)**(1/2)"),
    ("((10**40)**9*10**39)**(-1/2)", "((10**40)**9*10**40)**(-1/2)"),  # (1/n)**(1/2)
    ("(1/((10**40)**9*10**39))**(1/2)", "(1/((10**40)**9*10**40))**(1/2)"),
    ("(10**56)**(7/8)", "(10**57)**(7/8)"),  # 57 digits * 7 = 399; 58 * 7 = 406
    ("(10**56)**(15/8)", "(10**57)**(15/8)"),  # 15 mod 8 = 7
    ("(1/10**56)**(1/8)", "(1/10**57)**(1/8)"),  # 8 - 1 = 7
    ("(10**56*f)**(7/8)", "(10**57*f)**(7/8)"),  # SymPy takes the number out of the product
    ("exp(log(10**56)*7/8)", "exp(log(10**57)*7/8)"),  # SymPy computes n**(7/8)
])
def test_a_root_of_a_number_at_and_past_the_limit(at_limit: str, past: str) -> None:
    parse_text(at_limit, NS)
    message = refused(past)
    assert "takes the root of too large a number" in message and "limit 400 digits" in message


def test_roots_of_numbers_below_2_to_the_30_cost_nothing() -> None:
    # Trial division factors them completely: nothing large is left to factor.
    parse_text("(2**30 - 1)**(99/100)*(1/(2**30 - 1))**(99/100)", NS)
    parse_text("*".join(f"sqrt({n})" for n in range(2, 90)), NS)
    assert "takes the root" in refused(f"{2**30}**(99/100)")


@pytest.mark.parametrize("answer", [
    "sqrt((10**39)**100 + 1)*f",
    "((10**39)**100 + 1)**(1/3)",
    "(123456789012345678901234567890123456789/5090212048524187702478057277436803541375)**(79/77)",
    "*".join(f"sqrt({10**59 + 2 * k + 1})" for k in range(8)),  # SymPy merges the roots
])
def test_a_root_sympy_would_factor_for_seconds_is_refused_at_once(answer: str) -> None:
    start = time.monotonic()
    assert "takes the root of too large a number" in refused(answer)
    assert time.monotonic() - start < 1.0


# whitelists ----------------------------------------------------------------------------------
FUNCTIONS = {"exp", "log", "sqrt", "sigmoid", "tanh", "erf", "abs", "max", "min", "Max", "Min",
             "Sum", "Piecewise", "diag", "transpose"}


def test_the_functions_of_the_language_are_exactly_these() -> None:
    # Python's `pow` would bypass the exponent cap (`pow(9, 9**9)`), `N` or `S` would
    # evaluate; a test that fails when any function is added is the whitelist's guard.
    assert set(ALL_FUNCTIONS) == FUNCTIONS
    assert set(Namespace().functions) == FUNCTIONS
    # The parser builds every call through the registry: the default set, and the functions
    # a question must declare (floor, ceil); tests/test_function_registry.py pins it too.
    from checker.model.functions import FUNCTIONS as REGISTRY

    assert set(REGISTRY) == FUNCTIONS | {"floor", "ceil"}


def test_every_question_allows_only_functions_of_the_language() -> None:
    from checker import all_questions

    for question in all_questions():
        assert set(question.namespace.functions) <= FUNCTIONS, question.id


@pytest.mark.parametrize("name", ["pow", "eval", "N", "S", "sympify", "Integer", "factorial",
                                  "gamma", "binomial", "Pow", "Lambda", "Function", "Matrix",
                                  "Inverse", "exec", "getattr", "print"])
def test_other_functions_are_unknown(name: str) -> None:
    start = time.monotonic()
    assert f"unknown function `{name}`" in refused(f"{name}(9, 9**9)")
    assert time.monotonic() - start < 1.0


def test_a_namespace_without_functions_allows_none() -> None:
    bare = Namespace(variables=NS.variables, functions=frozenset())
    for name in FUNCTIONS:
        assert f"unknown function `{name}`" in refused(f"{name}(f)", bare)


def test_the_syntax_the_builder_accepts_is_exactly_this() -> None:
    rules = {name[1:] for name in vars(textparse._Builder) if name[1:2].isupper()}
    assert rules == {"Constant", "Name", "BinOp", "UnaryOp", "Compare", "BoolOp", "IfExp",
                     "Tuple", "List", "Subscript", "Attribute", "Call"}
    assert set(textparse._BINARY) == {ast.Add, ast.Sub, ast.Mult, ast.Div}
    assert set(textparse._COMPARE) == {ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Eq, ast.NotEq}


@pytest.mark.parametrize(("text", "message"), [
    ("f % y", "operator"), ("f // y", "operator"), ("f @ y", "operator"),
    ("f << y", "operator"), ("f >> y", "operator"), ("~f", "operator"),
    ("1 if f is y else 0", "comparison"), ("1 if f in y else 0", "comparison"),
    ("1 if f is not y else 0", "comparison"), ("1 if f not in y else 0", "comparison"),
    ("(f, y)", "tuple"), ("{f}", "a set"), ("{f: y}", "a dict"), ("f'{f}'", "f-string"),
    ("x[1:2]", "slices"), ("[*x]", "starred"), ("exp(*[f])", "starred"),
])
def test_syntax_outside_the_whitelist_is_refused(text: str, message: str) -> None:
    assert message in refused(text)


# attributes ----------------------------------------------------------------------------------
def test_t_is_the_transpose_of_a_declared_matrix() -> None:
    p = sp.MatrixSymbol("p", K, 1)
    assert parse_text("p.T", NS) == p.T


def test_t_is_the_transpose_of_any_matrix_valued_expression() -> None:
    p = sp.MatrixSymbol("p", K, 1)
    assert parse_text("(p*p.T).T", NS) == (p * p.T).T
    assert parse_text("p.T.T", NS) == p.T.T


@pytest.mark.parametrize("text", ["p.I", "p.H", "p.C", "p.inv", "(p*p.T).I", "p.T.I",
                                  "f.T", "f.I", "f.H", "K.T", "x.T", "exp.T", "(f + y).T", "p.t"])
def test_every_other_attribute_is_an_error(text: str) -> None:
    message = refused(text)
    assert f"attribute `{ast.unparse(ast.parse(text))}` is not allowed" in message
    assert "`.T` on a declared matrix or vector is the only attribute" in message


@pytest.mark.parametrize("text", ["p.I", "p.H", "p.T.I", "f.T", "K.T"])
def test_attributes_in_question_2_4(text: str) -> None:
    verdict = check_answer("2.4", f"diag(p) - {text}", limits=LIMITS)
    assert verdict.status is Status.ERROR and "attribute" in verdict.reason
