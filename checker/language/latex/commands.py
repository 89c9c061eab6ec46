"""Commands: fractions, functions, sums, styled names and the cases environment; and the
dispatch from a factor's first token to what parses it."""

from __future__ import annotations

from checker.language.latex.cursor import Script, describe, hint
from checker.language.latex.identifiers import IdentifierParser
from checker.language.latex.tokens import Piece, Span, Token, wrap
from checker.language.latex.vocabulary import (
    AND,
    COMMAND_FUNCTIONS,
    DELIMITED_FUNCTIONS,
    GREEK,
    OR,
    P_ATOM,
    P_POWER,
    P_PRODUCT,
    RELATIONS,
    STYLE_COMMANDS,
    TEXT_COMMANDS,
    WORD_FUNCTIONS,
)
from checker.model.errors import AnswerError
from checker.model.functions import FUNCTIONS as LANGUAGE
from checker.model.namespace import MatrixName, Vector


class CommandParser(IdentifierParser):
    """Every kind of factor: the top of the expression grammar."""

    # -- factors -------------------------------------------------------------------------
    def primary(self, after: str) -> Piece:
        token = self.peek()
        if token.kind == "end" or not self.starts_factor(token):
            where = f" after `{after}`" if after else ""
            if token.kind == "end":
                raise AnswerError(f"the answer ends{where} at column {token.column}: "
                                  "a term is missing", column=token.column)
            raise AnswerError(f"expected a term{where} at column {token.column}, found "
                              f"{describe(token)}{hint(token)}", column=token.column,
                              excerpt=token.text)
        if token.kind == "number":
            self.take()
            return self.power(Piece(_number(token.text), P_ATOM))
        if token.kind == "letter":
            return self.identifier()
        if token.kind == "char":
            return self.bracketed()
        return self.command(token)

    def command(self, token: Token) -> Piece:
        name = token.text
        if name in (r"\frac", r"\dfrac", r"\tfrac"):
            return self.fraction()
        if name == r"\sum":
            return self.summation()
        if name == r"\begin":
            return self.environment()
        if name == r"\left":
            return self.bracketed()
        if name in DELIMITED_FUNCTIONS:
            return self.delimited()
        if name in COMMAND_FUNCTIONS:
            self.take()
            return self.function(COMMAND_FUNCTIONS[name], token)
        if name in STYLE_COMMANDS:
            return self.styled()
        if name.lstrip("\\") in GREEK:
            return self.identifier()
        raise AnswerError(f"unknown or unsupported LaTeX command `{name}` at column "
                          f"{token.column}{_command_hint(name)}", column=token.column,
                          excerpt=name)

    # -- fractions, functions, sums -------------------------------------------------------
    def fraction(self) -> Piece:
        command = self.take()
        numerator = self.fraction_argument(command)
        denominator = self.fraction_argument(command)
        return Piece(f"{wrap(numerator, P_PRODUCT)}/{wrap(denominator, P_POWER)}",
                     P_PRODUCT)

    def fraction_argument(self, command: Token) -> Piece:
        token = self.peek()
        if token.text == "{" and token.kind == "char":
            close = self.matches[self.pos]
            piece = self.parse_span(Span(self.pos + 1, close), self.expression,
                                    f"argument of `{command.text}`")
            self.pos = close + 1
            return piece
        if token.kind == "letter" or token.kind == "number" and len(token.text) == 1:
            return self.identifier(allow_scripts=False) if token.kind == "letter" \
                else Piece(_number(self.take().text), P_ATOM)
        raise AnswerError(
            f"`{command.text}` at column {command.column} needs two arguments in braces, "
            r"e.g. \frac{1}{2}", column=command.column, excerpt=command.text,
        )

    def function(self, name: str, command: Token) -> Piece:
        """A function written as a command (`\\log`) or an upright word (`\\operatorname{erf}`),
        `command` being the token read: the registry's function `name`."""
        if name not in self.namespace.functions:
            raise AnswerError(f"`{command.text}` ({name}) is not available in this question",
                              column=command.column, excerpt=command.text)
        spec = LANGUAGE[name]
        exponent = self.function_power(command)
        if self.at("_"):
            raise AnswerError(
                f"`{command.text}_...` at column {command.column}: only the natural log "
                r"(\log, \ln) without a base is part of the answer language",
                column=command.column, excerpt=command.text,
            )
        if command.text == r"\sqrt":
            if self.at("["):
                raise AnswerError(f"`\\sqrt[...]` at column {command.column}: only square "
                                  "roots are supported; write x^{1/3}",
                                  column=command.column, excerpt=command.text)
            arguments = [self.fraction_argument(command)]
        elif self.at("(") or self.at(r"\left") and self.peek(1).text == "(":
            arguments = self.call_arguments(command)
        elif spec.least > 1:
            raise AnswerError(f"`{command.text}` at column {command.column} needs its "
                              r"arguments in parentheses, e.g. \max(a, b)",
                              column=command.column, excerpt=command.text)
        else:
            arguments = [self.bare_argument(command)]
        if not spec.accepts(len(arguments)):
            got = f", got {len(arguments)}" if isinstance(spec.arity, int) else ""
            raise AnswerError(f"`{command.text}` at column {command.column} takes "
                              f"{spec.arity_text()}{got}", column=command.column, excerpt=command.text)
        call = Piece(f"{name}({', '.join(a.text for a in arguments)})", P_ATOM)
        if name == "log" and exponent is None and self.at("^"):
            # log((1-f)^{1-y}) and (log(1-f))^{1-y} are both common readings.
            raise AnswerError(
                f"`{command.text}(...)^{{...}}` at column {command.column} is ambiguous: write "
                f"`{command.text}((...)^{{...}})` or `({command.text}(...))^{{...}}`",
                column=command.column, excerpt=command.text,
            )
        if exponent is not None:
            call = Piece(f"{call.text}**{exponent}", P_POWER)
        return self.power(call) if exponent is None else call

    def function_power(self, command: Token) -> str | None:
        r"""`\tanh^2(x)` is tanh(x)^2; `\sigma^{-1}` would be the inverse: refused."""
        if not self.at("^"):
            return None
        self.take()
        script = self.read_script(self.pos)
        self.skip_script(script)
        if not script.text.isdigit():
            raise AnswerError(
                f"`{command.text}^{{{script.text}}}` at column {command.column}: only a "
                "whole-number power of a function is supported (an inverse is not)",
                column=command.column, excerpt=command.text,
            )
        return _number(script.text)

    def call_arguments(self, command: Token) -> list[Piece]:
        with_left = self.at(r"\left")
        if with_left:
            self.take()
        index = self.pos
        close = self.matches[index]
        inner_stop = close - 1 if with_left else close
        if with_left != (self.tokens[close - 1].text == r"\right"):
            raise AnswerError(f"the parentheses of `{command.text}` at column "
                              f"{command.column} do not pair \\left with \\right",
                              column=command.column, excerpt=command.text)
        self.pos = close + 1
        return [self.parse_span(part, self.expression, f"argument of `{command.text}`")
                for part in self.split_commas(Span(index + 1, inner_stop))]

    def bare_argument(self, command: Token) -> Piece:
        r"""`\log f`: the argument is one factor; `\log f y` is ambiguous."""
        if self.at("+", "-") or not self.starts_factor(self.peek()):
            raise AnswerError(
                f"`{command.text}` at column {command.column} needs an argument, e.g. "
                f"{command.text}(x)", column=command.column, excerpt=command.text,
            )
        argument = self.factor(command.text)
        follower = self.peek()
        if self.starts_factor(follower):
            written = self.excerpt(self.tokens.index(command, 0), self.pos + 1)
            raise AnswerError(
                f"`{written}` at column {command.column} is ambiguous: write {command.text}(...) "
                "with parentheses around the whole argument", column=command.column,
                excerpt=written,
            )
        return argument

    def summation(self) -> Piece:
        command = self.take()
        lower = upper = None
        while self.at("_", "^"):
            mark = self.take()
            script = self.read_script(self.pos)
            self.skip_script(script)
            if (lower if mark.text == "_" else upper) is not None:
                raise AnswerError(f"double `{mark.text}` on `\\sum` at column {command.column}",
                                  column=command.column, excerpt=command.text)
            if mark.text == "_":
                lower = script
            else:
                upper = script
        if lower is None or upper is None:
            raise AnswerError(f"`\\sum` at column {command.column} needs both bounds, "
                              r"e.g. \sum_{j=1}^{K}", column=command.column, excerpt=command.text)
        index, first = self.summation_index(lower, command)
        last = self.parse_span(upper.span, self.expression, "upper bound of the sum")
        if self.at("+", "-") or not self.starts_factor(self.peek()):
            raise AnswerError(f"`\\sum` at column {command.column} needs a body; a sign "
                              "right after it is ambiguous, put the body in parentheses",
                              column=command.column, excerpt=command.text)
        self.bound.append(index)
        try:
            body, closed = self.term(after=r"\sum")
        finally:
            self.bound.pop()
        self.term_sums[-1].extend([index, *closed])
        return Piece(f"Sum({body.text}, ({index}, {first.text}, {last.text}))", P_ATOM)

    def summation_index(self, lower: Script, command: Token) -> tuple[str, Piece]:
        tokens = self.tokens[lower.span.start: lower.span.stop]
        if len(tokens) < 3 or tokens[0].kind != "letter" or tokens[1].text != "=":
            raise AnswerError(f"the lower bound of `\\sum` at column {command.column} must be "
                              "`index = start`, e.g. \\sum_{j=1}^{K}",
                              column=command.column, excerpt=command.text)
        index = tokens[0].text
        if isinstance(self.namespace.lookup(index), Vector | MatrixName):
            raise AnswerError(f"`{index}` is a vector of this question and cannot be a "
                              "summation index", column=tokens[0].column, excerpt=index)
        start = Span(lower.span.start + 2, lower.span.stop)
        return index, self.parse_span(start, self.expression, "lower bound of the sum")

    def styled(self) -> Piece:
        r"""\mathrm{Diag}(p), \operatorname{erf}(x), \mathbf{x}, \boldsymbol{\theta}."""
        command = self.take()
        word, inner = self.group_word(command)
        if word in WORD_FUNCTIONS:
            return self.function(WORD_FUNCTIONS[word], command)
        if len(inner) > 1 and word.isalnum() and self.namespace.lookup(word) is not None:
            # A declared multi-letter name written upright: \mathrm{fullconv}_n.
            name = Token("letter", word, inner[0].start, inner[-1].stop)
            return self.identifier(base_token=name, begin=command.start)
        if len(inner) == 1 and (inner[0].kind == "letter" or inner[0].text.lstrip("\\") in GREEK):
            return self.identifier(base_token=inner[0], begin=command.start)
        raise AnswerError(f"`{command.text}{{{word}}}` at column {command.column} is not a "
                          "function or symbol of the answer language", column=command.column,
                          excerpt=self.source[command.start: self.tokens[self.pos - 1].stop])

    def group_word(self, command: Token) -> tuple[str, list[Token]]:
        """The tokens of the `{...}` after a style command and their text."""
        if not (self.at("{")):
            raise AnswerError(f"`{command.text}` at column {command.column} needs braces",
                              column=command.column, excerpt=command.text)
        close = self.matches[self.pos]
        inner = self.tokens[self.pos + 1: close]
        self.pos = close + 1
        return "".join(t.text for t in inner), inner

    # -- cases ------------------------------------------------------------------------------
    def environment(self) -> Piece:
        begin = self.take()
        name, _ = self.group_word(begin)
        if name != "cases":
            raise AnswerError(f"environment `{name}` at column {begin.column} is not supported; "
                              r"only \begin{cases} ... \end{cases}", column=begin.column,
                              excerpt=self.source[begin.start: self.tokens[self.pos - 1].stop])
        rows: list[tuple[str, str]] = []
        otherwise: str | None = None
        while True:
            if otherwise is not None:
                token = self.peek()
                raise AnswerError(f"a row after the `otherwise` row at column "
                                  f"{token.column}: `otherwise` must be last",
                                  column=token.column, excerpt=token.text)
            value = self.expression()
            if self.at(","):
                self.take()
            self.expect("&", r"a row of \begin{cases} is `value & condition`")
            condition = self.case_condition()
            if condition is None:
                otherwise = value.text
            else:
                rows.append((value.text, condition))
            if self.at(",", "."):
                self.take()
            if self.at(r"\\"):
                self.take()
            elif not self.at(r"\end"):
                token = self.peek()
                raise AnswerError(f"expected `\\\\` or `\\end{{cases}}` at column {token.column}, "
                                  f"found {describe(token)}", column=token.column,
                                  excerpt=token.text or None)
            if self.at(r"\end"):
                break
        end = self.take()
        if self.group_word(end)[0] != "cases":
            raise AnswerError(rf"`\end` at column {end.column} must close `cases`",
                              column=end.column,
                              excerpt=self.source[end.start: self.tokens[self.pos - 1].stop])
        return _piecewise(rows, otherwise, begin)

    def case_condition(self) -> str | None:
        first = self.pos
        words = self.text_words()
        if words in ("otherwise", "else"):
            return None
        if words not in ("", "if"):
            column = self.tokens[self.pos - 1].column
            raise AnswerError(f"`\\text{{{words}}}` at column {column}:"
                              " a condition reads `\\text{if } ...` or `\\text{otherwise}`",
                              column=column, excerpt=self.excerpt(first, self.pos))
        parts = [self.relation()]
        joiner = ""
        while True:
            connector = self.connector()
            if connector is None:
                break
            if joiner and connector != joiner:
                token = self.peek()
                raise AnswerError(f"mixing `and` and `or` at column {token.column} is "
                                  "ambiguous: split the case into rows", column=token.column,
                                  excerpt=token.text or None)
            joiner = connector
            parts.append(self.relation())
        if len(parts) == 1:
            return parts[0]
        return f" {joiner} ".join(f"({p})" for p in parts)

    def text_words(self) -> str:
        r"""The words of one \text{...} (or none): `if`, `otherwise`, `and`, `or`."""
        if not self.at(*TEXT_COMMANDS):
            return ""
        command = self.take()
        word, inner = self.group_word(command)
        if any(t.kind != "letter" for t in inner):
            raise AnswerError(f"`{command.text}{{...}}` at column {command.column} may hold only "
                              "the words if, otherwise, and, or", column=command.column,
                              excerpt=self.source[command.start: self.tokens[self.pos - 1].stop])
        return word

    def connector(self) -> str | None:
        if self.at(*AND):
            self.take()
            return "&"
        if self.at(*OR):
            self.take()
            return "|"
        if self.at(*TEXT_COMMANDS):
            saved = self.pos
            word = self.text_words()
            if word in ("and", "or"):
                return "&" if word == "and" else "|"
            written = self.excerpt(saved, self.pos)
            self.pos = saved
            raise AnswerError(f"`\\text{{{word}}}` at column {self.peek().column} cannot join "
                              "conditions: use \\text{and} or \\text{or}",
                              column=self.peek().column, excerpt=written)
        return None

    def relation(self) -> str:
        """`a \\le i \\le b`: a chained comparison of expressions."""
        parts = [self.expression().text]
        while self.at(*RELATIONS):
            token = self.take()
            relation = RELATIONS[token.text]
            if token.text in "<>" and self.at("=") and not self.peek().spaced:
                self.take()
                relation += "="
            parts.extend([relation, self.expression().text])
        if len(parts) == 1:
            token = self.peek()
            raise AnswerError(f"a condition must compare two things: found {describe(token)} "
                              f"at column {token.column} instead of a relation such as \\le",
                              column=token.column, excerpt=token.text or None)
        return " ".join(parts)


def _piecewise(rows: list[tuple[str, str]], otherwise: str | None, begin: Token) -> Piece:
    if not rows:
        raise AnswerError(rf"`\begin{{cases}}` at column {begin.column} needs a row with a "
                          "condition", column=begin.column, excerpt=begin.text)
    if otherwise is None:
        pairs = ", ".join(f"({value}, {condition})" for value, condition in rows)
        return Piece(f"Piecewise({pairs})", P_ATOM)
    text = otherwise
    for value, condition in reversed(rows):
        text = f"({value} if {condition} else {text})"
    return Piece(text, P_ATOM)


def _number(text: str) -> str:
    """A LaTeX number as a Python literal: `007` is 7 (Python refuses leading zeros)."""
    whole, dot, fraction = text.partition(".")
    return (whole.lstrip("0") or "0") + dot + fraction


def _command_hint(name: str) -> str:
    hints = {
        r"\pi": " (pi is not part of the answer language)",
        r"\partial": " (give the derivative's result, not the derivative)",
        r"\cdots": " (write the expression out, or use \\sum)",
        r"\ldots": " (write the expression out, or use \\sum)",
        r"\dots": " (write the expression out, or use \\sum)",
        r"\text": r" (\text is only for `if` and `otherwise` in \begin{cases})",
        r"\{": " (use parentheses)",
    }
    return hints.get(name, "")
