"""The shipped assignment: one module or package per question, each exporting `QUESTIONS`.

Only the run layer imports this package (checker.run.registry); the modules here
import checker.model and checker.prove, never the layers above them.
"""

from checker.model.question import Assignment
from derivations import (
    q1_binary_classification,
    q2_softmax,
    q3_tanh_network,
    q4_convolution_shapes,
    q5_convolution_gradients,
)

ASSIGNMENT = Assignment(
    name="assignment-1",
    title="Deep-learning theory, assignment 1",
    questions=(
        *q1_binary_classification.QUESTIONS,
        *q2_softmax.QUESTIONS,
        *q3_tanh_network.QUESTIONS,
        *q4_convolution_shapes.QUESTIONS,
        *q5_convolution_gradients.QUESTIONS,
    ),
)

__all__ = ["ASSIGNMENT"]
