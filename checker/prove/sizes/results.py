"""What `decide_all_sizes` answers, and the exception every stage raises when a claim
leaves the fragment."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Proved:
    """lhs == rhs for every admissible size; `method` says how (and what was spot-checked)."""

    method: str


@dataclass(frozen=True)
class Counterexample:
    """Sizes at which the sides differ, confirmed by exact evaluation of both SymPy trees."""

    sizes: dict[str, int]
    detail: str


@dataclass(frozen=True)
class OutsideFragment:
    """Undecided: the claim is outside the fragment, or z3 or a budget gave no answer."""

    reason: str


Result = Proved | Counterexample | OutsideFragment


class Outside(Exception):
    """The claim is outside what this package decides; the message says why. Raised at any
    stage and turned into `OutsideFragment` at the top, so that no stage ever guesses."""
