"""Build rules/aliases.jsonl, kg's table of canonical names, from the raw lexicon lists.

Usage: python tools/curate_aliases.py /work/shared/lexicons [--out rules/aliases.jsonl]

Each line of the table names one other spelling of a thing and the thing's
canonical name; the graph builder puts every spelling on the canonical name's node:

    {"id": "alias.<why>", "label", "pattern": <other spelling>, "canonical": <name>,
     "source", "licence"}

The raw lists' ``aliases`` are not taken as they are: most of them are *other*
things (leaderboard rows such as "COCO 2017 (Sports, Food)", subsets such as
"COCO-Stuff", few-shot settings). A pair is kept only when its shape says both
strings name the same thing. Decisions:

- ``alias.acronym``: an entry's name is the acronym of its own full name: every
  word of the full name but function words ("of", "in") gives the next letters
  of the name, from its start ("GCN" = "Graph Convolutional Network",
  "LFW" = "Labeled Faces in the Wild", "MIMIC-III" = "The Medical Information
  Mart for Intensive Care III"). A hyphenated modifier may give letters from
  its first part only ("Generative Pre-trained Transformer"). A full name
  ending in "dataset", "benchmark" or "corpus" is kept with and without it.
  Acronyms need two capitals and 3 or more letters or digits (2-letter ones
  such as "CV" stand for several common terms).
- ``alias.acronym.alias``: another spelling the entry lists that is itself an
  acronym of its full name ("MNLI" for MultiNLI = "Multi-Genre Natural
  Language Inference").
- ``alias.acronym.stem``: a versioned name whose stem is the acronym of its full
  name ("YOLOv8" = "You Only Look Once"): the full name names the family, so
  the pair is the stem ("YOLO") and the full name, never the versioned name.
- ``alias.maker``: a full name that starts with its maker ("Microsoft Common
  Objects in Context" for "COCO", "ICSI Meeting Recorder Dialog Act Corpus" for
  "MRDA"), when the maker is written in capitals or the entry lists a spelling
  with the maker's initials ("MS-COCO"): then the full name, the full name
  without the maker, "<maker> <name>" ("Microsoft COCO") and the initialled
  spelling are the same thing. A first word that is not a maker's
  ("Russian Multi-Sentence Reading Comprehension" is MuSeRC, while "Multi-Sentence
  Reading Comprehension" is MultiRC) never qualifies.
- ``alias.suffix``: a listed "X dataset" ("X benchmark", "X corpus") where X is
  a curated dataset name (rules/lexicon_dataset.jsonl) or a spelling above.
- An acronym with two readings in the lists is ambiguous and none of its pairs
  is kept: two entries' full names ("CLIP"), or a full name and another listed
  name it spells out letter for letter, case read strictly ("MAE": masked
  autoencoder, and the metric "Mean Absolute Error"; "GCN": graph convolutional
  network, and the method "Global Convolutional Network"). Names of a kind the
  acronym's entry is not (a task for a dataset) are compared only with acronyms of
  that kind. A spelling that would go to two canonical names, or a canonical
  name that is another's spelling, is dropped too.
- A full name in lower case after its first word ("Gradient-based
  optimization", "online deep learning") is a phrase of the language as often
  as the coined name: dropped.
- A data set's full name without "dataset" that ends like many task names
  ("Night Object Detection", "... Question Answering") names the task as often:
  only the spelling with "dataset" is kept.
- A full name that another kind of list holds as a name of its own (the task
  "Automatic Post-Editing" beside the data set APE) is a different thing:
  the pair is dropped.
- The canonical name is the entry's own name (what Papers with Code and the
  transformers library call it): the acronym of an acronym pair, the name
  without maker or suffix otherwise.
- Hand-written rows (``"source": "kg"``, id ``alias.core``) are kept from the
  output file as they are, and win over derived rows: they hold broadly known ML
  acronyms whose reading the lists leave ambiguous or do not give (GCN, ViT,
  CNN). They are general knowledge, never names taken from evaluation data or
  the seeds.

Spellings that differ only by case, hyphens, spaces or a plural ("MS COCO",
"MSCOCO"), and year spellings ("VOC'07" = "VOC 2007"), need no row: kg's entity
keys (:mod:`kg.pipeline.normalize`) already join them.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # curate_lexicons, beside this script

from curate_lexicons import read_list  # noqa: E402  (the same JSON Lines reader for both lists)
from kg.io import atomic_write  # noqa: E402

# list file -> (kg label, licence of the content); the order breaks ties between lists
LISTS = {
    "hf-transformers_models.jsonl": ("Model", "Apache-2.0"),
    "merged_models.jsonl": ("Model", "CC-BY-SA-4.0"),
    "merged_datasets.jsonl": ("Dataset", "CC-BY-SA-4.0"),
    "merged_methods.jsonl": ("Method", "CC-BY-SA-4.0"),
    "merged_tasks.jsonl": ("Task", "CC-BY-SA-4.0"),
    "merged_metrics.jsonl": ("Metric", "CC-BY-SA-4.0"),
}
#: kinds of names: a model's acronym may spell out a method's name, not a task's
GROUPS = {"Model": "system", "Method": "system", "Dataset": "data", "Task": "task", "Metric": "metric"}
#: the source of hand-written rows, kept from the output file
HAND_SOURCE = "kg"

#: function words a full name may carry without giving a letter ("Labeled Faces in the Wild" = LFW)
STOP = frozenset("a an and as at by for from in into of on or the to via with".split())
#: head nouns a full name may end with outside its acronym ("General Language Understanding Evaluation benchmark")
HEADS = frozenset({"dataset", "benchmark", "corpus"})
_HEAD_SUFFIX = re.compile(r"^(.+?)[\s_-]+(?:dataset|data set|benchmark|corpus)$", re.I)
# "X dataset" written with a space ("Cross-corpus" is one word)
_HEAD_SUFFIX_SPACED = re.compile(r"^(.+?) (?:dataset|data set|benchmark|corpus)$", re.I)
#: task names that must end with a word for it to mark a task ("... Detection": 384 in the lists)
TASK_HEAD_MIN = 20
#: letters of an acronym tried as word starts when looking for its readings (2**n lookups)
MAX_START_LETTERS = 10
# a name that can be an acronym: one word, 3-12 letters, digits, hyphens or dots, two capitals
_ACRONYM_LIKE = re.compile(r"^(?=(?:[^A-Z]*[A-Z]){2})[A-Za-z][A-Za-z0-9.\-]{2,11}$")
# a versioned name: stem and version ("YOLOv8", "YOLO-v3")
_STEMMED = re.compile(r"^([A-Za-z]{3,12}?)[\s-]?v?\d{1,2}(?:\.\d+)?$")
# a full name fit to be read as words (no punctuation beyond hyphens, slashes and apostrophes)
_PLAIN_LONG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9'\- /]*$")
# words only, none of them an acronym ("PDE solutions" spells nothing out)
_SPELLED_OUT = re.compile(r"^(?!.*\b[A-Z][A-Za-z]*[A-Z])[A-Za-z][A-Za-z'\-]*(?: [A-Za-z][A-Za-z'\-]*)+$")
# a maker before a full name, and a maker's initials before a name ("MS-COCO", "MSCOCO")
_MAKER = re.compile(r"^[A-Z][A-Za-z]+$")
_CAPITALS = re.compile(r"^[A-Z]{2,6}$")
_MAKER_INITIALS = re.compile(r"^([A-Z]{1,3})[\s-]?(.+)$")


def _alnum(s: str) -> str:
    return "".join(c for c in s.lower() if c.isalnum())


def _words(long: str) -> tuple[tuple[str, ...], ...] | None:
    """The words of a full name, each as its hyphen/slash parts (letters and digits), or None if unfit."""
    long = " ".join(long.split())
    if not _PLAIN_LONG.match(long):
        return None
    words = []
    for w in long.split(" "):
        parts = tuple(p for p in ("".join(c for c in part if c.isalnum()) for part in re.split(r"[-/]", w)) if p)
        if parts:
            words.append(parts)
    return tuple(words) if len(words) >= 2 else None


def is_acronym_of(short: str, long: str, strict: bool = False) -> bool:
    """Whether ``short`` abbreviates ``long`` (the reading is in the module docstring).

    ``strict`` also reads case: a small letter of ``short`` never starts a word
    ("ViT": the "i" continues "Vision"), a capital continues a word only where
    the full name has a capital too ("COntext"), and every part of the last word
    gives a letter. Pairs the lists assert (an entry's name and full name) are
    checked loosely; readings kg looks for itself are strict.

    >>> is_acronym_of("GCN", "Graph Convolutional Network"), is_acronym_of("ViT", "Vision Transformer", strict=True)
    (True, True)
    >>> is_acronym_of("COCO", "Code Completion", strict=True), is_acronym_of("GCN", "Graph Network")
    (False, False)
    """
    s = "".join(c for c in short if c.isalnum())
    words = _words(long)
    if len(s) < 3 or not words:
        return False
    # a head noun may give a letter ("InsPLAD": "... Asset Dataset") or stay outside ("GLUE benchmark")
    headless = words[:-1] if len(words) > 2 and len(words[-1]) == 1 and words[-1][0].lower() in HEADS else None
    return _match(s, words, strict) or (headless is not None and _match(s, headless, strict))


@lru_cache(maxsize=65536)
def _match(s: str, words: tuple[tuple[str, ...], ...], strict: bool) -> bool:
    last = len(words) - 1

    @lru_cache(maxsize=None)
    def from_word(i: int, w: int) -> bool:
        if w > last:
            return i == len(s)
        parts = words[w]
        if len(parts) == 1 and parts[0].lower() in STOP and from_word(i, w + 1):
            return True
        return any(from_word(j, w + 1) for j in _word_ends(s, i, parts, w == last, strict))

    return from_word(0, 0)


def _word_ends(s: str, i: int, parts: tuple[str, ...], head: bool, strict: bool) -> set[int]:
    """Where in ``s`` a match can end once one word has given letters from ``s[i]`` on.

    Each part gives a prefix of itself: the first part at least one letter, a
    modifier's other parts any number (none included), a strict head's at least one.
    """
    ends = {i}
    for k, part in enumerate(parts):
        nxt = set()
        for e in ends:
            if k > 0 and not (head and strict):
                nxt.add(e)
            if e >= len(s) or s[e].lower() != part[0].lower() or (strict and e > 0 and s[e].islower()):
                continue
            n = 1
            nxt.add(e + 1)
            while e + n < len(s) and n < len(part) and s[e + n].lower() == part[n].lower():
                if strict and s[e + n].isupper() and not part[n].isupper():
                    break  # a capital of the acronym starts a word unless the name has a capital there too
                n += 1
                nxt.add(e + n)
        ends = nxt
        if not ends:
            break
    return ends


def _start_letters(short: str) -> str:
    """The letters of an acronym that may start a word of its full name (strict reading), lower case."""
    s = "".join(c for c in short if c.isalnum())
    return "".join(c.lower() for i, c in enumerate(s) if i == 0 or not c.islower())


@lru_cache(maxsize=4096)
def _subsequences(s: str) -> tuple[str, ...]:
    """Every subsequence of ``s`` that keeps its first letter and has 2+ letters (``s`` is short)."""
    out = {s[0]}
    for c in s[1:]:
        out |= {x + c for x in out}
    return tuple(sorted(x for x in out if len(x) >= 2))


def _initials_of(initials: str, word: str) -> bool:
    """Whether ``initials`` are letters of ``word`` in order, the first its first ("MS", "Microsoft")."""
    w = word.lower()
    if not initials or initials[0].lower() != w[:1]:
        return False
    pos = 1
    for c in initials[1:].lower():
        pos = w.find(c, pos) + 1
        if pos == 0:
            return False
    return True


def _without_head(long: str) -> str:
    m = _HEAD_SUFFIX.match(long)
    return m.group(1) if m and len(m.group(1).split()) >= 2 else ""


def _clean(name: str | None) -> str:
    return " ".join((name or "").split())


@dataclass(frozen=True)
class Entry:
    """One raw list entry, as the curation reads it."""

    name: str
    full: str
    aliases: tuple[str, ...]
    label: str
    sources: tuple[str, ...]
    licence: str

    @property
    def group(self) -> str:
        """The kind of name (:data:`GROUPS`)."""
        return GROUPS[self.label]


def read_entries(lexicon_dir: Path) -> list[Entry]:
    """Every entry of the raw lists in ``lexicon_dir``, in :data:`LISTS` order."""
    out = []
    for fname, (label, licence) in LISTS.items():
        path = lexicon_dir / fname
        if not path.exists():
            sys.exit(f"{path}: missing lexicon list")
        for e in read_list(path):
            name = _clean(e.get("name"))
            if name:
                out.append(Entry(name, _clean(e.get("full_name")), tuple(map(_clean, e.get("aliases") or ())), label,
                                 tuple(e.get("sources") or ("hf-transformers",)), licence))
    return out


def curated_names(path: Path) -> frozenset[str]:
    """Letters-and-digits forms of the patterns of a curated lexicon file (empty if it is missing)."""
    if not path.exists():
        return frozenset()
    return frozenset(_alnum(r["pattern"]) for r in read_list(path))


class _Rows:
    """Candidate rows, one per (canonical, spelling); the first reason found is kept."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], dict] = {}
        #: (acronym, reading) of each row, for the ambiguity and kind checks
        self.reading: dict[tuple[str, str], tuple[str, str, str]] = {}

    def add(self, canonical: str, pattern: str, rule: str, e: Entry, reading: tuple[str, str] | None = None) -> None:
        if not pattern or _alnum(canonical) == _alnum(pattern):
            return  # one spelling: the entity key already joins them
        if (canonical, pattern) in self.rows:
            return
        self.rows[canonical, pattern] = {
            "id": rule, "label": e.label, "pattern": pattern, "canonical": canonical,
            "source": ",".join(sorted(set(e.sources))), "licence": e.licence}
        if reading:
            self.reading[canonical, pattern] = (_alnum(reading[0]), _alnum(reading[1]), e.group)


def _own_rows(e: Entry, rows: _Rows) -> None:
    """The rows an entry with a full name asserts (alias.acronym, .alias, .stem, alias.maker)."""
    name, full = e.name, e.full
    if _ACRONYM_LIKE.match(name) and is_acronym_of(name, full):
        reading = (name, _without_head(full) or full)
        rows.add(name, full, "alias.acronym", e, reading)
        rows.add(name, _without_head(full), "alias.acronym", e, reading)
        for alias in e.aliases:
            if _ACRONYM_LIKE.match(alias) and is_acronym_of(alias, full):
                rows.add(name, alias, "alias.acronym.alias", e, (alias, reading[1]))
        return
    m = _STEMMED.match(name)
    if m and _ACRONYM_LIKE.match(m.group(1)) and is_acronym_of(m.group(1), full):
        reading = (m.group(1), _without_head(full) or full)
        rows.add(m.group(1), full, "alias.acronym.stem", e, reading)
        rows.add(m.group(1), _without_head(full), "alias.acronym.stem", e, reading)
        return
    maker, _, rest = full.partition(" ")
    if not (_MAKER.match(maker) and _ACRONYM_LIKE.match(name) and _SPELLED_OUT.match(rest)
            and is_acronym_of(name, rest)):
        return
    initialled = [a for a in e.aliases if (m := _MAKER_INITIALS.match(a)) and m.group(2) == name
                  and _initials_of(m.group(1), maker)]
    if not (initialled or _CAPITALS.match(maker)):
        return  # "Russian ...", "Unsupervised ...": a word of the name, not its maker
    reading = (name, _without_head(rest) or rest)
    for spelling in (full, rest, _without_head(rest), f"{maker} {name}", *initialled):
        rows.add(name, spelling, "alias.maker", e, reading)


def _readings(entries: list[Entry], owned: set[str]) -> dict[str, dict[str, set[str]]]:
    """For each acronym-like name: the multi-word names of its kind it spells out (strict
    reading), kind by kind. Full names their own entry abbreviates are left out ("Graph
    Convolutional Networks for Fake News Detection" is GCNFN's, no reading of GCN)."""
    index: dict[tuple[str, str], dict[str, str]] = {}  # (kind, word initials) -> long alnum -> long
    for e in entries:
        for long in (e.name, e.full):
            if " " not in long or _alnum(long) in owned or not (words := _words(long)):
                continue
            content = [w for w in words if not (len(w) == 1 and w[0].lower() in STOP)]
            initials = "".join(w[0][0].lower() for w in content)
            index.setdefault((e.group, initials), {}).setdefault(_alnum(long), long)
    readings: dict[str, dict[str, set[str]]] = {}
    for e in entries:
        if not _ACRONYM_LIKE.match(e.name) or _STEMMED.match(e.name):
            continue
        found = readings.setdefault(_alnum(e.name), {}).setdefault(e.group, set())
        for initials in _subsequences(_start_letters(e.name)[:MAX_START_LETTERS]):
            for key, long in index.get((e.group, initials), {}).items():
                if is_acronym_of(e.name, long, strict=True):
                    found.add(key)
    return readings


def task_heads(entries: list[Entry]) -> frozenset[str]:
    """Last words of many task names ("detection", "answering"): a name ending so reads as a task."""
    counts: dict[str, int] = {}
    for e in entries:
        words = e.name.lower().split()
        if e.label == "Task" and len(words) >= 2:
            counts[words[-1]] = counts.get(words[-1], 0) + 1
    return frozenset(w for w, n in counts.items() if n >= TASK_HEAD_MIN)


def _descriptive(spelling: str) -> bool:
    """A phrase in lower case after its first word ("online deep learning", "Gradient-based optimization")."""
    content = [w for w in spelling.split()[1:] if w.lower() not in STOP]
    return bool(content) and all(w[:1].islower() for w in content)


def _reads_as_task(spelling: str, heads: frozenset[str]) -> bool:
    words = spelling.lower().split()
    return len(words) >= 2 and words[-1] in heads


def _suffix_rows(entries: list[Entry], rows: _Rows, dataset_names: frozenset[str]) -> None:
    """``alias.suffix`` rows: a listed "X dataset" where X is a curated dataset name or a spelling above."""
    canonical_of = {_alnum(r["pattern"]): r["canonical"] for r in rows.rows.values()}
    for e in entries:
        if e.label != "Dataset" or not (m := _HEAD_SUFFIX_SPACED.match(e.name)):
            continue
        bare = _alnum(m.group(1))
        if bare in canonical_of:
            rows.add(canonical_of[bare], e.name, "alias.suffix", e)
        elif bare in dataset_names:
            rows.add(m.group(1), e.name, "alias.suffix", e)


def curate(lexicon_dir: Path, dataset_names: frozenset[str] | None = None, hand: list[dict] | None = None) -> list[dict]:
    """The alias table rows from the raw lists in ``lexicon_dir``, sorted, one per spelling.

    ``dataset_names``: letters-and-digits forms of the curated dataset names, the
    only names "X dataset" is joined to (default: rules/lexicon_dataset.jsonl).
    ``hand``: hand-written rows, kept as they are and first (default: none).
    """
    if dataset_names is None:
        dataset_names = curated_names(REPO / "rules" / "lexicon_dataset.jsonl")
    hand = list(hand or [])
    entries = read_entries(lexicon_dir)
    rows = _Rows()
    for e in entries:
        if e.full:
            _own_rows(e, rows)
    owned = {long for _, long, _ in rows.reading.values()} | {_alnum(e.full) for e in entries if e.full}
    readings = _readings(entries, owned)
    asserted: dict[str, set[str]] = {}
    for short, long, _ in rows.reading.values():
        asserted.setdefault(short, set()).add(long)
    names_by_group: dict[str, set[str]] = {}
    for e in entries:
        names_by_group.setdefault(e.group, set()).add(_alnum(e.name))
    heads = task_heads(entries)

    def keep(key: tuple[str, str]) -> bool:
        if key not in rows.reading:
            return True
        short, long, group = rows.reading[key]
        meanings = asserted.get(short, set()) | set().union(*readings.get(short, {}).values())
        if len(meanings) > 1:
            return False  # two readings of one acronym
        if _descriptive(rows.rows[key]["pattern"]):
            return False  # "gradient-based optimization": a phrase of the language, not a coined name
        if group == "data" and _reads_as_task(rows.rows[key]["pattern"], heads):
            return False  # "Night Object Detection" without "dataset" names the task as often
        # the full name is a name of another kind of list: a task, not the data set
        return not any(long in names for g, names in names_by_group.items() if g != group)

    rows.rows = {key: r for key, r in rows.rows.items() if keep(key)}
    _suffix_rows(entries, rows, dataset_names)
    # a hand-written row decides its names: derived rows about them go
    taken = {_alnum(r["pattern"]) for r in hand} | {_alnum(r["canonical"]) for r in hand}
    derived = [r for r in rows.rows.values() if _alnum(r["pattern"]) not in taken and _alnum(r["canonical"]) not in taken]
    return _consistent(hand + derived)


def _consistent(rows: list[dict]) -> list[dict]:
    """Rows whose spelling has one canonical name, and no canonical name that is another's spelling."""
    by_pattern: dict[str, set[str]] = {}
    for r in rows:
        by_pattern.setdefault(_alnum(r["pattern"]), set()).add(_alnum(r["canonical"]))
    clashing = {p for p, cs in by_pattern.items() if len(cs) > 1}
    rows = [r for r in rows if _alnum(r["pattern"]) not in clashing]
    patterns = {_alnum(r["pattern"]) for r in rows}
    # a canonical name that is itself another name's spelling would make a chain: keep neither link
    rows = [r for r in rows if _alnum(r["canonical"]) not in patterns]
    seen: set[str] = set()
    out = []
    for r in sorted(rows, key=lambda r: (r["canonical"].lower(), r["pattern"].lower(), r["id"])):
        if _alnum(r["pattern"]) not in seen:
            seen.add(_alnum(r["pattern"]))
            out.append(r)
    return out


def hand_rows(path: Path) -> list[dict]:
    """The hand-written rows (``"source": "kg"``) of an existing table, or [] when there is none."""
    return [r for r in read_list(path) if r.get("source") == HAND_SOURCE] if path.exists() else []


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: curate the lists in the given folder into rules/aliases.jsonl."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("lexicon_dir", type=Path)
    ap.add_argument("--out", type=Path, default=REPO / "rules" / "aliases.jsonl")
    args = ap.parse_args(argv)
    if not args.lexicon_dir.is_dir():
        sys.exit(f"{args.lexicon_dir}: not a folder of lexicon lists")
    rows = curate(args.lexicon_dir, hand=hand_rows(args.out))
    with atomic_write(args.out) as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{args.out}: {len(rows)} spellings of {len({r['canonical'] for r in rows})} names", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
