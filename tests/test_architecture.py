"""The architecture holds: layers import only downward, no import circles, a declared
public surface, and modules small enough to read."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import checker

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
MAX_MODULE_LINES = 650


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first: the copy under test shadows the installed (editable) package.
    return subprocess.run([str(LINT_IMPORTS), "--no-logo", "--no-cache"], cwd=root,
                          capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"})


def test_the_tree_keeps_its_layers() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(("module", "anchor", "upward", "broken"), [
    # A function-local import from the bottom layer to the top: a hidden circle.
    ("checker/model/verdict.py", "def worst(", "from checker.run import api", "model -> .run"),
    # A renderer reaching past the data it is given.
    ("checker/render/json_report.py", "def render_json(", "from checker.run import registry",
     "checker.render is not allowed to import checker.run"),
    # A question importing the run layer that loads it.
    ("derivations/definitions.py", "from collections.abc import Sequence",
     "from checker.run import registry", "derivations"),
])
def test_an_upward_import_fails_the_lint(tmp_path: Path, module: str, anchor: str, upward: str,
                                         broken: str) -> None:
    for package in ("checker", "derivations"):
        shutil.copytree(ROOT / package, tmp_path / package,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    path = tmp_path / module
    source = path.read_text()
    assert anchor in source
    at = source.index(anchor)
    line_end = source.index("\n", at) + 1
    indent = "    " if anchor.startswith("def ") else ""
    path.write_text(source[:line_end] + f"{indent}{upward}  # noqa\n" + source[line_end:])
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and broken in result.stdout


PUBLIC = {
    "DEFAULT_OPTIONS", "AllOf", "AnswerError", "AnswerKind", "Assignment", "Chain", "Claim",
    "Counterexample", "Decided", "Domain", "Equal", "Limits", "MatrixName", "Namespace", "Options",
    "Outcome", "Parsed", "PersonResult", "Proportional", "Question", "ResultCache", "Status", "Step",
    "StepResult", "UnknownQuestion", "Variable", "Vector", "Verdict", "all_questions", "assignment",
    "check_answer", "decide", "exit_code", "get", "grade", "latex_to_text", "parse_answer",
    "parse_text", "run_all", "select", "sigmoid", "verify_reference",
    "Example", "check_question", "self_test",
    # write-ups (derivcheck doc)
    "DocumentSpec", "Notation", "check_document", "open_write_up",
}


def test_the_public_surface_is_declared() -> None:
    # A change to the public API is a decision: it shows up here.
    assert set(checker.__all__) == PUBLIC
    assert all(getattr(checker, name, None) is not None for name in checker.__all__)


def test_no_module_is_too_long_to_read() -> None:
    long = {str(p.relative_to(ROOT)): n for package in ("checker", "derivations")
            for p in (ROOT / package).rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert not long, f"split these along their seams: {long}"
