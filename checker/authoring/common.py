"""What every question shape shares: the domain words, the function sets, the stated
right and wrong examples, and the sentence `show` prints about the truth."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from fractions import Fraction

import sympy as sp

from checker.model.functions import FUNCTIONS
from checker.model.namespace import (
    ALL_FUNCTIONS,
    CLOSED_UNIT,
    INTEGER,
    LABEL,
    OPEN_UNIT,
    POSITIVE_INTEGER,
    REAL,
    Domain,
)
from checker.model.question import Example

POSITIVE = Domain("positive", Fraction(0), None)
DOMAINS: dict[str, Domain] = {
    "real": REAL,
    "positive": POSITIVE,
    "(0,1)": OPEN_UNIT,
    "[0,1]": CLOSED_UNIT,
    "{0,1}": LABEL,
    "integer": INTEGER,
    "positive integer": POSITIVE_INTEGER,
}
ALLOWED_DOMAINS = (*DOMAINS, "size >= 1", "size >= 2", "size >= N (any whole N >= 0)")
_SIZE = re.compile(r"size\s*>=\s*(\d{1,6})")

# The answer language's default functions; `floor` and `ceil` are allowed only where a
# question lists them (e.g. functions=DEFAULT_FUNCTIONS | {"floor"}).
DEFAULT_FUNCTIONS: frozenset[str] = ALL_FUNCTIONS
KNOWN_FUNCTIONS: frozenset[str] = frozenset(FUNCTIONS)  # the answer language's registry

Answer = str | int | Example  # an example answer as an author writes it


def normalised(text: str) -> str:
    """'(0, 1)' -> '(0,1)', 'Size ≥ 2' -> 'size >= 2': one spelling per domain word."""
    text = " ".join(text.replace("≥", ">=").lower().split())
    return re.sub(r"\s*([(),\[\]{}])\s*", r"\1", text)


def size_bound(text: str) -> int | None:
    """N for a size domain 'size >= N', None for any other domain word."""
    found = _SIZE.fullmatch(normalised(text))
    return int(found.group(1)) if found else None


def domain_of(name: str, text: str) -> Domain:
    """The Domain a domain word names; ValueError (at import) listing the allowed words."""
    if not isinstance(text, str):
        raise ValueError(f"the domain of `{name}` must be a word such as \"real\", not {text!r}")
    bound = size_bound(text)
    if bound is not None:
        return size_domain(bound)
    domain = DOMAINS.get(normalised(text))
    if domain is None:
        raise ValueError(f"unknown domain {text!r} for `{name}`; allowed: "
                         + ", ".join(repr(d) for d in ALLOWED_DOMAINS))
    return domain


def size_domain(lower: int) -> Domain:
    """The whole numbers from `lower` on (a dimension): unbounded, never exhaustive."""
    return Domain(f"integer ≥ {lower}", Fraction(lower), None, low_open=False, integer=True)


def functions_of(functions: Iterable[str] | None) -> frozenset[str]:
    """The functions an answer may call: the language's default set, or exactly those named."""
    if functions is None:
        return DEFAULT_FUNCTIONS
    if isinstance(functions, str):
        raise ValueError(f"functions is a set of names such as {{'floor'}}, not the string {functions!r}")
    chosen = frozenset(functions)
    unknown = sorted(chosen - KNOWN_FUNCTIONS)
    if unknown:
        raise ValueError(f"unknown function{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(KNOWN_FUNCTIONS))}")
    return chosen


def examples_of(right: Iterable[Answer], wrong: Iterable[Answer]) -> tuple[Example, ...]:
    """The stated examples: plain-text answers (a number is its decimal text), or
    `Example(text, right, latex=True)` for a LaTeX one."""
    if isinstance(right, str) or isinstance(wrong, str):
        raise ValueError("right=[...] and wrong=[...] are lists of answers, not one string")
    out: list[Example] = []
    for stated, items in ((True, right), (False, wrong)):
        for item in items:
            if isinstance(item, Example):
                out.append(Example(item.text, stated, item.latex))
            elif isinstance(item, str) or (isinstance(item, int) and not isinstance(item, bool)):
                out.append(Example(str(item), stated))
            elif isinstance(item, list | tuple) and all(isinstance(v, int) for v in item):
                out.append(Example("[" + ", ".join(str(v) for v in item) + "]", stated))
            else:
                raise ValueError(f"an example answer is text (or a number), not {item!r}")
    return tuple(out)


def described(function: Callable[..., object], fallback: str) -> str:
    """The first paragraph of a callable's docstring, else `fallback` (for `show`)."""
    doc = (getattr(function, "__doc__", None) or "").strip()
    if not doc or doc.startswith(("Create a new function", "Return a new")):
        return fallback
    return " ".join(doc.split("\n\n")[0].split())


def require_callable(value: object, what: str) -> None:
    if not callable(value):
        raise ValueError(f"{what} must be a callable (e.g. `lambda n: ...`), not {value!r}; "
                         "the truth is derived from definitions, never written as answer text")


def exact_number(value: object) -> Fraction | None:
    """An int, a Fraction, a SymPy rational or a NumPy integer as an exact Fraction; None
    for anything else. Never a float of any kind (Python, NumPy's float16..float128 after
    `.item()` too, SymPy's Float), a complex or a bool: 0.1*10 is not exactly 1."""
    numpy = sys.modules.get("numpy")  # a NumPy scalar can only exist if NumPy is loaded
    if numpy is not None and isinstance(value, numpy.generic):
        if not isinstance(value, numpy.integer) or isinstance(value, numpy.bool_):
            return None
        value = value.item()
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Fraction):
        return Fraction(value)
    if isinstance(value, sp.Rational):  # Integer and Rational; never Float
        return Fraction(int(value.p), int(value.q))
    return None
