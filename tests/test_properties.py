"""Property-based tests (hypothesis) of the parser and the engine."""

from __future__ import annotations

import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker import AnswerError, Equal, decide, parse_text, sigmoid
from checker.model.namespace import CLOSED_UNIT, OPEN_UNIT, POSITIVE_INTEGER, Namespace, Variable, Vector

F = Variable("f", OPEN_UNIT, "")
Y = Variable("y", CLOSED_UNIT, "")
N = Variable("n", POSITIVE_INTEGER, "")
NS = Namespace(variables=(F, Y, N), vectors=(Vector("x", 1, ""),))
f, y, n = F.symbol, Y.symbol, N.symbol
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

TOKENS = [
    "f", "y", "n", "x", "z", "exp", "log", "sigmoid", "Sum", "Piecewise", "max", "__import__",
    "__class__", "lambda", "for", "in", "if", "else", "and", "or", "not", "import", "True",
    "0", "1", "2.5", "1e9", "99999999999", "+", "-", "*", "/", "**", "^", "%", "//", "@", "(", ")",
    "[", "]", "{", "}", ",", ":", ";", ".", ".T", "=", "==", "<=", "<", "&", "|", "~", "'", '"',
    "\\", " ", "\n", "ｆ", "é", "\x00", "#",
]


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=25))
def test_token_soup_never_escapes_the_parser(tokens: list[str]) -> None:
    text = "".join(tokens)
    try:
        result = parse_text(text, NS)
    except AnswerError as exc:
        assert str(exc)  # every rejection says why
    else:
        assert isinstance(result, sp.Basic)


atoms = st.one_of(
    st.sampled_from([f, y, n, sp.IndexedBase("x", real=True)[1]]),
    st.integers(min_value=1, max_value=9).map(sp.Integer),
    st.tuples(st.integers(1, 9), st.integers(2, 9)).map(lambda pq: sp.Rational(*pq)),
)


def _grow(children: st.SearchStrategy[sp.Expr]) -> st.SearchStrategy[sp.Expr]:
    return st.one_of(
        st.tuples(children, children).map(lambda ab: ab[0] + ab[1]),
        st.tuples(children, children).map(lambda ab: ab[0] * ab[1]),
        st.tuples(children, st.integers(-3, 3)).map(lambda ab: ab[0] ** ab[1]),
        children.map(lambda a: sp.exp(a + f)),
        children.map(lambda a: sp.log(a + f + 1)),
        children.map(lambda a: sigmoid(a + y)),
        children.map(lambda a: sp.tanh(a + f)),
    )


trees = st.recursive(atoms, _grow, max_leaves=8)


@SETTINGS
@given(trees)
def test_printed_trees_parse_back_to_the_same_tree(tree: sp.Expr) -> None:
    parsed = parse_text(sp.sstr(tree), NS)
    # The same tree, or the same value where SymPy's own flattening differs with the order
    # the product was built in: Mul(2, f + y, x[1]) prints as `2*(f + y)*x[1]`, which any
    # left-to-right reading builds as (2*(f + y))*x[1], and SymPy distributes the 2.
    assert parsed == tree or sp.expand(parsed - tree) == 0, (parsed, tree)


POOL = [f - y, y - f, (f - y) * (1 - f), f * (1 - f) - y * (1 - f), sigmoid(sp.log(f / (1 - f))) - y,
        sp.log(f) - sp.log(1 - f), sp.log(f / (1 - f)), f**2 - y**2, (f - y) * (f + y), f - y + 1]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(POOL), st.sampled_from(POOL))
def test_equality_verdict_is_symmetric(a: sp.Expr, b: sp.Expr) -> None:
    domains = ((f, OPEN_UNIT), (y, CLOSED_UNIT))
    assert decide(Equal(a, b, domains)).status is decide(Equal(b, a, domains)).status
