"""Run options that change what a check decides: a frozen value passed down.

The command line builds one `Options`; the run layer hands the same object to each
question's claim, to its prepare hook and to the results-cache key, so a cached
verdict always belongs to the options it was decided under.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MAX_SIZE = 12  # exhaustive checks over sizes cover every size up to this
SHIPPED_ASSIGNMENT = "assignment-1"  # the assignment derivcheck ships (derivations/)


@dataclass(frozen=True)
class Options:
    max_size: int = DEFAULT_MAX_SIZE  # exhaustive witnesses cover sizes up to this
    assignment: str = SHIPPED_ASSIGNMENT  # which assignment's questions (checker.run.registry)
    question_files: tuple[str, ...] = ()  # course question files to load (--questions)


DEFAULT_OPTIONS = Options()
