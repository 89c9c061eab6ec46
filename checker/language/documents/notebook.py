"""A Jupyter write-up (`.ipynb`): its markdown cells, each read as Markdown in turn.

Code and raw cells are skipped (code is not a write-up's math). Places are cell-relative
(`cell` counts every cell, 1-based), and the cells' events form one stream, so a block
started in one cell takes in the next cells' math until the next block starts.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

from checker.language.documents.events import BREAK, Event
from checker.language.documents.guard import add_note
from checker.language.documents.markdown import scan_markdown
from checker.language.documents.model import DocumentCaps, DocumentError
from checker.language.documents.text import Locator, normalise

_HINT = "save the notebook from Jupyter again, or export its markdown as a .md file"


def scan_notebook(name: str, text: str, caps: DocumentCaps, notes: list[str]) -> Iterator[Event]:
    """The events of the notebook's markdown cells, in order."""
    cells = _cells(name, text, notes)
    if len(cells) > caps.max_cells:
        raise DocumentError(f"`{name}` has {len(cells):,} cells, over the limit of {caps.max_cells:,} "
                            "(max_cells)", hint="split the notebook or raise max_cells")
    return _events(cells, notes)


def _events(cells: list[tuple[str, str]], notes: list[str]) -> Iterator[Event]:
    """Each markdown cell's events, a paragraph break between cells."""
    for index, (kind, source) in enumerate(cells, start=1):
        if kind == "markdown":
            source = normalise(source)
            yield from scan_markdown(source, Locator(source, index), notes)
            yield BREAK


def _cells(name: str, text: str, notes: list[str]) -> list[tuple[str, str]]:
    """(cell type, source) of every cell, or a DocumentError: any failure of nbformat on
    hostile JSON (not JSON, nested 100,000 deep, the wrong shape) is caught here.

    `nbformat.reads` would log a schema failure to stderr, so its three steps (read,
    convert to v4, validate) are called directly; a notebook that fails the schema but
    still has the shape read here is read, with a note.
    """
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            notebook = nbformat.convert(nbformat.reader.reads(text), 4)
            invalid = _invalid(nbformat, notebook)
            cells = _shape(notebook)
    except RecursionError:
        raise DocumentError(f"`{name}` is not a readable notebook: its JSON is nested too deeply",
                            hint=_HINT) from None
    except (TypeError, AttributeError, KeyError, IndexError):
        raise DocumentError(f"`{name}` is not a readable notebook: its JSON does not have a "
                            "notebook's shape", hint=_HINT) from None
    except Exception as exc:  # nbformat raises many kinds on hostile input
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise DocumentError(f"`{name}` is not a readable notebook: {reason}", hint=_HINT) from None
    if invalid:
        add_note(notes, f"the notebook does not follow nbformat's schema ({invalid}); its markdown "
                 "cells were read anyway")
    return cells


def _invalid(nbformat: Any, notebook: Any) -> str:
    """nbformat's schema complaint, shortened, or "" when the notebook validates."""
    try:
        nbformat.validate(notebook)
    except nbformat.ValidationError as exc:
        return " ".join(str(exc).split())[:120]
    return ""


def _shape(notebook: Any) -> list[tuple[str, str]]:
    """The cells, checked to be what this reader needs (a ValueError otherwise)."""
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise ValueError("it has no list of cells")
    found: list[tuple[str, str]] = []
    for number, cell in enumerate(cells, start=1):
        kind = cell.get("cell_type") if isinstance(cell, dict) else None
        source = cell.get("source", "") if isinstance(cell, dict) else None
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            source = "".join(source)
        if not isinstance(kind, str) or not isinstance(source, str):
            raise ValueError(f"cell {number} has no cell_type or no text source")
        if not source.isascii() and not _encodable(source):
            raise ValueError(f"cell {number} has a lone surrogate (`\\ud800`), which is not text")
        found.append((kind, source))
    return found


def _encodable(source: str) -> bool:
    """Whether the source is text (a JSON `\\ud800` escape makes a string that is not)."""
    try:
        source.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
