"""Workers with hard limits: a hung or greedy check is stopped and reported as
data, and the next check runs normally."""

from __future__ import annotations

import time

from checker import Status, check_answer
from checker.run.bounded import LimitHit, Limits, run_bounded


def _sleep() -> str:
    time.sleep(30)
    return "woke"


def _hog() -> int:
    blocks = []
    while True:
        blocks.append(bytearray(50 * 1024 * 1024))


def _boom() -> None:
    raise ValueError("boom")


def test_result_comes_back() -> None:
    assert run_bounded(sum, ([1, 2, 3],), Limits(5, 512)) == 6


def test_wall_clock_timeout() -> None:
    start = time.monotonic()
    assert run_bounded(_sleep, (), Limits(0.5, 512)) == LimitHit("timeout")
    assert time.monotonic() - start < 10


def test_memory_limit() -> None:
    assert run_bounded(_hog, (), Limits(20, 300)) == LimitHit("memory")


def test_exception_is_data() -> None:
    result = run_bounded(_boom, (), Limits(5, 512))
    assert isinstance(result, LimitHit) and "ValueError: boom" in result.reason


def test_check_with_limits_gives_the_same_verdict() -> None:
    bounded = check_answer("1.4", "y - f", limits=Limits(20, 1024))
    direct = check_answer("1.4", "y - f")
    assert bounded.status is direct.status is Status.REFUTED
    assert bounded.counterexample == direct.counterexample


def test_limit_hit_is_undecided_with_reason() -> None:
    verdict = check_answer("2.4", "diag(p) - p*p.T", limits=Limits(0.05, 1024))
    assert verdict.status is Status.UNDECIDED
    assert verdict.reason.startswith("timeout")


def _unpicklable() -> object:
    return lambda: None


def test_result_that_cannot_be_sent_is_reported_not_lost() -> None:
    result = run_bounded(_unpicklable, (), Limits(5, 512))
    assert isinstance(result, LimitHit)
    assert result.reason.startswith("crash: the result could not be sent")
    assert "exit code" not in result.reason
