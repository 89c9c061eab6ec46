"""Run-wide options that reach deep checks (set once by the CLI, read by derivations).

Forked workers inherit the values, so a check sees the options of its run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

DEFAULT_MAX_SIZE = 12  # exhaustive checks over sizes cover every size up to this


@dataclass(frozen=True)
class Options:
    max_size: int = DEFAULT_MAX_SIZE


_current = Options()


def current() -> Options:
    return _current


def configure(**changes: object) -> Options:
    global _current
    _current = replace(_current, **changes)  # type: ignore[arg-type]
    return _current
