"""What a format's scanner hands to the block assembler: one flat stream of events.

Both scanners (LaTeX and Markdown) reduce their syntax to these few events, so finding
blocks, templates and derivations is written once, and a notebook is just the events of
its markdown cells one after another (which is how a block continues across cells).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.language.documents.model import Place
from checker.language.documents.text import Locator

# `Answer 1.4`, `Question 1.4` or `1.4`, a trailing `.` or `:` allowed. Bounded: at most
# six parts of at most four digits, so a label is never a long number.
_LABEL = re.compile(r"\s*(?:(?:answer|question)\s+)?(\d{1,4}(?:\.\d{1,4}){0,5})\s*[.:]?\s*", re.I)
_EMPHASIS = re.compile(r"\\(?:textbf|textit|emph|underline|textsc|textsf|textrm)\s*\{|[{}*_]")

MARKER = "marker"
HEADING = "heading"
TEMPLATE = "template"
BOLD_LEVEL = 99  # a bold lead or marker: any section heading ends its block


@dataclass(frozen=True)
class Start:
    """A block starts here. `level` is the heading's level (1 for `\\section` or `#`)."""

    label: str
    how: str
    place: Place
    level: int


@dataclass(frozen=True)
class Heading:
    """A section heading that starts no block: it ends blocks of its level or deeper."""

    level: int
    place: Place


@dataclass(frozen=True)
class ListOpen:
    """`\\begin{enumerate}` (ordered) or `\\begin{itemize}`/`description`."""

    ordered: bool
    place: Place


@dataclass(frozen=True)
class ListClose:
    """`\\end{enumerate}`, `\\end{itemize}`, `\\end{description}`."""

    place: Place


@dataclass(frozen=True)
class Item:
    """`\\item` (indent None), or a Markdown ordered-list line with its indent and content column."""

    place: Place
    indent: int | None = None
    content: int | None = None
    # The number the item is written with (`3.` in Markdown, `\item[3.]` in LaTeX), if any.
    number: int | None = None


@dataclass(frozen=True)
class Math:
    """A formula: `raw` is its content as written (delimiters removed, comments blanked),
    starting at offset `start` of the text `locator` maps. `env` names its environment."""

    raw: str
    display: bool
    env: str
    start: int
    locator: Locator


@dataclass(frozen=True)
class Bold:
    """Bold text outside math, as written."""

    text: str
    place: Place


@dataclass(frozen=True)
class Prose:
    """A piece of prose on one line, already stripped of markup, from offset `start` of the
    text `locator` maps (its place is only worked out if a sentence starts in it)."""

    text: str
    start: int
    locator: Locator | None


@dataclass(frozen=True)
class Break:
    """A paragraph ends: no sentence runs past it."""


SPACE = Prose(" ", 0, None)  # a line end inside a paragraph
BREAK = Break()

Event = Start | Heading | ListOpen | ListClose | Item | Math | Bold | Prose | Break


def label_of(title: str) -> str | None:
    """The question label a heading, title or bold lead names, or None.

    Emphasis inside the title (`## **Answer 1**`, `\\section*{\\textbf{1.4}}`) is ignored;
    anything else beside the label (`1.4 Softmax`, `Problem 1.4`) means it names none.
    """
    if len(title) > 200:
        return None
    m = _LABEL.fullmatch(_EMPHASIS.sub("", title))
    return m.group(1) if m else None
