"""`derivcheck grade`: answer files in, one class report out.

The course file and the overrides are read and checked before any answer is graded (a
wrong policy is refused, never half applied); then every readable file is graded, the
report is written, and the exit code follows grade's own rule (checker.model.verdict).
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

from checker.cli.options import ONE_SUBMISSION_FORMATS, UsageError
from checker.cli.output import check_writable, emit, selected, write_atomically
from checker.cli.terminal import Terminal
from checker.language.coursefile import find_course_file, load_course, load_overrides
from checker.model.course import Audience
from checker.model.options import Options
from checker.model.overview import ClassReport
from checker.model.verdict import ExitCode, grade_exit_code
from checker.run.bounded import Limits
from checker.run.cache import ResultCache
from checker.run.registry import assignment, catalog


def grade_command(args: argparse.Namespace, terminal: Terminal, limits: Limits,
                  cache: ResultCache | None, options: Options) -> int:
    from rich.progress import Progress

    from checker.run.grading import grade  # loads only for grading
    from checker.run.reporting import build_report
    from checker.run.scoring import resolve_overrides, shared_identities

    paths: list[str] = args.files
    if paths.count("-") > 1:
        raise UsageError("standard input (`-`) can be read only once")
    if args.format in ONE_SUBMISSION_FORMATS and len(paths) != 1:
        raise UsageError(f"--format {args.format} writes the result of one submission: give one "
                         f"answer file, not {len(paths)}")
    for option, path in (("--course", args.course), ("--overrides", args.overrides)):
        if path is not None and not os.path.lexists(path):
            raise UsageError(f"{option} {path}: no such file")
    if args.out:
        check_writable(args.out)  # before the work, not after it
    audience = Audience(args.audience or ("student" if args.format in ONE_SUBMISSION_FORMATS
                                          else "staff"))
    if args.format == "prairielearn" and audience is Audience.STAFF:
        # Allowed (staff may want the truth's values for themselves), but PrairieLearn has
        # no visibility setting: whatever this writes, the student reads at once.
        terminal.warn("warning: PrairieLearn shows results to the student at once: --audience "
                      "staff puts the truth's values (the answer key) in front of them")
    if audience is Audience.STUDENT and len(paths) > 1:
        # A report students read holds one person's results: never a classmate's answers.
        raise UsageError(f"--audience student writes one person's report: give one answer file, "
                         f"not {len(paths)} (grade each student's file on its own), or write the "
                         "class report for staff")
    if args.overrides and (audience is Audience.STUDENT or args.format in ONE_SUBMISSION_FORMATS):
        # One submission carries only what its author wrote (name, id, file name): nothing
        # tells derivcheck whose it really is, so staff decisions belong to the class
        # report (or to the platform's own manual grading), never to a lone submission.
        raise UsageError("--overrides applies staff decisions to a class report (staff audience); "
                         "a single student's report cannot know whose file it is: use the "
                         "platform's own regrading there")
    only = tuple(q.id for q in selected(args.only, options)) if args.only else None
    choice = find_course_file(args.course)
    if choice.warning:
        terminal.warn(f"warning: {choice.warning}")
    course = load_course(choice, assignment(options),
                         known=tuple(catalog(options.question_files).assignments))
    # Overrides are checked against the whole course, then kept for the questions graded.
    overrides = load_overrides(args.overrides, course) if args.overrides else ()
    if only is not None:
        course = replace(course, points=tuple(p for p in course.points if p[0] in only))
        overrides = tuple(o for o in overrides if o.question in only)
    # A path that does not exist is a usage error (exit 4), but the report still covers
    # every other file (and names this one), so the run's work is never lost.
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    started = time.perf_counter()
    with Progress(console=terminal.console(stderr=True), transient=True,
                  disable=args.quiet or not terminal.err.isatty()) as progress:
        task = progress.add_task("checking answers", total=None)
        results = grade(paths, limits, args.jobs, lambda: progress.advance(task), cache,
                        options, only)
    for problem in resolve_overrides(overrides, results)[1]:
        terminal.warn(f"warning: {problem}")
    for value, files in shared_identities(results).items():
        terminal.warn(f"warning: `{value}` is the id or e-mail of {len(files)} files "
                      f"({', '.join(files)}); a gradebook leaves it out of their rows")
    unreadable = any(r.file_error for path, r in zip(paths, results, strict=True) if path not in missing)
    code = grade_exit_code([s for r in results for s in r.statuses], unreadable, args.strict)
    if missing:
        code = ExitCode.USAGE
    report = build_report(results, course, overrides=overrides, audience=audience, limits=limits,
                          options=options, settings=_settings(args, audience),
                          seconds=time.perf_counter() - started, exit_code=int(code))
    # The text report is cut to the terminal it is shown on; a file or a pipe gets it whole.
    width = terminal.console().width if not args.out and terminal.out.isatty() else None
    text = render_class_report(report, args, options, width)
    if args.out:
        write_atomically(args.out, text)
        terminal.warn(f"report written to {args.out}")
    else:
        emit(terminal, code, lambda: terminal.say(text))
    if missing:
        others = len(paths) - len(missing)
        rest = (f"graded the other {others} file{'s' if others != 1 else ''}; see the report" if others
                else "no other file was given, so nothing was graded")
        terminal.warn(f"error: no such file: {', '.join(missing)} ({rest})")
    return int(code)


def _settings(args: argparse.Namespace, audience: Audience) -> list[tuple[str, str]]:
    """The options a report records, so a grade can be traced to how it was made."""
    return [("format", args.format), ("audience", audience.value), ("timeout", f"{args.timeout:g}"),
            ("memory", str(args.memory)), ("prepare_timeout", f"{args.prepare_timeout:g}"),
            ("max_size", str(args.max_size)),
            ("only", " ".join(args.only) if args.only else ""),
            ("overrides", args.overrides or ""), ("strict", str(args.strict).lower())]


def render_class_report(report: ClassReport, args: argparse.Namespace, options: Options,
                        width: int | None = None) -> str:
    """The report in `--format`; `width`: the terminal's columns, for the text report."""
    fmt = args.format
    results = [score.result for score in report.scores]
    if fmt == "json":
        from checker.render.json_report import render_class_json

        return render_class_json(report) + "\n"
    if fmt == "junit":
        from checker.render.junit_report import render_graded_junit

        return render_graded_junit(results, run=report.run) + "\n"
    if fmt == "csv":
        from checker.render.class_report import render_csv

        return render_csv(results)
    if fmt == "gradebook":
        from checker.render.gradebook import render_gradebook

        return render_gradebook(report)
    if fmt == "html":
        from checker.render.html_report import render_html

        return render_html(report)
    if fmt == "gradescope":
        from checker.render.gradescope import render_gradescope

        return render_gradescope(report, _titles(options)) + "\n"
    if fmt == "prairielearn":
        from checker.render.prairielearn import render_prairielearn

        return render_prairielearn(report, _titles(options)) + "\n"
    return _text(report, args, width)


def _titles(options: Options) -> dict[str, str]:
    """Each question's title, so an unanswered question is named, not only numbered."""
    return {q.id: q.title for q in assignment(options).questions}


def _text(report: ClassReport, args: argparse.Namespace, width: int | None) -> str:
    import io

    from checker.render.class_report import render_class
    from checker.render.text_report import make_console, render_people

    buffer = io.StringIO()
    if args.quiet:
        render_people(report.scores, make_console(buffer))
        return buffer.getvalue()
    text = render_class(report, every_group=args.verbose, width=width)
    if args.verbose:
        render_people(report.scores, make_console(buffer), every_answer=True)
    return text + buffer.getvalue()
