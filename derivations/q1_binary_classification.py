"""Question 1: binary classification output, cross-entropy and MSE through a sigmoid.

Variables: f in (0, 1) the network output, y in {0, 1} the class label (binary
classification: so `-log(f) if y == 1 else -log(1-f)` is as right as the seed's
form; identities are proved for every real y where the canonical forms can, else
for y = 0 and y = 1 in turn), a the pre-activation. Answers may use `a` or `f`; they are
compared as functions of (f, y) through the bijection a = logit(f), f = sigmoid(a),
so derivatives come out rational in f and counterexamples are exact.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import sympy as sp
from sympy.calculus.util import continuous_domain

from checker.authoring import expression
from checker.model.claims import Decided, Equal
from checker.model.errors import AnswerError
from checker.model.namespace import LABEL, OPEN_UNIT, REAL, Namespace, Variable
from checker.model.notation import DocumentSpec, Notation
from checker.model.options import Options
from checker.model.question import AnswerKind, Example, PlotSpec, Question
from checker.model.verdict import Counterexample, Outcome, Status, StepResult
from checker.prove.canonical import open_unit_substitution
from checker.prove.sampling import evaluate
from derivations.definitions import (
    bernoulli,
    cross_entropy,
    logistic,
    logit,
    mean_squared_error,
)

F = Variable("f", OPEN_UNIT, "network output f(x, θ) = g(a)")
# 1.1 asks for the function g; the course's solution writes it as g(x), so its argument
# may be called x as well as a (never both in one answer): x is then read as a.
G_ARGUMENT = Variable("x", REAL, "the argument of g where g is written g(x): read as a")
Y = Variable("y", LABEL, "the target class label, 0 or 1")
A = Variable("a", REAL, "pre-activation a(x, θ), with f = sigmoid(a)")
f, y, a = F.symbol, Y.symbol, A.symbol
DOMAINS = ((f, OPEN_UNIT), (y, LABEL))
F_Y = {"f": ("(0,1)", F.meaning), "y": ("{0,1}", Y.meaning)}  # 1.3-1.6 answer in f and y ...
A_IS_LOGIT = {"a": ((lambda n: logit(n.f)), A.meaning)}  # ... 1.4 and 1.6 in a = logit(f) too


def ce_loss() -> sp.Expr:
    """Cross-entropy of the target distribution (y, 1-y) against (f, 1-f)."""
    return cross_entropy(bernoulli(y, y), bernoulli(y, f))


def mse_loss() -> sp.Expr:
    return mean_squared_error([y], [f])


def gradient_through_sigmoid(loss: sp.Expr) -> sp.Expr:
    """d loss / d a with f = sigmoid(a), by SymPy, expressed back in f."""
    in_a = loss.xreplace({f: logistic(a)})
    return sp.diff(in_a, a).xreplace({a: logit(f)})


def in_f(answer: sp.Expr) -> sp.Expr:
    return answer.xreplace({a: logit(f)})


def labels_resolved(answer: sp.Expr) -> sp.Expr:
    """abs(t) as t or -t where the sign of t is known on f in (0, 1) for each label in turn
    (`abs(1 - y - f)` is 1 - f at y = 0 and f at y = 1), a case split on y when the two
    differ: equal to the answer on the whole domain, and in the forms the canonical
    rewriting proves. An abs whose sign is not known for some label stays."""
    odds = open_unit_substitution(DOMAINS)

    def resolved(t: sp.Expr) -> sp.Expr:
        signs = []
        for label in LABEL.values():
            value = sp.together(t.xreplace({y: label}).xreplace(odds))
            if value.is_nonnegative:
                signs.append(1)
            elif value.is_nonpositive:
                signs.append(-1)
            else:
                return sp.Abs(t)
        if signs[0] == signs[1]:
            return signs[0] * t
        return sp.Piecewise((signs[0] * t, sp.Eq(y, 0)), (signs[1] * t, True))

    return answer.replace(lambda e: isinstance(e, sp.Abs), lambda e: resolved(e.args[0]))


# 1.1 ----------------------------------------------------------------------------
def output_activation_claim(g: sp.Expr, options: Options) -> Decided:
    """g must map every real into (0, 1), increase, and tend to 0 and 1. Its argument may
    be written a or x (the course's solution writes g(x)), not both."""
    if G_ARGUMENT.symbol in g.free_symbols:
        if a in g.free_symbols:
            raise AnswerError("g is a function of one argument: write it in a or in x, not both")
        g = g.xreplace({G_ARGUMENT.symbol: a})
    extra = g.free_symbols - {a}
    if extra:
        raise AnswerError(f"g is a function of a alone; it mentions {', '.join(map(str, extra))}")

    def decide() -> Outcome:
        steps: list[StepResult] = []
        for end, needed in ((-sp.oo, 0), (sp.oo, 1)):
            text = f"limit a -> {end} is {needed}"
            try:
                value = sp.limit(g.rewrite(sp.exp), a, end)
            except (NotImplementedError, ValueError, TypeError):
                steps.append(StepResult(text, Status.UNDECIDED, "limit not computed"))
                continue
            if value != needed:
                cx = Counterexample((), sp.sstr(value), str(needed), f"limit as a -> {end}",
                                    "a binary classifier's output must tend to 0 and 1")
                steps.append(StepResult(text, Status.REFUTED, "SymPy limit", cx))
                return _property_outcome(Status.REFUTED, steps, cx)
            steps.append(StepResult(text, Status.VERIFIED, "SymPy limit"))
        violation = _grid_violation(g)
        if violation is not None:
            text, cx = violation
            steps.append(StepResult(text, Status.REFUTED, f"evaluation on {GRID_TEXT}", cx))
            return _property_outcome(Status.REFUTED, steps, cx)
        if not _continuous(g):
            # SymPy differentiates a Piecewise branch by branch and ignores its jumps, so
            # "g' > 0 and limits 0, 1" proves nothing about a g that may jump.
            steps.append(StepResult("continuous on all reals", Status.UNDECIDED,
                                    "continuity not proved (a case split, max, min or abs)"))
            return _property_outcome(Status.UNDECIDED, steps, None)
        derivative = sp.diff(g, a).rewrite(sp.exp)
        if sp.simplify(derivative).is_positive:
            steps.append(StepResult("increasing: g'(a) > 0 for all real a", Status.VERIFIED,
                                    "symbolic: derivative positive"))
            steps.append(StepResult("values in (0, 1)", Status.VERIFIED,
                                    "follows: increasing from limit 0 to limit 1"))
            return _property_outcome(Status.VERIFIED, steps, None)
        steps.append(StepResult("increasing", Status.UNDECIDED, "positivity of g' not proved"))
        return _property_outcome(Status.UNDECIDED, steps, None)

    return Decided("g is a valid binary-classification output activation", decide)


GRID = [sp.Rational(n, 4) for n in range(-40, 41)]
GRID_TEXT = "a = -10, -39/4, ..., 10"
MARGIN = sp.Float(10) ** -30  # far above mpmath's error at 60 digits, far below any real gap


def _grid_violation(g: sp.Expr) -> tuple[str, Counterexample] | None:
    """A grid point where g is undefined or leaves (0, 1), or where g decreases."""
    previous: tuple[sp.Rational, sp.Expr] | None = None
    for point in GRID:
        v = evaluate(g, {a: point})
        number = v.exact if v.exact is not None else v.numeric
        if number is None:
            return "defined for every real a", Counterexample(
                (("a", sp.sstr(point)),), "undefined", "a value in (0, 1)", "domain")
        # Only a value clearly outside refutes: sigmoid(a**3) at a = -10 is 5e-435, in range.
        exact_out = v.exact is not None and not (0 < v.exact < 1)
        if exact_out or number < -MARGIN or number > 1 + MARGIN:
            return "values in (0, 1)", Counterexample(
                (("a", sp.sstr(point)),), v.show(), "a value in (0, 1)", "range")
        if previous is not None and number < previous[1] - MARGIN:
            before = evaluate(g, {a: previous[0]}).show()
            return "increasing", Counterexample(
                (("a", f"{sp.sstr(previous[0])} then {sp.sstr(point)}"),),
                f"{before} then {v.show()}", "an increasing g", "monotonicity",
                "g decreases between these two points")
        previous = (point, number)
    return None


def _continuous(g: sp.Expr) -> bool:
    if not g.has(sp.Piecewise, sp.Max, sp.Min, sp.Abs, sp.Heaviside, sp.floor, sp.ceiling):
        return True  # built from functions continuous wherever defined; the grid found no hole
    try:
        return bool(continuous_domain(g, a, sp.S.Reals) == sp.S.Reals)
    except (NotImplementedError, ValueError, TypeError):
        return False


def _property_outcome(status: Status, steps: list[StepResult], cx: Counterexample | None) -> Outcome:
    method = "properties: limits 0 and 1, increasing, range (0, 1)"
    reason = "" if status is not Status.UNDECIDED else "a property could not be proved"
    return Outcome(status, method, cx, reason, tuple(steps))


# 1.2 ----------------------------------------------------------------------------
P1 = Variable("p", OPEN_UNIT, "P(y = 1 | x), the true probability of class 1")
# Word -> the probability it names, as a function of p. Functions, not expressions:
# SymPy's first arithmetic imports sympy.tensor (~60 ms), which a cached run never needs.
MEANINGS = {"P(y=1|x)": lambda p: p, "P(y=0|x)": lambda p: 1 - p}


def meaning_claim(word: str, options: Options) -> Equal:
    """The output means q exactly when minimising the expected CE loss over f,
    with y ~ Bernoulli(p), gives f = q: the minimiser is solved for, not typed."""
    p = P1.symbol
    expected = p * ce_loss().xreplace({y: 1}) + (1 - p) * ce_loss().xreplace({y: 0})
    stationary = sp.solve(sp.diff(expected, f), f)
    if len(stationary) != 1:
        raise RuntimeError("expected cross-entropy has no unique stationary point")
    curvature = sp.diff(expected, f, 2).xreplace({f: stationary[0]})
    odds = open_unit_substitution(((p, OPEN_UNIT),))
    if not sp.simplify(curvature.xreplace(odds)).is_positive:
        raise RuntimeError("expected cross-entropy has no unique minimiser")
    return Equal(MEANINGS[word](p), stationary[0], ((p, OPEN_UNIT),),
                 "the f minimising the expected cross-entropy")


# 1.7 ----------------------------------------------------------------------------
def better_loss_claim(word: str, options: Options) -> Decided:
    """At a saturated, wrong output the better loss keeps a gradient: the limits
    of both derived gradients decide, not the answer's word."""

    def decide() -> Outcome:
        gradients = {"CE": gradient_through_sigmoid(ce_loss()),
                     "MSE": gradient_through_sigmoid(mse_loss())}
        steps = []
        keeps = {}
        for name, grad in gradients.items():
            limits = []
            for label, end in ((1, 0), (0, 1)):  # wrong and saturated: f -> 1 - y
                limit = sp.limit(grad.xreplace({y: label}), f, end, "+" if end == 0 else "-")
                limits.append(limit)
                steps.append(StepResult(f"d{name}/da at y = {label}, f -> {end}: {sp.sstr(limit)}",
                                        Status.VERIFIED, "SymPy limit"))
            keeps[name] = all(lim != 0 for lim in limits)
        best = [n for n, k in keeps.items() if k]
        if len(best) != 1:
            return Outcome(Status.UNDECIDED, "saturation limits", reason="limits do not single out a loss")
        method = "saturation limits of both derived gradients"
        if word == best[0]:
            return Outcome(Status.VERIFIED, method, steps=tuple(steps))
        cx = Counterexample((), f"{word} gradient -> 0", f"{best[0]} gradient -> -1",
                            "wrong, saturated output: y = 1, f -> 0",
                            f"{word}'s gradient vanishes where the prediction is confidently wrong")
        return Outcome(Status.REFUTED, method, cx, steps=tuple(steps))

    return Decided("the loss whose gradient does not vanish at saturation", decide)



def plot_in_f(truth: Callable[[], sp.Expr], rewrite: Callable[[sp.Expr], sp.Expr] | None = None,
              note: str = "") -> PlotSpec:
    """Answers in f over (0, 1), one plot for y = 0 and one for y = 1, against `truth`:
    the same derivation the question's claim compares with."""
    return PlotSpec("f", 0.0, 1.0, truth, fixed=(("y", (0, 1)),), rewrite=rewrite, note=note)


# Written derivations (`derivcheck doc`) ---------------------------------------------
# The quantities a write-up of question 1 names, each with its value from the derivation
# above: SymPy differentiates the loss definitions and the logistic definition. The asked
# quantity of each question has no value (the block's answer stands for it).
SEED_DEPENDENCE = (r"(x,\theta)",)  # f(x, θ), a(x, θ): only what f and a depend on


def course_mse_loss() -> sp.Expr:
    """The course solution's L_MSE = 0.5 (f - y)^2: the mean squared error with the factor
    1/2 its solution chooses (1.5 and 1.6 are graded up to a positive factor; a write-up's
    `L_{MSE}` and its derivatives are read as the solution's, so its ∂L_MSE/∂f is f - y)."""
    return mse_loss() / 2


def sigmoid_derivative() -> sp.Expr:
    """g'(a) = ∂f/∂a, SymPy's derivative of the logistic definition (in a)."""
    return sp.diff(logistic(a), a)


def _loss_spellings(name: str) -> tuple[str, ...]:
    r"""L_{CE}, L_{\text{CE}}, L_{\mathrm{CE}}, each bare or with its arguments (f, y) or (f)
    (what L_{CE}(f(x,θ), y) and L_{CE}(f(x,θ)) become once the dependence is dropped): a
    loss written with its arguments is the loss, never L times f."""
    return tuple(f"L_{{{n}}}{arguments}" for n in (name, rf"\text{{{name}}}", rf"\mathrm{{{name}}}")
                 for arguments in ("", "(f,y)", "(f)"))


def _derivative_spellings(of: tuple[str, ...], by: str) -> tuple[str, ...]:
    return tuple(rf"\frac{{\partial {o}}}{{\partial {by}}}" for o in of)


# key -> (spellings, meaning, value)
_QUANTITIES: dict[str, tuple[tuple[str, ...], str, Callable[[], sp.Expr]]] = {
    "L_CE": (_loss_spellings("CE"), "the cross-entropy loss L_CE(f, y)", ce_loss),
    "dL_CE/df": (_derivative_spellings(_loss_spellings("CE"), "f"),
                 "∂L_CE/∂f, SymPy's derivative of the cross-entropy in f",
                 lambda: sp.diff(ce_loss(), f)),
    "dL_CE/da": (_derivative_spellings(_loss_spellings("CE"), "a"),
                 "∂L_CE/∂a, SymPy's derivative of the cross-entropy through the sigmoid",
                 lambda: gradient_through_sigmoid(ce_loss())),
    "L_MSE": (_loss_spellings("MSE"),
              "the mean-squared error as the course's solution writes it, L_MSE = 0.5 (f - y)^2",
              course_mse_loss),
    "dL_MSE/df": (_derivative_spellings(_loss_spellings("MSE"), "f"),
                  "∂L_MSE/∂f of L_MSE = 0.5 (f - y)^2, by SymPy",
                  lambda: sp.diff(course_mse_loss(), f)),
    "dL_MSE/da": (_derivative_spellings(_loss_spellings("MSE"), "a"),
                  "∂L_MSE/∂a of L_MSE = 0.5 (f - y)^2 through the sigmoid, by SymPy",
                  lambda: gradient_through_sigmoid(course_mse_loss())),
    "df/da": ((*_derivative_spellings(("f", "g(a)", r"\sigma(a)"), "a"), r"\sigma'(a)", "g'(a)"),
              "∂f/∂a = g'(a), SymPy's derivative of the logistic sigmoid", sigmoid_derivative),
    "g(a)": (("g(a)",), "g(a) = f, the logistic sigmoid of a", lambda: logistic(a)),
}


# "Multiplicative factors can be ignored" for the MSE (1.5): ½(f - y)² is the course
# solution's choice, (f - y)² as good. A link with a side that names L_MSE or one of its
# derivatives holds up to a positive constant factor, whichever the person took.
_SCALED = frozenset({"L_MSE", "dL_MSE/df", "dL_MSE/da"})


def _notation(asked: tuple[str, ...]) -> tuple[Notation, ...]:
    """Every quantity of question 1, those in `asked` as the asked quantity (no value)."""
    return tuple(Notation(spelling, meaning, None if key in asked else value,
                          up_to_factor=key in _SCALED)
                 for key, (spellings, meaning, value) in _QUANTITIES.items()
                 for spelling in spellings)


def _in_f_and_y(value: sp.Expr) -> sp.Expr:
    """A step in the names the links compare: a as logit(f), |t| resolved per label."""
    return labels_resolved(in_f(value))


def loss_document(asked: tuple[str, ...]) -> DocumentSpec:
    """Questions 1.3-1.7: every quantity above, `asked` (keys of the table) without value;
    a step may name a (read as logit(f)) and, in the word questions, f and y."""
    return DocumentSpec(notation=_notation(asked), dependence=SEED_DEPENDENCE,
                        variables=(F, Y, A), rewrite=_in_f_and_y)


ACTIVATION_DOCUMENT = DocumentSpec(
    # g is the asked function: its derivative is not declared, since it depends on the g
    # the person chose. g(x) = ... states the answer, x read as a (G_ARGUMENT).
    notation=tuple(Notation(s, "the output activation g, asked in 1.1") for s in ("g(x)", "g(a)")),
    dependence=SEED_DEPENDENCE,
    rewrite=lambda value: value.xreplace({G_ARGUMENT.symbol: a}),
)
MEANING_DOCUMENT = DocumentSpec(
    notation=(Notation("f", "the output f(x, θ) whose meaning 1.2 asks"),),
    dependence=SEED_DEPENDENCE, variables=(Y,),
)

UP_TO_A_FACTOR = ("graded up to a positive constant factor: an answer that is a positive "
                  "multiple of the truth everywhere is right")


QUESTIONS: list[Question] = []  # this module's questions, in the order asked

QUESTIONS.append(Question(
    id="1.1", title="output activation g for binary classification",
    statement="An appropriate output activation g for binary classification, as a function of a.",
    kind=AnswerKind.EXPRESSION, namespace=Namespace(variables=(A, G_ARGUMENT)),
    reference="sigmoid(a)",
    truth="properties a class probability needs: SymPy limits 0 at -oo and 1 at +oo, g' > 0 "
          "proved symbolically, values in (0, 1); a value outside (0, 1) refutes",
    claim=output_activation_claim, document=ACTIVATION_DOCUMENT,
    examples=(
        Example("exp(a)/(exp(a) + 1)", right=True),
        Example(r"\frac{1}{1+e^{-a}}", right=True, latex=True),
        Example(r"\frac{1}{1+e^{-x}}", right=True, latex=True),  # the solution's g(x)
        Example("tanh(a)", right=False),  # range (-1, 1), not a probability
        Example("1 - sigmoid(a)", right=False),  # decreasing: the probability of class 0
        Example("1 - sigmoid(x)", right=False),  # the same, in the solution's argument x
    ),
))
QUESTIONS.append(Question(
    id="1.2", title="what the sigmoid output represents",
    statement="What the output f represents under the sigmoid activation.",
    kind=AnswerKind.WORD, namespace=Namespace(words=tuple(MEANINGS)),
    reference="P(y=1|x)",
    truth="the f that minimises the expected cross-entropy when y ~ Bernoulli(p) is solved for "
          "by SymPy; the answer is right when it names that minimiser",
    claim=meaning_claim, document=MEANING_DOCUMENT,
    examples=(
        Example(r"\mathbb{P}(y = 1 \mid x)", right=True, latex=True),
        Example("P(y=0|x)", right=False),  # the other class
        Example(r"\mathbb{P}(y = 0 \mid x)", right=False, latex=True),
    ),
))
QUESTIONS.append(replace(expression(
    "1.3", "cross-entropy loss L_CE(f, y)",
    statement="The cross-entropy loss as a function of f and y.",
    names=F_Y, truth=lambda n: ce_loss(), rewrite=labels_resolved, plot=plot_in_f(ce_loss),
    reference="-y*log(f) - (1-y)*log(1-f)",
    how="cross-entropy -sum_c p_c log q_c of the target (y, 1-y) against the output (f, 1-f)",
    right=["-(y*log(f) + (1-y)*log(1-f))",
           Example(r"-\left(y \ln(f) + (1-y) \ln(1-f)\right)", True, latex=True)],
    wrong=["y*log(f) - (1-y)*log(1-f)",  # a sign flip
           "-y*log(f)",  # the y = 0 term dropped
           "-y*log(f) - (1-y)*log(f)"],  # log(f) for log(1-f)
), document=loss_document(asked=("L_CE",))))
QUESTIONS.append(replace(expression(
    "1.4", "dL_CE/da through the sigmoid",
    statement="The derivative of the cross-entropy loss with respect to a, where f = sigmoid(a).",
    names=F_Y, in_terms_of=A_IS_LOGIT, truth=lambda n: gradient_through_sigmoid(ce_loss()),
    rewrite=labels_resolved, plot=plot_in_f(lambda: gradient_through_sigmoid(ce_loss()), rewrite=in_f),
    reference="f - y",
    how="SymPy differentiates L_CE(sigmoid(a), y) in a; compared in (f, y) via a = logit(f)",
    right=["sigmoid(a) - y", Example(r"-y(1-f) + (1-y)f", True, latex=True)],
    wrong=["y - f",  # a sign flip
           "(f-y)*f*(1-f)",  # the MSE gradient
           "f + y"],
), document=loss_document(asked=("dL_CE/da",))))
QUESTIONS.append(replace(expression(
    "1.5", "mean-squared error L_MSE(f, y), up to a positive factor",
    statement="The mean-squared error as a function of f and y (multiplicative factors ignored).",
    names=F_Y, truth=lambda n: mse_loss(), up_to_factor=True, rewrite=labels_resolved,
    plot=plot_in_f(mse_loss, note=UP_TO_A_FACTOR), reference="(f-y)**2/2",
    how="the mean of squared errors over the one output, equal up to a constant factor c > 0",
    right=["(y - f)**2", Example(r"\frac{1}{2}(f-y)^2", True, latex=True)],
    wrong=["-(f-y)^2",  # a negative factor
           "f^2 - y^2",  # squares of the terms, not of the error
           "abs(f-y)"],  # the absolute error
), document=loss_document(asked=("L_MSE",))))
QUESTIONS.append(replace(expression(
    "1.6", "dL_MSE/da through the sigmoid, up to a positive factor",
    statement="The derivative of the mean-squared error with respect to a, f = sigmoid(a).",
    names=F_Y, in_terms_of=A_IS_LOGIT, truth=lambda n: gradient_through_sigmoid(mse_loss()),
    up_to_factor=True, rewrite=labels_resolved, reference="(f-y)*f*(1-f)",
    plot=plot_in_f(lambda: gradient_through_sigmoid(mse_loss()), rewrite=in_f, note=UP_TO_A_FACTOR),
    how="SymPy differentiates L_MSE(sigmoid(a), y) in a; equal up to a constant factor c > 0",
    right=["2*(f-y)*sigmoid(a)*(1-sigmoid(a))", Example(r"(f-y)f(1-f)", True, latex=True)],
    wrong=["(f-y)*f",  # the factor 1 - f dropped
           "(y-f)*f*(1-f)",  # a sign flip
           "(f-y)*(1-f)"],  # the factor f dropped
), document=loss_document(asked=("dL_MSE/da",))))
QUESTIONS.append(Question(
    id="1.7", title="the more appropriate loss for binary classification",
    statement="Which loss is more appropriate for binary classification, and why.",
    kind=AnswerKind.WORD, namespace=Namespace(words=("CE", "MSE")),
    reference="CE",
    truth="limits of both derived gradients at a saturated wrong output (y = 1, f -> 0 and "
          "y = 0, f -> 1): the loss whose gradient does not vanish there",
    claim=better_loss_claim, document=loss_document(asked=()),
    examples=(
        Example("ce", right=True),  # words are read case-insensitively
        Example("MSE", right=False),
    ),
))
