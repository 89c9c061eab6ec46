"""Run one check in a forked worker with hard limits.

The worker sets RLIMIT_AS (memory) and RLIMIT_CPU on itself; the parent kills it
when the wall-clock budget runs out. This works the same from the main thread,
from other threads, and from a process pool, and it stops what `signal.alarm`
cannot (C loops in GMP, runaway `expand`). A worker that dies for any reason is
reported, never raised: the caller's next check runs normally.
"""

from __future__ import annotations

import os
import resource
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

DEFAULT_TIMEOUT = 10.0  # seconds of wall time per check
DEFAULT_MEMORY = 1024  # MiB of address space per check


@dataclass(frozen=True)
class Limits:
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY


@dataclass(frozen=True)
class LimitHit:
    """Why a worker produced no result: 'timeout', 'memory' or 'crash: ...'."""

    reason: str


def run_bounded(function: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> Any:
    """function(*args) in a worker; its result, or LimitHit."""
    import multiprocessing  # not needed on the cached path: loaded at the first check

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_work, args=(sender, function, args, limits), daemon=True)
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


def _work(sender: Connection, function: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> None:
    try:
        # The budget is on top of what the worker inherited: a parent with many threads
        # (grade --jobs) or prepared truths already maps hundreds of MiB of address space.
        memory = _mapped_bytes() + limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = int(limits.timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
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
        sender.send(result)
    finally:
        sender.close()
        os._exit(0)
