"""Run one check in a forked worker with hard limits; bound the parent's prepare step.

The worker sets RLIMIT_AS (memory) and RLIMIT_CPU on itself; the parent kills it
when the wall-clock budget runs out. This works the same from the main thread,
from other threads, and from a process pool, and it stops what `signal.alarm`
cannot (C loops in GMP, runaway `expand`). A worker that dies for any reason is
reported, never raised: the caller's next check runs normally.

A worker dies with its parent: on Linux through `prctl(PR_SET_PDEATHSIG, SIGKILL)`
(the kernel sends it when the thread that forked the worker ends; `run_bounded`
waits for its worker, so that thread outlives it), plus a parent-pid check for a
parent that died before the call; elsewhere a thread in the worker watches the
parent's pid. A worker whose limits cannot be set runs nothing and says so
(`LimitHit("limits: ...")`); `check_timeout` and `check_memory` let the command
line refuse such values before any work.

`run_prepare_bounded` runs the answer-independent prepare step in the parent itself
(its results must stay in the parent's memory for the forked workers to inherit),
within a wall-clock budget and a memory budget, both watched by an interval timer
(SIGALRM; main thread only). On a hit the prepare is abandoned quietly: what it built
so far stays, and each worker builds what else it needs within its own limits.
"""

from __future__ import annotations

import gc
import math
import os
import resource
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

DEFAULT_TIMEOUT = 10.0  # seconds of wall time per check
DEFAULT_PREPARE_TIMEOUT = 60.0  # seconds of wall time for a batch's whole shared prepare step
DEFAULT_MEMORY = 1024  # MiB of address space per check
MAX_TIMEOUT = 86_400.0  # one day: a check's wall-clock budget may not exceed it
MIB = 1024 * 1024
# The largest finite value setrlimit takes (Python's RLIM_INFINITY is -1 where rlim_t
# is unsigned, and the conversion goes through a signed C long).
_RLIM_MAX = 2**63 - 1 if resource.RLIM_INFINITY < 0 else resource.RLIM_INFINITY - 1
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_WATCH_INTERVAL = 0.2  # seconds between parent-pid checks where prctl is not available


@dataclass(frozen=True)
class Limits:
    """A check's wall-clock seconds and memory; `prepare_timeout` is the budget of a batch's
    shared prepare step as a whole (answer-independent truths built once before the
    workers fork, which may need more than one check's time: every worker inherits them)."""

    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY
    prepare_timeout: float = DEFAULT_PREPARE_TIMEOUT


@dataclass(frozen=True)
class LimitHit:
    """Why a worker produced no result: 'timeout', 'memory', 'limits: ...' (they could
    not be set: nothing ran) or 'crash: ...'."""

    reason: str


# -- validating limits (for the command line) -------------------------------------------


def check_timeout(seconds: float) -> float:
    """`seconds`, or ValueError with a message for the user."""
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds) and 0 < seconds <= MAX_TIMEOUT):
        raise ValueError(f"the timeout must be more than 0 and at most {MAX_TIMEOUT:g} s (one day), "
                         f"got {seconds!r}")
    return seconds


def max_memory_mb() -> int:
    """The largest memory budget (MiB) RLIMIT_AS accepts on this machine on top of what
    this process maps now (a worker forked later may map more: a larger parent)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _RLIM_MAX if hard == resource.RLIM_INFINITY else min(hard, _RLIM_MAX)
    return max(0, (cap - _mapped_bytes()) // MIB)


def check_memory(memory_mb: int) -> int:
    """`memory_mb`, or ValueError with a message for the user."""
    largest = max_memory_mb()
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or not 1 <= memory_mb <= largest:
        raise ValueError(f"the memory budget must be a whole number of MiB from 1 to {largest} "
                         f"(what RLIMIT_AS accepts here), got {memory_mb!r}")
    return memory_mb


# -- one check in a worker ------------------------------------------------------------


def run_bounded(function: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> Any:
    """function(*args) in a worker; its result, or LimitHit."""
    import multiprocessing  # not needed on the cached path: loaded at the first check

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(sender, function, args, limits, os.getpid()),
                             daemon=True)
    worker.start()
    sender.close()
    try:
        if receiver.poll(limits.timeout):
            try:
                kind, payload = receiver.recv()
            except (EOFError, OSError):
                kind, payload = "died", None
        else:
            kind, payload = "timeout", None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
    if kind == "ok":
        return payload
    if kind == "timeout":
        return LimitHit("timeout")
    if kind == "memory":
        return LimitHit("memory")
    if kind == "limits":
        return LimitHit(f"limits: {payload}")
    if kind == "exception":
        return LimitHit(f"crash: {payload}")
    code = worker.exitcode
    # SIGXCPU (CPU limit) or SIGKILL/SIGABRT after an allocation failure.
    if code is not None and code in (-24,):
        return LimitHit("timeout")
    return LimitHit("memory" if code in (-6, -9, -11) else f"crash: worker exit code {code}")


def _mapped_bytes() -> int:
    """This process's virtual size (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _die_with_parent(parent: int) -> None:
    """Make this worker end when `parent` does (called first thing in the worker)."""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            done = libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            done = False
        if done:
            if os.getppid() != parent:  # the parent died before prctl: no signal will come
                os.kill(os.getpid(), signal.SIGKILL)
            return
    _watch_parent(parent)


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(_WATCH_INTERVAL)

    threading.Thread(target=watch, name="derivcheck-parent-watch", daemon=True).start()


def _apply_limits(limits: Limits) -> str:
    """Set this worker's limits; why they could not be set, or ""."""
    try:
        # The budget is on top of what the worker inherited: a parent with many threads
        # (grade --jobs) or prepared truths already maps hundreds of MiB of address space.
        memory = _mapped_bytes() + int(limits.memory_mb) * MIB
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OverflowError, OSError, TypeError) as exc:
        return (f"the memory limit of {limits.memory_mb} MiB could not be set on this machine "
                f"({exc}); the check did not run")
    try:
        cpu = int(limits.timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    except (ValueError, OverflowError, OSError, TypeError) as exc:
        return (f"the CPU-time limit for a timeout of {limits.timeout:g} s could not be set on this "
                f"machine ({exc}); the check did not run")
    return ""


def _stdout_to_stderr() -> None:
    """In a worker, standard output goes to standard error: the report is the parent's to
    write, and a `print` in a course's question code must not forge a line of it."""
    try:
        sys.stdout.flush()
        os.dup2(2, 1)
        sys.stdout = sys.stderr
    except (OSError, ValueError, AttributeError):  # no stderr to point at: leave it as it is
        pass


def _work(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...], limits: Limits,
          parent: int) -> None:
    try:
        _die_with_parent(parent)
        _stdout_to_stderr()
        problem = _apply_limits(limits)
        if problem:
            result: tuple[str, Any] = ("limits", problem)
        else:
            try:
                result = ("ok", function(*args))
            except MemoryError:
                result = ("memory", None)
            except RecursionError:
                result = ("memory", None)
            except Exception as exc:  # reported to the parent as data, never re-raised
                last = traceback.extract_tb(exc.__traceback__)[-1:]
                where = f" at {os.path.basename(last[0].filename)}:{last[0].lineno}" if last else ""
                result = ("exception", f"{type(exc).__name__}: {exc}{where}")
        try:
            sender.send(result)
        except MemoryError:
            sender.send(("memory", None))
        except Exception as exc:  # a result that cannot be pickled: a bug, reported as one
            sender.send(("exception", f"the result could not be sent ({type(exc).__name__}: {exc})"))
    finally:
        sender.close()
        os._exit(0)


# -- the prepare step, bounded in the parent ---------------------------------------------


@dataclass(frozen=True)
class PrepareOutcome:
    """What became of a bounded prepare: `done`, or abandoned and why."""

    done: bool
    reason: str = ""  # "timeout: ...", "memory: ...", "skipped: ...", "error: ..."; "" when done
    seconds: float = 0.0


class _PrepareStopped(BaseException):
    """Raised by the timer's handler inside the prepare (a BaseException, so that the
    prepare's own `except Exception` does not swallow it)."""


@dataclass
class _Watch:
    """The state the timer's handler reads: the budgets, and which one ran out."""

    deadline: float
    base_resident: int
    budget_bytes: int
    armed: bool = False
    hit: str = ""


def _resident_bytes() -> int:
    """This process's resident set size (0 where /proc is not available)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _in_import(frame: FrameType | None) -> bool:
    """An import in progress: interrupting it could leave a half-initialised module."""
    while frame is not None:
        name = frame.f_code.co_filename
        if name.startswith("<frozen importlib") or "importlib/_bootstrap" in name:
            return True
        frame = frame.f_back
    return False


def run_prepare_bounded(hook: Callable[[], object], seconds: float, memory_mb: int) -> PrepareOutcome:
    """Run `hook()` in this process within `seconds` of wall time and `memory_mb` MiB of
    resident memory added to what the process holds now; never raises for a hit.

    Both budgets are checked by an interval timer (SIGALRM, every 50 ms), so this runs
    on the main thread only: elsewhere the prepare is skipped. The timer's handler
    stops Python code between bytecodes, never inside an import (it tries again at the
    next tick), and a long call into C only when it returns. The memory budget is a
    measurement, not a lowered RLIMIT_AS: in the parent an allocation failure is not
    always a MemoryError (OpenBLAS exits the process when numpy is imported under a
    tight RLIMIT_AS; C extensions return NULL as a SystemError), and other threads
    (a progress bar's) would meet the limit too. The process's own limits still apply.
    An interval timer armed by someone else is paused and re-armed afterwards with what
    was left of it."""
    start = time.monotonic()

    def outcome(done: bool, reason: str = "") -> PrepareOutcome:
        return PrepareOutcome(done, reason, time.monotonic() - start)

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return outcome(False, "skipped: the prepare runs bounded on the main thread only")
    if not (math.isfinite(seconds) and seconds > 0):
        return outcome(False, f"skipped: no time budget ({seconds!r} s)")
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or memory_mb < 1:
        return outcome(False, f"skipped: no memory budget ({memory_mb!r} MiB)")
    watch = _Watch(start + seconds, _resident_bytes(), memory_mb * MIB)

    def on_tick(signum: int, frame: FrameType | None) -> None:
        if not watch.armed or _in_import(frame):
            return
        if time.monotonic() >= watch.deadline:
            watch.hit = "timeout"
        elif watch.base_resident and _resident_bytes() - watch.base_resident > watch.budget_bytes:
            watch.hit = "memory"
        else:
            return
        # One stop only: disarmed before raising, so no later tick lands in the unwinding
        # (e.g. inside code that formats this very exception).
        watch.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise _PrepareStopped

    tick = min(_PREPARE_TICK, seconds)
    previous_handler: Any = _NOT_SET
    previous_timer = (0.0, 0.0)
    error = ""
    # A stop raised inside a garbage-collector callback would be swallowed as "unraisable":
    # the callbacks are suspended while the prepare can be stopped, and put back after.
    suspended = list(gc.callbacks)
    gc.callbacks.clear()
    try:
        try:
            previous_handler = signal.signal(signal.SIGALRM, on_tick)
            watch.armed = True
            previous_timer = signal.setitimer(signal.ITIMER_REAL, tick, tick)
            hook()
        except MemoryError:  # the process's own limits: the prepare is what met them
            watch.hit = watch.hit or "memory"
        except Exception as exc:  # the workers meet it again and report it per check
            error = f"error: {type(exc).__name__}: {exc}"
        finally:
            _disarm(watch)
            _restore(previous_handler, previous_timer, time.monotonic() - start)
    except _PrepareStopped:  # `hit` says which budget ran out
        pass
    finally:
        gc.callbacks[:0] = suspended  # before any the hook itself added
    if watch.hit == "timeout":
        return outcome(False, f"timeout: not done within {seconds:g} s")
    if watch.hit == "memory":
        return outcome(False, f"memory: grew by more than {memory_mb} MiB")
    return outcome(False, error) if error else outcome(True)


_NOT_SET = object()
_PREPARE_TICK = 0.05  # seconds between the prepare's budget checks


def _disarm(watch: _Watch) -> None:
    while True:  # the handler may raise once more before `armed` is cleared
        try:
            watch.armed = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            return
        except _PrepareStopped:
            continue


def _restore(handler: Any, timer: tuple[float, float], elapsed: float) -> None:
    if handler is not _NOT_SET:
        # None: a handler installed outside Python, which cannot be put back; the default.
        signal.signal(signal.SIGALRM, signal.SIG_DFL if handler is None else handler)
    delay, interval = timer
    if delay > 0:  # someone else's timer: what was left of it (at once if it ran out meanwhile)
        signal.setitimer(signal.ITIMER_REAL, max(delay - elapsed, 1e-6), interval)
