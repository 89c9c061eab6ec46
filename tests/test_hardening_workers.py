"""Hardening of the bounded workers and of the prepare step:

- a worker dies with its parent (SIGKILL of the parent leaves no worker running),
  through prctl(PR_SET_PDEATHSIG) and, where that is not available, a watch thread;
- limits that cannot be set are reported as such (not as a crash), and the command
  line can refuse them first (`check_timeout`, `check_memory`);
- the prepare step runs within a wall-clock and a memory budget in the parent, is
  abandoned quietly on a hit, restores what it changed, and never changes a verdict.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from checker import DEFAULT_OPTIONS, Limits, Status, check_answer, get, run_all
from checker.run import bounded
from checker.run.bounded import (
    MAX_TIMEOUT,
    LimitHit,
    PrepareOutcome,
    check_memory,
    check_timeout,
    max_memory_mb,
    run_bounded,
    run_prepare_bounded,
)

ROOT = Path(__file__).resolve().parents[1]

# The parent: starts one long bounded check whose worker writes its pid and spins.
PARENT = textwrap.dedent("""
    import os, sys
    from checker.run import bounded

    if sys.argv[2] == "watch":
        bounded._PR_SET_PDEATHSIG = -1  # prctl fails: the parent-pid watch thread instead

    def spin(pidfile):
        with open(pidfile + ".tmp", "w") as out:
            out.write(str(os.getpid()))
        os.replace(pidfile + ".tmp", pidfile)
        while True:  # busy, as a runaway check: it would run on until its CPU limit
            pass

    bounded.run_bounded(spin, (sys.argv[1],), bounded.Limits(timeout=300, memory_mb=512))
""")

# The harness: a child subreaper (Linux), so the orphaned worker comes to it to be
# reaped and its end can be seen exactly; it kills the parent and times the worker.
HARNESS = textwrap.dedent("""
    import ctypes, json, os, signal, subprocess, sys, time

    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    pidfile, mode, parent_code = sys.argv[1], sys.argv[2], sys.argv[3]
    parent = subprocess.Popen([sys.executable, "-c", parent_code, pidfile, mode])
    deadline = time.monotonic() + 60
    while not os.path.exists(pidfile):
        if time.monotonic() > deadline or parent.poll() is not None:
            parent.kill()
            print(json.dumps({"error": "the worker never started"}))
            sys.exit(0)
        time.sleep(0.02)
    worker = int(open(pidfile).read())
    time.sleep(0.3)  # let it spin
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    killed = time.monotonic()
    report = {"worker": worker, "seconds": None, "signal": None}
    while time.monotonic() - killed < 10:
        pid, status = os.waitpid(worker, os.WNOHANG)  # ours now: we are the subreaper
        if pid:
            report["seconds"] = time.monotonic() - killed
            report["signal"] = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            break
        time.sleep(0.02)
    else:
        os.kill(worker, signal.SIGKILL)  # leave nothing behind
        os.waitpid(worker, 0)
    print(json.dumps(report))
""")


@pytest.mark.parametrize("mode", ["prctl", "watch"])
def test_worker_dies_with_its_parent(tmp_path: Path, mode: str) -> None:
    done = subprocess.run([sys.executable, "-c", HARNESS, str(tmp_path / "worker.pid"), mode, PARENT],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert "error" not in report, report
    assert report["seconds"] is not None, f"worker {report['worker']} still ran 10 s after its parent died"
    assert report["seconds"] < 5
    assert report["signal"] == signal.SIGKILL


def test_parent_watch_thread_sees_a_live_parent_and_stays_quiet() -> None:
    # The fallback must not kill a worker whose parent is alive.
    assert run_bounded(_sleep_then, (0.6,), Limits(10, 512)) == "slept"


def _sleep_then(seconds: float) -> str:
    bounded._watch_parent(os.getppid())
    time.sleep(seconds)
    return "slept"


# -- limits that cannot be set ------------------------------------------------------------


def test_memory_limit_that_cannot_be_set_is_a_limit_problem_not_a_crash() -> None:
    result = run_bounded(sum, ([1, 2],), Limits(5, 99_999_999_999_999))
    assert isinstance(result, LimitHit)
    assert result.reason.startswith("limits: ")
    assert "memory limit of 99999999999999 MiB could not be set" in result.reason
    assert "crash" not in result.reason and "exit code" not in result.reason


def test_check_with_unsettable_limits_says_so_in_the_verdict() -> None:
    verdict = check_answer("1.4", "f - y", limits=Limits(5, 99_999_999_999_999))
    assert verdict.status is Status.UNDECIDED
    assert "memory limit of 99999999999999 MiB could not be set" in verdict.reason
    assert "exit code" not in verdict.reason
    assert verdict.method.startswith("stopped")  # so it is never cached


def test_memory_limit_above_the_hard_limit_is_reported() -> None:
    code = textwrap.dedent("""
        import resource
        from checker.run.bounded import Limits, run_bounded, _mapped_bytes
        hard = _mapped_bytes() + 600 * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
        print(run_bounded(sum, ([1],), Limits(5, 4096)).reason)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.startswith("limits: the memory limit of 4096 MiB could not be set"), done


def test_option_validation_helpers() -> None:
    assert check_timeout(10.0) == 10.0
    assert check_timeout(MAX_TIMEOUT) == MAX_TIMEOUT
    for bad in (0, -1, MAX_TIMEOUT + 1, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="one day"):
            check_timeout(bad)
    assert check_memory(1024) == 1024
    largest = max_memory_mb()
    assert largest > 1024
    assert check_memory(largest) == largest
    for bad_memory in (0, -5, largest + 1, 99_999_999_999_999):
        with pytest.raises(ValueError, match="RLIMIT_AS"):
            check_memory(bad_memory)


def test_largest_accepted_memory_budget_really_works() -> None:
    # What check_memory accepts, a worker can set (minus what a fork may add).
    assert run_bounded(sum, ([1, 2],), Limits(5, max_memory_mb() - 4096)) == 3


# -- the prepare step ------------------------------------------------------------------------


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _state() -> tuple[object, tuple[float, float], tuple[int, int]]:
    return (signal.getsignal(signal.SIGALRM), signal.getitimer(signal.ITIMER_REAL),
            resource.getrlimit(resource.RLIMIT_AS))


def test_prepare_within_budget_is_done() -> None:
    before = _state()
    built: list[int] = []
    outcome = run_prepare_bounded(lambda: built.append(1), 5, 512)
    assert outcome.done and outcome.reason == "" and built == [1]
    assert _state() == before


def test_prepare_past_its_time_is_abandoned_quietly() -> None:
    before = _state()
    start = time.monotonic()
    outcome = run_prepare_bounded(lambda: _spin(30), 0.2, 512)
    assert not outcome.done and outcome.reason == "timeout: not done within 0.2 s"
    assert time.monotonic() - start < 3
    assert _state() == before


def test_prepare_that_swallows_exceptions_is_still_stopped() -> None:
    def stubborn() -> None:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            with contextlib.suppress(Exception):  # as careless code would: the stop is a BaseException
                _spin(0.01)

    start = time.monotonic()
    assert run_prepare_bounded(stubborn, 0.2, 512).reason.startswith("timeout")
    assert time.monotonic() - start < 3


def test_prepare_past_its_memory_is_abandoned_and_memory_is_returned() -> None:
    before = _state()
    blocks: list[bytearray] = []

    def hog() -> None:
        while True:
            blocks.append(bytearray(8 * 1024 * 1024))

    outcome = run_prepare_bounded(hog, 30, 64)
    assert not outcome.done and outcome.reason == "memory: grew by more than 64 MiB"
    assert 8 <= len(blocks) * 8 < 64 + 400  # stopped soon after the budget (other growth counts too)
    assert _state() == before
    blocks.clear()


def test_prepare_error_is_reported_not_raised() -> None:
    def broken() -> None:
        raise ValueError("no")

    outcome = run_prepare_bounded(broken, 5, 512)
    assert not outcome.done and outcome.reason == "error: ValueError: no"


def test_prepare_off_the_main_thread_is_skipped() -> None:
    outcomes: list[PrepareOutcome] = []
    built: list[int] = []
    thread = threading.Thread(target=lambda: outcomes.append(run_prepare_bounded(lambda: built.append(1),
                                                                                 5, 512)))
    thread.start()
    thread.join()
    assert not outcomes[0].done and outcomes[0].reason.startswith("skipped")
    assert built == []


def test_prepare_keeps_someone_elses_timer() -> None:
    fired: list[int] = []

    def theirs(signum: int, frame: object) -> None:
        fired.append(signum)

    old = signal.signal(signal.SIGALRM, theirs)
    try:
        signal.setitimer(signal.ITIMER_REAL, 50)
        assert run_prepare_bounded(lambda: _spin(0.3), 5, 512).done
        assert signal.getsignal(signal.SIGALRM) is theirs
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 45 < left <= 50
        signal.setitimer(signal.ITIMER_REAL, 0.05)  # and it still fires, into their handler
        time.sleep(0.3)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_prepare_never_stops_inside_an_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A module whose import outlasts the budget is imported whole; the stop comes after.
    (tmp_path / "slow_import_for_prepare.py").write_text(
        "import time\n_end = time.monotonic() + 0.6\nwhile time.monotonic() < _end:\n    pass\n"
        "COMPLETE = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("slow_import_for_prepare", None)

    def hook() -> None:
        import slow_import_for_prepare  # noqa: F401

        _spin(30)

    outcome = run_prepare_bounded(hook, 0.1, 512)
    assert outcome.reason.startswith("timeout")
    assert sys.modules["slow_import_for_prepare"].COMPLETE is True
    assert outcome.seconds >= 0.6


ANSWERS_4_5 = [
    ("4.1", "65536", False), ("4.1", "65537", False), ("4.2", get("4.2").reference, False),
    ("5.5", get("5.5").reference, False),
    ("5.2", "2*w2[n-i+1] if max(n-k2+1, 1) <= i <= min(n, d-k1-k2+2) else 0", False),
]

# In a fresh process (the truths are not built yet): prepare 4.1/5.5 with a tiny budget,
# then check, and compare with the same checks after a full prepare in another process.
PREPARE_THEN_CHECK = textwrap.dedent("""
    import json, sys
    from checker import DEFAULT_OPTIONS, Limits, get, run_all
    from checker.run.bounded import run_prepare_bounded
    budget = float(sys.argv[1])
    checks = [tuple(c) for c in json.loads(sys.argv[2])]
    outcome = run_prepare_bounded(
        lambda: [get(q).prepare(DEFAULT_OPTIONS) for q in ("4.1", "5.5")], budget, 1024)
    verdicts = run_all(checks, Limits(60, 1024), jobs=1)
    print(json.dumps({"outcome": [outcome.done, outcome.reason],
                      "verdicts": [[v.status.value, v.method, v.reason,
                                    v.counterexample.describe() if v.counterexample else None]
                                   for v in verdicts]}))
""")


def _prepare_then_check(budget: float) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", PREPARE_THEN_CHECK, str(budget), json.dumps(ANSWERS_4_5)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_prepare_abandoned_on_a_tiny_budget_changes_no_verdict() -> None:
    abandoned = _prepare_then_check(0.01)
    full = _prepare_then_check(120)
    assert abandoned["outcome"] == [False, "timeout: not done within 0.01 s"]
    assert full["outcome"] == [True, ""]
    assert abandoned["verdicts"] == full["verdicts"]
    assert [v[0] for v in full["verdicts"]] == ["verified", "refuted", "verified", "verified", "refuted"]


def test_prepare_hooks_run_bounded_in_this_process_keep_verdicts() -> None:
    # Same process: an abandoned prepare leaves the lru caches consistent for later checks.
    hook = get("5.2").prepare
    assert hook is not None
    outcome = run_prepare_bounded(lambda: hook(DEFAULT_OPTIONS), 0.001, 1024)
    assert isinstance(outcome, PrepareOutcome)
    verdicts = run_all(ANSWERS_4_5[:2], Limits(60, 1024))
    assert [v.status for v in verdicts] == [Status.VERIFIED, Status.REFUTED]


# -- the wiring in checker.run.api ------------------------------------------------------------


def test_run_all_notes_an_abandoned_prepare_and_keeps_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.run import api

    calls: list[tuple[float, int]] = []

    def abandoned(hook: object, seconds: float, memory_mb: int) -> PrepareOutcome:
        calls.append((seconds, memory_mb))
        return PrepareOutcome(False, f"timeout: not done within {seconds:g} s", seconds)

    checks = [("4.1", "65536", False), ("4.1", "65537", False), ("2.2", "x1 - x2", False)]
    expected = [v.status for v in run_all(checks, Limits(60, 1024))]
    monkeypatch.setattr(api, "run_prepare_bounded", abandoned)
    verdicts = run_all(checks, Limits(60, 1024))
    assert [v.status for v in verdicts] == expected == [Status.VERIFIED, Status.REFUTED, Status.VERIFIED]
    # The prepare step's own budget (60 s by default, shared by all), one check's memory.
    assert calls and all(0 < seconds <= 60 and memory == 1024 for seconds, memory in calls)
    assert all(any("prepare abandoned (timeout" in note for note in v.notes) for v in verdicts[:2])
    assert not any("prepare" in note for note in verdicts[2].notes)  # 2.2 has no prepare


def _prepare_reasons(limits: str) -> dict[str, str]:
    """The prepare step of 4.1, 2.2 (none) and 5.5 in a fresh process: what was abandoned, why."""
    code = textwrap.dedent(f"""
        import json
        from checker import DEFAULT_OPTIONS, Limits
        from checker.run.api import prepare
        abandoned = prepare(["4.1", "2.2", "5.5"], DEFAULT_OPTIONS, {limits})
        print(json.dumps({{qid: o.reason for qid, o in abandoned.items()}}))
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    reasons: dict[str, str] = json.loads(done.stdout.strip().splitlines()[-1])
    return reasons


def test_api_prepare_in_a_fresh_process_is_abandoned_on_a_tiny_budget() -> None:
    reasons = _prepare_reasons("Limits(10, 1024, prepare_timeout=0.01)")
    assert reasons["4.1"].startswith("timeout: not done within 0.0") and "2.2" not in reasons
    # One budget for the whole step: once it is spent, the next prepare is not started.
    assert reasons["5.5"] == "timeout: the prepare step's budget of 0.01 s was spent before it"


def test_the_prepare_step_has_a_budget_of_its_own_beyond_one_checks_timeout() -> None:
    """4.1's prepare takes longer than 0.01 s; a check's timeout of 0.01 s does not stop it."""
    assert _prepare_reasons("Limits(0.01, 1024, prepare_timeout=120)") == {}


def test_check_answer_refuses_a_row_copied_from_another_answer(tmp_path: Path) -> None:
    import sqlite3

    from checker import ResultCache
    from checker.run.cache import answer_key

    cache = ResultCache(tmp_path)
    check_answer("1.4", "f - y", cache=cache)
    with sqlite3.connect(cache.path) as db:
        right = db.execute("SELECT verdict FROM verdicts").fetchone()[0]
        db.execute("INSERT INTO verdicts VALUES (?, ?)",
                   (answer_key("1.4", "y - f", False, DEFAULT_OPTIONS), right))
    fresh = ResultCache(tmp_path)
    verdict = check_answer("1.4", "y - f", cache=fresh)
    assert verdict.status is Status.REFUTED and "cached" not in verdict.notes
    assert "another answer" in fresh.warnings[0]
    assert "cached" in check_answer("1.4", " f - y ", cache=fresh).notes
