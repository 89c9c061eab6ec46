"""The plain-text answer language: Python-like syntax, parsed safely.

The text is parsed by `ast.parse` (which builds a tree and runs nothing) and the
tree is walked with a whitelist that builds SymPy objects directly. Nothing here
ever calls eval, exec, sympify or parse_expr on the person's text, and no string
ever reaches a SymPy constructor (SymPy would sympify it, which evaluates code).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp
from sympy.logic.boolalg import BooleanAtom, BooleanFunction

from checker.language.diagnose import IMPLICIT_PRODUCT, diagnose, latex_in_plain_text, thousands_separated
from checker.language.requirements import (
    INVERTIBLE,
    NONNEGATIVE,
    NONZERO,
    POSITIVE,
    Requirement,
    Size,
    Sizes,
    never_reversed,
    powers_made_by,
    singular,
    unproved,
)
from checker.language.source import Source, normalise_source
from checker.model.errors import AnswerError
from checker.model.functions import FUNCTIONS, FunctionSpec, InexactArgument, guarded_sum
from checker.model.namespace import MatrixName, Namespace, Variable, Vector


@dataclass(frozen=True)
class InputCaps:
    """Caps on the answer (each names itself in its error).

    The text is capped before it is parsed (length, nesting); literals as they are read
    (digits, a literal's exponent); and what SymPy builds from them at every step, before
    the step where that can be estimated (a power of a product or sum, a root) and after
    it in any case: every exponent of a power, every number multiplied out, every number
    whose root SymPy factors. So `(f**10)**11` (SymPy builds f**110) and
    `(10**40*f)**100` (a 4,001-digit coefficient) are refused like `f**101` and
    `10**4001`, and `(f + 10**50)**100` before `expand` multiplies it out."""

    max_length: int = 2000
    max_depth: int = 100  # levels of nesting: exp(exp(f)) is 3 (f is one)
    max_digits: int = 60
    max_exponent: int = 100  # a power's exponent, |numerator| and denominator, as built
    max_literal_exponent: int = 300  # 1e300 is allowed, 1e999999999 is not
    # Below Python's 4,300-digit int-to-str limit, which printing a result would hit.
    max_result_digits: int = 4000
    # A root of a number (sqrt(n), n**(2/3)) makes SymPy factor n**|numerator| (and the
    # denominator's root): seconds for numbers past a few hundred digits.
    max_root_digits: int = 400  # numbers from 2**30 on (see _root_cost)


DEFAULT_CAPS = InputCaps()

_BINARY: Mapping[type, Callable[[sp.Basic, sp.Basic], sp.Basic]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}
_COMPARE: Mapping[type, Callable[[sp.Basic, sp.Basic], sp.Basic]] = {
    ast.Lt: sp.Lt, ast.LtE: sp.Le, ast.Gt: sp.Gt, ast.GtE: sp.Ge, ast.Eq: sp.Eq, ast.NotEq: sp.Ne,
}
# What a function of scalars needs of its argument (FunctionSpec.defined_for), recorded
# as a requirement (checker.language.requirements).
_DEFINED_FOR: Mapping[str, str] = {"positive": POSITIVE, "nonnegative": NONNEGATIVE}
# Names people write from other notations, and what the answer language writes instead.
_NAMES_INSTEAD: Mapping[str, str] = {
    "ln": "the natural log is written `log`",
    "sigma": "the logistic sigmoid is written `sigmoid`",
    "e": "e is written through `exp`: e^x is `exp(x)`, e itself `exp(1)`",
}


def normalise(text: str, caps: InputCaps = DEFAULT_CAPS) -> str:
    """NFKC first, then validate: fullwidth letters must not slip past the checks
    (checker.language.source keeps the way back to the text as written)."""
    return normalise_source(text, caps.max_length).text


def parse_text(
    text: str, namespace: Namespace, caps: InputCaps = DEFAULT_CAPS
) -> sp.Basic:
    """Parse one answer in the plain-text language into a SymPy object."""
    return parse_with_requirements(text, namespace, caps)[0]


def parse_with_requirements(
    text: str, namespace: Namespace, caps: InputCaps = DEFAULT_CAPS,
    within: tuple[Source, int] | None = None,
) -> tuple[sp.Basic, tuple[Requirement, ...]]:
    """The parsed answer and what its operations need (nonzero divisors, positive
    log arguments, ...) that could not be shown on the namespace's domains
    (see checker.language.requirements): the caller must not call such an answer verified.

    `within` = (the whole answer, where `text` starts in its normalised text) when `text`
    is one step or part of a longer answer: errors then point into the whole answer."""
    source = normalise_source(text, caps.max_length)
    if within is not None:
        whole, start = within
        source = Source(whole.written, source.text,
                        tuple(whole.origin[min(start + i, len(whole.origin) - 1)] for i in source.origin))
    latex = latex_in_plain_text(source)
    if latex is not None:
        raise latex
    # A line break inside an answer (a TOML multi-line string) is only a space; the
    # replacement keeps every column where it was.
    body = source.text.strip().replace("\n", " ").replace("\t", " ")
    lead = len(source.text) - len(source.text.lstrip())
    try:
        tree = ast.parse(body, mode="eval")  # the same text the builder reads literals from
    except SyntaxError as exc:
        raise diagnose(source, _index(exc.offset - 1 if exc.offset else None, lead)) from None
    except (RecursionError, MemoryError, ValueError):
        raise AnswerError(f"answer nested too deeply (limit {caps.max_depth})") from None
    _check_depth(tree, caps.max_depth)
    builder = _Builder(namespace, caps, source, lead)
    try:
        result = builder.build(tree.body)
        if result.has(sp.I):
            raise AnswerError("the answer is not real (e.g. the log or square root of a negative "
                              "number); answers are real expressions")
        return result, unproved(builder.requirements, namespace)
    except AnswerError:
        raise
    except (TypeError, ValueError, AttributeError, NotImplementedError) as exc:
        # SymPy refusing a combination, e.g. a matrix plus a scalar.
        raise AnswerError(f"the answer does not form a valid expression: {exc}") from None
    except RecursionError:
        raise AnswerError(f"answer nested too deeply (limit {caps.max_depth})") from None


def _index(column: int | None, lead: int) -> int | None:
    """A 0-based column of the one-line text the tree was parsed from, as an index into
    the normalised text that text is stripped from."""
    return None if column is None else lead + column


def _check_depth(tree: ast.AST, limit: int) -> None:
    """Levels of nesting as a person counts them: each expression inside another is one
    level (`f` is 1, `exp(f)` 2, `-(f + 1)` 3); parentheses alone add none."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.expr):
            depth += 1
        if depth > limit:
            raise AnswerError(f"answer nested too deeply (limit {limit} levels)")
        stack.extend((child, depth) for child in ast.iter_child_nodes(node))


def _describe(node: ast.AST) -> str:
    return ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__


class _Builder:
    def __init__(self, namespace: Namespace, caps: InputCaps, source: Source, lead: int = 0) -> None:
        self.source = source
        self.lead = lead  # where the stripped text the tree was parsed from starts
        self.body = source.text.strip().replace("\n", " ").replace("\t", " ")
        self.namespace = namespace
        self.caps = caps
        self.bound: dict[str, sp.Symbol] = {}
        # What the answer's own operations need, recorded before SymPy simplifies it away.
        self.requirements: list[Requirement] = []
        self.sizes = Sizes()

    def _requires(self, value: sp.Basic, kind: str) -> None:
        if _is_matrix(value):
            return
        factors = sp.Mul.make_args(value) if kind == NONZERO else (value,)
        self.requirements += [Requirement(f, kind) for f in factors if not f.is_number]

    def _divides_by(self, divisor: sp.Basic) -> None:
        self._requires(divisor, NONZERO)

    def _span(self, node: ast.AST) -> tuple[int, int] | None:
        """`node`'s place in the normalised text, or None for a node without one."""
        start = _index(getattr(node, "col_offset", None), self.lead)
        end = _index(getattr(node, "end_col_offset", None), self.lead)
        return None if start is None or end is None else (start, end)

    def _where(self, node: ast.AST) -> dict[str, Any]:
        """The error fields that locate `node` in the answer as written (column 1-based)."""
        span = self._span(node)
        if span is None:
            return {"column": None, "excerpt": _describe(node)}
        return {"column": self.source.column(span[0]), "excerpt": self.source.shown(*span)}

    def written(self, node: ast.AST) -> str:
        """`node` as the person wrote it (`e^(-a)`, not `e**(-a)`)."""
        span = self._span(node)
        return self.source.shown(*span) if span else _describe(node)

    def allowed(self) -> str:
        names = ", ".join(self.namespace.names()) or "none"
        functions = ", ".join(sorted(self.namespace.functions)) or "none"
        return f"names: {names}; functions: {functions}"

    def build(self, node: ast.AST) -> sp.Basic:
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise AnswerError(
                f"{_construct_name(node)} `{_describe(node)}` is not part of the answer language",
                **self._where(node),
            )
        try:
            result: sp.Basic = method(node)
            # What SymPy built is measured, whatever the rule that built it.
            self._within_caps(node, self.sizes.of(result), exact=isinstance(result, sp.Rational))
        except AnswerError as exc:
            if exc.column is not None:
                raise
            # The innermost node that failed locates the error, for every rule at once.
            raise type(exc)(exc.message, hint=exc.hint, **self._where(node)) from None
        return result

    def _within_caps(self, node: ast.AST, size: Size, exact: bool = False) -> None:
        """Refuse what is (or would be) built past a cap: `size` measures a step's result,
        or estimates it before the step is taken."""
        caps, written = self.caps, self.written(node)
        if size.exponent > caps.max_exponent:
            raise AnswerError(f"`{written}` builds a power with exponent {size.exponent}, too large "
                              f"(limit {caps.max_exponent} for an exponent's numerator and "
                              "denominator)")
        if size.digits > caps.max_result_digits:
            if exact:
                raise AnswerError(f"`{written}` is too large a number: {size.digits} digits "
                                  f"(limit {caps.max_result_digits} digits)")
            raise AnswerError(f"`{written}` builds too large a number: multiplied out, its numbers "
                              f"reach about {size.digits} digits (limit {caps.max_result_digits} "
                              "digits)")
        if size.roots > caps.max_root_digits:
            raise AnswerError(f"`{written}` takes the root of too large a number: about "
                              f"{size.roots} digits to factor (limit {caps.max_root_digits} digits "
                              "for a root: for n**(p/q), n's digits times p mod q; for 1/n**(p/q), "
                              "n's digits times q - p mod q)")

    def scalar(self, node: ast.AST) -> sp.Basic:
        """A number or scalar expression: not a list, a condition or a matrix."""
        value = self.build(node)
        if isinstance(value, sp.Tuple):
            raise AnswerError(f"a list cannot be used here: `{_describe(node)}`")
        if is_condition(value):
            raise AnswerError(f"a condition cannot be used as a value: `{_describe(node)}`")
        return value

    def operand(self, node: ast.AST) -> sp.Basic:
        """A scalar, or a declared matrix (matrix arithmetic is SymPy's to check)."""
        if isinstance(node, ast.Name | ast.Attribute | ast.Call | ast.BinOp | ast.UnaryOp):
            value = self.build(node)
            if isinstance(value, sp.Tuple) or is_condition(value):
                return self.scalar(node)
            return value
        return self.scalar(node)

    # literals and names -------------------------------------------------
    def _Constant(self, node: ast.Constant) -> sp.Basic:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswerError(
                f"the literal `{_describe(node)}` is not allowed: only numbers are"
            )
        # The literal as written, not Python's float: 1.00000000000000000001 is not 1.
        text = (ast.get_source_segment(self.body, node) or ast.unparse(node)).replace("_", "")
        digits = sum(ch.isdigit() for ch in text)
        if digits > self.caps.max_digits:
            raise AnswerError(
                f"number with {digits} digits is too long (limit {self.caps.max_digits} digits)"
            )
        if isinstance(value, float):
            mantissa, _, exponent = text.lower().partition("e")
            if exponent and abs(int(exponent)) > self.caps.max_literal_exponent:
                raise AnswerError(f"number `{text}` is out of range (exponent limit "
                                  f"{self.caps.max_literal_exponent})")
            exact = Fraction(text)  # decimal text, read exactly
            return sp.Rational(exact.numerator, exact.denominator)
        return sp.Integer(value)

    def _Name(self, node: ast.Name) -> sp.Basic:
        if node.id in self.bound:
            return self.bound[node.id]
        item = self.namespace.lookup(node.id)
        if isinstance(item, Variable):
            return item.symbol
        if isinstance(item, MatrixName):
            return item.symbol
        if isinstance(item, Vector):
            raise AnswerError(f"`{node.id}` is indexed: write {node.id}[...]")
        if node.id in self.namespace.functions:
            raise AnswerError(f"`{node.id}` is a function: call it, e.g. {node.id}(...)")
        instead = _NAMES_INSTEAD.get(node.id, "")
        raise AnswerError(f"unknown name `{node.id}`",
                          hint=f"{instead + '; ' if instead else ''}this question allows {self.allowed()}",
                          **self._where(node))

    def _unknown(self, name: str) -> bool:
        return (name not in self.bound and self.namespace.lookup(name) is None
                and name not in self.namespace.functions)

    # arithmetic -----------------------------------------------------------
    def _BinOp(self, node: ast.BinOp) -> sp.Basic:
        if isinstance(node.op, ast.Pow):
            return self._power(node)
        if isinstance(node.op, ast.BitAnd | ast.BitOr):
            left, right = self._condition(node.left), self._condition(node.right)
            return sp.And(left, right) if isinstance(node.op, ast.BitAnd) else sp.Or(left, right)
        if isinstance(node.op, ast.FloorDiv):
            return self._floor_division(node)
        operation = _BINARY.get(type(node.op))
        if operation is None:
            raise AnswerError(f"operator in `{_describe(node)}` is not part of the answer language")
        left, right = self.operand(node.left), self.operand(node.right)
        if isinstance(node.op, ast.Add | ast.Sub) and _is_matrix(left) != _is_matrix(right):
            matrix = left if _is_matrix(left) else right
            raise AnswerError(
                f"`{_describe(node)}` adds a matrix and a number",
                hint=f"both sides of + and - must be matrices of one shape, or both numbers "
                     f"(`{sp.sstr(matrix)}` is a {_shape_text(matrix)} matrix)")
        if isinstance(node.op, ast.Div) and _is_matrix(right):
            raise AnswerError(f"cannot divide by a matrix in `{_describe(node)}`")
        if isinstance(node.op, ast.Div) and right.is_zero:
            raise AnswerError(f"division by zero in `{_describe(node)}`")
        if isinstance(node.op, ast.Mult | ast.Div):
            # SymPy multiplies numbers and merges roots (sqrt(a)*sqrt(b) is sqrt(a*b)) as
            # it builds the product: measured before.
            factor = (self.sizes.of(right) if isinstance(node.op, ast.Mult)
                      else self.sizes.power(right, sp.Integer(-1)))
            self._within_caps(node, self.sizes.product([self.sizes.of(left), factor]))
        if isinstance(node.op, ast.Mult) and _is_matrix(left) and _is_matrix(right):
            return sp.MatMul(left, right)
        if isinstance(node.op, ast.Div):
            self._divides_by(right)
        return operation(left, right)

    def _floor_division(self, node: ast.BinOp) -> sp.Basic:
        """`a // b` is floor(a/b): integer division, for questions that declare `floor`."""
        if "floor" not in self.namespace.functions:
            raise AnswerError(f"operator `//` in `{self.written(node)}`: integer division is not "
                              "available in this question",
                              hint="this question does not use integer division (a // b, which "
                                   "is floor(a/b)); `/` divides")
        left, right = self.operand(node.left), self.operand(node.right)
        if _is_matrix(left) or _is_matrix(right):
            raise AnswerError(f"integer division of a matrix is not defined in `{_describe(node)}`")
        if right.is_zero:
            raise AnswerError(f"division by zero in `{_describe(node)}`")
        factor = self.sizes.power(right, sp.Integer(-1))
        self._within_caps(node, self.sizes.product([self.sizes.of(left), factor]))
        self._divides_by(right)
        return self._apply(FUNCTIONS["floor"], node, left / right)

    def _power(self, node: ast.BinOp) -> sp.Basic:
        if isinstance(node.left, ast.Name) and node.left.id == "e" and self._unknown("e"):
            # e^a: Euler's number is not a name, and a number to a symbol is refused anyway.
            exponent = self.written(node.right).strip()
            if exponent.startswith("(") and exponent.endswith(")"):
                exponent = exponent[1:-1].strip()
            raise AnswerError(f"`{self.written(node)}`: `e` is not a name of this question",
                              hint=f"e to a power is written `exp({exponent})`", **self._where(node))
        base, exponent = self.operand(node.left), self.scalar(node.right)
        if _is_matrix(base):
            return self._matrix_power(node, base, exponent)
        if exponent.is_number:
            if not exponent.is_Rational:
                raise AnswerError(f"exponent in `{_describe(node)}` must be a rational number")
            self._literal_exponent(node, exponent)
            if base.is_zero and exponent.is_negative:
                raise AnswerError(f"division by zero in `{_describe(node)}`")
            # SymPy raises a product's numbers (and takes their roots) as it builds the power.
            self._within_caps(node, self.sizes.power(base, exponent), exact=base.is_Rational)
            if exponent.is_negative:
                self._divides_by(base)
            if not exponent.is_integer:  # a root: real only where the base is >= 0
                self._requires(base, NONNEGATIVE)
            return sp.Pow(base, exponent)
        if base.is_number and base.is_Rational and abs(base) > 1:
            # A symbolic exponent on a numeric base can explode when evaluated.
            raise AnswerError(f"`{_describe(node)}`: a number raised to a symbol is not allowed")
        if not exponent.is_integer:
            self._requires(base, POSITIVE)  # g**e for a real e: real only for g > 0
        elif not exponent.is_nonnegative:
            self._divides_by(base)
        return sp.Pow(base, exponent)

    def _literal_exponent(self, node: ast.BinOp, exponent: sp.Rational) -> None:
        cap = self.caps.max_exponent
        if abs(exponent.p) > cap or exponent.q > cap:
            raise AnswerError(f"exponent {exponent} in `{_describe(node)}` is too large (limit {cap})")

    def _matrix_power(self, node: ast.BinOp, base: sp.MatrixExpr, exponent: sp.Basic) -> sp.Basic:
        """A whole power of a square matrix; a negative one needs the matrix invertible,
        which is refused when it is singular everywhere and recorded otherwise."""
        rows, cols = base.shape
        if rows != cols:
            raise AnswerError(f"`{self.written(node)}`: `{sp.sstr(base)}` is {sp.sstr(rows)} x "
                              f"{sp.sstr(cols)}, and only a square matrix has powers and an inverse")
        if not exponent.is_Integer:
            raise AnswerError(f"`{self.written(node)}`: a matrix power must be a whole number")
        self._literal_exponent(node, exponent)
        if exponent.is_negative:
            why = singular(base, self.namespace)
            if why is not None:
                raise AnswerError(f"`{self.written(node)}` is not defined: {why}")
            self.requirements.append(Requirement(base, INVERTIBLE))
        if exponent == 0:  # a square matrix to the power 0 is the identity, not the number 1
            return sp.Identity(rows)
        return sp.Pow(base, exponent)

    def _UnaryOp(self, node: ast.UnaryOp) -> sp.Basic:
        if isinstance(node.op, ast.USub):
            return -self.operand(node.operand)
        if isinstance(node.op, ast.UAdd):
            return self.operand(node.operand)
        if isinstance(node.op, ast.Not):
            return sp.Not(self._condition(node.operand))
        raise AnswerError(f"operator in `{_describe(node)}` is not part of the answer language")

    # conditions -----------------------------------------------------------
    def _condition(self, node: ast.AST) -> sp.Basic:
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return sp.true if node.value else sp.false
        result = self.build(node)
        if not is_condition(result):
            raise AnswerError(f"`{_describe(node)}` is not a condition")
        return result

    def _Compare(self, node: ast.Compare) -> sp.Basic:
        terms = [self.scalar(node.left)] + [self.scalar(c) for c in node.comparators]
        parts = []
        for op, left, right in zip(node.ops, terms, terms[1:], strict=False):
            relation = _COMPARE.get(type(op))
            if relation is None:
                raise AnswerError(f"comparison in `{_describe(node)}` is not part of the language")
            parts.append(relation(left, right))
        return sp.And(*parts)

    def _BoolOp(self, node: ast.BoolOp) -> sp.Basic:
        values = [self._condition(v) for v in node.values]
        return sp.And(*values) if isinstance(node.op, ast.And) else sp.Or(*values)

    def _IfExp(self, node: ast.IfExp) -> sp.Basic:
        return sp.Piecewise(
            (self.scalar(node.body), self._condition(node.test)), (self.scalar(node.orelse), True)
        )

    # structure ------------------------------------------------------------
    def _Tuple(self, node: ast.Tuple) -> sp.Basic:
        written = self.written(node)
        groups = [part.strip() for part in written.split(",")]
        if thousands_separated(groups):
            raise AnswerError(f"`{written}` is not a number: a comma does not group digits",
                              hint=f"write {''.join(groups)}")
        raise AnswerError(f"a tuple `{written}` is not part of the answer language",
                          hint="a list is written in brackets, e.g. [1, 2, 3]")

    def _List(self, node: ast.List) -> sp.Basic:
        if not node.elts:
            raise AnswerError("empty list")
        return sp.Tuple(*(self.scalar(e) for e in node.elts))

    def _Subscript(self, node: ast.Subscript) -> sp.Basic:
        if not isinstance(node.value, ast.Name):
            raise AnswerError(f"only a declared vector can be indexed, not `{_describe(node.value)}`")
        item = self.namespace.lookup(node.value.id)
        if not isinstance(item, Vector):
            raise AnswerError(
                f"`{node.value.id}` cannot be indexed; this question allows {self.allowed()}"
            )
        index_nodes = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if any(isinstance(n, ast.Slice | ast.Starred) for n in index_nodes):
            raise AnswerError(f"slices are not part of the answer language: `{_describe(node)}`")
        if len(index_nodes) != item.rank:
            raise AnswerError(
                f"`{item.name}` takes {item.rank} ind{'ex' if item.rank == 1 else 'ices'}, "
                f"got {len(index_nodes)} in `{_describe(node)}`"
            )
        indices = [self.scalar(n) for n in index_nodes]
        for index, index_node in zip(indices, index_nodes, strict=True):
            if index.is_number and not index.is_Integer:
                raise AnswerError(f"index `{_describe(index_node)}` must be an integer")
        return sp.Indexed(item.base, *indices)

    def _Attribute(self, node: ast.Attribute) -> sp.Basic:
        if node.attr == "T" and isinstance(node.value, ast.Name):
            item = self.namespace.lookup(node.value.id)
            if isinstance(item, MatrixName):
                return item.symbol.T
        elif node.attr == "T" and not isinstance(node.value, ast.Name):
            value = self.build(node.value)  # `(diag(p) - p*p.T).T`: any matrix-valued expression
            if isinstance(value, sp.MatrixExpr):
                return value.T
        raise AnswerError(
            f"attribute `{_describe(node)}` is not allowed: `.T` on a declared matrix or vector "
            "is the only attribute of the answer language"
        )

    def _Call(self, node: ast.Call) -> sp.Basic:
        if not isinstance(node.func, ast.Name):
            # `(f-y)(1-f)`, `2(f+1)`, `x[1](2)`: a product written without `*`.
            if isinstance(node.func, ast.Attribute | ast.Call):
                raise AnswerError(f"only the language's functions can be called, not "
                                  f"`{_describe(node.func)}`")
            raise AnswerError(f"`{self.written(node)}`: only the language's functions can be called, "
                              f"and `{self.written(node.func)}` is not one", hint=IMPLICIT_PRODUCT)
        name = node.func.id
        if name not in self.namespace.functions and self.namespace.lookup(name) is not None:
            raise AnswerError(f"`{self.written(node)}`: `{name}` is a name of this question, not a "
                              "function", hint=IMPLICIT_PRODUCT)
        if name not in self.namespace.functions:
            raise AnswerError(f"unknown function `{name}`; this question allows {self.allowed()}",
                              hint=_NAMES_INSTEAD.get(name, "") or _unused(name))
        if node.keywords:
            raise AnswerError(f"keyword arguments are not allowed in `{_describe(node)}`")
        if any(isinstance(a, ast.Starred) for a in node.args):
            raise AnswerError(f"starred arguments are not allowed in `{_describe(node)}`")
        spec = FUNCTIONS[name]  # every name a namespace allows is registered (Namespace checks)
        if spec.reads == "range":
            return self._sum(node, spec)
        if spec.reads == "pieces":
            return self._piecewise(node, spec)
        self._arity(node, spec)
        if spec.reads == "matrix":
            argument = self.build(node.args[0])
            if not _is_matrix(argument):
                raise AnswerError(f"`{name}` takes a declared vector or matrix in `{_describe(node)}`")
            return self._apply(spec, node, argument)
        arguments = [self.scalar(a) for a in node.args]
        if any(_is_matrix(a) for a in arguments):
            raise AnswerError(f"`{name}` of a matrix is not defined in `{_describe(node)}`")
        for argument in arguments:
            needs = _DEFINED_FOR.get(spec.defined_for)
            if needs is not None:
                self._requires(argument, needs)
            if spec.defined_for == "positive" and argument.is_zero:
                raise AnswerError(f"{name} of zero in `{_describe(node)}`")
            for base, exponent in powers_made_by(name, argument):
                # sqrt(n) is n**(1/2); exp(log(n)/3) is n**(1/3); tanh and sigmoid are
                # rewritten to exp later: each a power SymPy computes.
                self._within_caps(node, self.sizes.power(base, exponent))
        return self._apply(spec, node, *arguments)

    def _apply(self, spec: FunctionSpec, node: ast.AST, *arguments: Any) -> sp.Basic:
        """The registry's function applied to built arguments."""
        try:
            result: sp.Basic = spec.build(*arguments)
        except InexactArgument as exc:
            raise AnswerError(f"`{self.written(node)}`: {exc}") from None
        return result

    def _arity(self, node: ast.Call, spec: FunctionSpec) -> None:
        count = len(node.args)
        if spec.accepts(count):
            return
        if isinstance(spec.arity, int):
            raise AnswerError(f"`{_describe(node.func)}` takes {spec.arity_text()}, got {count} in "
                              f"`{_describe(node)}`")
        raise AnswerError(f"`{spec.name}` takes {spec.arity_text()} in `{_describe(node)}`")

    def _sum(self, node: ast.Call, spec: FunctionSpec) -> sp.Basic:
        usage = "write Sum(term, (j, first, last))"
        if len(node.args) != 2 or not isinstance(node.args[1], ast.Tuple):
            raise AnswerError(f"{usage}, not `{_describe(node)}`")
        bounds = node.args[1].elts
        if len(bounds) != 3 or not isinstance(bounds[0], ast.Name):
            raise AnswerError(f"{usage}, not `{_describe(node)}`")
        name = bounds[0].id
        if name in self.namespace.functions or name.startswith("_"):
            raise AnswerError(f"`{name}` cannot be a summation index")
        low, high = self.scalar(bounds[1]), self.scalar(bounds[2])
        for bound in (low, high):
            # SymPy would sum over a continuation between bounds that are not whole numbers
            # (Sum(1, (j, 1, K/2)) is K/2); a name it knows nothing of (notation) may stand.
            if bound.is_integer is False or any(not r.is_integer for r in bound.atoms(sp.Rational)):
                raise AnswerError(f"the bounds of `{_describe(node)}` must be whole numbers: "
                                  f"`{sp.sstr(bound)}` may not be one")
        index = sp.Symbol(name, integer=True)
        outer = self.bound.get(name)
        self.bound[name] = index
        try:
            body = self.scalar(node.args[0])
        finally:
            if outer is None:
                del self.bound[name]
            else:
                self.bound[name] = outer
        total = self._apply(spec, node, body, (index, low, high))
        if not never_reversed(low, high, self.namespace):
            # The empty-sum convention, explicit: SymPy's Sum is Karr's, where
            # Sum(1, (j, 1, K - 3)) is -1 at K = 2 (and its closed form K - 3 everywhere).
            return guarded_sum(total)
        return total

    def _piecewise(self, node: ast.Call, spec: FunctionSpec) -> sp.Basic:
        pieces = []
        for arg in node.args:
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                raise AnswerError(f"Piecewise takes (value, condition) pairs, not `{_describe(arg)}`")
            pieces.append((self.scalar(arg.elts[0]), self._condition(arg.elts[1])))
        if not pieces:
            raise AnswerError("Piecewise needs at least one (value, condition) pair")
        return self._apply(spec, node, *pieces)


def _unused(name: str) -> str:
    """The hint for a function of the language that this question does not allow."""
    if name not in FUNCTIONS:
        return ""
    return f"`{name}` is a function of the answer language, but this question does not use it"


def is_condition(value: sp.Basic) -> bool:
    """A comparison or a logical combination (a Symbol is a SymPy Boolean too, but
    not a condition here)."""
    return isinstance(value, sp.core.relational.Relational | BooleanFunction | BooleanAtom)


def _is_matrix(value: sp.Basic) -> bool:
    return isinstance(value, sp.MatrixExpr)


def _shape_text(matrix: sp.MatrixExpr) -> str:
    rows, cols = matrix.shape
    return f"{sp.sstr(rows)} x {sp.sstr(cols)}"


def _construct_name(node: ast.AST) -> str:
    names = {
        "Lambda": "a lambda", "ListComp": "a comprehension", "GeneratorExp": "a generator",
        "SetComp": "a comprehension", "DictComp": "a comprehension", "Dict": "a dict",
        "Set": "a set", "Tuple": "a tuple", "NamedExpr": "an assignment", "Await": "await",
        "Yield": "yield", "JoinedStr": "an f-string", "Starred": "a starred expression",
        "Slice": "a slice",
    }
    return names.get(type(node).__name__, "the construct")
