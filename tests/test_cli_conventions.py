"""The command line a newcomer expects, through a real subprocess: exit codes with one
meaning each, messages that say what was meant, output that survives any terminal and a
closed pipe, stdin, quiet and verbose output, colour switches, completion, and `show`
printing the assignment's own words."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOOD = '[answers]\n"1.4" = "f - y"\n"1.7" = "CE"\n'
WRONG = '[answers]\n"1.4" = "y - f"\n"1.7" = "CE"\n'


def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
        drop: tuple[str, ...] = ("NO_COLOR", "FORCE_COLOR")) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in drop}
    environment.update({"XDG_CACHE_HOME": tempfile.mkdtemp(), **(env or {})})
    return subprocess.run([sys.executable, "-m", "checker", *args], capture_output=True, text=True,
                          timeout=120, env=environment, input=stdin, cwd=ROOT)


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result.stderr


# Conventions of command-line tools ---------------------------------------------------------
def test_version_names_derivcheck_and_sympy() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"derivcheck \S+ \(SymPy \S+\)\n", result.stdout), result.stdout


def test_bare_command_prints_help_and_is_a_usage_error() -> None:
    result = run()
    assert result.returncode == 4
    assert result.stdout.startswith("usage: derivcheck") and "exit codes" in result.stdout
    assert run("--help").returncode == 0


@pytest.mark.parametrize(("args", "message"), [
    (("check", "1.4", "--anwser", "x"), "unknown option `--anwser`; did you mean `--answer`?"),
    (("verfy",), "unknown command `verfy`; did you mean `verify`?"),
    (("check", "1.4", "--answer", "f", "--format", "jsn"), "did you mean `json`?"),
    (("verify", "--color", "allways"), "did you mean `always`?"),
    (("verify", "--answer", "f"), "it is an option of `derivcheck check`"),
    (("check", "9.9", "--answer", "x"), "unknown question ID `9.9`; did you mean one of `1.1`-`1.7`"),
    (("check", "1.44", "--answer", "x"), "did you mean `1.4`?"),
    (("show", "4.3"), "did you mean `4.3.full`, `4.3.valid` or `4.3.same`?"),
    (("verify", "6"), "no question ID matches `6`"),
    (("check", "1.4", "--answer", "f", "--timeout", "-1"), "expected a positive number"),
    (("check", "1.4"), "give the answer with --answer TEXT"),
    (("check", "1.4", "--answer", "f", "extra"), "unexpected argument `extra`"),
    (("verify", "-q", "-v", "1.4"), "--quiet and --verbose cannot be combined"),
    (("grade", "-", "-"), "standard input (`-`) can be read only once"),
    (("grade", str(EXAMPLES / "ada.toml"), "--only", "9"), "no question ID matches `9`"),
])
def test_usage_errors_exit_4_and_say_what_was_meant(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.returncode == 4, result.stdout + result.stderr
    assert message in result.stderr
    no_traceback(result)


def test_global_options_go_before_or_after_the_command() -> None:
    before = run("-q", "verify", "1.4")
    after = run("verify", "1.4", "-q")
    assert before.returncode == after.returncode == 0
    assert before.stdout.splitlines()[0] == after.stdout.splitlines()[0] == \
        "✓ verified 1.4: symbolic: identical after expansion"


def test_quiet_prints_one_line_per_check_and_the_summary() -> None:
    result = run("verify", "1", "--quiet")
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and len(lines) == 8
    assert all(line.startswith(f"✓ verified 1.{k}:") for k, line in enumerate(lines[:7], 1))
    assert lines[7].startswith("7 verified")
    refuted = run("check", "1.4", "--answer", "y - f", "-q")
    assert refuted.returncode == 1
    assert refuted.stdout.splitlines()[0] == "✗ refuted 1.4: f = 1/3, y = 1: your answer 2/3, truth -2/3"


def test_verbose_shows_every_check_in_full() -> None:
    plain, verbose = run("verify", "1.4"), run("verify", "1.4", "-v")
    assert "interpreted as" not in plain.stdout
    assert "interpreted as: f - y" in verbose.stdout


# Exit codes ----------------------------------------------------------------------------------
def test_an_answer_that_cannot_be_read_exits_2_with_the_fix() -> None:
    result = run("check", "1.6", "--answer", "(f-y)f(1-f)")
    assert result.returncode == 2
    assert "syntax error at column 6" in result.stdout
    assert "write `*` between factors, or pass the answer with `--latex`" in result.stdout
    answer = next(line for line in result.stdout.splitlines() if "(f-y)f(1-f)" in line)
    caret = result.stdout.splitlines()[result.stdout.splitlines().index(answer) + 1]
    assert caret.index("^") == answer.index("(f-y)f(1-f)") + 5  # under the `f` after `)`
    document = json.loads(run("check", "1.6", "--answer", "2f", "--format", "json").stdout)
    assert document["results"][0]["error"] == {
        "message": "syntax error at column 2: `2` and `f` stand side by side with no operator "
                   "between them",
        "column": 2, "excerpt": "2f",
        "hint": "write `*` between factors, or pass the answer with `--latex`"}


def test_latex_in_plain_mode_is_told_to_use_latex() -> None:
    result = run("check", "1.1", "--answer", r"\frac{1}{1+e^{-a}}")
    assert result.returncode == 2 and "this looks like LaTeX: use `--latex`" in result.stdout
    assert run("check", "1.1", "--latex", r"\frac{1}{1+e^{-a}}").returncode == 0


def internal_error(*args: str) -> subprocess.CompletedProcess[str]:
    """A bug planted in the `list` command (the registry's listing raises)."""
    code = ("import sys, checker.cli as cli, checker.cli.commands as commands\n"
            "def broken(*args):\n    raise RuntimeError('planted bug')\n"
            "commands.catalog = broken\n"
            f"sys.exit(cli.main({list(args)!r}))\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          cwd=ROOT)


def test_an_internal_error_exits_5_briefly_and_asks_to_be_reported() -> None:
    result = internal_error("list")
    assert result.returncode == 5
    assert "internal error: RuntimeError: planted bug" in result.stderr
    assert "please report it" in result.stderr and "--debug" in result.stderr
    no_traceback(result)
    debug = internal_error("list", "--debug")
    assert debug.returncode == 5 and "Traceback" in debug.stderr and "planted bug" in debug.stderr


def test_a_platform_without_fork_is_refused_at_start() -> None:
    code = "import os, sys, checker.cli as cli\nos.name = 'nt'\nsys.exit(cli.main(['list']))\n"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode == 5 and "POSIX systems only" in result.stderr
    assert result.stdout == ""


# Any terminal, any reader -------------------------------------------------------------------
@pytest.mark.parametrize("args", [
    ("verify", "1", "2.1"),
    ("check", "1.4", "--answer", "y - f"),
    ("show", "5.5"),
    ("grade", str(EXAMPLES / "bob.toml"), "--only", "1", "4"),
])
def test_output_survives_a_terminal_that_cannot_encode_it(args: tuple[str, ...]) -> None:
    result = run(*args, env={"PYTHONIOENCODING": "ascii"})
    assert result.returncode in (0, 1), result.stderr
    no_traceback(result)
    assert result.stdout.isascii()
    assert "\\u25" not in result.stdout  # box lines are drawn in ASCII, not escaped


def test_marks_become_ascii_on_an_ascii_terminal() -> None:
    result = run("verify", "1.4", "-q", env={"PYTHONIOENCODING": "ascii"})
    assert result.stdout.startswith("+ verified 1.4")


@pytest.mark.parametrize(("args", "code"), [
    (("verify", "1"), 0),
    (("check", "1.4", "--answer", "y - f"), 1),
    (("list",), 0),
    (("grade", str(EXAMPLES / "bob.toml"), "--only", "1.4"), 0),
])
def test_a_closed_pipe_ends_quietly_with_the_run_s_code(args: tuple[str, ...], code: int) -> None:
    environment = {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp()}
    process = subprocess.Popen([sys.executable, "-m", "checker", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=environment, cwd=ROOT)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader leaves before the first line, as `| head -0` would
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == code
    assert stderr == "", stderr  # no traceback, no "Exception ignored"


def test_head_reads_one_line_and_the_run_keeps_its_code() -> None:
    command = (f"{sys.executable} -m checker check 1.4 --answer 'y - f' -v | head -1; "
               'echo "exit=${PIPESTATUS[0]}"')
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120,
                            cwd=ROOT)
    assert result.stdout.splitlines()[-1] == "exit=1"
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


# Colour ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("args", "env", "coloured"), [
    ((), {}, False),  # not a terminal
    ((), {"FORCE_COLOR": "1"}, True),
    ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    (("--color", "always"), {"NO_COLOR": "1"}, True),  # the flag outranks the environment
    (("--color", "never"), {"FORCE_COLOR": "1"}, False),
])
def test_colour_follows_the_flag_then_no_color_then_force_color(args: tuple[str, ...],
                                                                 env: dict[str, str],
                                                                 coloured: bool) -> None:
    result = run("check", "1.4", "--answer", "y - f", *args, env=env)
    assert ("\x1b[" in result.stdout) is coloured


def test_no_color_on_a_terminal_leaves_no_escape_codes_at_all() -> None:
    # rich alone keeps bold under NO_COLOR; plain output must have no escape code.
    leader, follower = pty.openpty()
    environment = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": tempfile.mkdtemp()}
    environment.pop("FORCE_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "checker", "check", "1.4", "--answer", "y - f"],
                               stdout=follower, stderr=subprocess.DEVNULL, env=environment, cwd=ROOT)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=120) == 1
    assert b"refuted" in output and b"\x1b[" not in output


# Standard input --------------------------------------------------------------------------------
def test_dash_reads_the_answer_from_standard_input() -> None:
    assert run("check", "1.4", "--answer", "-", stdin="f - y\n").returncode == 0
    assert run("check", "1.6", "--latex", "-", stdin="(f-y)f(1-f)\n").returncode == 0
    assert run("check", "1.4", "--answer", "-", stdin="y - f").returncode == 1


def test_dash_reads_an_answer_file_from_standard_input() -> None:
    result = run("grade", "-", "--format", "json", stdin=GOOD)
    document = json.loads(result.stdout)
    assert result.returncode == 0
    assert {item["file"] for item in document["results"]} == {"<stdin>"}
    assert document["people"][0]["verified"] == 2


# grade -----------------------------------------------------------------------------------------
def test_grade_only_grades_the_asked_questions() -> None:
    bob = str(EXAMPLES / "bob.toml")
    result = run("grade", bob, "--only", "1.4", "4.1", "--format", "json")
    document = json.loads(result.stdout)
    assert result.returncode == 0
    assert [item["id"] for item in document["results"]] == ["1.4", "4.1"]
    assert [q["id"] for q in document["people"][0]["questions"]] == ["1.4", "4.1"]
    assert document["people"][0]["max_score"] == 2
    assert run("grade", bob, "--only", "1.4", "--strict").returncode == 1


def test_grade_exit_codes(tmp_path: Path) -> None:
    good, wrong = tmp_path / "good.toml", tmp_path / "wrong.toml"
    good.write_text(GOOD)
    wrong.write_text(WRONG)
    broken = tmp_path / "broken.toml"
    broken.write_text("[answers\n")
    assert run("grade", str(good), str(wrong)).returncode == 0  # verdicts are in the report
    assert run("grade", str(good), str(wrong), "--strict").returncode == 1
    unreadable = run("grade", str(good), str(broken))
    assert unreadable.returncode == 2 and "not valid TOML" in unreadable.stdout
    assert run("grade", str(good), str(broken), "--strict").returncode == 2


def test_grade_with_a_missing_path_writes_the_report_first_and_exits_4(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(GOOD)
    out = tmp_path / "report.json"
    missing = str(tmp_path / "missing.toml")
    for extra in ((), ("--strict",)):
        result = run("grade", str(good), missing, "--format", "json", "--out", str(out), *extra)
        assert result.returncode == 4
        assert "no such file" in result.stderr and missing in result.stderr
        document = json.loads(out.read_text())
        assert document["people"][0]["verified"] == 2 and document["exit_code"] == 4


def test_grade_tells_a_person_to_quote_the_question_id(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[answers]\n1.4 = "f - y"\n')
    result = run("grade", str(path))
    assert result.returncode == 0
    assert 'quote the question ID: `"1.4" = …`' in result.stdout


def test_grade_quiet_prints_a_line_per_person(tmp_path: Path) -> None:
    good, wrong = tmp_path / "good.toml", tmp_path / "wrong.toml"
    good.write_text(GOOD)
    wrong.write_text(WRONG)
    lines = run("grade", str(good), str(wrong), "-q").stdout.splitlines()
    assert lines == [f"good ({good}): 2/23 points, 2 of 23 verified",
                     f"wrong ({wrong}): 1/23 points, 1 of 23 verified", lines[2]]
    assert lines[2].startswith("2 files: 3 verified  1 refuted")


# Completion, show, the repository on its own ---------------------------------------------------
def test_completion_scripts() -> None:
    bash = run("completion", "bash")
    assert bash.returncode == 0 and "4.3.full" in bash.stdout and "verify" in bash.stdout
    if shutil.which("bash"):
        assert subprocess.run(["bash", "-n"], input=bash.stdout, text=True).returncode == 0
    assert run("completion", "zsh").stdout.startswith("#compdef derivcheck")
    assert run("completion", "tcsh").returncode == 0
    assert run("completion", "cmd.exe").returncode == 4


@pytest.mark.parametrize(("qid", "words"), [
    ("1.4", ["Question 1", "Consider training a standard feed-forward neural network",
             "1.4 Compute the partial derivative"]),
    ("2.2", ["S(x) = [σ(z), 1 − σ(z)]ᵀ"]),
    ("4.3.same", ["32 8×8 kernels", "4.3 Compute the full, valid, and same convolution"]),
    ("5.5", ["full instead of valid", "5.5 Derive ∂a²_i / ∂h¹_n"]),
    ("3", ["express Θ′ as a function of Θ"]),
])
def test_show_prints_the_assignment_s_own_statement(qid: str, words: list[str]) -> None:
    result = run("show", qid, env={"COLUMNS": "400"})
    assert result.returncode == 0
    for expected in words:
        assert expected in result.stdout
    assert "asks for:" in result.stdout and "reference answer:" in result.stdout


def test_every_question_has_its_statement_shipped_as_package_data() -> None:
    from checker import assignment
    from checker.cli.statements import find, read_document

    shipped = ROOT / "checker" / "data" / "assignment.md"
    assert read_document() == shipped.read_text(encoding="utf-8")
    assert shipped.read_text(encoding="utf-8") == (ROOT / "docs" / "assignment.md").read_text(
        encoding="utf-8"), "checker/data/assignment.md must be a copy of docs/assignment.md"
    assert all(find(qid) is not None for qid in assignment().ids)
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"]["checker"]
    assert any(shipped.relative_to(ROOT / "checker").match(pattern) for pattern in package_data)


OWN_FILES = [
    "README.md", "pyproject.toml", "docs/assignment.md", "docs/contract.md", "docs/api.md",
    "checker/data/assignment.md", "checker/__main__.py", "checker/cli", "checker/model/verdict.py",
    "checker/model/errors.py", "checker/render/text_report.py", "checker/render/json_report.py",
    "checker/language/textparse.py", "checker/language/answerfile.py", "checker/language/answers.py",
    "checker/language/source.py", "checker/language/diagnose.py", "checker/run/api.py",
    "tests/test_cli.py", "tests/test_cli_conventions.py", "tests/test_textparse.py",
    "tests/test_grading.py",
]


def test_the_repository_stands_on_its_own() -> None:
    outside = re.compile(r"\.\./shared|CONTRACT\.md|\bissue [0-9]+\b")
    hits = []
    for name in OWN_FILES:
        path = ROOT / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
                if outside.search(line):
                    hits.append(f"{file.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not hits, "\n".join(hits)
    assert "docs/assignment.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_api_examples_in_the_docs_run(tmp_path: Path) -> None:
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "docs" / "api.md").read_text(), re.DOTALL)
    assert len(blocks) == 2
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    (tmp_path / "test_solutions.py").write_text(blocks[0])
    suite = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                            str(tmp_path)], capture_output=True, text=True, timeout=300,
                           cwd=tmp_path, env=environment)
    assert suite.returncode == 0 and "4 passed" in suite.stdout, suite.stdout
    notebook = subprocess.run([sys.executable, "-c", blocks[1]], capture_output=True, text=True,
                              timeout=120, cwd=tmp_path, env=environment)
    assert notebook.returncode == 0, notebook.stderr


@pytest.mark.parametrize(("args", "code"), [
    (("check", "1.4", "--answer", "f - y", "--timeout", "inf"), 4),  # a usage error
    (("check", "9.9", "--answer", "f"), 4),  # an unknown ID
    (("--bogus",), 4),
    (("check", "1.4", "--answer", "f - "), 2),  # an answer that cannot be read
    (("check", "1.4", "--answer", "y - f"), 1),
])
def test_closed_stdout_and_stderr_keep_the_run_s_code(args: tuple[str, ...], code: int) -> None:
    """`derivcheck ... 2>&1 | true`: the message has nowhere to go, the exit code stays."""
    environment = {**os.environ, "XDG_CACHE_HOME": tempfile.mkdtemp()}
    read, write = os.pipe()
    os.close(read)  # the reader left before anything was written
    with open(write, "wb") as closed:
        process = subprocess.run([sys.executable, "-m", "checker", *args], stdout=closed,
                                 stderr=closed, env=environment, cwd=ROOT, timeout=120)
    assert process.returncode == code
