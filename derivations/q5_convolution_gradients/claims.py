"""Question 5's claims: |a2|, the Jacobian entries and the chain to the gradient
identity, each proved for every size (`all_sizes`) and confirmed by the exhaustive
check over the witnesses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy as sp

from checker.model.claims import Decided
from checker.model.errors import AnswerError
from checker.model.options import Options
from checker.model.verdict import Outcome, Status, StepResult
from derivations.convolution_1d import ConvMode
from derivations.q5_convolution_gradients.all_sizes import ProvedLink, decide_every_size
from derivations.q5_convolution_gradients.links import (
    Link,
    answer_side,
    chain_rule_truth,
    identity_truth,
    jacobian_truth,
    length_truth,
)
from derivations.q5_convolution_gradients.points import (
    conv_table,
    entry_points,
    i_,
    index_points,
    jacobian_table,
    n_,
    size_points,
)
from derivations.q5_convolution_gradients.symbolic import (
    chain_rule_start,
    identity_end,
    jacobian_entry,
    output_length,
    setting,
    substituted,
)
from derivations.q5_convolution_gradients.witnesses import witnesses

RANDOM_SIZE_COUNT = 20  # sizes beyond N for the |a2| formulas (cheap: no Jacobian)
RANDOM_NETWORK_COUNT = 4  # sizes beyond N for Jacobian entries and chains without a
# proof (each costs a SymPy Jacobian of a large network)


def _expression(value: Any) -> sp.Expr:
    if not isinstance(value, sp.Expr):
        raise AnswerError(f"expected an expression, got `{sp.sstr(value)}`")
    return value


def size_claim(mode: ConvMode) -> Callable[[Any, Options], Decided]:
    def claim(value: Any, options: Options) -> Decided:
        answer = _expression(value)

        def decide() -> Outcome:
            rule = output_length(mode)
            # The rule itself is the answer to 5.1 and 5.4: it is never named where students read.
            link = Link("|a2| by the length rule",
                        answer_side("your |a2|", answer), length_truth())
            proved = ProvedLink(link, substituted(answer, mode), rule)
            decided = decide_every_size(
                mode, options, [proved], setting(mode, ()), size_points,
                "networks", lambda: witnesses(mode, options, RANDOM_SIZE_COUNT, [answer],
                                              lengths_only=True))
            return decided.outcomes[0]

        return Decided(f"|a2| of the {mode.value} network", decide)

    return claim


def entry_claim(mode: ConvMode) -> Callable[[Any, Options], Decided]:
    def claim(value: Any, options: Options) -> Decided:
        answer = _expression(value)

        def decide() -> Outcome:
            link = Link("d a2_i / d h1_n", answer_side("your entry", answer), jacobian_truth())
            proved = ProvedLink(link, substituted(answer, mode), jacobian_entry(mode, i_, n_))
            decided = decide_every_size(
                mode, options, [proved], setting(mode, ("i", "n")),
                entry_points, "Jacobian entries",
                lambda: witnesses(mode, options, RANDOM_NETWORK_COUNT, [answer]))
            return decided.outcomes[0]

        return Decided(f"d a2_i / d h1_n of the {mode.value} network", decide)

    return claim


def chain_claim(mode: ConvMode) -> Callable[[Any, Options], Decided]:
    """Step 1 against the chain rule, each step against the one before, the last step
    against the identity; all of them for every size and every n."""
    identity = mode.other  # valid network: full convolution; full network: valid

    def claim(value: Any, options: Options) -> Decided:
        steps = tuple(_expression(v) for v in value)
        sides = [answer_side(f"step {k}", s) for k, s in enumerate(steps, 1)]
        symbolic = [substituted(s, mode) for s in steps]
        links = [ProvedLink(Link("step 1 against the chain rule", sides[0], chain_rule_truth()),
                            symbolic[0], chain_rule_start(mode))]
        links += [ProvedLink(Link(f"step {k + 1} against step {k}", sides[k], sides[k - 1]),
                             symbolic[k], symbolic[k - 1]) for k in range(1, len(sides))]
        links.append(ProvedLink(
            Link(f"step {len(sides)} against (g {identity.value}-conv flip(w2))_n", sides[-1],
                 identity_truth(identity)),
            symbolic[-1], identity_end(mode)))
        texts = [f"step {k}: {sp.sstr(s)}" for k, s in enumerate(steps, 1)]
        texts.append(f"= (g {identity.value}-conv flip(w2))_n, the identity to show")

        def decide() -> Outcome:
            quantifiers = setting(mode, ("n",))
            decided = decide_every_size(
                mode, options, links, quantifiers, index_points, "entries of nabla_h1 L",
                lambda: witnesses(mode, options, RANDOM_NETWORK_COUNT, steps))
            results = decided.outcomes
            reported = tuple(
                StepResult(text, r.status, r.method, r.counterexample)
                for text, r in zip(texts, results, strict=True)
            )
            bad = [(p.link, r) for p, r in zip(links, results, strict=True)
                   if r.status is not Status.VERIFIED]
            if not bad:
                count = f"{len(steps)} step{'s' if len(steps) > 1 else ''}"
                method = (f"chain of {count}, every link: Presburger proof for "
                          f"{quantifiers.covers} (z3); exhaustive check for {decided.witness} "
                          "agrees")
                return Outcome(Status.VERIFIED, method, steps=reported)
            worst_first = next(((lk, r) for lk, r in bad if r.status is Status.REFUTED), bad[0])
            link, r = worst_first
            return Outcome(r.status, f"chain: {link.text} {r.status.value} ({r.method})",
                           r.counterexample, r.reason, steps=reported)

        return Decided(f"nabla_h1 L = nabla_a2 L {identity.value}-conv flip(w2)", decide)

    return claim


def prepare_networks(mode: ConvMode, options: Options) -> None:
    """The Jacobians and convolutions every 5.2/5.3 (or 5.5/5.6) check reads: those of
    the exhaustive range (answers without a proof also read random sizes' networks,
    built when needed)."""
    for witness in witnesses(mode, options, 0):
        jacobian_table(witness.layout)
        conv_table(witness.layout, mode.other)
