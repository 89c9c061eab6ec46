"""The class overview: score distribution, per-question statistics, wrong answers grouped
(merged only when proved equal, inside bounded workers) and plots against the truth."""

from __future__ import annotations

import functools
import math
import time

import pytest
import sympy as sp

from checker.model.course import Course, PersonScore, QuestionScore
from checker.model.grades import PersonResult
from checker.model.options import Options
from checker.model.overview import AnswerGroup, QuestionStats
from checker.model.verdict import Status, Verdict
from checker.run import overview
from checker.run.api import check_answer
from checker.run.bounded import Limits
from checker.run.overview import bin_edges, build_overview, histogram
from checker.run.plots import curve, xs
from checker.run.registry import assignment, get

LIMITS = Limits(timeout=10, memory_mb=1024)
OPTIONS = Options()


@functools.cache
def verdict(qid: str, text: str) -> Verdict:
    """The checker's own verdict (in this process: the answers here are the tests' own)."""
    return check_answer(qid, text)


def person(name: str, course: Course, answers: dict[str, str]) -> PersonScore:
    """A person scored as `grade` scores: a verified answer earns the question's points."""
    verdicts = tuple(verdict(qid, text) for qid, text in answers.items())
    by_id = {v.id: v for v in verdicts}
    questions = []
    for qid, maximum in course.points:
        v = by_id.get(qid)
        if v is None:
            questions.append(QuestionScore(qid, 0.0, maximum, None))
        else:
            points = maximum if v.status is Status.VERIFIED else 0.0
            questions.append(QuestionScore(qid, points, maximum, v.status, verdict=v))
    return PersonScore(PersonResult(name, f"{name}.toml", verdicts), tuple(questions))


def summary(group: AnswerGroup) -> tuple[str, str, str, tuple[str, ...], tuple[str, ...]]:
    return (group.question, group.answer, group.status.value, group.people, group.spellings)


# -- the score distribution and the statistics --------------------------------------------


def hand_built(qid: str, status: Status | None, points: float, maximum: float) -> QuestionScore:
    if status is None:
        return QuestionScore(qid, 0.0, maximum, None)
    v = Verdict(qid, "", status, "by hand", 0.0, answer="x", parsed="x")
    return QuestionScore(qid, points, maximum, status, verdict=v)


def counts(stats: QuestionStats) -> tuple[int, int, int, int, int]:
    return (stats.verified, stats.refuted, stats.undecided, stats.error, stats.not_answered)


def test_histogram_and_statistics_of_a_hand_built_class() -> None:
    course = Course("a", (("1.4", 2.0), ("1.6", 3.0)))
    rows = {  # name -> (1.4 status, points), (1.6 status, points)
        "Ada": ((Status.VERIFIED, 2.0), (Status.VERIFIED, 3.0)),  # 5
        "Bob": ((Status.VERIFIED, 2.0), (Status.REFUTED, 0.0)),  # 2
        "Cy": ((Status.ERROR, 0.0), (Status.VERIFIED, 3.0)),  # 3
        "Di": ((None, 0.0), (Status.UNDECIDED, 0.0)),  # 0
        "Ed": ((Status.REFUTED, 0.0), (Status.VERIFIED, 3.0)),  # 3 ...
        "Flo": ((Status.UNDECIDED, 1.5), (Status.VERIFIED, 3.0)),  # 4.5 (an override's points)
    }
    scores = [PersonScore(PersonResult(name, f"{name}.toml"),
                          (hand_built("1.4", *first, 2.0), hand_built("1.6", *second, 3.0)))
              for name, (first, second) in rows.items()]
    unreadable = PersonScore(PersonResult("Gus", "gus.toml", file_error="not TOML"),
                             (hand_built("1.4", None, 0.0, 2.0), hand_built("1.6", None, 0.0, 3.0)))
    result = build_overview([*scores, unreadable], course, assignment(), LIMITS, OPTIONS)
    assert (result.people, result.graded, result.max_total) == (7, 6, 5.0)
    assert result.mean == pytest.approx(17.5 / 6)
    assert result.median == 3.0  # totals 0, 2, 3, 3, 4.5, 5
    # max 5 < 10: ten equal bins of 0.5, the last one [4.5, 5] closed
    assert [(b.low, b.high) for b in result.histogram][:3] == [(0.0, 0.5), (0.5, 1.0), (1.0, 1.5)]
    assert result.histogram[-1].low == 4.5 and result.histogram[-1].high == 5.0
    assert [b.count for b in result.histogram] == [1, 0, 0, 0, 1, 0, 2, 0, 0, 2]
    first, second = result.questions
    assert (first.id, first.max_points, first.people) == ("1.4", 2.0, 6)
    assert counts(first) == (2, 1, 1, 1, 1)
    assert first.mean_points == pytest.approx(5.5 / 6)
    assert first.pass_rate == pytest.approx(2 / 6)
    assert counts(second) == (4, 1, 1, 0, 0)
    assert second.mean_points == 2.0
    # answers written by hand ("x") are grouped too; nothing to merge or plot in them
    assert [(g.question, g.status.value, g.people) for g in result.wrong_answers] == [
        ("1.4", "error", ("Cy",)), ("1.4", "refuted", ("Ed",)), ("1.4", "undecided", ("Flo",)),
        ("1.6", "refuted", ("Bob",)), ("1.6", "undecided", ("Di",)),
    ]


def test_whole_point_bins_for_a_larger_maximum() -> None:
    assert bin_edges(23.0) == [(float(k), float(k + 2)) for k in range(0, 22, 2)] + [(22.0, 23.0)]
    assert bin_edges(10.0)[-1] == (9.0, 10.0) and len(bin_edges(10.0)) == 10
    assert bin_edges(0.0) == [(0.0, 0.0)]
    counts = [b.count for b in histogram([6 - 1e-12, 0.0, 23.0, 24.0, -1.0, 22.0, 21.99], 23.0)]
    # 6 - 1e-12 is 6 (float noise), 24 and -1 (overrides) land in the end bins
    assert counts == [2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 3]


def test_an_empty_class() -> None:
    course = Course.one_point_each("a", ("1.4",))
    result = build_overview([], course, assignment(), LIMITS, OPTIONS)
    assert (result.people, result.graded, result.mean, result.median) == (0, 0, 0.0, 0.0)
    assert result.questions[0].pass_rate == 0.0 and result.wrong_answers == () and result.plots == ()


# -- wrong answers, grouped -------------------------------------------------------------------

ANSWERS_16 = [  # 1.6: the truth is (f-y)*f*(1-f) up to a positive factor
    ("P01", "f - y"), ("P02", "-(y - f)"), ("P03", "-y + f"),  # one canonical form
    ("P04", "f + y"), ("P05", "y + f"),  # one canonical form
    ("P06", "f*y"), ("P07", "f*y"),
    ("P08", "f**2 - y*f"), ("P09", "f*(f - y)"),  # two forms, proved equal
    ("P10", "2 f"), ("P11", " 2 f "),  # errors: grouped by their text
    ("P12", "(f-y)*f*(1-f)"),  # verified: not a wrong answer
    ("P13", "f**2 - 2*f*y + y**2"), ("P14", "(f - y)**2"),  # proved equal
]


def class_16(course: Course) -> list[PersonScore]:
    return [person(name, course, {"1.6": text}) for name, text in ANSWERS_16]


def test_wrong_answers_are_grouped_by_canonical_form_and_merged_only_when_proved_equal() -> None:
    # The checker's own verdicts: every answer here but the reference is really refuted.
    assert {verdict("1.6", t).status for _, t in ANSWERS_16 if t.strip() not in ("2 f", "(f-y)*f*(1-f)")} \
        == {Status.REFUTED}
    assert verdict("1.6", "f**2 - y*f").parsed != verdict("1.6", "f*(f - y)").parsed  # merged by a proof
    course = Course.one_point_each("a", ("1.6",))
    result = build_overview(class_16(course), course, assignment(), LIMITS, OPTIONS)
    # A merged group is led by its largest part (ties: the first by text).
    assert [summary(g) for g in result.wrong_answers] == [
        ("1.6", "f - y", "refuted", ("P01", "P02", "P03"), ("-(y - f)", "-y + f")),
        ("1.6", "(f - y)**2", "refuted", ("P13", "P14"), ("f**2 - 2*f*y + y**2",)),
        ("1.6", "2 f", "error", ("P10", "P11"), (" 2 f ",)),
        ("1.6", "f + y", "refuted", ("P04", "P05"), ("y + f",)),
        ("1.6", "f*(f - y)", "refuted", ("P08", "P09"), ("f**2 - y*f",)),
        ("1.6", "f*y", "refuted", ("P06", "P07"), ()),
    ]
    groups = {g.answer: g for g in result.wrong_answers}
    assert groups["f - y"].parsed == "f - y"
    assert groups["f - y"].counterexample == verdict("1.6", "f - y").counterexample
    assert groups["2 f"].parsed == "" and groups["2 f"].reason == verdict("1.6", "2 f").reason
    assert groups["2 f"].counterexample is None
    assert groups["f*(f - y)"].parsed == "f*(f - y)"
    assert groups["f*y"].count == 2


def test_groups_follow_the_course_order_biggest_first_ties_by_text() -> None:
    course = Course("a", (("1.6", 1.0), ("1.4", 1.0)))  # not the assignment's order
    people = [person("A", course, {"1.4": "y - f", "1.6": "f*y"}),
              person("B", course, {"1.4": "f + y", "1.6": "f - y"}),
              person("C", course, {"1.4": "y - f", "1.6": "f + y"}),
              person("D", course, {"1.4": "-f + y"})]
    result = build_overview(people, course, assignment(), LIMITS, OPTIONS)
    assert [(g.question, g.answer, g.count) for g in result.wrong_answers] == [
        ("1.6", "f + y", 1), ("1.6", "f - y", 1), ("1.6", "f*y", 1),
        ("1.4", "y - f", 3), ("1.4", "f + y", 1),
    ]
    assert result.wrong_answers[3].spellings == ("-f + y",)


def test_answers_in_a_are_merged_through_the_questions_own_bijection() -> None:
    course = Course.one_point_each("a", ("1.4",))
    people = [person("A", course, {"1.4": "f - y - 1"}), person("B", course, {"1.4": "sigmoid(a) - y - 1"}),
              person("C", course, {"1.4": "f - y + 1"})]
    result = build_overview(people, course, assignment(), LIMITS, OPTIONS)
    assert [summary(g) for g in result.wrong_answers] == [
        ("1.4", "f - y - 1", "refuted", ("A", "B"), ("sigmoid(a) - y - 1",)),
        ("1.4", "f - y + 1", "refuted", ("C",), ()),
    ]


def test_groups_of_different_statuses_are_not_merged() -> None:
    course = Course.one_point_each("a", ("1.6",))
    stopped = Verdict("1.6", "", Status.UNDECIDED, "stopped: timeout", 10.0, answer="f*(f - y)",
                      reason="timeout: no decision within 10 s")
    people = [person("A", course, {"1.6": "f**2 - y*f"}),
              PersonScore(PersonResult("B", "b.toml", (stopped,)),
                          (QuestionScore("1.6", 0.0, 1.0, Status.UNDECIDED, True, verdict=stopped),))]
    result = build_overview(people, course, assignment(), LIMITS, OPTIONS)
    assert [(g.answer, g.parsed, g.status.value, g.people) for g in result.wrong_answers] == [
        ("f*(f - y)", "", "undecided", ("B",)),
        ("f**2 - y*f", "f**2 - f*y", "refuted", ("A",)),
    ]


def test_a_hostile_answer_does_not_hang_the_overview() -> None:
    """Two huge powers: proving them equal or not expands ~10^4 terms (minutes); the merge
    attempt is stopped, the groups stay apart and the other merges still happen."""
    course = Course.one_point_each("a", ("1.6",))
    hostile = ["(f+y+1)**100*(f+2)**100", "(f+y+2)**100*(f+1)**100"]
    stopped = [Verdict("1.6", "", Status.UNDECIDED, "stopped: timeout", 2.0, answer=text,
                       reason="timeout: no decision within 2 s") for text in hostile]
    people = [PersonScore(PersonResult(f"H{k}", f"h{k}.toml", (v,)),
                          (QuestionScore("1.6", 0.0, 1.0, Status.UNDECIDED, True, verdict=v),))
              for k, v in enumerate(stopped)]
    people += [person("A", course, {"1.6": "f**2 - y*f"}), person("B", course, {"1.6": "f*(f - y)"})]
    start = time.monotonic()
    result = build_overview(people, course, assignment(), Limits(timeout=4, memory_mb=512), OPTIONS)
    assert time.monotonic() - start < 10
    assert [(g.answer, g.status.value, g.people) for g in result.wrong_answers] == [
        ("f*(f - y)", "refuted", ("A", "B")),
        (hostile[0], "undecided", ("H0",)),
        (hostile[1], "undecided", ("H1",)),
    ]
    # Their curves are cheap: (f+1)**100 * (f+2)**100 at y = 0, in floats.
    at_y0 = next(p for p in result.plots if p.fixed == (("y", "0"),))
    drawn = {c.label: c.values for c in at_y0.answers}
    assert drawn[hostile[0]][0] == pytest.approx(1.02**100 * 2.02**100)


def _never_returns(*args: object) -> None:
    while True:
        time.sleep(1)


def test_a_worker_that_meets_its_limits_leaves_the_groups_unmerged(monkeypatch: pytest.MonkeyPatch) -> None:
    course = Course.one_point_each("a", ("1.6",))
    monkeypatch.setattr(overview, "study", _never_returns)
    start = time.monotonic()
    result = build_overview(class_16(course), course, assignment(), Limits(timeout=1, memory_mb=512), OPTIONS)
    assert time.monotonic() - start < 5
    answers = [g.answer for g in result.wrong_answers]
    assert "f**2 - y*f" in answers and "f*(f - y)" in answers  # not merged: nothing was proved
    assert result.plots == ()
    assert result.notes == ("1.6: answers were not merged or plotted (timeout); each canonical form "
                            "is its own group",)


# -- plots ------------------------------------------------------------------------------------

XS = tuple(i / 50 for i in range(1, 50))


def test_plots_are_declared_on_the_questions() -> None:
    declared = [q.id for q in assignment().questions if q.plot is not None]
    assert declared == ["1.3", "1.4", "1.5", "1.6"]
    spec = get("1.4").plot
    assert spec is not None
    assert (spec.variable, spec.low, spec.high, spec.fixed) == ("f", 0.0, 1.0, (("y", (0, 1)),))
    assert xs(spec) == XS


def test_the_truth_and_answers_of_1_4_plotted() -> None:
    course = Course.one_point_each("a", ("1.4", "2.2"))
    people = [person("A", course, {"1.4": "y - f", "2.2": "x2 - x1"}),
              person("B", course, {"1.4": "log(f - 1/2)"}),
              person("C", course, {"1.4": "y - f"}),
              person("D", course, {"1.4": "f - y"})]  # right: not plotted
    result = build_overview(people, course, assignment(), LIMITS, OPTIONS)
    assert [(p.question, p.variable, p.fixed) for p in result.plots] == [
        ("1.4", "f", (("y", "0"),)), ("1.4", "f", (("y", "1"),))]  # 2.2 declares no plot
    y0, y1 = result.plots
    assert y1.xs == XS
    assert y1.truth.label == "truth"
    truth = y1.truth.values
    assert all(v is not None for v in truth)
    assert truth == pytest.approx([x - 1 for x in XS], abs=1e-12)  # dL_CE/da = f - y at y = 1
    assert y0.truth.values == pytest.approx(list(XS), abs=1e-12)  # f at y = 0
    assert [c.label for c in y1.answers] == ["y - f", "log(f - 1/2)"]
    assert y1.answers[0].values == pytest.approx([1 - x for x in XS], abs=1e-12)
    logs = y1.answers[1].values
    assert logs[:25] == (None,) * 25  # f <= 1/2: log of a number that is not positive
    assert logs[25:] == pytest.approx([math.log(x - 0.5) for x in XS[25:]], abs=1e-12)


def test_the_truth_of_1_6_is_the_derived_gradient() -> None:
    course = Course.one_point_each("a", ("1.6",))
    result = build_overview([person("A", course, {"1.6": "f*y"})], course, assignment(), LIMITS, OPTIONS)
    y0, y1 = result.plots
    # d/da (f - y)**2 with f = sigmoid(a): 2 (f - y) f (1 - f)
    assert y0.truth.values == pytest.approx([2 * x * x * (1 - x) for x in XS], abs=1e-12)
    assert y1.truth.values == pytest.approx([2 * (x - 1) * x * (1 - x) for x in XS], abs=1e-12)
    assert y0.answers[0].values == (0.0,) * 49 and y1.answers[0].values == pytest.approx(list(XS))


def test_at_most_five_wrong_answers_are_drawn_most_common_first() -> None:
    course = Course.one_point_each("a", ("1.5",))
    texts = ["f", "f", "f", "y", "y", "f*y", "f + 1", "f + 2", "f + 3", "f + 4"]
    people = [person(f"P{k}", course, {"1.5": t}) for k, t in enumerate(texts)]
    result = build_overview(people, course, assignment(), LIMITS, OPTIONS)
    assert [c.label for c in result.plots[0].answers] == ["f", "y", "f + 1", "f + 2", "f + 3"]
    assert result.plots[0].truth.values == pytest.approx([x * x for x in XS])  # (f - y)**2 at y = 0


f = sp.Symbol("f", positive=True)
y = sp.Symbol("y", integer=True)


@pytest.mark.parametrize(("expr", "expected"), [
    (1 / (f - sp.Rational(1, 2)), [-1 / 0.25, None, 1 / 0.25]),  # a pole at 1/2
    (sp.sqrt(f - sp.Rational(1, 2)), [None, 0.0, 0.5]),  # not real below 1/2
    ((f - 1) ** sp.Rational(1, 3), [None, None, None]),  # the principal root of a negative
    (sp.Piecewise((f, f < sp.Rational(1, 2)), (-f, True)), [0.25, -0.5, -0.75]),
    (sp.exp(sp.exp(sp.exp(10 * f))), [None, None, None]),  # overflow: not finite
    (sp.Abs(f - y) + sp.Max(f, y), [1.75, 1.5, 1.25]),  # y = 1 fixed
    (sp.log(f) + sp.erf(f) + sp.tanh(f),
     [math.log(x) + math.erf(x) + math.tanh(x) for x in (0.25, 0.5, 0.75)]),
    (f * sp.Symbol("z"), [None, None, None]),  # a name with no value on the plot
])
def test_curves_in_floats(expr: sp.Expr, expected: list[float | None]) -> None:
    values = curve(expr, "f", (("y", 1),), (0.25, 0.5, 0.75))
    assert [v is None for v in values] == [e is None for e in expected]
    assert [v for v in values if v is not None] == pytest.approx([e for e in expected if e is not None])


def test_a_counterexample_of_the_first_verdict_is_kept() -> None:
    course = Course.one_point_each("a", ("1.4",))
    result = build_overview([person("A", course, {"1.4": "y - f"}), person("B", course, {"1.4": "-f + y"})],
                            course, assignment(), LIMITS, OPTIONS)
    (group,) = result.wrong_answers
    assert group.counterexample == verdict("1.4", "y - f").counterexample
    assert group.counterexample is not None
    assert group.counterexample.describe() == "f = 1/3, y = 1: your answer 2/3, truth -2/3"
    assert group.people == ("A", "B") and group.spellings == ("-f + y",)


def test_answers_that_differ_under_a_questions_own_conventions_are_never_merged() -> None:
    """In question 5 a sum with reversed bounds is zero; a plain Equal would call
    `Sum(1, (j, d, 1))` and `2 - d` equal. The overview must not merge them."""
    course = Course.one_point_each("a", ("5.1",))
    people = [person("Amy", course, {"5.1": "2 - d"}), person("Ben", course, {"5.1": "Sum(1, (j, d, 1))"})]
    result = build_overview(people, course, assignment(), Limits(timeout=20, memory_mb=1024), OPTIONS)
    assert sorted(g.people for g in result.wrong_answers) == [("Amy",), ("Ben",)]


def test_answers_that_cannot_be_read_are_grouped_by_text_and_reason() -> None:
    course = Course.one_point_each("a", ("1.4",))
    people = [person("A", course, {"1.4": "f y"}), person("B", course, {"1.4": "fy"}),
              person("C", course, {"1.4": " f y "})]
    result = build_overview(people, course, assignment(), Limits(timeout=20, memory_mb=1024), OPTIONS)
    groups = {g.people: g.reason for g in result.wrong_answers}
    assert set(groups) == {("A", "C"), ("B",)}
    assert groups[("A", "C")] != groups[("B",)]


def test_a_costly_answer_is_never_tried_for_a_merge(monkeypatch: pytest.MonkeyPatch) -> None:
    """Expanding (f+y+1)**100 to compare it could meet the worker's memory limit, and the
    worker would lose every merge it found: such an answer stays a group of its own."""
    tried: list[tuple[str, str]] = []
    real = overview._proved_equal

    def recording(question: object, a: object, b: object) -> bool:
        tried.append((a.shown, b.shown))  # type: ignore[attr-defined]
        return real(question, a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(overview, "_proved_equal", recording)
    texts = ["(f+y+1)**100*(f+2)**100", "(f+y+2)**100*(f+1)**100", "f**2 - y*f", "f*(f - y)"]
    candidates = [overview._Candidate(k, Status.UNDECIDED if k < 2 else Status.REFUTED, "", (t,))
                  for k, t in enumerate(texts)]
    found = overview.study(get("1.6"), candidates, 10.0)
    assert found.merges == ((2, 3),)
    assert all("100" not in a and "100" not in b for a, b in tried)
