"""Hardening of the results cache: a row is believed only once validated, the cache's
files are the user's alone, and a poisoned cache never costs a report.

Every bad row is a miss (the check runs again and its verdict replaces the row) with
one warning per run, never an exception; a directory or database that others can
write is refused and the run goes on without it.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import sqlite3
import stat
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import class_report
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import DEFAULT_OPTIONS, Limits, Status, Verdict, check_answer, grade
from checker.render.class_report import render_class, render_csv
from checker.render.json_report import render_class_json
from checker.render.junit_report import render_graded_junit
from checker.run.cache import MAX_DEPTH, MAX_ROW_BYTES, ResultCache, answer_key, decode

LIMITS = Limits(timeout=60, memory_mb=1024)


def _row(cache: ResultCache, qid: str, answer: str) -> dict[str, Any]:
    with sqlite3.connect(cache.path) as db:
        raw = db.execute("SELECT verdict FROM verdicts WHERE key = ?",
                         (answer_key(qid, answer, False, DEFAULT_OPTIONS),)).fetchone()[0]
    loaded: dict[str, Any] = json.loads(raw)
    return loaded


def _store(cache: ResultCache, qid: str, answer: str, value: object, sql: str = "?") -> None:
    """Write `value` (a SQL parameter, or `sql` built from it) as the row of this answer."""
    with sqlite3.connect(cache.path) as db:
        db.execute(f"INSERT OR REPLACE INTO verdicts VALUES (?, {sql})",
                   (answer_key(qid, answer, False, DEFAULT_OPTIONS), value))


def _warm(tmp_path: Path, qid: str = "1.4", answer: str = "y - f") -> ResultCache:
    cache = ResultCache(tmp_path)
    first = check_answer(qid, answer, cache=cache)
    assert "cached" not in first.notes
    assert "cached" in check_answer(qid, answer, cache=ResultCache(tmp_path)).notes
    return cache


def _edit(change: Callable[[dict[str, Any]], object]) -> Callable[[dict[str, Any]], str]:
    def make(good: dict[str, Any]) -> str:
        data = copy.deepcopy(good)
        change(data)
        return json.dumps(data)

    return make


DEEP = "[" * 100_000 + "]" * 100_000
# Each entry: how a well-formed row of `y - f` (refuted, with a counterexample) is spoiled.
POISONS: dict[str, Callable[[dict[str, Any]], object]] = {
    "a string where the steps list was": _edit(lambda d: d.update(steps="not a list")),
    "a string where the counterexample was": _edit(lambda d: d.update(counterexample="x")),
    "a list where the notes were": _edit(lambda d: d.update(notes=[["nested"]])),
    "100,000-deep JSON": lambda d: DEEP,
    "deep JSON inside a field": _edit(lambda d: d.update(reason=json.loads("[" * 20 + "]" * 20))),
    "a status that does not exist": _edit(lambda d: d.update(status="proved")),
    "a step status that does not exist": _edit(lambda d: d.update(
        steps=[{"text": "a", "status": "VERIFIED", "method": "m", "counterexample": None}])),
    "seconds as text": _edit(lambda d: d.update(seconds="0.1")),
    "negative seconds": _edit(lambda d: d.update(seconds=-1)),
    "seconds as a boolean": _edit(lambda d: d.update(seconds=True)),
    "NaN": lambda d: json.dumps(d).replace('"seconds": ', '"seconds": NaN, "x": '),
    "a 5,000-digit integer": lambda d: json.dumps(d).replace('"seconds": ', '"seconds": ' + "9" * 5000
                                                             + ', "x": '),
    "a missing field": _edit(lambda d: d.pop("method")),
    "an extra field": _edit(lambda d: d.update(verdict_of="someone else")),
    "an id that is a number": _edit(lambda d: d.update(id=1.4)),
    "an error block on a refutation": _edit(lambda d: d.update(
        error={"message": "m", "column": 1, "excerpt": None, "hint": None})),
    "an error without its block": _edit(lambda d: d.update(status="error", error=None)),
    "an error column that is text": _edit(lambda d: d.update(
        status="error", error={"message": "m", "column": "1", "excerpt": None, "hint": None})),
    "a point value that is a number": _edit(lambda d: d["counterexample"].update(assignment={"f": 0.5})),
    "a counterexample without its truth": _edit(lambda d: d["counterexample"].pop("truth")),
    "too many notes": _edit(lambda d: d.update(notes=["n"] * 1000)),
    "not JSON": lambda d: "{'id': '1.4'",
    "a JSON list": lambda d: json.dumps([d]),
    "JSON null": lambda d: "null",
    "an empty text": lambda d: "",
}


@pytest.mark.parametrize("name", list(POISONS))
def test_poisoned_row_is_a_miss_with_one_warning(tmp_path: Path, name: str) -> None:
    cache = _warm(tmp_path)
    good = _row(cache, "1.4", "y - f")
    _store(cache, "1.4", "y - f", POISONS[name](good))
    said: list[str] = []
    fresh = ResultCache(tmp_path, warn=said.append)
    verdict = check_answer("1.4", "y - f", cache=fresh)
    assert verdict.status is Status.REFUTED and "cached" not in verdict.notes
    assert len(said) == 1 and "not a valid verdict" in said[0], said
    assert fresh.invalid_rows == 1
    # The check's own verdict replaced the row: the next run is served from it again.
    again = ResultCache(tmp_path, warn=said.append)
    assert "cached" in check_answer("1.4", "y - f", cache=again).notes
    assert len(said) == 1


@pytest.mark.parametrize(("name", "value", "sql"), [
    ("a BLOB", b"\x00\x01 not text", "?"),
    ("an INTEGER", 7, "?"),
    ("a REAL", 7.5, "?"),
    ("text that is not UTF-8", b'{"id": "\xff"}', "CAST(? AS TEXT)"),
    ("a row over the size cap", MAX_ROW_BYTES // 2 + 1, "'\"' || hex(zeroblob(?)) || '\"'"),
])
def test_row_of_the_wrong_sqlite_type_or_size_is_a_miss(tmp_path: Path, name: str, value: object,
                                                       sql: str) -> None:
    cache = _warm(tmp_path)
    _store(cache, "1.4", "y - f", value, sql)
    fresh = ResultCache(tmp_path)
    verdict = check_answer("1.4", "y - f", cache=fresh)
    assert verdict.status is Status.REFUTED and "cached" not in verdict.notes
    assert len(fresh.warnings) == 1 and fresh.invalid_rows == 1, name


def test_row_copied_from_another_key_is_a_miss(tmp_path: Path) -> None:
    # A well-formed row moved under another key: `verified` of `f - y` served for `y - f`.
    cache = _warm(tmp_path)
    check_answer("1.4", "f - y", cache=cache)
    right = _row(cache, "1.4", "f - y")
    _store(cache, "1.4", "y - f", json.dumps(right))
    key = answer_key("1.4", "y - f", False, DEFAULT_OPTIONS)
    fresh = ResultCache(tmp_path)
    assert fresh.get(key, "1.4", "y - f") is None
    assert fresh.get(key, "1.6", "f - y") is None
    assert fresh.invalid_rows == 2 and len(fresh.warnings) == 1
    assert "another answer" in fresh.warnings[0]
    served = fresh.get(answer_key("1.4", "f - y", False, DEFAULT_OPTIONS), "1.4", " f - y\n")
    assert served is not None and served.status is Status.VERIFIED  # outer spacing: the same answer


def test_a_null_row_is_a_miss(tmp_path: Path) -> None:
    # A table made elsewhere (without NOT NULL) holding NULL.
    (tmp_path / "results.sqlite3").touch(mode=0o600)
    with sqlite3.connect(tmp_path / "results.sqlite3") as db:
        db.execute("CREATE TABLE verdicts (key TEXT PRIMARY KEY, verdict)")
        db.execute("INSERT INTO verdicts VALUES (?, NULL)",
                   (answer_key("1.4", "y - f", False, DEFAULT_OPTIONS),))
    cache = ResultCache(tmp_path)
    assert check_answer("1.4", "y - f", cache=cache).status is Status.REFUTED
    assert cache.invalid_rows == 1


def test_many_poisoned_rows_give_one_warning(tmp_path: Path) -> None:
    cache = _warm(tmp_path)
    check_answer("1.4", "f - y", cache=cache)
    _store(cache, "1.4", "y - f", DEEP)
    _store(cache, "1.4", "f - y", "[]")
    fresh = ResultCache(tmp_path)
    assert check_answer("1.4", "y - f", cache=fresh).status is Status.REFUTED
    assert check_answer("1.4", "f - y", cache=fresh).status is Status.VERIFIED
    assert fresh.invalid_rows == 2 and len(fresh.warnings) == 1


def test_decode_never_raises_and_caps_depth_before_parsing() -> None:
    assert isinstance(decode(DEEP.encode()), str)
    assert "deeper" in str(decode(DEEP.encode()))
    assert isinstance(decode(("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)).encode()), str)
    for raw in (b"", b"{", b"\xff", b"1e999", b'"\\ud800"', b'{"a": "[[[[[[[[[["}', "x", None, 5):
        assert isinstance(decode(raw), str)


def test_real_verdicts_round_trip_through_validation(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cases = [
        ("1.4", "y - f"),  # refuted, counterexample
        ("1.4", "(f-y"),  # error, column and hint
        ("2.1", "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(x[i] + c)"),  # steps
        ("2.1", "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(x[i])/Sum(exp(x[j]), (j, 1, K))"),
        ("4.3.full", "[1, 2, 5, 8, 6, 8]"),
        ("1.4", "f - y \u2028\x1b[31m"),  # control characters in the answer
    ]
    for qid, answer in cases:
        first = check_answer(qid, answer, cache=cache)
        second = check_answer(qid, answer, cache=cache)
        assert "cached" in second.notes, (qid, answer, cache.warnings)
        assert second.status is first.status and second.counterexample == first.counterexample
        assert second.steps == first.steps and second.column == first.column
    assert cache.warnings == [] and cache.invalid_rows == 0


def test_a_verdict_over_the_caps_is_not_written(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    big = Verdict("1.4", "", Status.REFUTED, "m", 0.0, answer="x", notes=("n",) * 1000)
    cache.put("k", big)
    assert cache.get("k") is None and cache.warnings == []


def test_poisoned_cache_still_gives_a_complete_class_report(tmp_path: Path) -> None:
    people = tmp_path / "class"
    people.mkdir()
    files = []
    for name, answers in [("ada", {"1.4": "f - y", "1.7": "CE"}), ("bob", {"1.4": "y - f", "1.7": "MSE"}),
                          ("cy", {"1.4": "f - y", "2.2": "1"})]:
        body = "[answers]\n" + "".join(f'"{q}" = {json.dumps(a)}\n' for q, a in answers.items())
        (people / f"{name}.toml").write_text(body)
        files.append(str(people / f"{name}.toml"))
    store = tmp_path / "cache"
    warm = grade(files, LIMITS, cache=ResultCache(store))
    cache = ResultCache(store)
    with sqlite3.connect(cache.path) as db:
        keys = [k for (k,) in db.execute("SELECT key FROM verdicts")]
        assert len(keys) >= 5
        bad = [DEEP, '"a string"', '{"id": []}', "[]", json.dumps({"steps": "x"})]
        for key, value in zip(keys, bad * len(keys), strict=False):
            db.execute("UPDATE verdicts SET verdict = ? WHERE key = ?", (value, key))
    said: list[str] = []
    poisoned = grade(files, LIMITS, cache=ResultCache(store, warn=said.append))
    assert len(said) == 1
    expected = [[(v.id, v.status, v.counterexample) for v in r.verdicts] for r in warm]
    assert [[(v.id, v.status, v.counterexample) for v in r.verdicts] for r in poisoned] == expected
    # Every renderer writes the whole class.
    junit = ET.fromstring(render_graded_junit(poisoned))
    assert len(junit.findall("testsuite")) == 3
    assert sum(1 for _ in junit.iter("testcase")) == 6
    rows = list(csv.reader(io.StringIO(render_csv(poisoned))))
    assert len(rows) == 1 + 6
    document = json.loads(render_class_json(class_report(poisoned, ["1.4", "1.7", "2.2"])))
    assert len(document["results"]) == 9 and len(document["people"]) == 3
    table = render_class(class_report(poisoned, ["1.4", "1.7", "2.2"]))
    assert all(name in table for name in ("ada", "bob", "cy"))


# -- the cache's files ------------------------------------------------------------------------


def test_directory_is_created_0700_and_database_0600(tmp_path: Path) -> None:
    store = tmp_path / "deep" / "derivcheck"
    cache = ResultCache(store)
    check_answer("1.4", "f - y", cache=cache)
    assert stat.S_IMODE(store.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert cache.warnings == []


def test_own_database_readable_by_others_is_made_private(tmp_path: Path) -> None:
    _warm(tmp_path)
    database = tmp_path / "results.sqlite3"
    database.chmod(0o644)
    cache = ResultCache(tmp_path)
    assert "cached" in check_answer("1.4", "y - f", cache=cache).notes
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o777, 0o775, 0o1777, 0o720])
def test_directory_others_can_write_is_refused(tmp_path: Path, mode: int) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(mode)
    said: list[str] = []
    cache = ResultCache(shared, warn=said.append)
    verdict = check_answer("1.4", "y - f", cache=cache)
    assert verdict.status is Status.REFUTED  # the run goes on, without a cache
    assert len(said) == 1
    assert "can be written by group or others" in said[0] and "forge verdicts" in said[0]
    assert not (shared / "results.sqlite3").exists()
    check_answer("1.4", "y - f", cache=cache)
    assert len(said) == 1


def test_forged_row_in_a_shared_directory_is_not_served(tmp_path: Path) -> None:
    cache = _warm(tmp_path)
    forged = _row(cache, "1.4", "y - f")
    forged.update(status="verified", counterexample=None, method="symbolic")
    _store(cache, "1.4", "y - f", json.dumps(forged))
    tmp_path.chmod(0o777)  # anyone could have written that row
    verdict = check_answer("1.4", "y - f", cache=ResultCache(tmp_path))
    assert verdict.status is Status.REFUTED


def test_database_others_can_write_is_refused(tmp_path: Path) -> None:
    _warm(tmp_path)
    (tmp_path / "results.sqlite3").chmod(0o666)
    cache = ResultCache(tmp_path)
    verdict = check_answer("1.4", "y - f", cache=cache)
    assert verdict.status is Status.REFUTED and "cached" not in verdict.notes
    assert "results.sqlite3 can be written by group or others (mode 0666)" in cache.warnings[0]


def test_database_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "results.sqlite3").mkdir(mode=0o700)
    cache = ResultCache(tmp_path)
    assert check_answer("1.4", "f - y", cache=cache).status is Status.VERIFIED
    assert "not a regular file" in cache.warnings[0]


def _pretend_to_be_another_user(monkeypatch: pytest.MonkeyPatch) -> int:
    """Files this process made now belong to "someone else" (no root needed to test it)."""
    owner = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: owner + 1)
    return owner


def test_directory_of_another_user_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    owner = _pretend_to_be_another_user(monkeypatch)
    cache = ResultCache(theirs)
    assert check_answer("1.4", "f - y", cache=cache).status is Status.VERIFIED
    assert f"is owned by user id {owner}, not by you" in cache.warnings[0]


def test_database_of_another_user_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _warm(tmp_path)
    (tmp_path).chmod(0o700)
    owner = _pretend_to_be_another_user(monkeypatch)
    cache = ResultCache(tmp_path)
    assert "cached" not in check_answer("1.4", "y - f", cache=cache).notes
    assert f"is owned by user id {owner}" in cache.warnings[0]


def test_cache_path_with_control_characters_is_shown_escaped(tmp_path: Path) -> None:
    odd = tmp_path / "a\nderivcheck: verified\x1b[2J"
    odd.mkdir()
    odd.chmod(0o777)
    cache = ResultCache(odd)
    check_answer("1.4", "f - y", cache=cache)
    assert "\n" not in cache.warnings[0] and "\x1b" not in cache.warnings[0]
    assert "\\n" in cache.warnings[0]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=200), JSON.map(lambda d: json.dumps(d).encode())))
def test_decode_of_anything_is_a_verdict_or_a_reason(raw: bytes) -> None:
    assert isinstance(decode(raw), (Verdict, str))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["id", "title", "status", "method", "seconds", "answer", "parsed",
                        "counterexample", "reason", "steps", "notes", "error"]), JSON)
def test_any_value_in_any_field_of_a_real_row_never_raises(field: str, value: object) -> None:
    good = Verdict("1.4", "t", Status.REFUTED, "m", 0.5, answer="y - f").to_json()
    decoded = decode(json.dumps({**good, field: value}).encode())
    assert isinstance(decoded, (Verdict, str))
    if isinstance(decoded, Verdict):  # accepted only with the right types
        assert isinstance(decoded.status, Status) and isinstance(decoded.notes, tuple)
        assert all(isinstance(getattr(decoded, name), str) for name in ("id", "title", "method", "answer"))
