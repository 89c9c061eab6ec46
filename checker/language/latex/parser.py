"""The whole answer: a word, an expression (after a label such as `z =`), a list, or a
chain of steps."""

from __future__ import annotations

from checker.language.latex.commands import CommandParser
from checker.language.latex.tokens import Piece, Span
from checker.language.latex.vocabulary import GREEK, P_ATOM, STYLE_COMMANDS
from checker.model.errors import AnswerError


class Parser(CommandParser):
    """The complete LaTeX parser; its entry points read the whole token list."""

    def word(self) -> str:
        r"""A word answer (`CE`, `\text{CE}`, `\mathbb{P}(y=1 \mid x)`): the text without its
        typesetting; `answers` then compares it with the accepted words."""
        skipped = {r"\text", r"\mathrm", r"\textrm", r"\textbf", r"\mathbf", r"\mathbb",
                   r"\operatorname", r"\left", r"\right", "{", "}"}
        replaced = {r"\mid": "|", r"\vert": "|"}
        parts = []
        for token in self.tokens:
            if token.text in skipped:
                continue
            if token.kind == "command" and token.text not in replaced:
                raise AnswerError(
                    f"`{token.text}` at column {token.column} is not part of a word answer; "
                    f"expected one of: {', '.join(self.namespace.words)}",
                    column=token.column, excerpt=token.text,
                )
            parts.append(replaced.get(token.text, token.text))
        return "".join(parts)

    def answer(self, chain: bool) -> str:
        equals = self.top_level_equals()
        if chain:
            bounds = [-1, *equals, len(self.tokens)]
            spans = [Span(a + 1, b) for a, b in zip(bounds, bounds[1:], strict=False)]
            return " = ".join(self.step(span, "step") for span in spans)
        if not equals:
            return self.step(Span(0, len(self.tokens)), "answer")
        if len(equals) == 1 and self.is_label(Span(0, equals[0])):
            return self.step(Span(equals[0] + 1, len(self.tokens)), "answer")
        token = self.tokens[equals[-1] if len(equals) > 1 else equals[0]]
        raise AnswerError(
            f"`=` at column {token.column}: give only the expression (a left side such as "
            "`z =` is dropped only when it is a plain name that is not a symbol of this "
            "question; chains of `=` are for proof questions)", column=token.column,
            excerpt=token.text,
        )

    def step(self, span: Span, what: str) -> str:
        if span.start >= span.stop:
            equals = self.tokens[span.start - 1] if span.start else None
            column = equals.column if equals else 1
            raise AnswerError(f"empty {what} next to `=` at column {column}", column=column,
                              excerpt=equals.text if equals else None)
        with self.span(span):
            piece = self.top_list() or self.expression()
            self.finish(what)
        return piece.text

    def top_level_equals(self) -> list[int]:
        r"""Indices of `=` outside brackets and \begin...\end (not the `=` of `<=`)."""
        found, index, environments = [], 0, 0
        while index < len(self.tokens):
            token = self.tokens[index]
            if index in self.matches:
                index = self.matches[index]
            elif token.text == r"\begin":
                environments += 1
            elif token.text == r"\end":
                environments -= 1
            elif token.text == "=" and token.kind == "char" and environments == 0:
                previous = self.tokens[index - 1].text if index else ""
                if previous not in ("<", ">"):
                    found.append(index)
            index += 1
        return found

    def top_list(self) -> Piece | None:
        """`[1, 2, 3]` (or `\\left[ ... \\right]`) spanning a whole step is a list."""
        first = self.pos
        if self.at(r"\left") and self.peek(1).text == "[":
            first += 1
        if self.tokens[first].text != "[" or self.matches.get(first) != self.stop - 1:
            return None
        inner = Span(first + 1, self.stop - 1)
        if inner.start < inner.stop and self.tokens[inner.stop - 1].text == r"\right":
            inner = Span(inner.start, inner.stop - 1)
        parts = self.split_commas(inner)
        # One item in brackets is a grouping `\left[f - y\right]` where the answer is an
        # expression, but a list `[5]` where it can only be numbers, as in plain text.
        if not parts or (len(parts) < 2 and self.namespace.items()):
            return None
        items = [self.parse_span(p, self.expression, "list item") for p in parts]
        self.pos = self.stop
        return Piece("[" + ", ".join(i.text for i in items) + "]", P_ATOM)

    def is_label(self, span: Span) -> bool:
        r"""A left side that only names the result: `z`, `L_{CE}`, `y_i`, `|a^2|`, `g(a)`,
        `\frac{\partial L}{\partial a}`; never a symbol of the question (`f = ...`)."""
        tokens = self.tokens[span.start: span.stop]
        if not tokens:
            return False
        first = tokens[0]
        if first.kind == "letter":
            name = first.text + self.simple_script_text(span.start + 1, span.stop)
            if self.namespace.lookup(first.text) or self.namespace.lookup(name):
                return False
        elif not (first.text in ("|", r"\frac", r"\nabla", r"\partial") or
                  first.text.lstrip("\\") in GREEK or first.text in STYLE_COMMANDS):
            return False
        allowed_commands = {r"\partial", r"\nabla", r"\frac", r"\text", r"\mathcal", r"\tilde",
                            r"\hat", r"\bar", r"\left", r"\right", r"\top", *STYLE_COMMANDS}
        depth, previous = 0, ""
        for token in tokens:
            if token.kind == "command" and not (
                    token.text in allowed_commands or token.text.lstrip("\\") in GREEK):
                return False
            if token.kind == "char" and token.text not in "_^{}()|,+-":
                return False
            if depth == 0 and (token.text in ("+", "-") or (token.kind == "number" and
                                                            previous not in ("_", "^"))):
                return False
            depth += {"{": 1, "(": 1, "}": -1, ")": -1}.get(token.text, 0)
            previous = token.text
        return True

    def simple_script_text(self, index: int, stop: int) -> str:
        """`1` for `k_1` or `k_{1}`: the text of a plain letters-and-digits subscript."""
        if index >= stop or self.tokens[index].text != "_":
            return ""
        script = self.read_script(index + 1) if index + 1 < stop else None
        return script.text if script and script.text.isalnum() else ""
