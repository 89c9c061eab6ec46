"""derivcheck: prove answers of a derivation assignment equal to truths derived
from definitions, or refute them with exact counterexamples.

The layers, lowest first (each imports only those below it; `make lint` checks it):
model (plain data) → prove (deciding claims) → language (answer text → SymPy) →
derivations (the questions) → run (the API, workers, cache, grading) → render
(one module per format, reading model only) → cli.

This module is the public surface: tests, the benchmark and the docs import from here.

Names load on first use (PEP 562): `python -m checker` with a warm cache never pays for
SymPy, and `from checker import X` works as usual.
"""

from __future__ import annotations

import importlib
from typing import Any

_HOME = {
    "AllOf": "checker.model.claims",
    "AnswerError": "checker.model.errors",
    "AnswerKind": "checker.model.question",
    "Assignment": "checker.model.question",
    "Chain": "checker.model.claims",
    "Claim": "checker.model.claims",
    "Counterexample": "checker.model.verdict",
    "DEFAULT_OPTIONS": "checker.model.options",
    "Decided": "checker.model.claims",
    "DocumentSpec": "checker.model.notation",
    "Domain": "checker.model.namespace",
    "Example": "checker.model.question",
    "Equal": "checker.model.claims",
    "Limits": "checker.run.bounded",
    "MatrixName": "checker.model.namespace",
    "Namespace": "checker.model.namespace",
    "Notation": "checker.model.notation",
    "Options": "checker.model.options",
    "Outcome": "checker.model.verdict",
    "Parsed": "checker.language.answers",
    "PersonResult": "checker.model.grades",
    "Proportional": "checker.model.claims",
    "Question": "checker.model.question",
    "ResultCache": "checker.run.cache",
    "Status": "checker.model.verdict",
    "Step": "checker.model.claims",
    "StepResult": "checker.model.verdict",
    "UnknownQuestion": "checker.model.errors",
    "Variable": "checker.model.namespace",
    "Vector": "checker.model.namespace",
    "Verdict": "checker.model.verdict",
    "all_questions": "checker.run.registry",
    "assignment": "checker.run.registry",
    "check_answer": "checker.run.api",
    "check_document": "checker.run.documents",
    "check_question": "checker.run.api",
    "decide": "checker.prove.engine",
    "exit_code": "checker.model.verdict",
    "get": "checker.run.registry",
    "grade": "checker.run.grading",
    "latex_to_text": "checker.language.latex",
    "open_write_up": "checker.run.documents",
    "parse_answer": "checker.language.answers",
    "parse_text": "checker.language.textparse",
    "run_all": "checker.run.api",
    "select": "checker.run.registry",
    "self_test": "checker.run.selftest",
    "sigmoid": "checker.model.functions",
    "verify_reference": "checker.run.api",
}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'checker' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


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
    "DocumentSpec",
    "Domain",
    "Equal",
    "Example",
    "Limits",
    "MatrixName",
    "Namespace",
    "Notation",
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
    "check_document",
    "check_question",
    "decide",
    "exit_code",
    "get",
    "grade",
    "latex_to_text",
    "open_write_up",
    "parse_answer",
    "parse_text",
    "run_all",
    "select",
    "self_test",
    "sigmoid",
    "verify_reference",
]
