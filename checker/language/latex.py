r"""LaTeX answers: a small tokenizer and recursive-descent translator to the plain-text
answer language (CONTRACT.md, "LaTeX answers"; docs/latex.md has the measurements).

Why a translator and not a third-party LaTeX parser: those build SymPy objects
themselves, which would bypass the whitelist of `checker.language.textparse`, and on the
assignment's own formulas they read `f -` as `f`, `\input{x}` as a product, `\log` as
base 10 or `-y\log(f) - (1-y)\log(1-f)` as one product. Here LaTeX only becomes text;
the text then goes through `parse_text`, which stays the single gate.

Safety: the input is capped (length, ASCII after NFKC, bracket depth) before parsing,
macro and file commands are refused by name, and every recursive path passes through
`_Parser.factor`, which counts its depth, so deep input is an error, never a
RecursionError. Anything that cannot be mapped with certainty is an AnswerError naming
the part and its column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from checker.language.textparse import DEFAULT_CAPS, InputCaps
from checker.model.errors import AnswerError
from checker.model.namespace import MatrixName, Namespace, Variable, Vector

# ---------------------------------------------------------------------------------
# Vocabulary

# Commands that can do more than typeset in real TeX: refused by name, up front.
_MACRO_COMMANDS = frozenset({
    r"\input", r"\include", r"\includeonly", r"\def", r"\edef", r"\gdef", r"\xdef",
    r"\let", r"\newcommand", r"\renewcommand", r"\providecommand", r"\DeclareMathOperator",
    r"\newenvironment", r"\renewenvironment", r"\catcode", r"\write", r"\immediate",
    r"\openin", r"\openout", r"\read", r"\csname", r"\endcsname", r"\expandafter",
    r"\usepackage", r"\documentclass", r"\special", r"\directlua", r"\loop",
    r"\makeatletter", r"\makeatother", r"\jobname", r"\string", r"\uppercase",
    r"\lowercase", r"\begingroup", r"\endgroup", r"\verb", r"\url", r"\href",
})
# Pure spacing: dropped by the tokenizer (it only records that a space was there).
_SPACING = frozenset({
    r"\,", r"\;", r"\:", r"\!", "\\ ", r"\quad", r"\qquad", r"\displaystyle",
    r"\textstyle", r"\limits", r"\nolimits",
})
# Functions with a fixed name in the plain-text language.
_FUNCTIONS = {
    r"\log": "log", r"\ln": "log", r"\exp": "exp", r"\tanh": "tanh", r"\sigma": "sigmoid",
    r"\max": "max", r"\min": "min", r"\sqrt": "sqrt",
}
# Names written as \operatorname{...}, \mathrm{...} or \mathbf{...}.
_NAMED_FUNCTIONS = {
    "diag": "diag", "Diag": "diag", "erf": "erf", "sigmoid": "sigmoid", "exp": "exp",
    "log": "log", "ln": "log", "tanh": "tanh", "max": "max", "min": "min",
}
_STYLE_COMMANDS = frozenset({r"\mathrm", r"\operatorname", r"\mathbf", r"\boldsymbol", r"\bm"})
_GREEK = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "tau", "upsilon",
    "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi",
    "Sigma", "Upsilon", "Phi", "Psi", "Omega",
})
# The assignment writes weights as omega; the namespaces call them w2, W1, W2. An alias
# is used only when exactly one candidate is declared (else: error, never a guess).
_GREEK_ALIASES = {"omega": ("w", "W")}
_RELATIONS = {
    "<": "<", ">": ">", r"\lt": "<", r"\gt": ">", r"\le": "<=", r"\leq": "<=",
    r"\leqslant": "<=", r"\ge": ">=", r"\geq": ">=", r"\geqslant": ">=", "=": "==",
    r"\ne": "!=", r"\neq": "!=",
}
_AND = frozenset({r"\land", r"\wedge"})
_OR = frozenset({r"\lor", r"\vee"})
_EXPLICIT_PRODUCT = {r"\cdot": "*", r"\times": "*", "/": "/", r"\div": "/"}
_TRANSPOSE_MARKS = frozenset({r"\top", "T", r"\intercal", r"\mathsf{T}", r"\mathrm{T}"})
# Commands that end a factor instead of starting one.
_TEXT_COMMANDS = frozenset({r"\text", r"\textrm", r"\mbox"})
_NON_FACTOR_COMMANDS = frozenset({
    *_EXPLICIT_PRODUCT, *_RELATIONS, *_AND, *_OR, *_TEXT_COMMANDS, r"\right", r"\\", r"\end",
    r"\rvert",
})
_CHARS = frozenset("+-*/^_()[]{},=<>&|.'")
_FORBIDDEN_CHARS = {
    "%": "`%` starts a LaTeX comment, which would hide the rest of the line",
    "#": "`#` is a macro parameter",
    "$": "`$` may only enclose the whole answer",
    "!": "`!` (factorial) is not part of the answer language",
    ";": "`;` is not part of a LaTeX answer",
}
_OPENERS = {"(": ")", "[": "]", "{": "}"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}

# Binding strength of a translated piece: a piece is wrapped in parentheses when it
# binds less tightly than its position needs, so the plain text means what the LaTeX
# means without a forest of parentheses.
P_CONDITION, P_SUM, P_PRODUCT, P_POWER, P_ATOM = range(5)


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


def _wrap(piece: Piece, prec: int) -> str:
    return piece.text if piece.prec >= prec else f"({piece.text})"


# ---------------------------------------------------------------------------------
# Entry point


def latex_to_text(
    tex: str, namespace: Namespace, chain: bool = False, caps: InputCaps = DEFAULT_CAPS
) -> str:
    """Translate a LaTeX answer into the plain-text answer language.

    A chain (chain=True) keeps its top-level `=` as ` = `. Otherwise a left side that is
    only a label (`z =`, `L_{CE} =`, `|a^2| =`, not a symbol of the question) is dropped.
    """
    source = _prepare(tex, caps)
    tokens, matches = _tokenize(source, caps)
    parser = _Parser(source, tokens, matches, namespace, caps)
    try:
        if namespace.words:
            return parser.word()
        return parser.answer(chain)
    except RecursionError:
        # _Parser counts its own depth; this is a second line of defence only.
        raise AnswerError(f"answer nested too deeply (limit {caps.max_depth} levels)") from None


def _prepare(tex: str, caps: InputCaps) -> str:
    """Cap, normalise (NFKC first, then validate), strip math delimiters."""
    cap = caps.max_length
    if len(tex) > cap:  # checked before NFKC too: never normalise a huge input
        raise AnswerError(f"answer too long: {len(tex)} characters (limit {cap})")
    text = unicodedata.normalize("NFKC", tex)
    text = text.replace("\u2212", "-").replace("\u00d7", r"\times ").replace("\u22c5", r"\cdot ")
    if len(text) > cap:
        raise AnswerError(f"answer too long: {len(text)} characters (limit {cap})")
    for position, char in enumerate(text):
        if not (char.isascii() and (char.isprintable() or char in " \t\n\r")):
            raise AnswerError(
                f"character {char!r} at column {position + 1} is not part of a LaTeX answer "
                "(only ASCII after Unicode normalisation)"
            )
    text = _strip_delimiters(text.strip())
    if not text:
        raise AnswerError("empty answer")
    return text


def _strip_delimiters(text: str) -> str:
    for opening, closing in (("$$", "$$"), ("$", "$"), (r"\[", r"\]"), (r"\(", r"\)")):
        if len(text) >= len(opening) + len(closing) and text.startswith(opening) \
                and text.endswith(closing):
            return text[len(opening): len(text) - len(closing)].strip()
    return text


# ---------------------------------------------------------------------------------
# Tokenizer (iterative, linear)

_COMMAND_NAME = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _tokenize(source: str, caps: InputCaps) -> tuple[list[Token], dict[int, int]]:
    tokens: list[Token] = []
    position, spaced = 0, False
    while position < len(source):
        char = source[position]
        if char in " \t\n\r~":
            position, spaced = position + 1, True
            continue
        token = _next_token(source, position, spaced)
        position, spaced = token.stop, False
        if token.kind == "command" and token.text in _SPACING:
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
            raise AnswerError(f"a lone `\\` at column {position + 1} ends the answer")
        text = source[position:stop]
        if text in _MACRO_COMMANDS:
            raise AnswerError(
                f"`{text}` at column {position + 1} is not allowed: a LaTeX answer cannot "
                "define macros, change catcodes or read and write files"
            )
        return Token("command", text, position, stop, spaced)
    number = _NUMBER.match(source, position)
    if number:
        return Token("number", number.group(), position, number.end(), spaced)
    if char.isalpha():
        return Token("letter", char, position, position + 1, spaced)
    if char in _FORBIDDEN_CHARS:
        raise AnswerError(f"{_FORBIDDEN_CHARS[char]} (column {position + 1})")
    if char in _CHARS:
        return Token("char", char, position, position + 1, spaced)
    raise AnswerError(f"character `{char}` at column {position + 1} is not part of a LaTeX answer")


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
        if token.text in _OPENERS:
            stack.append(index)
            if len(stack) > caps.max_depth:
                raise AnswerError(
                    f"answer nested too deeply at column {token.column}: more than "
                    f"{caps.max_depth} levels of brackets (limit {caps.max_depth})"
                )
        elif token.text in _CLOSERS:
            if not stack:
                raise AnswerError(f"unbalanced `{token.text}` at column {token.column}: "
                                  "nothing opens it")
            opener_index = stack.pop()
            opener = tokens[opener_index]
            if opener.text != _CLOSERS[token.text]:
                raise AnswerError(
                    f"unbalanced brackets: `{opener.text}` at column {opener.column} is "
                    f"closed by `{token.text}` at column {token.column}"
                )
            matches[opener_index] = index
    if stack:
        opener = tokens[stack[-1]]
        what = "braces" if opener.text == "{" else "brackets"
        raise AnswerError(
            f"unbalanced {what}: `{opener.text}` at column {opener.column} is never closed"
        )
    return matches


# ---------------------------------------------------------------------------------
# Parser


@dataclass(frozen=True)
class _Script:
    """A subscript or superscript: its tokens and their text without spaces."""

    span: Span
    text: str
    column: int


class _Parser:
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
            raise AnswerError(f"the answer ends too early at column {token.column}")
        self.pos += 1
        return token

    def at(self, *texts: str) -> bool:
        token = self.peek()
        return token.kind != "end" and token.text in texts

    def expect(self, text: str, context: str) -> Token:
        token = self.peek()
        if token.text != text or token.kind == "end":
            raise AnswerError(f"{context}: expected `{text}` at column {token.column}, "
                              f"found {_describe(token)}")
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
                raise AnswerError(f"empty {what} at column {self.peek().column}")
            piece = parse()
            self.finish(what)
        return piece

    def finish(self, what: str) -> None:
        token = self.peek()
        if token.kind != "end":
            raise AnswerError(f"unexpected {_describe(token)} in the {what}{_hint(token)}")

    # -- answers -------------------------------------------------------------------
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
                    f"expected one of: {', '.join(self.namespace.words)}"
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
            "question; chains of `=` are for proof questions)"
        )

    def step(self, span: Span, what: str) -> str:
        if span.start >= span.stop:
            column = self.tokens[span.start - 1].column if span.start else 1
            raise AnswerError(f"empty {what} next to `=` at column {column}")
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
        if len(parts) < 2:
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
                  first.text.lstrip("\\") in _GREEK or first.text in _STYLE_COMMANDS):
            return False
        allowed_commands = {r"\partial", r"\nabla", r"\frac", r"\text", r"\mathcal", r"\tilde",
                            r"\hat", r"\bar", r"\left", r"\right", r"\top", *_STYLE_COMMANDS}
        depth, previous = 0, ""
        for token in tokens:
            if token.kind == "command" and not (
                    token.text in allowed_commands or token.text.lstrip("\\") in _GREEK):
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
                    raise AnswerError(f"two operators in a row at column {self.peek().column}: "
                                      f"`{sign}{self.peek().text}`")
        finally:
            self.dangling = saved
        first_sign, first = terms[0]
        if len(terms) == 1 and first_sign != "-":
            return first
        text = ("-" if first_sign == "-" else "") + _wrap(first, P_PRODUCT)
        text += "".join(f" {s} {_wrap(t, P_PRODUCT)}" for s, t in terms[1:])
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
                if token.kind == "command" and token.text in _EXPLICIT_PRODUCT or \
                        token.kind == "char" and token.text == "/":
                    piece = self.explicit_product(piece)
                elif token.kind == "char" and token.text == "*":
                    raise AnswerError(
                        f"`*` at column {token.column} is the convolution in the assignment; "
                        r"write \cdot or \times for a product"
                    )
                elif self.starts_factor(token):
                    piece = self.implicit_product(piece, token)
                else:
                    return piece, self.term_sums[-1]
        finally:
            self.term_sums.pop()

    def explicit_product(self, left: Piece) -> Piece:
        operator = self.take()
        symbol = _EXPLICIT_PRODUCT.get(operator.text, operator.text)
        if self.at("+", "-"):
            raise AnswerError(f"a sign right after `{operator.text}` at column "
                              f"{operator.column}: put the factor in parentheses")
        right = self.factor(operator.text)
        if symbol == "/":
            follower = self.peek()
            if self.starts_factor(follower):
                raise AnswerError(
                    f"`{self.excerpt(self.pos - 2, self.pos + 1)}` at column {operator.column}"
                    r" is ambiguous: write \frac{...}{...} or add parentheses"
                )
            return Piece(f"{_wrap(left, P_PRODUCT)}/{_wrap(right, P_POWER)}", P_PRODUCT)
        return Piece(f"{_wrap(left, P_PRODUCT)}*{_wrap(right, P_PRODUCT)}", P_PRODUCT)

    def implicit_product(self, left: Piece, token: Token) -> Piece:
        if token.kind == "number":
            raise AnswerError(
                f"number `{token.text}` at column {token.column} right after a factor is "
                r"ambiguous: write it first (2x) or use \cdot"
            )
        if self.in_index and not left.text.isdigit():
            raise AnswerError(
                f"subscript `{self.excerpt(self.pos - 1, self.pos + 1)}` at column "
                f"{self.tokens[self.pos - 1].column} is ambiguous: separate indices with a "
                r"comma, or write a product with \cdot"
            )
        right = self.factor()
        return Piece(f"{_wrap(left, P_PRODUCT)}*{_wrap(right, P_PRODUCT)}", P_PRODUCT)

    def starts_factor(self, token: Token) -> bool:
        if token.kind in ("letter", "number"):
            return True
        if token.kind == "char":
            return token.text in "([{" or (token.text == "|" and not self.bare_bars)
        return token.kind == "command" and token.text not in _NON_FACTOR_COMMANDS

    # -- factors -----------------------------------------------------------------------
    def factor(self, after: str = "") -> Piece:
        """One factor with its superscript; every recursion passes through here."""
        self.depth += 1
        try:
            if self.depth > self.caps.max_depth:
                raise AnswerError(
                    f"answer nested too deeply at column {self.peek().column} "
                    f"(limit {self.caps.max_depth} levels)"
                )
            return self.primary(after)
        finally:
            self.depth -= 1

    def primary(self, after: str) -> Piece:
        token = self.peek()
        if token.kind == "end" or not self.starts_factor(token):
            where = f" after `{after}`" if after else ""
            if token.kind == "end":
                raise AnswerError(f"the answer ends{where} at column {token.column}: "
                                  "a term is missing")
            raise AnswerError(f"expected a term{where} at column {token.column}, found "
                              f"{_describe(token)}{_hint(token)}")
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
        if name == r"\lvert":
            return self.absolute(r"\lvert", r"\rvert")
        if name in _FUNCTIONS:
            self.take()
            return self.function(_FUNCTIONS[name], token)
        if name in _STYLE_COMMANDS:
            return self.styled()
        if name.lstrip("\\") in _GREEK:
            return self.identifier()
        raise AnswerError(f"unknown or unsupported LaTeX command `{name}` at column "
                          f"{token.column}{_command_hint(name)}")

    def power(self, base: Piece) -> Piece:
        """An optional superscript on a number, group or function value."""
        if self.at("_"):
            raise AnswerError(f"a subscript on `{self.excerpt(self.pos - 1, self.pos)}` at "
                              f"column {self.peek().column} is not supported")
        if not self.at("^"):
            return base
        self.take()
        script = self.read_script(self.pos)
        self.skip_script(script)
        if script.text in _TRANSPOSE_MARKS:
            raise AnswerError(f"transpose at column {script.column}: only a declared matrix "
                              "can be transposed")
        exponent = self.parse_span(script.span, self.expression, "exponent")
        if self.at("^"):
            raise AnswerError(f"double superscript at column {self.peek().column}: "
                              "use braces, e.g. x^{a^b}")
        return Piece(f"{_wrap(base, P_ATOM)}**{_wrap(exponent, P_ATOM)}", P_POWER)

    def read_script(self, index: int) -> _Script:
        """The argument of `_` or `^` starting at token `index`: a `{...}` group, or one
        letter, one digit or one command (as in TeX)."""
        if index >= self.stop:
            column = self.tokens[index - 1].column
            raise AnswerError(f"`{self.tokens[index - 1].text}` at column {column} has "
                              "nothing after it")
        token = self.tokens[index]
        if token.text == "{" and token.kind == "char":
            close = self.matches[index]
            span = Span(index + 1, close)
        elif _single_script_token(token):
            span = Span(index, index + 1)
        else:
            raise AnswerError(
                f"script `{token.text}` at column {token.column}: put it in braces, "
                "e.g. x^{23} or x_{i+1}"
            )
        text = "".join(t.text for t in self.tokens[span.start: span.stop])
        return _Script(span, text, token.column)

    def skip_script(self, script: _Script) -> None:
        braced = script.span.start > 0 and self.tokens[script.span.start - 1].text == "{" \
            and self.matches.get(script.span.start - 1) == script.span.stop
        self.pos = script.span.stop + (1 if braced else 0)

    # -- brackets ------------------------------------------------------------------------
    def bracketed(self) -> Piece:
        r"""( ), [ ], { }, \left( \right), | |."""
        left = self.take() if self.at(r"\left") else None
        opener = self.peek()
        if opener.text == "|":
            return self.absolute("|", "|", left is not None)
        if opener.kind != "char" or opener.text not in ("(", "[", "{") or (
                left is not None and opener.text == "{"):
            raise AnswerError(f"`\\left{opener.text}` at column {(left or opener).column} is "
                              r"not supported: use \left( or \left[")
        index = self.pos
        close = self.matches[index]
        inner_stop = close
        closing_right = close > index + 1 and self.tokens[close - 1].text == r"\right"
        if closing_right:
            inner_stop -= 1
        if closing_right != (left is not None):
            raise AnswerError(
                f"`{opener.text}` at column {opener.column} and its closing bracket do not "
                r"pair \left with \right"
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
                   "symbols already stand for those values" if after_name else "")
            )
        inner = self.parse_span(parts[0], self.expression, what)
        if opener.text == "{" and inner.prec < P_ATOM and self.at("^"):
            raise AnswerError(
                f"`{{{self.excerpt(index + 1, close)}}}^...` at column {opener.column}: "
                "braces do not print as parentheses; write (...)^{...}"
            )
        grouped = inner if inner.prec == P_ATOM else Piece(f"({inner.text})", P_ATOM)
        return self.power(grouped)

    def absolute(self, opener: str, closer: str, with_left: bool = False) -> Piece:
        start = self.take()
        saved = self.bare_bars
        self.bare_bars = opener == "|" and not with_left
        try:
            if self.bare_bars and saved:
                raise AnswerError(f"nested `|` at column {start.column} is ambiguous: "
                                  r"use \left| ... \right|")
            inner = self.expression()
            if with_left:
                self.expect(r"\right", f"`\\left|` at column {start.column}")
            self.expect(closer, f"`{opener}` at column {start.column}")
        finally:
            self.bare_bars = saved
        return self.power(Piece(f"abs({inner.text})", P_ATOM))

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

    # -- fractions, functions, sums -------------------------------------------------------
    def fraction(self) -> Piece:
        command = self.take()
        numerator = self.fraction_argument(command)
        denominator = self.fraction_argument(command)
        return Piece(f"{_wrap(numerator, P_PRODUCT)}/{_wrap(denominator, P_POWER)}",
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
            r"e.g. \frac{1}{2}"
        )

    def function(self, name: str, command: Token) -> Piece:
        if name not in self.namespace.functions:
            raise AnswerError(f"`{command.text}` ({name}) is not available in this question")
        exponent = self.function_power(command)
        if self.at("_"):
            raise AnswerError(
                f"`{command.text}_...` at column {command.column}: only the natural log "
                r"(\log, \ln) without a base is part of the answer language"
            )
        if name == "sqrt":
            if self.at("["):
                raise AnswerError(f"`\\sqrt[...]` at column {command.column}: only square "
                                  "roots are supported; write x^{1/3}")
            arguments = [self.fraction_argument(command)]
        elif self.at("(") or self.at(r"\left") and self.peek(1).text == "(":
            arguments = self.call_arguments(command)
        elif name in ("max", "min"):
            raise AnswerError(f"`{command.text}` at column {command.column} needs its "
                              r"arguments in parentheses, e.g. \max(a, b)")
        else:
            arguments = [self.bare_argument(command)]
        if name in ("max", "min") and len(arguments) < 2:
            raise AnswerError(f"`{command.text}` at column {command.column} takes at least "
                              "2 arguments")
        if name not in ("max", "min") and len(arguments) != 1:
            raise AnswerError(f"`{command.text}` at column {command.column} takes 1 argument, "
                              f"got {len(arguments)}")
        call = Piece(f"{name}({', '.join(a.text for a in arguments)})", P_ATOM)
        if name == "log" and exponent is None and self.at("^"):
            # log((1-f)^{1-y}) and (log(1-f))^{1-y} are both common readings.
            raise AnswerError(
                f"`{command.text}(...)^{{...}}` at column {command.column} is ambiguous: write "
                f"`{command.text}((...)^{{...}})` or `({command.text}(...))^{{...}}`"
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
                "whole-number power of a function is supported (an inverse is not)"
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
                              f"{command.column} do not pair \\left with \\right")
        self.pos = close + 1
        return [self.parse_span(part, self.expression, f"argument of `{command.text}`")
                for part in self.split_commas(Span(index + 1, inner_stop))]

    def bare_argument(self, command: Token) -> Piece:
        r"""`\log f`: the argument is one factor; `\log f y` is ambiguous."""
        if self.at("+", "-") or not self.starts_factor(self.peek()):
            raise AnswerError(
                f"`{command.text}` at column {command.column} needs an argument, e.g. "
                f"{command.text}(x)"
            )
        argument = self.factor(command.text)
        follower = self.peek()
        if self.starts_factor(follower):
            raise AnswerError(
                f"`{self.excerpt(self.tokens.index(command, 0), self.pos + 1)}` at column "
                f"{command.column} is ambiguous: write {command.text}(...) with parentheses "
                "around the whole argument"
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
                raise AnswerError(f"double `{mark.text}` on `\\sum` at column {command.column}")
            if mark.text == "_":
                lower = script
            else:
                upper = script
        if lower is None or upper is None:
            raise AnswerError(f"`\\sum` at column {command.column} needs both bounds, "
                              r"e.g. \sum_{j=1}^{K}")
        index, first = self.summation_index(lower, command)
        last = self.parse_span(upper.span, self.expression, "upper bound of the sum")
        if self.at("+", "-") or not self.starts_factor(self.peek()):
            raise AnswerError(f"`\\sum` at column {command.column} needs a body; a sign "
                              "right after it is ambiguous, put the body in parentheses")
        self.bound.append(index)
        try:
            body, closed = self.term(after=r"\sum")
        finally:
            self.bound.pop()
        self.term_sums[-1].extend([index, *closed])
        return Piece(f"Sum({body.text}, ({index}, {first.text}, {last.text}))", P_ATOM)

    def summation_index(self, lower: _Script, command: Token) -> tuple[str, Piece]:
        tokens = self.tokens[lower.span.start: lower.span.stop]
        if len(tokens) < 3 or tokens[0].kind != "letter" or tokens[1].text != "=":
            raise AnswerError(f"the lower bound of `\\sum` at column {command.column} must be "
                              "`index = start`, e.g. \\sum_{j=1}^{K}")
        index = tokens[0].text
        if isinstance(self.namespace.lookup(index), Vector | MatrixName):
            raise AnswerError(f"`{index}` is a vector of this question and cannot be a "
                              "summation index")
        start = Span(lower.span.start + 2, lower.span.stop)
        return index, self.parse_span(start, self.expression, "lower bound of the sum")

    def styled(self) -> Piece:
        r"""\mathrm{Diag}(p), \operatorname{erf}(x), \mathbf{x}, \boldsymbol{\theta}."""
        command = self.take()
        word, inner = self.group_word(command)
        if word in _NAMED_FUNCTIONS:
            return self.function(_NAMED_FUNCTIONS[word], command)
        if len(inner) > 1 and word.isalnum() and self.namespace.lookup(word) is not None:
            # A declared multi-letter name written upright: \mathrm{fullconv}_n.
            name = Token("letter", word, inner[0].start, inner[-1].stop)
            return self.identifier(base_token=name, begin=command.start)
        if len(inner) == 1 and (inner[0].kind == "letter" or inner[0].text.lstrip("\\") in _GREEK):
            return self.identifier(base_token=inner[0], begin=command.start)
        raise AnswerError(f"`{command.text}{{{word}}}` at column {command.column} is not a "
                          "function or symbol of the answer language")

    def group_word(self, command: Token) -> tuple[str, list[Token]]:
        """The tokens of the `{...}` after a style command and their text."""
        if not (self.at("{")):
            raise AnswerError(f"`{command.text}` at column {command.column} needs braces")
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
                              r"only \begin{cases} ... \end{cases}")
        rows: list[tuple[str, str]] = []
        otherwise: str | None = None
        while True:
            if otherwise is not None:
                raise AnswerError(f"a row after the `otherwise` row at column "
                                  f"{self.peek().column}: `otherwise` must be last")
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
                                  f"found {_describe(token)}")
            if self.at(r"\end"):
                break
        end = self.take()
        if self.group_word(end)[0] != "cases":
            raise AnswerError(rf"`\end` at column {end.column} must close `cases`")
        return _piecewise(rows, otherwise, begin)

    def case_condition(self) -> str | None:
        words = self.text_words()
        if words in ("otherwise", "else"):
            return None
        if words not in ("", "if"):
            raise AnswerError(f"`\\text{{{words}}}` at column {self.tokens[self.pos - 1].column}:"
                              " a condition reads `\\text{if } ...` or `\\text{otherwise}`")
        parts = [self.relation()]
        joiner = ""
        while True:
            connector = self.connector()
            if connector is None:
                break
            if joiner and connector != joiner:
                raise AnswerError(f"mixing `and` and `or` at column {self.peek().column} is "
                                  "ambiguous: split the case into rows")
            joiner = connector
            parts.append(self.relation())
        if len(parts) == 1:
            return parts[0]
        return f" {joiner} ".join(f"({p})" for p in parts)

    def text_words(self) -> str:
        r"""The words of one \text{...} (or none): `if`, `otherwise`, `and`, `or`."""
        if not self.at(*_TEXT_COMMANDS):
            return ""
        command = self.take()
        word, inner = self.group_word(command)
        if any(t.kind != "letter" for t in inner):
            raise AnswerError(f"`{command.text}{{...}}` at column {command.column} may hold only "
                              "the words if, otherwise, and, or")
        return word

    def connector(self) -> str | None:
        if self.at(*_AND):
            self.take()
            return "&"
        if self.at(*_OR):
            self.take()
            return "|"
        if self.at(*_TEXT_COMMANDS):
            saved = self.pos
            word = self.text_words()
            if word in ("and", "or"):
                return "&" if word == "and" else "|"
            self.pos = saved
            raise AnswerError(f"`\\text{{{word}}}` at column {self.peek().column} cannot join "
                              "conditions: use \\text{and} or \\text{or}")
        return None

    def relation(self) -> str:
        """`a \\le i \\le b`: a chained comparison of expressions."""
        parts = [self.expression().text]
        while self.at(*_RELATIONS):
            token = self.take()
            relation = _RELATIONS[token.text]
            if token.text in "<>" and self.at("=") and not self.peek().spaced:
                self.take()
                relation += "="
            parts.extend([relation, self.expression().text])
        if len(parts) == 1:
            token = self.peek()
            raise AnswerError(f"a condition must compare two things: found {_describe(token)} "
                              f"at column {token.column} instead of a relation such as \\le")
        return " ".join(parts)

    # -- identifiers ------------------------------------------------------------------------
    def identifier(
        self, allow_scripts: bool = True, base_token: Token | None = None, begin: int = -1
    ) -> Piece:
        """A letter or Greek letter with its subscript and superscript, mapped to the
        namespace (see `resolve_identifier`)."""
        token = base_token or self.take()
        begin = token.start if begin < 0 else begin
        base = token.text.lstrip("\\")
        sub = sup = None
        while allow_scripts and self.at("_", "^"):
            mark = self.take()
            script = self.read_script(self.pos)
            self.skip_script(script)
            if (sub if mark.text == "_" else sup) is not None:
                raise AnswerError(f"double {'subscript' if mark.text == '_' else 'superscript'} "
                                  f"on `{token.text}` at column {token.column}")
            if mark.text == "_":
                sub = script
            else:
                sup = script
        if sub is None and sup is None:
            glued = self.glued_digits(token)
            if glued:
                return glued
        if self.at("'"):
            raise AnswerError(f"`'` at column {self.peek().column} is ambiguous (derivative or "
                              r"transpose): write ^\top for a transpose")
        written = self.source[begin: self.tokens[self.pos - 1].stop]
        return resolve_identifier(self, token, written, base, sub, sup)

    def glued_digits(self, token: Token) -> Piece | None:
        """`k1` (no space) is the declared scalar k1, or an error: never `k*1`."""
        follower = self.peek()
        if follower.kind != "number" or follower.spaced or token.kind != "letter":
            return None
        name = token.text + follower.text
        if isinstance(self.namespace.lookup(name), Variable):
            self.take()
            return Piece(name, P_ATOM)
        raise AnswerError(
            f"`{name}` at column {token.column} is ambiguous: write "
            f"{token.text}_{{{follower.text}}} for a subscript or {follower.text}{token.text} "
            "for a product"
        )

    def plain_name(self, token: Token) -> Piece:
        """A name without scripts: a summation index or a declared scalar or matrix."""
        name = token.text.lstrip("\\")
        if name in self.bound:
            return Piece(name, P_ATOM)
        if name in self.dangling:
            raise AnswerError(
                f"`{name}` at column {token.column} comes after the body of a sum over {name} "
                "ended: it is ambiguous whether it is inside the sum; put the body in "
                "parentheses"
            )
        item = self.namespace.lookup(name)
        if isinstance(item, Variable | MatrixName):
            return Piece(name, P_ATOM)
        if isinstance(item, Vector):
            raise AnswerError(f"`{token.text}` at column {token.column} is indexed: write "
                              f"{token.text}_{{i}}")
        if name == "e":
            return Piece("exp(1)", P_ATOM)
        raise AnswerError(f"unknown symbol `{token.text}` at column {token.column}; "
                          f"this question allows {self.allowed()}")

    def allowed(self) -> str:
        names = ", ".join(self.namespace.names()) or "no symbols"
        return f"{names} (subscripts as in the assignment: k_1 for k1, x_{{i+1}} for x[i+1])"

    def index_list(self, vector: Vector, script: _Script) -> list[str]:
        """The indices of `vector` written in `script`: `i+1`, `j,i`, or `ji` (rank 2)."""
        parts = self.split_commas(script.span)
        tokens = self.tokens[script.span.start: script.span.stop]
        if len(parts) == 1 and vector.rank == 2 and len(tokens) == 2 and all(
                t.kind == "letter" or (t.kind == "number" and len(t.text) == 1) for t in tokens):
            return [self.index_piece(Span(i, i + 1)) for i in range(script.span.start,
                                                                   script.span.stop)]
        if len(parts) != vector.rank:
            raise AnswerError(
                f"`{vector.name}` takes {vector.rank} ind{'ex' if vector.rank == 1 else 'ices'}"
                f", got `{script.text}` at column {script.column}"
                + (" (separate them with a comma)" if vector.rank > 1 else "")
            )
        return [self.index_piece(part) for part in parts]

    def index_piece(self, span: Span) -> str:
        self.in_index += 1
        try:
            return self.parse_span(span, self.expression, "subscript").text
        finally:
            self.in_index -= 1


def resolve_identifier(
    parser: _Parser, token: Token, written: str, base: str, sub: _Script | None,
    sup: _Script | None,
) -> Piece:
    """Map a letter with scripts to the namespace; several readings or none is an error.

    - `p^\\top` / `p^T`: transpose of a declared matrix.
    - `W^{(1)}_{ji}`: a parenthesised superscript is a layer label: W1[j, i].
    - `w^2_{n-i+1}`: a digit superscript with a subscript is a label (w2[...]) or a
      power (w[...]^2), whichever the namespace allows; both or neither is an error.
    - `x^2`: a power. `e^{x}` (e not declared): exp(x).
    - `k_1`: the scalar k1; `x_{i+1}`: x[i+1]; both possible is an error.
    """
    candidates = (base, *_GREEK_ALIASES.get(base, ()))
    if sup is not None and sup.text in _TRANSPOSE_MARKS and not _declared_scalar(parser, sup):
        names = _declared(parser, candidates, written, token)
        if sub is not None or not names or not isinstance(parser.namespace.lookup(names[0]),
                                                            MatrixName):
            raise AnswerError(f"transpose at column {sup.column}: only a declared matrix "
                              f"can be transposed, not `{written}`")
        return Piece(f"{names[0]}.T", P_ATOM)
    label = re.fullmatch(r"\((\d+)\)", sup.text) if sup else None
    if label:
        names = _declared(parser, [c + label.group(1) for c in candidates], written, token)
        if not names:
            raise _unknown(parser, written, token)
        return _named(parser, names[0], sub, written, token)
    if sup is not None and sup.text.isdigit() and sub is not None:
        labelled = _readings(parser, [c + sup.text for c in candidates], sub)
        powered = _readings(parser, candidates, sub)
        if labelled and powered:
            shown = [f"{n}[{sub.text}]" if how == "index" else n for n, how in labelled]
            shown += [f"({n}[{sub.text}])^{sup.text}" if how == "index" else f"{n}^{sup.text}"
                      for n, how in powered]
            raise AnswerError(f"`{written}` at column {token.column} is ambiguous: it could be "
                              f"{' or '.join(shown)}")
        if labelled:
            return _build(parser, labelled, sub, written, token)
        entry = _build(parser, powered, sub, written, token)
        return Piece(f"{entry.text}**{sup.text}", P_POWER)
    if sup is not None and base == "e" and sub is None and not parser.namespace.lookup("e"):
        exponent = parser.parse_span(sup.span, parser.expression, "exponent")
        return Piece(f"exp({exponent.text})", P_ATOM)
    if sub is None:
        names = _declared(parser, candidates, written, token)
        entry = parser.plain_name(Token(token.kind, names[0] if names else base, token.start,
                                        token.stop))
    else:
        entry = _build(parser, _readings(parser, candidates, sub), sub, written, token)
    if sup is None:
        return entry
    exponent = parser.parse_span(sup.span, parser.expression, "exponent")
    return Piece(f"{_wrap(entry, P_ATOM)}**{_wrap(exponent, P_ATOM)}", P_POWER)


def _declared_scalar(parser: _Parser, sup: _Script) -> bool:
    """`x^T` is a power when T is a scalar of the question (then never a transpose)."""
    return sup.text == "T" and isinstance(parser.namespace.lookup("T"), Variable)


def _declared(parser: _Parser, names: list[str] | tuple[str, ...], written: str,
              token: Token) -> list[str]:
    """The names the namespace declares; an alias that fits two of them is an error."""
    found = [n for n in names if parser.namespace.lookup(n) is not None]
    if len(found) > 1:
        raise AnswerError(f"`{written}` at column {token.column} is ambiguous: it could be "
                          f"{' or '.join(found)}")
    return found


def _readings(
    parser: _Parser, names: list[str] | tuple[str, ...], sub: _Script
) -> list[tuple[str, str]]:
    """(name, how) for each way `name` with subscript `sub` is declared: "concat" for the
    scalar name + subscript (k_1 -> k1), "index" for an indexed vector (x_{i} -> x[i])."""
    found: list[tuple[str, str]] = []
    for name in names:
        if sub.text.isalnum() and isinstance(parser.namespace.lookup(name + sub.text),
                                             Variable | MatrixName):
            found.append((name + sub.text, "concat"))
        if isinstance(parser.namespace.lookup(name), Vector):
            found.append((name, "index"))
    return found


def _build(
    parser: _Parser, readings: list[tuple[str, str]], sub: _Script, written: str, token: Token
) -> Piece:
    if not readings:
        raise _unknown(parser, written, token)
    if len(readings) > 1:
        shown = [f"{n}[{sub.text}]" if how == "index" else n for n, how in readings]
        raise AnswerError(f"`{written}` at column {token.column} is ambiguous: it could be "
                          f"{' or '.join(shown)}")
    name, how = readings[0]
    if how == "concat":
        return Piece(name, P_ATOM)
    return _named(parser, name, sub, written, token)


def _named(parser: _Parser, name: str, sub: _Script | None, written: str, token: Token) -> Piece:
    """A declared name, indexed by `sub` when it is a vector."""
    item = parser.namespace.lookup(name)
    if isinstance(item, Vector):
        if sub is None:
            raise AnswerError(f"`{written}` at column {token.column} is indexed: add its "
                              "subscript")
        return Piece(f"{name}[{', '.join(parser.index_list(item, sub))}]", P_ATOM)
    if sub is not None:
        return _build(parser, _readings(parser, [name], sub), sub, written, token)
    return Piece(name, P_ATOM)


def _unknown(parser: _Parser, written: str, token: Token) -> AnswerError:
    return AnswerError(f"unknown symbol `{written}` at column {token.column}; this question "
                       f"allows {parser.allowed()}")


def _single_script_token(token: Token) -> bool:
    """What TeX takes as a script without braces: one letter, digit or symbol command."""
    if token.kind == "command":
        return token.text.lstrip("\\") in _GREEK or token.text in _TRANSPOSE_MARKS
    return token.kind == "letter" or (token.kind == "number" and len(token.text) == 1)


def _piecewise(rows: list[tuple[str, str]], otherwise: str | None, begin: Token) -> Piece:
    if not rows:
        raise AnswerError(rf"`\begin{{cases}}` at column {begin.column} needs a row with a "
                          "condition")
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


def _describe(token: Token) -> str:
    return "the end of the answer" if token.kind == "end" else f"`{token.text}`"


def _hint(token: Token) -> str:
    if token.text in _RELATIONS or token.text in ("<", ">"):
        return r": comparisons belong in the conditions of \begin{cases}"
    if token.text in ("&", r"\\"):
        return r": `&` and `\\` belong in \begin{cases}"
    if token.text == ",":
        return ": a comma only separates function arguments, indices or list items"
    if token.text in (")", "]", "}", r"\right"):
        return ": it closes nothing here"
    if token.text in _TEXT_COMMANDS:
        return r": \text is only for `if`, `otherwise`, `and`, `or` in \begin{cases}"
    return ""


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
