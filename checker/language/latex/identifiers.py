"""Identifiers: a letter (or Greek letter, or upright name) with its subscript and
superscript, mapped to the question's namespace."""

from __future__ import annotations

import re

from checker.language.latex.cursor import Script
from checker.language.latex.expressions import ExpressionParser
from checker.language.latex.tokens import Piece, Span, Token, wrap
from checker.language.latex.vocabulary import GREEK_ALIASES, P_ATOM, P_POWER, TRANSPOSE_MARKS
from checker.model.errors import AnswerError
from checker.model.namespace import MatrixName, Variable, Vector


class IdentifierParser(ExpressionParser):
    """Letters with scripts, read against the namespace: never a guess between readings."""

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
                                  f"on `{token.text}` at column {token.column}",
                                  column=token.column,
                                  excerpt=self.source[begin: self.tokens[self.pos - 1].stop])
            if mark.text == "_":
                sub = script
            else:
                sup = script
        if sub is None and sup is None:
            glued = self.glued_digits(token)
            if glued:
                return glued
        if self.at("'"):
            prime = self.peek()
            raise AnswerError(f"`'` at column {prime.column} is ambiguous (derivative or "
                              r"transpose): write ^\top for a transpose", column=prime.column,
                              excerpt=prime.text)
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
            "for a product", column=token.column, excerpt=name,
        )

    def plain_name(self, token: Token) -> Piece:
        """A name without scripts: a summation index or a declared scalar or matrix."""
        name = token.text.lstrip("\\")
        written = self.source[token.start: token.stop]  # token.text may be an alias's target
        if name in self.bound:
            return Piece(name, P_ATOM)
        if name in self.dangling:
            raise AnswerError(
                f"`{name}` at column {token.column} comes after the body of a sum over {name} "
                "ended: it is ambiguous whether it is inside the sum; put the body in "
                "parentheses", column=token.column, excerpt=written,
            )
        item = self.namespace.lookup(name)
        if isinstance(item, Variable | MatrixName):
            return Piece(name, P_ATOM)
        if isinstance(item, Vector):
            raise AnswerError(f"`{token.text}` at column {token.column} is indexed: write "
                              f"{token.text}_{{i}}", column=token.column, excerpt=written)
        if name == "e":
            return Piece("exp(1)", P_ATOM)
        raise AnswerError(f"unknown symbol `{token.text}` at column {token.column}; "
                          f"this question allows {self.allowed()}", column=token.column,
                          excerpt=written)

    def allowed(self) -> str:
        names = ", ".join(self.namespace.names()) or "no symbols"
        return f"{names} (subscripts as in the assignment: k_1 for k1, x_{{i+1}} for x[i+1])"

    def index_list(self, vector: Vector, script: Script) -> list[str]:
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
                + (" (separate them with a comma)" if vector.rank > 1 else ""),
                column=script.column, excerpt=script.written,
            )
        return [self.index_piece(part) for part in parts]

    def index_piece(self, span: Span) -> str:
        self.in_index += 1
        try:
            return self.parse_span(span, self.expression, "subscript").text
        finally:
            self.in_index -= 1


def resolve_identifier(
    parser: IdentifierParser, token: Token, written: str, base: str, sub: Script | None,
    sup: Script | None,
) -> Piece:
    """Map a letter with scripts to the namespace; several readings or none is an error.

    - `p^\\top` / `p^T`: transpose of a declared matrix.
    - `W^{(1)}_{ji}`: a parenthesised superscript is a layer label: W1[j, i].
    - `w^2_{n-i+1}`: a digit superscript with a subscript is a label (w2[...]) or a
      power (w[...]^2), whichever the namespace allows; both or neither is an error.
    - `x^2`: a power. `e^{x}` (e not declared): exp(x).
    - `k_1`: the scalar k1; `x_{i+1}`: x[i+1]; both possible is an error.
    """
    candidates = (base, *GREEK_ALIASES.get(base, ()))
    if sup is not None and sup.text in TRANSPOSE_MARKS and not _declared_scalar(parser, sup):
        names = _declared(parser, candidates, written, token)
        if sub is not None or not names or not isinstance(parser.namespace.lookup(names[0]),
                                                            MatrixName):
            raise AnswerError(f"transpose at column {sup.column}: only a declared matrix "
                              f"can be transposed, not `{written}`", column=sup.column,
                              excerpt=sup.written)
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
                              f"{' or '.join(shown)}", column=token.column, excerpt=written)
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
    return Piece(f"{wrap(entry, P_ATOM)}**{wrap(exponent, P_ATOM)}", P_POWER)


def _declared_scalar(parser: IdentifierParser, sup: Script) -> bool:
    """`x^T` is a power when T is a scalar of the question (then never a transpose)."""
    return sup.text == "T" and isinstance(parser.namespace.lookup("T"), Variable)


def _declared(parser: IdentifierParser, names: list[str] | tuple[str, ...], written: str,
              token: Token) -> list[str]:
    """The names the namespace declares; an alias that fits two of them is an error."""
    found = [n for n in names if parser.namespace.lookup(n) is not None]
    if len(found) > 1:
        raise AnswerError(f"`{written}` at column {token.column} is ambiguous: it could be "
                          f"{' or '.join(found)}", column=token.column, excerpt=written)
    return found


def _readings(
    parser: IdentifierParser, names: list[str] | tuple[str, ...], sub: Script
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
    parser: IdentifierParser, readings: list[tuple[str, str]], sub: Script, written: str, token: Token
) -> Piece:
    if not readings:
        raise _unknown(parser, written, token)
    if len(readings) > 1:
        shown = [f"{n}[{sub.text}]" if how == "index" else n for n, how in readings]
        raise AnswerError(f"`{written}` at column {token.column} is ambiguous: it could be "
                          f"{' or '.join(shown)}", column=token.column, excerpt=written)
    name, how = readings[0]
    if how == "concat":
        return Piece(name, P_ATOM)
    return _named(parser, name, sub, written, token)


def _named(parser: IdentifierParser, name: str, sub: Script | None, written: str, token: Token) -> Piece:
    """A declared name, indexed by `sub` when it is a vector."""
    item = parser.namespace.lookup(name)
    if isinstance(item, Vector):
        if sub is None:
            raise AnswerError(f"`{written}` at column {token.column} is indexed: add its "
                              "subscript", column=token.column, excerpt=written)
        return Piece(f"{name}[{', '.join(parser.index_list(item, sub))}]", P_ATOM)
    if sub is not None:
        return _build(parser, _readings(parser, [name], sub), sub, written, token)
    return Piece(name, P_ATOM)


def _unknown(parser: IdentifierParser, written: str, token: Token) -> AnswerError:
    return AnswerError(f"unknown symbol `{written}` at column {token.column}; this question "
                       f"allows {parser.allowed()}", column=token.column, excerpt=written)
