r"""LaTeX answers: a small tokenizer and recursive-descent translator to the plain-text
answer language (docs/contract.md, "LaTeX answers"; docs/latex.md has the measurements).

Layers, each importing only the ones before it: `vocabulary` (what is known by name),
`tokens` (tokenizer and bracket matching), then the parser as a chain of classes:
`cursor.Cursor` (state, token access), `expressions.ExpressionParser` (sums, products,
powers, brackets), `identifiers.IdentifierParser` (letters with scripts, mapped to the
namespace), `commands.CommandParser` (\frac, functions, \sum, cases) and
`parser.Parser` (the whole answer: word, expression, list or chain).

Why a translator and not a third-party LaTeX parser: those build SymPy objects
themselves, which would bypass the whitelist of `checker.language.textparse`, and on the
assignment's own formulas they read `f -` as `f`, `\input{x}` as a product, `\log` as
base 10 or `-y\log(f) - (1-y)\log(1-f)` as one product. Here LaTeX only becomes text;
the text then goes through `parse_text`, which stays the single gate.

Safety: the input is capped (length, ASCII after NFKC, bracket depth) before parsing,
macro and file commands are refused by name, and every recursive path passes through
`ExpressionParser.factor`, which counts its depth, so deep input is an error, never a
RecursionError. Anything that cannot be mapped with certainty is an AnswerError naming
the part and its column, which it also carries as `column` and `excerpt`. Columns count
in the answer as prepared for the tokenizer: after NFKC, trimming, and removing `$...$`
or `\[...\]`.
"""

from __future__ import annotations

import unicodedata

from checker.language.latex.parser import Parser
from checker.language.latex.tokens import tokenize
from checker.language.textparse import DEFAULT_CAPS, InputCaps
from checker.model.errors import AnswerError
from checker.model.namespace import Namespace

__all__ = ["latex_to_text"]


def latex_to_text(
    tex: str, namespace: Namespace, chain: bool = False, caps: InputCaps = DEFAULT_CAPS
) -> str:
    """Translate a LaTeX answer into the plain-text answer language.

    A chain (chain=True) keeps its top-level `=` as ` = `. Otherwise a left side that is
    only a label (`z =`, `L_{CE} =`, `|a^2| =`, not a symbol of the question) is dropped.
    """
    source = _prepare(tex, caps)
    tokens, matches = tokenize(source, caps)
    parser = Parser(source, tokens, matches, namespace, caps)
    try:
        if namespace.words:
            return parser.word()
        return parser.answer(chain)
    except RecursionError:
        # The parser counts its own depth; this is a second line of defence only.
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
                "(only ASCII after Unicode normalisation)", column=position + 1, excerpt=char
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
