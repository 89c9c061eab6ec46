"""The command line through a real subprocess: exit codes, formats, messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import pytest


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    # Every command goes through the cache; a fresh one per test keeps tests independent.
    environment = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": tempfile.mkdtemp(), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "checker", *args],
        capture_output=True, text=True, timeout=120, env=environment,
    )


def test_verify_prefix_runs_all_sub_questions_and_exits_0() -> None:
    result = run("verify", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    for qid in ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7"):
        assert f"│ {qid}" in result.stdout
    assert "7 verified" in result.stdout
    assert "\x1b[" not in result.stdout  # NO_COLOR / not a terminal: no escape codes


def test_verify_json_has_the_contract_fields() -> None:
    result = run("verify", "1", "--format", "json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert [r["id"] for r in document["results"]] == [f"1.{k}" for k in range(1, 8)]
    for item in document["results"]:
        assert {"id", "status", "method", "seconds", "counterexample"} <= item.keys()
        assert item["status"] == "verified" and item["counterexample"] is None
    assert document["exit_code"] == 0


@pytest.mark.parametrize(("args", "code"), [
    (("check", "1.4", "--answer", "f - y"), 0),
    (("check", "1.4", "--answer", "y - f"), 1),
    (("check", "1.4", "--answer", "f - "), 2),
    # Usage errors are 4, apart from 2, which says an answer could not be understood.
    (("check", "9.9", "--answer", "f"), 4),
    (("verify", "9"), 4),
    (("check", "1.4"), 4),  # neither --answer nor --latex
    (("check", "1.4", "--answer", "f", "--timeout", "-1"), 4),
])
def test_exit_codes(args: tuple[str, ...], code: int) -> None:
    result = run(*args)
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr


def test_refutation_shows_interpretation_and_counterexample() -> None:
    result = run("check", "1.4", "--answer", "y - f")
    assert "interpreted as: -f + y" in result.stdout
    assert "f = 1/3, y = 1: your answer 2/3, truth -2/3" in result.stdout


def test_check_json_counterexample() -> None:
    result = run("check", "1.4", "--answer", "y - f", "--format", "json")
    item = json.loads(result.stdout)["results"][0]
    assert item["status"] == "refuted"
    assert item["counterexample"]["assignment"] == {"f": "1/3", "y": "1"}
    assert item["counterexample"]["answer"] == "2/3"


def test_junit_is_valid_xml_with_one_testcase_per_claim() -> None:
    result = run("verify", "2", "--format", "junit")
    root = ET.fromstring(result.stdout)
    cases = root.findall(".//testcase")
    assert [c.get("name", "").split()[0] for c in cases] == ["2.1", "2.2", "2.3", "2.4"]
    assert root.get("failures") == "0" and root.get("errors") == "0"


def test_junit_marks_refutation_as_failure() -> None:
    root = ET.fromstring(run("check", "1.4", "--answer", "y - f", "--format", "junit").stdout)
    failure = root.find(".//testcase/failure")
    assert failure is not None and failure.get("type") == "refuted"
    assert "your answer 2/3" in (failure.get("message") or "")


def test_show_prints_namespace_and_truth() -> None:
    result = run("show", "1.4")
    assert result.returncode == 0
    for expected in ("reference answer: f - y", "(0, 1)", "{0, 1}", "pre-activation", "truth:"):
        assert expected in result.stdout


def test_list_names_every_question() -> None:
    result = run("list")
    assert result.returncode == 0
    for qid in ("1.1", "1.7", "2.1", "2.4"):
        assert qid in result.stdout


def test_help_mentions_exit_codes() -> None:
    result = run("--help")
    assert result.returncode == 0 and "exit codes" in result.stdout


def test_answer_starting_with_a_minus_sign_is_taken_as_the_answer() -> None:
    result = run("check", "1.3", "--answer", "-y*log(f)-(1-y)*log(1-f)")
    assert result.returncode == 0, result.stdout + result.stderr
