"""Hostile and malformed answers: nothing executes, nothing hangs, every one ends
in a clear verdict. Each case asserts the exit code, the message, that the check
returned within its limit (a safety bound, not a performance target), and that
the sentinel file a payload would create does not exist."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from checker import Limits, Status, check_answer

TIMEOUT = 5.0
LIMITS = Limits(timeout=TIMEOUT, memory_mb=768)
SENTINEL = Path(os.environ.get("TMPDIR", "/tmp")) / "derivcheck-owned"
TOUCH = f"__import__('pathlib').Path('{SENTINEL}').touch()"

# (question, answer, expected exit code, fragment of the message)
CASES = [
    ("1.4", TOUCH, 2, "only the language's functions can be called"),
    ("1.4", f"exp({TOUCH})", 2, "only the language's functions can be called"),
    ("1.4", "().__class__.__bases__[0].__subclasses__()", 2, "only the language's functions"),
    ("1.4", "().__class__", 2, "attribute"),
    ("1.4", "f.__class__", 2, "attribute"),
    ("1.4", "f.__dict__", 2, "attribute"),
    ("1.4", "eval('1')", 2, "unknown function `eval`"),
    ("1.4", "exec('x=1')", 2, "unknown function `exec`"),
    ("1.4", "open('/etc/passwd')", 2, "unknown function `open`"),
    ("1.4", "getattr(f, 'x')", 2, "unknown function `getattr`"),
    ("1.4", "__builtins__", 2, "unknown name `__builtins__`"),
    ("1.4", "sigmoid('1 + 1')", 2, "only numbers"),
    ("1.4", f"exp(\"{TOUCH}\")", 2, "only numbers"),
    ("1.4", "(lambda: 0)()", 2, "only the language's functions"),
    ("1.4", "lambda f: f", 2, "lambda"),
    ("1.4", "[f for f in (1, 2)]", 2, "comprehension"),
    ("1.4", "{f for f in (1, 2)}", 2, "comprehension"),
    ("1.4", "(f := 1)", 2, "assignment"),
    ("1.4", "f - y; import os", 2, "syntax error"),
    ("1.4", "f - y\nimport os", 2, "syntax error"),
    ("1.4", "ｅｖａｌ('1')", 2, "unknown function `eval`"),
    ("1.4", "ｆ − ｙ", 0, ""),  # fullwidth but harmless: normalised, then checked
    ("1.4", "f\u200b - y", 2, "not part of the answer language"),
    ("1.4", "9**9**9", 2, "too large"),
    ("1.4", "9**9**9**9", 2, "too large"),
    ("1.4", "(f+1)**100000", 2, "too large"),
    ("1.4", "10**(10**10)", 2, "too large"),
    ("1.4", "1" * 5000, 2, "too long"),
    ("1.4", "9" * 100, 2, "digits"),
    ("1.4", "1e999999999", 2, "out of range"),
    ("1.4", "f" + " + f" * 1000, 2, "too long"),
    ("1.4", "exp(" * 100 + "f" + ")" * 100, 2, "nested too deeply"),
    ("1.4", "(" * 3000 + "f" + ")" * 3000, 2, "too long"),
    ("1.4", "-" * 1500 + "f", 2, "nested too deeply"),
    ("1.4", "zz", 2, "unknown name `zz`"),
    ("1.4", "foo(f)", 2, "unknown function `foo`"),
    ("1.4", "N(f)", 2, "unknown function `N`"),
    ("1.4", "S", 2, "unknown name `S`"),
    ("1.4", "E", 2, "unknown name `E`"),
    ("1.4", "I*f", 2, "unknown name `I`"),
    ("1.4", "Q", 2, "unknown name `Q`"),
    ("1.4", "f - ", 2, "syntax error"),
    ("1.4", "", 2, "empty answer"),
    ("1.4", "   ", 2, "empty answer"),
    ("1.4", "'f - y'", 2, "only numbers"),
    ("1.4", "b'f'", 2, "only numbers"),
    ("1.4", "3j", 2, "only numbers"),
    ("1.4", "1/(f - f)", 2, "division by zero"),
    ("1.4", "log(0)", 2, "log of zero"),
    ("1.4", "sqrt(-1)*f", 2, "not real"),  # a complex answer is not in the answer language
    ("1.4", "f - y + log(-1)", 2, "not real"),
    ("1.7", "import os", 2, "not one of the accepted answers"),
    ("2.4", "p.__class__", 2, "attribute"),
    # Caps on what SymPy builds, not only on what is written: each an error naming the cap.
    ("1.4", "(10**40*f)**100 - y", 2, "(limit 4000 digits)"),
    ("1.4", "(10**59*f)**100 - y", 2, "(limit 4000 digits)"),
    ("1.4", "((10**20*f)**20)**20 - y", 2, "(limit 4000 digits)"),
    ("1.4", "(f + 10**50)**100", 2, "(limit 4000 digits)"),
    ("1.4", "Sum((10**40*f)**100, (j, 1, 3)) - y", 2, "(limit 4000 digits)"),
    ("1.4", "Piecewise(((f + 10**50)**100, f < 1/2), (f - y, True))", 2, "(limit 4000 digits)"),
    ("1.4", "(f**100)**100 - y", 2, "exponent 10000, too large (limit 100"),
    ("1.4", "((((f**100)**100)**100)**100) - y", 2, "too large (limit 100"),
    ("1.4", "exp(10**50*log(2))", 2, "too large (limit 100"),
    ("1.4", "sqrt((10**39)**100 + 1)*f", 2, "(limit 400 digits"),
    ("1.4", "pow(9, 9**9)", 2, "unknown function `pow`"),
    # A matrix inverse that exists nowhere, and attributes other than .T.
    ("2.4", "diag(p) - p*p.T + (p*p.T)**-1 - (p*p.T)**-1", 2, "has no inverse"),
    ("2.4", "diag(p) - p*p.T + 0*(p*p.T)**-1", 2, "has no inverse"),
    ("2.4", "diag(p) - p*p.T + 0*p**-1", 2, "only a square matrix has powers and an inverse"),
    ("2.4", "(p*p.T)**(1/2)", 2, "a matrix power must be a whole number"),
    ("2.4", "p.I", 2, "attribute `p.I` is not allowed"),
    ("2.4", "p.H", 2, "attribute `p.H` is not allowed"),
    ("2.4", "K.T", 2, "attribute `K.T` is not allowed"),
    ("3", "W1 = __import__('os'); W2 = 1; b2 = 1", 2, "unknown function `__import__`"),
]


@pytest.fixture(autouse=True)
def no_sentinel() -> None:
    if SENTINEL.exists():
        SENTINEL.unlink()


@pytest.mark.parametrize(("qid", "answer", "code", "message"), CASES,
                         ids=[f"{q}:{a[:30]!r}" for q, a, _, _ in CASES])
def test_hostile_answer(qid: str, answer: str, code: int, message: str) -> None:
    start = time.monotonic()
    verdict = check_answer(qid, answer, limits=LIMITS)
    elapsed = time.monotonic() - start
    assert verdict.status.exit_code == code, verdict
    assert message in verdict.reason
    assert elapsed < TIMEOUT + 5
    assert not SENTINEL.exists()


def test_expensive_check_is_stopped_and_the_next_one_runs() -> None:
    # The parse is within every cap, but the 2.4 check is far too slow for 0.05 s.
    slow = check_answer("2.4", "diag(p) - p*p.T", limits=Limits(timeout=0.05, memory_mb=768))
    assert slow.status is Status.UNDECIDED and slow.reason.startswith("timeout")
    after = check_answer("1.4", "f - y", limits=LIMITS)
    assert after.status is Status.VERIFIED


def test_same_input_same_counterexample() -> None:
    first = check_answer("2.2", "x2 - x1", limits=LIMITS)
    second = check_answer("2.2", "x2 - x1", limits=LIMITS)
    assert first.counterexample == second.counterexample is not None
