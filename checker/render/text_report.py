"""The coloured text report (rich). Colours come from a theme with dotted style
names; NO_COLOR and a non-terminal stdout give plain text (rich honours both)."""

from __future__ import annotations

import os
import sys
from typing import IO

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

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


def make_console(file: IO[str] | None = None) -> Console:
    stream = file or sys.stdout
    interactive = hasattr(stream, "isatty") and stream.isatty()
    # Piped output (CI logs, files) gets a fixed width so tables are not cut at 80.
    width = None if interactive else int(os.environ.get("COLUMNS", "120"))
    return Console(file=stream, theme=THEME, highlight=False, width=width)


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
        table.add_row(Text(v.id), Text(v.title), status_text(v.status), Text(v.method),
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
        table.add_row(status_text(step.status), Text(step.text), Text(how))
    return table


def verdict_detail(v: Verdict, show_answer: bool = True) -> RenderableType:
    parts: list[RenderableType] = []
    if show_answer and v.answer:
        parts.append(Text.assemble(("answer:         ", "report.label"), printable(v.answer)))
    if v.parsed:
        parts.append(Text.assemble(("interpreted as: ", "report.label"), printable(v.parsed)))
    parts.append(Text.assemble(("verdict:        ", "report.label"), status_text(v.status),
                               f"  ({v.method})"))
    if v.reason:
        parts.append(Text.assemble(("reason:         ", "report.label"), printable(v.reason)))
    if v.counterexample is not None:
        parts.append(Panel(Text(printable(v.counterexample.describe())), title="counterexample",
                           border_style=f"verdict.{v.status.value}", expand=False))
    if v.steps:
        parts.append(steps_table(v.steps))
    title = f"{v.id} {v.title}".strip()
    return Panel(Group(*parts), title=title, title_align="left",
                 border_style=f"verdict.{v.status.value}")


def render_summary(verdicts: list[Verdict]) -> Text:
    counts = {s: sum(v.status is s for v in verdicts) for s in Status}
    pieces: list[tuple[str, str] | str] = []
    for status, count in counts.items():
        if count:
            pieces += [(f"{count} {status.value}", f"verdict.{status.value}"), "  "]
    seconds = sum(v.seconds for v in verdicts)
    return Text.assemble(*pieces, (f"in {seconds:.2f} s of checking", "report.dim"))


def render_verify(verdicts: list[Verdict], console: Console) -> None:
    """verify: the table, then a panel for every claim that is not verified and
    for every chain (each step marked)."""
    console.print(verdict_table(verdicts))
    for v in verdicts:
        if v.status is not Status.VERIFIED or v.steps:
            console.print(verdict_detail(v, show_answer=v.status is not Status.VERIFIED))
    console.print(render_summary(verdicts))


def render_check(verdicts: list[Verdict], console: Console) -> None:
    """check: the interpretation and the verdict of one answer, in full."""
    for v in verdicts:
        console.print(verdict_detail(v))
