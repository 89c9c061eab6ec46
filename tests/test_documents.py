"""Checking write-ups (`derivcheck doc`, checker.run.documents): which formula is the
answer, links with lines, what counts as showing, hostile files, and the command."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from checker.cli import main
from checker.language.documents import read_document
from checker.model.options import DEFAULT_OPTIONS
from checker.model.verdict import Status, Verdict
from checker.run.documents import check_document
from checker.run.registry import assignment

Capture = pytest.CaptureFixture[str]


def checked(text: str, name: str = "w.md") -> dict[str, Verdict]:
    document = read_document(name, text.encode())
    result = check_document(document, name, assignment(), None, DEFAULT_OPTIONS)
    return {v.id: v for v in result.verdicts}


def steps_of(verdict: Verdict) -> list[tuple[int | None, str]]:
    return [(s.line, s.status.value) for s in verdict.steps]


# -- which formula is the answer -------------------------------------------------------


def test_an_equation_stating_the_asked_quantity_gives_the_answer_and_each_link_is_checked() -> None:
    verdicts = checked("## Answer 1.4\n"
                       "$$\\frac{\\partial L_{CE}}{\\partial a} = -y(1-f) + (1-y)f$$\n"
                       "$$= f - y$$\n")
    v = verdicts["1.4"]
    assert v.status is Status.VERIFIED
    assert v.answer == "f - y" and v.line == 3
    assert steps_of(v) == [(2, "verified"), (3, "verified")]
    assert "states the asked quantity" in v.notes[0]


def test_a_false_middle_step_refutes_the_question_at_its_line_though_the_answer_is_right() -> None:
    v = checked("## Answer 1.4\n"
                "$$\\frac{\\partial L_{CE}}{\\partial a} = -y(1-f) + (1-y)f$$\n"
                "$$= -y(1-f) - (1-y)f$$\n"
                "$$= f - y$$\n")["1.4"]
    assert v.status is Status.REFUTED
    assert steps_of(v) == [(2, "verified"), (3, "refuted"), (4, "refuted")]
    bad = v.steps[1]
    assert bad.counterexample is not None and bad.text.startswith("step 2→3")
    assert "the step at line 3 is refuted" in v.method


def test_a_wrong_final_answer_is_refuted_by_the_questions_claim() -> None:
    v = checked("## Answer 1.4\n$$\\frac{\\partial L_{CE}}{\\partial a} = f + y$$\n")["1.4"]
    assert v.status is Status.REFUTED and v.counterexample is not None
    assert steps_of(v) == [(2, "refuted")]


def test_a_boxed_answer_wins_and_inline_definitions_count() -> None:
    verdicts = checked("## Answer 1.6\nso $\\boxed{(f-y)f(1-f)}$ and $f - y$ later.\n\n"
                       "## Answer 2.2\nLet $z = x_1 - x_2$. Then\n"
                       "$$\\sigma(z) = \\frac{\\exp(x_1)}{\\exp(x_1) + \\exp(x_2)}$$\n")
    assert verdicts["1.6"].status is Status.VERIFIED and verdicts["1.6"].answer == "(f-y)f(1-f)"
    two = verdicts["2.2"]
    assert two.status is Status.VERIFIED and two.answer.replace(" ", "") == "x_1-x_2"
    assert steps_of(two) == [(6, "verified")]  # sigma(z) read with the stated z


def test_a_sign_slip_in_the_stated_answer_shows_in_the_links_that_use_it() -> None:
    two = checked("## Answer 2.2\nLet $z = x_2 - x_1$.\n"
                  "$$\\sigma(z) = \\frac{\\exp(x_1)}{\\exp(x_1) + \\exp(x_2)}$$\n")["2.2"]
    assert two.status is Status.REFUTED
    assert steps_of(two) == [(3, "refuted")]


def test_the_last_inline_formula_that_reads_as_an_answer() -> None:
    verdicts = checked("## Answer 4.1\nThe output is $(64, 32, 32)$, so $64 \\times 32 \\times 32 = 65536$ "
                       "scalars, where $o$ is the size.\n\n"
                       "## Answer 2.4\nIn compact notation $\\mathbf{Diag}(p) - pp^{\\top}$, "
                       "where $p = S(x)$.\n")
    assert verdicts["4.1"].status is Status.VERIFIED and verdicts["4.1"].answer == "65536"
    assert verdicts["2.4"].status is Status.VERIFIED


def test_word_answers_come_from_the_last_sentence_naming_exactly_one_word() -> None:
    right = checked("## Answer 1.7\nThe MSE gradient vanishes. Hence the CE is better.\n")["1.7"]
    assert right.status is Status.VERIFIED and right.answer == "CE"
    wrong = checked("## Answer 1.7\nCE looks fine. But I prefer the MSE here.\n")["1.7"]
    assert wrong.status is Status.REFUTED
    both = checked("## Answer 1.7\nBoth CE and MSE could work.\n")["1.7"]
    assert both.status is Status.ERROR and "no answer found" in both.method


def test_modes_of_one_question_are_read_after_their_word() -> None:
    verdicts = checked("## Answer 4.3\nFull: $[1, 2, 5, 8, 6, 8]$; Valid: $[5, 8]$; Same: $[2, 5, 8, 7]$.\n")
    assert verdicts["4.3.full"].status is Status.VERIFIED
    assert verdicts["4.3.valid"].status is Status.VERIFIED
    assert verdicts["4.3.same"].status is Status.REFUTED


def test_no_answer_found_is_an_error_never_a_guess() -> None:
    v = checked("## Answer 2.4\nThe Jacobian is a matrix, see the lecture.\n")["2.4"]
    assert v.status is Status.ERROR and "no answer found" in v.reason


def test_a_block_for_a_whole_question_does_not_answer_its_numbered_parts() -> None:
    verdicts = checked("## Answer 1\nWe use $f - y$.\n")
    assert verdicts == {}


def test_an_unknown_spelling_is_an_error_step_and_the_link_across_it_undecided() -> None:
    v = checked("## Answer 1.4\n"
                "$$\\frac{\\partial L_{CE}}{\\partial a} = -y(1-f) + (1-y)f$$\n"
                "$$= \\frac{\\partial L_{XY}}{\\partial a}$$\n"
                "$$= f - y$$\n")["1.4"]
    assert steps_of(v) == [(2, "verified"), (3, "error"), (4, "undecided")]
    assert v.status is Status.ERROR
    assert "\\partial" in v.steps[1].method


# -- what counts as showing (2.1) -------------------------------------------------------

_LEFT = r"\frac{e^{x_i + c}}{\sum_{j=1}^{K} e^{x_j + c}}"
_RIGHT = r"\frac{e^{x_i}}{\sum_{j=1}^{K} e^{x_j}}"
_MIDDLE = r"\frac{e^{c} e^{x_i}}{e^{c} \sum_{j=1}^{K} e^{x_j}}"


def test_a_derivation_that_joins_the_two_sides_in_one_link_assumes_what_is_to_be_shown() -> None:
    v = checked(f"## Answer 2.1\n$${_LEFT} = {_RIGHT}$$\n")["2.1"]
    assert v.status is Status.UNDECIDED
    assert "assumes what is to be shown" in v.reason


def test_a_derivation_that_does_the_work_shows_it_in_either_direction() -> None:
    forwards = checked(f"## Answer 2.1\n$${_LEFT} = {_MIDDLE} = {_RIGHT}$$\n")["2.1"]
    assert forwards.status is Status.VERIFIED, forwards.reason
    backwards = checked(f"## Answer 2.1\n$${_RIGHT} = {_MIDDLE} = {_LEFT}$$\n")["2.1"]
    assert backwards.status is Status.VERIFIED, backwards.reason


def test_a_derivation_that_never_writes_one_side_is_undecided() -> None:
    other = r"\frac{1}{\sum_{j=1}^{K} e^{x_j - x_i}}"  # equal to both, but neither written out
    v = checked(f"## Answer 2.1\n$${other} = {_RIGHT}$$\n")["2.1"]
    assert v.status is Status.UNDECIDED and "first step" in v.reason


def test_the_same_rule_holds_for_chains_in_answer_files() -> None:
    from checker.run.api import check_answer

    one_step = "exp(x[i])/Sum(exp(x[j]), (j, 1, K))"
    v = check_answer("2.1", one_step)
    assert v.status is Status.UNDECIDED and "assumes what is to be shown" in v.reason
    joined = ("exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K)) = exp(x[i])/Sum(exp(x[j]), (j, 1, K))")
    assert check_answer("2.1", joined).status is Status.UNDECIDED
    assert check_answer("2.1", assignment().get("2.1").reference).status is Status.VERIFIED


# -- the course's solutions and the planted slips ----------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _doc_json(capsys: Capture, *paths: Path) -> tuple[int, dict[str, object]]:
    code = main(["doc", "--format", "json", *map(str, paths)])
    return code, json.loads(capsys.readouterr().out)


def _findings(data: dict[str, object]) -> set[tuple[str, int, str]]:
    """(question, line, status) of every question and link that is not verified."""
    out = set()
    for item in data["results"]:  # type: ignore[union-attr]
        assert isinstance(item, dict)
        if item["status"] != "verified":
            out.add((item["id"], 0, item["status"]))
        for step in item["steps"]:
            if step["status"] != "verified":
                out.add((item["id"], step["line"], step["status"]))
    return out


def test_the_faithful_solutions_show_exactly_their_two_slips(capsys: Capture) -> None:
    code, data = _doc_json(capsys, EXAMPLES / "solutions" / "assignment-1-solutions.tex")
    assert code == 1
    assert _findings(data) == {("2.1", 0, "refuted"), ("2.1", 38, "refuted"), ("2.1", 41, "refuted"),
                               ("3", 0, "refuted"), ("3", 59, "refuted")}
    assert data["not_answered"] == []
    for item in data["results"]:  # type: ignore[union-attr]
        for step in item["steps"]:
            if step["status"] == "refuted":
                assert step["counterexample"] is not None and step["line"] in (38, 41, 59)


def test_the_corrected_solutions_verify_every_link_of_every_question(capsys: Capture) -> None:
    code, data = _doc_json(capsys, EXAMPLES / "solutions" / "assignment-1-solutions-corrected.tex")
    assert _findings(data) == set()
    assert code == 0
    assert data["not_answered"] == []
    assert len(data["results"]) == len(assignment().questions)  # type: ignore[arg-type]


def test_the_markdown_write_up_reports_each_planted_slip_at_its_line(capsys: Capture) -> None:
    code, data = _doc_json(capsys, EXAMPLES / "writeups" / "slips.md")
    assert code == 1
    findings = _findings(data)
    assert ("1.4", 17, "refuted") in findings  # a sign flip in a middle step
    assert ("5.3", 51, "refuted") in findings  # a dropped factor
    assert ("2.4", 0, "refuted") in findings  # a wrong final answer
    assert ("2.3", 0, "refuted") in findings  # an index slip
    assert not any(status == "error" for _, _, status in findings)


def test_the_notebook_write_up_reports_its_sign_slip_at_its_cell_and_line(
        capsys: Capture) -> None:
    code, data = _doc_json(capsys, EXAMPLES / "writeups" / "slips.ipynb")
    assert code == 1
    items = {item["id"]: item for item in data["results"]}  # type: ignore[union-attr]
    bad = [(s["cell"], s["line"]) for s in items["1.4"]["steps"] if s["status"] == "refuted"]
    assert bad[0] == (2, 7)
    assert items["1.6"]["status"] == "verified"


# -- the command and hostile files ------------------------------------------------------


def test_text_output_is_one_line_per_finding_like_a_linter(tmp_path: Path, capsys: Capture) -> None:
    path = tmp_path / "w.md"
    path.write_text("## Answer 1.4\n$$\\frac{\\partial L_{CE}}{\\partial a} = -y(1-f) - (1-y)f = f - y$$\n")
    assert main(["doc", "--color", "never", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:2: 1.4 step 1→2 refuted: f = " in out
    assert f"{path}:2: 1.4 refuted" in out


def test_junit_output_parses(tmp_path: Path, capsys: Capture) -> None:
    path = tmp_path / "w.md"
    path.write_text("## Answer 1.4\n$$\\frac{\\partial L_{CE}}{\\partial a} = f - y$$\n")
    assert main(["doc", "--format", "junit", str(path)]) == 0
    root = ET.fromstring(capsys.readouterr().out)
    assert root.get("tests") == "1" and root.get("failures") == "0"


def test_files_that_are_not_write_ups_are_errors_for_that_file_alone(
        tmp_path: Path, capsys: Capture) -> None:
    pdf = tmp_path / "answers.pdf"
    pdf.write_bytes(b"%PDF-1.4 binary")
    good = tmp_path / "good.md"
    good.write_text("## Answer 1.4\n$$\\frac{\\partial L_{CE}}{\\partial a} = f - y$$\n")
    notebook = tmp_path / "bad.ipynb"
    notebook.write_text("[" * 100_000)
    code, data = _doc_json(capsys, pdf, good, notebook)
    assert code == 2
    results = data["results"]
    assert isinstance(results, list)
    errors = {Path(item["file"]).name: item["reason"] for item in results if item["id"] is None}
    assert ".tex, .md and .ipynb" in errors["answers.pdf"]
    assert "bad.ipynb" in errors
    assert any(item["id"] == "1.4" and item["status"] == "verified" for item in results)


def test_a_missing_file_is_a_usage_error(tmp_path: Path, capsys: Capture) -> None:
    assert main(["doc", str(tmp_path / "nope.tex")]) == 4
    assert "no such file" in capsys.readouterr().err


def test_input_is_never_followed_and_macros_never_run(tmp_path: Path, capsys: Capture) -> None:
    secret = tmp_path / "secret.tex"
    secret.write_text("\\textbf{Answer 1.4} $\\frac{\\partial L_{CE}}{\\partial a} = f - y$\n")
    path = tmp_path / "w.tex"
    path.write_text(f"\\input{{{secret}}}\n\\newcommand{{\\ans}}{{f - y}}\n"
                    "\\textbf{Answer 1.6} $\\boxed{\\ans}$\n")
    code, data = _doc_json(capsys, path)
    items = {item["id"]: item for item in data["results"]}  # type: ignore[union-attr]
    assert "1.4" not in items  # the \input file was never read
    assert items["1.6"]["status"] == "error"  # \ans is not expanded: no answer in a known language
    assert code == 2


def test_grade_takes_write_ups_next_to_answer_files(tmp_path: Path, capsys: Capture) -> None:
    doc = tmp_path / "ada.md"
    doc.write_text("## Answer 1.4\n$$\\frac{\\partial L_{CE}}{\\partial a} = f - y$$\n")
    toml = tmp_path / "bob.toml"
    toml.write_text('name = "Bob"\n[answers]\n"1.4" = "y - f"\n')
    pdf = tmp_path / "eve.pdf"
    pdf.write_bytes(b"%PDF")
    argv = ["grade", "--format", "json", "--no-cache", str(doc), str(toml), str(pdf), "--only", "1.4"]
    assert main(argv) == 2
    data = json.loads(capsys.readouterr().out)
    by_file = {(Path(i["file"]).name, i["status"]) for i in data["results"]}
    assert ("ada.md", "verified") in by_file and ("bob.toml", "refuted") in by_file
    assert ("eve.pdf", "error") in by_file


def test_students_read_their_own_links_with_lines_but_no_truth() -> None:
    from checker.model.course import for_students
    from checker.model.question import AnswerKind

    v = checked("## Answer 1.4\n"
                "$$\\frac{\\partial L_{CE}}{\\partial a} = -y(1-f) + (1-y)f$$\n"
                "$$= -y(1-f) - (1-y)f$$\n"
                "$$= f + y$$\n")["1.4"]
    shown = for_students(v, AnswerKind.EXPRESSION)
    assert [(s.line, s.status.value) for s in shown.steps] == [
        (2, "verified"), (3, "refuted"), (4, "refuted")]
    assert all(s.counterexample is None or s.counterexample.truth == "" for s in shown.steps)
    assert shown.counterexample is not None and shown.counterexample.truth == ""
    assert shown.notes == () and "f - y" not in repr(shown)


# -- found in review: padding, other displays, other letters, conventions, numbering -------

_A56 = (r"\sum_{i=1}^{|\mathbf{a}^2|} (\nabla_{\mathbf{a}^2} L)_i \frac{\partial a_i^2}{\partial h_n^1}")
_V56 = r"(\nabla_{\boldsymbol{a}^2} L * \operatorname{flip}(\boldsymbol{w}^2))_n"


@pytest.mark.parametrize("chain", [
    f"{_A56} = {_V56}",  # the bound written |a^2|, as the assignment prints it
    f"{_A56} = (({_V56}))^{{1}}",
    f"{_A56} = \\frac{{2{_V56}}}{{2}}",
])
def test_the_identity_restated_with_padding_is_not_shown_in_5_6(chain: str) -> None:
    v = checked(f"## Answer 5.6\n$${chain}$$\n")["5.6"]
    assert v.status is Status.UNDECIDED and "assumes what is to be shown" in v.reason


@pytest.mark.parametrize("middle", [
    r"\left(" + _RIGHT + r"\right)^{1}",
    r"\frac{e^{c}}{e^{c}} " + _RIGHT,
    r"\frac{e^{x_i + c - c}}{\sum_{j=1}^{K} e^{x_j + c - c}}",
    r"\frac{2 e^{x_i + c}}{2 \sum_{j=1}^{K} e^{x_j + c}}",
])
def test_padding_is_not_a_rewriting_in_2_1(middle: str) -> None:
    v = checked(f"## Answer 2.1\n$${_LEFT} = {middle} = {_RIGHT}$$\n")["2.1"]
    assert v.status is Status.UNDECIDED and "assumes what is to be shown" in v.reason


def test_every_display_of_a_derivation_block_is_read() -> None:
    v = checked(f"## Answer 2.1\n$${_LEFT} = {_MIDDLE} = {_RIGHT}$$\nAlso\n"
                "$$e^{x_1 + c} = e^{x_1} + e^{c}$$\n")["2.1"]
    assert v.status is Status.REFUTED
    assert (4, "refuted") in steps_of(v)


def test_a_derivation_for_another_entry_letter_is_read_for_the_identitys_entry() -> None:
    left, right = r"S(\boldsymbol{x}+c)_k", r"S(\boldsymbol{x})_k"
    middle = r"\frac{e^{c} e^{x_k}}{e^{c} \sum_{j=1}^{K} e^{x_j}}"
    assert checked(f"## Answer 2.1\n$${left} = {middle} = {right}$$\n")["2.1"].status is Status.VERIFIED
    assumed = checked(f"## Answer 2.1\n$${left} = {right}$$\n")["2.1"]
    assert assumed.status is Status.UNDECIDED


def test_a_quantity_defined_up_to_a_factor_holds_in_either_convention() -> None:
    chain = (r"\frac{\partial L_{MSE}}{\partial a} = "
             r"\frac{\partial L_{MSE}}{\partial f}\frac{\partial f}{\partial a}")
    ours = checked(f"## Answer 1.6\n$${chain} = 2(f-y)f(1-f)$$\n")["1.6"]
    assert ours.status is Status.VERIFIED
    flipped = checked(f"## Answer 1.6\n$${chain} = -2(f-y)f(1-f)$$\n")["1.6"]
    assert flipped.status is Status.REFUTED
    exact = checked("## Answer 1.6\n$$\\frac{\\partial L_{MSE}}{\\partial f} = 2(f-y) = f - y$$\n"
                    "$$\\frac{\\partial L_{MSE}}{\\partial a} = (f-y)f(1-f)$$\n")["1.6"]
    assert (2, "refuted") in steps_of(exact)  # between the person's own steps: exact


def test_template_items_written_with_their_numbers_answer_those_questions() -> None:
    markdown = checked("## Answer 1.\n\n3. So $L_{CE} = -y\\log(f) - (1-y)\\log(1-f)$.\n\n"
                       "4. Then $\\frac{\\partial L_{CE}}{\\partial a} = f - y$.\n")
    assert set(markdown) == {"1.3", "1.4"}
    latex = checked("\\textbf{Answer 1.}\n\\begin{enumerate}\n\\item[4.] "
                    "$\\frac{\\partial L_{CE}}{\\partial a} = f - y$\n\\end{enumerate}\n", "w.tex")
    assert set(latex) == {"1.4"} and latex["1.4"].status is Status.VERIFIED


def test_a_mode_takes_the_last_formula_after_its_word() -> None:
    v = checked("## Answer 4.3\nFull: $[1, 2]$ was my first try. Corrected full: $[1, 2, 5, 8, 6, 8]$.\n")
    assert v["4.3.full"].status is Status.VERIFIED


_Y_SIGMA = (r"y(x, \Theta, \sigma)_{k} = \sum_{j=1}^{M} \omega_{kj}^{(2)} \sigma \left(\sum_{i=1}^{D} "
            r"\omega_{ji}^{(1)} x_{i} + \omega_{j0}^{(1)} \right) + \omega_{k0}^{(2)}")
_Y_TANH = (r"= \sum_{j=1}^{M} \tilde{\omega_{kj}}^{(2)} \tanh \left(\sum_{i=1}^{D} "
           r"\tilde{\omega_{ji}}^{(1)} x_{i} + \tilde{\omega_{j0}}^{(1)} \right) + \tilde{\omega_{k0}}^{(2)} "
           r"= y(x, \Theta', \tanh)_{k}")
_WHERE = (r"where $\tilde{\omega_{ji}}^{(1)} = \frac{\omega_{ji}^{(1)}}{2}$, "
          r"$\tilde{\omega_{kj}}^{(2)} = \frac{\omega_{kj}^{(2)}}{2}$ for $j \ge 1$, and "
          r"$\tilde{\omega_{k0}}^{(2)} = \omega_{k0}^{(2)} + \sum_{j=1}^{M} \frac{\omega_{kj}^{(2)}}{2}$.")


def test_question_3_reads_its_parts_and_a_bias_stated_on_its_own() -> None:
    head = f"\\textbf{{Answer 3.}}\n\\[ {_Y_SIGMA} \\]\n\\[ {_Y_TANH} \\]\n"
    right = checked(f"{head}{_WHERE}\n", "w.tex")["3"]
    assert right.status is Status.VERIFIED, right.reason
    # the first layer's bias stated unhalved: part W1 at i = 0, so the answer is wrong
    unhalved = _WHERE.replace("where ", r"where $\tilde{\omega_{j0}}^{(1)} = \omega_{j0}^{(1)}$, ")
    wrong = checked(f"{head}{unhalved}\n", "w.tex")["3"]
    assert wrong.status is Status.REFUTED


def test_a_part_stated_twice_differently_is_no_answer() -> None:
    first = r"Take $\tilde{\omega_{ji}}^{(1)} = \omega_{ji}^{(1)}$."
    v = checked(f"\\textbf{{Answer 3.}}\n{first}\n\\[ {_Y_SIGMA} \\]\n{_WHERE}\n", "w.tex")["3"]
    assert v.status is Status.ERROR and "stated twice" in v.reason


def test_the_bias_of_a_sum_from_zero_is_the_stated_b2() -> None:
    summed = r"\[ \sum_{j=0}^{M} \tilde{\omega_{kj}}^{(2)} = \sum_{j=0}^{M} \frac{\omega_{kj}^{(2)}}{2} \]"
    v = checked(f"\\textbf{{Answer 3.}}\n\\[ {_Y_SIGMA} \\]\n{summed}\n{_WHERE}\n", "w.tex")["3"]
    assert v.status is Status.REFUTED and (3, "refuted") in steps_of(v)


def test_a_sum_without_bounds_is_never_read_as_less_than_it_says() -> None:
    v = checked("## Answer 2.4\n$$\\frac{\\partial S(\\boldsymbol{x})_i}{\\partial x_j} = "
                "\\frac{\\delta_{ij} \\exp(x_i) \\sum_k \\exp(x_k) - \\exp(x_i) \\exp(x_j)}"
                "{\\sum_k \\exp(x_k)^2}$$\nSo $\\mathbf{Diag}(p) - pp^{\\top}$.\n")["2.4"]
    assert v.status is Status.ERROR  # `\sum_k e^{x_k}^2` is not `(\sum_k e^{x_k})^2`
    assert "dcnotation" not in repr(v)


def test_a_loss_written_with_one_argument_is_the_loss() -> None:
    verdicts = checked("## Answer 1.5\n$$L_{MSE}(f) = \\frac{1}{2}(f - y)^2$$\n\n## Answer 1.3\n"
                       "$$L_{CE}(f(\\boldsymbol{x},\\boldsymbol{\\theta})) = "
                       "-y\\log(f) - (1-y)\\log(1-f)$$\n")
    assert verdicts["1.5"].status is Status.VERIFIED and verdicts["1.3"].status is Status.VERIFIED


def test_the_output_size_for_one_layers_numbers_is_not_compared_with_o() -> None:
    v = checked("## Answer 4.1\n"
                "$$o = \\left\\lfloor \\frac{128 + 2 \\cdot 3 - 8}{2} \\right\\rfloor + 1 = 64$$\n"
                "So $\\boxed{64 \\times 32 \\times 32}$.\n")["4.1"]
    assert steps_of(v) == [(2, "undecided"), (2, "verified")]
    assert v.steps[0].status is Status.UNDECIDED and "one layer" in v.steps[0].method


def test_the_bias_trick_names_x_0_instead_of_refuting_at_a_made_up_input() -> None:
    bias_trick = (r"y(x, \Theta, \sigma)_{k} = \sum_{j=1}^{M} \omega_{kj}^{(2)} \sigma \left("
                  r"\sum_{i=0}^{D} \omega_{ji}^{(1)} x_{i} \right) + \omega_{k0}^{(2)}")
    v = checked(f"\\textbf{{Answer 3.}} With $x_0 = 1$,\n\\[ {bias_trick} \\]\n\\[ {_Y_TANH} \\]\n{_WHERE}\n",
                "w.tex")["3"]
    assert v.status is Status.ERROR
    assert [(s.line, s.status.value) for s in v.steps][:2] == [(2, "error"), (3, "error")]
    assert "x_0 is not an entry" in v.steps[0].method


# -- found in the third review: padding in answer files, definitions as ends, students ---

_L21 = "exp(x[i] + c)/Sum(exp(x[j] + c), (j, 1, K))"
_R21 = "exp(x[i])/Sum(exp(x[j]), (j, 1, K))"


@pytest.mark.parametrize("padded", [
    f"{_R21}*exp(0)", f"{_R21}*abs(1)", f"{_R21} + c*0", "exp(x[i] + 0*c)/Sum(exp(x[j]), (j, 1, K))",
    f"Sum({_R21}, (m, 1, 1))",
    # Empty sums and sums over one value, with sizes in their bounds (the third review of
    # this session: an empty sum is 0 everywhere now, so it is padding here too).
    f"{_R21} + Sum(1, (j, K + 2, K))", f"{_R21} + Sum(x[j], (j, K + 1, K))", f"{_R21}*Sum(1, (j, K, K))",
])
def test_padding_never_passes_for_a_rewriting_in_answer_files(padded: str) -> None:
    from checker.run.api import check_answer

    v = check_answer("2.1", f"{_L21} = {padded}")
    assert v.status is Status.UNDECIDED and "assumes what is to be shown" in v.reason
    like_terms = check_answer("2.1", f"exp(x[i] + 2*c - c)/Sum(exp(x[j] + c), (j, 1, K)) = {_R21}")
    assert like_terms.status is Status.UNDECIDED


def test_a_one_step_chain_is_told_it_needs_two() -> None:
    from checker.run.api import check_answer

    v = check_answer("5.3", "fullconv[n]")
    assert v.status is Status.UNDECIDED and "at least two steps" in v.reason


def test_students_read_why_a_chain_shows_nothing_and_never_the_reading_of_notation() -> None:
    from checker.model.course import for_students
    from checker.model.question import AnswerKind

    start = r"(\nabla_{\mathbf{h}^1} L)_n = \sum_{i=1}^{|\mathbf{a}^2|} (\nabla_{\mathbf{a}^2} L)_i"
    right = r"(\nabla_{\mathbf{a}^2} L \ \tilde{*} \ \operatorname{flip}(\boldsymbol{w}^2))_n"
    chain = f"{start} \\frac{{\\partial a_i^2}}{{\\partial h_n^1}} = {right}"
    v = checked(f"## Answer 5.3\n$${chain}$$\n")["5.3"]
    shown = for_students(v, AnswerKind.CHAIN)
    assert "d - k1 - k2 + 2" in v.parsed and shown.parsed == ""  # |a^2| is 5.1's answer
    assert shown.status is Status.UNDECIDED and shown.reason.startswith("assumes what is to be shown")


def test_a_write_up_whose_answer_holds_is_not_a_wrong_answer_in_the_overview() -> None:
    from checker.model.course import Course, PersonScore, QuestionScore
    from checker.model.grades import PersonResult
    from checker.model.verdict import ANSWER_HOLDS
    from checker.run.bounded import Limits
    from checker.run.overview import build_overview

    v = checked("## Answer 1.4\n"
                "$$\\frac{\\partial L_{CE}}{\\partial a} = -y(1-f) - (1-y)f = f - y$$\n")["1.4"]
    assert v.status is Status.REFUTED and ANSWER_HOLDS in v.notes
    course = Course.one_point_each("a", ("1.4",))
    person = PersonScore(PersonResult("A", "a.md", (v,)),
                         (QuestionScore("1.4", 0.0, 1.0, Status.REFUTED, False, verdict=v),))
    result = build_overview([person], course, assignment(), Limits(timeout=10, memory_mb=512),
                            DEFAULT_OPTIONS)
    assert result.wrong_answers == ()


def test_grade_names_a_pdf_as_a_file_it_does_not_read(tmp_path: Path, capsys: Capture) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(b"%PDF-1.4 ascii only")
    assert main(["grade", "--format", "json", "--no-cache", str(pdf)]) == 2
    item = json.loads(capsys.readouterr().out)["results"][0]
    assert item["status"] == "error" and ".toml answer files and .tex, .md and .ipynb" in item["reason"]


def test_a_link_between_steps_that_need_a_divisor_nonzero_is_not_verified() -> None:
    """SymPy cancels (i - 50)/(i - 50) while reading the step: the link is proved for the
    cancelled form, but the step as written is undefined at i = 50, as an answer would be."""
    verdicts = checked("**Answer 4.1.**\n\n"
                       "$$ o = \\frac{(i-50)\\left(\\left\\lfloor \\frac{i + 2p - k}{s} \\right\\rfloor "
                       "+ 1\\right)}{i - 50} $$\n\n$$ 64 \\cdot 32 \\cdot 32 $$\n")
    v = verdicts["4.1"]
    assert v.status is Status.UNDECIDED
    (link,) = [s for s in v.steps if "→" in s.text or s.line == 3]
    assert link.status is Status.UNDECIDED
    assert "the steps as written need `i - 50` ≠ 0" in link.method


@pytest.mark.parametrize(("text", "qid"), [
    # 1 - σ(a) is e^{-a}/(1 + e^{-a}): never zero, so dividing by it needs nothing.
    ("**Answer 1.4.**\n\n$$\\frac{\\partial L_{CE}}{\\partial a} = \\left(-\\frac{y}{\\sigma(a)} + "
     "\\frac{1-y}{1-\\sigma(a)}\\right)\\sigma(a)(1-\\sigma(a)) = f - y$$\n", "1.4"),
    # e^{x_1} + a sum of exponentials from 2 to K >= 2 is positive.
    ("**Answer 2.3.**\n\n$$S(x)_i = \\frac{e^{x_i}}{e^{x_1} + \\sum_{j=2}^{K} e^{x_j}} = "
     "\\frac{e^{x_i-x_1}}{1 + \\sum_{j=2}^{K} e^{x_j-x_1}}$$\n\n$y_i = x_{i+1} - x_1$\n", "2.3"),
])
def test_a_divisor_that_is_never_zero_leaves_a_link_verified(text: str, qid: str) -> None:
    v = checked(text)[qid]
    assert v.status is Status.VERIFIED, v
    assert v.steps and all(s.status is Status.VERIFIED for s in v.steps)
