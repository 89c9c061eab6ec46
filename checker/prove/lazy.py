"""Modules imported when first used: `derivcheck list` and the questions that never
evaluate over arrays must not pay for NumPy (about 0.1 s of start-up)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class OnFirstUse:
    """Stands in for a module under a global name of `namespace` until an attribute is
    first read; then imports the module and binds the name to it, so that later reads
    go to the module itself. Annotations must be strings (`from __future__ import
    annotations`), so that only calls reach the stand-in:

        if TYPE_CHECKING:
            import numpy as np
        else:
            np = OnFirstUse("numpy", globals(), "np")
    """

    def __init__(self, name: str, namespace: dict[str, Any], binding: str) -> None:
        self._name = name
        self._namespace = namespace
        self._binding = binding

    def __getattr__(self, attribute: str) -> Any:
        module: ModuleType = importlib.import_module(self._name)
        self._namespace[self._binding] = module
        return getattr(module, attribute)
