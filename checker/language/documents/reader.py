"""`read_document`: a write-up's bytes to its answer blocks, by the file name's suffix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from checker.language.documents.assemble import Assembler
from checker.language.documents.events import Event
from checker.language.documents.latex import scan_latex
from checker.language.documents.markdown import scan_markdown
from checker.language.documents.model import Document, DocumentCaps, DocumentError
from checker.language.documents.notebook import scan_notebook
from checker.language.documents.text import Locator, decode

_DEFAULT_CAPS = DocumentCaps()
_KINDS = {".tex": "tex", ".latex": "tex", ".md": "md", ".markdown": "md", ".ipynb": "ipynb"}


def kind_of(name: str) -> str | None:
    """`tex`, `md` or `ipynb` by the suffix (any case), or None for anything else."""
    return _KINDS.get(PurePosixPath(name.replace("\\", "/")).suffix.lower())


def read_document(name: str, data: bytes, caps: DocumentCaps = _DEFAULT_CAPS) -> Document:
    """The answer blocks of a write-up. Pure text processing: nothing is evaluated, no other
    file is read, and every cap passed raises a DocumentError naming it."""
    kind = kind_of(name)
    if kind is None:
        raise DocumentError(f"`{name}` is not a write-up derivcheck can read",
                            hint="derivcheck reads .tex, .md and .ipynb write-ups and .toml answer "
                                 "files; export the write-up's source")
    text = decode(name, data, caps)
    notes: list[str] = []
    assembler = Assembler(caps, notes)
    for event in _events(kind, name, text, caps, notes):
        assembler.feed(event)
    blocks = assembler.finish()
    return Document(name, kind, blocks, tuple(notes))


def _events(kind: str, name: str, text: str, caps: DocumentCaps, notes: list[str]) -> Iterator[Event]:
    """The format's scanner."""
    if kind == "tex":
        return scan_latex(text, Locator(text), notes)
    if kind == "md":
        return scan_markdown(text, Locator(text), notes)
    return scan_notebook(name, text, caps, notes)
