"""Where kg's data files live: rules/ and queries/.

rules/ and queries/ sit at the top of the repository (people read and edit them)
and ship inside the package as ``kg.rules`` and ``kg.queries``. A source checkout
that was not installed has no such packages, so both fall back to the folders
beside kg/.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import RuleError

__all__ = ["rules_path", "queries_path"]

_CHECKOUT = Path(__file__).resolve().parent.parent


def _data_dir(package: str, folder: str) -> Path:
    try:
        return Path(str(resources.files(package)))
    except ModuleNotFoundError:
        return _CHECKOUT / folder


def rules_path(rules_dir: str | Path | None = None) -> Path:
    """The folder rule files are read from: ``rules_dir`` when given, else kg's own rules/."""
    if rules_dir:
        path = Path(rules_dir)
        if not path.is_dir():
            raise RuleError(f"{path}: rules folder does not exist")
        return path
    return _data_dir("kg.rules", "rules")


def queries_path() -> Path:
    """The folder of ready SPARQL queries (queries/)."""
    return _data_dir("kg.queries", "queries")
