"""The HTML class report, read back in a real browser: Debian's Chromium, headless, offline.

Every page is opened from a file with every request routed through a guard that lets only
that file through; each test asserts that nothing else was asked for. The browser is
/usr/bin/chromium (or $DERIVCHECK_CHROMIUM); `make test` installs it. A missing browser
fails these tests with the command that installs it: they never skip.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from checker.model.course import Audience, Course, Override, PersonScore, QuestionScore
from checker.model.grades import PersonResult
from checker.model.overview import (
    AnswerGroup,
    AnswerPlot,
    ClassOverview,
    ClassReport,
    Curve,
    QuestionStats,
    RunInfo,
    ScoreBin,
)
from checker.model.verdict import Counterexample, Status, StepResult, Verdict
from checker.render.class_data import report_data
from checker.render.html_report import check_audience, render_html

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
INSTALL = "sudo apt-get install -y chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
HOSTILE = "<script>alert(1)</script>"
HOSTILE_ANSWER = "<img src=x onerror=alert(1)>"
HOSTILE_FILE = '"><svg onload=alert(1)>.toml'


# --- the class ----------------------------------------------------------------------------

POINTS = (("1.4", 2.0), ("1.6", 2.0), ("2.4", 3.0), ("4.1", 1.0), ("5.3", 2.0))
TITLES = {"1.4": "dL_CE/da through the sigmoid", "1.6": "dL_MSE/da through the sigmoid",
          "2.4": "Jacobian of softmax in terms of p = S(x)", "4.1": "number of scalars after layer 3",
          "5.3": "nabla_h1 L = nabla_a2 L full-conv flip(w2)"}
RIGHT = {"1.4": ("f - y", "f - y"), "1.6": ("(f-y)*f*(1-f)", "f*(1 - f)*(f - y)"),
         "2.4": ("diag(p) - p*p.T", "diag(p) - p*p.T"), "4.1": ("65536", "65536"),
         "5.3": ("fullconv[n]", "fullconv[n]")}
CX_14 = Counterexample((("f", "1/4"), ("y", "0")), "-1/4", "1/4")
CX_41 = Counterexample((), "65535", "65536")
REASON_14 = "the answer differs from the truth at f = 1/4, y = 0"
REASON_41 = "the count differs from the truth"
ERROR_16 = ("a product needs `*`: `)f` at column 6; write `(f-y)*f*(1-f)`")


def verdict(qid: str, status: Status, answer: str = "", parsed: str = "", **more: Any) -> Verdict:
    if status is Status.VERIFIED and not answer:
        answer, parsed = RIGHT[qid]
    method = {Status.VERIFIED: "symbolic: simplified difference is 0", Status.REFUTED: "counterexample",
              Status.UNDECIDED: "numeric agreement, sizes 1..12 (no proof for every size)",
              Status.ERROR: "parse"}[status]
    return Verdict(qid, TITLES[qid], status, method, 0.25, answer, parsed, **more)


def score(qid: str, v: Verdict | None, points: float | None = None, *, flagged: bool = False,
          override: Override | None = None) -> QuestionScore:
    full = dict(POINTS)[qid]
    earned = points if points is not None else (full if v and v.status is Status.VERIFIED else 0.0)
    return QuestionScore(qid, earned, full, v.status if v else None, flagged, override, v)


def person(name: str, path: str, scores: list[QuestionScore], **more: Any) -> PersonScore:
    verdicts = tuple(q.verdict for q in scores if q.verdict is not None)
    return PersonScore(PersonResult(name, path, verdicts, **more), tuple(scores))


def all_right(name: str, path: str, **more: Any) -> PersonScore:
    return person(name, path, [score(q, verdict(q, Status.VERIFIED)) for q, _ in POINTS], **more)


OVERRIDE = Override("Cy Young", "1.6", 2.0, "LaTeX-style product; the intent is clear", "overrides.toml:3")
CHAIN = (StepResult("Sum(g[i]*J[i, n], (i, 1, d-k1-k2+2))", Status.VERIFIED, "symbolic"),
         StepResult("fullconv[n]", Status.UNDECIDED, "numeric agreement, sizes 1..12"))


def class_report(audience: Audience = Audience.STAFF) -> ClassReport:
    bob = person("Bob Babbage", "answers/bob.toml", [
        score("1.4", verdict("1.4", Status.REFUTED, "y - f", "-f + y", counterexample=CX_14,
                             reason=REASON_14)),
        score("1.6", verdict("1.6", Status.VERIFIED)),
        score("2.4", verdict("2.4", Status.VERIFIED)),
        score("4.1", verdict("4.1", Status.REFUTED, "65535", "65535", counterexample=CX_41,
                             reason=REASON_41)),
        score("5.3", verdict("5.3", Status.UNDECIDED, "g[n] = fullconv[n]", "g[n] = fullconv[n]",
                             reason="no proof for every size within the limits", steps=CHAIN),
              flagged=True),
    ], student_id="s002", email="bob@example.org")
    cy = person("Cy Young", "answers/cy.toml", [
        score("1.4", verdict("1.4", Status.REFUTED, "y - f", "-f + y", counterexample=CX_14,
                             reason=REASON_14)),
        score("1.6", verdict("1.6", Status.ERROR, "(f-y)f(1-f)", "", reason=ERROR_16, column=6,
                             excerpt=")f", hint="write `(f-y)*f*(1-f)`"), 2.0, override=OVERRIDE),
        score("2.4", None),
        score("4.1", verdict("4.1", Status.VERIFIED)),
        score("5.3", verdict("5.3", Status.VERIFIED)),
    ], student_id="s003")
    dee = person("Dee Dirac", "answers/dee.toml", [
        score("1.4", verdict("1.4", Status.REFUTED, "y-f", "-f + y", counterexample=CX_14,
                             reason=REASON_14)),
        score("1.6", verdict("1.6", Status.VERIFIED)),
        score("2.4", verdict("2.4", Status.VERIFIED)),
        score("4.1", verdict("4.1", Status.REFUTED, "65535", "65535", counterexample=CX_41,
                             reason=REASON_41)),
        score("5.3", verdict("5.3", Status.VERIFIED)),
    ])
    eve = person("eve", "answers/eve.toml", [score(q, None) for q, _ in POINTS],
                 file_error="answers/eve.toml: line 4: expected '=' after a key (not TOML)")
    people = (all_right("Ada Lovelace", "answers/ada.toml", student_id="s001"), bob, cy, dee, eve)
    stats = (QuestionStats("1.4", 2, 4, 1, 3, 0, 0, 0, 0.5),
             QuestionStats("1.6", 2, 4, 3, 0, 0, 1, 0, 2.0),
             QuestionStats("2.4", 3, 4, 3, 0, 0, 0, 1, 2.25),
             QuestionStats("4.1", 1, 4, 2, 2, 0, 0, 0, 0.5),
             QuestionStats("5.3", 2, 4, 3, 0, 1, 0, 0, 1.5))
    groups = (AnswerGroup("1.4", "y - f", "-f + y", Status.REFUTED, ("Bob Babbage", "Cy Young", "Dee Dirac"),
                          CX_14, REASON_14, ("y-f",)),
              AnswerGroup("4.1", "65535", "65535", Status.REFUTED, ("Bob Babbage", "Dee Dirac"), CX_41,
                          REASON_41))
    xs = tuple(i / 10 for i in range(11))
    plot = AnswerPlot("1.4", "f", (("y", "0"),), xs, Curve("truth", xs),
                      (Curve("y - f", tuple(-x for x in xs)),
                       Curve("f/(2*f - 1)", tuple(None if x == 0.5 else x / (2 * x - 1) for x in xs))))
    histogram = (ScoreBin(0, 2, 0), ScoreBin(2, 4, 0), ScoreBin(4, 6, 2), ScoreBin(6, 8, 1),
                 ScoreBin(8, 10, 1))
    overview = ClassOverview(5, 4, 10.0, 6.75, 6.0, histogram, stats, groups, (plot,))
    run = RunInfo("0.1.0", "1.14.0", (("format", "html"), ("audience", audience.value),
                                      ("timeout", "10"), ("only", ""), ("overrides", "overrides.toml")),
                  "course.toml", 12.34)
    course = Course("deep-learning-theory-1", POINTS, source="course.toml")
    return ClassReport(course, people, overview, run, audience, 0)


@pytest.fixture
def report() -> ClassReport:
    return class_report()


# --- the browser --------------------------------------------------------------------------


class BrowserMissing(Exception):
    pass


def chromium_path() -> str:
    path = os.environ.get("DERIVCHECK_CHROMIUM") or DEFAULT_CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        source = "$DERIVCHECK_CHROMIUM" if os.environ.get("DERIVCHECK_CHROMIUM") else "the default"
        raise BrowserMissing(f"the HTML report tests need Chromium, and {path} ({source}) is not an "
                             f"executable file: install it with `{INSTALL}` (`make test` does so when "
                             "run as root), or set DERIVCHECK_CHROMIUM to a Chromium binary")
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        path = chromium_path()
    except BrowserMissing as missing:
        pytest.fail(str(missing), pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Opened:
    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def offline(self) -> None:
        """Nothing but the file itself was asked for, and nothing went wrong on the page."""
        assert self.blocked == []
        assert self.requests == [self.url]
        assert self.errors == []
        assert self.dialogs == []

    def text(self, selector: str) -> str:
        return " ".join(self.page.locator(selector).text_content().split())

    def attribute(self, selector: str, name: str) -> str:
        return self.page.locator(selector).get_attribute(name)


@pytest.fixture
def open_page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts = []

    def open_(html: str, name: str = "report.html") -> Opened:
        path = tmp_path / name
        path.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": 1100, "height": 900})
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.as_uri())

        def guard(route: Any) -> None:
            if route.request.url == opened.url:
                route.continue_()
            else:
                opened.blocked.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", lambda message: opened.errors.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error: opened.errors.append(str(error)))

        def dialog(d: Any) -> None:
            opened.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(opened.url, wait_until="load")
        return opened

    yield open_
    for context in contexts:
        context.close()


def test_the_browser_is_found_or_the_test_fails_with_the_install_command(monkeypatch: Any,
                                                                          tmp_path: Path) -> None:
    monkeypatch.setenv("DERIVCHECK_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(BrowserMissing, match=re.escape(INSTALL)):
        chromium_path()
    monkeypatch.setenv("DERIVCHECK_CHROMIUM", sys.executable)  # any executable: the variable wins
    assert chromium_path() == sys.executable


# --- the page -----------------------------------------------------------------------------


def test_the_page_renders_offline_without_errors(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    assert opened.page.title() == "deep-learning-theory-1 — class report"
    assert opened.text("h1") == "deep-learning-theory-1 — class report"
    assert opened.text('#run [data-field="audience"]') == "staff"
    assert opened.text('#run [data-field="derivcheck_version"]') == "0.1.0"
    assert opened.text('#run [data-field="sympy_version"]') == "1.14.0"
    assert opened.text('#run [data-field="course_file"]') == "course.toml"
    assert opened.text('#run [data-field="options"]') == (
        "format=html, audience=staff, timeout=10, overrides=overrides.toml")
    # The page's own script ran (its hash is in the page's CSP): the filter is shown.
    assert opened.page.locator("#filters").is_visible()
    opened.offline()


def test_the_guard_sees_a_request_that_leaves_the_page(open_page: Any) -> None:
    """The check the other tests rely on: a page that loads from elsewhere is caught."""
    opened = open_page('<!DOCTYPE html><title>t</title><img src="https://example.invalid/x.png">')
    assert opened.blocked == ["https://example.invalid/x.png"]
    with pytest.raises(AssertionError):
        opened.offline()


def test_the_pages_policy_refuses_a_script_that_is_not_its_own(open_page: Any, report: ClassReport) -> None:
    """Defence in depth: were markup ever injected, the page's CSP would not run it."""
    html = render_html(report).replace("</h1>", "</h1><script>document.title = 'injected'</script>", 1)
    opened = open_page(html)
    assert opened.page.title() == "deep-learning-theory-1 — class report"
    assert any("Content Security Policy" in error for error in opened.errors)
    assert opened.page.locator("#filters").is_visible()  # the page's own script still runs


def test_an_empty_class_renders(open_page: Any, report: ClassReport) -> None:
    empty = replace(report, scores=(), overview=ClassOverview(0, 0, 10.0, 0.0, 0.0, (), (), ()))
    opened = open_page(render_html(empty))
    assert opened.text("#histogram text") == "no graded files"
    assert opened.text("#wrong-answers p.none") == "No wrong answers."
    assert opened.text("#people p.none") == "No answer files."
    assert opened.page.locator("#plots").count() == 0
    opened.offline()


def test_the_html_names_no_other_resource(report: ClassReport) -> None:
    html = render_html(report)
    assert re.findall(r"https?://[^\s\"'<>]+", html) == ["http://www.w3.org/2000/svg"] * html.count(
        'xmlns="http://www.w3.org/2000/svg"')
    for needle in ("<link", "src=", "@import", "@font-face", "<iframe", "<object", "<embed"):
        assert needle not in html
    assert re.findall(r"url\((?!#plot-clip-\d+\))", html) == []
    assert html.count("<script>") == 1


def test_overview_numbers_equal_the_json_report(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    expected = report_data(report)["overview"]
    assert isinstance(expected, dict)
    for name in ("people", "graded", "mean", "median", "max_total"):
        cell = f'#overview dd[data-field="{name}"]'
        assert float(opened.attribute(cell, "data-value")) == expected[name]
        assert opened.text(cell) == str(expected[name])
    assert [opened.text(f'#overview dd[data-field="{n}"]') for n in ("people", "graded", "mean", "median",
                                                                     "max_total")] == [
        "5", "4", "6.75", "6", "10"]
    opened.offline()


def test_question_table_equals_the_json_report(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    overview = report_data(report)["overview"]
    assert isinstance(overview, dict)
    rows = opened.page.locator("#questions tbody tr")
    assert rows.count() == 5
    fields = ("max_points", "verified", "refuted", "undecided", "error", "not_answered", "pass_rate",
              "mean_points")
    for i, expected in enumerate(overview["questions"]):
        row = rows.nth(i)
        assert row.get_attribute("data-question") == expected["id"]
        assert row.locator('[data-field="id"]').text_content() == expected["id"]
        for name in fields:
            assert float(row.locator(f'[data-field="{name}"]').get_attribute("data-value")) == expected[name]
    # As a person reads them: 1.4 has one verified answer of four readable files.
    assert opened.text('#questions tr[data-question="1.4"] [data-field="pass_rate"]') == "25%"
    assert opened.text('#questions tr[data-question="2.4"] [data-field="not_answered"]') == "1"
    assert opened.text('#questions tr[data-question="2.4"] [data-field="mean_points"]') == "2.25"
    assert opened.text('#questions tr[data-question="5.3"] [data-field="undecided"]') == "1"
    opened.offline()


def test_histogram_bars_count_the_graded_people(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    bins = opened.page.locator("svg#histogram g.bin")
    assert bins.count() == 5
    counts = [int(bins.nth(i).get_attribute("data-count")) for i in range(5)]
    assert counts == [0, 0, 2, 1, 1]
    assert sum(counts) == report.overview.graded == 4
    expected = report_data(report)["overview"]
    assert isinstance(expected, dict)
    for i, item in enumerate(expected["histogram"]):
        bar = bins.nth(i)
        assert (float(bar.get_attribute("data-low")), float(bar.get_attribute("data-high"))) == (
            item["low"], item["high"])
        assert bar.locator("text.count").text_content() == str(item["count"])
    assert bins.nth(2).locator("title").text_content() == "2 people scored [4, 6) points"
    assert bins.nth(4).locator("title").text_content() == "1 person scored [8, 10] points"
    # The tallest bar is the bin of two; an empty bin has no height.
    heights = [float(bins.nth(i).locator("rect").get_attribute("height")) for i in range(5)]
    assert heights[0] == 0 and heights[2] == max(heights) and heights[3] == heights[2] / 2
    opened.offline()


def test_pass_rate_bars(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    bars = opened.page.locator("svg#pass-rates g.pass-rate")
    assert [bars.nth(i).get_attribute("data-question") for i in range(bars.count())] == [
        "1.4", "1.6", "2.4", "4.1", "5.3"]
    assert [float(bars.nth(i).get_attribute("data-value")) for i in range(5)] == [0.25, 0.75, 0.75, 0.5,
                                                                                  0.75]
    full = float(bars.nth(0).locator("rect.track").get_attribute("width"))
    assert float(bars.nth(0).locator("rect.bar").get_attribute("width")) == full / 4
    assert bars.nth(3).locator("title").text_content() == "4.1: 2 of 4 people verified (50%)"
    opened.offline()


def test_wrong_answers_are_grouped_per_question(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    tables = opened.page.locator("#wrong-answers table.groups")
    assert [tables.nth(i).get_attribute("data-question") for i in range(tables.count())] == ["1.4", "4.1"]
    group = opened.page.locator('#wrong-answers table[data-question="1.4"] tr.group')
    assert group.count() == 1
    assert group.get_attribute("data-count") == "3"
    assert group.get_attribute("data-status") == "refuted"
    assert group.locator('[data-field="answer"] > code').text_content() == "y - f"
    assert group.locator('[data-field="answer"] .spellings').text_content() == "also written as y-f"
    assert group.locator('[data-field="parsed"]').text_content() == "-f + y"
    assert group.locator(".counterexample").text_content() == CX_14.describe() == (
        "f = 1/4, y = 0: your answer -1/4, truth 1/4")
    assert group.locator(".reason").text_content() == REASON_14
    links = group.locator('[data-field="people"] a')
    assert [links.nth(i).text_content() for i in range(3)] == ["Bob Babbage", "Cy Young", "Dee Dirac"]
    assert [links.nth(i).get_attribute("href") for i in range(3)] == ["#person-2", "#person-3", "#person-4"]
    other = opened.page.locator('#wrong-answers table[data-question="4.1"] tr.group')
    assert other.get_attribute("data-count") == "2"
    assert other.locator(".counterexample").text_content() == "your answer 65535, truth 65536"
    opened.offline()


def test_a_plot_draws_each_curve_and_breaks_it_where_undefined(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    figure = opened.page.locator('#plots figure.plot[data-question="1.4"]')
    assert " ".join(figure.locator("figcaption").text_content().split()) == (
        "Question 1.4 over f (y = 0); a gap is where a value is undefined")
    curves = figure.locator("g.curve")
    assert [curves.nth(i).get_attribute("data-label") for i in range(3)] == ["truth", "y - f", "f/(2*f - 1)"]
    assert [curves.nth(i).get_attribute("data-segments") for i in range(3)] == ["1", "1", "2"]
    assert [curves.nth(i).locator("polyline").count() for i in range(3)] == [1, 1, 2]
    # Eleven points on the truth; the broken curve has five on each side of f = 1/2.
    truth_points = curves.nth(0).locator("polyline").get_attribute("points").split()
    assert len(truth_points) == 11
    broken = curves.nth(2).locator("polyline")
    assert [len(broken.nth(i).get_attribute("points").split()) for i in range(2)] == [5, 5]
    legend = figure.locator("ul.legend li")
    assert [legend.nth(i).text_content() for i in range(3)] == ["the truth", "y - f", "f/(2*f - 1)"]
    opened.offline()


def test_each_person_opens_to_their_answers(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    page = opened.page
    people = page.locator("#people details.person")
    expected = report_data(report)["people"]
    assert isinstance(expected, list)
    assert people.count() == len(expected) == 5
    for i, data in enumerate(expected):
        details = people.nth(i)
        assert details.get_attribute("data-person") == data["person"]
        assert float(details.get_attribute("data-total")) == data["score"]
        assert details.locator('summary [data-field="total"]').text_content() == (
            f"{data['score']} / {data['max_score']}")
        rows = details.locator("tbody tr")
        assert [rows.nth(j).get_attribute("data-status") for j in range(rows.count())] == [
            q["status"] for q in data["questions"]]
    bob = page.locator('details.person[data-person="Bob Babbage"]')
    row = bob.locator('tr[data-question="1.4"]')
    assert not row.is_visible()  # closed until clicked
    bob.locator("summary").click()
    assert row.is_visible()
    assert bob.locator('summary [data-field="flagged"]').text_content() == "flagged: 5.3"
    assert opened.text('details.person[data-person="Bob Babbage"] dd[data-field="id"]') == "s002"
    assert bob.locator('dd[data-field="file"]').text_content() == "answers/bob.toml"
    assert row.locator('[data-field="answer"]').text_content() == "y - f"
    assert row.locator('[data-field="parsed"]').text_content() == "-f + y"
    assert row.locator('[data-field="counterexample"]').text_content() == CX_14.describe()
    assert row.locator('[data-field="points"]').text_content() == "0 / 2"
    chain = bob.locator('tr[data-question="5.3"]')
    assert chain.get_attribute("data-flagged") == "true"
    assert chain.locator("ol.steps li").count() == 2
    cy = page.locator('details.person[data-person="Cy Young"]')
    cy.locator("summary").click()
    error = cy.locator('tr[data-question="1.6"]')
    assert error.get_attribute("data-status") == "error"
    assert error.locator('[data-field="points"]').text_content() == "2 / 2"
    assert error.locator('[data-field="reason"]').text_content() == ERROR_16
    assert " ".join(error.locator('[data-field="override"]').text_content().split()) == (
        "2 points: LaTeX-style product; the intent is clear (overrides.toml:3)")
    assert cy.locator('tr[data-question="2.4"]').get_attribute("data-status") == "not answered"
    eve = page.locator('details.person[data-person="eve"]')
    eve.locator("summary").click()
    assert eve.locator('[data-field="file_error"]').text_content() == (
        "This file could not be read: answers/eve.toml: line 4: expected '=' after a key (not TOML)")
    opened.offline()


def test_the_filter_narrows_the_people(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    page = opened.page
    assert opened.text("#filter-count") == "5 of 5 shown"
    page.fill("#filter-text", "CY")
    assert opened.text("#filter-count") == "1 of 5 shown"
    assert page.locator("details.person:visible").count() == 1
    assert page.locator("details.person:visible").get_attribute("data-person") == "Cy Young"
    page.fill("#filter-text", "")
    page.check("#filter-flagged")
    assert opened.text("#filter-count") == "1 of 5 shown"
    assert page.locator("details.person:visible").get_attribute("data-person") == "Bob Babbage"
    opened.offline()


# --- what is on the screen ----------------------------------------------------------------


def png_pixels(data: bytes) -> np.ndarray:
    """A PNG's pixels as a height x width x channels array (8-bit RGB or RGBA, no interlace)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, []
    width = height = channels = 0
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert (depth, interlace) == (8, 0) and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            chunks.append(body)
    stride = width * channels
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.uint8)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:]
        if kind == 0:
            row = line.copy()
        elif kind == 1:  # Sub: a running sum per channel, modulo 256
            row = np.cumsum(line.reshape(-1, channels), axis=0, dtype=np.uint8).reshape(-1)
        elif kind == 2:  # Up
            row = line + previous
        else:  # Average (3) and Paeth (4) depend on the byte just decoded: one at a time
            row = line.copy().astype(np.int32)
            up = previous.astype(np.int32)
            for x in range(stride):
                left = int(row[x - channels]) if x >= channels else 0
                corner = int(up[x - channels]) if x >= channels else 0
                if kind == 3:
                    row[x] = (row[x] + (left + int(up[x])) // 2) & 0xFF
                else:
                    p = left + int(up[x]) - corner
                    pa, pb, pc = abs(p - left), abs(p - int(up[x])), abs(p - corner)
                    guess = left if pa <= pb and pa <= pc else (int(up[x]) if pb <= pc else corner)
                    row[x] = (row[x] + guess) & 0xFF
            row = row.astype(np.uint8)
        out[y] = row
        previous = row
    return out.reshape(height, width, channels)


def test_png_decoder_reads_a_known_image() -> None:
    """The decoder used below, on a PNG built here: 2x2 RGB, one row per filter kind."""
    pixels = np.array([[[10, 20, 30], [40, 50, 60]], [[70, 80, 90], [100, 110, 120]]], dtype=np.uint8)
    rows = b"\x00" + pixels[0].tobytes() + b"\x02" + (pixels[1].astype(int) - pixels[0]).astype(
        np.uint8).tobytes()
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    assert png_pixels(png).tolist() == pixels.tolist()


def test_the_screenshot_is_not_blank(open_page: Any, report: ClassReport) -> None:
    opened = open_page(render_html(report))
    page = opened.page
    shot = png_pixels(page.screenshot())[:, :, :3]
    assert shot.shape == (900, 1100, 3)
    colours = np.unique(shot.reshape(-1, 3), axis=0)
    assert len(colours) > 50
    background = np.all(shot == 255, axis=2).mean()
    assert 0.3 < background < 0.99  # mostly white paper, and plenty drawn on it
    # The histogram's bars are painted in their colour (#4a78b0), as tall as their counts.
    page.locator("svg#histogram").scroll_into_view_if_needed()
    bars = png_pixels(page.locator("svg#histogram").screenshot())[:, :, :3]
    blue = np.all(bars == (0x4A, 0x78, 0xB0), axis=2)
    columns = np.flatnonzero(blue.any(axis=0))
    assert blue.sum() > 2000 and len(columns) > 100
    opened.offline()


# --- text from students -------------------------------------------------------------------


def hostile_report() -> ClassReport:
    report = class_report()
    bob = report.scores[1]
    first = bob.questions[0].verdict
    assert first is not None
    q14 = replace(bob.questions[0], verdict=replace(first, answer=HOSTILE_ANSWER,
                                                     parsed=HOSTILE, reason=HOSTILE_ANSWER,
                                                     counterexample=replace(CX_14, answer=HOSTILE)))
    cy = report.scores[2]
    q16 = replace(cy.questions[1], override=replace(OVERRIDE, comment=HOSTILE, source=HOSTILE_FILE))
    scores = list(report.scores)
    scores[1] = PersonScore(replace(bob.result, person=HOSTILE, path=HOSTILE_FILE, student_id=HOSTILE_ANSWER,
                                    email=HOSTILE), (q14, *bob.questions[1:]))
    scores[2] = replace(cy, questions=(cy.questions[0], q16, *cy.questions[2:]))
    scores[4] = replace(scores[4], result=replace(scores[4].result, file_error=HOSTILE_ANSWER))
    groups = (replace(report.overview.wrong_answers[0], answer=HOSTILE_ANSWER, parsed=HOSTILE,
                      people=(HOSTILE, "Cy Young"), spellings=(HOSTILE,), reason=HOSTILE),
              report.overview.wrong_answers[1])
    plot = report.overview.plots[0]
    plot = replace(plot, variable=HOSTILE, fixed=((HOSTILE, HOSTILE_ANSWER),),
                   answers=(replace(plot.answers[0], label=HOSTILE_ANSWER), plot.answers[1]))
    overview = replace(report.overview, wrong_answers=groups, plots=(plot,))
    course = replace(report.course, assignment=HOSTILE)
    run = replace(report.run, course_file=HOSTILE_FILE, options=(("only", HOSTILE),))
    return replace(report, scores=tuple(scores), overview=overview, course=course, run=run)


def test_text_from_students_never_becomes_markup(open_page: Any) -> None:
    html = render_html(hostile_report())
    for raw in (HOSTILE, HOSTILE_ANSWER, HOSTILE_FILE, "<svg onload"):
        assert raw not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") > 10
    opened = open_page(html)
    page = opened.page
    # One script (the page's own), no image, no element with an event handler, no alert.
    assert page.locator("script").count() == 1
    assert page.locator("img").count() == 0
    assert page.evaluate("document.querySelectorAll('[onerror], [onload]').length") == 0
    assert page.title() == f"{HOSTILE} — class report"
    person = page.locator("details.person").nth(1)
    assert person.get_attribute("data-person") == HOSTILE
    assert person.locator("summary .name").text_content() == HOSTILE
    assert person.locator('dd[data-field="file"]').text_content() == HOSTILE_FILE
    assert person.locator('dd[data-field="id"]').text_content() == HOSTILE_ANSWER
    row = person.locator('tr[data-question="1.4"]')
    assert row.locator('[data-field="answer"]').text_content() == HOSTILE_ANSWER
    assert row.locator('[data-field="parsed"]').text_content() == HOSTILE
    assert row.locator('[data-field="reason"]').text_content() == HOSTILE_ANSWER
    assert row.locator('[data-field="counterexample"]').text_content() == (
        f"f = 1/4, y = 0: your answer {HOSTILE}, truth 1/4")
    override = page.locator('details.person[data-person="Cy Young"] tr[data-question="1.6"] '
                            '[data-field="override"]')
    assert " ".join(override.text_content().split()) == f"2 points: {HOSTILE} ({HOSTILE_FILE})"
    group = page.locator('#wrong-answers table[data-question="1.4"] tr.group')
    assert group.locator('[data-field="people"] a').first.text_content() == HOSTILE
    assert group.locator('[data-field="parsed"]').text_content() == HOSTILE
    curves = page.locator("#plots g.curve")
    assert curves.nth(1).get_attribute("data-label") == HOSTILE_ANSWER
    assert page.locator("#plots ul.legend li").nth(1).text_content() == HOSTILE_ANSWER
    assert opened.text('#run [data-field="course_file"]') == HOSTILE_FILE
    assert page.locator("details.person").nth(4).locator('[data-field="file_error"]').text_content() == (
        f"This file could not be read: {HOSTILE_ANSWER}")
    page.fill("#filter-text", "<script>")
    assert opened.text("#filter-count") == "1 of 5 shown"
    opened.offline()


# --- who reads it -------------------------------------------------------------------------


def test_a_student_page_never_holds_a_class() -> None:
    report = class_report(Audience.STUDENT)
    with pytest.raises(ValueError, match="for students shows one person's own results, and this report "
                                         "holds 5 people"):
        render_html(report)
    # The same rule, for a command to apply before it grades anything.
    with pytest.raises(ValueError, match="holds 2 people"):
        check_audience(Audience.STUDENT, 2)
    check_audience(Audience.STUDENT, 1)
    check_audience(Audience.STAFF, 5)


def test_a_student_page_shows_only_their_own_results(open_page: Any) -> None:
    report = class_report(Audience.STUDENT)
    bob = report.scores[1]
    html = render_html(replace(report, scores=(bob,)))
    for other in ("Ada Lovelace", "Cy Young", "Dee Dirac", "answers/eve.toml", "truth 1/4", "65536"):
        assert other not in html
    opened = open_page(html)
    page = opened.page
    assert page.title() == "deep-learning-theory-1 — your results"
    for section in ("#overview", "#histogram", "#pass-rates", "#questions", "#wrong-answers", "#plots",
                    "#filters"):
        assert page.locator(section).count() == 0
    person = page.locator("details.person")
    assert person.count() == 1
    assert person.get_attribute("open") == ""
    row = person.locator('tr[data-question="1.4"]')
    assert row.is_visible()
    assert row.locator('[data-field="counterexample"]').text_content() == "f = 1/4, y = 0: your answer -1/4"
    assert page.locator('#run [data-field="exit_code"]').count() == 0
    opened.offline()


# --- the command --------------------------------------------------------------------------


def test_grade_writes_a_page_the_browser_shows(open_page: Any, tmp_path: Path) -> None:
    out = tmp_path / "tmp" / "report.html"
    out.parent.mkdir()
    command = Path(sys.executable).with_name("derivcheck")
    done = subprocess.run([str(command), "grade", "examples/ada.toml", "examples/bob.toml", "--format",
                           "html", "--out", str(out), "--cache-dir", str(tmp_path / "cache")],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    opened = open_page(out.read_text(encoding="utf-8"))
    page = opened.page
    assert opened.text('#overview dd[data-field="people"]') == "2"
    assert opened.text('#overview dd[data-field="graded"]') == "2"
    assert page.locator("#questions tbody tr").count() == 23
    assert int(page.locator("svg#histogram g.bin").evaluate_all(
        "bins => bins.reduce((n, b) => n + Number(b.dataset.count), 0)")) == 2
    names = page.locator("details.person")
    assert [names.nth(i).get_attribute("data-person") for i in range(names.count())] == [
        "Ada Lovelace", "Bob Example"]
    opened.offline()

