"""The one exception root of kg.

Every error a user can cause (bad input file, unwritable output, malformed query,
broken rule file) is a :class:`KGError` whose message is a single line naming the
file, line or rule at fault. The CLI prints ``kg: error: <message>`` and exits
non-zero; library callers catch :class:`KGError`.
"""

from __future__ import annotations

__all__ = ["KGError", "InputError", "OutputError", "RuleError", "QueryError"]


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class InputError(KGError):
    """An input file or folder cannot be read as papers (names the path and the problem)."""


class OutputError(KGError):
    """An output path cannot be written (names the path and the problem)."""


class RuleError(KGError):
    """A rule file under rules/ is malformed (names the file, line and pattern id)."""


class QueryError(KGError):
    """A SPARQL query is malformed or a graph to query cannot be loaded."""
