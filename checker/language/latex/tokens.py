"""Tokens of a LaTeX answer and the pieces they are translated into; the tokenizer and the
bracket matching, both iterative and linear, so that hostile input is refused before any
recursion starts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from checker.language.latex.vocabulary import (
    CHARS,
    CLOSERS,
    FORBIDDEN_CHARS,
    MACRO_COMMANDS,
    OPENERS,
    SPACING,
)
from checker.language.textparse import InputCaps
from checker.model.errors import AnswerError


@dataclass(frozen=True)
class Token:
    kind: str  # "command", "letter", "number", "char" or "end"
    text: str
    start: int  # offset in the normalised source
    stop: int
    spaced: bool = False  # whitespace (or a spacing command) came before it

    @property
    def column(self) -> int:
        return self.start + 1


@dataclass(frozen=True)
class Piece:
    """A translated part: its plain text and how tightly it binds."""

    text: str
    prec: int


@dataclass(frozen=True)
class Span:
    """Token indices [start, stop) of a script, argument or group body."""

    start: int
    stop: int


def wrap(piece: Piece, prec: int) -> str:
    """The piece's text, in parentheses when it binds less tightly than `prec`."""
    return piece.text if piece.prec >= prec else f"({piece.text})"


_COMMAND_NAME = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def tokenize(source: str, caps: InputCaps) -> tuple[list[Token], dict[int, int]]:
    """The tokens of a prepared answer and its bracket pairs (see `_match_brackets`)."""
    tokens: list[Token] = []
    position, spaced = 0, False
    while position < len(source):
        char = source[position]
        if char in " \t\n\r~":
            position, spaced = position + 1, True
            continue
        token = _next_token(source, position, spaced)
        position, spaced = token.stop, False
        if token.kind == "command" and token.text in SPACING:
            spaced = True
            continue
        tokens.append(token)
    return tokens, _match_brackets(tokens, caps)


def _next_token(source: str, position: int, spaced: bool) -> Token:
    char = source[position]
    if char == "\\":
        name = _COMMAND_NAME.match(source, position + 1)
        if name:
            stop = name.end()
        elif position + 1 < len(source):
            stop = position + 2
        else:
            raise AnswerError(f"a lone `\\` at column {position + 1} ends the answer",
                              column=position + 1, excerpt="\\")
        text = source[position:stop]
        if text in MACRO_COMMANDS:
            raise AnswerError(
                f"`{text}` at column {position + 1} is not allowed: a LaTeX answer cannot "
                "define macros, change catcodes or read and write files",
                column=position + 1, excerpt=text,
            )
        return Token("command", text, position, stop, spaced)
    number = _NUMBER.match(source, position)
    if number:
        return Token("number", number.group(), position, number.end(), spaced)
    if char.isalpha():
        return Token("letter", char, position, position + 1, spaced)
    if char in FORBIDDEN_CHARS:
        raise AnswerError(f"{FORBIDDEN_CHARS[char]} (column {position + 1})",
                          column=position + 1, excerpt=char)
    if char in CHARS:
        return Token("char", char, position, position + 1, spaced)
    raise AnswerError(f"character `{char}` at column {position + 1} is not part of a LaTeX answer",
                      column=position + 1, excerpt=char)


def _match_brackets(tokens: list[Token], caps: InputCaps) -> dict[int, int]:
    """Pair (), [] and {} (index of opener -> index of closer), capping the depth.

    Done here, in one loop, so that 3,000 nested brackets are refused before any
    recursion starts.
    """
    stack: list[int] = []
    matches: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.kind != "char":
            continue
        if token.text in OPENERS:
            stack.append(index)
            if len(stack) > caps.max_depth:
                raise AnswerError(
                    f"answer nested too deeply at column {token.column}: more than "
                    f"{caps.max_depth} levels of brackets (limit {caps.max_depth})",
                    column=token.column, excerpt=token.text,
                )
        elif token.text in CLOSERS:
            if not stack:
                raise AnswerError(f"unbalanced `{token.text}` at column {token.column}: "
                                  "nothing opens it", column=token.column, excerpt=token.text)
            opener_index = stack.pop()
            opener = tokens[opener_index]
            if opener.text != CLOSERS[token.text]:
                raise AnswerError(
                    f"unbalanced brackets: `{opener.text}` at column {opener.column} is "
                    f"closed by `{token.text}` at column {token.column}",
                    column=token.column, excerpt=token.text,  # the closer is the wrong one
                )
            matches[opener_index] = index
    if stack:
        opener = tokens[stack[-1]]
        what = "braces" if opener.text == "{" else "brackets"
        raise AnswerError(
            f"unbalanced {what}: `{opener.text}` at column {opener.column} is never closed",
            column=opener.column, excerpt=opener.text,
        )
    return matches
