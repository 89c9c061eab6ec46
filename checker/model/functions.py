"""The functions of the answer language: one registry, and the functions SymPy lacks.

`FUNCTIONS` names every function an answer may call, and for each how it is built,
how many arguments it takes and how its arguments are read, how it is written in
LaTeX, and what it means. The plain-text parser (checker.language.textparse) builds
every call through it, the LaTeX front end (checker.language.latex) maps commands to
it, and `derivcheck show` prints its meanings (`Namespace.describe_functions`). A
question allows a subset of it (`Namespace.functions`, by name; the default set is
`checker.model.namespace.ALL_FUNCTIONS`): `floor` and `ceil` are in the language but
not in the default set, so only a question that declares them allows them (and `//`,
which is floor division).

`sigmoid` is a real SymPy function (not a lambda returning an expression) so a
parsed answer prints as the person wrote it, SymPy can differentiate it, and the
canonical-form strategies can rewrite it to `exp` when they need to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import sympy as sp
from sympy.matrices.expressions.diagonal import DiagMatrix


class sigmoid(sp.Function):  # noqa: N801 - the answer language's own name
    """The logistic sigmoid 1 / (1 + exp(-x))."""

    nargs = 1

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        if arg.is_zero:
            return sp.Rational(1, 2)
        if arg is sp.oo:
            return sp.Integer(1)
        if arg is sp.S.NegativeInfinity:
            return sp.Integer(0)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, arg: sp.Expr, **kwargs: object) -> sp.Expr:
        return 1 / (1 + sp.exp(-arg))

    def _eval_is_real(self) -> bool | None:
        return self.args[0].is_real

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None

    def _eval_evalf(self, prec: int) -> sp.Expr:
        return (1 / (1 + sp.exp(-self.args[0]))).evalf(prec)


def rewrite_special(expr: sp.Basic) -> sp.Basic:
    """Rewrite the language's own functions in SymPy's primitives."""
    return expr.replace(lambda e: isinstance(e, sigmoid), lambda e: e.rewrite(sp.exp))


# How a call's arguments are read (by the text parser, which owns the syntax):
#   "scalars": each argument is a scalar expression (not a list, condition or matrix);
#   "matrix":  one declared vector or matrix, or a matrix-valued expression;
#   "range":   Sum(term, (j, first, last)), j a new integer index bound in the term;
#   "pieces":  Piecewise((value, condition), ...).
Reads = Literal["scalars", "matrix", "range", "pieces"]
# Where a function of scalars is real: its argument must be shown positive (log) or
# nonnegative (sqrt) on the question's domain, else the answer is never verified.
DefinedFor = Literal["real", "positive", "nonnegative"]
Arity = int | tuple[int, int | None]  # exactly n, or (at least, at most or None)


class GuardedSum(sp.Piecewise):
    """`Piecewise((Sum(f, (j, a, b)), b >= a), (0, True))`: how the answer language reads a
    Sum whose range may be empty for some allowed size, so that an empty sum is 0 (SymPy's
    own Sum follows Karr's convention: `Sum(1, (j, 1, K - 3))` is -1 at K = 2, and `.doit()`
    gives K - 3 for every K). It is a Piecewise to every prover and evaluator; it prints
    as the Sum the person wrote while it still holds one."""

    def _sympystr(self, printer: Any) -> str:
        first = self.args[0].expr
        if isinstance(first, sp.Sum):
            return printer._print(first)
        return printer._print(sp.Piecewise(*self.args, evaluate=False))

    @property
    def written(self) -> sp.Sum | None:
        """The Sum as written, or None once it has been evaluated (`doit`)."""
        first = self.args[0].expr
        return first if isinstance(first, sp.Sum) else None


def guarded_sum(total: sp.Sum) -> sp.Basic:
    """`total` under the empty-sum convention (its last limit guarded)."""
    _, low, high = total.limits[-1]
    return GuardedSum((total, high >= low), (0, True))


class InexactArgument(ValueError):
    """floor or ceil of an expression holding a number that is not rational: SymPy would
    round it by evaluating it numerically, which is neither exact nor bounded in time
    (floor(exp(10**6)) needs 434,295 digits)."""


def _rounding(kind: type[sp.Function]) -> Callable[[sp.Basic], sp.Basic]:
    """floor or ceiling, refusing arguments SymPy would have to evaluate numerically."""

    def build(argument: sp.Basic) -> sp.Basic:
        for part in sp.preorder_traversal(argument):
            if isinstance(part, sp.Expr) and not part.free_symbols and not part.is_Rational:
                raise InexactArgument(f"`{sp.sstr(part)}` is not a rational number: inside floor, "
                                      "ceil and `//`, every number must be rational, since "
                                      "rounding anything else would mean evaluating it "
                                      "numerically")
        return kind(argument)

    build.__doc__ = f"SymPy's {kind.__name__} of an argument whose numbers are all rational."
    return build


@dataclass(frozen=True)
class FunctionSpec:
    """One function of the answer language.

    latex: the LaTeX spellings the front end reads as this function, each one of
        r"\\log" (a command: its argument in parentheses, or one factor; \\sqrt takes
        braces), r"\\operatorname{erf}" (a word set upright: \\mathrm{erf}, \\mathbf{erf}
        read the same) or r"\\lfloor x \\rfloor" (delimiters around the argument `x`).
        Sum, Piecewise and transpose are grammar in LaTeX (\\sum_{j=1}^{K}, cases,
        p^\\top), not spellings, and have none.
    """

    name: str
    build: Callable[..., sp.Basic]
    arity: Arity
    latex: tuple[str, ...]
    meaning: str
    reads: Reads = "scalars"
    defined_for: DefinedFor = "real"

    @property
    def least(self) -> int:
        return self.arity if isinstance(self.arity, int) else self.arity[0]

    @property
    def most(self) -> int | None:
        return self.arity if isinstance(self.arity, int) else self.arity[1]

    def accepts(self, count: int) -> bool:
        """Whether a call with `count` arguments has the right number of them."""
        return count >= self.least and (self.most is None or count <= self.most)

    def arity_text(self) -> str:
        """'1 argument', 'at least 2 arguments', '2 to 3 arguments'."""
        least, most = self.least, self.most
        if least == most:
            return f"{least} argument{'s' if least != 1 else ''}"
        if most is None:
            return f"at least {least} arguments"
        return f"{least} to {most} arguments"


def _registry(*specs: FunctionSpec) -> Mapping[str, FunctionSpec]:
    table: dict[str, FunctionSpec] = {}
    for spec in specs:
        if spec.name in table:
            raise ValueError(f"function `{spec.name}` is registered twice")
        table[spec.name] = spec
    return MappingProxyType(table)


FUNCTIONS: Mapping[str, FunctionSpec] = _registry(
    FunctionSpec("exp", sp.exp, 1, (r"\exp", r"\operatorname{exp}"),
                 "the exponential e^x (e^{x} in LaTeX)"),
    FunctionSpec("log", sp.log, 1, (r"\log", r"\ln", r"\operatorname{log}", r"\operatorname{ln}"),
                 "the natural logarithm, of a positive argument", defined_for="positive"),
    FunctionSpec("sqrt", sp.sqrt, 1, (r"\sqrt",),
                 "the square root, of a nonnegative argument", defined_for="nonnegative"),
    FunctionSpec("sigmoid", sigmoid, 1, (r"\sigma", r"\operatorname{sigmoid}"),
                 "the logistic sigmoid 1/(1 + exp(-x))"),
    FunctionSpec("tanh", sp.tanh, 1, (r"\tanh", r"\operatorname{tanh}"), "the hyperbolic tangent"),
    FunctionSpec("erf", sp.erf, 1, (r"\operatorname{erf}",), "the error function"),
    FunctionSpec("abs", sp.Abs, 1, ("| x |", r"\lvert x \rvert"), "the absolute value |x|"),
    FunctionSpec("max", sp.Max, (2, None), (r"\max", r"\operatorname{max}"),
                 "the largest of its arguments (2 or more)"),
    FunctionSpec("min", sp.Min, (2, None), (r"\min", r"\operatorname{min}"),
                 "the smallest of its arguments (2 or more)"),
    FunctionSpec("Max", sp.Max, (2, None), (), "the same as max"),
    FunctionSpec("Min", sp.Min, (2, None), (), "the same as min"),
    FunctionSpec("Sum", sp.Sum, 2, (),
                 "Sum(term, (j, first, last)): term summed over the integers j from first to "
                 "last (\\sum_{j=first}^{last} in LaTeX)", reads="range"),
    FunctionSpec("Piecewise", sp.Piecewise, (1, None), (),
                 "Piecewise((value, condition), ...): the value of the first condition that "
                 "holds (\\begin{cases} in LaTeX)", reads="pieces"),
    FunctionSpec("diag", DiagMatrix, 1, (r"\operatorname{diag}", r"\operatorname{Diag}"),
                 "diag(p): the diagonal matrix with the entries of the column p on its diagonal",
                 reads="matrix"),
    FunctionSpec("transpose", sp.Transpose, 1, (),
                 "transpose(M): the transpose of a matrix, also written M.T (M^\\top in LaTeX)",
                 reads="matrix"),
    FunctionSpec("floor", _rounding(sp.floor), 1, (r"\lfloor x \rfloor", r"\operatorname{floor}"),
                 "the largest integer <= x, every number inside rational; a // b is floor(a/b)"),
    FunctionSpec("ceil", _rounding(sp.ceiling), 1, (r"\lceil x \rceil", r"\operatorname{ceil}"),
                 "the smallest integer >= x, every number inside rational"),
)
