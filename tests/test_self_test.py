"""The self-test of every registered question: each reference and right example is
verified, each wrong example refuted with a counterexample. A new question needs no
pytest file of its own: declaring its examples puts it here."""

from __future__ import annotations

from dataclasses import replace

import pytest

from checker import DEFAULT_OPTIONS, Limits
from checker.run.registry import all_questions, catalog
from checker.run.selftest import self_test


@pytest.mark.parametrize("name", sorted(catalog().assignments))
def test_every_registered_question_passes_its_self_test(name: str) -> None:
    options = replace(DEFAULT_OPTIONS, assignment=name)
    questions = all_questions(options)
    results = self_test(questions, Limits(timeout=30, memory_mb=2048), jobs=2, options=options)
    failures = [r.describe() for r in results if not r.passed]
    assert not failures, "\n".join(failures)
    # Every question was checked: its reference and every declared example.
    assert len(results) == sum(1 + len(q.examples) for q in questions)
    assert {r.question for r in results} == {q.id for q in questions}


def test_the_self_test_fails_a_question_whose_examples_are_wrong() -> None:
    """A wrong example declared as right (and a right one declared wrong) fails it."""
    from checker.model.question import Example

    (question,) = [q for q in all_questions() if q.id == "1.4"]
    mislabelled = replace(question, examples=(Example("y - f", right=True),
                                              Example("sigmoid(a) - y", right=False)))
    results = self_test([mislabelled], Limits(timeout=30, memory_mb=2048))
    assert [(r.example, r.passed) for r in results] == [("reference", True), ("right", False),
                                                        ("wrong", False)]
    assert results[1].problem.startswith("expected verified; refuted: ")
    assert results[2].problem.startswith("expected refuted with a counterexample; verified")
