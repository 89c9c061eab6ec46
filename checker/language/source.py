"""An answer's text, normalised, with the way back to the text as written.

The parser reads the normalised text (NFKC, ASCII only, `^` as `**`), but a person
fixes the text they typed: every column and excerpt an error reports is mapped back
through `origin`, so `e^{-a}` is pointed at where it was written, not where `**` put it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from checker.model.errors import AnswerError

# Accepted as the operators they print as: what a word processor or a PDF pastes.
_SAME_AS: Mapping[str, str] = {"\u2212": "-", "\u00d7": "*", "\u22c5": "*", "\u00b7": "*"}
# Characters people reach for, and what the answer language writes instead.
_INSTEAD: Mapping[str, str] = {
    "σ": "the logistic sigmoid is written `sigmoid(...)`",
    "Σ": "a sum is written `Sum(term, (j, first, last))`",
    "∑": "a sum is written `Sum(term, (j, first, last))`",
    "√": "a square root is written `sqrt(...)`",
    "≤": "write `<=`",
    "≥": "write `>=`",
    "≠": "write `!=`",
    "÷": "write `/`",
    "–": "a minus sign is written `-`",
    "—": "a minus sign is written `-`",
    "∗": "write `*`",
    "∙": "write `*`",
}


@dataclass(frozen=True)
class Source:
    """`text` is what the parser reads; `origin[i]` is the index in `written` that
    produced `text[i]`."""

    written: str
    text: str
    origin: tuple[int, ...]

    def column(self, index: int) -> int:
        """The 1-based column in the written answer of `text[index]` (the end past the last)."""
        if not self.origin:
            return 1
        if index >= len(self.origin):
            return self.origin[-1] + 2
        return self.origin[max(index, 0)] + 1

    def shown(self, start: int, end: int) -> str:
        """The written text behind `text[start:end]`."""
        if not self.origin or end <= start:
            return self.text[start:end]
        first = self.origin[max(start, 0)]
        last = self.origin[min(end, len(self.origin)) - 1]
        return self.written[first:last + 1]


def normalise_source(written: str, max_length: int) -> Source:
    """NFKC first, then validate: fullwidth letters must not slip past the checks."""
    if len(written) > max_length:
        raise AnswerError(f"answer too long: {len(written)} characters (limit {max_length})")
    whole = unicodedata.normalize("NFKC", written)
    if len(whole) > max_length:  # NFKC can lengthen text (e.g. ⑽ becomes (10))
        raise AnswerError(
            f"answer too long after Unicode normalisation: {len(whole)} characters "
            f"(limit {max_length})"
        )
    pieces = [unicodedata.normalize("NFKC", ch) for ch in written]
    if "".join(pieces) == whole:
        origin = [i for i, piece in enumerate(pieces) for _ in piece]
    else:  # a sequence NFKC composes across characters: positions are approximate
        origin = [min(i, len(written) - 1) for i in range(len(whole))]
    chars = [_SAME_AS.get(ch, ch) for ch in whole]
    for index, char in enumerate(chars):
        if not (char.isascii() and (char.isprintable() or char in " \t\n")):
            shown = f"`{char}`" if char.isprintable() else repr(char)
            raise AnswerError(
                f"character {shown} at column {origin[index] + 1} is not part of the answer "
                "language (only ASCII after Unicode normalisation)",
                column=origin[index] + 1, excerpt=char, hint=_instead(char),
            )
    if not whole.strip():
        raise AnswerError("empty answer")
    # `^` is a power, as in the assignment; `**` keeps both characters' origin.
    text: list[str] = []
    mapped: list[int] = []
    for char, where in zip(chars, origin, strict=True):
        replacement = "**" if char == "^" else char
        text.append(replacement)
        mapped += [where] * len(replacement)
    return Source(written, "".join(text), tuple(mapped))


def _instead(char: str) -> str:
    if char in _INSTEAD:
        return _INSTEAD[char]
    if unicodedata.category(char).startswith("L"):
        return "names are ASCII letters and digits, as `derivcheck show ID` lists them"
    return ""
