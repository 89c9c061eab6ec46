"""Commands that read files, run programs or define macros: blanked, never followed.

A write-up is untrusted. derivcheck never reads another file, runs anything or expands
a macro, so these commands (and their arguments) are blanked before anything else reads
the text, each with a note saying so: a formula can then never smuggle one through, and
a person sees why their `\\newcommand` had no effect.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from checker.language.documents.text import Locator, blank_spans, brace_pairs, escaped, excerpt

# The arguments each command takes, one letter each (see `_ARGUMENT`).
_GRAMMAR = {
    "input": "F", "include": "B", "includeonly": "B", "InputIfFileExists": "BBB",
    "openin": "DEF", "openout": "DEF", "read": "L",
    "write": "DB", "immediate": "", "ShellEscape": "B",
    "def": "NPB", "gdef": "NPB", "edef": "NPB", "xdef": "NPB", "let": "NET", "futurelet": "NTT",
    "newcommand": "*NOOB", "renewcommand": "*NOOB", "providecommand": "*NOOB",
    "DeclareMathOperator": "*NB", "newenvironment": "*BOOBB", "renewenvironment": "*BOOBB",
    "catcode": "L", "csname": "L", "expandafter": "",
    "usepackage": "OBO", "RequirePackage": "OBO", "documentclass": "OBO",
}
_VERDICT = {
    "input": "is not followed", "include": "is not followed", "includeonly": "is not followed",
    "InputIfFileExists": "is not followed", "openin": "is not followed", "read": "is not followed",
    "write": "is not run", "immediate": "is not run", "ShellEscape": "is not run",
    "openout": "is not run",
    "usepackage": "is ignored", "RequirePackage": "is ignored", "documentclass": "is ignored",
}
_COMMAND = re.compile(r"\\(" + "|".join(sorted(_GRAMMAR, key=len, reverse=True)) + r")(?![A-Za-z@])")
_GAP = re.compile(r"[ \t]*\n?[ \t]*")
_OPTIONAL = re.compile(r"\[[^\]\n]{0,500}\]")
_NAME = re.compile(r"\\(?:[A-Za-z@]+|.)", re.S)
_PARAMETERS = re.compile(r"[^{}\n]{0,200}(?=\{)")
_DIGITS = re.compile(r"\d+")
_EQUALS = re.compile(r"=")
_FILE = re.compile(r"[^\s{}%\\]+")
_TOKEN = re.compile(r"\\(?:[A-Za-z@]+|.)|\S", re.S)
_REST = re.compile(r"[^\n]*")
MAX_NOTES = 100


def guard(text: str, locator: Locator, notes: list[str]) -> str:
    """`text` with every dangerous command and its arguments blanked; a note for each."""
    pairs = brace_pairs(text)
    spans: list[tuple[int, int]] = []
    last = 0
    for m in _COMMAND.finditer(text):
        if m.start() < last or escaped(text, m.start()):
            continue
        end = _arguments(text, m.end(), _GRAMMAR[m.group(1)], pairs)
        spans.append((m.start(), end))
        last = end
        verdict = _VERDICT.get(m.group(1), "is not expanded: derivcheck defines no macros")
        if verdict != "is ignored":  # a preamble's \usepackage changes nothing worth a note
            shown = excerpt(text[m.start():end], 0, 60)
            add_note(notes, f"{locator.place(m.start()).prefix()}{shown} {verdict}")
    return blank_spans(text, spans) if spans else text


def add_note(notes: list[str], note: str) -> None:
    """Append a note, up to MAX_NOTES; past it one closing note says more were left out."""
    if len(notes) < MAX_NOTES:
        notes.append(note)
    elif len(notes) == MAX_NOTES:
        notes.append("further notes are left out")


def _arguments(text: str, start: int, grammar: str, pairs: dict[int, int]) -> int:
    """Where the arguments described by `grammar` end; a missing argument ends them early."""
    at = start
    for letter in grammar:
        gap = _GAP.match(text, at)
        after = gap.end() if gap else at
        found = _ARGUMENT[letter](text, after, pairs)
        if found is None:
            if letter in "BNF":
                return at
            continue
        at = found
    return at


def _brace(text: str, at: int, pairs: dict[int, int]) -> int | None:
    """The end of a balanced `{...}` group starting at `at`."""
    close = pairs.get(at)
    return None if close is None else close + 1


def _regex(pattern: re.Pattern[str]) -> Callable[[str, int, dict[int, int]], int | None]:
    """An argument that is whatever `pattern` matches at the position."""
    def read(text: str, at: int, pairs: dict[int, int]) -> int | None:
        """Where the match ends, or None for no (or an empty) match."""
        m = pattern.match(text, at)
        return m.end() if m and m.end() > at else None
    return read


def _star(text: str, at: int, pairs: dict[int, int]) -> int | None:
    """An optional `*`."""
    return at + 1 if text.startswith("*", at) else None


def _name(text: str, at: int, pairs: dict[int, int]) -> int | None:
    """A control sequence, bare (`\\R`) or braced (`{\\R}`)."""
    return _brace(text, at, pairs) if text.startswith("{", at) else _regex(_NAME)(text, at, pairs)


def _file(text: str, at: int, pairs: dict[int, int]) -> int | None:
    """A file name: braced, or TeX's bare `\\input name`."""
    return _brace(text, at, pairs) if text.startswith("{", at) else _regex(_FILE)(text, at, pairs)


_ARGUMENT: dict[str, Callable[[str, int, dict[int, int]], int | None]] = {
    "*": _star, "O": _regex(_OPTIONAL), "B": _brace, "N": _name, "P": _regex(_PARAMETERS),
    "D": _regex(_DIGITS), "E": _regex(_EQUALS), "F": _file, "T": _regex(_TOKEN), "L": _regex(_REST),
}
