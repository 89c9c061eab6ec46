"""What reading a write-up returns: blocks of math per answered question, with places.

Everything here is plain data (frozen dataclasses of strings and numbers), so the lead's
checker, a report or a worker process can hold it without knowing how it was read.
"""

from __future__ import annotations

from dataclasses import dataclass

SUFFIXES = (".tex", ".md", ".ipynb")


@dataclass(frozen=True)
class Place:
    """Where something is, 1-based: a line of the file, or a line of a notebook cell's source."""

    line: int
    cell: int | None = None

    def describe(self) -> str:
        """`57`, or `cell 4, line 2`: how a message names the place."""
        if self.cell is None:
            return str(self.line)
        return f"cell {self.cell}, line {self.line}"

    def prefix(self) -> str:
        """`line 57: ` or `cell 4, line 2: `, the start of a message or note about this place."""
        if self.cell is None:
            return f"line {self.line}: "
        return f"{self.describe()}: "


@dataclass(frozen=True)
class StepText:
    """One step of a chain: the LaTeX between two top-level `=`, delimiters and layout removed."""

    latex: str
    place: Place


@dataclass(frozen=True)
class Derivation:
    """A chain `A = B = C` as its steps; a single step when the formula has no top-level `=`."""

    steps: tuple[StepText, ...]
    display: bool
    place: Place


@dataclass(frozen=True)
class Formula:
    """One whole formula (or bold text) as written, delimiters removed."""

    latex: str
    place: Place
    display: bool


@dataclass(frozen=True)
class Sentence:
    """A sentence of prose; inline math in it is kept as `$...$`."""

    text: str
    place: Place


@dataclass(frozen=True)
class Block:
    """Everything written under one question label, in order."""

    label: str
    place: Place
    how: str
    derivations: tuple[Derivation, ...]
    inline: tuple[Derivation, ...]
    boxed: tuple[Formula, ...]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Document:
    """A whole write-up: its answer blocks, and notes on what was ignored and why."""

    name: str
    kind: str
    blocks: tuple[Block, ...]
    notes: tuple[str, ...]


@dataclass(frozen=True)
class DocumentCaps:
    """Bounds on untrusted input; passing one raises a DocumentError that names the cap."""

    max_bytes: int = 2_000_000
    max_formulas: int = 5_000
    max_formula_chars: int = 20_000
    max_blocks: int = 1_000
    max_cells: int = 5_000


class DocumentError(Exception):
    """A write-up that cannot be read: unreadable bytes, over a cap, an unsupported suffix,
    an unclosed display. The fields stay data so each output can show them its own way."""

    def __init__(self, message: str, place: Place | None = None, excerpt: str = "",
                 hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.place = place
        self.excerpt = excerpt
        self.hint = hint

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # The fields survive pickling: a worker process may hand the error back.
        return (type(self), (self.message, self.place, self.excerpt, self.hint))
