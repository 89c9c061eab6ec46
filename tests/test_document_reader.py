r"""checker.language.documents: a write-up (.tex, .md, .ipynb) to answer blocks of math.

Every rule has inputs that must match and inputs that must not; places are exact lines
(cell-relative in notebooks). Hostile input (caps, bad bytes, broken notebooks, file
and macro commands) must end in a DocumentError or a note, never a traceback.
"""

from __future__ import annotations

import contextlib
import json
import pickle
import subprocess
import sys
import time

import pytest

from checker.language.documents import (
    SUFFIXES,
    Block,
    Derivation,
    Document,
    DocumentCaps,
    DocumentError,
    Formula,
    Place,
    read_document,
)


def tex(source: str, caps: DocumentCaps = DocumentCaps()) -> Document:  # noqa: B008
    """Read LaTeX source."""
    return read_document("answers.tex", source.encode(), caps)


def md(source: str, caps: DocumentCaps = DocumentCaps()) -> Document:  # noqa: B008
    """Read Markdown source."""
    return read_document("answers.md", source.encode(), caps)


def notebook(*cells: tuple[str, str], minor: int = 4) -> bytes:
    """A notebook's bytes from (cell type, source) pairs."""
    def cell(kind: str, source: str) -> dict[str, object]:
        made: dict[str, object] = {"cell_type": kind, "metadata": {}, "source": source.splitlines(True)}
        if kind == "code":
            made.update(outputs=[], execution_count=None)
        return made
    data = {"cells": [cell(k, s) for k, s in cells], "metadata": {}, "nbformat": 4,
            "nbformat_minor": minor}
    return json.dumps(data).encode()


def labels(doc: Document) -> list[str]:
    return [b.label for b in doc.blocks]


def block(doc: Document, label: str) -> Block:
    (found,) = [b for b in doc.blocks if b.label == label]
    return found


def chain(derivation: Derivation) -> list[tuple[str, int]]:
    """A derivation's steps as (latex, line)."""
    return [(s.latex, s.place.line) for s in derivation.steps]


def chains(derivations: tuple[Derivation, ...]) -> list[list[str]]:
    return [[s.latex for s in d.steps] for d in derivations]


# --- the public data -------------------------------------------------------------------


def test_place_describes_file_lines_and_notebook_cells() -> None:
    assert Place(57).describe() == "57"
    assert Place(2, cell=4).describe() == "cell 4, line 2"


def test_document_error_keeps_its_fields_and_pickles() -> None:
    error = DocumentError("line 3: bad", Place(3), "$$ x", hint="close it")
    assert str(error) == "line 3: bad"
    assert (error.message, error.place, error.excerpt, error.hint) == ("line 3: bad", Place(3), "$$ x",
                                                                       "close it")
    again = pickle.loads(pickle.dumps(error))
    assert (str(again), again.place, again.excerpt, again.hint) == ("line 3: bad", Place(3), "$$ x",
                                                                    "close it")


def test_suffixes_and_caps_defaults() -> None:
    assert SUFFIXES == (".tex", ".md", ".ipynb")
    caps = DocumentCaps()
    assert (caps.max_bytes, caps.max_formulas, caps.max_formula_chars, caps.max_blocks, caps.max_cells) == (
        2_000_000, 5_000, 20_000, 1_000, 5_000)


# --- suffixes and bytes ----------------------------------------------------------------


@pytest.mark.parametrize("name, kind", [("a.tex", "tex"), ("A.TEX", "tex"), ("dir/a.latex", "tex"),
                                        ("a.md", "md"), ("a.Markdown", "md"), ("a.ipynb", "ipynb"),
                                        ("a.IPYNB", "ipynb")])
def test_the_suffix_chooses_the_reader(name: str, kind: str) -> None:
    data = notebook() if kind == "ipynb" else b"no answers"
    assert read_document(name, data).kind == kind


@pytest.mark.parametrize("name", ["x.pdf", "x.docx", "x.txt", "x", "x.tex.pdf", "x.toml", "tex"])
def test_other_suffixes_are_refused_with_a_hint(name: str) -> None:
    with pytest.raises(DocumentError) as caught:
        read_document(name, b"\\section{Answer 1}")
    assert str(caught.value) == f"`{name}` is not a write-up derivcheck can read"
    assert caught.value.hint == ("derivcheck reads .tex, .md and .ipynb write-ups and .toml answer files; "
                                 "export the write-up's source")


def test_bad_utf8_names_the_line_of_the_first_bad_byte() -> None:
    data = b"% derivcheck: 1\n$a$\nok \xff bad\n\xfe"
    with pytest.raises(DocumentError) as caught:
        read_document("a.tex", data)
    assert caught.value.place == Place(3)
    assert "line 3" in str(caught.value) and "0xff" in str(caught.value)


def test_bad_utf8_counts_crlf_lines_once() -> None:
    with pytest.raises(DocumentError) as caught:
        read_document("a.md", b"one\r\ntwo\r\n\xc3(")
    assert caught.value.place == Place(3)


def test_a_bom_is_accepted_and_does_not_shift_anything() -> None:
    doc = read_document("a.tex", "\ufeff% derivcheck: 1\n\\[ a = b \\]\n".encode())
    assert chain(block(doc, "1").derivations[0]) == [("a", 2), ("b", 2)]


def test_a_nul_byte_is_refused_with_its_line() -> None:
    with pytest.raises(DocumentError) as caught:
        read_document("a.md", b"fine\nnot\x00fine")
    assert caught.value.place == Place(2)


def test_crlf_and_cr_line_ends_give_the_same_lines() -> None:
    for end in ("\r\n", "\r"):
        doc = tex(end.join(["% derivcheck: 1", "\\[", "a", "= b", "\\]"]))
        assert chain(block(doc, "1").derivations[0]) == [("a", 3), ("b", 4)]


# --- finding blocks: markers -----------------------------------------------------------


def test_latex_marker_starts_a_block() -> None:
    doc = tex("intro $x$\n% derivcheck: 1.4\n$f - y$\n  %derivcheck:2\n$a$\n")
    assert labels(doc) == ["1.4", "2"]
    assert [b.how for b in doc.blocks] == ["marker", "marker"]
    assert block(doc, "1.4").place == Place(2)
    assert chains(block(doc, "1.4").inline) == [["f - y"]]
    assert chains(block(doc, "2").inline) == [["a"]]


@pytest.mark.parametrize("line", ["% derivcheck 1.4", "% derivcheck: one", "\\% derivcheck: 1.4",
                                  "text % derivcheck: 1.4", "% derivcheck: 1.4a", "% checker: 1.4"])
def test_latex_lines_that_are_not_markers(line: str) -> None:
    assert labels(tex(f"{line}\n$f$\n")) == []


def test_a_marker_that_names_no_label_is_noted() -> None:
    doc = tex("% derivcheck: softmax\n")
    assert any("line 1: marker `softmax`" in note for note in doc.notes)


def test_markdown_marker_starts_a_block_and_code_hides_one() -> None:
    doc = md("<!-- derivcheck: 1.4 -->\n$f - y$\n\n```\n<!-- derivcheck: 9 -->\n```\n"
             "`<!-- derivcheck: 8 -->`\n<!-- derivcheck 7 -->\n$g$\n")
    assert labels(doc) == ["1.4"]
    assert block(doc, "1.4").how == "marker"
    assert chains(block(doc, "1.4").inline) == [["f - y"], ["g"]]


# --- finding blocks: headings and bold leads -------------------------------------------


@pytest.mark.parametrize("line", [
    "\\section{Answer 1.4}", "\\section*{Question 1.4:}", "\\subsection{1.4}", "\\subsection*{answer 1.4.}",
    "\\subsubsection{1.4}", "\\subsubsection*{QUESTION 1.4}", "\\paragraph{Answer 1.4.}",
    "\\textbf{Answer 1.4}", "  \\textbf{1.4.}", "\\noindent\\textbf{Answer 1.4:}", "\\section[short]{1.4}",
    "\\section*{\\textbf{Answer 1.4}}",
])
def test_latex_headings_and_bold_leads_start_blocks(line: str) -> None:
    doc = tex(f"{line}\nThe result is $f - y$.\n")
    assert labels(doc) == ["1.4"] and doc.blocks[0].how == "heading"
    assert doc.blocks[0].place == Place(1)
    assert chains(doc.blocks[0].inline) == [["f - y"]]


@pytest.mark.parametrize("line", [
    "\\section{Introduction}", "\\section{1.4 Softmax}", "\\section{Problem 1.4}", "\\textbf{1.4a}",
    "so \\textbf{Answer 1.4}", "\\emph{Answer 1.4}", "Answer 1.4", "\\section{Answer 1.4 and 1.5}",
    "\\textbf{Answer}", "\\item \\textbf{Answer 1.4}",
])
def test_latex_lines_that_start_no_block(line: str) -> None:
    assert labels(tex(f"{line}\n$f$\n")) == []


@pytest.mark.parametrize("line", ["# Answer 1.4", "## Question 1.4:", "### 1.4", "#### answer 1.4.",
                                  "##### 1.4", "###### 1.4", "## **Answer 1.4**", "**Answer 1.4**",
                                  "__1.4:__", "**Answer 1.4.** The result:", "   ## 1.4 ##"])
def test_markdown_headings_and_bold_leads_start_blocks(line: str) -> None:
    doc = md(f"{line}\n$f - y$\n")
    assert labels(doc) == ["1.4"] and doc.blocks[0].how == "heading"
    assert chains(doc.blocks[0].inline) == [["f - y"]]


@pytest.mark.parametrize("line", ["## 1.4 Softmax", "#1.4", "####### 1.4", "    # 1.4", "so **Answer 1.4**",
                                  "*Answer 1.4*", "``` \n# 1.4\n```", "`# 1.4`", "## Problem 1.4",
                                  "**Answer** 1.4"])
def test_markdown_lines_that_start_no_block(line: str) -> None:
    assert labels(md(f"{line}\n$f$\n")) == []


def test_a_bold_lead_is_not_collected_as_bold_but_later_bold_is() -> None:
    doc = tex("\\textbf{Answer 1.2} The loss is \\textbf{cross-entropy}.\n")
    assert [f.latex for f in block(doc, "1.2").boxed] == ["cross-entropy"]
    assert block(doc, "1.2").sentences[0].text == "The loss is cross-entropy."


# --- where blocks end ------------------------------------------------------------------


def test_a_heading_that_starts_no_block_ends_the_block() -> None:
    doc = tex("\\section{Answer 1}\n$a$\n\\section{Appendix}\n$b$\n\\section{2}\n$c$\n")
    assert labels(doc) == ["1", "2"]
    assert chains(block(doc, "1").inline) == [["a"]] and chains(block(doc, "2").inline) == [["c"]]
    assert any("1 formula(s) outside every answer block" in n and "line 4" in n for n in doc.notes)


def test_a_deeper_heading_stays_in_the_block_a_same_level_one_ends_it() -> None:
    doc = md("## Answer 1\n$a$\n### Derivation\n$b$\n## Notes\n$c$\n")
    assert chains(block(doc, "1").inline) == [["a"], ["b"]]
    doc = tex("\\subsection{1}\n$a$\n\\subsubsection{Working}\n$b$\n\\section{End}\n$c$\n")
    assert chains(block(doc, "1").inline) == [["a"], ["b"]]


def test_marker_and_bold_blocks_end_at_any_section_heading_not_at_a_paragraph_title() -> None:
    doc = tex("% derivcheck: 1\n\\paragraph{Proof.} $a$\n\\subsubsection{Aside}\n$b$\n")
    assert chains(block(doc, "1").inline) == [["a"]]
    assert block(doc, "1").sentences[0].text.startswith("Proof.")
    doc = md("**1.4**\n$a$\n###### aside\n$b$\n")
    assert chains(block(doc, "1.4").inline) == [["a"]]


def test_the_next_block_start_ends_a_block_and_math_before_any_block_is_ignored() -> None:
    doc = md("$$ z = 1 $$\n\n# Answer 1\n$$ a = b $$\n<!-- derivcheck: 2 -->\n$$ c $$\n")
    assert chains(block(doc, "1").derivations) == [["a", "b"]]
    assert chains(block(doc, "2").derivations) == [["c"]]


def test_a_document_without_blocks_says_how_to_mark_them() -> None:
    doc = tex("$a = b$\n")
    assert doc.blocks == () and any("no answer block found" in n for n in doc.notes)


def test_the_same_label_twice_gives_two_blocks() -> None:
    assert labels(tex("\\section{1}\n$a$\n\\section{1}\n$b$\n")) == ["1", "1"]


# --- the course template ---------------------------------------------------------------

COURSE = r"""\textbf{Answer 2.}
\begin{enumerate}
\item Let $K$ be the dimensionality of $\boldsymbol{x}$. For $i \in \{1, ..., K\}$,
\[ S(\boldsymbol{x}+c)_i = \frac{\exp(x_i+c)}{\sum_{j=1}^K \exp(x_j+c)} \]
\[ = \frac{\exp(c)\exp(x_i)}{\sum_{j=1}^K \exp(c)\exp(x_j)} \]
\[ = S(\boldsymbol{x})_i \]
\item Let $z = x_1 - x_2$.
\[ \sigma(z) = \frac{1}{1 + \exp(-x_1 + x_2)} = S(\boldsymbol{x})_1 \]
\end{enumerate}
"""


def test_the_course_template_in_latex() -> None:
    doc = tex(COURSE)
    assert labels(doc) == ["2.1", "2.2"]
    first, second = doc.blocks
    assert (first.how, first.place, second.place) == ("template", Place(3), Place(7))
    assert len(first.derivations) == 1
    assert chain(first.derivations[0]) == [
        (r"S(\boldsymbol{x}+c)_i", 4),
        (r"\frac{\exp(x_i+c)}{\sum_{j=1}^K \exp(x_j+c)}", 4),
        (r"\frac{\exp(c)\exp(x_i)}{\sum_{j=1}^K \exp(c)\exp(x_j)}", 5),
        (r"S(\boldsymbol{x})_i", 6),
    ]
    assert first.derivations[0].display and first.derivations[0].place == Place(4)
    assert chains(first.inline) == [["K"], [r"\boldsymbol{x}"], [r"i \in \{1, ..., K\}"]]
    assert chains(second.inline) == [["z", "x_1 - x_2"]]
    assert [s.place for s in second.inline[0].steps] == [Place(7), Place(7)]
    assert chains(second.derivations) == [[r"\sigma(z)", r"\frac{1}{1 + \exp(-x_1 + x_2)}",
                                           r"S(\boldsymbol{x})_1"]]
    assert [s.text for s in first.sentences] == [r"Let $K$ be the dimensionality of $\boldsymbol{x}$.",
                                                 r"For $i \in \{1, ..., K\}$,"]


def test_template_text_before_the_list_stays_in_block_n_and_nested_lists_stay_in_their_item() -> None:
    doc = tex("\\section*{Question 3}\nWe use $u = v$.\n\\begin{enumerate}\n\\item $a$\n"
              "\\begin{enumerate}\\item $b$ \\item $c$\\end{enumerate}\n"
              "\\begin{itemize}\\item $d$\\end{itemize}\n"
              "\\item[(b)] $e$\n\\end{enumerate}\nAfter the list $g$.\n")
    assert labels(doc) == ["3", "3.1", "3.2"]
    assert chains(block(doc, "3").inline) == [["u", "v"]]
    assert chains(block(doc, "3.1").inline) == [["a"], ["b"], ["c"], ["d"]]
    assert chains(block(doc, "3.2").inline) == [["e"], ["g"]]


def test_template_list_options_are_not_prose() -> None:
    doc = tex("\\textbf{Answer 2.}\n\\begin{enumerate}[label=(\\alph*)]\n\\item Hence $a$.\n"
              "\\end{enumerate}\n")
    assert [s.text for s in block(doc, "2.1").sentences] == ["Hence $a$."]


def test_formulas_with_nothing_but_equals_signs_are_left_out() -> None:
    doc = tex("% derivcheck: 1\nthe $=$ sign, $ $ and \\[ \\] and \\[ = \\] and $a =$\n")
    assert chains(block(doc, "1").inline) == [["a", ""]]
    assert block(doc, "1").derivations == ()


def test_template_with_no_list_is_one_block() -> None:
    doc = tex("\\textbf{Answer 5.}\n\\[ a = b \\]\n\\begin{itemize}\\item $c$\\end{itemize}\n")
    assert labels(doc) == ["5"] and chains(block(doc, "5").inline) == [["c"]]


def test_a_dotted_label_or_a_marker_is_never_a_template() -> None:
    doc = tex("\\textbf{Answer 1.4}\n\\begin{enumerate}\\item $a$ \\item $b$\\end{enumerate}\n")
    assert labels(doc) == ["1.4"]
    doc = tex("% derivcheck: 2\n\\begin{enumerate}\\item $a$ \\item $b$\\end{enumerate}\n")
    assert labels(doc) == ["2"] and chains(block(doc, "2").inline) == [["a"], ["b"]]


def test_template_list_after_another_block_start_is_not_the_templates() -> None:
    doc = tex("\\textbf{Answer 4.}\n% derivcheck: 4.3\n\\begin{enumerate}\\item $a$\\end{enumerate}\n")
    assert labels(doc) == ["4", "4.3"]  # an empty block is kept unless it is a template's number
    assert block(doc, "4") == Block("4", Place(1), "heading", (), (), (), ())
    assert chains(block(doc, "4.3").inline) == [["a"]]


def test_the_course_template_in_markdown() -> None:
    doc = md("## Answer 1\nFirst, the setup $s$.\n\n1. The loss:\n   $$ L = -y \\log f $$\n"
             "   - a bullet $q$\n   1. nested $n$\n2) Second:\n\n$$ = \\sigma(a) $$\n\n"
             "10. Third $t$\n# Other\n$o$\n")
    assert labels(doc) == ["1", "1.1", "1.2", "1.3"]
    assert [b.how for b in doc.blocks] == ["heading", "template", "template", "template"]
    assert chains(block(doc, "1").inline) == [["s"]]
    assert chains(block(doc, "1.1").derivations) == [["L", "-y \\log f"]]
    assert chains(block(doc, "1.1").inline) == [["q"], ["n"]]
    assert block(doc, "1.2").place == Place(8)
    assert chains(block(doc, "1.2").derivations) == [["\\sigma(a)"]]  # a continuation with nothing before
    assert chains(block(doc, "1.3").inline) == [["t"]]


def test_markdown_template_from_a_bold_lead_and_an_indented_list() -> None:
    doc = md("**Answer 3.**\n\n  1. $a$\n  2. $b$\n       3. $c$\n")
    assert labels(doc) == ["3.1", "3.2"]
    assert chains(block(doc, "3.2").inline) == [["b"], ["c"]]


def test_markdown_template_needs_an_ordered_list() -> None:
    doc = md("## Answer 6\n- $a$\n- $b$\n\n1.5 is not an item $c$\n")
    assert labels(doc) == ["6"]
    assert chains(block(doc, "6").inline) == [["a"], ["b"], ["c"]]


# --- formulas and steps ----------------------------------------------------------------


def test_each_step_is_placed_on_the_line_where_its_text_starts() -> None:
    doc = tex("% derivcheck: 1\n\\[\n A \n = B\n\\]\n$$ C\n  =\n  D = $$\n")
    first, second = block(doc, "1").derivations
    assert chain(first) == [("A", 3), ("B", 4)]
    assert chain(second) == [("C", 6), ("D", 8), ("", 8)]


@pytest.mark.parametrize("env", ["align", "align*", "eqnarray", "gather*", "alignat*"])
def test_align_rows_with_alignment_marks(env: str) -> None:
    mark = "&=&" if env == "eqnarray" else "&="
    arg = "{1}" if env.startswith("alignat") else ""
    doc = tex(f"% derivcheck: 1\n\\begin{{{env}}}{arg}\n L {mark} a \\label{{e1}} \\\\\n"
              f"   {mark} b \\nonumber\\\\[2pt]\n x {mark} y \\\\\n\\end{{{env}}}\n")
    derivations = block(doc, "1").derivations
    assert [chain(d) for d in derivations] == [[("L", 3), ("a", 3), ("b", 4)], [("x", 5), ("y", 5)]]


def test_a_row_that_begins_with_an_operator_joins_the_last_step() -> None:
    doc = tex("% derivcheck: 1\n\\begin{align*}\nL &= a + b \\\\\n  &\\quad + c \\\\\n  &\\quad - d = e\n"
              "\\end{align*}\n\\[ -x = y \\\\ -z \\]\n")
    assert chains(block(doc, "1").derivations) == [["L", "a + b + c - d", "e"], ["-x", "y"], ["-z"]]


def test_a_row_that_begins_with_an_ellipsis_does_not_join() -> None:
    doc = tex("% derivcheck: 1\n\\[ a = b \\\\ \\cdots = c \\]\n")
    assert chains(block(doc, "1").derivations) == [["a", "b"], [r"\cdots", "c"]]


def test_aligned_inside_a_display_is_read_as_rows_and_multline_is_one_row() -> None:
    doc = tex("% derivcheck: 1\n\\[ \\begin{aligned} a &= b \\\\ &= c \\end{aligned} \\]\n"
              "\\begin{equation} \\begin{split} d &= e \\\\ &= f \\end{split} \\end{equation}\n"
              "\\begin{multline*} g = h + i \\\\ + j \\end{multline*}\n")
    assert chains(block(doc, "1").derivations) == [["a", "b", "c"], ["d", "e", "f"], ["g", "h + i + j"]]


def test_a_display_that_begins_with_equals_continues_the_previous_display() -> None:
    doc = md("# 1\n$$ A = B $$\nbecause $u$ is small,\n\\[ = C \\]\n$$\n= D\n$$\n")
    (derivation,) = block(doc, "1").derivations
    assert chain(derivation) == [("A", 2), ("B", 2), ("C", 4), ("D", 6)]
    assert chains(block(doc, "1").inline) == [["u"]]


def test_a_first_display_that_begins_with_equals_is_noted() -> None:
    doc = tex("% derivcheck: 1\n$a$\n\\[ = C = D \\]\n")
    assert chains(block(doc, "1").derivations) == [["C", "D"]]
    assert any(n.startswith("line 3: a display in block 1 begins with `=`") for n in doc.notes)


def test_continuations_never_cross_blocks() -> None:
    doc = tex("% derivcheck: 1\n\\[ a = b \\]\n% derivcheck: 2\n\\[ = c \\]\n")
    assert chains(block(doc, "1").derivations) == [["a", "b"]]
    assert chains(block(doc, "2").derivations) == [["c"]]


def test_inline_formulas_are_split_but_never_continue_displays() -> None:
    doc = tex("% derivcheck: 1\n\\[ a = b \\] so $= c$ and \\(d = e = f\\) and \\$5 and "
              "\\begin{math}g=h\\end{math}\n")
    block1 = block(doc, "1")
    assert chains(block1.derivations) == [["a", "b"]]
    assert chains(block1.inline) == [["c"], ["d", "e", "f"], ["g", "h"]]
    assert all(not d.display for d in block1.inline)


@pytest.mark.parametrize("formula, steps", [
    (r"\frac{a=b}{c} = d", [r"\frac{a=b}{c}", "d"]),
    (r"f(x=1) = [y = 2]", ["f(x=1)", "[y = 2]"]),
    (r"\left( a = b \right) = c", [r"\left( a = b \right)", "c"]),
    (r"\begin{cases} 1 & x = 0 \\ 0 & \text{otherwise} \end{cases} = g",
     [r"\begin{cases} 1 & x = 0 \\ 0 & \text{otherwise} \end{cases}", "g"]),
    (r"a \le b = c", [r"a \le b", "c"]),
    (r"a <= b >= c != d", ["a <= b >= c != d"]),
    (r"a \ne b \neq c \leq d \not= e", [r"a \ne b \neq c \leq d \not= e"]),
    (r"z := x_1 - x_2", ["z", "x_1 - x_2"]),
    (r"a == b", ["a", "b"]),
    (r"a = = b", ["a", "", "b"]),
    (r"\begin{pmatrix} a & b \\ c & d \end{pmatrix} = M",
     [r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", "M"]),
    (r"x_{i=1} = \sum_{j=1}^{n} y_j", ["x_{i=1}", r"\sum_{j=1}^{n} y_j"]),
    (r"\leftarrow a = b", [r"\leftarrow a", "b"]),
])
def test_only_top_level_equals_signs_split(formula: str, steps: list[str]) -> None:
    doc = tex(f"% derivcheck: 1\n\\[ {formula} \\]\n")
    assert chains(block(doc, "1").derivations) == [steps]


@pytest.mark.parametrize("formula, steps", [
    (r"a = b \label{eq:1}", ["a", "b"]),
    (r"a = b \tag{3}", ["a", "b"]),
    (r"a = b \tag*{(*)} \notag", ["a", "b"]),
    (r"a = b \quad \text{by (1)}", ["a", "b"]),
    (r"a = b, \qquad \mbox{for all $i$}.", ["a", "b"]),
    (r"a = b, \qquad \text{for all } i.", ["a", "b"]),
    (r"a = b \quad \text{recall } g_i = 0 \text{ when } i < 1", ["a", "b"]),
    (r"a = b \text{ and } c", ["a", "b c"]),  # without a quad only the text goes: a known limit
    (r"a = b \textrm{ so }", ["a", "b"]),
    (r"a = b.", ["a", "b"]),
    (r"a = b;\,", ["a", "b"]),
    (r"a = b \quad", ["a", "b"]),
    (r"a = \left. f \right.", ["a", r"\left. f \right."]),
    (r"L_{\text{CE}} = f", [r"L_{\text{CE}}", "f"]),
    (r"g = \begin{cases} a, & \text{if } c \\ 0, & \text{otherwise} \end{cases}",
     ["g", r"\begin{cases} a, & \text{if } c \\ 0, & \text{otherwise} \end{cases}"]),
    (r"1.5 = x", ["1.5", "x"]),
])
def test_labels_tags_text_and_trailing_punctuation_are_removed(formula: str, steps: list[str]) -> None:
    doc = tex(f"% derivcheck: 1\n\\[ {formula} \\]\n")
    assert chains(block(doc, "1").derivations) == [steps]


def test_a_remark_after_a_quad_runs_to_the_end_of_its_row_only() -> None:
    doc = tex("% derivcheck: 1\n\\begin{align*}\na &= b \\quad \\text{since } b = c \\\\\n"
              "  &= \\left( d \\quad \\text{kept} \\right) \\qquad \\mbox{and} \\quad e = f\n\\end{align*}\n")
    assert chains(block(doc, "1").derivations) == [["a", "b", r"\left( d \quad \text{kept} \right)"]]


def test_intertext_is_removed_between_rows() -> None:
    doc = tex("% derivcheck: 1\n\\begin{align}\na &= b \\\\\n\\intertext{and so}\n &= c\n\\end{align}\n")
    assert chain(block(doc, "1").derivations[0]) == [("a", 3), ("b", 3), ("c", 5)]


def test_boxed_and_bold_are_collected_in_order() -> None:
    doc = tex("% derivcheck: 1.2\nThe loss is \\textbf{cross-entropy} and\n"
              "\\[ \\frac{\\partial L}{\\partial a} = \\boxed{f - y}. \\]\n$\\boxed{\\text{CE}}$\n")
    b = block(doc, "1.2")
    assert b.boxed == (Formula("cross-entropy", Place(2), False), Formula("f - y", Place(3), True),
                       Formula(r"\text{CE}", Place(4), False))
    assert chains(b.derivations) == [[r"\frac{\partial L}{\partial a}", "f - y"]]


def test_markdown_bold_is_collected_outside_math_only() -> None:
    doc = md("# 1.2\nIt is **cross-entropy**, __MSE__ is **$f - y$**.\n$a**b**$ and ** not bold ** and"
             " snake__case__x\n")
    assert [f.latex for f in block(doc, "1.2").boxed] == ["cross-entropy", "MSE", "f - y"]


def test_sentences_keep_inline_math_and_their_places() -> None:
    doc = md("# 1\nFirst we note\nthat $a = b$. Then,\ne.g. this holds!\n\n"
             "New paragraph\n$$ x $$\nafter display? Yes.\n")
    assert [(s.text, s.place.line) for s in block(doc, "1").sentences] == [
        ("First we note that $a = b$.", 2), ("Then, e.g. this holds!", 3), ("New paragraph", 6),
        ("after display?", 8), ("Yes.", 8)]


def test_latex_prose_is_plain_in_sentences() -> None:
    doc = tex("% derivcheck: 1\nWe have~\\emph{one} 50\\% \\label{x} result\\\\ here.\n")
    assert [s.text for s in block(doc, "1").sentences] == ["We have one 50% result here."]


# --- markdown: what is not math --------------------------------------------------------


def test_code_spans_fences_and_escaped_dollars_are_not_math() -> None:
    doc = md("# 1\nUse `$x$` or ``a ` $y$`` and\n```python\n$$ z $$\n```\n~~~\n$w$\n~~~\n"
             "costs \\$5 and $ 7 $ and 8$9.\n\n    $i$\n")
    assert chains(block(doc, "1").inline) == [["i"]]
    assert block(doc, "1").sentences[-2].text == "costs \\$5 and $ 7 $ and 8$9."


def test_an_unclosed_fence_runs_to_the_end_with_a_note() -> None:
    doc = md("# 1\n$a$\n```\n$$ b\n")
    assert chains(block(doc, "1").inline) == [["a"]]
    assert any("line 3: a code fence is never closed" in n for n in doc.notes)


def test_html_comments_are_not_math() -> None:
    doc = md("# 1\n<!-- $a$ -->\n$b$ <!-- unclosed $c$\n")
    assert chains(block(doc, "1").inline) == [["b"]]
    assert any("`<!--` is never closed" in n for n in doc.notes)


def test_markdown_environments_are_displays() -> None:
    doc = md("# 1\n\\begin{align*}\na &= b \\\\\n&= c\n\\end{align*}\n\\begin{proof} $d$\n")
    assert chains(block(doc, "1").derivations) == [["a", "b", "c"]]
    assert chains(block(doc, "1").inline) == [["d"]]


# --- unclosed formulas -----------------------------------------------------------------


@pytest.mark.parametrize("source, line, opener", [
    ("% derivcheck: 1\n\n$$ a = b\n\nmore\n", 3, "$$"),
    ("x\n\\[ a\n", 2, "\\["),
    ("x\ny \\begin{align} a &= b\n", 2, "\\begin{align}"),
    ("x $a\n\nb$\n", 1, "$"),
    ("x \\(a\n", 1, "\\("),
])
def test_an_unclosed_latex_formula_is_an_error_naming_its_line(source: str, line: int, opener: str) -> None:
    with pytest.raises(DocumentError) as caught:
        tex(source)
    assert caught.value.place == Place(line)
    assert str(caught.value).startswith(f"line {line}: `{opener}`")


@pytest.mark.parametrize("source, line", [("# 1\n$$ a\n", 2), ("\n\\[ a = b\n\n", 2),
                                          ("\\begin{equation*}\nx\n", 1)])
def test_an_unclosed_markdown_display_is_an_error_naming_its_line(source: str, line: int) -> None:
    with pytest.raises(DocumentError) as caught:
        md(source)
    assert caught.value.place == Place(line)


def test_an_unclosed_markdown_inline_dollar_is_a_dollar_sign() -> None:
    doc = md("# 1\nit costs $5\n\nand \\(x $y$\n")
    assert chains(block(doc, "1").inline) == [["y"]]


# --- commands that are never followed --------------------------------------------------


def test_input_is_not_followed_and_nothing_of_the_file_appears() -> None:
    source = "\\input{/etc/passwd}\n\\input /etc/passwd\n% derivcheck: 1\n$\\input{/etc/passwd}$\n" \
             "\\include{/etc/hostname} $a$\n"
    doc = tex(source)
    assert doc.notes[:2] == ("line 1: \\input{/etc/passwd} is not followed",
                             "line 2: \\input /etc/passwd is not followed")
    assert any(n.startswith("line 5: \\include{/etc/hostname} is not followed") for n in doc.notes)
    text = repr(doc)
    assert "root:" not in text and "/bin/" not in text
    assert "input" not in repr(doc.blocks)
    assert chains(block(doc, "1").inline) == [["a"]]


@pytest.mark.parametrize("command, verdict", [
    ("\\newcommand{\\R}{\\mathbb{R}}", "is not expanded"),
    ("\\renewcommand*\\vec[1]{\\mathbf{#1}}", "is not expanded"),
    ("\\def\\half#1{\\frac{#1}{2}}", "is not expanded"), ("\\let\\a=\\b", "is not expanded"),
    ("\\immediate\\write18{rm -rf /}", "is not run"),
])
def test_macro_file_and_shell_commands_are_blanked_with_a_note(command: str, verdict: str) -> None:
    doc = tex(f"% derivcheck: 1\n{command} Done $a$.\n")
    assert any(n.startswith("line 2: \\") and verdict in n for n in doc.notes)
    assert [s.text for s in block(doc, "1").sentences] == ["Done $a$."]
    assert chains(block(doc, "1").inline) == [["a"]]


def test_a_preamble_is_blanked_without_a_note() -> None:
    doc = tex("\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n% derivcheck: 1\nDone $a$.\n")
    assert doc.notes == ()
    assert chains(block(doc, "1").inline) == [["a"]]


def test_markdown_and_notebooks_follow_no_file_either() -> None:
    doc = md("# 1\n$\\input{/etc/passwd} a$ and $$\\newcommand{\\R}{\\mathbb{R}}$$\n")
    assert chains(block(doc, "1").inline) == [["a"]] and block(doc, "1").derivations == ()
    assert doc.notes == ("line 2: \\input{/etc/passwd} is not followed",
                         "line 2: \\newcommand{\\R}{\\mathbb{R}} is not expanded: derivcheck defines "
                         "no macros")
    doc = read_document("a.ipynb", notebook(("markdown", "# 1\n\n\\include{/etc/passwd}")))
    assert doc.notes == ("cell 1, line 3: \\include{/etc/passwd} is not followed",)


def test_macros_used_in_formulas_pass_through_as_text() -> None:
    doc = tex("\\newcommand{\\R}{\\mathbb{R}}\n% derivcheck: 1\n$x \\in \\R$\n")
    assert chains(block(doc, "1").inline) == [["x \\in \\R"]]


def test_verbatim_and_verb_are_not_math_and_end_document_ends_reading() -> None:
    doc = tex("% derivcheck: 1\n\\begin{verbatim}\n$$ x\n\\end{verbatim}\n\\verb|$y| $a$\n"
              "\\end{document}\n$$ never read\n")
    assert chains(block(doc, "1").inline) == [["a"]]
    assert any("text after \\end{document} is ignored" in n for n in doc.notes)


# --- notebooks -------------------------------------------------------------------------


def test_notebook_markdown_cells_with_cell_places_and_blocks_across_cells() -> None:
    data = notebook(("markdown", "# Homework\n$ignored$"), ("code", "x = '$$ not math $$'\n# Answer 9"),
                    ("markdown", "intro\n## Answer 1.4\n$$\nL = f\n$$"), ("raw", "$$ raw $$"),
                    ("markdown", "More:\n$$ = y $$\n**$f - y$**"), ("markdown", "**Answer 2**\n$z$"))
    doc = read_document("hw.ipynb", data)
    assert doc.kind == "ipynb" and labels(doc) == ["1.4", "2"]
    b = block(doc, "1.4")
    assert b.place == Place(2, cell=3)
    assert [(s.latex, s.place) for s in b.derivations[0].steps] == [("L", Place(4, 3)), ("f", Place(4, 3)),
                                                                    ("y", Place(2, 5))]
    assert b.boxed == (Formula("f - y", Place(3, 5), False),)
    assert b.sentences[0].place.describe() == "cell 5, line 1"
    assert block(doc, "2").place == Place(1, 6)
    assert any("cell 1, line 2" in n for n in doc.notes)


def test_notebook_source_as_one_string_and_without_cell_ids() -> None:
    data = json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# 1\n$a$"}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
    doc = read_document("a.ipynb", data)
    assert chains(block(doc, "1").inline) == [["a"]]


def test_an_unclosed_display_in_a_cell_names_the_cell() -> None:
    with pytest.raises(DocumentError) as caught:
        read_document("a.ipynb", notebook(("code", "1"), ("markdown", "# 1\n\n$$ a")))
    assert caught.value.place == Place(3, cell=2)
    assert str(caught.value).startswith("cell 2, line 3: `$$`")


@pytest.mark.parametrize("data", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
    b"not json at all",
    b"",
    b"[1, 2, 3]",
    b'{"cells": 3}',
    b'{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": 7}',
    b'{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [3]}',
    b'{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [{"cell_type": "markdown", "source": 5}]'
    b'}',
    b'{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [{"source": "x"}]}',
    b'{"nbformat": 99, "cells": []}',
    b'{"nbformat": 3, "worksheets": 5}',
    b'"just a string"',
    b'{"cells": [{"cell_type": "markdown", "source": "# 1"}], "nbformat": 4, "nbformat_minor": 4}',
    b'{"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": [{"cell_type": "markdown", '
    b'"metadata": {}, "source": "# 1\\n$\\ud800$"}]}',
])
def test_hostile_notebooks_are_document_errors(data: bytes) -> None:
    with pytest.raises(DocumentError) as caught:
        read_document("bad.ipynb", data)
    assert "`bad.ipynb` is not a readable notebook" in str(caught.value)


def test_a_notebook_that_fails_the_schema_but_has_cells_is_read_with_a_note() -> None:
    data = json.dumps({"cells": [{"cell_type": "markdown", "source": "# 1\n$a$", "metadata": {}, "bogus": 1}],
                       "metadata": {}, "nbformat": 4, "nbformat_minor": 4}).encode()
    doc = read_document("a.ipynb", data)
    assert chains(block(doc, "1").inline) == [["a"]]
    assert any("does not follow nbformat's schema" in n for n in doc.notes)


# --- caps ------------------------------------------------------------------------------


def test_a_file_over_max_bytes_is_refused_before_decoding() -> None:
    data = b"a" * 2_000_001
    for name in ("big.tex", "big.md", "big.ipynb"):
        with pytest.raises(DocumentError, match=r"2,000,001 bytes.*\(max_bytes\)"):
            read_document(name, data)
    assert read_document("ok.md", b"a" * 2_000_000).blocks == ()


def test_too_many_formulas() -> None:
    caps = DocumentCaps(max_formulas=3)
    assert len(tex("% derivcheck: 1\n$a$ $b$ $c$\n", caps).blocks[0].inline) == 3
    with pytest.raises(DocumentError, match=r"more than 3 formulas \(max_formulas\)") as caught:
        tex("% derivcheck: 1\n$a$ $b$\n$c$ $d$\n", caps)
    assert caught.value.place == Place(3)
    with pytest.raises(DocumentError, match="max_formulas"):
        md("# 1\n" + "$a$ " * 5_001)


def test_a_formula_over_max_formula_chars() -> None:
    with pytest.raises(DocumentError, match=r"20,001 characters.*\(max_formula_chars\)") as caught:
        tex("% derivcheck: 1\n\n\\[" + "x" * 20_001 + "\\]\n")
    assert caught.value.place == Place(3)
    caps = DocumentCaps(max_formula_chars=5)
    assert chains(md("# 1\n$abcde$", caps).blocks[0].inline) == [["abcde"]]
    with pytest.raises(DocumentError, match="max_formula_chars"):
        md("# 1\n$abcdef$", caps)


def test_too_many_blocks() -> None:
    caps = DocumentCaps(max_blocks=2)
    assert len(md("# 1\n# 2\n", caps).blocks) == 2
    with pytest.raises(DocumentError, match=r"more than 2 answer blocks \(max_blocks\)"):
        md("# 1\n# 2\n# 3\n", caps)
    with pytest.raises(DocumentError, match="max_blocks"):
        tex("\\textbf{Answer 1.}\n\\begin{enumerate}\\item a\\item b\\end{enumerate}", caps)


def test_too_many_cells() -> None:
    caps = DocumentCaps(max_cells=3)
    assert read_document("a.ipynb", notebook(*[("code", "")] * 3), caps).blocks == ()
    with pytest.raises(DocumentError, match=r"4 cells, over the limit of 3 \(max_cells\)"):
        read_document("a.ipynb", notebook(*[("code", "")] * 4), caps)


@pytest.mark.parametrize("piece", ["\\textbf{", "\\section{", "{", "$$", "\\[", "**", "`", "<!--x", "$x",
                                   "\\left(", "\\begin{cases}", "% derivcheck: 1\n", "\\input{"])
def test_hostile_repetition_is_fast(piece: str) -> None:
    body = (piece + " a ") * (1_000_000 // (len(piece) + 3))  # quadratic work would take hours
    for name in ("h.tex", "h.md"):
        began = time.perf_counter()
        with contextlib.suppress(DocumentError):
            read_document(name, ("% derivcheck: 1\n# 1\n$" + "{" * 3000 + "$\n" + body).encode())
        assert time.perf_counter() - began < 15


def test_the_package_imports_neither_sympy_nor_the_rest_of_checker() -> None:
    code = ("import sys; import checker.language.documents as d; "
            "d.read_document('a.tex', b'% derivcheck: 1\\n$a=b$'); "
            "bad = [m for m in sys.modules if m == 'sympy' or (m.startswith('checker.') and not "
            "(m.startswith('checker.language.documents') or m in ('checker.language', 'checker.model', "
            "'checker.model.errors')))]; print(bad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
