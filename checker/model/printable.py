"""Untrusted text made safe to print: names, IDs and answers come from students.

One policy per output format, applied by the renderers at the output edge to every
field that is written (IDs, titles, methods, answers, reasons, steps, counterexamples,
person names, file names) — checker text included, since a method or a reason can
quote an answer:

- text and the class table (terminal): `printable` — one line; control and format
  characters (newlines, ESC, bidi overrides, lone surrogates, ...) shown as Python
  escapes (`\\n`, `\\x1b`, `\\u202e`, `\\udcff`); rich markup is never parsed because
  renderers hand rich `Text` objects, never markup strings (`terminal_text` says so).
- JUnit XML: `junit_text` — the same single line (a details block is one field per
  line, so no field can forge a `status:` line), and every character XML 1.0 can hold.
- CSV: `csv_cell` — the same single line, and a cell a spreadsheet would read as a
  formula gets a leading quote.
- JSON: `json_text` — the document with every string as it is (JSON escapes what must be
  escaped), and lone surrogates written as JSON escapes, so the text encodes as UTF-8.

Every helper returns text that encodes as UTF-8 (lone surrogates are escaped) and
survives a JSON round trip unchanged.
"""

from __future__ import annotations

import json
import re

# Characters XML 1.0 cannot hold at all (JUnit reports must stay parseable).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Lone surrogates: what `surrogateescape` makes of bytes that are not UTF-8 (a command-line
# argument, a file name). UTF-8 cannot encode them.
_SURROGATE = re.compile("[\ud800-\udfff]")
# What a spreadsheet reads as the start of a formula (OWASP's list), after leading spaces.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _escape(ch: str) -> str:
    return ch.encode("unicode_escape", "backslashreplace").decode("ascii")


def printable(text: str) -> str:
    """Control characters escaped, so text cannot forge report lines or drive a terminal.

    Everything `str.isprintable` rejects is shown as its escape: line breaks of every
    kind (`\\n`, `\\r`, `\\x85`, `\\u2028`), tabs, ESC, bidi controls, zero-width format
    characters, private-use and unassigned code points, and lone surrogates (what
    `surrogateescape` makes of bytes that are not UTF-8)."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)


def xml_safe(text: str) -> str:
    """Only what XML 1.0 cannot hold escaped (line breaks kept): a last guard for text
    that is already single-line; fields go through `junit_text`."""
    return _XML_INVALID.sub(lambda m: _escape(m.group()), text)


def junit_text(text: str) -> str:
    """A field of a JUnit report (attribute or a line of a details block): one line, valid XML."""
    return xml_safe(printable(text))


def terminal_text(text: str) -> str:
    """A field of the text report or the class table: one line, no terminal controls.

    The caller wraps it in a rich `Text` (never a markup string), so `[bold]` stays text."""
    return printable(text)


def csv_safe(text: str) -> str:
    """A leading quote keeps spreadsheets from reading a cell as a formula."""
    return "'" + text if text.lstrip(" ").startswith(_FORMULA_START) else text


def csv_cell(text: str) -> str:
    """A CSV cell: one line, no controls, never read as a formula."""
    return csv_safe(printable(text))


def json_text(document: object) -> str:
    """A JSON report's text: `json.dumps` (indented, non-ASCII kept as it is), with every
    lone surrogate written as its JSON escape (`\\udcff`). The text then encodes as UTF-8
    (a UTF-8 stdout would otherwise raise UnicodeEncodeError), and `json.loads` reads the
    same strings back. Surrogateescape only makes \\udc80-\\udcff, which never pair."""
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
