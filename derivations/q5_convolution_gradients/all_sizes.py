"""Question 5's verdicts for every size: a proof by `decide_all_sizes` (Presburger
arithmetic, z3) against the symbolic truths of `symbolic`, with the exhaustive check
of `links` as its second witness.

Per link (an answer or step against the truth or the step before):
* Proved: verified only if the exhaustive check over every size d <= N agrees; if that
  check refutes, the two witnesses disagree (undecided, internal inconsistency); if it
  cannot decide, undecided.
* Counterexample: refuted at the sizes z3 found, which `decide_all_sizes` re-checked
  exactly; both sides are evaluated there to show them.
* OutsideFragment: the search of `links` (every size d <= N, random sizes, sizes near
  the answer's literals) may still refute; if it does not, undecided, with the range
  it covered, since no finite search is a proof for every size.

z3 runs first: a proof or a counterexample costs it tens of milliseconds, while the
exhaustive check needs the Jacobians and convolutions of hundreds of built networks.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy as sp

from checker.model.options import Options
from checker.model.verdict import Counterexample, Outcome, Status
from checker.prove.sizes import Counterexample as SizesCounterexample
from checker.prove.sizes import OutsideFragment, Proved, decide_all_sizes
from checker.prove.sizes.exact import ExactEvaluator, Undefined
from checker.prove.sizes.results import Outside
from derivations.convolution_1d import ConvMode
from derivations.q5_convolution_gradients.links import Link, check_links
from derivations.q5_convolution_gradients.points import Layout, Points
from derivations.q5_convolution_gradients.symbolic import Setting
from derivations.q5_convolution_gradients.witnesses import Witness, witnesses

PROOF_MS = 5000  # z3's time for all links of one claim (a link takes ~50 ms); a link
# left without time is undecided, as is one z3 cannot decide
SHOW_BUDGET = 5000  # Sum iterations to write both sides out at a counterexample ...
SHOW_SECONDS = 0.3  # ... and the time for it; beyond, only the differing coefficient
SHOW_MAX_SIZE = 1000  # sizes beyond this are not written out at all (the Sums are long)
_COEFFICIENT = re.compile(r"coefficient of (?P<entries>.+): lhs (?P<lhs>.+), rhs (?P<rhs>.+)$")


@dataclass(frozen=True)
class ProvedLink:
    """A link of the exhaustive check with its sides for symbolic sizes (definitions
    substituted): `answer` must equal `truth` for every size of `setting`."""

    link: Link
    answer: sp.Expr
    truth: sp.Expr


@dataclass(frozen=True)
class Decisions:
    outcomes: list[Outcome]  # one per link
    witness: str  # what the exhaustive check of the proved links covered, or ""


def decide_every_size(mode: ConvMode, options: Options, links: Sequence[ProvedLink],
                      setting: Setting, points_of: Callable[[Layout], Points], what: str,
                      search: Callable[[], Sequence[Witness]]) -> Decisions:
    """Each link for every size (see the module docstring); `search` gives the
    witnesses for links without a proof (random sizes, sizes near literals)."""
    deadline = time.monotonic() + PROOF_MS / 1000
    proofs = [decide_all_sizes(p.answer, p.truth, integers=setting.integers,
                               constraints=setting.constraints, vectors=setting.vectors,
                               timeout_ms=max(1, int(1000 * (deadline - time.monotonic()))))
              for p in links]
    confirm = [k for k, r in enumerate(proofs) if isinstance(r, Proved)]
    unproved = [k for k, r in enumerate(proofs) if isinstance(r, OutsideFragment)]
    checked: dict[int, Outcome] = {}
    witness = ""
    if confirm:
        exhaustive = witnesses(mode, options, 0)  # every size d <= N, nothing else
        found = check_links([links[k].link for k in confirm], points_of, what, exhaustive)
        checked.update(zip(confirm, found, strict=True))
        witness = next((_covered(o.method) for o in found if o.status is Status.VERIFIED), "")
    if unproved:
        found = check_links([links[k].link for k in unproved], points_of, what, search())
        checked.update(zip(unproved, found, strict=True))
    out = []
    for k, (p, r) in enumerate(zip(links, proofs, strict=True)):
        if isinstance(r, SizesCounterexample):
            out.append(refuted_for_some_size(p, r, setting))
        elif isinstance(r, Proved):
            out.append(confirmed(r, checked[k], setting))
        else:
            out.append(without_proof(r, checked[k]))
    return Decisions(out, witness)


def _covered(exhaustive_method: str) -> str:
    """'exhaustive, all sizes d ≤ 12 (...)' -> 'all sizes d ≤ 12 (...)'."""
    return exhaustive_method.removeprefix("exhaustive, ")


def proof_method(setting: Setting, proved: Proved) -> str:
    return f"Presburger proof for {setting.covers} ({proved.method})"


def confirmed(proved: Proved, exhaustive: Outcome, setting: Setting) -> Outcome:
    """A proof, verified only if the exhaustive check agrees."""
    method = proof_method(setting, proved)
    if exhaustive.status is Status.VERIFIED:
        return Outcome(Status.VERIFIED,
                       f"{method}; exhaustive check for {_covered(exhaustive.method)} agrees")
    if exhaustive.status is Status.REFUTED:
        where = exhaustive.counterexample.describe() if exhaustive.counterexample else ""
        return Outcome(
            Status.UNDECIDED, f"{method}; contradicted by {exhaustive.method}",
            reason="internal inconsistency: the proof for every size and the exhaustive check "
            f"of the built networks disagree ({where}); please report this")
    return Outcome(Status.UNDECIDED, f"{method}; the exhaustive check did not confirm it "
                   f"({exhaustive.method})",
                   reason=f"proved for every size, but the second witness could not confirm "
                   f"it: {exhaustive.reason}")


def without_proof(outside: OutsideFragment, searched: Outcome) -> Outcome:
    """No proof for every size: the search refutes, or the claim is undecided."""
    why = f"no proof for every size: {outside.reason}"
    if searched.status is Status.REFUTED:
        return searched
    if searched.status is Status.VERIFIED:
        covered = _covered(searched.method)
        return Outcome(Status.UNDECIDED, f"holds for {covered}; {why}",
                       reason=f"holds for every size checked ({covered}), but a search over "
                       f"finitely many sizes is not a proof for every size; {why}")
    return Outcome(searched.status, f"{searched.method}; {why}", reason=f"{searched.reason}; {why}")


def refuted_for_some_size(link: ProvedLink, found: SizesCounterexample,
                          setting: Setting) -> Outcome:
    """The sizes z3 found (already re-checked exactly by `decide_all_sizes`), with both
    sides written out there, or only the coefficient that differs when the sides are
    Sums too long to write out."""
    values = {s: found.sizes[s.name] for s in setting.integers}
    assignment = tuple((s.name, str(v)) for s, v in values.items())
    shown = _written_out(link, values, setting)
    where = ", ".join(f"{name} = {v}" for name, v in assignment)
    method = f"counterexample for symbolic sizes (Presburger, z3) at {where}"
    if shown is not None and sp.expand(shown[0] - shown[1]) == 0:
        return Outcome(Status.UNDECIDED, f"{method}, not confirmed",
                       reason=f"internal inconsistency: z3 and its exact re-check found a difference "
                       f"at {where} ({found.detail}), but both sides written out there are equal; "
                       "please report this")
    if shown is not None:
        answer, truth = (sp.sstr(side) for side in shown)
        note = "found by z3 for symbolic sizes, re-checked exactly; both sides written out there"
        return Outcome(Status.REFUTED, method,
                       Counterexample(assignment, answer, truth, link.link.text, note))
    detail = found.detail.split(": ", 1)[-1]
    parts = _COEFFICIENT.search(detail)
    if parts is None:
        return Outcome(Status.REFUTED, method, Counterexample(
            assignment, "(too long to write out)", "(too long to write out)", link.link.text,
            f"found by z3 for symbolic sizes, re-checked exactly: {detail}"))
    entries = parts["entries"]
    return Outcome(Status.REFUTED, method, Counterexample(
        assignment, f"{parts['lhs']}*{entries} + ...", f"{parts['rhs']}*{entries} + ...",
        link.link.text, "found by z3 for symbolic sizes, re-checked exactly; the sides are Sums "
        f"too long to write out, so only the coefficient of {entries} is shown"))


def _written_out(link: ProvedLink, values: dict[sp.Symbol, int],
                 setting: Setting) -> tuple[sp.Expr, sp.Expr] | None:
    """Both sides at these sizes, exact, if that takes at most SHOW_BUDGET Sum
    iterations; None if they could not be written out (too long, or a side undefined
    there)."""
    if max(abs(v) for v in values.values()) > SHOW_MAX_SIZE:
        return None
    try:
        ev = ExactEvaluator(values, setting.vectors, None, SHOW_BUDGET,
                            time.monotonic() + SHOW_SECONDS)
        answer = sp.expand(ev.value(link.answer, ev.values))
        truth = sp.expand(ev.value(link.truth, ev.values))
    except (Outside, Undefined):
        return None
    return answer, truth
