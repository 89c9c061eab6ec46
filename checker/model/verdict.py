"""Verdicts: what a check concluded, as plain data (strings and numbers only), so
they can cross process boundaries, be cached, and be rendered in any format."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Status(str, Enum):
    VERIFIED = "verified"
    REFUTED = "refuted"
    UNDECIDED = "undecided"
    ERROR = "error"

    @property
    def exit_code(self) -> int:
        return _EXIT_CODES[self]


_EXIT_CODES = {Status.VERIFIED: 0, Status.REFUTED: 1, Status.ERROR: 2, Status.UNDECIDED: 3}
# A run over several checks exits with the worst code in this order (CONTRACT.md).
_SEVERITY = {Status.ERROR: 3, Status.REFUTED: 2, Status.UNDECIDED: 1, Status.VERIFIED: 0}


def worst(statuses: list[Status]) -> Status:
    return max(statuses, key=_SEVERITY.__getitem__, default=Status.VERIFIED)


def exit_code(statuses: list[Status]) -> int:
    return worst(statuses).exit_code


@dataclass(frozen=True)
class Counterexample:
    """A point where the answer and the truth differ, re-checked exactly.

    `assignment` pairs each variable with its exact value; `answer` and `truth`
    are the two sides evaluated there; `where` names the instance (a size, an
    entry, a step) when the claim has several.
    """

    assignment: tuple[tuple[str, str], ...]
    answer: str
    truth: str
    where: str = ""
    note: str = ""

    def describe(self) -> str:
        point = ", ".join(f"{name} = {value}" for name, value in self.assignment)
        prefix = f"{self.where}: " if self.where else ""
        point = f"{point}: " if point else ""
        suffix = f" ({self.note})" if self.note else ""
        return f"{prefix}{point}your answer {self.answer}, truth {self.truth}{suffix}"

    @staticmethod
    def from_json(data: dict[str, Any]) -> Counterexample:
        return Counterexample(tuple(data["assignment"].items()), data["answer"], data["truth"],
                              data["where"], data["note"])

    def to_json(self) -> dict[str, object]:
        return {
            "assignment": dict(self.assignment),
            "answer": self.answer,
            "truth": self.truth,
            "where": self.where,
            "note": self.note,
            "text": self.describe(),
        }


@dataclass(frozen=True)
class Outcome:
    """What deciding one claim produced (before timing and naming)."""

    status: Status
    method: str
    counterexample: Counterexample | None = None
    reason: str = ""
    steps: tuple[StepResult, ...] = ()


@dataclass(frozen=True)
class StepResult:
    """One link of a chain: `text` is the step, checked against the step before it."""

    text: str
    status: Status
    method: str
    counterexample: Counterexample | None = None


@dataclass(frozen=True)
class Verdict:
    id: str
    title: str
    status: Status
    method: str
    seconds: float
    answer: str = ""
    parsed: str = ""
    counterexample: Counterexample | None = None
    reason: str = ""
    steps: tuple[StepResult, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status.value,
            "method": self.method,
            "seconds": round(self.seconds, 4),
            "answer": self.answer,
            "parsed": self.parsed,
            "counterexample": self.counterexample.to_json() if self.counterexample else None,
            "reason": self.reason,
            "steps": [
                {
                    "text": s.text,
                    "status": s.status.value,
                    "method": s.method,
                    "counterexample": s.counterexample.to_json() if s.counterexample else None,
                }
                for s in self.steps
            ],
            "notes": list(self.notes),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> Verdict:
        """The inverse of to_json (used by the results cache)."""

        def counterexample(item: dict[str, Any] | None) -> Counterexample | None:
            return Counterexample.from_json(item) if item else None

        return Verdict(
            id=data["id"], title=data["title"], status=Status(data["status"]),
            method=data["method"], seconds=float(data["seconds"]), answer=data["answer"],
            parsed=data["parsed"], counterexample=counterexample(data["counterexample"]),
            reason=data["reason"],
            steps=tuple(StepResult(s["text"], Status(s["status"]), s["method"],
                                   counterexample(s["counterexample"])) for s in data["steps"]),
            notes=tuple(data["notes"]),
        )
