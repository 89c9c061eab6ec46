"""Every shipped question states example answers for the self-test
(`derivcheck verify --self-test`): at least one wrong answer, a realistic mistake that must
be refuted, and at least one right answer in another form than the reference, which must be
verified. Only what is declared is tested here; running the examples is the self-test's job.
"""

from __future__ import annotations

import pytest

from checker import all_questions
from checker.model.question import Example, Question

# Questions whose only right answer is the reference itself, so that no right example in
# another form exists (none at present: a list's LaTeX spelling, an integer as a product,
# a word in other letter case all count as another form).
ONLY_THE_REFERENCE: frozenset[str] = frozenset()

QUESTIONS = all_questions()


def normalised(text: str) -> str:
    return " ".join(text.split())


def test_exemptions_name_shipped_questions() -> None:
    assert ONLY_THE_REFERENCE.issubset(q.id for q in QUESTIONS)


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_examples_are_examples(question: Question) -> None:
    assert isinstance(question.examples, tuple)
    for example in question.examples:
        assert isinstance(example, Example), example
        assert isinstance(example.text, str), example
        assert isinstance(example.right, bool) and isinstance(example.latex, bool), example


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_a_wrong_example_is_declared(question: Question) -> None:
    assert any(not e.right for e in question.examples), f"{question.id} has no wrong example"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_a_right_example_is_declared_unless_only_the_reference_is_right(question: Question) -> None:
    if question.id in ONLY_THE_REFERENCE:
        return
    assert any(e.right for e in question.examples), f"{question.id} has no right example"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_example_texts_are_non_empty_and_distinct(question: Question) -> None:
    texts = [normalised(e.text) for e in question.examples]
    assert all(texts), f"{question.id} has an empty example"
    repeated = sorted({t for t in texts if texts.count(t) > 1})
    assert not repeated, f"{question.id} states an example twice: {repeated}"


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.id)
def test_a_right_example_is_not_the_reference_again(question: Question) -> None:
    # The reference is self-tested anyway: a right example earns its place by its other form.
    reference = normalised(question.reference)
    again = [e.text for e in question.examples if e.right and normalised(e.text) == reference]
    assert not again, f"{question.id}: right example identical to the reference: {again}"
