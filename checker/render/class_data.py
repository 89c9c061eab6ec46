"""A graded class as JSON-ready data: one shape for the JSON report and the HTML report.

Every value is a string, a number, a bool, None, a list or a dict, so `json.dumps`
takes it as it is; text a person wrote is passed through unchanged here (each output
format applies its own escaping at its edge).
"""

from __future__ import annotations

from checker.model.course import Override, PersonScore, QuestionScore
from checker.model.overview import AnswerGroup, AnswerPlot, ClassOverview, ClassReport, RunInfo


def report_data(report: ClassReport) -> dict[str, object]:
    return {
        "assignment": report.course.assignment,
        "audience": report.audience.value,
        "course": {
            "file": report.course.source or None,
            "points": dict(report.course.points),
            "max_total": report.course.max_total,
            "undecided": report.course.undecided.value,
            "error": report.course.error.value,
            "chain_credit": report.course.chain_credit.value,
        },
        "people": [person_data(score) for score in report.scores],
        "overview": overview_data(report.overview),
        "run": run_data(report.run),
    }


def person_data(score: PersonScore) -> dict[str, object]:
    result = score.result
    return {
        "person": result.person,
        "id": result.student_id or None,
        "email": result.email or None,
        "file": result.path,
        "file_error": result.file_error or None,
        "score": points(score.total),
        "max_score": points(score.max_total),
        "verified": result.verified,
        "flagged": list(score.flagged),
        "questions": [question_data(q) for q in score.questions],
    }


def question_data(score: QuestionScore) -> dict[str, object]:
    return {
        "id": score.id,
        "status": score.status.value if score.status else "not answered",
        "points": points(score.points),
        "max_points": points(score.max_points),
        "flagged": score.flagged,
        "override": override_data(score.override) if score.override else None,
    }


def override_data(override: Override) -> dict[str, object]:
    return {"points": points(override.points), "comment": override.comment,
            "source": override.source}


def overview_data(overview: ClassOverview) -> dict[str, object]:
    return {
        "people": overview.people,
        "graded": overview.graded,
        "max_total": points(overview.max_total),
        "mean": points(overview.mean),
        "median": points(overview.median),
        "histogram": [{"low": points(b.low), "high": points(b.high), "count": b.count}
                      for b in overview.histogram],
        "questions": [{"id": q.id, "max_points": points(q.max_points), "people": q.people,
                       "verified": q.verified, "refuted": q.refuted, "undecided": q.undecided,
                       "error": q.error, "not_answered": q.not_answered,
                       "mean_points": points(q.mean_points), "pass_rate": round(q.pass_rate, 4)}
                      for q in overview.questions],
        "wrong_answers": [group_data(g) for g in overview.wrong_answers],
        "plots": [plot_data(p) for p in overview.plots],
        "notes": list(overview.notes),
    }


def group_data(group: AnswerGroup) -> dict[str, object]:
    return {
        "question": group.question,
        "answer": group.answer,
        "parsed": group.parsed,
        "status": group.status.value,
        "count": group.count,
        "people": list(group.people),
        "counterexample": group.counterexample.to_json() if group.counterexample else None,
        "reason": group.reason,
        "spellings": list(group.spellings),
    }


def plot_data(plot: AnswerPlot) -> dict[str, object]:
    return {
        "question": plot.question,
        "variable": plot.variable,
        "fixed": dict(plot.fixed),
        "xs": list(plot.xs),
        "truth": {"label": plot.truth.label, "values": list(plot.truth.values)},
        "answers": [{"label": c.label, "values": list(c.values)} for c in plot.answers],
        "note": plot.note,
    }


def run_data(run: RunInfo) -> dict[str, object]:
    return {
        "derivcheck_version": run.derivcheck_version,
        "sympy_version": run.sympy_version,
        "options": dict(run.options),
        "course_file": run.course_file or None,
        "seconds": round(run.seconds, 3),
    }


def points(value: float) -> float:
    """Points as a number a spreadsheet shows well: whole points as whole numbers."""
    rounded = round(value, 4)
    return int(rounded) if rounded == int(rounded) else rounded
