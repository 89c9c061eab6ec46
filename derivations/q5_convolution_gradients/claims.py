"""Question 5's claims: |a2|, the Jacobian entries and the chain to the gradient
identity, each checked over the witnesses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import sympy as sp

from checker.model.claims import Decided
from checker.model.errors import AnswerError
from checker.model.options import Options
from checker.model.verdict import Outcome, Status, StepResult
from derivations.convolution_1d import ConvMode, network_length_rule
from derivations.q5_convolution_gradients.links import (
    Link,
    answer_side,
    chain_rule_truth,
    check_links,
    identity_truth,
    jacobian_truth,
    length_truth,
)
from derivations.q5_convolution_gradients.points import (
    conv_table,
    d_,
    entry_points,
    index_points,
    jacobian_table,
    k1_,
    k2_,
    size_points,
)
from derivations.q5_convolution_gradients.witnesses import witnesses

RANDOM_SIZE_COUNT = 20  # sizes beyond N for the |a2| formulas (cheap: no Jacobian)
RANDOM_NETWORK_COUNT = 4  # sizes beyond N for Jacobian entries and chains (each costs a
# SymPy Jacobian of a large network; 4 keeps `verify 5` near 2 s)


def _expression(value: Any) -> sp.Expr:
    if not isinstance(value, sp.Expr):
        raise AnswerError(f"expected an expression, got `{sp.sstr(value)}`")
    return value


def size_claim(mode: ConvMode) -> Callable[[Any, Options], Decided]:
    def claim(value: Any, options: Options) -> Decided:
        answer = _expression(value)

        def decide() -> Outcome:
            link = Link("|a2|", answer_side("your |a2|", answer), length_truth())
            wits = witnesses(mode, options, RANDOM_SIZE_COUNT, [answer], lengths_only=True)
            (result,) = check_links([link], size_points, "networks", wits)
            return _with_symbolic_proof(mode, answer, result)

        return Decided(f"|a2| of the {mode.value} network", decide)

    return claim


def _with_symbolic_proof(mode: ConvMode, answer: sp.Expr, result: Outcome) -> Outcome:
    """The formula against the length rule for symbolic sizes (derived in
    convolution_1d from the definition's index range), besides the exhaustive check."""
    rule = network_length_rule(mode, d_, k1_, k2_)
    proved = sp.expand(answer - rule) == 0
    one_layer = sp.sstr(network_length_rule(mode, d_, k1_, sp.Integer(1)).subs(k1_, k2_))
    symbolic = StepResult(
        f"|a2| = {sp.sstr(rule)} for symbolic sizes (one-layer rule, applied twice)",
        Status.VERIFIED if proved else Status.UNDECIDED,
        "symbolic: identical after expansion" if proved else "not identical after expansion",
    )
    exhaustive = StepResult("the answer against the length of the built network", result.status,
                            result.method, result.counterexample)
    steps = (symbolic, exhaustive)
    if proved and result.status is Status.VERIFIED:
        method = (f"symbolic, all admissible sizes (length rule |x conv w| from the definition's "
                  f"index range, applied twice); also {result.method}")
        return Outcome(Status.VERIFIED, method, steps=steps)
    if proved and result.status is Status.REFUTED:
        return Outcome(Status.UNDECIDED, "symbolic proof contradicted by the built network",
                       reason="internal inconsistency between the length rule "
                       f"({one_layer}) and the built network; please report this", steps=steps)
    return replace(result, steps=steps)


def entry_claim(mode: ConvMode) -> Callable[[Any, Options], Decided]:
    def claim(value: Any, options: Options) -> Decided:
        answer = _expression(value)

        def decide() -> Outcome:
            link = Link("d a2_i / d h1_n", answer_side("your entry", answer), jacobian_truth())
            wits = witnesses(mode, options, RANDOM_NETWORK_COUNT, [answer])
            (result,) = check_links([link], entry_points, "Jacobian entries", wits)
            return result

        return Decided(f"d a2_i / d h1_n of the {mode.value} network", decide)

    return claim


def chain_claim(mode: ConvMode) -> Callable[[Any, Options], Decided]:
    """Step 1 against the chain rule, each step against the one before, the last step
    against the identity; all of them at every n of every size."""
    identity = mode.other  # valid network: full convolution; full network: valid

    def claim(value: Any, options: Options) -> Decided:
        steps = tuple(_expression(v) for v in value)
        sides = [answer_side(f"step {k}", s) for k, s in enumerate(steps, 1)]
        links = [Link("step 1 against the chain rule", sides[0], chain_rule_truth())]
        links += [Link(f"step {k + 1} against step {k}", sides[k], sides[k - 1])
                  for k in range(1, len(sides))]
        links.append(Link(f"step {len(sides)} against (g {identity.value}-conv flip(w2))_n",
                          sides[-1], identity_truth(identity)))
        texts = [f"step {k}: {sp.sstr(s)}" for k, s in enumerate(steps, 1)]
        texts.append(f"= (g {identity.value}-conv flip(w2))_n, the identity to show")

        def decide() -> Outcome:
            wits = witnesses(mode, options, RANDOM_NETWORK_COUNT, steps)
            results = check_links(links, index_points, "entries of nabla_h1 L", wits)
            reported = tuple(
                StepResult(text, r.status, r.method, r.counterexample)
                for text, r in zip(texts, results, strict=True)
            )
            bad = [(link, r) for link, r in zip(links, results, strict=True)
                   if r.status is not Status.VERIFIED]
            if not bad:
                count = f"{len(steps)} step{'s' if len(steps) > 1 else ''}"
                method = f"chain of {count}, every link {results[0].method}"
                return Outcome(Status.VERIFIED, method, steps=reported)
            worst_first = next(((lk, r) for lk, r in bad if r.status is Status.REFUTED), bad[0])
            link, r = worst_first
            return Outcome(r.status, f"chain: {link.text} {r.status.value} ({r.method})",
                           r.counterexample, r.reason, steps=reported)

        return Decided(f"nabla_h1 L = nabla_a2 L {identity.value}-conv flip(w2)", decide)

    return claim


def prepare_networks(mode: ConvMode, options: Options) -> None:
    """The Jacobians and convolutions every 5.2/5.3 (or 5.5/5.6) check reads."""
    for witness in witnesses(mode, options, RANDOM_NETWORK_COUNT):
        jacobian_table(witness.layout)
        conv_table(witness.layout, mode.other)
