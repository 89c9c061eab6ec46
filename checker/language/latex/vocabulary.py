"""What the LaTeX front end knows by name: the commands it maps, refuses or skips, the
characters it accepts, and how tightly translated pieces bind."""

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
# Functions with a fixed name in the plain-text language.
FUNCTIONS = {
    r"\log": "log", r"\ln": "log", r"\exp": "exp", r"\tanh": "tanh", r"\sigma": "sigmoid",
    r"\max": "max", r"\min": "min", r"\sqrt": "sqrt",
}
# Names written as \operatorname{...}, \mathrm{...} or \mathbf{...}.
NAMED_FUNCTIONS = {
    "diag": "diag", "Diag": "diag", "erf": "erf", "sigmoid": "sigmoid", "exp": "exp",
    "log": "log", "ln": "log", "tanh": "tanh", "max": "max", "min": "min",
}
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
    r"\rvert",
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
