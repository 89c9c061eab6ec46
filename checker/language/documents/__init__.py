"""Read a student's write-up (LaTeX, Markdown, Jupyter) into per-question blocks of math.

Pure text processing: no SymPy, no evaluation, no file but the one given, no macro
expansion, and every size bounded (`DocumentCaps`). `read_document(name, data)` returns a
`Document` whose blocks hold each answer's display derivations (split into steps at
top-level `=`, with exact places), inline formulas, boxed and bold results and sentences.
"""

from checker.language.documents.model import (
    SUFFIXES,
    Block,
    Derivation,
    Document,
    DocumentCaps,
    DocumentError,
    Formula,
    Place,
    Sentence,
    StepText,
)
from checker.language.documents.reader import read_document

__all__ = [
    "SUFFIXES",
    "Block",
    "Derivation",
    "Document",
    "DocumentCaps",
    "DocumentError",
    "Formula",
    "Place",
    "Sentence",
    "StepText",
    "read_document",
]
