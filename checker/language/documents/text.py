"""Bytes to text, offsets to places, and the small scanning helpers every reader shares.

Readers never delete text: what they ignore they *blank* (replace by spaces, newlines
kept), so an offset into the blanked text is still an offset into the text as written
and every place reported is exact.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from checker.language.documents.model import DocumentCaps, DocumentError, Place

_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")
_SPACES = re.compile(r"\s+")


def decode(name: str, data: bytes, caps: DocumentCaps) -> str:
    """UTF-8 text (a BOM dropped, line ends as `\\n`), or a DocumentError naming the first bad line.

    The byte cap is checked first so nothing larger is ever decoded.
    """
    if len(data) > caps.max_bytes:
        raise DocumentError(f"`{name}` is {len(data):,} bytes, over the limit of {caps.max_bytes:,} "
                            "(max_bytes)", hint="split the write-up or raise max_bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = normalise(data[:exc.start].decode("utf-8", "replace")).count("\n") + 1
        bad = data[exc.start:exc.start + 1].hex()
        place = Place(line)
        raise DocumentError(f"`{name}` is not UTF-8 text: line {line} has the byte 0x{bad}", place,
                            hint="save the write-up as UTF-8") from None
    text = normalise(text)
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise DocumentError(f"`{name}` is not a text file: line {line} has a NUL byte", Place(line))
    return text


def normalise(text: str) -> str:
    """`\\r\\n` and a lone `\\r` become `\\n`, so every reader counts lines the same way."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class Locator:
    """Offsets in one text (a file, or one notebook cell's source) to 1-based places."""

    def __init__(self, text: str, cell: int | None = None) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.cell = cell

    def place(self, offset: int) -> Place:
        """The place of the character at `offset`."""
        return Place(bisect_right(self.starts, offset), self.cell)


def blank_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """`text` with each `[start, end)` span replaced by spaces, newlines kept (so offsets stay
    valid), in one pass however many spans there are."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


def escaped(text: str, index: int) -> bool:
    """Whether `text[index]` is escaped: an odd run of backslashes stands right before it."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def find_unescaped(text: str, token: str, start: int, end: int | None = None) -> int:
    """The first `token` at or after `start` whose first character is not escaped, or -1."""
    stop = len(text) if end is None else end
    at = text.find(token, start, stop)
    while at >= 0 and escaped(text, at):
        at = text.find(token, at + 1, stop)
    return at


def brace_pairs(text: str) -> dict[int, int]:
    """Each unescaped `{` with its matching `}`, in one linear pass.

    Readers look groups up here instead of scanning forward from each `{`: many unclosed
    groups would otherwise cost quadratic time on hostile input.
    """
    pairs: dict[int, int] = {}
    stack: list[int] = []
    for m in re.finditer(r"\\.|[{}]", text, re.S):
        token = m.group()
        if token == "{":
            stack.append(m.start())
        elif token == "}" and stack:
            pairs[stack.pop()] = m.start()
    return pairs


def paragraph_ends(text: str) -> list[int]:
    """Offsets of the blank lines, sorted: math and bold never run across one."""
    return [m.start() for m in _BLANK_LINE.finditer(text)] + [len(text)]


def next_paragraph_end(ends: list[int], offset: int) -> int:
    """The first paragraph end at or after `offset`."""
    index = bisect_left(ends, offset)
    return ends[index] if index < len(ends) else ends[-1]


def collapse(text: str) -> str:
    """Runs of white space (newlines too) as one space, ends stripped: how latex is handed on."""
    return _SPACES.sub(" ", text).strip()


def first_content(text: str, start: int, end: int) -> int:
    """The offset of the first non-space character in `[start, end)`, or `start` if there is none."""
    m = re.compile(r"\S").search(text, start, end)
    return m.start() if m else start


def excerpt(text: str, start: int, width: int = 40) -> str:
    """A short one-line piece of `text` from `start`, for an error or a note."""
    piece = collapse(text[start:start + width * 2])
    return piece if len(piece) <= width else piece[:width - 1] + "…"
