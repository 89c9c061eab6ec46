"""A Markdown write-up (`.md`, or one notebook cell) to events.

Line starts are read first (ATX headings, bold leads, ordered-list items, bullets and
quote marks); then the line's inline content: `$$..$$`, `\\[..\\]` and display
environments (an unclosed one is an error), `$..$` (pandoc's rule: no space inside the
dollars, no digit right after the closing one, else it is a dollar sign), `\\(..\\)`, and
`**bold**` / `__bold__`. Code and comments were blanked before (see markdown_prep).
"""

from __future__ import annotations

import heapq
import re
from bisect import bisect_right
from collections.abc import Generator, Iterator

from checker.language.documents.events import (
    BOLD_LEVEL,
    HEADING,
    Bold,
    Event,
    Heading,
    Item,
    Math,
    Start,
    label_of,
)
from checker.language.documents.guard import guard
from checker.language.documents.markdown_prep import prepare
from checker.language.documents.scanning import NEWLINES, Scanner
from checker.language.documents.steps import DISPLAY_ENVIRONMENTS, INLINE_ENVIRONMENTS
from checker.language.documents.text import Locator, escaped, find_unescaped

_TOKEN = re.compile(r"\$\$|\$|\\\[|\\\(|\\begin\s*\{[A-Za-z*]{1,30}\}|\\.|\*\*|__|" + NEWLINES, re.S)
_QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)+")
_HEADING = re.compile(r" {0,3}(#{1,6})(?=[ \t\n]|$)([^\n]*)")
_CLOSING_HASHES = re.compile(r"(?:^|[ \t])#+$")
_BOLD_LEAD = re.compile(r"[ \t]*(\*\*|__)(?=\S)([^\n]*?)(?<=\S)\1")
_ORDERED = re.compile(r"([ \t]*)(\d{1,9}[.)])(?=[ \t]|$)[ \t]*", re.M)
_BULLET = re.compile(r"[ \t]*[-*+](?=[ \t])[ \t]*")
_ENV = re.compile(r"\\begin\s*\{([A-Za-z*]{1,30})\}")
_Step = Generator[tuple[int, int, Event], None, int]


def scan_markdown(text: str, locator: Locator, notes: list[str]) -> Iterator[Event]:
    """The events of a Markdown text, markers merged in by position."""
    markers, text = prepare(text, locator, notes)
    scanner = _Markdown(guard(text, locator, notes), locator, notes, text)
    return (event for _, _, event in heapq.merge(markers, scanner.run(), key=lambda m: (m[0], m[1])))


def _columns(indent: str) -> int:
    """The width of leading white space, a tab to the next multiple of 4 (as CommonMark)."""
    width = 0
    for char in indent:
        width = width + 4 - width % 4 if char == "\t" else width + 1
    return width


class _Markdown(Scanner):
    """One walk over a code- and comment-blanked Markdown text."""

    def __init__(self, text: str, locator: Locator, notes: list[str], unguarded: str) -> None:
        """`unguarded` is the text before `guard` blanked commands: whether a `$` opens or
        closes a formula is read there, so `$\\input{x} a$` is still one formula."""
        super().__init__(text, locator, notes)
        self.unguarded = unguarded
        self.dollars = [m.start() for m in re.finditer(r"(?<![$\s])\$(?![$\d])", unguarded)
                        if not escaped(unguarded, m.start())]
        self.closers = {marker: [m.start() for m in re.finditer(pattern, text)]
                        for marker, pattern in (("**", r"(?<=\S)\*\*"), ("__", r"(?<=\S)__(?!\w)"))}
        self.used: set[int] = set()

    def run(self) -> Iterator[tuple[int, int, Event]]:
        """(offset, 1, event) for each event, in order."""
        at = yield from self._line_start(0)
        while at < len(self.text):
            m = _TOKEN.search(self.text, at)
            stop = m.start() if m else len(self.text)
            for event in self.prose(at, stop):
                yield at, 1, event
            if m is None:
                return
            at = yield from self._token(m)

    def _line_start(self, at: int) -> _Step:
        """Headings, bold leads and list markers, which only count at the start of a line."""
        quote = _QUOTE.match(self.text, at)
        at = quote.end() if quote else at
        heading = _HEADING.match(self.text, at)
        if heading:
            label = label_of(_CLOSING_HASHES.sub("", heading.group(2).strip()))
            level = len(heading.group(1))
            yield at, 1, (Start(label, HEADING, self.place(at), level) if label
                          else Heading(level, self.place(at)))
            return heading.end()
        lead = _BOLD_LEAD.match(self.text, at)
        label = label_of(lead.group(2)) if lead else None
        if lead and label:
            yield at, 1, Start(label, HEADING, self.place(at), BOLD_LEVEL)
            return lead.end()
        ordered = _ORDERED.match(self.text, at)
        if ordered:
            indent = _columns(ordered.group(1))
            yield at, 1, Item(self.place(at), indent, indent + len(ordered.group(2)) + 1,
                              int(ordered.group(2)[:-1]))
            return ordered.end()
        bullet = _BULLET.match(self.text, at)
        return bullet.end() if bullet else at

    def _token(self, m: re.Match[str]) -> _Step:
        """The events of one token; returns where scanning goes on."""
        token, start, end = m.group(), m.start(), m.end()
        if token.startswith("\n"):
            for event in self.newline(token):
                yield start, 1, event
            return (yield from self._line_start(end))
        if token in ("$$", "\\["):
            math, after = self.closed_math(token, "$$" if token == "$$" else "\\]", end, True)
            yield start, 1, math
            return after
        if token in ("$", "\\("):
            return (yield from self._inline(token, start, end))
        if token in ("**", "__"):
            return (yield from self._bold(token, start, end))
        if token.startswith("\\begin"):
            return (yield from self._environment(m))
        for event in self.prose(start, end, "\\$" if token == "\\$" else token[1]):
            yield start, 1, event
        return end

    def _inline(self, token: str, start: int, end: int) -> _Step:
        """`$..$` or `\\(..\\)` if it closes in its paragraph; otherwise a literal character."""
        limit = self.paragraph_end(start)
        if token == "\\(":
            closed = find_unescaped(self.text, "\\)", end, limit) >= 0
        else:
            index = bisect_right(self.dollars, start)
            closed = (end < len(self.text) and not self.unguarded[end].isspace()
                      and index < len(self.dollars) and self.dollars[index] < limit)
        if not closed:
            for event in self.prose(start, end, token[-1]):
                yield start, 1, event
            return end
        if token == "$":
            close = self.dollars[bisect_right(self.dollars, start)]
            yield start, 1, Math(self.text[end:close], False, "$", end, self.locator)
            return close + 1
        math, after = self.closed_math("\\(", "\\)", end, False)
        yield start, 1, math
        return after

    def _bold(self, token: str, start: int, end: int) -> _Step:
        """`**..**` or `__..__` in its paragraph: bold text, whose content is read on as usual."""
        if start in self.used:
            return end
        closers = self.closers[token]
        index = bisect_right(closers, end)
        close = closers[index] if index < len(closers) else -1
        opens = end < len(self.text) and not self.text[end].isspace()
        if token == "__":
            opens = opens and not (start > 0 and self.text[start - 1].isalnum())
        if opens and 0 <= close < self.paragraph_end(start):
            self.used.add(close)
            yield start, 1, Bold(self.text[end:close], self.place(end))
        return end

    def _environment(self, m: re.Match[str]) -> _Step:
        """`\\begin{align}` and kin are displays here too (MathJax reads them); others are prose."""
        env_match = _ENV.match(m.group())
        env = env_match.group(1) if env_match else ""
        if env not in DISPLAY_ENVIRONMENTS and env not in INLINE_ENVIRONMENTS:
            for event in self.prose(m.start(), m.end()):
                yield m.start(), 1, event
            return m.end()
        math, after = self.closed_math(f"\\begin{{{env}}}", f"\\end{{{env}}}", m.end(),
                                       env in DISPLAY_ENVIRONMENTS, env)
        yield m.start(), 1, math
        return after
