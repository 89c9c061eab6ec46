"""The coloured text report (rich). Colours come from a theme with dotted style
names. Whether to style at all is decided once, in `make_console`: `--color always|never`
first, then NO_COLOR, then FORCE_COLOR, then whether the stream is a terminal. Plain
means plain: no colour and no bold either (rich's own NO_COLOR handling keeps bold)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import IO

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from checker.model.course import PersonScore
from checker.model.printable import printable
from checker.model.verdict import Status, StepResult, Verdict

THEME = Theme({
    "verdict.verified": "bold green",
    "verdict.refuted": "bold red",
    "verdict.undecided": "bold yellow",
    "verdict.error": "bold magenta",
    "report.label": "bold",
    "report.dim": "dim",
})
MARKS = {Status.VERIFIED: "✓", Status.REFUTED: "✗", Status.UNDECIDED: "?", Status.ERROR: "!"}


COLOR_CHOICES = ("auto", "always", "never")


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # rich would exit with 1 here; the reader leaving (`| head -1`) is not a failure,
        # and the command line ends with the code its run had (checker.cli).
        self.quiet = True
        raise BrokenPipeError


def styled(color: str, interactive: bool, environ: Mapping[str, str]) -> bool:
    """Whether output is coloured: the flag, then NO_COLOR, then FORCE_COLOR, then the
    terminal (no-color.org: a flag the person typed outranks the environment)."""
    if color in ("always", "never"):
        return color == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return interactive


def make_console(file: IO[str] | None = None, color: str = "auto") -> Console:
    stream = file or sys.stdout
    interactive = hasattr(stream, "isatty") and stream.isatty()
    # Piped output (CI logs, files) gets a fixed width so tables are not cut at 80.
    width = None if interactive else _columns(os.environ.get("COLUMNS", ""))
    if styled(color, interactive, os.environ):
        return _Console(file=stream, theme=THEME, highlight=False, width=width, no_color=False,
                        force_terminal=True, color_system="auto" if interactive else "standard")
    return _Console(file=stream, theme=THEME, highlight=False, width=width, no_color=True,
                    force_terminal=False, color_system=None)


def _columns(text: str) -> int:
    return int(text) if text.isdigit() and int(text) > 0 else 120


def status_text(status: Status) -> Text:
    return Text(f"{MARKS[status]} {status.value}", style=f"verdict.{status.value}")


def verdict_table(verdicts: list[Verdict], title: str = "derivcheck") -> Table:
    table = Table(title=title, title_justify="left", expand=False)
    table.add_column("ID", no_wrap=True)
    table.add_column("question")
    table.add_column("status", no_wrap=True)
    table.add_column("method")
    table.add_column("time", justify="right", no_wrap=True)
    for v in verdicts:
        # Text(), not str: answers contain [i], which rich would read as markup.
        table.add_row(Text(printable(v.id)), Text(printable(v.title)), status_text(v.status),
                      Text(printable(v.method)),
                      f"{v.seconds:.2f} s")
    return table


def steps_table(steps: tuple[StepResult, ...]) -> Table:
    table = Table(show_header=True, box=None, pad_edge=False)
    table.add_column("", no_wrap=True)
    table.add_column("step")
    table.add_column("how")
    for step in steps:
        how = step.method
        if step.counterexample is not None:
            how += f" — {step.counterexample.describe()}"
        table.add_row(status_text(step.status), Text(printable(step.text)), Text(printable(how)))
    return table


def verdict_detail(v: Verdict, show_answer: bool = True) -> RenderableType:
    parts: list[RenderableType] = []
    if show_answer and v.answer:
        parts.append(Text.assemble(("answer:         ", "report.label"), printable(v.answer)))
        caret = _caret(v)
        if caret:
            parts.append(Text.assemble(" " * 16, (caret, f"verdict.{v.status.value}")))
    if v.parsed:
        parts.append(Text.assemble(("interpreted as: ", "report.label"), printable(v.parsed)))
    parts.append(Text.assemble(("verdict:        ", "report.label"), status_text(v.status),
                               f"  ({printable(v.method)})"))
    if v.reason:
        parts.append(Text.assemble(("reason:         ", "report.label"), printable(v.problem)))
    if v.hint:
        parts.append(Text.assemble(("how to fix:     ", "report.label"), printable(v.hint)))
    if v.counterexample is not None:
        parts.append(Panel(Text(printable(v.counterexample.describe())), title="counterexample",
                           border_style=f"verdict.{v.status.value}", expand=False))
    if v.steps:
        parts.append(steps_table(v.steps))
    title = Text(printable(f"{v.id} {v.title}".strip()))  # Text: never read as markup
    return Panel(Group(*parts), title=title, title_align="left",
                 border_style=f"verdict.{v.status.value}")


def _caret(v: Verdict) -> str:
    """`^~~` under the offending text, when the answer prints on one line as written."""
    if v.column is None or v.column < 1 or printable(v.answer) != v.answer or "\n" in v.answer:
        return ""
    if v.column > len(v.answer) + 1:
        return ""
    width = len(v.excerpt) if v.excerpt and v.answer[v.column - 1:].startswith(v.excerpt) else 1
    return " " * (v.column - 1) + "^" + "~" * (width - 1)


def verdict_line(v: Verdict, who: str = "") -> Text:
    """One line: the mark and status, the ID, and why it is not verified."""
    detail = v.counterexample.describe() if v.counterexample else v.reason
    if v.status is Status.VERIFIED:
        detail = v.method
    return Text.assemble(status_text(v.status), f" {who}{printable(v.id)}", (": " if detail else ""),
                         printable(detail))


def render_lines(verdicts: list[Verdict], console: Console) -> None:
    """--quiet: one line per check, then the summary."""
    for v in verdicts:
        console.print(verdict_line(v), soft_wrap=True)
    console.print(render_summary(verdicts), soft_wrap=True)


def render_people(scores: Sequence[PersonScore], console: Console, every_answer: bool = False) -> None:
    """grade --quiet: a line per person (points, or why the file was not read), then the
    summary; grade --verbose appends a line for every answer."""
    for score in scores:
        r = score.result
        who = f"{printable(r.person)} ({printable(r.path)})"
        if r.file_error:
            console.print(Text.assemble(status_text(Status.ERROR), f" {who}: ", printable(r.file_error)),
                          soft_wrap=True)
        else:
            flagged = f", {len(score.flagged)} flagged for review" if score.flagged else ""
            console.print(Text(f"{who}: {points_text(score.total)}/{points_text(score.max_total)} points, "
                               f"{r.verified} of {len(score.questions)} verified{flagged}"),
                          soft_wrap=True)
        if every_answer:
            for v in r.verdicts:
                console.print(Text.assemble("  ", verdict_line(v)), soft_wrap=True)
    results = [score.result for score in scores]
    unread = sum(bool(r.file_error) for r in results)
    files = f"{len(results)} file{'s' if len(results) != 1 else ''}"
    console.print(Text.assemble(f"{files}: ", render_summary([v for r in results for v in r.verdicts]),
                                (f"; {unread} could not be read" if unread else "", "verdict.error")),
                  soft_wrap=True)


def points_text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render_summary(verdicts: list[Verdict]) -> Text:
    counts = {s: sum(v.status is s for v in verdicts) for s in Status}
    pieces: list[tuple[str, str] | str] = []
    for status, count in counts.items():
        if count:
            pieces += [(f"{count} {status.value}", f"verdict.{status.value}"), "  "]
    seconds = sum(v.seconds for v in verdicts)
    return Text.assemble(*pieces, (f"in {seconds:.2f} s of checking", "report.dim"))


def render_verify(verdicts: list[Verdict], console: Console, every: bool = False) -> None:
    """verify: the table, then a panel for every claim that is not verified and
    for every chain (each step marked); with `every` (--verbose) a panel for each claim."""
    console.print(verdict_table(verdicts))
    for v in verdicts:
        if every or v.status is not Status.VERIFIED or v.steps:
            console.print(verdict_detail(v, show_answer=every or v.status is not Status.VERIFIED))
    console.print(render_summary(verdicts))


def render_check(verdicts: list[Verdict], console: Console) -> None:
    """check: the interpretation and the verdict of one answer, in full."""
    for v in verdicts:
        console.print(verdict_detail(v))
