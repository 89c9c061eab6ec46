"""A LaTeX write-up (`.tex`) to events: markers, headings, lists, formulas, bold, prose.

Comments are blanked (after `% derivcheck: 1.4` markers are read), then the commands
that read files or define macros (see `guard`). The scanner then walks the text once.
It never expands anything: an unknown command in prose is dropped, one in a formula is
passed on for the lead's parser to name.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Generator, Iterator

from checker.language.documents.events import (
    BOLD_LEVEL,
    BREAK,
    HEADING,
    MARKER,
    Bold,
    Event,
    Heading,
    Item,
    ListClose,
    ListOpen,
    Start,
    label_of,
)
from checker.language.documents.guard import add_note, guard
from checker.language.documents.model import DocumentError
from checker.language.documents.scanning import NEWLINES, Scanner
from checker.language.documents.steps import DISPLAY_ENVIRONMENTS, INLINE_ENVIRONMENTS
from checker.language.documents.text import Locator, blank_spans, escaped, excerpt, find_unescaped

_MARKER = re.compile(r"^[ \t]*%+[ \t]*derivcheck:[ \t]*(\S[^\n]*)", re.M)
_TOKEN = re.compile(r"\\(?:[A-Za-z]+\*?|.)|\$\$?|" + NEWLINES, re.S)
_LEVELS = {"part": -1, "chapter": 0, "section": 1, "subsection": 2, "subsubsection": 3,
           "paragraph": 4, "subparagraph": 5}
_TITLES = {"paragraph", "subparagraph"}  # paragraph titles: they start blocks, never end them
_LEAD = re.compile(r"[ \t]*(?:\\(?:noindent|par|medskip|bigskip|smallskip)(?![A-Za-z])[ \t]*)*")
_ENV_NAME = re.compile(r"\s*\{([A-Za-z*]{1,30})\}")
_OPTIONAL = re.compile(r"\s*\[[^\]\n]{0,200}\]")
_GROUP = re.compile(r"\s*\{")
_SKIPPED_ARGUMENT = {"label", "ref", "eqref", "cite", "vspace", "hspace", "vspace*", "hspace*",
                     "pageref", "url", "includegraphics"}
_VERBATIM = {"verbatim", "verbatim*", "Verbatim", "lstlisting", "minted", "comment"}
_ITEM_NUMBER = re.compile(r"\[\s*\(?(\d{1,4})[.)]?\s*\]")  # \item[3.], \item[(3)]
_LISTS = {"enumerate": True, "itemize": False, "description": False}
# A scanner step: yields (offset, order, event), returns where scanning goes on.
_Step = Generator[tuple[int, int, Event], None, int]
_SYMBOLS = {"\\\\": " ", "\\ ": " ", "\\%": "%", "\\&": "&", "\\_": "_", "\\#": "#", "\\$": "\\$",
            "\\{": "{", "\\}": "}", "\\,": " ", "\\;": " "}


def scan_latex(text: str, locator: Locator, notes: list[str]) -> Iterator[Event]:
    """The events of a LaTeX write-up, markers merged in by position."""
    markers, text = _markers_and_comments(text, locator, notes)
    text = guard(text, locator, notes)
    scanner = _Latex(text, locator, notes)
    return (event for _, _, event in heapq.merge(markers, scanner.run(), key=lambda m: (m[0], m[1])))


def _markers_and_comments(text: str, locator: Locator,
                          notes: list[str]) -> tuple[list[tuple[int, int, Event]], str]:
    """The `% derivcheck: LABEL` markers (offset, order, Start), and the text with every
    comment (`%` to the end of the line, not `\\%`) blanked."""
    markers: list[tuple[int, int, Event]] = []
    for m in _MARKER.finditer(text):
        label = label_of(m.group(1).rstrip())
        if label is None:
            add_note(notes, f"{locator.place(m.start()).prefix()}marker `{excerpt(m.group(1), 0)}` "
                     "names no question label (digits and dots); ignored")
        else:
            markers.append((m.start(), 0, Start(label, MARKER, locator.place(m.start()), BOLD_LEVEL)))
    spans: list[tuple[int, int]] = []
    done = 0
    for m in re.finditer("%", text):
        if m.start() < done or escaped(text, m.start()):
            continue
        done = text.find("\n", m.start())
        done = len(text) if done < 0 else done
        spans.append((m.start(), done))
    return markers, blank_spans(text, spans)


class _Latex(Scanner):
    """One walk over a comment-blanked LaTeX text."""

    def run(self) -> Iterator[tuple[int, int, Event]]:
        """(offset, 1, event) for each event, in order (1 sorts markers first at one offset)."""
        at = 0
        text = self.text
        while at < len(text):
            m = _TOKEN.search(text, at)
            stop = m.start() if m else len(text)
            for event in self.prose(at, stop, _plain(text[at:stop])):
                yield at, 1, event
            if m is None:
                return
            at = yield from self._token(m)

    def _token(self, m: re.Match[str]) -> _Step:
        """The events of one token; returns where scanning goes on."""
        token, start, end = m.group(), m.start(), m.end()
        if token.startswith("\n"):
            for event in self.newline(token):
                yield start, 1, event
            return end
        if token in ("$$", "\\[", "$", "\\("):
            math, after = self._math(token, end)
            yield start, 1, math
            return after
        if len(token) == 2 and not token[1].isalpha():
            for event in self.prose(start, end, _SYMBOLS.get(token, token[1])):
                yield start, 1, event
            return end
        name = token[1:]
        if name in ("begin", "end"):
            return (yield from self._environment(name, start, end))
        if name.rstrip("*") in _LEVELS:
            return (yield from self._heading(name.rstrip("*"), start, end))
        if name == "textbf":
            return (yield from self._bold(start, end))
        if name == "item":
            optional = _OPTIONAL.match(self.text, end)
            label = _ITEM_NUMBER.fullmatch(optional.group(0)) if optional else None
            yield start, 1, Item(self.place(start), number=int(label.group(1)) if label else None)
            return optional.end() if optional else end
        return self._command(token, start, end)

    def _math(self, opener: str, start: int) -> tuple[Event, int]:
        """A formula opened by `$$`, `\\[`, `$` or `\\(`."""
        if opener != "$":
            closer = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}[opener]
            return self.closed_math(opener, closer, start, opener in ("$$", "\\["))
        close = find_unescaped(self.text, "$", start, self.paragraph_end(start))
        if close < 0:
            raise DocumentError(f"{self.place(start - 1).prefix()}`$` is not closed before the "
                                "paragraph ends", self.place(start - 1), excerpt(self.text, start - 1),
                                hint="close the inline formula with `$`, or write `\\$` for a dollar sign")
        return self.closed_math("$", "$", start, False)

    def _environment(self, which: str, start: int, end: int) -> _Step:
        """`\\begin{..}` or `\\end{..}`: a display, a list, verbatim, or the document's end."""
        m = _ENV_NAME.match(self.text, end)
        if m is None:
            return end
        env, after = m.group(1), m.end()
        if which == "end":
            if env in _LISTS:
                yield start, 1, ListClose(self.place(start))
            elif env == "document":
                if self.text[after:].strip():
                    add_note(self.notes,
                             f"{self.place(start).prefix()}text after \\end{{document}} is ignored")
                return len(self.text)
            return after
        if env in DISPLAY_ENVIRONMENTS or env in INLINE_ENVIRONMENTS:
            math, past = self.closed_math(f"\\begin{{{env}}}", f"\\end{{{env}}}", after,
                                          env in DISPLAY_ENVIRONMENTS, env)
            yield start, 1, math
            return past
        if env in _LISTS:
            yield start, 1, ListOpen(_LISTS[env], self.place(start))
            options = _OPTIONAL.match(self.text, after)  # `\begin{enumerate}[(a)]`
            return options.end() if options else after
        if env in _VERBATIM:
            return self._verbatim(env, start, after)
        return after

    def _verbatim(self, env: str, start: int, after: int) -> int:
        """Code listings are not math: skip to their end (or, if unclosed, the text's end)."""
        close = self.text.find(f"\\end{{{env}}}", after)
        if close < 0:
            add_note(self.notes, f"{self.place(start).prefix()}\\begin{{{env}}} is never closed; "
                     "the rest is read as code")
            return len(self.text)
        return close + len(env) + 6

    def _group(self, end: int) -> tuple[int, int] | None:
        """The `{...}` after a command (an optional `[..]` and spaces skipped), as (open, close)."""
        optional = _OPTIONAL.match(self.text, end)
        m = _GROUP.match(self.text, optional.end() if optional else end)
        if m is None or m.end() - 1 not in self.pairs:
            return None
        return m.end() - 1, self.pairs[m.end() - 1]

    def _heading(self, name: str, start: int, end: int) -> _Step:
        """`\\section{..}` and kin: a block start if it reads as a label, else a heading
        (a `\\paragraph` title that names no label is only prose)."""
        group = self._group(end)
        if group is None:
            return end
        title = self.text[group[0] + 1:group[1]]
        label = label_of(title)
        if label is not None:
            yield start, 1, Start(label, HEADING, self.place(start), _LEVELS[name])
        elif name in _TITLES:
            yield start, 1, BREAK
            for event in self.prose(group[0] + 1, group[1], _plain(title)):
                yield start, 1, event
        else:
            yield start, 1, Heading(_LEVELS[name], self.place(start))
        return group[1] + 1

    def _bold(self, start: int, end: int) -> _Step:
        """`\\textbf{..}`: a bold lead at a line's start may start a block; otherwise bold text,
        whose content is then read on as prose and math."""
        group = self._group(end)
        if group is None:
            return end
        title = self.text[group[0] + 1:group[1]]
        line_start = self.locator.starts[self.place(start).line - 1]
        if _LEAD.fullmatch(self.text, line_start, start):
            label = label_of(title)
            if label is not None:
                yield start, 1, Start(label, HEADING, self.place(start), BOLD_LEVEL)
                return group[1] + 1
        yield start, 1, Bold(title, self.place(group[0] + 1))
        return group[0] + 1

    def _command(self, token: str, start: int, end: int) -> int:
        """Any other command in prose: dropped (a few with their argument); `\\verb` skipped."""
        name = token[1:]
        if name in _SKIPPED_ARGUMENT:
            group = self._group(end)
            return group[1] + 1 if group else end
        if name in ("verb", "verb*") and end < len(self.text):
            close = self.text.find(self.text[end], end + 1, self.paragraph_end(end))
            return close + 1 if close > 0 else end
        return end


def _plain(text: str) -> str:
    """Prose as a person reads it: braces dropped, `~` a space, `\\%` a per cent sign."""
    return text.replace("~", " ").replace("{", "").replace("}", "")
