"""What the LaTeX front end knows by name: the commands it maps, refuses or skips, the
characters it accepts, and how tightly translated pieces bind.

Which LaTeX spelling is which function comes from the language's registry
(checker.model.functions.FUNCTIONS, `FunctionSpec.latex`); whether a question allows
it is checked where the spelling is read."""

from __future__ import annotations

import re

from checker.model.functions import FUNCTIONS as LANGUAGE

# Commands that can do more than typeset in real TeX: refused by name, up front.
MACRO_COMMANDS = frozenset({
    r"\input", r"\include", r"\includeonly", r"\def", r"\edef", r"\gdef", r"\xdef",
    r"\let", r"\newcommand", r"\renewcommand", r"\providecommand", r"\DeclareMathOperator",
    r"\newenvironment", r"\renewenvironment", r"\catcode", r"\write", r"\immediate",
    r"\openin", r"\openout", r"\read", r"\csname", r"\endcsname", r"\expandafter",
    r"\usepackage", r"\documentclass", r"\special", r"\directlua", r"\loop",
    r"\makeatletter", r"\makeatother", r"\jobname", r"\string", r"\uppercase",
    r"\lowercase", r"\begingroup", r"\endgroup", r"\verb", r"\url", r"\href",
})
# Pure spacing: dropped by the tokenizer (it only records that a space was there).
SPACING = frozenset({
    r"\,", r"\;", r"\:", r"\!", "\\ ", r"\quad", r"\qquad", r"\displaystyle",
    r"\textstyle", r"\limits", r"\nolimits",
})
_COMMAND = re.compile(r"\\[A-Za-z]+")
_WORD = re.compile(r"\\operatorname\{([A-Za-z]+)\}")
_DELIMITERS = re.compile(r"(\||\\[A-Za-z]+) x (\||\\[A-Za-z]+)")


def _spellings() -> tuple[dict[str, str], dict[str, str], dict[str, tuple[str, str]]]:
    """The registry's LaTeX spellings, by shape: commands (`\\log`), upright words
    (`\\operatorname{erf}`), and delimiters around the argument (`\\lfloor x \\rfloor`:
    opener -> (closer, function)). A spelling of another shape, or a command or word that
    two spellings claim, fails at import."""
    commands: dict[str, str] = {}
    words: dict[str, str] = {}
    delimiters: dict[str, tuple[str, str]] = {}
    for spec in LANGUAGE.values():
        for spelling in spec.latex:
            word = _WORD.fullmatch(spelling)
            pair = _DELIMITERS.fullmatch(spelling)
            if _COMMAND.fullmatch(spelling):
                claimed = spelling in commands or spelling in delimiters
                commands[spelling] = spec.name
            elif word:
                claimed = word.group(1) in words
                words[word.group(1)] = spec.name
            elif pair:
                claimed = pair.group(1) in commands or pair.group(1) in delimiters
                delimiters[pair.group(1)] = (pair.group(2), spec.name)
            else:
                raise ValueError(f"LaTeX spelling {spelling!r} of `{spec.name}` has no known shape")
            if claimed:
                raise ValueError(f"LaTeX spelling {spelling!r} of `{spec.name}` is claimed twice")
    return commands, words, delimiters


# Commands that are functions (`\log` -> log); words written as \operatorname{...},
# \mathrm{...} or \mathbf{...} (`Diag` -> diag); delimiters around an argument
# (`\lfloor` -> (`\rfloor`, floor); `|` -> (`|`, abs)).
COMMAND_FUNCTIONS, WORD_FUNCTIONS, DELIMITED_FUNCTIONS = _spellings()
DELIMITER_CLOSERS = frozenset(closer for closer, _ in DELIMITED_FUNCTIONS.values())
STYLE_COMMANDS = frozenset({r"\mathrm", r"\operatorname", r"\mathbf", r"\boldsymbol", r"\bm"})
GREEK = frozenset({
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "rho", "tau", "upsilon",
    "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi",
    "Sigma", "Upsilon", "Phi", "Psi", "Omega",
})
# The assignment writes weights as omega; the namespaces call them w2, W1, W2. An alias
# is used only when exactly one candidate is declared (else: error, never a guess).
GREEK_ALIASES = {"omega": ("w", "W")}
RELATIONS = {
    "<": "<", ">": ">", r"\lt": "<", r"\gt": ">", r"\le": "<=", r"\leq": "<=",
    r"\leqslant": "<=", r"\ge": ">=", r"\geq": ">=", r"\geqslant": ">=", "=": "==",
    r"\ne": "!=", r"\neq": "!=",
}
AND = frozenset({r"\land", r"\wedge"})
OR = frozenset({r"\lor", r"\vee"})
EXPLICIT_PRODUCT = {r"\cdot": "*", r"\times": "*", "/": "/", r"\div": "/"}
TRANSPOSE_MARKS = frozenset({r"\top", "T", r"\intercal", r"\mathsf{T}", r"\mathrm{T}"})
# Commands that end a factor instead of starting one.
TEXT_COMMANDS = frozenset({r"\text", r"\textrm", r"\mbox"})
NON_FACTOR_COMMANDS = frozenset({
    *EXPLICIT_PRODUCT, *RELATIONS, *AND, *OR, *TEXT_COMMANDS, r"\right", r"\\", r"\end",
    *(closer for closer in DELIMITER_CLOSERS if closer.startswith("\\")),
})
CHARS = frozenset("+-*/^_()[]{},=<>&|.'")
FORBIDDEN_CHARS = {
    "%": "`%` starts a LaTeX comment, which would hide the rest of the line",
    "#": "`#` is a macro parameter",
    "$": "`$` may only enclose the whole answer",
    "!": "`!` (factorial) is not part of the answer language",
    ";": "`;` is not part of a LaTeX answer",
}
OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {v: k for k, v in OPENERS.items()}

# Binding strength of a translated piece: a piece is wrapped in parentheses when it
# binds less tightly than its position needs, so the plain text means what the LaTeX
# means without a forest of parentheses.
P_CONDITION, P_SUM, P_PRODUCT, P_POWER, P_ATOM = range(5)
