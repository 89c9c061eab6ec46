#!/usr/bin/env python3
"""Mutation run: plant realistic bugs one at a time and see whether the tests notice.

Each mutant is one exact text replacement in one file of the checker, with the test
files that should catch it. For each mutant the repository is copied to a temporary
directory (never touched in place), the replacement is applied there (the run stops
with an error when its old text is not found exactly once: a mutant never silently
stops applying when the code changes), and pytest runs that copy's tests with that
copy's code. A mutant is *killed* when some test fails (or the tests cannot even be
collected, or they time out), and *survives* when every test passes.

Tests that already fail without any mutation (the baseline) are deselected in every
mutant run, so only a failure the mutation caused counts as a kill.

    python tools/mutation.py                   # every mutant, each on its own test files
    python tools/mutation.py --list            # the mutants and their test files
    python tools/mutation.py --check           # only: does every mutant still apply?
    python tools/mutation.py --only timeout-is-verified cache-trusts-another-answer
    python tools/mutation.py --tests tests/test_engine.py -x   # other test files, stop early
    python tools/mutation.py --rev HEAD --overlay checker/prove/sampling.py tests/test_x.py

Slow by nature (a test run per mutant); not part of CI. Exit code: 0 when every mutant
was killed, 1 when one survived, 2 when the run could not be set up.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str  # relative to the repository root
    old: str  # must occur exactly once in `file`
    new: str
    description: str
    tests: tuple[str, ...]  # the test files that should kill it


MUTANTS: tuple[Mutant, ...] = (
    Mutant(
        "undefined-is-not-a-counterexample", "checker/prove/strategies.py",
        "        if t.defined and not a.defined:\n",
        "        if False and t.defined and not a.defined:\n",
        "skip the 'your answer is undefined here' counterexample branch",
        ("tests/test_caps_matrix_domains.py",)),
    Mutant(
        "proof-not-confirmed", "checker/prove/engine.py",
        "contradiction = find_counterexample(claim.answer, claim.truth, claim, CONFIRM_POINTS)",
        "contradiction = None",
        "a symbolic proof is no longer re-checked at exact points (second witness disabled)",
        ("tests/test_caps_matrix_domains.py", "tests/test_engine.py")),
    Mutant(
        "pow-allowed", "checker/model/namespace.py",
        '"exp", "log", "sqrt", "sigmoid",',
        '"exp", "log", "pow", "sqrt", "sigmoid",',
        "`pow` added to the function whitelist (it would bypass the exponent cap)",
        ("tests/test_caps_boundaries.py",)),
    Mutant(
        "nesting-cap-off-by-one", "checker/language/textparse.py",
        "        if depth > limit:\n",
        "        if depth > limit + 1:\n",
        "one level of nesting more than the documented cap is accepted",
        ("tests/test_caps_boundaries.py",)),
    Mutant(
        "digits-cap-off-by-one", "checker/language/textparse.py",
        "        if digits > self.caps.max_digits:\n",
        "        if digits >= self.caps.max_digits:\n",
        "a literal of exactly 60 digits (the cap) is refused",
        ("tests/test_caps_boundaries.py",)),
    Mutant(
        "result-digits-cap-off-by-one", "checker/language/textparse.py",
        "        if size.digits > caps.max_result_digits:\n",
        "        if size.digits > caps.max_result_digits + 1:\n",
        "a number of 4,001 digits as built passes the 4,000-digit cap",
        ("tests/test_caps_boundaries.py",)),
    Mutant(
        "sizes-from-zero", "checker/prove/sizes/decide.py",
        'parts.append(atom("<=", Affine.constant(1) - Affine.var(p)))',
        'parts.append(atom("<=", Affine.constant(0) - Affine.var(p)))',
        "the size prover reads a positive size as >= 0 (a flipped bound in the domain)",
        ("tests/test_sizes.py",)),
    Mutant(
        "z3-unknown-is-a-proof", "checker/prove/sizes/decide.py",
        "            if r == z3.unsat:\n                continue\n",
        "            if r != z3.sat:\n                continue\n",
        "the size prover takes z3's `unknown` (a timeout) for `unsat`, a proof",
        ("tests/test_sizes.py", "tests/test_mutation_kills.py")),
    Mutant(
        "no-spot-check-of-a-size-proof", "checker/prove/sizes/decide.py",
        "        checked = self.spot_check(z, dom)\n",
        "        checked = 0\n",
        "a Presburger proof is no longer spot-checked by exact evaluation",
        ("tests/test_sizes.py",)),
    Mutant(
        "inverse-needs-nothing", "checker/language/textparse.py",
        "            self.requirements.append(Requirement(base, INVERTIBLE))\n",
        "            pass\n",
        "a matrix inverse no longer records that the matrix must be invertible",
        ("tests/test_caps_matrix_domains.py",)),
    Mutant(
        "singular-inverse-allowed", "checker/language/textparse.py",
        "            why = singular(base, self.namespace)\n",
        "            why = None\n",
        "the inverse of a matrix singular for every size is no longer an error",
        ("tests/test_caps_matrix_domains.py",)),
    Mutant(
        "unproved-requirements-ignored", "checker/run/api.py",
        "    if outcome.status is Status.VERIFIED and parsed.unproved:\n",
        "    if outcome.status is Status.VERIFIED and parsed.unproved and False:\n",
        "an answer that may be undefined on its domain is verified when SymPy cancels it",
        ("tests/test_caps_matrix_domains.py", "tests/test_q1.py")),
    Mutant(
        "timeout-is-verified", "checker/run/api.py",
        'question.id, question.title, Status.UNDECIDED, f"stopped: {result.reason}",',
        'question.id, question.title, Status.VERIFIED, f"stopped: {result.reason}",',
        "a check stopped by a limit (timeout, memory) is reported verified",
        ("tests/test_bounded.py",)),
    Mutant(
        "cache-trusts-another-answer", "checker/run/cache.py",
        "                decoded = _matches(decoded, qid, answer)\n",
        "                pass\n",
        "a cached row is served without checking it is the verdict of the question and answer asked",
        ("tests/test_hardening_cache.py", "tests/test_hardening_class.py")),
    Mutant(
        "cache-rows-not-validated", "checker/run/cache.py",
        "        problem = _verdict_problem(data)\n",
        '        problem = ""\n',
        "a cached row is believed without validating its fields",
        ("tests/test_hardening_cache.py",)),
    Mutant(
        "cache-group-writable-trusted", "checker/run/cache.py",
        "    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):\n",
        "    if info.st_mode & stat.S_IWOTH:\n",
        "a cache directory or database that the group can write is trusted",
        ("tests/test_hardening_cache.py",)),
    Mutant(
        "newline-not-escaped", "checker/model/printable.py",
        'return "".join(ch if ch.isprintable() else _escape(ch) for ch in text)',
        'return "".join(ch if ch.isprintable() or ch == "\\n" else _escape(ch) for ch in text)',
        "a newline typed in an answer or a name reaches reports unescaped (forged lines)",
        ("tests/test_hardening_reports.py",)),
    Mutant(
        "complex-value-is-a-number", "checker/prove/sampling.py",
        "        if not numeric.is_real or undefined(numeric):\n",
        "        if undefined(numeric):\n",
        "a complex value at a sample point counts as a value (it must count as undefined)",
        ("tests/test_engine.py", "tests/test_q1.py", "tests/test_mutation_kills.py")),
    Mutant(
        "tiny-differences-ignored", "checker/prove/sampling.py",
        "    if low is None or low <= sp.Float(10) ** (-PRECISION // 2):\n",
        "    if low is None or low <= sp.Float(10) ** (-PRECISION // 4):\n",
        "numeric gaps up to 1e-15 (not 1e-30) are taken for agreement",
        ("tests/test_engine.py", "tests/test_q1.py")),
    Mutant(
        "grade-ignores-unreadable-files", "checker/model/verdict.py",
        "    return int(ExitCode.ERROR if unreadable else ExitCode.VERIFIED)\n",
        "    return int(ExitCode.VERIFIED)\n",
        "`grade` exits 0 although a file could not be read (documented: 2)",
        ("tests/test_cli_fuzz.py",)),
    Mutant(
        "label-cases-skipped", "checker/prove/strategies.py",
        "            return None  # the full cascade (sampling includes these values) decides\n",
        "            continue\n",
        "a proof 'for each label' skips the labels it could not prove (y = 0 proved, y = 1 not)",
        ("tests/test_q1.py", "tests/test_engine.py", "tests/test_mutation_kills.py")),
    Mutant(
        "log-argument-may-be-zero", "checker/language/requirements.py",
        "    if kind == POSITIVE:\n        return _positive(value)\n",
        "    if kind == POSITIVE:\n        return bool(value.is_nonnegative) or _positive(value)\n",
        "a log's argument shown nonnegative passes for positive (log(0) cancelled away is verified)",
        ("tests/test_caps_matrix_domains.py", "tests/test_q1.py")),
    Mutant(
        "number-to-a-symbol", "checker/language/textparse.py",
        "if base.is_number and base.is_Rational and abs(base) > 1:",
        "if base.is_number and base.is_Rational and abs(base) > 2:",
        "2**f and (-2)**f are accepted (a number raised to a symbol explodes when evaluated)",
        ("tests/test_hostile.py", "tests/test_caps_boundaries.py", "tests/test_mutation_kills.py")),
    Mutant(
        "string-literals-accepted", "checker/language/textparse.py",
        "        if isinstance(value, bool) or not isinstance(value, int | float):\n",
        "        if isinstance(value, bool) or not isinstance(value, int | float | str):\n",
        "a string literal passes the literal gate (SymPy would sympify a string: code runs)",
        ("tests/test_hostile.py",)),
    Mutant(
        "junit-undecided-passes", "checker/render/junit_report.py",
        'ET.SubElement(case, "failure", type="undecided", message=_message(v)).text = text',
        'ET.SubElement(case, "system-out").text = text',
        "an undecided check is no failure in JUnit (a CI gate passes what was not shown)",
        ("tests/test_hardening_reports.py", "tests/test_mutation_kills.py")),
    Mutant(
        "cache-key-ignores-latex", "checker/run/cache.py",
        "question_digest(options), qid, latex, _normalised(text),",
        "question_digest(options), qid, False, _normalised(text),",
        "a LaTeX answer and the same text in plain text share a cache row",
        ("tests/test_cache.py", "tests/test_hardening_cache.py")),
    Mutant(
        "cache-key-ignores-options", "checker/run/cache.py",
        "                           dataclasses.asdict(options)], sort_keys=True)",
        "                           {}], sort_keys=True)",
        "a verdict cached with one --max-size is served for another",
        ("tests/test_cache.py", "tests/test_hardening_cache.py")),
    Mutant(
        "limit-hits-cached", "checker/run/cache.py",
        '    return not (verdict.status is Status.UNDECIDED and verdict.method.startswith("stopped"))\n',
        "    return True\n",
        "a timeout is cached: a later run with a longer --timeout is served the old timeout",
        ("tests/test_cache.py", "tests/test_hardening_cache.py")),
    Mutant(
        "wall-clock-budget-tenfold", "checker/run/bounded.py",
        "        if receiver.poll(limits.timeout):\n",
        "        if receiver.poll(limits.timeout * 10):\n",
        "the wall-clock kill comes ten times later than --timeout",
        ("tests/test_bounded.py", "tests/test_mutation_kills.py")),
    Mutant(
        "severity-order-swapped", "checker/model/verdict.py",
        "_SEVERITY = {Status.ERROR: 3, Status.REFUTED: 2, Status.UNDECIDED: 1, Status.VERIFIED: 0}",
        "_SEVERITY = {Status.ERROR: 3, Status.REFUTED: 1, Status.UNDECIDED: 2, Status.VERIFIED: 0}",
        "undecided outranks refuted in the worst-of rule (documented: 2 > 1 > 3 > 0)",
        ("tests/test_engine.py",)),
    Mutant(
        "rounding-unknown-is-a-proof", "checker/prove/rounding.py",
        "    if result == z3.unsat:\n        return Decision(True, None, \"z3\")",
        "    if result != z3.sat:\n        return Decision(True, None, \"z3\")",
        "z3's `unknown` (a timeout) on a formula with floor taken for a proof",
        ("tests/test_authoring.py", "tests/test_rounding.py")),
    Mutant(
        "rounding-floor-is-the-argument", "checker/prove/rounding.py",
        "                self.definitions.append(z3.And(c * q <= whole, whole < c * q + c))",
        "                self.definitions.append(c * q == whole)",
        "floor(n/c) read as n/c where n/c is whole (the remainder forgotten)",
        ("tests/test_rounding.py",)),
    Mutant(
        "rounding-nested-floor-shares-a-name", "checker/prove/rounding.py",
        '        q = z3.Int(f"⌊{self._integer_parts}⌋")',
        '        q = z3.Int(f"⌊{len(self.definitions)}⌋")',
        "an inner floor gets the outer one's z3 name (no case left: anything is 'proved')",
        ("tests/test_rounding.py",)),
    Mutant(
        "rounding-cancelled-divisor-forgotten", "checker/prove/rounding.py",
        "            if power.exp.is_negative:\n                self.term(power)",
        "            if False:\n                self.term(power)",
        "a divisor SymPy's `together` cancels inside a floor is never required nonzero",
        ("tests/test_rounding.py",)),
    Mutant(
        "empty-sum-read-as-karr", "checker/language/textparse.py",
        "        if not never_reversed(low, high, self.namespace):",
        "        if False:",
        "a Sum over a range that may be empty read by SymPy's Karr convention (-1 terms, not 0)",
        ("tests/test_q2_sizes.py",)),
    Mutant(
        "link-needs-ignored", "checker/run/documents.py",
        "    if result.status is not Status.VERIFIED or not needs:",
        "    if True:",
        "a write-up link between steps that need a cancelled divisor nonzero is verified",
        ("tests/test_documents.py",)),
)


# -- preparing a copy -------------------------------------------------------------------


def _git(*args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True).stdout


def copy_repository(destination: Path, rev: str | None, overlay: Sequence[str]) -> None:
    """The working tree's files (tracked, and untracked ones git does not ignore), or the
    commit `rev` with `overlay` files of the working tree on top."""
    if rev is None:
        names = [n for n in _git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
                 .decode("utf-8", "surrogateescape").split("\0") if n]
        for name in names:
            source = ROOT / name
            if source.is_file():  # a file deleted in the working tree is not copied
                target = destination / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    else:
        archive = _git("archive", "--format=tar", rev)
        subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
    for name in overlay:
        source = ROOT / name
        if not source.is_file():
            raise SystemExit(f"mutation: --overlay {name}: no such file in {ROOT}")
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def mutated(mutant: Mutant, root: Path) -> str:
    """The text of `mutant.file` in `root` with the mutation applied; SystemExit (the run
    stops) when the file is missing or the old text does not occur exactly once."""
    path = root / mutant.file
    if not path.is_file():
        raise SystemExit(f"mutation: {mutant.name}: {mutant.file} does not exist")
    text = path.read_text(encoding="utf-8")
    count = text.count(mutant.old)
    if count != 1:
        raise SystemExit(f"mutation: {mutant.name}: the old text occurs {count} times in "
                         f"{mutant.file} (must be exactly once); update the mutant:\n"
                         f"{textwrap.indent(mutant.old, '    ')}")
    if mutant.new == mutant.old:
        raise SystemExit(f"mutation: {mutant.name}: the new text is the old one")
    return text.replace(mutant.old, mutant.new)


def apply(mutant: Mutant, root: Path) -> None:
    (root / mutant.file).write_text(mutated(mutant, root), encoding="utf-8")


# -- running the tests in a copy --------------------------------------------------------

PLUGIN = '''
"""Written by tools/mutation.py: the node IDs of failed tests, one per line."""
import os


def pytest_runtest_logreport(report):
    if report.failed:
        with open(os.environ["MUTATION_FAILURES"], "a", encoding="utf-8") as out:
            out.write(report.nodeid + "\\n")


def pytest_collectreport(report):
    if report.failed:
        with open(os.environ["MUTATION_FAILURES"], "a", encoding="utf-8") as out:
            out.write((report.nodeid or "<collection>") + "\\n")
'''


@dataclass(frozen=True)
class TestRun:
    code: int | None  # pytest's exit code; None: timed out
    failures: tuple[str, ...]
    seconds: float
    output: str


def run_tests(root: Path, tests: Sequence[str], pytest_flags: Sequence[str], deselect: Sequence[str],
              timeout: float, work: Path) -> TestRun:
    failures = work / "failures.txt"
    failures.write_text("")
    plugin_dir = work / "plugin"
    plugin_dir.mkdir(exist_ok=True)
    (plugin_dir / "_mutation_plugin.py").write_text(PLUGIN, encoding="utf-8")
    environment = {
        **os.environ,
        # The copy's code first, for pytest and for every subprocess a test starts (the
        # editable install of the real repository comes later on the path).
        "PYTHONPATH": os.pathsep.join([str(root), str(plugin_dir)]),
        "XDG_CACHE_HOME": str(work / "cache"),  # never the user's results cache
        "MUTATION_FAILURES": str(failures),
    }
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "_mutation_plugin",
               *pytest_flags, *(f"--deselect={d}" for d in deselect), *tests]
    start = time.monotonic()
    try:
        result = subprocess.run(command, cwd=root, env=environment, capture_output=True, text=True,
                                timeout=timeout)
        code: int | None = result.returncode
        output = result.stdout + result.stderr
    except subprocess.TimeoutExpired as exc:
        partial = exc.stdout.decode("utf-8", "replace") if isinstance(exc.stdout, bytes) else exc.stdout
        code, output = None, f"timed out after {timeout:g} s\n{partial or ''}"
    found = tuple(dict.fromkeys(line for line in failures.read_text().splitlines() if line))
    return TestRun(code, found, time.monotonic() - start, output)


def sane(root: Path, work: Path) -> None:
    """The copy's `checker` is the one Python imports there (not the editable install)."""
    environment = {**os.environ, "PYTHONPATH": str(root), "XDG_CACHE_HOME": str(work / "cache")}
    found = subprocess.run([sys.executable, "-c", "import checker; print(checker.__file__)"], cwd=root,
                           env=environment, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(found).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"mutation: the copy in {root} imports checker from {found}, not from the copy")


# -- the run ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument("--check", action="store_true",
                        help="only check that every mutant applies to the source (no tests run)")
    parser.add_argument("--only", nargs="+", metavar="NAME", default=[], help="these mutants only")
    parser.add_argument("--tests", nargs="+", metavar="FILE", default=[],
                        help="run these test files for every mutant (default: each mutant's own)")
    parser.add_argument("-x", "--exitfirst", action="store_true",
                        help="pytest -x: stop a mutant's run at its first failing test")
    parser.add_argument("-q", "--quiet", action="store_true", help="pytest -q")
    parser.add_argument("--rev", metavar="REV",
                        help="mutate this commit (git archive) instead of the working tree")
    parser.add_argument("--overlay", nargs="+", metavar="PATH", default=[],
                        help="with --rev: working-tree files copied on top (your uncommitted work)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the unmutated run (tests failing already would count as kills)")
    parser.add_argument("--timeout", type=float, default=900.0, metavar="S",
                        help="seconds for one mutant's test run; past it the mutant counts as "
                        "killed (default 900)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies")
    args = parser.parse_args(argv)

    names = {m.name for m in MUTANTS}
    unknown = [n for n in args.only if n not in names]
    if unknown:
        parser.error(f"unknown mutant(s): {', '.join(unknown)}; --list shows them")
    if args.overlay and args.rev is None:
        parser.error("--overlay needs --rev (without it the working tree is copied whole)")
    mutants = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.list:
        for m in mutants:
            print(f"{m.name}\n    {m.file}: {m.description}\n    tests: {' '.join(m.tests)}")
        return 0

    scratch = Path(tempfile.mkdtemp(prefix="derivcheck-mutation-"))
    try:
        return _run(args, mutants, scratch)
    finally:
        if args.keep:
            print(f"copies kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


def _run(args: argparse.Namespace, mutants: list[Mutant], scratch: Path) -> int:
    pristine = scratch / "pristine"
    pristine.mkdir()
    copy_repository(pristine, args.rev, args.overlay)
    for m in mutants:  # every mutant must apply before anything runs
        mutated(m, pristine)
    source = args.rev or "the working tree"
    if args.check:
        print(f"all {len(mutants)} mutants apply to {source}")
        return 0
    sane(pristine, scratch)

    flags = [*(["-x"] if args.exitfirst else []), *(["-q"] if args.quiet else [])]
    files = {m.name: tuple(args.tests) or m.tests for m in mutants}
    deselect: list[str] = []
    if not args.no_baseline:
        union = list(dict.fromkeys(t for m in mutants for t in files[m.name]))
        print(f"baseline: {source}, unmutated, {len(union)} test file(s) ...", flush=True)
        work = scratch / "baseline"
        work.mkdir()
        base = run_tests(pristine, union, ["-q", "--continue-on-collection-errors"], [],
                         args.timeout * 2, work)
        if base.code is None or base.code not in (0, 1, 2):
            print(base.output[-3000:])
            print("mutation: the unmutated tests could not run (see above)", file=sys.stderr)
            return 2
        # A test that fails unmutated is deselected; a file that cannot even be collected is
        # left out (its collection error would otherwise "kill" every mutant).
        deselect = [f for f in base.failures if "::" in f]
        broken = [f for f in base.failures if "::" not in f]
        files = {name: tuple(t for t in tests if t not in broken) for name, tests in files.items()}
        print(f"baseline: {'passed' if base.code == 0 else f'{len(base.failures)} failing, left out'}"
              f" ({base.seconds:.0f} s)")
        for nodeid in base.failures:
            print(f"    already failing: {nodeid}")

    killed = 0
    survivors: list[Mutant] = []
    started = time.monotonic()
    for number, m in enumerate(mutants, 1):
        copy = scratch / f"mutant-{number:02d}"
        shutil.copytree(pristine, copy)
        apply(m, copy)
        work = scratch / f"work-{number:02d}"
        work.mkdir()
        run = run_tests(copy, files[m.name], flags, deselect, args.timeout, work)
        if run.code is None:
            verdict, why = "KILLED  ", "timed out"
        elif run.code == 0:
            verdict, why = "SURVIVED", "every test passed"
        elif run.code in (1, 2):  # failures, or a collection error the mutation caused
            verdict, why = "KILLED  ", f"{len(run.failures)} failing, first {run.failures[0]}" \
                if run.failures else "tests could not be collected"
        else:
            print(run.output[-3000:])
            print(f"mutation: pytest exited {run.code} for {m.name} (see above)", file=sys.stderr)
            return 2
        if verdict.startswith("KILLED"):
            killed += 1
        else:
            survivors.append(m)
        print(f"[{number}/{len(mutants)}] {verdict} {m.name} ({run.seconds:.0f} s): {why}", flush=True)
        if not args.keep:
            shutil.rmtree(copy, ignore_errors=True)
    total = len(mutants)
    print(f"\nscore: {killed}/{total} killed ({100 * killed / total:.0f}%) in "
          f"{time.monotonic() - started:.0f} s")
    for m in survivors:
        print(f"survived: {m.name} — {m.file}: {m.description} (tests: {' '.join(files[m.name])})")
    return 0 if not survivors else 1


if __name__ == "__main__":
    raise SystemExit(main())
