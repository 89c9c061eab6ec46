"""Why an answer is not syntax, said in the answer language's terms.

Python's own messages ("invalid decimal literal", "unexpected character after line
continuation character") describe Python, not the mistake: a factor written beside
another without `*`, a bracket never closed, LaTeX typed into the plain-text language.
This module scans the text itself (it never runs or compiles it) and names the first
such mistake with its column, the text as written, and how to fix it.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass

from checker.language.source import Source
from checker.model.errors import AnswerError

IMPLICIT_PRODUCT = "write `*` between factors, or pass the answer with `--latex`"
LATEX = "this looks like LaTeX: use `--latex`"

_TOKEN = re.compile(r"""
    (?P<number>(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_]\w*)
  | (?P<op>\*\*|//|==|!=|<=|>=|[-+*/%<>=&|~@,;:.])
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<other>\S)
""", re.VERBOSE)
_PAIRS: Mapping[str, str] = {")": "(", "]": "[", "}": "{"}
# Operators that need a term on both sides (`+` and `-` may also be signs).
_BINARY_ONLY = frozenset({"*", "**", "/", "//", "%", "<", ">", "<=", ">=", "==", "!=", "&", "|", "@"})


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def operand(self) -> bool:
        return self.kind == "number" or (self.kind == "name" and not keyword.iskeyword(self.text))


@dataclass(frozen=True)
class _Finding:
    at: int  # index in the normalised text; the earliest finding is reported
    message: str
    start: int
    end: int
    hint: str = ""


def latex_in_plain_text(source: Source) -> AnswerError | None:
    """A backslash command or a braced super/subscript: LaTeX, which the plain-text
    language never contains (a backslash has no meaning in it at all)."""
    found = re.search(r"\\[A-Za-z]+|\\.|\*\*\{|_\{|\$", source.text)
    if found is None:
        return None
    excerpt = source.shown(found.start(), found.end())
    return AnswerError(
        f"`{excerpt}` at column {source.column(found.start())} is LaTeX, not the plain-text "
        "answer language", column=source.column(found.start()), excerpt=excerpt, hint=LATEX,
    )


def diagnose(source: Source, python_offset: int | None) -> AnswerError:
    """The first mistake that makes `source.text` unreadable (Python's offset, an index
    into `source.text`, is the fallback when the scan names nothing)."""
    tokens = [_Token(m.lastgroup or "other", m.group(), m.start(), m.end())
              for m in _TOKEN.finditer(source.text)]
    matches, findings = _brackets(tokens, source)
    findings += _side_by_side(tokens, matches, source)
    findings += _operators(tokens, source)
    findings += _strays(tokens, source)
    if findings:
        first = min(findings, key=lambda f: f.at)
        column = source.column(first.at)
        return AnswerError(f"syntax error at column {column}: {first.message}", column=column,
                           excerpt=source.shown(first.start, first.end), hint=first.hint)
    at = min(python_offset if python_offset is not None else 0, max(len(source.text) - 1, 0))
    column = source.column(at)
    rest = source.shown(at, len(source.text)).strip()
    shown = rest if len(rest) <= 24 else rest[:24] + "..."
    return AnswerError(f"syntax error at column {column}: the answer cannot be read from `{shown}` on",
                       column=column, excerpt=shown)


def _brackets(tokens: list[_Token], source: Source) -> tuple[dict[int, int], list[_Finding]]:
    """Matched brackets (closing token index → opening token index) and the unmatched ones."""
    stack: list[int] = []
    matches: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.kind == "open":
            stack.append(index)
        elif token.kind == "close":
            if not stack:
                return matches, [_Finding(token.start, f"`{token.text}` closes nothing",
                                          token.start, token.end)]
            opener = tokens[stack.pop()]
            if _PAIRS[token.text] != opener.text:
                return matches, [_Finding(
                    token.start, f"`{token.text}` does not close the `{opener.text}` at column "
                    f"{source.column(opener.start)}", token.start, token.end)]
            matches[index] = tokens.index(opener)
    if stack:
        opener = tokens[stack[-1]]
        return matches, [_Finding(len(source.text), f"the `{opener.text}` at column "
                                  f"{source.column(opener.start)} is never closed",
                                  opener.start, opener.end)]
    return matches, []


def _side_by_side(tokens: list[_Token], matches: dict[int, int], source: Source) -> list[_Finding]:
    """Two terms with nothing between them: `(f-y)f`, `2f`, `f y`, `2(f+1)`."""
    openers: list[int] = []  # token indices of the brackets enclosing the current token
    for index in range(1, len(tokens)):
        left, right = tokens[index - 1], tokens[index]
        if left.kind == "open":
            openers.append(index - 1)
        elif left.kind == "close" and openers:
            openers.pop()
        ends_term = left.operand or left.text in (")", "]")
        starts_term = right.operand or right.text == "("
        if not (ends_term and starts_term) or (left.kind == "name" and right.text == "("):
            continue  # a call, `sigmoid(a)`, is syntax (the builder judges the name)
        start = _term_start(tokens, matches, index - 1)
        left_text = source.shown(start, left.end)
        right_text = source.shown(right.start, right.end)
        hint = IMPLICIT_PRODUCT
        if left.kind == right.kind == "number" and _thousands(left.text, right.text):
            hint = f"write {left.text}{right.text}: a number has no thousands separator"
        elif openers and _in_list(tokens, openers[-1]):
            hint = "separate the items of a list with `,`; " + IMPLICIT_PRODUCT
        return [_Finding(right.start, f"`{left_text}` and `{right_text}` stand side by side with "
                         "no operator between them", start, right.end, hint)]
    return []


def _in_list(tokens: list[_Token], opener: int) -> bool:
    """A `[` that opens a list, not an index (`x[i]`)."""
    before = tokens[opener - 1] if opener else None
    return tokens[opener].text == "[" and (before is None or not (before.kind == "name"
                                                                 or before.text in (")", "]")))


def _term_start(tokens: list[_Token], matches: dict[int, int], index: int) -> int:
    """Where the term ending at token `index` starts: `x[1]`, `sigmoid(a)`, `(f - y)`."""
    while tokens[index].text in (")", "]") and index in matches:
        index = matches[index]
        if index > 0 and (tokens[index - 1].kind == "name" or tokens[index - 1].text in (")", "]")):
            index -= 1
        else:
            break
    return tokens[index].start


def _operators(tokens: list[_Token], source: Source) -> list[_Finding]:
    """An operator with no term on one side, and `=` or `;` where one expression belongs."""
    for index, token in enumerate(tokens):
        if token.text == "=":
            return [_Finding(token.start, "`=` makes the answer more than one expression",
                             token.start, token.end,
                             "`=` separates steps only in a chain answer (2.1, 5.3, 5.6); write "
                             "`==` to compare")]
        if token.text == ";":
            return [_Finding(token.start, "`;` makes the answer more than one expression",
                             token.start, token.end,
                             "`;` separates the named parts only in question 3's answer")]
        if token.kind != "op" or token.text in (",", ".", ":"):
            continue
        before = tokens[index - 1] if index else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if after is None:
            return [_Finding(token.start, f"the answer ends after `{token.text}`: a term is "
                             "missing after it", token.start, token.end)]
        if token.text in _BINARY_ONLY and (before is None or before.kind in ("op", "open")
                                           and before.text not in (")", "]")):
            what = "the answer starts with" if before is None else f"`{before.text}` is followed by"
            return [_Finding(token.start, f"{what} `{token.text}`: a term is missing before it",
                             token.start, token.end)]
        if after.kind == "close":
            return [_Finding(token.start, f"`{token.text}` has no term after it before "
                             f"`{after.text}`", token.start, after.end)]
    return []


def _strays(tokens: list[_Token], source: Source) -> list[_Finding]:
    for token in tokens:
        if token.kind == "other":
            hint = ""
            if token.text in "'\"":
                hint = "answers are expressions, not quoted text"
            elif token.text == "!":
                hint = "factorials are not part of the answer language; `!=` compares"
            return [_Finding(token.start, f"`{token.text}` is not part of the answer language",
                             token.start, token.end, hint)]
    return []


def _thousands(first: str, second: str) -> bool:
    """`65 536` or `65,536`: digit groups of a number written with a separator."""
    return first.isdigit() and second.isdigit() and 1 <= len(first) <= 3 and len(second) == 3


def thousands_separated(parts: list[str]) -> bool:
    """`65,536` read as a tuple of digit groups (the first up to three digits, then threes)."""
    return (len(parts) > 1 and all(p.isdigit() for p in parts) and 1 <= len(parts[0]) <= 3
            and all(len(p) == 3 for p in parts[1:]))
