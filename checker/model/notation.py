"""How a question is read in a written derivation (`derivcheck doc`): the LaTeX spellings
of the quantities its derivation uses, and how two consecutive steps are compared.

A write-up says `\\frac{\\partial f}{\\partial a}` or `S(\\boldsymbol{x})_i` where an answer
file would say an expression. Each such spelling is declared here with its value taken
from the question's own derivation (never retyped), so a step that uses it is read as
that value. A spelling that cannot be mapped with certainty is not guessed: the step is
an `error` naming it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from checker.model.namespace import Variable
from checker.model.verdict import StepResult


@dataclass(frozen=True)
class Notation:
    """One LaTeX spelling and what it stands for.

    `spelling` is LaTeX as the notation reader normalises it: no spaces, `\\boldsymbol{x}`,
    `\\mathbf{x}` and `\\bm{x}` read as `x`, `\\left`/`\\right` dropped. A `#` stands for one
    subscript argument (`{i+1}`, `{ji}` or one character); `rank` is how many indices that
    argument holds (0 without `#`).

    `value` gives the quantity from the question's derivation, as a SymPy expression in
    the names of the question's namespace: `value()` without `#`, `value(*indices)` with
    it. `value` None marks the asked quantity itself: it has no value of its own, and an
    equation whose first side is it states the answer (`z = x_1 - x_2`). Where the block
    has stated its answer, later steps read the asked spelling as that answer (`\\sigma(z)`
    after `z = x_1 - x_2`).

    With `uses_answer`, the value depends on the person's own answer (`S([0, y_1, ...])`
    in question 2.3): it is called as `value(*indices, answer=parsed answer value)`, and a
    step using it before any answer is stated is an error saying so.
    """

    spelling: str
    meaning: str
    value: Callable[..., Any] | None = None
    rank: int = 0
    uses_answer: bool = False
    # The quantity is defined only up to a positive constant factor (question 1's L_MSE:
    # "multiplicative factors can be ignored"): a link with a step that names it holds
    # when the two sides agree up to such a factor, whatever convention the person took.
    up_to_factor: bool = False

    def __post_init__(self) -> None:
        if (self.rank > 0) != ("#" in self.spelling):
            raise ValueError(f"notation {self.spelling!r}: a `#` argument needs rank >= 1, "
                             "and rank >= 1 needs one `#`")
        if self.spelling.count("#") > 1:
            raise ValueError(f"notation {self.spelling!r}: at most one `#` argument")

    @property
    def asked(self) -> bool:
        return self.value is None


# (earlier step, later step, where) -> the link's result. Both are parsed values of the
# question's steps (SymPy expressions); the result's text is filled in by the caller.
LinkDecision = Callable[[Any, Any, str], StepResult]


@dataclass(frozen=True)
class DocumentSpec:
    """Everything a question adds to be read in a write-up.

    * `notation`: the spellings above (the asked quantity among them, value None).
    * `dependence`: argument lists that only name what a quantity depends on, dropped
      wherever they follow a name (`(x,\\theta)` makes `f(x,\\theta)` read as `f`).
    * `variables`: names a derivation may use beyond the answer's (a summation index
      written outside its sum is a free index in its range, not a guess).
    * `link`: how two consecutive steps are compared; None compares them as an `Equal`
      claim on the namespace's domains after `rewrite`.
    * `rewrite`: a parsed step -> the same value in the names the link compares
      (question 1: f as sigmoid(a)); None leaves steps as parsed.
    * `parts`: for an answer in parts (question 3), the spellings that define each part,
      part name -> spellings (`\\tilde{\\omega}^{(1)}_{ji}` defines W1).
    * `functions`: functions a derivation's steps may call beyond the answer's (4.1's
      output-size formula uses floor; answers to 4.1 still may not).
    * `part_cases`: (part, spellings, LaTeX condition): an equation whose first step is one
      of the spellings defines the part where the condition holds (`\\tilde{\\omega}_{j0}^{(1)}`
      is W1 at i = 0), the part's general equation everywhere else.
    * `ends`: for a question whose answer is a derivation (2.1, 5.3, 5.6), the values of
      the two sides of what is to be shown, from the definitions: a derivation must start
      at one and end at the other, written out, and no single link may join them
      unrewritten ("assumes what is to be shown"). Each gives one value, or a tuple of the
      ways the side may be written (5.3's right side by its name, or by definition (2)).
    """

    notation: tuple[Notation, ...] = ()
    dependence: tuple[str, ...] = ()
    variables: tuple[Variable, ...] = ()
    link: LinkDecision | None = None
    rewrite: Callable[[Any], Any] | None = None
    parts: tuple[tuple[str, tuple[str, ...]], ...] = ()
    part_cases: tuple[tuple[str, tuple[str, ...], str], ...] = ()
    ends: tuple[Callable[[], Any], Callable[[], Any]] | None = None
    functions: frozenset[str] = frozenset()

    @property
    def asked(self) -> tuple[Notation, ...]:
        return tuple(n for n in self.notation if n.asked)
