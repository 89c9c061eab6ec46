"""Where the command line's text goes, made safe for any terminal.

Output must never end in a traceback: not on a terminal that cannot encode ✓
(`PYTHONIOENCODING=ascii`, a C locale), and not when the reader leaves early
(`derivcheck verify | head -1`). Streams are wrapped here, once per run, and handed to
the commands; nothing is kept at module level.
"""

from __future__ import annotations

import codecs
import io
import os
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, TextIO, cast

from rich.console import Console

from checker.render.text_report import make_console


def _box(char: str) -> str:
    """A box-drawing character (tables rendered into a string keep them) as ASCII."""
    name = unicodedata.name(char, "")
    if "HORIZONTAL" in name and "VERTICAL" not in name:
        return "=" if "DOUBLE" in name else "-"
    if "VERTICAL" in name and "HORIZONTAL" not in name:
        return "|"
    return "+"


# What the reports print beyond ASCII, written with ASCII where the terminal has no better.
_ASCII: Mapping[int, str] = str.maketrans({
    "✓": "+", "✗": "x", "·": ".", "—": "--", "–": "-", "→": "->", "←": "<-", "≠": "!=",
    "≤": "<=", "≥": ">=", "−": "-", "×": "x", "…": "...", "′": "'", "∗": "*", "≈": "~",
    "\u0303": "~", "∂": "d", "∇": "grad ", "Σ": "Sum", "∈": "in", "ℝ": "R", "σ": "sigma",
    "θ": "theta", "Θ": "Theta", "ω": "w", "ᵀ": "^T", "¹": "1", "²": "2", "⁽": "(", "⁾": ")",
    "₁": "1", "₂": "2", **{chr(code): _box(chr(code)) for code in range(0x2500, 0x2580)},
})


class SafeStream(io.TextIOBase):
    """A text stream that never raises UnicodeEncodeError: on a stream whose encoding is
    not UTF, known symbols become ASCII and anything else a backslash escape."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self._encoding = getattr(stream, "encoding", None) or "utf-8"
        self.unicode = _is_utf(self._encoding)

    @property
    def encoding(self) -> str:  # type: ignore[override]  # rich reads it to choose box characters
        return self._encoding

    def write(self, text: str) -> int:
        if not self.unicode:
            text = text.translate(_ASCII).encode(self._encoding, "backslashreplace").decode(self._encoding)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True


@dataclass(frozen=True)
class Terminal:
    """The run's output: stdout and stderr, wrapped, and the colour choice (`--color`)."""

    out: SafeStream
    err: SafeStream
    color: str = "auto"

    @staticmethod
    def open() -> Terminal:
        for stream in (sys.stdout, sys.stderr):
            # Text that bypasses the wrappers (argparse's help, a traceback with --debug)
            # is escaped rather than fatal on a terminal that cannot encode it.
            if not _is_utf(getattr(stream, "encoding", None) or "utf-8"):
                reconfigure = getattr(stream, "reconfigure", None)
                if reconfigure is not None:
                    reconfigure(errors="backslashreplace")
        return Terminal(SafeStream(sys.stdout), SafeStream(sys.stderr))

    def console(self, stderr: bool = False) -> Console:
        # A SafeStream is a text stream in all but typeshed's nominal IO[str].
        return make_console(cast(IO[str], self.err if stderr else self.out), self.color)

    def say(self, text: str) -> None:
        """A line on stdout."""
        self.out.write(text if text.endswith("\n") else text + "\n")

    def warn(self, text: str) -> None:
        """A line on stderr, prefixed with the program's name as tools do."""
        self.err.write(f"derivcheck: {text}\n")
        self.err.flush()


def reader_left() -> None:
    """The reader closed the pipe: point stdout and stderr at /dev/null so that the flush
    at exit does not fail too (Python's documented remedy for SIGPIPE)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):
            pass


def _is_utf(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name.startswith("utf")
    except LookupError:
        return False
