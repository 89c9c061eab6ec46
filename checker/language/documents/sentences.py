"""Prose pieces to sentences, each with the place where it starts.

A sentence ends at `.`, `!` or `?` followed by white space, unless the next word starts
with a lower-case letter (`e.g. the`): prose in a write-up is short and this is enough
to quote a sentence back. Inline math is kept as `$...$` and is never split inside.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from checker.language.documents.model import Place, Sentence
from checker.language.documents.text import Locator, collapse

_END = re.compile(r"[.!?]+(?=\s|$)")
_NEXT = re.compile(r"\s*(\S)")


class Sentences:
    """The prose of one block so far, split into sentences as paragraphs end."""

    def __init__(self) -> None:
        self.pieces: list[tuple[str, int, Locator | None, bool]] = []
        self.done: list[Sentence] = []

    def add(self, text: str, start: int, locator: Locator | None, math: bool = False) -> None:
        """A piece of prose, or (math=True) an inline formula already written as `$...$`,
        found at offset `start` of the text `locator` maps (None for white space)."""
        self.pieces.append((text, start, locator, math))

    def flush(self) -> None:
        """A paragraph, display, item or heading ends: no sentence runs past it."""
        if not self.pieces:
            return
        length = 0
        starts: list[int] = []
        places: list[tuple[int, Locator | None]] = []
        formulas: list[tuple[int, int]] = []
        for piece, start, locator, math in self.pieces:
            starts.append(length)
            places.append((start, locator))
            if math:
                formulas.append((length, length + len(piece)))
            length += len(piece)
        text = "".join(piece[0] for piece in self.pieces)
        self.pieces = []
        begin = 0
        for cut in _cuts(text, formulas) + [len(text)]:
            self._sentence(text, begin, cut, starts, places)
            begin = cut

    def _sentence(self, text: str, begin: int, end: int, starts: list[int],
                  places: list[tuple[int, Locator | None]]) -> None:
        """One sentence from `text[begin:end]`, placed where its first word is."""
        sentence = collapse(text[begin:end])
        if not sentence:
            return
        first = begin + len(text[begin:end]) - len(text[begin:end].lstrip())
        start, locator = places[bisect_right(starts, first) - 1]
        self.done.append(Sentence(sentence, locator.place(start) if locator else Place(1)))


def _cuts(text: str, formulas: list[tuple[int, int]]) -> list[int]:
    """Where sentences end: after sentence punctuation outside formulas, before a word
    that does not start with a lower-case letter."""
    cuts: list[int] = []
    formula_starts = [a for a, _ in formulas]
    for m in _END.finditer(text):
        inside = bisect_right(formula_starts, m.start()) - 1
        if inside >= 0 and m.start() < formulas[inside][1]:
            continue
        following = _NEXT.match(text, m.end())
        if following and following.group(1).islower():
            continue
        cuts.append(m.end())
    return cuts
