"""The hardening issue's class, end to end through the command line: one poisoned cache
row, one file whose name is not UTF-8, one hostile person, two good ones.

`grade --out FILE --format json|text|junit` writes a complete report: every file is in
it, the good files have their right verdicts, the poisoned row is not served (its answer
is refuted, as checked again), the hostile answers are errors or refutations that name
what went wrong, and the run exits with the documented code (0: every file was graded;
with --strict, 2: the worst verdict is an error).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

from checker import DEFAULT_OPTIONS, Status, check_answer
from checker.cli import main
from checker.run.cache import ResultCache, answer_key

ADA = '''name = "Ada"
[answers]
"1.4" = "f - y"
"1.6" = { latex = "(f-y)f(1-f)" }
"1.7" = "CE"
"4.1" = 65536
'''
BOB = '''name = "Bob"
[answers]
"1.4" = "y - f"
"1.7" = "MSE"
'''
NAMELESS = '''[answers]
"1.4" = "f - y"
'''
MALLORY = '''name = "Mallory\\nstatus: verified\\u001b[2J[bold red]x[/]"
[answers]
"1.4" = "(10**59*f)**100 - y"
"1.3" = "(10**39*f)**100*10**99 - y"
"1.6" = "(f - y)*f*(1 - f)\\nstatus: verified"
"1.5" = "[bold red]f[/]"
"9.9\\u001b[31m" = "f"
'''
BAD_NAME = b"bad\xff.toml"
FORGED_NAME = "Mallory\\nstatus: verified\\x1b[2J[bold red]x[/]"  # as every report shows it


def _write_class(root: Path) -> list[str]:
    root.mkdir()
    (root / "ada.toml").write_text(ADA, encoding="utf-8")
    (root / "bob.toml").write_text(BOB, encoding="utf-8")
    (root / "mallory.toml").write_text(MALLORY, encoding="utf-8")
    bad = os.path.join(os.fsencode(root), BAD_NAME)
    with open(bad, "wb") as handle:
        handle.write(NAMELESS.encode("utf-8"))
    # What a shell's glob hands derivcheck: the name's bytes as Python decodes argv.
    return sorted([str(root / "ada.toml"), str(root / "bob.toml"), str(root / "mallory.toml"),
                   os.fsdecode(bad)])


def _poison(cache_dir: Path) -> None:
    """Bob's `y - f` gets the row of Ada's `f - y`: a well-formed `verified` verdict,
    under the key of another answer (as a copied or replayed row would be)."""
    cache = ResultCache(cache_dir)
    assert check_answer("1.4", "f - y", cache=cache).status is Status.VERIFIED
    assert check_answer("1.4", "y - f", cache=cache).status is Status.REFUTED
    key = {text: answer_key("1.4", text, False, DEFAULT_OPTIONS) for text in ("f - y", "y - f")}
    with sqlite3.connect(cache.path) as db:
        [verified] = db.execute("SELECT verdict FROM verdicts WHERE key = ?", (key["f - y"],)).fetchone()
        assert json.loads(verified)["status"] == "verified"
        db.execute("UPDATE verdicts SET verdict = ? WHERE key = ?", (verified, key["y - f"]))


def _grade(paths: list[str], out: Path, fmt: str, cache_dir: Path, *extra: str) -> tuple[int, str]:
    """derivcheck grade in this process; the exit code and what it said on stderr."""
    _poison(cache_dir)  # again before every run: each run replaces the row it refused
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()) as stdout, contextlib.redirect_stderr(err):
        code = main(["grade", *paths, "--out", str(out), "--format", fmt, "--cache-dir", str(cache_dir),
                     "--timeout", "60", "--color", "never", *extra])
    assert stdout.getvalue() == ""  # the report went to --out
    said = err.getvalue()
    assert "Traceback" not in said and "internal error" not in said, said
    assert "not a valid verdict" in said and "the verdict of another answer" in said, said
    return int(code), said


def _shown(path: str) -> str:
    return path.replace(os.fsdecode(BAD_NAME), "bad\\xff.toml")


def test_a_poisoned_class_gets_a_complete_json_report(tmp_path: Path) -> None:
    paths = _write_class(tmp_path / "class")
    out = tmp_path / "report.json"
    code, _ = _grade(paths, out, "json", tmp_path / "cache")
    assert code == 0  # every file was graded: the verdicts are in the report
    document = json.loads(out.read_bytes().decode("utf-8"))  # strict UTF-8
    assert document["exit_code"] == 0
    people = {p["file"]: p for p in document["people"]}
    assert sorted(people) == sorted(_shown(p) for p in paths)  # every file, the bad name escaped
    assert all(p["file_error"] is None for p in people.values())
    got = {(Path(item["file"]).name, item["id"]): item for item in document["results"]
           if item["status"] != "not answered"}  # a report may list unanswered questions too
    assert {key: item["status"] for key, item in got.items()} == {
        ("ada.toml", "1.4"): "verified", ("ada.toml", "1.6"): "verified",
        ("ada.toml", "1.7"): "verified", ("ada.toml", "4.1"): "verified",
        ("bob.toml", "1.4"): "refuted", ("bob.toml", "1.7"): "refuted",
        ("bad\\xff.toml", "1.4"): "verified",
        ("mallory.toml", "1.4"): "error", ("mallory.toml", "1.3"): "refuted",
        ("mallory.toml", "1.6"): "error", ("mallory.toml", "1.5"): "error",
        ("mallory.toml", "9.9\\x1b[31m"): "error",
    }
    assert [people[_shown(p)]["verified"] for p in paths] == [4, 1, 0, 0]  # ada, bad, bob, mallory
    # The poisoned row was checked again, not believed: Bob's answer is refuted, with its point.
    bob = got[("bob.toml", "1.4")]
    assert "cached" not in bob["notes"] and bob["counterexample"]["assignment"] == {"f": "1/3", "y": "1"}
    assert bob["counterexample"]["answer"] == "2/3"
    assert got[("ada.toml", "1.4")]["status"] == "verified"  # a valid row is still served
    nameless = got[("bad\\xff.toml", "1.4")]
    assert nameless["person"] == "bad\\xff"
    mallory = {key[1]: item for key, item in got.items() if key[0] == "mallory.toml"}
    assert {item["person"] for item in mallory.values()} == {FORGED_NAME}
    assert "(limit 4000 digits)" in mallory["1.4"]["reason"]
    huge = mallory["1.3"]["counterexample"]["answer"]
    assert huge.endswith("(abbreviated: an exact fraction of 3,999 digits over 48 digits)"), huge
    assert len(json.dumps(mallory["1.3"]["counterexample"])) < 1000  # not a 4,000-digit number
    assert "unknown question ID" in mallory["9.9\\x1b[31m"]["reason"]
    summary = {status: document["summary"][status]
               for status in ("verified", "refuted", "undecided", "error")}
    assert summary == {"verified": 5, "refuted": 3, "undecided": 0, "error": 4}


def test_the_same_class_in_text_and_junit_and_strict(tmp_path: Path) -> None:
    paths = _write_class(tmp_path / "class")
    text_out, junit_out = tmp_path / "report.txt", tmp_path / "report.xml"
    assert _grade(paths, text_out, "text", tmp_path / "cache")[0] == 0
    text = text_out.read_text(encoding="utf-8")
    assert all(ch.isprintable() or ch == "\n" for ch in text), repr(text)
    for person in ("Ada", "Bob", "bad\\xff", FORGED_NAME):
        assert person in text, person
    assert not any(line.lstrip().startswith("status:") for line in text.splitlines())

    assert _grade(paths, junit_out, "junit", tmp_path / "cache")[0] == 0
    root = ET.fromstring(junit_out.read_bytes())
    suites = {suite.get("name", ""): suite for suite in root.findall("testsuite")}
    assert len(suites) == 4
    assert any("bad\\xff.toml" in name for name in suites)
    bob = next(suite for name, suite in suites.items() if "Bob" in name)
    failures = {case.get("name", "").split()[0]: case.find("failure") for case in bob.findall("testcase")}
    assert set(failures) == {"1.4", "1.7"}
    assert all(f is not None and f.get("type") == "refuted" for f in failures.values())
    mallory = next(suite for name, suite in suites.items() if "Mallory" in name)
    assert FORGED_NAME in (mallory.get("name") or "")
    assert (mallory.get("errors"), mallory.get("failures")) == ("4", "1")
    for block in root.iter("error"):
        lines = (block.text or "").splitlines()
        assert lines[0] == "status: error" and not any(line.startswith("status:") for line in lines[1:])
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("12", "3", "4")

    strict = tmp_path / "strict.json"
    code, _ = _grade(paths, strict, "json", tmp_path / "cache", "--strict")
    assert code == 2 and json.loads(strict.read_text(encoding="utf-8"))["exit_code"] == 2
