"""policycmp: compare Chinese district economic policies clause by clause.

In JupyterLab::

    import policycmp
    clauses = policycmp.load_clauses()        # one row per preamble / clause / closing
    quantities = policycmp.load_quantities()  # every amount, share, budget and target
    policycmp.search("孵化器")                 # matching clauses of every district side by side
    policycmp.similar("zhenhai-2024-policy:c15", k=5)

The package is laid out by pipeline stage: ``ingest`` → ``extract`` → ``compare`` → ``publish`` →
``report``, on the leaf modules ``model``, ``schema``, ``vocabulary``, ``errors`` and ``paths``.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# The public API: each name and the module that defines it. Adding a public function is one line
# here. Names are loaded on first use, so `import policycmp` (which every `policycmp` command pays
# before it can decide anything) costs no pandas or pandera, and `dir(policycmp)` shows the API only.
API: dict[str, str] = {
    "PolicyInputError": "policycmp.errors",
    "changes": "policycmp.find",
    "load_clauses": "policycmp.publish.load",
    "load_quantities": "policycmp.publish.load",
    "load_table": "policycmp.publish.load",
    "search": "policycmp.find",
    "side_by_side": "policycmp.find",
    "similar": "policycmp.find",
}
__all__ = sorted(API)


def __getattr__(name: str) -> Any:
    if name not in API:
        raise AttributeError(f"module 'policycmp' has no attribute {name!r}; its API is {', '.join(__all__)}")
    value = getattr(importlib.import_module(API[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return [*__all__, "__version__"]
