"""The parser's state and the token access every layer of the grammar uses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from checker.language.latex.tokens import Piece, Span, Token
from checker.language.latex.vocabulary import GREEK, RELATIONS, TEXT_COMMANDS, TRANSPOSE_MARKS
from checker.language.textparse import InputCaps
from checker.model.errors import AnswerError
from checker.model.namespace import Namespace


@dataclass(frozen=True)
class Script:
    """A subscript or superscript: its tokens and their text without spaces."""

    span: Span
    text: str
    column: int
    written: str  # as in the answer, braces included: the excerpt of an error about it


class Cursor:
    """The tokens, where parsing is, and what the grammar tracks on the way; with the token
    access, span and script reading that every layer of the parser uses."""

    def __init__(
        self, source: str, tokens: list[Token], matches: dict[int, int], namespace: Namespace,
        caps: InputCaps,
    ) -> None:
        self.source = source
        self.tokens = tokens
        self.matches = matches
        self.namespace = namespace
        self.caps = caps
        self.pos = 0
        self.stop = len(tokens)  # the current span ends here
        self.depth = 0
        self.bound: list[str] = []  # summation indices in scope, innermost last
        self.dangling: set[str] = set()  # indices of sums closed earlier in this expression
        self.term_sums: list[list[str]] = []
        self.in_index = 0  # > 0 while parsing a subscript
        self.bare_bars = False  # inside |...|

    # -- token access ------------------------------------------------------------
    def peek(self, ahead: int = 0) -> Token:
        index = self.pos + ahead
        if index < self.stop:
            return self.tokens[index]
        end = self.tokens[self.stop - 1].stop if 0 < self.stop <= len(self.tokens) else 0
        return Token("end", "", end, end)

    def take(self) -> Token:
        token = self.peek()
        if token.kind == "end":
            raise AnswerError(f"the answer ends too early at column {token.column}",
                              column=token.column)
        self.pos += 1
        return token

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token.kind != "end" and token.text in texts

    def expect(self, text: str, context: str) -> Token:
        token = self.peek()
        if token.text != text or token.kind == "end":
            raise AnswerError(f"{context}: expected `{text}` at column {token.column}, "
                              f"found {describe(token)}", column=token.column,
                              excerpt=token.text or None)
        return self.take()

    def excerpt(self, first: int, last: int) -> str:
        """The source text of tokens first..last-1, for messages."""
        if first >= last:
            return ""
        return self.source[self.tokens[first].start: self.tokens[last - 1].stop]

    @contextmanager
    def span(self, span: Span) -> Iterator[None]:
        """Parse only the tokens of `span`, then come back to where we were."""
        saved = (self.pos, self.stop)
        self.pos, self.stop = span.start, span.stop
        try:
            yield
        finally:
            self.pos, self.stop = saved

    def parse_span(self, span: Span, parse: Callable[[], Piece], what: str) -> Piece:
        with self.span(span):
            if self.peek().kind == "end":
                raise AnswerError(f"empty {what} at column {self.peek().column}",
                                  column=self.peek().column)
            piece = parse()
            self.finish(what)
        return piece

    def finish(self, what: str) -> None:
        token = self.peek()
        if token.kind != "end":
            raise AnswerError(f"unexpected {describe(token)} in the {what}{hint(token)}",
                              column=token.column, excerpt=token.text)

    # -- scripts and argument lists ----------------------------------------------
    def read_script(self, index: int) -> Script:
        """The argument of `_` or `^` starting at token `index`: a `{...}` group, or one
        letter, one digit or one command (as in TeX)."""
        if index >= self.stop:
            mark = self.tokens[index - 1]
            raise AnswerError(f"`{mark.text}` at column {mark.column} has nothing after it",
                              column=mark.column, excerpt=mark.text)
        token = self.tokens[index]
        if token.text == "{" and token.kind == "char":
            last = self.matches[index]
            span = Span(index + 1, last)
        elif _single_script_token(token):
            last = index
            span = Span(index, index + 1)
        else:
            raise AnswerError(
                f"script `{token.text}` at column {token.column}: put it in braces, "
                "e.g. x^{23} or x_{i+1}", column=token.column, excerpt=token.text,
            )
        text = "".join(t.text for t in self.tokens[span.start: span.stop])
        return Script(span, text, token.column, self.source[token.start: self.tokens[last].stop])

    def skip_script(self, script: Script) -> None:
        braced = script.span.start > 0 and self.tokens[script.span.start - 1].text == "{" \
            and self.matches.get(script.span.start - 1) == script.span.stop
        self.pos = script.span.stop + (1 if braced else 0)

    def split_commas(self, span: Span) -> list[Span]:
        parts, first, index = [], span.start, span.start
        while index < span.stop:
            token = self.tokens[index]
            if index in self.matches:
                index = self.matches[index]
            elif token.text == "," and token.kind == "char":
                parts.append(Span(first, index))
                first = index + 1
            index += 1
        parts.append(Span(first, span.stop))
        return parts


def _single_script_token(token: Token) -> bool:
    """What TeX takes as a script without braces: one letter, digit or symbol command."""
    if token.kind == "command":
        return token.text.lstrip("\\") in GREEK or token.text in TRANSPOSE_MARKS
    return token.kind == "letter" or (token.kind == "number" and len(token.text) == 1)


def describe(token: Token) -> str:
    return "the end of the answer" if token.kind == "end" else f"`{token.text}`"


def hint(token: Token) -> str:
    if token.text in RELATIONS or token.text in ("<", ">"):
        return r": comparisons belong in the conditions of \begin{cases}"
    if token.text in ("&", r"\\"):
        return r": `&` and `\\` belong in \begin{cases}"
    if token.text == ",":
        return ": a comma only separates function arguments, indices or list items"
    if token.text in (")", "]", "}", r"\right"):
        return ": it closes nothing here"
    if token.text in TEXT_COMMANDS:
        return r": \text is only for `if`, `otherwise`, `and`, `or` in \begin{cases}"
    return ""
