"""Markdown text that is not math, blanked before scanning: code and HTML comments.

Fenced code blocks, code spans and `<!-- ... -->` comments never hold math (a `$` in
code is a dollar sign). `<!-- derivcheck: 1.4 -->` comments are read as markers first.
Indented code blocks are not recognised: in notebooks, math indented under a list item
is far more common than indented code, and a `$$` there must still count.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict

from checker.language.documents.events import BOLD_LEVEL, MARKER, Event, Start, label_of
from checker.language.documents.guard import add_note
from checker.language.documents.text import Locator, blank_spans, excerpt, next_paragraph_end, paragraph_ends

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$", re.M)
_INLINE = re.compile(r"`+|<!--")
_MARKER = re.compile(r"\s*derivcheck:\s*(\S.*)", re.S)


def prepare(text: str, locator: Locator, notes: list[str]) -> tuple[list[tuple[int, int, Event]], str]:
    """The markers (offset, 0, Start) and the text with code and comments blanked."""
    text = blank_spans(text, _fences(text, locator, notes))
    markers: list[tuple[int, int, Event]] = []
    spans: list[tuple[int, int]] = []
    ends = paragraph_ends(text)
    runs = _backtick_runs(text)
    at = 0
    while True:
        m = _INLINE.search(text, at)
        if m is None:
            break
        if m.group() == "<!--":
            end = _comment(text, m.start(), locator, notes, markers)
        else:
            end = _code_span(m, runs, next_paragraph_end(ends, m.start()))
        if end > m.end() or m.group() == "<!--":
            spans.append((m.start(), end))
        at = max(end, m.end())
    return markers, blank_spans(text, spans)


def _fences(text: str, locator: Locator, notes: list[str]) -> list[tuple[int, int]]:
    """The spans of fenced code blocks (an unclosed fence runs to the end, as CommonMark says)."""
    spans: list[tuple[int, int]] = []
    at = 0
    while True:
        m = _FENCE.search(text, at)
        if m is None:
            return spans
        fence = m.group(1)
        if fence[0] == "`" and "`" in m.group(2):
            at = m.end()
            continue
        close = re.compile(r"^ {0,3}" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$", re.M)
        end = close.search(text, m.end())
        if end is None:
            add_note(notes, f"{locator.place(m.start()).prefix()}a code fence is never closed; "
                     "the rest is read as code")
            spans.append((m.start(), len(text)))
            return spans
        spans.append((m.start(), end.end()))
        at = end.end()


def _comment(text: str, start: int, locator: Locator, notes: list[str],
             markers: list[tuple[int, int, Event]]) -> int:
    """Where an HTML comment ends; a `derivcheck:` comment is recorded as a marker."""
    close = text.find("-->", start + 4)
    if close < 0:
        add_note(notes, f"{locator.place(start).prefix()}`<!--` is never closed; the rest is a comment")
        return len(text)
    body = _MARKER.fullmatch(text, start + 4, close)
    if body:
        label = label_of(body.group(1).rstrip())
        if label is None:
            add_note(notes, f"{locator.place(start).prefix()}marker `{excerpt(body.group(1), 0)}` "
                     "names no question label (digits and dots); ignored")
        else:
            markers.append((start, 0, Start(label, MARKER, locator.place(start), BOLD_LEVEL)))
    return close + 3


def _backtick_runs(text: str) -> dict[int, list[int]]:
    """The starts of backtick runs by length, sorted: a code span closes at the next run of
    the same length, found by bisection (never a rescan)."""
    runs: dict[int, list[int]] = defaultdict(list)
    for m in re.finditer("`+", text):
        runs[len(m.group())].append(m.start())
    return runs


def _code_span(m: re.Match[str], runs: dict[int, list[int]], paragraph_end: int) -> int:
    """The end of the code span opened by the run `m` (in its paragraph), or `m.end()` if none."""
    same = runs[len(m.group())]
    index = bisect_right(same, m.start())
    if index < len(same) and same[index] < paragraph_end:
        return same[index] + len(m.group())
    return m.end()
