"""Checking a write-up (`derivcheck doc`): every answered question's block, step by step.

For each question, its block (checker.language.documents) gives the displays, read as
chains of steps, and the answer, found by fixed rules (`find_answer`, docs/documents.md):

1. a `\\boxed{}` formula (for a word question, a boxed or bold word);
2. else the last equation whose first step is the asked quantity: its last step;
3. for a question whose answer is a derivation (2.1, 5.3, 5.6): the longest display chain;
4. else the last display's last step, if it reads as an answer;
5. else the last inline formula that reads as an answer;
6. a word question: else the one accepted word named alone in the block's last sentence
   that names any; a question asked for one mode of several (4.3.full): the inline
   formula right after that word.

Nothing else is taken for an answer: "no answer found" instead. Each link of every
display (step k against step k - 1) is decided (`checker.run.links`), a link from the
asked quantity by the question's own claim; the answer by the question's claim. The
question's status is the worst of its answer and its links: a derivation with a false
step is not a right derivation.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import sympy as sp

from checker.language.answers import Parsed, parse_answer
from checker.language.documents import (
    Block,
    Derivation,
    Document,
    DocumentCaps,
    DocumentError,
    Place,
    Sentence,
    read_document,
)
from checker.language.notation import Step, is_asked, normalise_latex, read_answer, read_step
from checker.model.errors import AnswerError
from checker.model.grades import PersonResult
from checker.model.notation import DocumentSpec
from checker.model.options import Options
from checker.model.printable import printable
from checker.model.question import AnswerKind, Assignment, Question
from checker.model.verdict import ANSWER_HOLDS, Outcome, Status, StepResult, Verdict, worst
from checker.run.api import decide_parsed
from checker.run.bounded import LimitHit, Limits, run_bounded
from checker.run.links import decide_link
from checker.run.showing import showing_problem, side_ways, written_as

_MATH = re.compile(r"\$[^$]*\$")


@dataclass(frozen=True)
class Found:
    """The answer taken from a block: as read, its text, where, and by which rule."""

    parsed: Parsed | None  # None when the formula taken could not be read as an answer
    text: str
    place: Place
    rule: str
    error: AnswerError | None = None


def blocks_for(document: Document, questions: Assignment) -> tuple[dict[str, Block], list[str]]:
    """Question ID -> the block answering it (the last, when several do), and notes on
    blocks that answer no question of the assignment."""
    found: dict[str, Block] = {}
    notes: list[str] = []
    for block in document.blocks:
        answered = [q.id for q in questions.questions if _answers(block.label, q.id)]
        parent = any(q.id.startswith(block.label + ".") for q in questions.questions)
        if not answered and not parent:  # `Answer 1.` before its list is no answer itself
            notes.append(f"line {block.place.describe()}: `{block.label}` is no question of "
                         f"{questions.name}; its block is not read")
        for qid in answered:
            if qid in found:
                notes.append(f"{qid} is answered twice (lines {found[qid].place.describe()} and "
                             f"{block.place.describe()}): the later block is checked")
            found[qid] = block
    return found, notes


def _answers(label: str, qid: str) -> bool:
    """A block labelled `4.3` answers 4.3.full, .valid and .same (a mode, not a numbered
    part); `1` never stands for 1.1..1.7."""
    if label == qid:
        return True
    rest = qid[len(label) + 1:] if qid.startswith(label + ".") else ""
    return bool(rest) and not any(part.isdigit() for part in rest.split("."))


def open_write_up(path: str) -> Document | PersonResult:
    """The write-up at `path`, or a PersonResult holding why it cannot be read (never
    raises for what the file holds). The document's name is the printable path."""
    shown = printable(os.fsencode(path).decode("utf-8", "backslashreplace"))
    caps = DocumentCaps()
    try:
        with open(path, "rb") as handle:
            data = handle.read(caps.max_bytes + 1)
        document = read_document(os.path.basename(path), data, caps)
    except DocumentError as exc:
        where = f" (line {exc.place.describe()})" if exc.place is not None else ""
        hint = f"; {exc.hint}" if exc.hint else ""
        return PersonResult(os.path.basename(shown), shown, file_error=f"{exc}{where}{hint}")
    except OSError as exc:
        return PersonResult(os.path.basename(shown), shown,
                            file_error=f"cannot read the file: {exc.strerror or exc}")
    return replace(document, name=shown)


def check_document(document: Document, path: str, questions: Assignment, limits: Limits | None,
                   options: Options, jobs: int = 1, only: Collection[str] | None = None) -> PersonResult:
    """One write-up: a verdict per answered question (of `only`, when given), in the
    assignment's order; `jobs` questions at a time (each in its own bounded worker when
    `limits` are given)."""
    blocks, _ = blocks_for(document, questions)
    answered = [q for q in questions.questions if q.id in blocks and (only is None or q.id in only)]

    def one(question: Question) -> Verdict:
        return check_block_bounded(question, blocks[question.id], limits, options)

    if jobs <= 1 or limits is None or len(answered) <= 1:
        verdicts = [one(q) for q in answered]
    else:
        # Threads only wait: every block runs in its own forked, bounded worker process.
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            verdicts = list(pool.map(one, answered))
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0] or path
    return PersonResult(stem, path, tuple(verdicts))


def check_block_bounded(question: Question, block: Block, limits: Limits | None,
                        options: Options) -> Verdict:
    start = time.perf_counter()
    if limits is None:
        return check_block(question, block, options)
    result = run_bounded(check_block, (question, block, options), limits)
    if isinstance(result, LimitHit):
        return Verdict(question.id, question.title, Status.UNDECIDED, f"stopped: {result.reason}",
                       time.perf_counter() - start, line=block.place.line, cell=block.place.cell,
                       reason=f"the block's check met a limit ({result.reason}): no decision")
    verdict: Verdict = result
    return verdict


def check_block(question: Question, block: Block, options: Options) -> Verdict:
    """The verdict of one question from its block (pure: run it bounded)."""
    start = time.perf_counter()
    if question.kind is AnswerKind.CHAIN:
        return _check_chain(question, block, options, start)
    found = find_answer(question, block)
    if found is None:
        return Verdict(question.id, question.title, Status.ERROR, "no answer found",
                       time.perf_counter() - start, line=block.place.line, cell=block.place.cell,
                       reason=f"no answer found in the block at line {block.place.describe()}: "
                       "box it (\\boxed{...}) or write it as `quantity = answer`",
                       steps=_links(question, block, None, options))
    answer_value = found.parsed.value if found.parsed is not None else None
    steps = _links(question, block, answer_value, options)
    if found.parsed is None:
        error = found.error or AnswerError("the answer could not be read")
        outcome = Outcome(Status.ERROR, "parse", reason=str(error))
    else:
        outcome = decide_parsed(question, found.parsed, options)
    return _verdict(question, found, outcome, steps, start)


def _verdict(question: Question, found: Found, outcome: Outcome, steps: tuple[StepResult, ...],
             start: float) -> Verdict:
    status = worst([outcome.status, *(s.status for s in steps)])
    method, counterexample, reason = outcome.method, outcome.counterexample, outcome.reason
    bad = next((s for s in steps if s.status is status), None)
    if status is not outcome.status and bad is not None:
        method = f"the step at {bad.place} is {bad.status.value}"
        counterexample = bad.counterexample
        reason = (f"the answer is {outcome.status.value} ({outcome.method}), but the step at "
                  f"{bad.place} is {bad.status.value}: {bad.method}")
    notes: tuple[str, ...] = (f"answer: {found.rule}, line {found.place.describe()}",)
    if outcome.status is Status.VERIFIED and status is not Status.VERIFIED:
        notes += (ANSWER_HOLDS,)
    return Verdict(question.id, question.title, status, method, time.perf_counter() - start,
                   answer=found.text, parsed=found.parsed.shown if found.parsed else "",
                   counterexample=counterexample, reason=reason, steps=steps, notes=notes,
                   line=found.place.line, cell=found.place.cell)


# -- finding the answer ---------------------------------------------------------------


def find_answer(question: Question, block: Block) -> Found | None:
    """The answer by the rules of the module docstring, or None."""
    if question.kind is AnswerKind.PARTS:
        return _parts_answer(question, block)
    mode = question.id.rsplit(".", 1)[-1]
    if not mode.isdigit() and "." in question.id:
        return _after_word(question, block, mode)
    for formula in reversed(block.boxed):
        found = _try(question, formula.latex, formula.place, "boxed")
        if found is not None:
            return found
    for derivation in reversed(_in_order(block)):
        if len(derivation.steps) >= 2 and is_asked(question, derivation.steps[0].latex):
            last = derivation.steps[-1]
            return _read(question, last.latex, last.place, "an equation that states the asked quantity",
                         notation=True)
    displays = [d for d in block.derivations if d.steps]
    if displays:
        last = displays[-1].steps[-1]
        found = _try(question, last.latex, last.place, "the last display's last step")
        if found is not None:
            return found
    for derivation in reversed(block.inline):
        if derivation.steps:
            last = derivation.steps[-1]
            found = _try(question, last.latex, last.place, "the last inline formula that reads as an answer")
            if found is not None:
                return found
    if question.kind is AnswerKind.WORD:
        return _word_in_sentences(question, block.sentences)
    return None


def _in_order(block: Block) -> list[Derivation]:
    every = [*block.derivations, *block.inline]
    return sorted(every, key=lambda d: (d.place.cell or 0, d.place.line))


def _read(question: Question, latex: str, place: Place, rule: str, notation: bool = False) -> Found:
    try:
        return Found(read_answer(question, latex, notation), latex, place, rule)
    except AnswerError as exc:
        return Found(None, latex, place, rule, exc)


def _try(question: Question, latex: str, place: Place, rule: str) -> Found | None:
    found = _read(question, latex, place, rule)
    return found if found.parsed is not None else None


def _word_in_sentences(question: Question, sentences: Sequence[Sentence]) -> Found | None:
    """The one accepted word named alone in the last sentence that names any."""
    words = question.namespace.words
    for sentence in reversed(sentences):
        prose = _MATH.sub(" ", sentence.text)
        named = [w for w in words if re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", prose, re.IGNORECASE)]
        if len(named) == 1:
            return _read(question, named[0], sentence.place,
                         "the one accepted word named in the last sentence naming any")
        if named:
            return None  # the sentence names several: no guess
    return None


def _after_word(question: Question, block: Block, mode: str) -> Found | None:
    """4.3.full: the last inline formula right after the word `full` in the block's prose."""
    pattern = re.compile(rf"(?<![\w]){re.escape(mode)}(?![\w])\s*:?\s*\$([^$]*)\$", re.IGNORECASE)
    for sentence in reversed(block.sentences):  # the last one, as every other rule takes
        matches = list(pattern.finditer(sentence.text))
        if matches:
            return _read(question, matches[-1].group(1), sentence.place,
                         f"the last formula right after the word `{mode}`")
    return None


def _parts_answer(question: Question, block: Block) -> Found | None:
    """An answer in parts: the equations whose first step is a part's spelling; a part's
    case (W1 at i = 0) stated on its own joins the part as `\\begin{cases}`. A part stated
    twice differently is no answer (which one was meant is not guessed)."""
    spec = question.document or DocumentSpec()
    general = [(name, spellings, "") for name, spellings in spec.parts]
    texts: dict[tuple[str, str], tuple[str, Place]] = {}
    for derivation in _in_order(block):
        if len(derivation.steps) < 2:
            continue
        for name, spellings, condition in (*general, *spec.part_cases):
            if any(_same_spelling(derivation.steps[0].latex, s) for s in spellings):
                stated = (derivation.steps[-1].latex, derivation.steps[0].place)
                earlier = texts.get((name, condition))
                if earlier is not None and not _same_spelling(earlier[0], stated[0]):
                    return Found(None, derivation.steps[0].latex, stated[1], "the equations that "
                                 "define the parts", AnswerError(
                                     f"part {name} is stated twice, differently (at "
                                     f"{earlier[1].prefix().rstrip(': ')} and "
                                     f"{stated[1].prefix().rstrip(': ')}): state it once"))
                texts[(name, condition)] = stated
    if not texts:
        return None
    pieces = []
    for name in question.parts:
        cases = [(texts[(n, c)][0], c) for n, _, c in spec.part_cases if n == name and (n, c) in texts]
        whole = texts.get((name, ""))
        if whole is None and not cases:
            continue
        if not cases:
            pieces.append(f"{name} = {whole[0] if whole else ''}")
            continue
        rows = " \\\\ ".join(f"{value}, & {condition}" for value, condition in cases)
        rest = f" \\\\ {whole[0]}, & \\text{{otherwise}}" if whole else ""
        pieces.append(f"{name} = \\begin{{cases}} {rows}{rest} \\end{{cases}}")
    place = min((p for _, p in texts.values()), key=lambda p: (p.cell or 0, p.line))
    return _read_parts(question, "; ".join(pieces), place)


def _same_spelling(latex: str, spelling: str) -> bool:
    return normalise_latex(latex) == normalise_latex(spelling)


def _read_parts(question: Question, text: str, place: Place) -> Found:
    rule = "the equations that define the parts"
    try:
        return Found(parse_answer(question, text, latex=True), text, place, rule)
    except AnswerError as exc:
        return Found(None, text, place, rule, exc)


# -- links ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    step: Step | None
    error: str
    line: int
    cell: int | None


def _read_steps(question: Question, derivation: Derivation, answer: Any) -> list[_Read]:
    out = []
    for text in derivation.steps:
        try:
            if is_asked(question, text.latex):
                step = read_step(question, text.latex)
            else:
                step = read_step(question, text.latex, answer)
            out.append(_Read(step, "", text.place.line, text.place.cell))
        except AnswerError as exc:
            out.append(_Read(None, str(exc), text.place.line, text.place.cell))
    return out


def _links(question: Question, block: Block, answer: Any, options: Options,
           skip: Derivation | None = None) -> tuple[StepResult, ...]:
    """A result for each step of each display after its first: the link to the step
    before it (an unreadable step is an error, and the link across it undecided).
    `skip`: a display checked otherwise (a derivation that is the answer)."""
    results: list[StepResult] = []
    for derivation in block.derivations:
        if derivation is skip:
            continue
        steps = _read_steps(question, derivation, answer)
        texts = derivation.steps
        previous: _Read | None = None
        for index, current in enumerate(steps):
            text = texts[index].latex
            label = f"step {index}→{index + 1}: {text}" if index else f"step 1: {text}"
            if current.step is None:
                results.append(StepResult(label, Status.ERROR, current.error, None, current.line,
                                          current.cell))
            elif previous is not None and previous.step is not None:
                result = _link(question, previous.step, current.step, text, options)
                results.append(replace(result, text=label, line=current.line, cell=current.cell))
            elif index > 0:
                results.append(StepResult(label, Status.UNDECIDED, "the step before it could not be read",
                                          None, current.line, current.cell))
            previous = current
    return tuple(results)


def _link(question: Question, before: Step, after: Step, text: str, options: Options) -> StepResult:
    if before.asked and after.asked:
        return StepResult(text, Status.VERIFIED, "the asked quantity, restated")
    if before.asked or after.asked:
        other = after if before.asked else before
        parsed = other.parsed or Parsed(other.value, other.shown)
        outcome = decide_parsed(question, parsed, options)
        return StepResult(text, outcome.status, f"the asked quantity: {outcome.method}",
                          outcome.counterexample)
    scaled = before.up_to_factor or after.up_to_factor
    return _defined(_sides_named(decide_link(question, before.value, after.value, "", scaled)),
                    (before, after))


def _defined(result: StepResult, steps: tuple[Step, ...]) -> StepResult:
    """A link proved between forms SymPy simplified while reading them is not verified when
    a step, as written, needs a condition not shown (a divisor that cancelled, as for an
    answer: `checker.run.api.decide_parsed`)."""
    needs = [r.describe() for s in steps if s.parsed is not None for r in s.parsed.unproved]
    if result.status is not Status.VERIFIED or not needs:
        return result
    shown = ", ".join(dict.fromkeys(needs))
    return replace(result, status=Status.UNDECIDED,
                   method=f"{result.method}; but the steps as written need {shown}, which could not "
                   "be shown on the whole domain: they may be undefined there (if a factor cancels, "
                   "cancel it yourself)")


_SIDES = "this step is the answer, the step before it the truth"


def _sides_named(result: StepResult) -> StepResult:
    """A link's counterexample says `your answer … truth …`: here both are the person's
    steps, so the note says which is which (unless the question's link already does)."""
    found = result.counterexample
    if found is None:
        return result
    # A question's link names its instance after the caller's `where`, here empty.
    found = replace(found, where=found.where.removeprefix(", "))
    if "step before" in found.note:
        return replace(result, counterexample=found)
    note = f"{found.note}; {_SIDES}" if found.note else _SIDES
    return replace(result, counterexample=replace(found, note=note))


# -- a derivation as the answer -------------------------------------------------------


def _check_chain(question: Question, block: Block, options: Options, start: float) -> Verdict:
    """The block's longest display chain is the answer: its readable steps go to the
    question's chain claim, whose link results are placed at the steps' lines."""
    displays = [d for d in block.derivations if len(d.steps) >= 2]
    if not displays:
        return Verdict(question.id, question.title, Status.ERROR, "no answer found",
                       time.perf_counter() - start, line=block.place.line, cell=block.place.cell,
                       reason="no derivation found: write it as a display, `step = step = ...`")
    derivation = max(reversed(displays), key=lambda d: len(d.steps))
    steps = _read_steps(question, derivation, None)
    unread = tuple(StepResult(f"step {n}: {t.latex}", Status.ERROR, r.error, None, r.line, r.cell)
                   for n, (t, r) in enumerate(zip(derivation.steps, steps, strict=True), 1)
                   if r.step is None)
    kept = [(t, r, r.step) for t, r in zip(derivation.steps, steps, strict=True)
            if r.step is not None and not r.step.asked]
    # A kept step right after an unreadable one: its link crosses a gap.
    after_gap = [n > 0 and steps[n - 1].step is None
                 for n, r in enumerate(steps) if r.step is not None and not r.step.asked]
    value, renamed = _entry_renamed(question, tuple(step.value for _, _, step in kept))
    answer = Found(Parsed(value, " = ".join(step.shown for _, _, step in kept)),
                   " = ".join(t.latex for t in derivation.steps), derivation.place,
                   "the block's longest display derivation")
    if len(kept) < 2:
        return _verdict(question, replace(answer, parsed=None),
                        Outcome(Status.ERROR, "parse", reason="fewer than two steps could be read"),
                        unread, start)
    written = tuple(_renamed(_as_written(question, t.latex), renamed) for t, _, _ in kept)
    assert answer.parsed is not None
    outcome = decide_parsed(question, answer.parsed, options, None if None in written else written)
    placed = _chain_steps(outcome.steps, [(t, r) for t, r, _ in kept])
    # The first and last links compare with the identity's sides, from the definitions.
    results = [_sides_named(r) if 0 < index < len(placed) - 1 else r for index, r in enumerate(placed)]
    # results[0] is the link into step 1, results[k] the link from step k to k + 1, and
    # results[-1] the link from the last step to the identity's other side.
    for index, gap in enumerate(after_gap):
        if gap and index < len(results) and results[index].status is Status.VERIFIED:
            results[index] = replace(results[index], status=Status.UNDECIDED,
                                     method="the link across an unreadable step")
    problem = showing_problem(question, answer.parsed.value, None if None in written else written)
    if problem is not None:
        # A missing side is reported at the link into it; an assumed link at that link.
        number, why = problem
        index = 0 if "first step" in why else len(results) - 1 if "last step" in why else number - 1
        if results[index].status is Status.VERIFIED:
            results[index] = replace(results[index], status=Status.UNDECIDED, method=why)
    # The block's other displays are read and linked like any question's.
    others = _links(question, block, None, options, skip=derivation)
    everything = tuple(sorted([*results, *unread, *others], key=lambda s: (s.cell or 0, s.line or 0)))
    return _verdict(question, answer, outcome, everything, start)


def _entry_renamed(question: Question, values: tuple[Any, ...]) -> tuple[tuple[Any, ...], dict[Any, Any]]:
    """A derivation written for another entry than the identity's (`S(x + c)_k = ...` where
    the question says i): its one free index renamed to the identity's one missing index,
    when that makes its first step a side of the identity. Otherwise as written."""
    spec = question.document or DocumentSpec()
    if spec.ends is None or not values or not all(isinstance(v, sp.Basic) for v in values):
        return values, {}
    sides = (*side_ways(spec.ends[0]()), *side_ways(spec.ends[1]()))
    wanted = {s for side in sides for s in side.free_symbols if s.is_integer}
    used = set().union(*(v.free_symbols for v in values))
    missing = [s for s in wanted if s not in used]
    extra = [v.symbol for v in spec.variables
             if v.domain.integer and v.symbol in used and v.symbol not in wanted]
    if len(missing) != 1 or len(extra) != 1:
        return values, {}
    renaming = {extra[0]: missing[0]}
    renamed = tuple(v.xreplace(renaming) for v in values)
    if any(written_as(renamed[0], side) for side in sides):
        return renamed, renaming
    return values, {}


def _renamed(value: Any, renaming: dict[Any, Any]) -> Any:
    return value.xreplace(renaming) if renaming and isinstance(value, sp.Basic) else value


def _as_written(question: Question, latex: str) -> Any:
    """The step as written, read with SymPy's automatic evaluation off (checker.run.showing)."""
    try:
        with sp.evaluate(False):
            return read_step(question, latex).value
    except Exception:  # only the finer reading is lost
        return None


def _chain_steps(decided: Sequence[StepResult], kept: Sequence[tuple[Any, _Read]]) -> list[StepResult]:
    """The claim's link results placed at the person's steps: a claim that puts a derived
    start before the steps reports one result more than there are links."""
    results = list(decided)
    if len(results) == len(kept) + 2:
        results = results[1:]
    placed = []
    last = len(kept)
    for index, result in enumerate(results):
        text, read = kept[min(index, last - 1)]
        label = ("the definition→step 1" if index == 0 else
                 f"step {last}→the identity's other side" if index >= last else f"step {index}→{index + 1}")
        placed.append(replace(result, text=f"{label}: {text.latex}", line=read.line, cell=read.cell))
    return placed
