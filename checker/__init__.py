"""derivcheck: prove answers of a derivation assignment equal to truths derived
from definitions, or refute them with exact counterexamples.

The layers, lowest first (each imports only those below it; `make lint` checks it):
model (plain data) → prove (deciding claims) → language (answer text → SymPy) →
derivations (the questions) → run (the API, workers, cache, grading) → render
(one module per format, reading model only) → cli.

This module is the public surface: tests, the benchmark and the docs import from here.
"""

from checker.language.answers import Parsed, parse_answer
from checker.language.latex import latex_to_text
from checker.language.textparse import parse_text
from checker.model.claims import AllOf, Chain, Claim, Decided, Equal, Proportional, Step
from checker.model.errors import AnswerError, UnknownQuestion
from checker.model.functions import sigmoid
from checker.model.grades import PersonResult
from checker.model.namespace import Domain, MatrixName, Namespace, Variable, Vector
from checker.model.options import DEFAULT_OPTIONS, Options
from checker.model.question import AnswerKind, Assignment, Question
from checker.model.verdict import Counterexample, Outcome, Status, StepResult, Verdict, exit_code
from checker.prove.engine import decide
from checker.run.api import check_answer, run_all, verify_reference
from checker.run.bounded import Limits
from checker.run.cache import ResultCache
from checker.run.grading import grade
from checker.run.registry import all_questions, assignment, get, select

__all__ = [
    "DEFAULT_OPTIONS",
    "AllOf",
    "AnswerError",
    "AnswerKind",
    "Assignment",
    "Chain",
    "Claim",
    "Counterexample",
    "Decided",
    "Domain",
    "Equal",
    "Limits",
    "MatrixName",
    "Namespace",
    "Options",
    "Outcome",
    "Parsed",
    "PersonResult",
    "Proportional",
    "Question",
    "ResultCache",
    "Status",
    "Step",
    "StepResult",
    "UnknownQuestion",
    "Variable",
    "Vector",
    "Verdict",
    "all_questions",
    "assignment",
    "check_answer",
    "decide",
    "exit_code",
    "get",
    "grade",
    "latex_to_text",
    "parse_answer",
    "parse_text",
    "run_all",
    "select",
    "sigmoid",
    "verify_reference",
]
