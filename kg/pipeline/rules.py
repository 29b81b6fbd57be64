"""How kg's components get their rules: through ``initialize()``, and back out with ``to_disk``.

Every rule-driven component is a :class:`RuleComponent`, as spaCy's SpanRuler is
for its patterns:

* ``nlp.initialize()`` (or :func:`kg.pipeline.load_pipeline`) calls
  ``initialize(rules_dir=...)``, which reads the component's files from
  ``rules_dir`` or kg's own rules/ through :class:`kg.rulefiles.RuleSource` (the
  one loader, every file checked against its schema in
  :data:`kg.rulefiles.RULE_FILES`) and compiles them (:meth:`RuleComponent.load`);
* ``to_disk`` / ``to_bytes`` save the texts of exactly the files it read, and
  ``from_disk`` / ``from_bytes`` compile them again, so ``nlp.to_disk(path)`` then
  ``spacy.load(path)`` gives the same pipeline without any rules folder;
* a component used before either (``nlp.add_pipe("kg_shapes")`` then ``nlp(text)``)
  reads kg's own rules the first time it runs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import srsly
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import RuleError
from ..rulefiles import RuleSource, RulesDir
from .extensions import register_extensions

__all__ = ["RuleError", "RuleComponent", "compile_regex"]


def compile_regex(pattern: str, *, where: str, flags: int = 0) -> re.Pattern:
    """Compile a rule's regular expression or raise :class:`RuleError` naming ``where``."""
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise RuleError(f"{where}: invalid regular expression ({exc})") from None


class RuleComponent:
    """Base of kg's rule-driven spaCy components (see the module docstring).

    Subclasses set ``default_name`` and implement :meth:`load` (compile the rules read
    from a :class:`~kg.rulefiles.RuleSource`) and :meth:`process` (the work on one Doc).
    """

    #: the component's name when none is given (its factory's name)
    default_name: str = ""
    _texts: dict[str, str] | None = None

    def __init__(self, nlp: Language | None, name: str | None = None):
        self.nlp = nlp
        self.name = name or self.default_name
        register_extensions()

    # ----------------------------------------------------------- rules in
    def initialize(self, get_examples: Callable[[], Iterable] | None = None, *, nlp: Language | None = None,
                   rules_dir: RulesDir = None) -> None:
        """Read and compile this component's rule files from ``rules_dir``: a folder, a
        :class:`~kg.rulefiles.RuleFolder` snapshot, or None for kg's own rules/."""
        self._load_from(RuleSource.from_folder(rules_dir or None))

    def load(self, source: RuleSource) -> None:
        """Compile the rules read from ``source`` into this component (subclasses)."""
        raise NotImplementedError

    def _load_from(self, source: RuleSource) -> None:
        self.load(source)
        self._texts = dict(source.texts)

    @property
    def is_initialized(self) -> bool:
        """Whether rules have been read (by initialize, from_disk or from_bytes)."""
        return self._texts is not None

    # ----------------------------------------------------------- running
    def __call__(self, doc: Doc) -> Doc:
        if self._texts is None:
            self.initialize()  # used without nlp.initialize(): kg's own rules
        return self.process(doc)

    def process(self, doc: Doc) -> Doc:
        """Annotate ``doc`` (subclasses)."""
        raise NotImplementedError

    # ----------------------------------------------------------- rules out
    def rule_texts(self) -> dict[str, str]:
        """The text of every rule file this component read, by file name."""
        if self._texts is None:
            self.initialize()
        return dict(self._texts)

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Write the rule files this component read into the folder ``path``."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        for name, text in self.rule_texts().items():
            (path / name).write_text(text, encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "RuleComponent":
        """Compile the rule files saved in the folder ``path`` by :meth:`to_disk`."""
        path = Path(path)
        if not path.is_dir():
            raise RuleError(f"{path}: saved rules of {self.name} not found")
        texts = {}
        for p in sorted(path.iterdir()):
            if p.is_file():
                try:
                    texts[p.name] = p.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise RuleError(f"{p}: cannot read saved rule file ({exc})") from None
        self._load_from(RuleSource.from_texts(texts, label=str(path)))
        return self

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        """The rule files this component read, as bytes."""
        return srsly.msgpack_dumps(self.rule_texts())

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "RuleComponent":
        """Compile the rule files saved by :meth:`to_bytes`."""
        self._load_from(RuleSource.from_texts(srsly.msgpack_loads(data), label=f"<{self.name} rules>"))
        return self
