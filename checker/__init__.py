"""derivcheck: prove answers of a derivation assignment equal to truths derived
from definitions, or refute them with exact counterexamples.

The public API is small: `check_answer`, `verify_reference`, the verdict types.
"""

from checker.bounded import Limits
from checker.check import check_answer, verify_reference
from checker.verdict import Counterexample, Status, Verdict

__all__ = ["Counterexample", "Limits", "Status", "Verdict", "check_answer", "verify_reference"]
