"""Events to blocks: which question each formula answers, and its derivations.

A block starts at a marker, a labelled heading or a bold lead, and runs to the next
start, or to a heading of its level or above (any section heading ends a marker's or a
bold lead's block). A start labelled with one number N, followed by an ordered list,
is the course template: each top-level item is its own block `N.k`, by position (a
Markdown list counts from its first item's number, a LaTeX `\\item[3.]` is item 3).
Formulas outside every block are counted in a note and otherwise ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.language.documents.events import (
    HEADING,
    TEMPLATE,
    Bold,
    Break,
    Event,
    Heading,
    Item,
    ListClose,
    ListOpen,
    Math,
    Prose,
    Start,
)
from checker.language.documents.guard import add_note
from checker.language.documents.model import (
    Block,
    Derivation,
    DocumentCaps,
    DocumentError,
    Formula,
    Place,
    StepText,
)
from checker.language.documents.sentences import Sentences
from checker.language.documents.steps import Row, read_formula
from checker.language.documents.text import collapse, excerpt

_ONE_FORMULA = re.compile(r"\$([^$]+)\$|\\\((.*)\\\)", re.S)


@dataclass
class _Open:
    """A block being filled; frozen into a Block when the next one starts."""

    label: str
    place: Place
    how: str
    derivations: list[list[StepText]] = field(default_factory=list)
    inline: list[list[StepText]] = field(default_factory=list)
    boxed: list[Formula] = field(default_factory=list)
    sentences: Sentences = field(default_factory=Sentences)
    last_display: list[StepText] | None = None
    template_parent: bool = False

    def freeze(self) -> Block:
        """The finished block."""
        self.sentences.flush()
        return Block(self.label, self.place, self.how,
                     tuple(Derivation(tuple(s), True, s[0].place) for s in self.derivations),
                     tuple(Derivation(tuple(s), False, s[0].place) for s in self.inline),
                     tuple(self.boxed), tuple(self.sentences.done))

    def empty(self) -> bool:
        """Nothing was written in it (a template's number before its list, say)."""
        self.sentences.flush()
        return not (self.derivations or self.inline or self.boxed or self.sentences.done)


@dataclass
class _Parent:
    """The start that opened the current block(s): its level ends them; a template's state."""

    label: str
    level: int
    block: _Open
    template: bool
    depth: int = 0
    in_list: bool = False
    content: int | None = None
    items: int = 0


class Assembler:
    """Feed it a document's events in order; `finish` returns its blocks."""

    def __init__(self, caps: DocumentCaps, notes: list[str]) -> None:
        self.caps = caps
        self.notes = notes
        self.blocks: list[_Open] = []
        self.current: _Open | None = None
        self.parent: _Parent | None = None
        self.formulas = 0
        self.outside: list[Place] = []

    def feed(self, event: Event) -> None:
        """Take one event."""
        if isinstance(event, Math):
            self._math(event)
        elif isinstance(event, Prose | Bold | Break):
            self._prose(event)
        elif isinstance(event, Start):
            self._start(event)
        elif isinstance(event, Heading):
            self._heading(event)
        else:
            self._list(event)

    def finish(self) -> tuple[Block, ...]:
        """The blocks in order; a template's number with nothing of its own is left out."""
        if self.outside:
            add_note(self.notes, f"{len(self.outside)} formula(s) outside every answer block were "
                     f"ignored, the first at {self.outside[0].prefix()[:-2]}")
        if not self.blocks:
            add_note(self.notes, "no answer block found: start each answer with a heading or bold "
                     "lead such as `Answer 1.4`, or a marker comment `derivcheck: 1.4`")
        return tuple(b.freeze() for b in self.blocks if not (b.template_parent and b.empty()))

    def _open(self, label: str, place: Place, how: str) -> _Open:
        """A new current block (the one before is done)."""
        if len(self.blocks) >= self.caps.max_blocks:
            raise DocumentError(f"{place.prefix()}more than {self.caps.max_blocks:,} answer blocks "
                                "(max_blocks)", place, label)
        if self.current:
            self.current.sentences.flush()
        self.current = _Open(label, place, how)
        self.blocks.append(self.current)
        return self.current

    def _start(self, event: Start) -> None:
        """A marker, labelled heading or bold lead."""
        block = self._open(event.label, event.place, event.how)
        template = event.how == HEADING and "." not in event.label
        self.parent = _Parent(event.label, event.level, block, template)

    def _heading(self, event: Heading) -> None:
        """A heading that starts no block ends the blocks of its level or deeper."""
        if self.parent and event.level <= self.parent.level:
            if self.current:
                self.current.sentences.flush()
            self.current = self.parent = None
        elif self.current:
            self.current.sentences.flush()

    def _list(self, event: ListOpen | ListClose | Item) -> None:
        """List structure: a template's top-level items each open a block `N.k`."""
        if self.current:
            self.current.sentences.flush()
        parent = self.parent
        if parent is None:
            return
        if isinstance(event, ListOpen):
            parent.in_list = parent.in_list or (parent.template and parent.depth == 0 and event.ordered)
            parent.depth += 1
        elif isinstance(event, ListClose):
            parent.depth = max(parent.depth - 1, 0)
            parent.in_list = parent.in_list and parent.depth > 0
        elif event.indent is None:
            if parent.in_list and parent.depth == 1:
                self._item(parent, event.place, event.number)
        elif parent.template and event.content is not None:
            if parent.content is None:
                parent.content = event.content
                self._item(parent, event.place, event.number)  # a list starts at its first number
            elif event.indent < parent.content:
                self._item(parent, event.place)

    def _item(self, parent: _Parent, place: Place, number: int | None = None) -> None:
        """The next item of a template list: block `N.k`, k by position, unless the item is
        written with its number (`\\item[3.]`; a Markdown list starting at `3.`), as the
        rendered list shows it."""
        if number is not None and number >= 1:
            parent.items = number - 1
        parent.items += 1
        parent.block.template_parent = True
        self._open(f"{parent.label}.{parent.items}", place, TEMPLATE)

    def _prose(self, event: Prose | Bold | Break) -> None:
        """Prose goes to sentences; bold text is also collected beside \\boxed."""
        if self.current is None:
            return
        if isinstance(event, Break):
            self.current.sentences.flush()
        elif isinstance(event, Bold):
            self.current.boxed.append(Formula(_bold_latex(event.text), event.place, False))
        else:
            self.current.sentences.add(event.text, event.start, event.locator)

    def _math(self, event: Math) -> None:
        """A formula: counted against the caps, then read into the current block."""
        place = event.locator.place(event.start)
        self.formulas += 1
        if self.formulas > self.caps.max_formulas:
            raise DocumentError(f"{place.prefix()}more than {self.caps.max_formulas:,} formulas "
                                "(max_formulas)", place, excerpt(event.raw, 0))
        if len(event.raw) > self.caps.max_formula_chars:
            raise DocumentError(f"{place.prefix()}a formula of {len(event.raw):,} characters is over "
                                f"the limit of {self.caps.max_formula_chars:,} (max_formula_chars)",
                                place, excerpt(event.raw, 0))
        block = self.current
        if block is None:
            self.outside.append(place)
            return
        rows, boxed = read_formula(event)
        if event.display:
            block.sentences.flush()
            self._display(block, rows)
        else:
            block.inline += [row.steps for row in rows if row.steps]
            block.sentences.add(f"${collapse(event.raw)}$", event.start, event.locator, math=True)
        block.boxed += boxed

    def _display(self, block: _Open, rows: list[Row]) -> None:
        """Display rows into derivations: `=` rows continue the block's last display
        derivation (across displays too), operator rows join its last step."""
        for index, row in enumerate(rows):
            last = block.last_display
            if row.continues and last is not None:
                last += row.steps
            elif row.joins and index > 0 and last:
                first = row.steps[0]
                last[-1] = StepText(f"{last[-1].latex} {first.latex}".strip(), last[-1].place)
                last += row.steps[1:]
            elif row.steps:
                if row.continues:
                    add_note(self.notes, f"{row.steps[0].place.prefix()}a display in block {block.label} "
                             "begins with `=` but no display comes before it; its first step is missing")
                block.last_display = list(row.steps)
                block.derivations.append(block.last_display)


def _bold_latex(text: str) -> str:
    """Bold text as written; a bold formula (`**$f - y$**`) without its dollars."""
    text = collapse(text)
    m = _ONE_FORMULA.fullmatch(text)
    return collapse(m.group(1) or m.group(2)) if m else text
