"""The registry holds exactly the question IDs the contract fixes (docs/contract.md), in order,
and every question is complete enough to show and to verify."""

from __future__ import annotations

import pytest

from checker import AnswerKind, UnknownQuestion, all_questions, select

CONTRACT_IDS = [
    "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "2.1", "2.2", "2.3", "2.4", "3",
    "4.1", "4.2", "4.3.full", "4.3.valid", "4.3.same", "5.1", "5.2", "5.3", "5.4", "5.5", "5.6",
]


def test_registry_matches_the_contract() -> None:
    assert [q.id for q in all_questions()] == CONTRACT_IDS


@pytest.mark.parametrize("question", all_questions(), ids=lambda q: q.id)
def test_question_is_complete(question) -> None:  # type: ignore[no-untyped-def]
    assert question.title and question.statement and question.reference and question.truth
    if question.kind is AnswerKind.WORD:
        assert question.reference in question.namespace.words
    if question.kind is AnswerKind.PARTS:
        assert question.parts


@pytest.mark.parametrize(("prefixes", "expected"), [
    (["5"], ["5.1", "5.2", "5.3", "5.4", "5.5", "5.6"]),
    (["4.3"], ["4.3.full", "4.3.valid", "4.3.same"]),
    (["3", "1.4"], ["3", "1.4"]),
    (["1.4", "1"], ["1.4", "1.1", "1.2", "1.3", "1.5", "1.6", "1.7"]),
])
def test_prefix_selection(prefixes: list[str], expected: list[str]) -> None:
    assert [q.id for q in select(prefixes)] == expected


@pytest.mark.parametrize("prefix", ["6", "1.8", "4.3.ful", "", "x"])
def test_unknown_prefix_is_rejected(prefix: str) -> None:
    with pytest.raises(UnknownQuestion):
        select([prefix])
