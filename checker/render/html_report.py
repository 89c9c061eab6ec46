"""The class report as one self-contained HTML5 page: `render_html(report) -> str`.

Self-contained: the style sheet is inline, the charts are inline SVG drawn in Python
(checker.render.html_charts), and no font, image, script or style sheet comes from
anywhere else. A Content-Security-Policy meta tag (`default-src 'none'`, the page's own
style sheet and script admitted by their hashes) makes a browser refuse any load, and
any script but ours, should one ever slip in. The one small inline script filters the
people by name and by flag; the page is complete without it (the filter box stays hidden).

Escaping: names, ids, e-mails, file names, answers, parsed forms, reasons, counterexamples
and comments come from students or from their files. Every text goes through
`html.escape` (quotes included, so attributes are safe too) at the point where it is
written into the page, after control characters are shown as escapes (`printable`);
nothing a person typed ever becomes markup or reaches the page as a control character.

Stable hooks (for tests, scripts and a reader's own tools):

- `#run` with `dd[data-field]`: assignment, audience, versions, course file, options;
- `#overview` with `dd[data-field][data-value]`: people, graded, mean, median, max_total;
- `svg#histogram` and `svg#pass-rates` (see checker.render.html_charts);
- `table#questions`, a `tr[data-question]` per question with a `td[data-field]` per
  column (`data-value` holds the number as the JSON report gives it);
- `#wrong-answers`: a `table.groups[data-question]` per question, a `tr.group[data-count]`
  per group of equal answers;
- `#plots`: a `figure.plot[data-question]` per plot;
- `#people`: a `details.person[data-person]` per person, with a `tr[data-question]
  [data-status]` per question.

Audience: a page for students is one person's own page. `render_html` refuses
(`ValueError`) a report for `Audience.STUDENT` that holds more than one person, so a
class-wide page can never be handed to a student by mistake. For one person it shows that
person's results only: no statistics, histogram, pass rates, wrong-answer groups or plots
(each is data about other people), and every verdict passes through
`checker.model.course.for_students` (no truth value) whatever the run already did.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence

from checker.model.course import Audience, PersonScore, QuestionScore, for_students
from checker.model.overview import AnswerGroup, AnswerPlot, ClassOverview, ClassReport, QuestionStats
from checker.model.verdict import Counterexample, Verdict
from checker.render.html_charts import (
    attr,
    escape,
    histogram_svg,
    legend_swatch,
    line_chart_svg,
    number,
    pass_rate_svg,
    percent,
)

NOT_ANSWERED = "not answered"

_STYLE = """
:root { color-scheme: light; --ink: #1b1b1b; --muted: #5b5b5b; --line: #d6d6d6; --panel: #f6f6f4; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
  color: var(--ink); margin: 0 auto; padding: 1.5rem; max-width: 72rem; background: #fff; }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
code, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em;
  overflow-wrap: break-word; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .5rem 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
dl.numbers { display: flex; flex-wrap: wrap; gap: .75rem; margin: .5rem 0 1rem; }
dl.numbers div { background: var(--panel); border: 1px solid var(--line); border-radius: 6px;
  padding: .5rem .9rem; min-width: 7rem; }
dl.numbers dt { color: var(--muted); font-size: .85rem; }
dl.numbers dd { margin: 0; font-size: 1.5rem; font-weight: 600; }
table { border-collapse: collapse; margin: .4rem 0 1rem; width: 100%; }
th, td { border: 1px solid var(--line); padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: var(--panel); font-weight: 600; }
table.groups { table-layout: fixed; }
table.groups th:nth-child(1), table.groups th:nth-child(2) { width: 15%; }
table.groups th:nth-child(3) { width: 6.5rem; }
table.groups th:nth-child(4) { width: 4.5rem; }
table.groups th:nth-child(6) { width: 13%; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.status { display: inline-block; padding: 0 .4rem; border-radius: 4px; font-size: .85rem;
  white-space: nowrap; }
.status.verified { background: #dff3e4; color: #14532d; }
.status.refuted { background: #fde2e1; color: #7f1d1d; }
.status.undecided { background: #fdf1d6; color: #713f12; }
.status.error { background: #ede3f7; color: #4c1d95; }
.status.not-answered { background: #eeeeee; color: #444; }
.flag { color: #9a3412; font-weight: 600; white-space: nowrap; }
tr[data-flagged="true"] { background: #fff7ed; }
caption { text-align: left; caption-side: top; padding-bottom: .2rem; }
.file-error { background: #fde2e1; border: 1px solid #f5b5b2; padding: .4rem .6rem; border-radius: 4px; }
.muted { color: var(--muted); }
figure { margin: .5rem 0 1.5rem; }
figcaption { color: var(--muted); margin-bottom: .3rem; }
svg.chart { max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
svg.chart text { fill: var(--ink); stroke: none; }
svg.chart text.tick, svg.chart text.label { fill: var(--muted); }
ul.legend { list-style: none; padding: 0; margin: .3rem 0; display: flex; flex-wrap: wrap;
  gap: .3rem 1.2rem; }
ul.legend li { display: flex; align-items: center; gap: .4rem; }
details.person { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0; padding: .3rem .7rem; }
details.person[open] { background: #fcfcfb; }
details.person summary { cursor: pointer; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
details.person summary .name { font-weight: 600; }
ol.steps { margin: .3rem 0 0; padding-left: 1.3rem; }
#filters { display: flex; gap: 1rem; align-items: center; margin: .3rem 0 .6rem; }
#filters[hidden] { display: none; }
#filters input[type=search] { padding: .3rem .5rem; min-width: 18rem; }
@media print { #filters { display: none; } details.person { break-inside: avoid; } }
"""

_SCRIPT = """
(function () {
  "use strict";
  var box = document.getElementById("filters");
  var text = document.getElementById("filter-text");
  var flagged = document.getElementById("filter-flagged");
  var count = document.getElementById("filter-count");
  var people = Array.prototype.slice.call(document.querySelectorAll("details.person"));
  if (!box || !text || !flagged || !count || people.length < 2) { return; }
  box.hidden = false;
  function apply() {
    var needle = text.value.trim().toLowerCase();
    var shown = 0;
    people.forEach(function (person) {
      var found = !needle || (person.getAttribute("data-search") || "").indexOf(needle) >= 0;
      var keep = found && (!flagged.checked || person.getAttribute("data-flagged") !== "");
      person.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = shown + " of " + people.length + " shown";
  }
  text.addEventListener("input", apply);
  flagged.addEventListener("change", apply);
  apply();
})();
"""


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


CONTENT_SECURITY_POLICY = (f"default-src 'none'; style-src {_hash(_STYLE)}; script-src {_hash(_SCRIPT)}; "
                           "base-uri 'none'; form-action 'none'")


def render_html(report: ClassReport) -> str:
    """The whole page. Raises ValueError for a student page that would show other people."""
    check_audience(report.audience, len(report.scores))
    student = report.audience is Audience.STUDENT
    assignment = report.course.assignment
    title = f"{assignment} — {'your results' if student else 'class report'}"
    body = [_header(report, title)]
    if not student:
        body += [_overview(report.overview), _wrong_answers(report.overview.wrong_answers, report.scores),
                 _plots(report.overview.plots)]
    body.append(_people(report.scores, student))
    return ("<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{attr(CONTENT_SECURITY_POLICY)}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="generator" content="derivcheck">\n'
            f"<title>{escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            + "\n".join(body)
            + f"\n<script>{_SCRIPT}</script>\n</body>\n</html>\n")


def check_audience(audience: Audience, people: int) -> None:
    """Refuse a student page that would hold other people (a command can call it before grading)."""
    if audience is Audience.STUDENT and people > 1:
        raise ValueError(
            f"an HTML report for students shows one person's own results, and this report "
            f"holds {people} people: write one report per person (grade each student's file on "
            "its own), or use the staff audience for the class page")


# --- header -------------------------------------------------------------------------------


def _header(report: ClassReport, title: str) -> str:
    run, course = report.run, report.course
    options = ", ".join(f"{name}={value}" for name, value in run.options if value != "") or "defaults"
    facts = [
        ("assignment", "Assignment", escape(course.assignment)),
        ("audience", "Audience", escape(report.audience.value)),
        ("derivcheck_version", "derivcheck", escape(run.derivcheck_version)),
        ("sympy_version", "SymPy", escape(run.sympy_version)),
        ("course_file", "Course file",
         f"<code>{escape(run.course_file)}</code>" if run.course_file
         else '<span class="muted">none: one point per question</span>'),
        ("credit", "Credit", escape(f"undecided: {course.undecided.value}, error: {course.error.value}, "
                                    f"chains: {course.chain_credit.value}")),
        ("options", "Options", f"<code>{escape(options)}</code>"),
        ("seconds", "Run time", escape(f"{run.seconds:.1f} s")),
    ]
    if report.audience is Audience.STAFF:
        facts.append(("exit_code", "Exit code", str(report.exit_code)))
    rows = "".join(f'<dt>{label}</dt><dd data-field="{field}">{value}</dd>' for field, label, value in facts)
    return f'<header>\n<h1>{escape(title)}</h1>\n<dl id="run" class="facts">{rows}</dl>\n</header>'


# --- overview -----------------------------------------------------------------------------


def _overview(overview: ClassOverview) -> str:
    numbers = [("people", "people", overview.people), ("graded", "graded", overview.graded),
               ("mean", "mean", overview.mean), ("median", "median", overview.median),
               ("max_total", "max total", overview.max_total)]
    if not overview.graded:
        # No file could be read: a mean of 0 and pass rates of 0% (0 of 0) would be made up.
        numbers = numbers[:2] + numbers[4:]
        cells = "".join(f'<div><dt>{label}</dt><dd data-field="{field}" data-value="{number(value)}">'
                        f"{number(value)}</dd></div>" for field, label, value in numbers)
        return ('<section id="overview">\n<h2>Overview</h2>\n'
                f'<dl class="numbers">{cells}</dl>\n'
                '<p class="none">No file graded: no mean, median or pass rate to show (the files '
                "and why they could not be read are listed below).</p>\n"
                "<figure><figcaption>Total points: how many people scored in each range</figcaption>"
                f"{histogram_svg(())}</figure>\n</section>")
    cells = "".join(f'<div><dt>{label}</dt><dd data-field="{field}" data-value="{number(value)}">'
                    f"{number(value)}</dd></div>" for field, label, value in numbers)
    return ('<section id="overview">\n<h2>Overview</h2>\n'
            f'<dl class="numbers">{cells}</dl>\n'
            "<figure><figcaption>Total points: how many people scored in each range</figcaption>"
            f"{histogram_svg(overview.histogram)}</figure>\n"
            "<figure><figcaption>Pass rate per question: verified answers over readable files"
            f"</figcaption>{pass_rate_svg(overview.questions)}</figure>\n"
            f"{_question_table(overview.questions)}\n</section>")


_QUESTION_COLUMNS = (("max_points", "max points"), ("verified", "verified"), ("refuted", "refuted"),
                     ("undecided", "undecided"), ("error", "error"), ("not_answered", "not answered"),
                     ("pass_rate", "pass rate"), ("mean_points", "mean points"))


def _question_table(questions: Sequence[QuestionStats]) -> str:
    head = "".join(f'<th class="num" scope="col">{label}</th>' for _, label in _QUESTION_COLUMNS)
    rows = []
    for q in questions:
        values: dict[str, tuple[str, str]] = {
            "max_points": (number(q.max_points), number(q.max_points)),
            "verified": (str(q.verified), str(q.verified)),
            "refuted": (str(q.refuted), str(q.refuted)),
            "undecided": (str(q.undecided), str(q.undecided)),
            "error": (str(q.error), str(q.error)),
            "not_answered": (str(q.not_answered), str(q.not_answered)),
            "pass_rate": (str(round(q.pass_rate, 4)), percent(q.pass_rate)),
            "mean_points": (number(q.mean_points), number(q.mean_points)),
        }
        cells = "".join(f'<td class="num" data-field="{field}" data-value="{values[field][0]}">'
                        f"{values[field][1]}</td>" for field, _ in _QUESTION_COLUMNS)
        rows.append(f'<tr data-question="{attr(q.id)}" data-people="{q.people}">'
                    f'<th scope="row" data-field="id">{escape(q.id)}</th>{cells}</tr>')
    return ('<table id="questions"><caption class="muted">Per question, over the files that could be '
            f'read</caption><thead><tr><th scope="col">question</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


# --- wrong answers ------------------------------------------------------------------------


def _wrong_answers(groups: Sequence[AnswerGroup], scores: Sequence[PersonScore]) -> str:
    out = ['<section id="wrong-answers">\n<h2>Most common wrong answers</h2>',
           '<p class="muted">Answers that are the same answer are one group: one comment serves '
           "everyone in it.</p>"]
    if not groups:
        out.append('<p class="none">No wrong answers.</p></section>')
        return "\n".join(out)
    anchors = _person_anchors(scores)
    by_question: dict[str, list[AnswerGroup]] = {}
    for group in groups:
        by_question.setdefault(group.question, []).append(group)
    for question, members in by_question.items():
        rows = "".join(_group_row(group, anchors) for group in members)
        out.append(f"<h3>Question {escape(question)}</h3>"
                   f'<table class="groups" data-question="{attr(question)}"><thead><tr>'
                   '<th scope="col">answer</th><th scope="col">parsed</th><th scope="col">status</th>'
                   '<th scope="col" class="num">people</th><th scope="col">counterexample or reason</th>'
                   f'<th scope="col">who</th></tr></thead><tbody>{rows}</tbody></table>')
    out.append("</section>")
    return "\n".join(out)


def _group_row(group: AnswerGroup, anchors: dict[str, str]) -> str:
    spellings = ""
    if group.spellings:
        spellings = ('<div class="spellings muted">also written as '
                     + ", ".join(f"<code>{escape(s)}</code>" for s in group.spellings) + "</div>")
    who = ", ".join(f'<a href="#{anchors[name]}">{escape(name)}</a>' if name in anchors else escape(name)
                    for name in group.people)
    return (f'<tr class="group" data-count="{group.count}" data-status="{attr(group.status.value)}">'
            f'<td data-field="answer"><code>{escape(group.answer)}</code>{spellings}</td>'
            f'<td data-field="parsed">{_parsed(group.parsed)}</td>'
            f'<td data-field="status">{_status(group.status.value)}</td>'
            f'<td class="num" data-field="count">{group.count}</td>'
            f'<td data-field="why">{_why(group.counterexample, group.reason)}</td>'
            f'<td data-field="people">{who}</td></tr>')


def _person_anchors(scores: Sequence[PersonScore]) -> dict[str, str]:
    anchors: dict[str, str] = {}
    for index, score in enumerate(scores):
        anchors.setdefault(score.result.person, f"person-{index + 1}")
    return anchors


# --- plots --------------------------------------------------------------------------------


def _plots(plots: Sequence[AnswerPlot]) -> str:
    if not plots:
        return ""
    out = ['<section id="plots">\n<h2>Answers against the truth</h2>']
    for index, plot in enumerate(plots):
        fixed = ", ".join(f"{name} = {value}" for name, value in plot.fixed)
        legend = "".join(f'<li data-label="{attr(curve.label)}">{legend_swatch(i)}'
                         f"{'the truth' if i == 0 else f'<code>{escape(curve.label)}</code>'}</li>"
                         for i, curve in enumerate((plot.truth, *plot.answers)))
        out.append(f'<figure class="plot" data-question="{attr(plot.question)}">'
                   f"<figcaption>Question {escape(plot.question)} over {escape(plot.variable)}"
                   f"{escape(f' ({fixed})') if fixed else ''}; a gap is where a value is undefined"
                   f"{escape(f'; {plot.note}') if plot.note else ''}"
                   f'</figcaption>{line_chart_svg(plot, index)}<ul class="legend">{legend}</ul></figure>')
    out.append("</section>")
    return "\n".join(out)


# --- people -------------------------------------------------------------------------------


def _people(scores: Sequence[PersonScore], student: bool) -> str:
    heading = "Your results" if student else f"People ({len(scores)})"
    out = [f'<section id="people">\n<h2>{heading}</h2>']
    if not student:
        out.append('<div id="filters" hidden><input type="search" id="filter-text" '
                   'placeholder="filter by name, id, e-mail or file" aria-label="filter people">'
                   '<label><input type="checkbox" id="filter-flagged"> flagged only</label>'
                   '<span id="filter-count" class="muted"></span></div>')
    if not scores:
        out.append('<p class="none">No answer files.</p>')
    out += [_person(index + 1, score, student) for index, score in enumerate(scores)]
    out.append("</section>")
    return "\n".join(out)


def _person(index: int, score: PersonScore, student: bool) -> str:
    result = score.result
    flagged = score.flagged
    search = " ".join(filter(None, (result.person, result.student_id, result.email, result.path))).lower()
    flag = (f'<span class="flag" data-field="flagged">flagged: {escape(", ".join(flagged))}</span>'
            if flagged else "")
    facts = [("person", "name", escape(result.person))]
    if result.student_id:
        facts.append(("id", "id", escape(result.student_id)))
    if result.email:
        facts.append(("email", "e-mail", escape(result.email)))
    facts.append(("file", "file", f"<code>{escape(result.path)}</code>"))
    rows = "".join(f'<dt>{label}</dt><dd data-field="{field}">{value}</dd>' for field, label, value in facts)
    file_error = (f'<p class="file-error" data-field="file_error">This file could not be read: '
                  f"{escape(result.file_error)}</p>" if result.file_error else "")
    questions = "".join(_question_row(q, student) for q in score.questions)
    unread = '<span class="flag">file not read</span>' if result.file_error else ""
    return (f'<details class="person" id="person-{index}" data-person="{attr(result.person)}" '
            f'data-search="{attr(search)}" data-flagged="{attr(" ".join(flagged))}" '
            f'data-total="{number(score.total)}" data-max="{number(score.max_total)}"'
            f'{" open" if student else ""}>'
            f'<summary><span class="name">{escape(result.person)}</span>'
            f'<span class="total" data-field="total">{number(score.total)} / {number(score.max_total)}'
            f"</span>{flag}{unread}"
            f'</summary><dl class="facts">{rows}</dl>{file_error}'
            '<table class="answers"><thead><tr><th scope="col">question</th><th scope="col">status</th>'
            '<th scope="col" class="num">points</th><th scope="col">answer as written</th>'
            '<th scope="col">parsed</th><th scope="col">counterexample</th><th scope="col">reason</th>'
            f'<th scope="col">override</th></tr></thead><tbody>{questions}</tbody></table></details>')


def _question_row(score: QuestionScore, student: bool) -> str:
    verdict: Verdict | None = score.verdict
    if verdict is not None and student:
        verdict = for_students(verdict)
    status = score.status.value if score.status else NOT_ANSWERED
    flag = ' <span class="flag" title="a person should look at this answer">⚑ flagged</span>' \
        if score.flagged else ""
    answer = parsed = counterexample = reason = '<span class="muted">—</span>'
    if verdict is not None:
        answer = f"<code>{escape(verdict.answer)}</code>" if verdict.answer else answer
        if verdict.steps:
            answer += '<ol class="steps">' + "".join(
                "<li>" + (f'<span class="muted">{escape(step.place)}:</span> ' if step.place else "")
                + f"<code>{escape(step.text)}</code> {_status(step.status.value)}"
                + (f' <span class="muted">{escape(step.counterexample.describe())}</span>'
                   if step.counterexample else "") + "</li>" for step in verdict.steps) + "</ol>"
        parsed = _parsed(verdict.parsed)
        if verdict.counterexample:
            counterexample = escape(verdict.counterexample.describe())
        if verdict.reason:
            reason = escape(verdict.reason)
    override = '<span class="muted">—</span>'
    if score.override is not None:
        o = score.override
        override = (f"{number(o.points)} points" + (f": {escape(o.comment)}" if o.comment else "")
                    + (f' <span class="muted">({escape(o.source)})</span>' if o.source and not student
                       else ""))
    return (f'<tr data-question="{attr(score.id)}" data-status="{attr(status)}" '
            f'data-flagged="{str(score.flagged).lower()}">'
            f'<th scope="row" data-field="id">{escape(score.id)}</th>'
            f'<td data-field="status">{_status(status)}{flag}</td>'
            f'<td class="num" data-field="points" data-value="{number(score.points)}">'
            f"{number(score.points)} / {number(score.max_points)}</td>"
            f'<td data-field="answer">{answer}</td><td data-field="parsed">{parsed}</td>'
            f'<td data-field="counterexample">{counterexample}</td><td data-field="reason">{reason}</td>'
            f'<td data-field="override">{override}</td></tr>')


# --- pieces -------------------------------------------------------------------------------


def _status(status: str) -> str:
    return f'<span class="status {attr(status.replace(" ", "-"))}">{escape(status)}</span>'


def _parsed(parsed: str) -> str:
    return f"<code>{escape(parsed)}</code>" if parsed else '<span class="muted">could not be read</span>'


def _why(counterexample: Counterexample | None, reason: str) -> str:
    parts = []
    if counterexample is not None:
        parts.append(f'<span class="counterexample">{escape(counterexample.describe())}</span>')
    if reason:
        parts.append(f'<span class="reason">{escape(reason)}</span>')
    return "<br>".join(parts) or '<span class="muted">—</span>'


__all__ = ["CONTENT_SECURITY_POLICY", "check_audience", "render_html"]
