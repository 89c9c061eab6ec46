"""Assignment 2: two questions, each one call of derivcheck's authoring API."""

import sympy as sp

from checker.authoring import Assignment, expression, size_formula


def valid_length(d: int, k: int) -> int:
    """Slide a kernel of width k over d inputs and count the windows that fit."""
    return sum(1 for start in range(d) if start + k <= d)


ASSIGNMENT = Assignment("assignment-2", "Deep-learning theory, assignment 2", (
    expression(
        "1", "tanh'(a) in terms of t = tanh(a)", names={"a": "real"},
        in_terms_of={"t": lambda n: sp.tanh(n.a)},
        truth=lambda n: sp.diff(sp.tanh(n.a), n.a),
        reference="1 - t**2", right=["(1 - t)*(1 + t)"], wrong=["1 - t", "1 + t**2"],
    ),
    size_formula(
        "2", "length of a valid 1-D convolution of d inputs with a kernel of width k",
        sizes={"d": 1, "k": 1}, constraints=lambda n: [n.k <= n.d],
        truth=lambda n: n.d - n.k + 1, simulate=valid_length,
        reference="d - k + 1", right=["(d + 1) - k"], wrong=["d - k", "d + k - 1"],
    ),
))
