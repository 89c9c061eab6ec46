"""One module per assignment question; importing this package registers them all."""

from derivations import q1_binary_classification  # noqa: F401
from derivations import q2_softmax  # noqa: F401
from derivations import q3_tanh_network  # noqa: F401
