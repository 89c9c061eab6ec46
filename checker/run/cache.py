"""A results cache: SQLite (stdlib) under the user's cache directory.

Keyed by question, the answer's normalised text, the run options that change a
verdict, and a digest of the checker's own source (so a changed checker never
serves an old verdict). A corrupt, locked or unwritable cache is ignored with one
warning: the cache can make a run faster, never make it fail.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
import sys
import threading
import unicodedata
from functools import cache
from pathlib import Path

from checker.model.options import Options
from checker.model.verdict import Status, Verdict


def default_directory() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "derivcheck"


@cache
def code_digest() -> str:
    """sha256 over the checker's and the derivations' source, and SymPy's version."""
    import sympy

    digest = hashlib.sha256(sympy.__version__.encode())
    root = Path(__file__).resolve().parents[2]  # the project root: checker/ and derivations/
    for package in ("checker", "derivations"):
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def answer_key(qid: str, text: str, latex: bool, options: Options) -> str:
    # NFKC is what the parsers apply first, so it never changes an answer's meaning;
    # inner whitespace can ("6553 6" is an error, "65536" a number): it is kept.
    normalised = unicodedata.normalize("NFKC", text).strip()
    material = json.dumps([code_digest(), qid, latex, normalised, dataclasses.asdict(options)],
                          sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


def cacheable(verdict: Verdict) -> bool:
    """Limit hits depend on the limits of the run, not on the answer: not cached."""
    return not (verdict.status is Status.UNDECIDED and verdict.method.startswith("stopped"))


class ResultCache:
    def __init__(self, directory: Path | None = None) -> None:
        self.path = (directory or default_directory()) / "results.sqlite3"
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._broken = False

    def _connect(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._connection is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                connection = sqlite3.connect(self.path, timeout=1.0, check_same_thread=False)
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS verdicts (key TEXT PRIMARY KEY, verdict TEXT NOT NULL)"
                )
                self._connection = connection
            except (sqlite3.Error, OSError) as exc:
                self._disable(exc)
        return self._connection

    def _disable(self, exc: Exception) -> None:
        self._broken = True
        print(f"derivcheck: warning: results cache {self.path} ignored ({exc})", file=sys.stderr)

    def get(self, key: str) -> Verdict | None:
        with self._lock:
            connection = self._connect()
            if connection is None:
                return None
            try:
                row = connection.execute("SELECT verdict FROM verdicts WHERE key = ?", (key,)).fetchone()
                return Verdict.from_json(json.loads(row[0])) if row else None
            except (sqlite3.Error, ValueError, KeyError, TypeError) as exc:
                self._disable(exc)
                return None

    def put(self, key: str, verdict: Verdict) -> None:
        if not cacheable(verdict):
            return
        with self._lock:
            connection = self._connect()
            if connection is None:
                return
            try:
                with connection:
                    connection.execute("INSERT OR REPLACE INTO verdicts VALUES (?, ?)",
                                       (key, json.dumps(verdict.to_json())))
            except sqlite3.Error as exc:
                self._disable(exc)
