"""kg's rule files: one loader, and one declared schema for every file under rules/.

Two kinds of file live in rules/:

* **rule files** (``.jsonl``): one rule a line, spaCy's ``{"id", "label", "pattern"}``
  shape plus the keys the file's schema allows. Blank lines and lines starting
  with ``//`` (comments) are skipped. Every extracted fact names the ``id`` of the
  rule that produced it.
* **settings files** (``.json``): one JSON object of named word lists and word
  maps a component reads besides its rules (the units and qualifiers of
  findings, the filler words of relations, the words of model-name parsing).
  Settings are never written as rules.

:data:`RULE_FILES` declares every file: who reads it, the keys a rule may carry
and their types, the labels it may use, the keys of an object ``pattern`` and,
for settings, each setting's kind. :func:`read_rules` and :func:`read_settings`
are the only readers; a broken line or setting raises :class:`~kg.errors.RuleError`
naming the file and line (and the rule id), so whoever edits rules/ sees what to
fix. rules/README.md's table of files is generated from the schemas
(:func:`schema_table`) and tested against them.

A :class:`RuleSource` is where a component reads its files: a folder (rules/ or
a copy of it), or the texts a saved pipeline carries (``to_disk`` / ``to_bytes``).
It remembers every text it handed out, so a component can save exactly what it
read.

>>> src = RuleSource.from_texts({"macros.jsonl": '{"id": "YEAR", "pattern": "\\\\d{4}"}'})
>>> [r["id"] for r in src.rules("macros.jsonl")]
['YEAR']
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .errors import RuleError
from .resources import rules_path
from .schema import entity_types

__all__ = [
    "RuleFileSchema",
    "RULE_FILES",
    "RuleFolder",
    "RulesDir",
    "RuleSource",
    "schema_for",
    "read_rules",
    "read_settings",
    "parse_rules",
    "parse_settings",
    "schema_table",
]

#: the kinds a setting can be: a list of words, a word -> word map, or named word lists
SETTING_KINDS = ("words", "map", "groups")
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list", dict: "an object"}


@dataclass(frozen=True)
class RuleFileSchema:
    """What one file under rules/ may hold.

    ``name`` is a file name or a glob (``lexicon_*.jsonl``); ``read_by`` the
    component or module that reads it; ``what`` one line for the docs. For a rule
    file (``kind="rules"``): ``required`` keys, ``fields`` (every key a rule may carry
    -> its type; ``pattern`` an object when its type is ``dict``), ``labels`` (the
    values ``label`` may take; None: any) and ``pattern_fields`` (keys of an object
    pattern -> type). For a settings file (``kind="settings"``): ``settings`` maps
    each key to its kind (:data:`SETTING_KINDS`) and ``required`` names those that
    must be present.
    """

    name: str
    read_by: str
    what: str
    kind: str = "rules"
    required: tuple[str, ...] = ("id", "pattern")
    fields: Mapping[str, type] = field(default_factory=dict)
    labels: tuple[str, ...] | None = None
    pattern_fields: Mapping[str, type] = field(default_factory=dict)
    settings: Mapping[str, str] = field(default_factory=dict)

    def matches(self, filename: str) -> bool:
        """Whether this schema covers ``filename`` (a name under rules/)."""
        return fnmatch.fnmatchcase(filename, self.name)

    def describe_fields(self) -> str:
        """The keys of the file as the docs list them (required ones first)."""
        if self.kind == "settings":
            return ", ".join(f"`{k}` ({v})" for k, v in self.settings.items())
        keys = [k for k in self.required] + [k for k in self.fields if k not in self.required]
        out = []
        for k in keys:
            if k == "pattern" and self.fields.get("pattern") is dict and self.pattern_fields:
                out.append("`pattern` {" + ", ".join(self.pattern_fields) + "}")
            else:
                out.append(f"`{k}`" + ("" if k in self.required else "?"))
        return ", ".join(out)


def _rules(name, read_by, what, *, required=("id", "label", "pattern"), labels=None, pattern=str, extra=None,
           pattern_fields=None) -> RuleFileSchema:
    fields = {"id": str, "label": str, "pattern": pattern, **(extra or {})}
    if "label" not in required and labels is None and "label" not in (extra or {}):
        fields.pop("label")
    return RuleFileSchema(name, read_by, what, "rules", tuple(required), MappingProxyType(fields),
                          tuple(labels) if labels is not None else None, MappingProxyType(pattern_fields or {}))


def _settings(name, read_by, what, settings: dict[str, str], required: Iterable[str]) -> RuleFileSchema:
    unknown = sorted(set(settings.values()) - set(SETTING_KINDS))
    if unknown:  # a mistake in this table, caught at import
        raise ValueError(f"{name}: unknown setting kinds {unknown} (expected {SETTING_KINDS})")
    return RuleFileSchema(name, read_by, what, "settings", tuple(required), settings=MappingProxyType(settings))


_DIRECTIONS = ("improves", "reduces", "reaches", "outperforms")
_ENTITY = tuple(t for t in entity_types() if t != "Organization")

_SCHEMAS: tuple[RuleFileSchema, ...] = (
    _rules("lexicon_*.jsonl", "kg_lexicon, kg_lineage", "curated names, matched as phrases (exact case when `case_sensitive` or "
           "`ambiguous`; an ambiguous name never as a sentence's first word)", labels=_ENTITY,
           extra={"source": str, "licence": str, "case_sensitive": bool, "ambiguous": bool}),
    _rules("shapes.jsonl", "kg_shapes", "regexes on the shape of a model name (`Name-1.5-7B-Instruct`, `ViT-B/16`)",
           labels=_ENTITY, extra={"group": int, "ignore_case": bool}),
    _rules("context.jsonl", "kg_context", "regexes on the words around a name (`the X dataset`, `we propose X`)",
           labels=_ENTITY, extra={"group": int, "ignore_case": bool}),
    _rules("macros.jsonl", "kg_shapes, kg_context, kg_resolve", "regex pieces used as `{NAME}` in patterns",
           required=("id", "pattern")),
    _rules("filters.jsonl", "kg_shapes, kg_context, kg_resolve", "word sets by `kind`: `stop`, `generic`, "
           "`not_name_cs`, `adj_suffix`, `bare_generic`, `not_modifier`", required=("id", "kind", "pattern"),
           extra={"kind": str}),
    _rules("head_nouns.jsonl", "kg_abbreviations", "the head noun of an acronym's long form -> its type",
           labels=_ENTITY),
    _rules("priorities.jsonl", "kg_resolve", "rule-id prefix -> priority between candidates of equal length",
           required=("id", "pattern", "priority"), extra={"priority": int}),
    _rules("compounds.jsonl", "kg_compounds", "nouns after a model name that make one Method (`BERT embeddings`)",
           labels=_ENTITY, pattern=dict, pattern_fields={"heads": list}),
    _rules("orgs.jsonl", "kg_orgs", "cue words of organisation names", labels=("Organization",), pattern=dict,
           pattern_fields={"head_words": list, "weak": bool, "lead_words": list, "joiners": list, "list_cues": list,
                           "context": list}),
    # labels: the relations kg.schema says kg_relations emits, checked when the rules are compiled
    # (a relation registered at run time is one schema entry plus its rules)
    _rules("relations.jsonl", "kg_relations", "cue phrases between two mentions of one sentence; `label`: a "
           "relation of `kg.schema.RELATIONS` emitted by `kg_relations`", pattern=dict,
           pattern_fields={"head": list, "tail": list, "order": str, "cues": list, "where": str, "fillers": str,
                           "max_gap": int, "before": list, "skip": list, "same_class": bool, "at_start": bool}),
    _rules("links.jsonl", "kg_links", "cues of what a paper proposes and uses, naming cues, the title's name; "
           "rules labelled with an entity type give the head nouns that type a name the paper introduces",
           labels=("proposes", "uses", "Dataset", "Model", "Architecture", "Method"),
           pattern=dict, pattern_fields={"cues": list, "window": int, "blockers": list, "appositive": list,
                                         "naming": list, "anchored": bool, "lead": bool, "title_suffixes": list,
                                         "heads": list, "relations": list, "roles": list}),
    _rules("findings.jsonl", "kg_findings", "verbs before and nouns after a value that give a finding's direction",
           labels=_DIRECTIONS, pattern=dict, pattern_fields={"verbs": list, "nouns": list}),
    _rules("aliases.jsonl", "kg_canonical", "canonical names: every spelling in `pattern` goes on the node of "
           "`canonical` (\"MS-COCO\", \"Microsoft COCO\" -> COCO; \"Vision Transformer\" -> ViT); the other "
           "spellings stay on the node as `aliases` (RDF `skos:altLabel`), the text and evidence as written",
           required=("id", "label", "pattern", "canonical"), labels=_ENTITY,
           extra={"canonical": str, "source": str, "licence": str}),
    _rules("page_chrome.jsonl", "kg.readers (listing dumps)", "page furniture cut from listing dumps: a `pattern` "
           "phrase or a `regex`; `glued` when it can be stuck to the text before it",
           required=("id", "label"), labels=("PAGE_CHROME",), extra={"regex": str, "glued": bool}),
    _settings("findings_settings.json", "kg_findings", "units, qualifiers, clause boundaries, stop words, the "
              "words that make a phrase a measure, a setting or a comparison, and the cues of whose result it is",
              {"units": "map", "qualifiers": "map", "boundaries": "words", "stop": "words", "metric_heads": "words",
               "compound_heads": "words", "vague_heads": "words", "setting_words": "words", "resource_heads": "words",
               "setting_cues": "words", "weak_setting_cues": "words", "result_before_at": "words", "own": "words",
               "other_subjects": "words", "np_stops": "words",
               "subject_heads": "words", "compare": "words"},
              ("units",)),
    _settings("links_settings.json", "kg_links", "words that end or continue a noun phrase, stand between a naming "
              "cue and a name, and make a title's words no name",
              {"np_ends": "words", "noun_suffixes": "words", "not_before_appositive": "words", "pointers": "words",
               "connectors": "words", "name_joiners": "words", "passive_not_own": "words", "description_stops": "words", "title_generic": "words",
               "title_not_first": "words", "title_topic_heads": "words", "famous_rules": "words"}, ()),
    _settings("relations_settings.json", "kg_relations", "words that block a relation, and the filler word sets "
              "rules name", {"blockers": "words", "fillers": "groups"}, ()),
    _settings("lineage.json", "kg_lineage, kg_resolve, kg_canonical", "words that split a model name into family / version / size / flavour "
              "(hand-written); families that are datasets or are written with a depth (generated)",
              {"size_words": "words", "flavour_words": "words", "non_model_families": "words",
               "dataset_families": "words", "depth_families": "words"},
              ("size_words", "flavour_words", "non_model_families")),
)
#: every file kg reads from rules/, by name (or glob), with its schema; table order is the docs' order
RULE_FILES: Mapping[str, RuleFileSchema] = MappingProxyType({s.name: s for s in _SCHEMAS})


def schema_for(filename: str) -> RuleFileSchema:
    """The schema of ``filename`` (a name under rules/); RuleError for a file kg does not know."""
    name = Path(filename).name
    exact = RULE_FILES.get(name)
    if exact is not None:
        return exact
    for schema in RULE_FILES.values():
        if schema.matches(name):
            return schema
    raise RuleError(f"{filename}: not a rule file kg knows (known: {', '.join(RULE_FILES)})")


# ------------------------------------------------------------------------ reading
def _type_ok(value: Any, expected: type) -> bool:
    if expected is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, expected)


def _check_keys(obj: dict, fields: Mapping[str, type], what: str) -> None:
    """Every key of ``obj`` is one of ``fields``, of its type (a list: of strings); RuleError naming ``what``."""
    for key, value in obj.items():
        expected = fields.get(key)
        if expected is None:
            raise RuleError(f"{what} has unknown key {key!r} (expected one of {', '.join(fields)})")
        if not _type_ok(value, expected):
            raise RuleError(f"{what} {key} must be {_TYPE_NAMES[expected]}")
        if expected is list and not all(isinstance(x, str) for x in value):
            raise RuleError(f"{what} {key} must be a list of strings")


def parse_rules(text: str, where: str, schema: RuleFileSchema) -> list[dict]:
    """The rules of one JSONL ``text`` (named ``where`` in errors), each validated against ``schema``.

    Each rule gains ``_line`` and ``_where`` (``"<file>:<line>"``) for the messages of
    the component that compiles it. Raises RuleError on the first bad line.
    """
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        at = f"{where}:{n}"
        try:
            rule = json.loads(line)
        except json.JSONDecodeError as exc:
            raise RuleError(f"{at}: invalid JSON ({exc.msg})") from None
        if not isinstance(rule, dict):
            raise RuleError(f"{at}: a rule must be a JSON object")
        rid = rule.get("id", "?")
        if not isinstance(rid, str):
            raise RuleError(f"{at}: rule id must be a string")
        for key in schema.required:
            if key not in rule or rule[key] in ("", None):
                raise RuleError(f"{at}: rule {rid} lacks {key!r}")
        _check_keys(rule, schema.fields, f"{at}: rule {rid}")
        if schema.labels is not None and "label" in rule and rule["label"] not in schema.labels:
            raise RuleError(f"{at}: rule {rid} has unknown label {rule['label']!r} (expected one of {', '.join(schema.labels)})")
        if isinstance(rule.get("pattern"), dict):
            _check_keys(rule["pattern"], schema.pattern_fields, f"{at}: rule {rid} pattern")
        rule["_line"] = n
        rule["_where"] = at
        out.append(rule)
    return out


def parse_settings(text: str, where: str, schema: RuleFileSchema) -> dict[str, Any]:
    """The settings object of one JSON ``text`` (named ``where`` in errors), validated against ``schema``.

    Keys starting with "//" are comments. A ``words`` setting is a list of strings, a
    ``map`` an object of strings, ``groups`` an object of lists of strings. Raises
    RuleError naming the file, the line of the offending key and the key.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleError(f"{where}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise RuleError(f"{where}: a settings file must hold one JSON object")

    def fail(key: str, problem: str) -> RuleError:
        # the line of the key, for the message: settings files are edited by hand
        line = next((i for i, l in enumerate(text.splitlines(), 1) if f'"{key}"' in l), None)
        return RuleError(f"{where}{f':{line}' if line else ''}: setting {key!r} {problem}")

    out: dict[str, Any] = {}
    for key, value in data.items():
        if key.startswith("//"):
            continue
        kind = schema.settings.get(key)
        if kind is None:
            raise fail(key, f"is unknown (a {schema.name} file has {', '.join(schema.settings)})")
        if kind == "words" and not (isinstance(value, list) and all(isinstance(w, str) for w in value)):
            raise fail(key, "must be a list of strings")
        if kind == "map" and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
            raise fail(key, "must be an object of strings")
        if kind == "groups" and not (
            isinstance(value, dict)
            and all(isinstance(v, list) and all(isinstance(w, str) for w in v) for v in value.values())
        ):
            raise fail(key, "must be an object of lists of strings")
        out[key] = value
    for key in schema.required:
        if key not in out:
            raise RuleError(f"{where}: setting {key!r} is missing")
    return out


class RuleFolder:
    """A picklable snapshot of a rules folder: the text of every rule file kg knows in it.

    What ``kg build --rules DIR`` hands to its worker processes and Dask tasks, so a
    worker on another machine reads the same rules without sharing the folder.
    Hashable by content (``digest``), so per-worker caches can key on it.
    """

    __slots__ = ("texts", "digest", "label")

    def __init__(self, texts: Mapping[str, str], label: str = "<rules>"):
        import hashlib

        self.texts = MappingProxyType(dict(sorted(texts.items())))
        h = hashlib.sha256()
        for name, text in self.texts.items():
            h.update(name.encode() + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
        self.digest = h.hexdigest()
        self.label = label

    @classmethod
    def read(cls, rules_dir: str | Path) -> "RuleFolder":
        """Read every file of ``rules_dir`` that :data:`RULE_FILES` declares (RuleError when the folder is missing)."""
        source = RuleSource.from_folder(rules_dir)
        for schema in RULE_FILES.values():
            for name in source.names(schema.name):
                source.text(name)
        return cls(source.texts, label=source.label)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RuleFolder) and other.digest == self.digest

    def __hash__(self) -> int:
        return hash(self.digest)

    def __reduce__(self):
        return (RuleFolder, (dict(self.texts), self.label))

    def __repr__(self) -> str:
        return f"RuleFolder({self.label!r}, {len(self.texts)} files)"


#: what names a rules folder: a path, a snapshot, or None for kg's own rules/
RulesDir = str | Path | RuleFolder | None


class RuleSource:
    """Where a component reads its rule files: a folder, or saved texts.

    ``texts`` keeps every file text handed out, by name, so the component can
    write back exactly what it read (:meth:`kg.pipeline.rules.RuleComponent.to_disk`).
    """

    def __init__(self, folder: Path | None = None, saved: Mapping[str, str] | None = None, label: str = ""):
        self.folder = folder
        self._saved = dict(saved) if saved is not None else None
        self.label = label or (str(folder) if folder is not None else "<saved rules>")
        self.texts: dict[str, str] = {}

    @classmethod
    def from_folder(cls, rules_dir: "RulesDir" = None) -> "RuleSource":
        """kg's own rules/, the folder ``rules_dir`` (RuleError when it does not exist), or a
        :class:`RuleFolder` snapshot."""
        if isinstance(rules_dir, RuleFolder):
            return cls(saved=rules_dir.texts, label=rules_dir.label)
        return cls(folder=rules_path(rules_dir or None))

    @classmethod
    def from_texts(cls, texts: Mapping[str, str], label: str = "<saved rules>") -> "RuleSource":
        """The file texts a saved pipeline carries, by name."""
        return cls(saved=texts, label=label)

    def where(self, name: str) -> str:
        """How errors name file ``name``."""
        return str(self.folder / name) if self.folder is not None else f"{self.label}/{name}"

    def names(self, pattern: str) -> list[str]:
        """The file names matching ``pattern`` (a name or a glob), sorted."""
        if self._saved is not None:
            return sorted(n for n in self._saved if fnmatch.fnmatchcase(n, pattern))
        return sorted(p.name for p in self.folder.glob(pattern) if p.is_file())

    def exists(self, name: str) -> bool:
        """Whether file (or glob) ``name`` is there."""
        return bool(self.names(name))

    def text(self, name: str) -> str:
        """The text of file ``name`` (RuleError naming it when missing or unreadable)."""
        if name in self.texts:
            return self.texts[name]
        if self._saved is not None:
            if name not in self._saved:
                raise RuleError(f"{self.where(name)}: rule file not found")
            text = self._saved[name]
        else:
            path = self.folder / name
            try:
                text = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                raise RuleError(f"{path}: rule file not found") from None
            except (OSError, UnicodeDecodeError) as exc:
                raise RuleError(f"{path}: cannot read rule file ({exc})") from None
        self.texts[name] = text
        return text

    def rules(self, name: str) -> list[dict]:
        """The validated rules of JSONL file ``name`` (its schema from :data:`RULE_FILES`)."""
        return parse_rules(self.text(name), self.where(name), schema_for(name))

    def settings(self, name: str) -> dict[str, Any]:
        """The validated settings of JSON file ``name`` (its schema from :data:`RULE_FILES`)."""
        return parse_settings(self.text(name), self.where(name), schema_for(name))


def read_rules(path: str | Path) -> list[dict]:
    """The validated rules of the JSONL rule file at ``path`` (its schema by file name)."""
    path = Path(path)
    return RuleSource(folder=path.parent).rules(path.name)


def read_settings(path: str | Path) -> dict[str, Any]:
    """The validated settings of the JSON settings file at ``path`` (its schema by file name)."""
    path = Path(path)
    return RuleSource(folder=path.parent).settings(path.name)


def schema_table() -> str:
    """rules/README.md's table of files, generated from :data:`RULE_FILES` (tested against the README)."""
    rows = ["| file | kind | read by | keys (`?`: optional) | what |", "|---|---|---|---|---|"]
    for s in RULE_FILES.values():
        rows.append(f"| `{s.name}` | {s.kind} | `{s.read_by}` | {s.describe_fields()} | {s.what} |")
    return "\n".join(rows)
