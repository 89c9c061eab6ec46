"""Claims: what is to be shown. Few kinds, each explicit.

* `Equal`        answer ≡ truth at every point of the domain.
* `Proportional` answer ≡ c · truth for one constant c > 0 (losses "up to a factor").
* `Chain`        a derivation: each step equals the one before it.
* `AllOf`        a conjunction (every size, every matrix entry), with what it shows.
* `Decided`      a claim that carries its own decision procedure (a simulation,
                 an exhaustive search, properties of a function).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

import sympy as sp

from checker.model.namespace import Domain
from checker.model.verdict import Outcome

Domains = tuple[tuple[sp.Symbol, Domain], ...]


@dataclass(frozen=True)
class Comparison:
    """Two expressions on one domain; the subclass says how they must relate."""

    answer: sp.Expr
    truth: sp.Expr
    domains: Domains = ()
    where: str = ""  # names the instance (an entry, a size) when a claim has several


@dataclass(frozen=True)
class Equal(Comparison):
    """answer ≡ truth at every point of the domain."""


@dataclass(frozen=True)
class Proportional(Comparison):
    """answer ≡ c · truth for one constant c > 0."""

    def scaled(self, factor: sp.Expr) -> Equal:
        """The Equal claim `answer = factor * truth` on the same domain."""
        return Equal(self.answer, factor * self.truth, self.domains, self.where)


@dataclass(frozen=True)
class Step:
    text: str
    expr: sp.Expr
    derived: bool = False  # a truth from the definitions, not a step the person wrote


@dataclass(frozen=True)
class Chain:
    """Each adjacent pair of steps is an `Equal` claim on the same domain.

    Derivations put their independently derived truth at both ends (e.g. the
    softmax definition of S(x + c)_i first and S(x)_i last), so a chain that is
    internally consistent but proves the wrong thing is refuted too.
    """

    steps: tuple[Step, ...]
    domains: Domains = ()
    where: str = ""


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Claim, ...]
    shows: str  # what the conjunction establishes, e.g. "for every K in 2..8"


@dataclass(frozen=True)
class Decided:
    description: str
    decide: Callable[[], Outcome]


Claim = Union[Equal, Proportional, Chain, AllOf, Decided]  # noqa: UP007 - runtime alias
