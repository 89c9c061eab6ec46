"""Untrusted text made safe to print: names, IDs and answers come from students."""

from __future__ import annotations

import re

# Characters XML 1.0 cannot hold at all (JUnit reports must stay parseable).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """Control characters escaped, so text cannot forge report lines or drive a terminal."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape", "backslashreplace")
                   .decode("ascii") for ch in text)


def xml_safe(text: str) -> str:
    return _XML_INVALID.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace")
                            .decode("ascii"), text)


def csv_safe(text: str) -> str:
    """A leading quote keeps spreadsheets from reading a cell as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text
