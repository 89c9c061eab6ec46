"""One module per assignment question; importing this package registers them all."""

from derivations import q1_binary_classification  # noqa: F401
