"""A formula's tokens with their nesting depth, and the layout removed before splitting.

Everything is *blanked*, never deleted, so offsets into the cleaned formula are offsets
into the formula as written and each step keeps its exact line. Depth counts `{}`, `()`,
`[]`, `\\{\\}`, `\\left..\\right` and `\\begin..\\end` together: a `=` or `\\\\` only
structures the formula at depth 0, so `\\frac{a=b}{c}` and `\\begin{cases}` stay whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.language.documents.model import Formula
from checker.language.documents.text import Locator, blank_spans, brace_pairs, collapse, first_content

_TOKEN = re.compile(
    r"(?P<env>\\(?:begin|end)\s*\{[^{}\n]{0,40}\})"
    r"|(?P<delim>\\(?:left|right|[bB]igg?[lr])(?![A-Za-z])\s*(?:\\[A-Za-z]+|\\.|[^\s\\]))"
    r"|\\[A-Za-z]+\*?|\\.|[{}()\[\]=&<>!:]|[^\\{}()\[\]=&<>!:\s]+", re.S)
_OPENING_DELIMITER = re.compile(r"\\(?:left|[bB]igg?l)")
_OPENS = {"{", "(", "[", r"\{"}
_CLOSES = {"}", ")", "]", r"\}"}
_DROPPED = {r"\label", r"\tag", r"\tag*"}
_MARKS = {r"\nonumber", r"\notag"}
_TEXTS = {r"\text", r"\textrm", r"\mbox", r"\intertext"}
_QUADS = {r"\quad", r"\qquad"}
_SPACING = {r"\quad", r"\qquad", r"\,", r"\;", r"\:", r"\!", "\\ ", "~", r"\enspace"}
_WRAPPERS = re.compile(r"\\begin\s*\{(aligned|split|gathered|alignedat)\}(\s*\{\d{1,2}\})?")


@dataclass(frozen=True)
class Token:
    """One token of a formula: `[start, end)`, and the depth it stands at (0 = top level)."""

    start: int
    end: int
    text: str
    depth: int


def tokens(latex: str) -> list[Token]:
    """The formula's tokens, each with its depth; stray closers never make a depth negative."""
    found: list[Token] = []
    depth = 0
    for m in _TOKEN.finditer(latex):
        direction = _direction(m)
        if direction < 0:
            depth = max(depth - 1, 0)
        found.append(Token(m.start(), m.end(), m.group(), depth))
        if direction > 0:
            depth += 1
    return found


def _direction(m: re.Match[str]) -> int:
    """+1 for an opener (`{ ( [ \\{`, `\\left.`, `\\bigl(`, `\\begin{..}`), -1 for a closer, else 0."""
    text = m.group()
    if m.group("env"):
        return 1 if text.startswith(r"\begin") else -1
    if m.group("delim"):
        return 1 if _OPENING_DELIMITER.match(text) else -1
    return 1 if text in _OPENS else -1 if text in _CLOSES else 0


def clean(raw: str, display: bool, start: int, locator: Locator) -> tuple[str, list[Formula]]:
    """The formula with labels, tags, `\\nonumber` and top-level `\\text` blanked, and the
    contents of each `\\boxed{..}` (which is then unwrapped so its steps still split).

    A `\\quad` or `\\qquad` before top-level text starts a remark (`\\quad \\text{since } ...`):
    it is blanked to the end of its row.

    `\\text` inside braces or an environment is kept: inside `cases` the conditions need it,
    and in `L_{\\text{CE}}` the lead's parser should name it rather than see `L_{}`.
    """
    raw = unwrap(raw)
    pairs = brace_pairs(raw)
    toks = tokens(raw)
    spans: list[tuple[int, int]] = []
    boxed: list[Formula] = []
    skip = 0
    for index, tok in enumerate(toks):
        if tok.start < skip:
            continue
        group = _group_after(raw, tok.end, pairs)
        if tok.text in _MARKS:
            spans.append((tok.start, tok.end))
        elif tok.text in _DROPPED and group:
            spans.append((tok.start, group[1] + 1))
        elif tok.text in _TEXTS and tok.depth == 0 and group:
            first = _spacing_before(toks, index)
            end = group[1] + 1
            if any(t.text in _QUADS for t in toks[first:index]):
                end = skip = _row_end(toks, index, len(raw))
            spans.append((toks[first].start, end))
        elif tok.text == r"\boxed" and group:
            open_, close = group
            at = first_content(raw, open_ + 1, close)
            boxed.append(Formula(collapse(raw[open_ + 1:close]), locator.place(start + at), display))
            spans += [(tok.start, open_ + 1), (close, close + 1)]
    return blank_spans(raw, spans), boxed


def _group_after(raw: str, at: int, pairs: dict[int, int]) -> tuple[int, int] | None:
    """The `{...}` group right after a command (spaces between allowed), as (open, close)."""
    m = re.compile(r"\s*\{").match(raw, at)
    if not m or m.end() - 1 not in pairs:
        return None
    return m.end() - 1, pairs[m.end() - 1]


def _spacing_before(toks: list[Token], index: int) -> int:
    """The index of the first spacing token (`\\quad`, `\\,` ...) right before token `index`:
    spacing that only led to removed text goes with it."""
    first = index
    while first > 0 and toks[first - 1].text in _SPACING:
        first -= 1
    return first


def _row_end(toks: list[Token], index: int, end: int) -> int:
    """Where the row holding token `index` ends: its next top-level `\\\\`, or `end`.

    `\\quad \\text{recall } g_i = 0 \\text{ when } i < 1` is a remark to its row's end;
    removing only the text would leave `0 i < 1` behind as a step.
    """
    return next((t.start for t in toks[index + 1:] if t.text == "\\\\" and t.depth == 0), end)


def unwrap(latex: str) -> str:
    """A display that is one `aligned`/`split`/`gathered` environment, read as its rows."""
    for _ in range(4):
        toks = tokens(latex)
        head = _WRAPPERS.match(latex, toks[0].start) if toks else None
        if head is None:
            return latex
        close = next((t for t in toks[1:] if t.depth == 0 and t.text.startswith(r"\end")), None)
        if close is None or close is not toks[-1]:
            return latex
        latex = blank_spans(latex, [(head.start(), head.end()), (close.start, close.end)])
    return latex
