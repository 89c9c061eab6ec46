"""Expressions: sums, products (explicit and implicit), factors, powers and brackets."""

from __future__ import annotations

from abc import ABC, abstractmethod

from checker.language.latex.cursor import Cursor
from checker.language.latex.tokens import Piece, Span, Token, wrap
from checker.language.latex.vocabulary import (
    DELIMITED_FUNCTIONS,
    EXPLICIT_PRODUCT,
    NON_FACTOR_COMMANDS,
    P_ATOM,
    P_POWER,
    P_PRODUCT,
    P_SUM,
    TRANSPOSE_MARKS,
)
from checker.model.errors import AnswerError


class ExpressionParser(Cursor, ABC):
    """Sums and products of factors, with the binding strength of every piece."""

    # -- expressions -----------------------------------------------------------------
    def expression(self) -> Piece:
        """Terms joined by + and -, with an optional leading sign."""
        saved = set(self.dangling)
        try:
            sign = self.take().text if self.at("+", "-") else ""
            terms: list[tuple[str, Piece]] = []
            while True:
                term, closed = self.term(after=sign)
                terms.append((sign, term))
                if not self.at("+", "-"):
                    break
                # A sum's body ends with its term: a later term naming its index is ambiguous.
                self.dangling.update(closed)
                sign = self.take().text
                if self.at("+", "-"):
                    second = self.peek()
                    raise AnswerError(f"two operators in a row at column {second.column}: "
                                      f"`{sign}{second.text}`", column=second.column,
                                      excerpt=second.text)
        finally:
            self.dangling = saved
        first_sign, first = terms[0]
        if len(terms) == 1 and first_sign != "-":
            return first
        text = ("-" if first_sign == "-" else "") + wrap(first, P_PRODUCT)
        text += "".join(f" {s} {wrap(t, P_PRODUCT)}" for s, t in terms[1:])
        return Piece(text, P_SUM)

    def term(self, after: str = "") -> tuple[Piece, list[str]]:
        """Factors joined by explicit or implicit multiplication and `/`.

        Returns the piece and the indices of sums whose body reached the end of the term.
        """
        self.term_sums.append([])
        try:
            piece = self.factor(after)
            while True:
                token = self.peek()
                if token.kind == "command" and token.text in EXPLICIT_PRODUCT or \
                        token.kind == "char" and token.text == "/":
                    piece = self.explicit_product(piece)
                elif token.kind == "char" and token.text == "*":
                    raise AnswerError(
                        f"`*` at column {token.column} is the convolution in the assignment; "
                        r"write \cdot or \times for a product",
                        column=token.column, excerpt=token.text,
                    )
                elif self.starts_factor(token):
                    piece = self.implicit_product(piece, token)
                else:
                    return piece, self.term_sums[-1]
        finally:
            self.term_sums.pop()

    def explicit_product(self, left: Piece) -> Piece:
        operator = self.take()
        symbol = EXPLICIT_PRODUCT.get(operator.text, operator.text)
        if self.at("+", "-"):
            raise AnswerError(f"a sign right after `{operator.text}` at column "
                              f"{operator.column}: put the factor in parentheses",
                              column=operator.column, excerpt=operator.text)
        right = self.factor(operator.text)
        if symbol == "/":
            follower = self.peek()
            if self.starts_factor(follower):
                written = self.excerpt(self.pos - 2, self.pos + 1)
                raise AnswerError(
                    f"`{written}` at column {operator.column}"
                    r" is ambiguous: write \frac{...}{...} or add parentheses",
                    column=operator.column, excerpt=written,
                )
            return Piece(f"{wrap(left, P_PRODUCT)}/{wrap(right, P_POWER)}", P_PRODUCT)
        return Piece(f"{wrap(left, P_PRODUCT)}*{wrap(right, P_PRODUCT)}", P_PRODUCT)

    def implicit_product(self, left: Piece, token: Token) -> Piece:
        if token.kind == "number":
            raise AnswerError(
                f"number `{token.text}` at column {token.column} right after a factor is "
                r"ambiguous: write it first (2x) or use \cdot",
                column=token.column, excerpt=token.text,
            )
        if self.in_index and not left.text.isdigit():
            first = self.tokens[self.pos - 1]
            written = self.excerpt(self.pos - 1, self.pos + 1)
            raise AnswerError(
                f"subscript `{written}` at column {first.column} is ambiguous: separate indices "
                r"with a comma, or write a product with \cdot", column=first.column,
                excerpt=written,
            )
        right = self.factor()
        return Piece(f"{wrap(left, P_PRODUCT)}*{wrap(right, P_PRODUCT)}", P_PRODUCT)

    def starts_factor(self, token: Token) -> bool:
        if token.kind in ("letter", "number"):
            return True
        if token.kind == "char":
            return token.text in "([{" or (token.text == "|" and not self.bare_bars)
        return token.kind == "command" and token.text not in NON_FACTOR_COMMANDS

    # -- factors -----------------------------------------------------------------------
    def factor(self, after: str = "") -> Piece:
        """One factor with its superscript; every recursion passes through here."""
        self.depth += 1
        try:
            if self.depth > self.caps.max_depth:
                token = self.peek()
                raise AnswerError(
                    f"answer nested too deeply at column {token.column} "
                    f"(limit {self.caps.max_depth} levels)", column=token.column,
                    excerpt=token.text or None,
                )
            return self.primary(after)
        finally:
            self.depth -= 1

    @abstractmethod
    def primary(self, after: str) -> Piece:
        """One factor without its superscript: a number, bracket, identifier or command.

        Defined by `CommandParser`, the layer that knows every kind of factor; this is the
        one place where the grammar's recursion reaches up the class chain.
        """

    def power(self, base: Piece) -> Piece:
        """An optional superscript on a number, group or function value."""
        if self.at("_"):
            mark = self.peek()
            raise AnswerError(f"a subscript on `{self.excerpt(self.pos - 1, self.pos)}` at "
                              f"column {mark.column} is not supported", column=mark.column,
                              excerpt=mark.text)
        if not self.at("^"):
            return base
        self.take()
        script = self.read_script(self.pos)
        self.skip_script(script)
        if script.text in TRANSPOSE_MARKS:
            raise AnswerError(f"transpose at column {script.column}: only a declared matrix "
                              "can be transposed", column=script.column, excerpt=script.written)
        exponent = self.parse_span(script.span, self.expression, "exponent")
        if self.at("^"):
            mark = self.peek()
            raise AnswerError(f"double superscript at column {mark.column}: "
                              "use braces, e.g. x^{a^b}", column=mark.column, excerpt=mark.text)
        return Piece(f"{wrap(base, P_ATOM)}**{wrap(exponent, P_ATOM)}", P_POWER)

    # -- brackets ------------------------------------------------------------------------
    def bracketed(self) -> Piece:
        r"""( ), [ ], { }, \left( \right); | |, \left\lfloor \right\rfloor (see `delimited`)."""
        left = self.take() if self.at(r"\left") else None
        opener = self.peek()
        if opener.text in DELIMITED_FUNCTIONS:
            return self.delimited(left is not None)
        if opener.kind != "char" or opener.text not in ("(", "[", "{") or (
                left is not None and opener.text == "{"):
            first = left or opener
            raise AnswerError(f"`\\left{opener.text}` at column {first.column} is "
                              r"not supported: use \left( or \left[", column=first.column,
                              excerpt=self.source[first.start: opener.stop])
        index = self.pos
        close = self.matches[index]
        inner_stop = close
        closing_right = close > index + 1 and self.tokens[close - 1].text == r"\right"
        if closing_right:
            inner_stop -= 1
        if closing_right != (left is not None):
            raise AnswerError(
                f"`{opener.text}` at column {opener.column} and its closing bracket do not "
                r"pair \left with \right", column=opener.column, excerpt=opener.text,
            )
        self.pos = close + 1
        what = "braces" if opener.text == "{" else "parentheses"
        parts = self.split_commas(Span(index + 1, inner_stop))
        if len(parts) != 1:
            after_name = index > 0 and self.tokens[index - 1].kind in ("letter", "char")
            raise AnswerError(
                f"comma inside {what} at column {opener.column}: a list is written "
                "[a, b, c] as the whole answer; arguments belong to a function"
                + (r"; write f for f(\boldsymbol{x}, \boldsymbol{\theta}): the question's "
                   "symbols already stand for those values" if after_name else ""),
                column=opener.column, excerpt=opener.text,
            )
        inner = self.parse_span(parts[0], self.expression, what)
        if opener.text == "{" and inner.prec < P_ATOM and self.at("^"):
            raise AnswerError(
                f"`{{{self.excerpt(index + 1, close)}}}^...` at column {opener.column}: "
                "braces do not print as parentheses; write (...)^{...}",
                column=opener.column, excerpt=self.excerpt(index, close + 1),
            )
        grouped = inner if inner.prec == P_ATOM else Piece(f"({inner.text})", P_ATOM)
        return self.power(grouped)

    def delimited(self, with_left: bool = False) -> Piece:
        r"""A function written as delimiters around its argument, by the registry:
        |x| and \lvert x \rvert (abs), \lfloor x \rfloor (floor), \lceil x \rceil (ceil),
        each also between \left and \right."""
        start = self.take()
        opener = start.text
        closer, name = DELIMITED_FUNCTIONS[opener]
        if name not in self.namespace.functions:
            raise AnswerError(f"`{opener}` ({name}) at column {start.column} is not available in "
                              "this question", column=start.column, excerpt=opener)
        saved = self.bare_bars
        self.bare_bars = opener == "|" and not with_left
        try:
            if self.bare_bars and saved:
                raise AnswerError(f"nested `|` at column {start.column} is ambiguous: "
                                  r"use \left| ... \right|", column=start.column,
                                  excerpt=start.text)
            inner = self.expression()
            if with_left:
                self.expect(r"\right", f"`\\left{opener}` at column {start.column}")
            self.expect(closer, f"`{opener}` at column {start.column}")
        finally:
            self.bare_bars = saved
        return self.power(Piece(f"{name}({inner.text})", P_ATOM))
