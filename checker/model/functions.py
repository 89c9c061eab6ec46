"""Functions of the answer language that SymPy lacks, and the function whitelist.

`sigmoid` is a real SymPy function (not a lambda returning an expression) so a
parsed answer prints as the person wrote it, SymPy can differentiate it, and the
canonical-form strategies can rewrite it to `exp` when they need to.
"""

from __future__ import annotations

import sympy as sp


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
