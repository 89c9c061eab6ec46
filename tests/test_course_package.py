"""A course adds an assignment without editing derivcheck: the example course package is
installed as a course would install it, then listed, shown, self-tested and graded in its
own assignment, and the shipped assignment's grades do not move. Question files given
with --questions work the same way, and an edited question file never serves a cached
verdict of its old version."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "examples" / "course-package"
ANSWERS = sorted(str(p) for p in (PACKAGE / "answers").glob("*.toml"))


def derivcheck(*args: str, site: Path | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    if site is not None:
        env["PYTHONPATH"] = str(site)
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example package installed (pip, no build isolation: nothing is downloaded)."""
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                             "--no-build-isolation", "--target", str(target), str(PACKAGE)],
                            capture_output=True, text=True, timeout=300, check=False,
                            env={**os.environ, "TMPDIR": str(build)})
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def test_the_installed_package_adds_its_assignment(site: Path) -> None:
    listed = derivcheck("list", "--all", site=site)
    assert listed.returncode == 0, listed.stderr
    assert "assignment-2" in listed.stdout and "assignment-1" in listed.stdout
    shown = derivcheck("show", "1", "--assignment", "assignment-2", site=site)
    assert shown.returncode == 0 and "1 - t**2" in shown.stdout
    # Without the package, the assignment is unknown: a usage error that names the known.
    missing = derivcheck("show", "1", "--assignment", "assignment-2")
    assert missing.returncode == 4 and "no assignment named `assignment-2`" in missing.stderr


def test_its_self_test_passes(site: Path) -> None:
    result = derivcheck("verify", "--assignment", "assignment-2", "--self-test", "--no-cache",
                        "--format", "json", site=site)
    assert result.returncode == 0, result.stdout + result.stderr
    items = json.loads(result.stdout)["results"]
    assert len(items) == 8 and {item["status"] for item in items} == {"verified"}
    assert {item["id"] for item in items} >= {"1 reference", "1 wrong", "2 right", "2 wrong"}


def test_it_grades_its_own_class_and_leaves_the_shipped_one_alone(site: Path) -> None:
    result = derivcheck("grade", *ANSWERS, "--assignment", "assignment-2", "--format", "json",
                        "--no-cache", site=site)
    assert result.returncode == 0, result.stderr
    people = {p["person"]: p for p in json.loads(result.stdout)["people"]}
    assert (people["Ana Example"]["score"], people["Ana Example"]["max_score"]) == (2, 2)
    assert (people["Ben Example"]["score"], people["Ben Example"]["max_score"]) == (0, 2)
    shipped = derivcheck("grade", str(ROOT / "examples" / "ada.toml"), "--format", "json",
                         "--no-cache", site=site)
    (ada,) = json.loads(shipped.stdout)["people"]
    assert (ada["score"], ada["max_score"]) == (23, 23)


def test_an_answer_file_for_another_assignment_is_named(site: Path) -> None:
    result = derivcheck("grade", ANSWERS[0], "--format", "json", "--no-cache", site=site)
    assert result.returncode == 2
    (person,) = json.loads(result.stdout)["people"]
    assert "answers assignment `assignment-2`" in person["file_error"]
    assert "--assignment assignment-2" in person["file_error"]


QUESTION_FILE = '''\
import sympy as sp
from checker.authoring import Assignment, expression

ASSIGNMENT = Assignment("week-9", "Week 9", (
    expression("9.1", "d/da of a**POWER", names={"a": "real"},
               truth=lambda n: sp.diff(n.a**POWER, n.a), reference="POWER*a**(POWER - 1)",
               wrong=["a**POWER"]),
))
'''


def test_a_question_file_is_loaded_and_its_edits_are_never_served_stale(tmp_path: Path) -> None:
    source = tmp_path / "week9.py"
    cache = tmp_path / "cache"
    source.write_text(QUESTION_FILE.replace("POWER", "3"))
    args = ("check", "9.1", "--answer", "3*a**2", "--questions", str(source), "--cache-dir", str(cache),
            "--format", "json")
    first = derivcheck(*args)
    assert first.returncode == 0, first.stdout + first.stderr
    again = json.loads(derivcheck(*args).stdout)["results"][0]
    assert again["status"] == "verified" and "cached" in again["notes"]
    source.write_text(QUESTION_FILE.replace("POWER", "4"))  # the course edits its question
    edited = derivcheck(*args)
    assert edited.returncode == 1, edited.stdout
    verdict = json.loads(edited.stdout)["results"][0]
    assert verdict["status"] == "refuted" and "cached" not in verdict["notes"]


@pytest.mark.parametrize(("text", "message"), [
    ("raise RuntimeError('broken course file')", "failed to load: RuntimeError: broken course file"),
    ("X = 1", "defines no ASSIGNMENT"),
    ("ASSIGNMENT = 3", "does not give an Assignment"),
    ("import sys\nsys.exit(0)", "failed to load: SystemExit"),
])
def test_a_broken_question_file_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    source = tmp_path / "broken.py"
    source.write_text(text + "\n")
    result = derivcheck("list", "--questions", str(source))
    assert result.returncode == 4
    assert message in result.stderr and "Traceback" not in result.stderr


def test_two_assignments_of_one_name_are_refused(tmp_path: Path) -> None:
    one, two = tmp_path / "one.py", tmp_path / "two.py"
    for path in (one, two):
        path.write_text(QUESTION_FILE.replace("POWER", "2"))
    result = derivcheck("list", "--questions", str(one), "--questions", str(two))
    assert result.returncode == 4 and "two assignments are named `week-9`" in result.stderr


def test_the_worked_example_in_the_docs_is_the_package_file() -> None:
    import re

    doc = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    shown = re.search(r"```python\n(.*?)```", doc, re.DOTALL)
    assert shown is not None
    source = (PACKAGE / "next_term" / "questions.py").read_text(encoding="utf-8")
    assert shown.group(1) == source
    assert len(source.splitlines()) <= 30


def test_several_question_files_need_an_assignment_named(tmp_path: Path) -> None:
    one, two = tmp_path / "one.py", tmp_path / "two.py"
    one.write_text(QUESTION_FILE.replace("POWER", "2"))
    two.write_text(QUESTION_FILE.replace("POWER", "3").replace("week-9", "week-10"))
    result = derivcheck("check", "9.1", "--answer", "2*a", "--questions", str(one), "--questions", str(two))
    assert result.returncode == 4 and "say which with --assignment" in result.stderr
    named = derivcheck("check", "9.1", "--answer", "2*a", "--questions", str(one), "--questions", str(two),
                       "--assignment", "week-9", "--no-cache")
    assert named.returncode == 0, named.stdout + named.stderr


def test_a_helper_module_the_question_file_imports_is_in_the_cache_key(tmp_path: Path) -> None:
    (tmp_path / "helpers").mkdir()
    (tmp_path / "helpers" / "__init__.py").write_text("def power():\n    return 3\n")
    source = tmp_path / "week9.py"
    # No sys.path of its own: a question file imports what is beside it, as a script would.
    source.write_text("from helpers import power\n" + QUESTION_FILE.replace("POWER", "power()"))
    args = ("check", "9.1", "--answer", "3*a**2", "--questions", str(source), "--cache-dir",
            str(tmp_path / "cache"), "--format", "json")
    assert derivcheck(*args).returncode == 0
    (tmp_path / "helpers" / "__init__.py").write_text("def power():\n    return 4\n")
    edited = json.loads(derivcheck(*args).stdout)["results"][0]
    assert edited["status"] == "refuted" and "cached" not in edited["notes"]


def test_prints_in_question_code_never_reach_the_report(tmp_path: Path) -> None:
    source = tmp_path / "noisy.py"
    source.write_text('print("{\\"results\\": []}")\n' + QUESTION_FILE.replace(
        "truth=lambda n: sp.diff(n.a**POWER, n.a)", "truth=lambda n: print('noise') or sp.diff(n.a**2, n.a)"
    ).replace("POWER", "2"))
    for command in (("check", "9.1", "--answer", "2*a"), ("verify",)):
        result = derivcheck(*command, "--questions", str(source), "--format", "json", "--no-cache")
        assert json.loads(result.stdout)["summary"]["verified"] == 1, result.stdout
