"""One module per assignment question; importing this package registers them all."""

from derivations import (  # noqa: F401 - imported for their registrations
    q1_binary_classification,
    q2_softmax,
    q3_tanh_network,
    q4_convolution_shapes,
    q5_convolution_gradients,
)
