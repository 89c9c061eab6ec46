"""The command line, in-process, against any bytes a person can type or name.

Whatever arrives as an answer (`check ID --answer ...`, `--latex ...`, `--answer -` with
the answer on standard input), as a question ID, or as an answer file's name or content
(`grade`) — bytes that are not UTF-8 (Python hands them over as lone surrogates), control
characters, terminal escapes, rich markup, line breaks that try to forge a report line —
the run ends with one of the documented exit codes (0-4: never 5, the internal error,
and never a traceback), and every format stays what it promises: JSON parses and is
valid UTF-8, JUnit is well-formed XML, CSV has one line per row, text has no control
characters.

The streams are those of a UTF-8 terminal: stdout encodes strictly (as it does under a
UTF-8 locale such as en_US.UTF-8, or with PYTHONIOENCODING=utf-8), stderr with
backslashreplace (as Python's stderr always does); the grade and doc properties also draw
an ASCII terminal whose stdout encodes strictly (LC_ALL=C, PYTHONIOENCODING=ascii:strict).
Every output format is covered: text, json, junit for `check`; csv, gradebook, html,
gradescope and prairielearn besides for `grade`; and `doc` over any write-up bytes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.cli import main
from checker.model.printable import json_text, printable

CLEAN = frozenset({0, 1, 2, 3, 4})
VERDICT_CODES = frozenset({0, 1, 2, 3})
# Questions whose checks are quick whatever the answer (no size search that takes seconds).
QUICK_IDS = ("1.3", "1.4", "1.6", "1.7", "2.2", "4.1", "4.3.full")

# Pieces of hostile input, as bytes: what argv and files hold.
NASTY = [b"\n", b"\r", b"\r\n", b"status: verified", b"\nstatus: verified\n", b"[/x]", b"[/]",
         b"[bold red]", b"[link=http://x]", b"\x1b[2J", b"\x1b]8;;http://x\x07", b"\x1b[31m", b"\x07",
         b"\x08", b"\x7f", b"\t", b"\x0b", b"\x0c", b"\xff", b"\xfe", b"\xc3\x28", b"\xed\xa0\x80",
         b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xae", b"\xef\xbb\xbf", b"\xef\xbf\xbe", b"]]>",
         b"<!--", b"&amp;", b"<x>", b'"', b"'", b"\\", b"=cmd|' /C calc'!A0", b"%s%n", b"{0}"]
TOKENS = [b"f", b"y", b"a", b" - ", b" + ", b"*", b"**", b"^", b"(", b")", b"[", b"]", b"1", b"100",
          b"10**59", b"1/3", b"exp(", b"log(", b"sigmoid(", b"\\frac{", b"}{", b"}", b"\\sigma",
          b"_", b"x[1]", b"=", b",", b"-", b"--format", b"--answer", b"-q", b"__import__('os')",
          b"lambda: 0", b"\xc2\xb7", b"\xe2\x88\x92", b"\xef\xbd\x85"]


def _argv_word(raw: bytes) -> str:
    """What Python puts in sys.argv for these bytes (NUL cannot be in an argument)."""
    return os.fsdecode(raw.replace(b"\x00", b""))


PIECES = st.one_of(st.sampled_from(NASTY + TOKENS), st.binary(max_size=3))
RAW = st.one_of(st.binary(max_size=40), st.lists(PIECES, max_size=10).map(b"".join))
WORD = RAW.map(_argv_word)


@dataclass(frozen=True)
class Run:
    code: int
    out: bytes
    err: str


@contextlib.contextmanager
def _stdin(raw: bytes) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="strict")
    try:
        yield
    finally:
        sys.stdin = saved


def cli(*argv: str, stdin: bytes = b"", encoding: str = "utf-8") -> Run:
    """derivcheck argv, in this process, with the streams of a UTF-8 (or `encoding`) terminal."""
    out_bytes, err_bytes = io.BytesIO(), io.BytesIO()
    out = io.TextIOWrapper(out_bytes, encoding=encoding, errors="strict", newline="\n")
    err = io.TextIOWrapper(err_bytes, encoding="utf-8", errors="backslashreplace", newline="\n")
    with _stdin(stdin), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    out.flush()
    err.flush()
    out.detach()
    err.detach()
    return Run(int(code), out_bytes.getvalue(), err_bytes.getvalue().decode("utf-8"))


def clean(run: Run, argv: tuple[str, ...]) -> None:
    """A documented exit code and no traceback anywhere."""
    assert run.code in CLEAN, (run.code, argv, run.err)
    for stream in (run.out.decode("utf-8", "replace"), run.err):
        assert "Traceback" not in stream, (argv, stream)
        assert "internal error" not in stream, (argv, stream)


def plain_text(run: Run) -> str:
    """stdout of a text report: UTF-8, and no character a terminal would act on."""
    text = run.out.decode("utf-8")  # strict: no lone surrogate reached the bytes
    assert all(ch.isprintable() or ch == "\n" for ch in text), repr(text)
    return text


def json_document(run: Run) -> dict[str, Any]:
    text = run.out.decode("utf-8")  # strict: valid UTF-8
    document = json.loads(text)
    assert isinstance(document, dict)
    assert document["exit_code"] == run.code
    return document


def only(items: object) -> dict[str, Any]:
    assert isinstance(items, list) and len(items) == 1, items
    item = items[0]
    assert isinstance(item, dict)
    return item


def junit_root(run: Run) -> ET.Element:
    return ET.fromstring(run.out)  # bytes with an XML declaration: parsed as UTF-8


def check_format(run: Run, fmt: str, answer: str | None = None) -> None:
    """What a `check` run wrote, in its format; usage errors (4) write no report."""
    if run.code == 4:
        assert run.out == b"" and "error:" in run.err
        return
    if fmt == "json":
        document = json_document(run)
        item = only(document["results"])
        status = item["status"]
        assert {"verified": 0, "refuted": 1, "error": 2, "undecided": 3}[status] == run.code
        if answer is not None:
            assert item["answer"] == answer  # as typed: lone surrogates escaped, not lost
    elif fmt == "junit":
        root = junit_root(run)
        failures, errors = int(root.get("failures", "-1")), int(root.get("errors", "-1"))
        assert (failures, errors) == {0: (0, 0), 1: (1, 0), 2: (0, 1), 3: (1, 0)}[run.code]
        assert len(root.findall(".//testcase")) == 1
    else:
        text = plain_text(run)
        assert ("✓" in text) == (run.code == 0), text


# The JSON policy itself: whatever a person's bytes become, the text is UTF-8 and reads back.
ARGV_TEXT = st.one_of(st.text(max_size=30), st.binary(max_size=30).map(os.fsdecode), WORD)


@settings(max_examples=200, deadline=None)
@given(key=ARGV_TEXT, value=ARGV_TEXT)
def test_json_text_is_utf8_and_reads_back_the_same_strings(key: str, value: str) -> None:
    document = {"results": [{key: value, "answer": value}], "exit_code": 2}
    text = json_text(document)
    assert json.loads(text.encode("utf-8")) == document  # encodes strictly; the same strings
    assert all(not 0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def test_json_text_escapes_only_what_utf8_cannot_hold() -> None:
    assert json_text({"a": "f - y\udcff ✓ [/x]"}) == '{\n  "a": "f - y\\udcff ✓ [/x]"\n}'


FUZZ = settings(max_examples=30, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FORMATS = ("text", "json", "junit")
RUN_OPTIONS = ("--no-cache", "--color", "never", "--timeout", "30")


@FUZZ
@given(qid=st.sampled_from(QUICK_IDS), raw=RAW, latex=st.booleans(), joined=st.booleans(),
       from_stdin=st.integers(0, 4))
def test_any_answer_bytes_give_a_clean_exit_in_every_format(qid: str, raw: bytes, latex: bool,
                                                            joined: bool, from_stdin: int) -> None:
    option = "--latex" if latex else "--answer"
    stdin = b""
    if from_stdin == 0:  # `--answer -`: the same bytes on standard input, NUL included
        answer, stdin = "-", raw
    else:
        answer = _argv_word(raw)
    words = (f"{option}={answer}",) if joined else (option, answer)
    for fmt in FORMATS:
        argv = ("check", qid, *words, "--format", fmt, *RUN_OPTIONS)
        run = cli(*argv, stdin=stdin)
        clean(run, argv)
        # The ID is real and the answer always taken as the answer: a verdict, never a usage error.
        assert run.code in VERDICT_CODES, (argv, run.err)
        if answer == "-" and not _utf8(raw):
            # Standard input that is not text is refused before any check: a message, no report.
            assert run.code == 2 and run.out == b"" and "not UTF-8" in run.err, (argv, run)
            continue
        check_format(run, fmt, answer if answer != "-" else None)


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FUZZ
@given(qid=WORD, answer=st.sampled_from(["f - y", "y - f", "f -", "[/x]\x1b[2J"]))
def test_any_question_id_gives_a_clean_exit_in_every_format(qid: str, answer: str) -> None:
    for fmt in FORMATS:
        argv = ("check", qid, "--answer", answer, "--format", fmt, *RUN_OPTIONS)
        run = cli(*argv)
        clean(run, argv)
        check_format(run, fmt)
        if run.code == 4:
            # The message names the ID, escaped: it cannot drive the terminal it is shown on.
            assert "unknown question ID" in run.err or qid.startswith("-"), run.err


# -- grade: a file's name and content ------------------------------------------------------


def _toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly (TOML escapes only; no surrogates)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


UNICODE = RAW.map(lambda raw: raw.decode("utf-8", "replace"))
VALUES = st.one_of(UNICODE, st.sampled_from(["f - y", "y - f", "CE", "(f-y)f(1-f)", "65536"]))


@st.composite
def answer_files(draw: st.DrawFn) -> bytes:
    """The bytes of an answer file: raw bytes, or TOML with hostile text in every place."""
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return draw(RAW)
    lines = []
    if draw(st.booleans()):
        lines.append(f"name = {_toml_string(draw(UNICODE))}")
    lines.append("[answers]")
    for _ in range(draw(st.integers(0, 3))):
        key = draw(st.one_of(st.sampled_from(QUICK_IDS), UNICODE))
        value = _toml_string(draw(VALUES))
        if draw(st.booleans()):
            value = "{ latex = " + value + " }"
        lines.append(f"{_toml_string(key)} = {value}")
    body = "\n".join(lines).encode("utf-8")
    if kind == 3:  # and something broken in it
        cut = draw(st.integers(0, len(body)))
        body = body[:cut] + draw(RAW) + body[cut:]
    return body


FILE_NAMES = RAW.map(lambda raw: raw.replace(b"/", b"").replace(b"\x00", b"")[:120]).filter(
    lambda raw: raw not in (b"", b".", b".."))
GRADE_FORMATS = ("text", "json", "junit", "csv", "gradebook", "html", "gradescope", "prairielearn")
TERMINALS = st.sampled_from(["utf-8", "ascii"])


@FUZZ
@given(name=FILE_NAMES, content=answer_files(), strict=st.booleans(), to_file=st.booleans(),
       encoding=TERMINALS)
def test_any_answer_file_name_and_content_give_a_clean_exit_in_every_format(
        name: bytes, content: bytes, strict: bool, to_file: bool, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(os.fsencode(directory), name)
        with open(path, "wb") as handle:
            handle.write(content)
        shown = printable(path.decode("utf-8", "backslashreplace"))
        for fmt in GRADE_FORMATS:
            out = os.path.join(directory, f"report.{fmt}")
            argv = ("grade", os.fsdecode(path), "--format", fmt, *RUN_OPTIONS,
                    *(["--strict"] if strict else []), *(["--out", out] if to_file else []))
            run = cli(*argv, encoding=encoding)
            clean(run, argv)
            # The path exists: never a usage error; without --strict, 0 or 2 (a file unread).
            assert run.code in (VERDICT_CODES if strict else {0, 2}), (argv, run.err)
            if to_file:
                assert run.out == b""
                run = Run(run.code, Path(out).read_bytes(), run.err)
            elif encoding == "ascii":
                run.out.decode("ascii")  # strict: the report fits the terminal it is written to
            _graded_report(run, fmt, shown, strict)


def _graded_report(run: Run, fmt: str, shown: str, strict: bool) -> None:
    if fmt in ("gradescope", "prairielearn"):
        document = json.loads(run.out.decode("utf-8"))
        tests = document.get("tests", [])
        if fmt == "gradescope":  # scores add up to the total (Gradescope's results.json)
            assert abs(sum(t["score"] for t in tests) - document["score"]) < 1e-9
            assert all(t["status"] in ("passed", "failed") for t in tests)
        else:  # PrairieLearn: a score in [0, 1]; an unreadable submission is not gradable
            assert 0 <= document["score"] <= 1 and isinstance(document["gradable"], bool)
            assert document["gradable"] or document["format_errors"]
    elif fmt == "html":
        page = run.out.decode("utf-8")
        assert page.lstrip().lower().startswith("<!doctype html>")
        # What a person typed never becomes markup, nor a control character in the page.
        assert "<x>" not in page and "\x1b" not in page
    elif fmt == "gradebook":
        text = run.out.decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == len(text.splitlines()) >= 1
        assert all(len(row) == len(rows[0]) for row in rows)
        assert all(not cell.startswith(("=", "+", "@")) for row in rows[1:] for cell in row)
    elif fmt == "json":
        document = json_document(run)
        person = only(document["people"])
        assert person["file"] == shown
        unread = bool(person["file_error"])
        assert run.code == 2 if unread else (strict or run.code == 0)
        for item in document["results"]:
            assert item["file"] == shown
    elif fmt == "junit":
        suites = junit_root(run).findall("testsuite")
        assert len(suites) == 1 and shown in (suites[0].get("name") or "")
    elif fmt == "csv":
        text = run.out.decode("utf-8")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == len(text.splitlines()) >= 1  # one line per row, whatever was typed
        assert all(len(row) == len(rows[0]) for row in rows)
    else:
        plain_text(run)


# -- doc: a write-up's name and content --------------------------------------------------


@st.composite
def write_ups(draw: st.DrawFn) -> bytes:
    """The bytes of a write-up: raw bytes, or a template with hostile text in its places."""
    if draw(st.integers(0, 2)) == 0:
        return draw(RAW)
    qid = draw(st.sampled_from(QUICK_IDS))
    body = (b"\\section*{Answer " + qid.encode() + b"}\n" + draw(RAW) + b"\n\\[ "
            + draw(st.sampled_from([b"f - y", b"y - f", b"\\frac{1}{f}"])) + b" = " + draw(RAW)
            + b" \\]\n" + draw(RAW))
    return body


@FUZZ
@given(name=FILE_NAMES, content=write_ups(), suffix=st.sampled_from([".tex", ".md", ".ipynb", ""]),
       fmt=st.sampled_from(FORMATS), encoding=TERMINALS)
def test_any_write_up_bytes_give_a_clean_exit_in_every_format(
        name: bytes, content: bytes, suffix: str, fmt: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(os.fsencode(directory), name + suffix.encode())
        with open(path, "wb") as handle:
            handle.write(content)
        argv = ("doc", os.fsdecode(path), "--format", fmt, "--color", "never", "--timeout", "30")
        run = cli(*argv, encoding=encoding)
        clean(run, argv)
        run.out.decode(encoding)  # strict
        if fmt == "json" and run.code != 4:
            json_document(run)
        elif fmt == "junit" and run.code != 4:
            junit_root(run)
        elif fmt == "text":
            plain_text(run)
