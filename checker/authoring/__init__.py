"""Writing questions: a small declarative API, one call per question (docs/authoring.md).

    from checker.authoring import expression
    TANH = expression("6.1", "tanh' in terms of t = tanh(a)",
                      names={"a": "real"}, in_terms_of={"t": lambda n: sp.tanh(n.a)},
                      truth=lambda n: sp.diff(sp.tanh(n.a), n.a),
                      reference="1 - t**2", right=["1 - tanh(a)**2"], wrong=["1 - t"])

The contract, stated once for every shape:

* The truth is DERIVED: a callable receives the question's names (`n.a`, `n.x[n.i]`,
  `n.K`, `n.bound("j")` for a summation index) and returns SymPy built from definitions
  (`sp.diff`, a Sum, a simulation), never a copy of the reference text. Nothing here
  evaluates text: answers (the reference and the examples included) are parsed later by
  the run layer, through the answer language's whitelist.
* Declarations are checked at import: an unknown domain word, a range that is not
  'low..high' affine in the sizes, a name declared twice raise ValueError with the
  allowed forms. Truths are computed on first use (or in the run's prepare step).
* Verdicts (docs/contract.md): `verified` only with a proof for every size on the whole
  domain; a search over finitely many sizes ends `undecided` and names its range;
  `refuted` only with a counterexample re-checked exactly (or at two high precisions
  where values are transcendental), at an instance inside every declared range.
  Declared sizes that admit no case raise ValueError at import where z3 shows it, and
  never verify. A Sum whose upper bound is below its lower bound is 0 everywhere
  (`search.empty_sums`), never SymPy's Karr convention. Computed truths and simulations
  give exact numbers (never a float of any kind).
* `reference`, `right=[...]` and `wrong=[...]` are checked like any answer by
  `checker.run.selftest.self_test`: the reference and the right ones must be verified,
  the wrong ones refuted with a counterexample.

Shapes: `expression` (one expression; sizes, indices, vectors, a derived quantity to
answer in, up to a factor), `chain` (a "show that" derivation, step by step between two
derived ends), `size_formula` (whole-number sizes; z3 proof + simulation), `word`,
`number` and `number_list` (a truth computed by a callable, compared exactly).
Domain words: "real", "positive", "(0,1)", "[0,1]", "{0,1}", "integer",
"positive integer", "size >= N" (a dimension, a whole number from N on).
"""

from checker.authoring.common import ALLOWED_DOMAINS, DEFAULT_FUNCTIONS, domain_of
from checker.authoring.exact import number, number_list, word
from checker.authoring.expressions import chain, expression
from checker.authoring.formulas import size_formula
from checker.authoring.names import Names
from checker.model.question import Assignment, Example

__all__ = [
    "ALLOWED_DOMAINS",
    "Assignment",
    "DEFAULT_FUNCTIONS",
    "Example",
    "Names",
    "chain",
    "domain_of",
    "expression",
    "number",
    "number_list",
    "size_formula",
    "word",
]
