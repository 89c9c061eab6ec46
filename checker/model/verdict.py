"""Verdicts: what a check concluded, as plain data (strings and numbers only), so
they can cross process boundaries, be cached, and be rendered in any format."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any


class Status(str, Enum):
    VERIFIED = "verified"
    REFUTED = "refuted"
    UNDECIDED = "undecided"
    ERROR = "error"

    @property
    def exit_code(self) -> int:
        return int(ExitCode[self.name])


class ExitCode(IntEnum):
    """What the process reports, one meaning per code (docs/contract.md).

    The first four are the verdicts; USAGE and INTERNAL are about the command, not about
    any answer, so a run that meets one of them exits with it outright.
    """

    VERIFIED = 0
    REFUTED = 1
    ERROR = 2  # an answer or file that could not be understood
    UNDECIDED = 3
    USAGE = 4  # unknown option or question ID, missing file, unwritable --out
    INTERNAL = 5  # a bug in derivcheck (or an unsupported platform)


# A run over several checks exits with the worst code in this order (docs/contract.md):
# an answer nobody could read hides the most, a refutation is certain, undecided is not.
_SEVERITY = {Status.ERROR: 3, Status.REFUTED: 2, Status.UNDECIDED: 1, Status.VERIFIED: 0}


def worst(statuses: list[Status]) -> Status:
    return max(statuses, key=_SEVERITY.__getitem__, default=Status.VERIFIED)


def exit_code(statuses: list[Status]) -> int:
    return worst(statuses).exit_code


def grade_exit_code(statuses: list[Status], unreadable: bool, strict: bool = False) -> int:
    """`grade` makes a report: its verdicts are data in the report, not a failure of the run.

    It exits 0 when every file was graded and 2 when some file could not be read;
    `strict` gives it the worst-of rule of `verify` and `check` (a file that could not be
    read counts as an error there, as `PersonResult.statuses` says). A missing path is a
    usage error, decided by the caller, which knows the paths.
    """
    if strict:
        return exit_code(statuses)
    return int(ExitCode.ERROR if unreadable else ExitCode.VERIFIED)


# The note a write-up's verdict carries when its answer holds and only a step of its
# derivation does not (checker.run.documents): a wrong step, not a wrong answer, so the
# class overview does not list the answer among the wrong ones.
ANSWER_HOLDS = "the answer itself holds; a step of the derivation does not"


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
        # A report for students leaves the truth out, and where the student's own value
        # would give it away, that value too (checker.model.course.for_students).
        truth = f", truth {self.truth}" if self.truth else ""
        answer = f"your answer {self.answer}" if self.answer else "your answer differs here"
        return f"{prefix}{point}{answer}{truth}{suffix}"

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
    # Where the step is in a write-up (`derivcheck doc`): its 1-based line, and in a
    # notebook the 1-based cell that line counts in; None for answer files.
    line: int | None = None
    cell: int | None = None

    @property
    def place(self) -> str:
        """`line 17`, or `cell 2, line 7` in a notebook; "" for a step of an answer file."""
        if self.line is None:
            return ""
        return f"line {self.line}" if self.cell is None else f"cell {self.cell}, line {self.line}"


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
    # Where an `error` lies in the answer as written (1-based), the offending text and how
    # to fix it: kept as data so each report can point at the place its own way.
    column: int | None = None
    excerpt: str = ""
    hint: str = ""
    # Where the answer was found in a write-up (`derivcheck doc`); None for answer files.
    line: int | None = None
    cell: int | None = None

    @property
    def problem(self) -> str:
        """The reason without its hint (`reason` carries both, for reports that show one line)."""
        suffix = f"; {self.hint}"
        return self.reason[: -len(suffix)] if self.hint and self.reason.endswith(suffix) else self.reason

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
                    "line": s.line,
                    "cell": s.cell,
                }
                for s in self.steps
            ],
            "line": self.line,
            "cell": self.cell,
            "notes": list(self.notes),
            "error": None if self.status is not Status.ERROR else {
                "message": self.problem,
                "column": self.column,
                "excerpt": self.excerpt or None,
                "hint": self.hint or None,
            },
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
                                   counterexample(s["counterexample"]), s.get("line"), s.get("cell"))
                        for s in data["steps"]),
            notes=tuple(data["notes"]),
            line=data.get("line"), cell=data.get("cell"),
            **_error_fields(data.get("error")),
        )


def _error_fields(error: dict[str, Any] | None) -> dict[str, Any]:
    if not error:
        return {}
    return {"column": error.get("column"), "excerpt": error.get("excerpt") or "",
            "hint": error.get("hint") or ""}
