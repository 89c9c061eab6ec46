"""A graded class: one `PersonResult` per answer file, as plain data.

The person and the file travel as typed fields beside the verdicts, so renderers
never parse them back out of free text.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.model.verdict import Status, Verdict


@dataclass(frozen=True)
class PersonResult:
    person: str  # the name in the file, else the file name without .toml
    path: str  # the file, printable
    verdicts: tuple[Verdict, ...] = ()  # one per answered question, in file order
    file_error: str = ""  # why the whole file could not be read; "" when it was
    student_id: str = ""  # the `id` the file gives, for a gradebook; "" when none
    email: str = ""

    @property
    def verified(self) -> int:
        return sum(v.status is Status.VERIFIED for v in self.verdicts)

    @property
    def statuses(self) -> list[Status]:
        """What this file contributes to a run's exit code: a file error counts as error."""
        return [Status.ERROR] if self.file_error else [v.status for v in self.verdicts]
