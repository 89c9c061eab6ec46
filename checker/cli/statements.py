"""The assignment's own wording of each question, for `derivcheck show`.

The statements ship with the package (checker/data/assignment.md, a copy of
docs/assignment.md), so an installed derivcheck shows them without the repository.
The file is Markdown: `## Question N` opens a question and its shared text, `### N.k` a
sub-question, and `### For N.a, N.b and N.c` text that applies to the sub-questions it names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files

RESOURCE = ("data", "assignment.md")


@dataclass
class _Question:
    preamble: list[str] = field(default_factory=list)
    parts: dict[str, list[str]] = field(default_factory=dict)
    context: dict[str, list[str]] = field(default_factory=dict)  # sub-question → shared text


@dataclass(frozen=True)
class Statement:
    number: str  # the question, e.g. "1"
    heading: str  # e.g. "Question 1 (3-3-3-4-3)"
    preamble: str  # what the question says before its sub-questions
    context: str  # text shared by a run of sub-questions ("For the following, ...")
    part: str  # the sub-question itself, "" for a question without sub-questions
    label: str  # the sub-question's number as the assignment writes it (4.3 for 4.3.full)


def read_document() -> str:
    return files("checker").joinpath(*RESOURCE).read_text(encoding="utf-8")


def find(qid: str, document: str | None = None) -> Statement | None:
    """The statement of question `qid` (4.3.full is the assignment's 4.3), or None."""
    questions: dict[str, _Question] = {}
    headings: dict[str, str] = {}
    current: list[str] | None = None
    number = ""
    for line in (read_document() if document is None else document).splitlines():
        question = re.fullmatch(r"## Question (\d+)\b.*", line)
        if question:
            number = question[1]
            headings[number] = line[3:].strip()
            questions[number] = _Question()
            current = questions[number].preamble
            continue
        if line.startswith("## "):  # the notes, or anything else after the questions
            current = None
            continue
        sub = re.fullmatch(r"### (\d+(?:\.\d+)+)\s*", line)
        if sub and number in questions:
            current = questions[number].parts.setdefault(sub[1], [])
            continue
        shared = re.fullmatch(r"### For (.+)", line)
        if shared and number in questions:
            current = []
            for named in re.findall(r"\d+\.\d+", shared[1]):
                questions[number].context[named] = current
            continue
        if current is not None:
            current.append(line)
    head = qid.split(".")[0]
    if head not in questions:
        return None
    entry = questions[head]
    label = next((p for p in sorted(entry.parts, key=len, reverse=True)
                  if qid == p or qid.startswith(p + ".")), "")
    if not label and (qid != head or entry.parts):
        return None
    return Statement(head, headings[head], _text(entry.preamble), _text(entry.context.get(label, [])),
                     _text(entry.parts.get(label, [])), label)


def _text(lines: list[str]) -> str:
    """Paragraphs joined into one line each (the terminal wraps them to its width);
    indented lines, the displayed formulas, are kept as they are."""
    out: list[str] = []
    for line in lines:
        if line.startswith("    ") or not line.strip() or not out or not out[-1].strip() \
                or out[-1].startswith("    "):
            out.append(line.rstrip())
        else:
            out[-1] += " " + line.strip()
    return "\n".join(out).strip()
