"""The shipped assignment holds exactly the question IDs its documented contract fixes
(the ID table of docs/contract.md), in order, and every question is complete enough to
show and to verify. Course assignments are tested through their own self-test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker import AnswerKind, UnknownQuestion, all_questions, select

CONTRACT = Path(__file__).resolve().parents[1] / "docs" / "contract.md"


def documented_ids() -> list[str]:
    """The first column of the contract's question table (rows `| ID | asks for | ...`; a
    cell may list several IDs, `4.3.full, 4.3.valid, 4.3.same`)."""
    table = CONTRACT.read_text(encoding="utf-8").split("| ID | asks for |", 1)[1].split("\n\n")[0]
    cells = re.findall(r"^\| ([0-9][0-9a-z., ]*?) \|", table, flags=re.MULTILINE)
    assert cells, "the contract's question table was not found"
    return [qid.strip() for cell in cells for qid in cell.split(",")]


def test_shipped_assignment_matches_the_documented_contract() -> None:
    ids = [q.id for q in all_questions()]
    assert ids == documented_ids()
    assert len(ids) == len(set(ids))


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
