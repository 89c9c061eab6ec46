"""What both format scanners share: places, paragraph ends, prose and formula events.

A scanner walks its text once, left to right, and yields events; every look-up that
could rescan (matching braces, paragraph ends) is precomputed, so hostile input (many
unclosed groups, one huge paragraph) still costs linear time.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from checker.language.documents.events import BREAK, SPACE, Event, Math, Prose
from checker.language.documents.model import DocumentError, Place
from checker.language.documents.steps import ENVIRONMENT_ARGUMENT
from checker.language.documents.text import (
    Locator,
    brace_pairs,
    excerpt,
    find_unescaped,
    next_paragraph_end,
    paragraph_ends,
)

# A line end and the blank lines after it: one token, so a file of blank lines is cheap.
NEWLINES = r"\n(?:[ \t]*\n)*"


class Scanner:
    """The state of one walk over one text (a file, or a notebook cell)."""

    def __init__(self, text: str, locator: Locator, notes: list[str]) -> None:
        self.text = text
        self.locator = locator
        self.notes = notes
        self.pairs = brace_pairs(text)
        self.ends = paragraph_ends(text)

    def place(self, offset: int) -> Place:
        """The place of the character at `offset`."""
        return self.locator.place(offset)

    def paragraph_end(self, offset: int) -> int:
        """Where the paragraph holding `offset` ends (a blank line, or the end of the text)."""
        return next_paragraph_end(self.ends, offset)

    def newline(self, token: str) -> Iterator[Event]:
        """A line end (a run of them, see NEWLINES): a space between words, and a Break if
        blank lines follow."""
        yield SPACE
        if token.count("\n") > 1:
            yield BREAK

    def prose(self, start: int, end: int, text: str | None = None) -> Iterator[Event]:
        """Prose from `[start, end)` (or the given text standing for it), if it is not empty."""
        piece = self.text[start:end] if text is None else text
        if piece:
            yield Prose(piece, start, self.locator)

    def closed_math(self, opener: str, closer: str, start: int, display: bool,
                    env: str = "") -> tuple[Math, int]:
        """The formula from `start` to the unescaped `closer`, and the offset just past it.

        An unclosed display is an error naming the line it opens on: reading on would put
        the rest of the write-up into one formula.
        """
        close = (find_unescaped(self.text, closer, start) if not env
                 else _environment_end(self.text, env, start))
        if close < 0:
            at = start - len(opener)
            raise DocumentError(f"{self.place(at).prefix()}`{opener}` is never closed (no `{closer}`)",
                                self.place(at), excerpt(self.text, at),
                                hint=f"close the formula with `{closer}`")
        content = start
        if env.startswith("alignat"):
            arg = ENVIRONMENT_ARGUMENT.match(self.text, start)
            content = arg.end() if arg else start
        math = Math(self.text[content:close], display, env or opener, content, self.locator)
        return math, close + (len(closer) if not env else len(_end_token(self.text, close)))


def _environment_end(text: str, env: str, start: int) -> int:
    """Where `\\end{env}` (spaces allowed before the brace) starts, or -1."""
    m = re.compile(r"\\end\s*\{" + re.escape(env) + r"\}").search(text, start)
    return m.start() if m else -1


def _end_token(text: str, at: int) -> str:
    """The `\\end{..}` token starting at `at`."""
    m = re.compile(r"\\end\s*\{[^{}]*\}").match(text, at)
    return m.group() if m else r"\end"
