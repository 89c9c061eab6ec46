"""A realistic generated class of answer files for the grading benchmark.

Most answers are right (the reference or a common correct rewrite), common
mistakes repeat across people, and some answers are unique to one person.
Deterministic: the same seed writes the same class.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from checker import AnswerKind, all_questions

COMMON_RIGHT = {
    "1.4": ["f - y", "sigmoid(a) - y", "-y*(1-f) + (1-y)*f"],
    "1.5": ["(f-y)**2/2", "(f-y)^2", "0.5*(y-f)^2"],
    "1.6": ["(f-y)*f*(1-f)", "2*(f-y)*f*(1-f)"],
    "2.2": ["x1 - x2", "-(x2 - x1)"],
    "4.1": ["65536"],
    "5.1": ["d - k1 - k2 + 2", "d - (k1 - 1) - (k2 - 1)"],
}
COMMON_WRONG = {
    "1.1": ["tanh(a)"],
    "1.4": ["y - f", "(f-y)*f*(1-f)"],
    "1.6": ["(f-y)*f"],
    "1.7": ["MSE"],
    "2.2": ["x2 - x1"],
    "2.3": ["x[i] - x[1]"],
    "4.1": ["65535", "131072"],
    "4.2": ["18496"],
    "5.1": ["d - k1 - k2 + 1"],
    "5.4": ["d + k1 + k2 - 1"],
}


def toml_value(kind: AnswerKind, text: str) -> str:
    if kind in (AnswerKind.INTEGER, AnswerKind.LIST):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def answer_for(qid: str, reference: str, rng: random.Random, person: int) -> str:
    roll = rng.random()
    if roll < 0.70:
        return rng.choice(COMMON_RIGHT.get(qid, [reference]))
    if roll < 0.92 and qid in COMMON_WRONG:
        return rng.choice(COMMON_WRONG[qid])
    if qid in ("1.4", "1.5", "1.6", "2.2", "5.1", "5.4"):
        return f"{reference} + {person % 7 + 1}/{person + 2}"  # unique to this person
    return reference


def write_class(directory: Path, people: int = 200, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    questions = all_questions()
    paths = []
    for person in range(people):
        lines = [f'name = "Student {person:03d}"', "", "[answers]"]
        for q in questions:
            if q.kind is AnswerKind.PARTS:
                lines.append(f'"{q.id}" = {toml_value(q.kind, q.reference)}')
                continue
            text = answer_for(q.id, q.reference, rng, person)
            lines.append(f'"{q.id}" = {toml_value(q.kind, text)}')
        path = directory / f"student{person:03d}.toml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    write_class(Path(sys.argv[1]))
