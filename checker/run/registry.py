"""The question registry: the only place that loads questions.

Questions come in assignments (`checker.model.question.Assignment`), from three places:

- the shipped assignment (`derivations`, named `assignment-1`);
- installed course packages, through the entry-point group `derivcheck.assignments`:
  each entry point names an `Assignment` (or a function returning one), e.g. in the
  course package's pyproject.toml

      [project.entry-points."derivcheck.assignments"]
      next-term = "mycourse.questions:ASSIGNMENT"

- a single Python file given with `--questions FILE.py`, which defines `ASSIGNMENT`.

Which assignment a run uses is part of its `Options` (`options.assignment`, the default
the shipped one; `options.question_files` the files to load), so every layer below
receives it as an argument and the cache key covers it. A course's question code is
trusted like any program the course staff install: it runs when it is loaded. Answers
are never code.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import importlib.util
import sys
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import metadata
from pathlib import Path

from checker.model.errors import AnswerError, did_you_mean
from checker.model.options import DEFAULT_OPTIONS, SHIPPED_ASSIGNMENT, Options
from checker.model.question import Assignment, Question

ENTRY_POINT_GROUP = "derivcheck.assignments"


class QuestionSourceError(AnswerError):
    """An assignment that cannot be loaded or named (a usage error at the command line)."""


@dataclass(frozen=True)
class Source:
    """Where an assignment comes from, and the digest of its question code."""

    origin: str  # "shipped", "entry point NAME (module:attr)", or the file
    files: tuple[Path, ...] = ()

    @cached_property  # read once per run: a file edited mid-run is the next run's business
    def digest(self) -> str:
        digest = hashlib.sha256(self.origin.encode())
        for path in self.files:
            digest.update(str(path).encode())
            try:
                digest.update(path.read_bytes())
            except OSError:
                digest.update(b"<unreadable>")
        return digest.hexdigest()


@dataclass(frozen=True)
class Catalog:
    assignments: dict[str, Assignment] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # entry points that could not be loaded, in words


@cache
def catalog(question_files: tuple[str, ...] = ()) -> Catalog:
    """Every assignment: shipped, installed and from `question_files` (loaded once)."""
    from derivations import ASSIGNMENT  # the heavy import happens on first use only

    found = Catalog({ASSIGNMENT.name: ASSIGNMENT}, {ASSIGNMENT.name: Source("shipped")})
    problems: list[str] = []
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        where = f"entry point `{entry.name}` ({entry.value})"
        before = set(sys.modules)
        try:
            with contextlib.redirect_stdout(sys.stderr):  # stdout is the report's alone
                loaded = _assignment_of(entry.load(), where)
            module = sys.modules[entry.value.split(":")[0].strip()]
            source = Source(where, _package_files(module.__file__, loaded=set(sys.modules) - before))
            _add(found, loaded, source)
        except (Exception, SystemExit) as exc:  # a broken course package must not stop the others
            problems.append(f"{where} could not be loaded: {type(exc).__name__}: {exc}")
    for path in question_files:
        before = set(sys.modules)
        loaded = _assignment_of(_load_file(path), path)
        _add(found, loaded, Source(str(Path(path).resolve()),
                                   _package_files(path, whole=False, loaded=set(sys.modules) - before)))
    return Catalog(found.assignments, found.sources, tuple(problems))


def _add(found: Catalog, loaded: Assignment, source: Source) -> None:
    """Adds an assignment; a second one of the same name is refused (an entry point's is
    then reported as not loaded, a --questions file's is a usage error)."""
    if loaded.name in found.assignments:
        raise QuestionSourceError(f"two assignments are named `{loaded.name}`: "
                                  f"{found.sources[loaded.name].origin} and {source.origin}",
                                  hint="rename one of them")
    found.assignments[loaded.name] = loaded
    found.sources[loaded.name] = source


def _assignment_of(value: object, where: str) -> Assignment:
    if callable(value) and not isinstance(value, Assignment):
        value = value()
    if not isinstance(value, Assignment):
        raise QuestionSourceError(f"{where} does not give an Assignment (it gives "
                                  f"{type(value).__name__})",
                                  hint="define ASSIGNMENT = Assignment(name, title, questions)")
    return value


def _load_file(path: str) -> object:
    """A question file is a Python module of the course's own: imported under a private
    name, so two files called questions.py do not collide, with its folder on the import
    path."""
    file = Path(path)
    if file.suffix != ".py" or not file.is_file():
        raise QuestionSourceError(f"--questions {path}: not a Python file (FILE.py)")
    name = "derivcheck_questions_" + hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:12]
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise QuestionSourceError(f"--questions {path}: cannot be imported")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    # As `python FILE.py` would: the file's folder is importable, so a helper module beside
    # it (`from helpers import ...`) loads, now or from a truth called later in a worker.
    folder = str(file.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        with contextlib.redirect_stdout(sys.stderr):  # stdout is the report's alone
            spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # a file that exits must not end the run quietly
        del sys.modules[name]
        raise QuestionSourceError(f"--questions {path} failed to load: {type(exc).__name__}: "
                                  f"{exc}") from None
    if not hasattr(module, "ASSIGNMENT"):
        raise QuestionSourceError(f"--questions {path} defines no ASSIGNMENT",
                                  hint="end the file with ASSIGNMENT = Assignment(name, title, "
                                  "(question, ...))")
    return module.ASSIGNMENT


def _package_files(module_file: str | None, whole: bool = True,
                   loaded: set[str] | None = None) -> tuple[Path, ...]:
    """The source files whose change must invalidate cached verdicts: a package's every
    .py file (a module's own package), or a question file and the .py files beside it;
    and every module that loading it imported from outside the standard places (a
    helper package beside a question file). Data files a truth reads are not covered:
    docs/authoring.md says to keep them in Python, or to run with --no-cache."""
    if not module_file:
        return ()
    path = Path(module_file).resolve()
    root = path.parent
    if whole:
        while (root.parent / "__init__.py").is_file():
            root = root.parent
        files = set(root.rglob("*.py")) if (root / "__init__.py").is_file() else {path}
    else:
        files = set(root.glob("*.py"))
    for name in loaded or ():
        module_path = getattr(sys.modules.get(name), "__file__", None)
        if module_path and not _installed(Path(module_path)):
            files.add(Path(module_path).resolve())
    return tuple(sorted(files))


def _installed(path: Path) -> bool:
    """A module of Python itself or of an installed distribution (covered by versions)."""
    return any(part in ("site-packages", "dist-packages") for part in path.parts) or \
        str(path).startswith(sys.base_prefix)


def assignment(options: Options = DEFAULT_OPTIONS) -> Assignment:
    """The assignment a run uses; an unknown name is a usage error that lists the known."""
    found = catalog(options.question_files)
    name = options.assignment
    if name in found.assignments:
        return found.assignments[name]
    known = ", ".join(sorted(found.assignments))
    broken = f"; not loaded: {'; '.join(found.problems)}" if found.problems else ""
    raise QuestionSourceError(f"no assignment named `{name}`{did_you_mean(name, list(found.assignments))}"
                              f" (known: {known}){broken}",
                              hint="`derivcheck list --all` shows every assignment")


def default_assignment(question_files: tuple[str, ...]) -> str:
    """The assignment a run uses when none is named: the one a single question file
    defines, else the shipped one."""
    if question_files:
        found = catalog(question_files)
        loaded = [name for name, source in found.sources.items()
                  if source.origin in {str(Path(p).resolve()) for p in question_files}]
        if len(loaded) == 1:
            return loaded[0]
        raise QuestionSourceError(f"the question files define {len(loaded)} assignments "
                                  f"({', '.join(loaded)}): say which with --assignment NAME")
    return SHIPPED_ASSIGNMENT


def question_digest(options: Options = DEFAULT_OPTIONS) -> str:
    """A digest of the code behind the run's assignment (for the results-cache key)."""
    return catalog(options.question_files).sources[assignment(options).name].digest


def all_questions(options: Options = DEFAULT_OPTIONS) -> list[Question]:
    return list(assignment(options).questions)


def get(qid: str, options: Options = DEFAULT_OPTIONS) -> Question:
    return assignment(options).get(qid)


def select(prefixes: list[str], options: Options = DEFAULT_OPTIONS) -> list[Question]:
    return assignment(options).select(prefixes)

