"""The results cache: reuses verdicts, keys on what matters, never makes a run fail."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from checker import Options, Status, Verdict, check_answer
from checker.run.cache import ResultCache, answer_key


def test_second_check_is_served_from_the_cache(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    first = check_answer("1.4", "y - f", cache=cache)
    second = check_answer("1.4", " y - f\n", cache=cache)  # same answer, outer spacing
    assert "cached" not in first.notes and "cached" in second.notes
    assert second.status is Status.REFUTED
    assert second.counterexample == first.counterexample
    assert second.answer == " y - f\n"


def test_inner_whitespace_is_part_of_the_key(tmp_path: Path) -> None:
    # "6553 6" is a syntax error; it must not decide the verdict of "65536".
    cache = ResultCache(tmp_path)
    assert check_answer("4.1", "6553 6", cache=cache).status is Status.ERROR
    right = check_answer("4.1", "65536", cache=cache)
    assert right.status is Status.VERIFIED and "cached" not in right.notes


def test_key_separates_question_format_and_options() -> None:
    keys = {
        answer_key("1.4", "f - y", False, Options(max_size=12)),
        answer_key("1.6", "f - y", False, Options(max_size=12)),
        answer_key("1.4", "f - y", True, Options(max_size=12)),
        answer_key("1.4", "f - y", False, Options(max_size=13)),
        answer_key("1.4", "f + y", False, Options(max_size=12)),
    }
    assert len(keys) == 5
    twelve = Options(max_size=12)
    assert answer_key("1.4", "f - y", False, twelve) == answer_key("1.4", " f - y ", False, twelve)
    assert answer_key("1.4", "f-y", False, twelve) != answer_key("1.4", "f - y", False, twelve)


def test_verdict_round_trips_through_json() -> None:
    verdict = check_answer("2.1", "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(x[i] + c)")
    assert verdict.steps and verdict.counterexample is not None
    restored = Verdict.from_json(verdict.to_json())
    assert replace(restored, seconds=0) == replace(verdict, seconds=0)  # seconds are rounded


def test_corrupt_cache_is_ignored_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = tmp_path / "results.sqlite3"
    database.write_bytes(b"this is not a database" * 100)
    database.chmod(0o600)
    said: list[str] = []
    cache = ResultCache(tmp_path, warn=said.append)
    verdict = check_answer("1.4", "f - y", cache=cache)
    assert verdict.status is Status.VERIFIED
    assert len(said) == 1 and "cache" in said[0] and said == cache.warnings
    assert capsys.readouterr().err == ""  # the cache never prints: the CLI does


def test_unwritable_cache_directory_is_ignored(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = ResultCache(blocker / "sub")
    verdict = check_answer("1.4", "f - y", cache=cache)
    assert verdict.status is Status.VERIFIED
    assert len(cache.warnings) == 1 and "ignored" in cache.warnings[0]


def test_limit_hits_are_not_cached(tmp_path: Path) -> None:
    from checker import Limits

    cache = ResultCache(tmp_path)
    slow = check_answer("2.4", "diag(p) - p*p.T", limits=Limits(0.05, 1024), cache=cache)
    assert slow.status is Status.UNDECIDED
    again = check_answer("2.4", "diag(p) - p*p.T", limits=Limits(60, 1024), cache=cache)
    assert again.status is Status.VERIFIED and "cached" not in again.notes
