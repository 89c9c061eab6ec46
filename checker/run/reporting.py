"""A graded class made into a `ClassReport`: scores, the overview and what the run used.

Renderers receive the report as data; for a student audience every verdict in it has
already lost its truth values here, and the overview carries no other person's answers,
so no renderer can give the answer key away by mistake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from importlib import metadata

from checker.model.course import Audience, Course, Override
from checker.model.grades import PersonResult
from checker.model.options import Options
from checker.model.overview import ClassReport, RunInfo
from checker.model.question import AnswerKind
from checker.run.bounded import Limits
from checker.run.overview import build_overview
from checker.run.registry import assignment
from checker.run.scoring import for_audience, score_class


def build_report(results: Sequence[PersonResult], course: Course, *, overrides: Sequence[Override] = (),
                 audience: Audience = Audience.STAFF, limits: Limits, options: Options,
                 settings: Sequence[tuple[str, str]] = (), seconds: float = 0.0,
                 exit_code: int = 0) -> ClassReport:
    """`settings` are the command's options as the report should record them."""
    questions = assignment(options).questions
    chains = {q.id for q in questions if q.kind is AnswerKind.CHAIN}
    kinds = {q.id: q.kind for q in questions}
    scores = score_class(results, course, overrides, chains)
    if audience is Audience.STUDENT:
        # Other people's answers are not for students: no groups to merge, no plots.
        overview = replace(build_overview(scores, course, {}, limits, options), wrong_answers=())
    else:
        overview = build_overview(scores, course, assignment(options), limits, options)
    run = RunInfo(package_version("derivcheck"), package_version("sympy"), tuple(settings),
                  course.source, seconds)
    return ClassReport(course, for_audience(scores, audience, kinds), overview, run, audience,
                       exit_code)


def package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"
