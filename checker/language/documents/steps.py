"""A formula to rows, and rows to the steps of a chain.

Rows come from `\\\\` at depth 0 (not inside `cases`, a matrix or braces; a `multline` is
one row). In a row, `&` marks are blanked, trailing punctuation and spacing are blanked,
and the text is cut at each top-level `=`. A row that begins with `=` *continues* the
derivation before it; one that begins with an operator (`+`, `\\cdot`, ... or `-` right
after an `&`) *joins* the last step before it: `&\\quad + c` is the rest of a long step.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from checker.language.documents.events import Math
from checker.language.documents.formula import Token, clean, tokens
from checker.language.documents.model import Formula, StepText
from checker.language.documents.text import blank_spans, collapse, first_content

# The display environments (starred too) and the one inline environment.
DISPLAY_ENVIRONMENTS = frozenset(
    name + star for name in ("equation", "align", "alignat", "flalign", "gather", "multline",
                             "eqnarray", "displaymath") for star in ("", "*"))
INLINE_ENVIRONMENTS = frozenset({"math"})
ENVIRONMENT_ARGUMENT = re.compile(r"\s*\{\d{1,2}\}")  # `\begin{alignat}{2}`

_TRAIL = re.compile(r"(?:\\(?:qquad|quad|[,;:! ])|[,.;~])\s*\Z")
_KEEP_DOT = re.compile(r"\\(?:right|[bB]igg?r)\s*\Z")
_ROW_GAP = re.compile(r"\*?\s*(?:\[\s*-?[\d.]+\s*[a-z]{2}\s*\])?")
_SPACING = {r"\quad", r"\qquad", r"\,", r"\;", r"\:", r"\!", "\\ ", "~"}
_JOINING = (r"\cdot", r"\times", r"\pm", r"\mp")
_NOT_EQUALS = {"<", ">", "!"}
_LEADING_SPACE = re.compile(r"^(?:\\(?:qquad|quad|[,;:! ])|~|\s)+")


@dataclass
class Row:
    """One row's steps. `continues`: it began with `=`; `joins`: with an operator."""

    steps: list[StepText]
    continues: bool
    joins: bool


def read_formula(math: Math) -> tuple[list[Row], list[Formula]]:
    """The formula's rows (rows with no text but `=` left out) and its `\\boxed{..}` contents."""
    cleaned, boxed = clean(math.raw, math.display, math.start, math.locator)
    toks = tokens(cleaned)
    spans, blanks = _rows(cleaned, toks, math.env.startswith("multline"))
    found: list[tuple[int, int, list[Token]]] = []
    starts = [t.start for t in toks]
    for a, b in spans:
        row = toks[bisect_left(starts, a):bisect_left(starts, b)]
        end = _trailing(cleaned, a, b)
        blanks += [(end, b)] + [(t.start, t.end) for t in row if t.text == "&" and t.depth == 0]
        found.append((a, end, [t for t in row if t.start < end]))
    cleaned = blank_spans(cleaned, blanks)
    rows = [_row(cleaned, a, b, row, math) for a, b, row in found if cleaned[a:b].strip()]
    return [row for row in rows if any(step.latex for step in row.steps)], boxed


def _rows(text: str, toks: list[Token], whole: bool) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Row spans split at depth-0 `\\\\` (with its `*` and `[2pt]`), and those breaks to blank.

    In a `multline` the breaks are only blanked: its rows are one long formula.
    """
    spans: list[tuple[int, int]] = []
    blanks: list[tuple[int, int]] = []
    start = 0
    for tok in toks:
        if tok.text != "\\\\" or tok.depth != 0 or tok.start < start:
            continue
        gap = _ROW_GAP.match(text, tok.end)
        end = gap.end() if gap else tok.end
        blanks.append((tok.start, end))
        if not whole:
            spans.append((start, tok.start))
            start = end
    spans.append((start, len(text)))
    return spans, blanks


def _trailing(text: str, a: int, b: int) -> int:
    """Where the row ends once trailing `,` `.` `;` and spacing (`\\,`, `\\quad`) are dropped.

    `\\right.` keeps its dot: it is a delimiter, not punctuation.
    """
    end = b
    for _ in range(50):
        while end > a and text[end - 1].isspace():
            end -= 1
        m = _TRAIL.search(text, max(a, end - 12), end)
        if m is None or m.start() < a:
            break
        if text[m.start()] == "." and _KEEP_DOT.search(text, max(a, m.start() - 12), m.start()):
            break
        end = m.start()
    return end


def _row(text: str, a: int, b: int, row: list[Token], math: Math) -> Row:
    """One row: its steps, and whether it continues or joins what came before."""
    continues, joins = _lead(row)
    bounds = [a]
    for cut_start, cut_end in _cuts(row):
        bounds += [cut_start, cut_end]
    bounds.append(b)
    steps = []
    for s, e in zip(bounds[::2], bounds[1::2], strict=True):
        at = first_content(text, s, e)
        steps.append(StepText(collapse(text[s:e]), math.locator.place(math.start + at)))
    if joins:
        steps[0] = StepText(_LEADING_SPACE.sub("", steps[0].latex, count=1), steps[0].place)
    return Row(steps[1:] if continues else steps, continues, joins)


def _lead(row: list[Token]) -> tuple[bool, bool]:
    """(continues, joins): whether the row's first real token is `=`, or an operator."""
    after_mark = False
    for tok in row:
        if tok.text == "&":
            after_mark = True
        elif tok.text not in _SPACING:
            joins = (tok.text in _JOINING or tok.text.startswith("+")
                     or (after_mark and tok.text.startswith("-")))
            return tok.text == "=" and tok.depth == 0, joins
    return False, False


def _cuts(row: list[Token]) -> list[tuple[int, int]]:
    """The spans of the top-level `=` signs that separate steps.

    Not `<=`, `>=`, `!=` or `\\not=`; `:=` and `=:` are cut as `=` (colon included);
    `==` is one cut, so it never makes an empty step.
    """
    cuts: list[tuple[int, int]] = []
    for index, tok in enumerate(row):
        if tok.text != "=" or tok.depth != 0:
            continue
        before = row[index - 1] if index else None
        if before and before.end == tok.start and before.text in _NOT_EQUALS:
            continue
        if before and before.text == r"\not":
            continue
        start, end = tok.start, tok.end
        if before and before.end == tok.start and before.text == ":":
            start = before.start
        after = row[index + 1] if index + 1 < len(row) else None
        if after and after.start == end and after.text == ":":
            end = after.end
        if cuts and cuts[-1][1] == start:
            cuts[-1] = (cuts[-1][0], end)
        else:
            cuts.append((start, end))
    return cuts
