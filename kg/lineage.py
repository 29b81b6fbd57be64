"""Model lineage: split a model name into family, version, size and flavour.

``parse_model_name("LLaVA-1.5-7B")`` gives family ``LLaVA``, version ``1.5`` and
size ``7B``; the graph builder links every parsed Model mention to a family node
with a ``variant_of`` edge. Parsing works on the *shape* of a name (chunks split
at spaces, hyphens and underscores, and between a family word and the number
glued to it, as in ``Qwen2.5``); the few word lists it needs (size words, flavour
words, families that are not models such as ``COVID``) are data in
``rules/lineage.json``.

Decisions, so every caller reads a parse the same way:

* **size** is the scale of the variant: a parameter count (``7B``, ``8x7B``,
  ``70M``), a scale word (``base``, ``large``, ``mini``, ``XL``), a depth written
  as a bare integer of two or three digits (``ResNet-50``, ``VGG-16``), a scale
  letter with a digit (``EfficientNet-B7``) or a ViT scale with its patch size,
  kept together as papers write it (``ViT-B/16`` -> size ``B/16``).
* **version** is a release number (``1.5``, ``3``, ``4o``, ``v0.1`` -> ``0.1``)
  or a letter-digit release tag (``DeepSeek-R1`` -> ``R1``).
* **flavour** is everything after the family that is neither: tuning and
  packaging words (``Instruct``, ``chat``, ``turbo``), context lengths (``4k``),
  product tiers (``Sonnet``) and distillation targets
  (``DeepSeek-R1-Distill-Qwen-7B`` -> flavour ``Distill-Qwen``); parts joined by "-".
* A plain family name (``BERT``, ``GLUE``) has no variant and parses to None, as
  do strings whose family is listed as not a model (``COVID-19``), year-like
  numbers (``CoNLL-2003``) and lower-case words with only a number (``layer 2``).
* Lineage is only for model names. A trailing number on a dataset or benchmark
  is its size or year, not a model version: a family that the dataset lexicon
  names (``Kinetics400``, ``UCF101``, ``SST-2``; ``dataset_families`` in
  ``rules/lineage.json``, generated from the lexicon lists by
  ``tools/curate_lexicons.py``) parses to None, and so does a glued count
  (``Foo10k``: ten thousand items). A bare two- or three-digit number is read
  as a depth (``ResNet-50``) only after a family known for depths (the model
  lexicons' ``depth_families``: ``VGG16``) or a coined mixed-case name
  (``DenseNet121``); after other capitals or a plain word (``Win10``,
  ``Places365``) it is a count or a split, and the name parses to None. A
  family of one or two capitals (``BM42``, ``HH-RLHF``) is too short to tell
  from an initialism unless a parameter count or a dotted version follows
  (``SD-2.1``).
* A family is never a cut-off name: a version written ``V2`` after a
  lower-case letter stays whole (``ShuffleNetV2`` -> family ``ShuffleNet``,
  version ``2``).
* ``key`` is canonical: lower case, the parts joined by "-", so ``LLaVA 1.5 7B``,
  ``llava-1.5-7b`` and ``LLaVA-1.5-7B`` share ``llava-1.5-7b``; ``family_key`` is
  the family's key. ``label`` is the name as written, whitespace collapsed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .records import ModelName

__all__ = [
    "ModelName",
    "LineageWords",
    "parse_model_name",
    "default_words",
    "unattested_families",
    "MIN_UNMENTIONED_VARIANTS",
]


# Why these shapes: they are the ways papers write variants, whatever the model.
_SPLIT = re.compile(r"([\s_\-]+)")
# "V2" is a version mark only after a lower-case letter (ShuffleNetV2), so the family
# is never cut off before it; the stem is lazy, but a chunk is at most 60 characters
_GLUED = re.compile(r"^([A-Za-z][A-Za-z]+?)((?:v|(?<=[a-z])V)?\d+(?:\.\d+)*[A-Za-z]?)$")
# a glued count of thousands ("Foo10k"): the size of a data set, not a version
_GLUED_COUNT = re.compile(r"^\d+[kK]$")
# a family of one or two capitals ("BM", "HH"): an initialism as often as a model
_INITIALS = re.compile(r"^[A-Z]{1,2}$")
# a coined mixed-case name (ResNet, DenseNet): with a depth it names a model
_COINED = re.compile(r"^[A-Z][a-z]+[A-Z][A-Za-z]*$")
_PARAMS = re.compile(r"^(?:\d+x)?\d+(?:\.\d+)?[mbtMBT]$")
_PATCH = re.compile(r"^([A-Za-z]{1,2})/(\d{1,2})$")
_VERSION = re.compile(r"^[vV]?(\d+(?:\.\d+)*[A-Za-z]?)$")
_TAG = re.compile(r"^([A-Za-z])(\d+(?:\.\d+)?)$")
_CTX = re.compile(r"^\d+(?:\.\d+)?[kK]$")
_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9.+]*$")
# a coined name: all capitals (BERT, GPT) or a capital after the first letter (RoBERTa, DeBERTa)
_NAME_LIKE = re.compile(r"^(?:[A-Z][A-Z0-9]+|[A-Za-z]+[A-Z][A-Za-z0-9]*)$")
_ALLOWED = re.compile(r"^[\w.\-/+ ]+$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True, slots=True)
class LineageWords:
    """The word lists model-name parsing reads from rules/lineage.json, lower case.

    ``size_words``, ``flavour_words`` and ``non_model_families`` are hand-written;
    ``dataset_families`` and ``depth_families`` are generated from the lexicon lists
    by ``tools/curate_lexicons.py`` (a file without them gives empty sets).
    """

    size_words: frozenset[str]
    flavour_words: frozenset[str]
    non_model_families: frozenset[str]
    dataset_families: frozenset[str] = frozenset()
    depth_families: frozenset[str] = frozenset()

    @classmethod
    def from_settings(cls, settings: dict) -> "LineageWords":
        """The word lists of a validated lineage.json object (:func:`kg.rulefiles.RuleSource.settings`)."""
        return cls(*(frozenset(w.lower() for w in settings.get(k, ())) for k in
                     ("size_words", "flavour_words", "non_model_families", "dataset_families", "depth_families")))


@lru_cache(maxsize=1)
def default_words() -> LineageWords:
    """The word lists of kg's own rules/lineage.json (read once)."""
    from .rulefiles import RuleSource

    return LineageWords.from_settings(RuleSource.from_folder().settings("lineage.json"))


def _chunks(name: str) -> list[str]:
    """Split at separators, then split a family word from a number glued to it."""
    parts = [p for p in _SPLIT.split(name) if p and not _SPLIT.fullmatch(p)]
    if not parts:
        return []
    m = _GLUED.match(parts[0])
    # "T5", "U2": a one-letter stem is part of the name, not a family plus version.
    if m and not _PARAMS.match(parts[0]):
        if _GLUED_COUNT.match(m.group(2)):
            return []  # "Foo10k": a count of items names a data set
        return [m.group(1), m.group(2), *parts[1:]]
    return parts


def parse_model_name(name: str, words: LineageWords | None = None) -> ModelName | None:
    """Parse a model name into family / version / size / flavour, or None.

    None means "not a variant": a plain family name, a non-model string, or a
    shape kg does not read as a model name. ``words`` are the word lists to read
    it with (default: kg's own rules/lineage.json; the ``kg_lineage`` component
    passes those of its rules folder).

    >>> m = parse_model_name("Qwen2.5-7B-Instruct")
    >>> (m.family, m.version, m.size, m.flavour, m.key)
    ('Qwen', '2.5', '7B', 'Instruct', 'qwen-2.5-7b-instruct')
    >>> parse_model_name("BERT") is None
    True
    """
    label = " ".join(name.split())
    if not label or len(label) > 60 or not _ALLOWED.match(label):
        return None
    w = words if words is not None else default_words()
    size_words, flavour_words, non_models = w.size_words, w.flavour_words, w.non_model_families
    chunks = _chunks(label)
    if not chunks or len(chunks) > 8:
        return None

    family: list[str] = []
    version = size = ""
    flavour: list[str] = []
    i = 0
    if _PARAMS.match(chunks[0]):  # "70B Chinchilla"
        size, i = chunks[0], 1
    while i < len(chunks):
        c, low = chunks[i], chunks[i].lower()
        if family and (
            _PARAMS.match(c) or _PATCH.match(c) or _VERSION.match(c) or _TAG.match(c)
            or low in size_words or low in flavour_words or _CTX.match(c)
        ):
            break
        if not _WORD.match(c) or len(family) == 3:
            return None
        family.append(c)
        i += 1
    if not family:
        return None
    for c in chunks[i:]:
        low = c.lower()
        if _PARAMS.match(c) and not size:
            size = c
        elif _PATCH.match(c) and not size:
            size = c
        elif (v := _VERSION.match(c)) and not version and (not flavour or c[:1] in "vV") and "." not in c[-1:]:
            digits = v.group(1)
            if _YEAR.match(digits):
                return None
            if digits.isdigit() and len(digits) >= 2:
                if len(digits) > 3 or size:
                    return None  # "T5-3B 13": a number after the size is a count or a reference
                size = digits  # a depth or width: ResNet-50, VGG-16
            else:
                version = digits
        elif (t := _TAG.match(c)) and not (version and size):
            if t.group(1).lower() in size_words and not size:
                size = c
            elif not version:
                version = c
            else:
                flavour.append(c)
        elif low in size_words and not size:
            size = c
        elif _WORD.match(c) or _CTX.match(c):
            flavour.append(c)
        else:
            return None
    # the family as written ("Stable Diffusion", "GPT-NeoX"), its key hyphen-joined
    start = label.find(family[0])
    end = label.find(family[-1], start) + len(family[-1]) if start >= 0 else -1
    fam = label[start:end] if start >= 0 and end > start else " ".join(family)
    if any(f.lower() in non_models for f in family):
        return None
    dataset_families, depth_families = w.dataset_families, w.depth_families
    family_key = "-".join(family).lower()
    if family_key in dataset_families or fam.lower() in dataset_families:
        return None  # "Kinetics400", "SST-2": a benchmark's size or version, not a model's
    if size.isdigit() and family_key not in depth_families and not (len(family) == 1 and _COINED.match(family[0])):
        return None  # "Win10", "Places365": a bare number after a plain word or capitals is a count
    if len(family) == 1 and _INITIALS.match(family[0]) and not (_PARAMS.match(size) or "." in version):
        return None  # "BM42", "HH-RLHF": initials with a number or a word, not a named model
    if not (version or size or flavour):
        return None
    if not any(ch.isupper() for ch in fam) and not (size or flavour):
        return None  # "layer 2", "step-3": lower-case words with a number
    if not version and not size and all(f.lower() not in flavour_words for f in flavour):
        return None  # only unknown words after the family: a phrase, not a variant
    if (
        not any(ch.isdigit() for ch in label)
        and not size.isupper()  # "Stable Diffusion XL", "T5-XXL" name a size in capitals
        and (" " in label or not _NAME_LIKE.match(family[0]))
    ):
        # "Multimodal Large Language Models", "Large Vision-Language Models": a class of
        # models described in words, not a named variant (those carry a digit, or are one
        # coined token such as "BERT-large" or "RoBERTa-base", or a size in capitals)
        return None
    flav = "-".join(flavour)
    parts = ["-".join(family), version, size.replace("/", "-"), flav]
    key = "-".join(p.lower() for p in parts if p)
    return ModelName(
        family=fam, version=version, size=size, flavour=flav, key=key, family_key=family_key, label=label
    )


#: a family node that no paper mentions is kept only when this many distinct variants link to it
MIN_UNMENTIONED_VARIANTS = 2


def unattested_families(graph, *, min_variants: int = MIN_UNMENTIONED_VARIANTS) -> list[str]:
    """Family nodes of ``graph`` that nothing but a lone parse vouches for, sorted.

    A node reached by ``variant_of`` edges is attested when some paper mentions
    it (an incoming ``mentions`` edge: the family name is itself written
    somewhere) or when at least ``min_variants`` distinct variants link to it
    (``Zorb-1.5-7B`` and ``Zorb-1.5-13B`` make ``Zorb`` a family even if no text
    writes the family's name alone). The rest exist only because one name was split,
    and a wrong split (a benchmark read as a model) would otherwise leave a
    node no paper mentions; :func:`kg.graph.finalize` can drop them with their
    ``variant_of`` edges. ``graph`` is kg's ``networkx.MultiDiGraph``.
    """
    variants: dict[str, set[str]] = {}
    for u, v, k in graph.edges(keys=True):
        if k == "variant_of" and u != v:
            variants.setdefault(v, set()).add(u)
    out = []
    for family, sources in variants.items():
        if len(sources) >= min_variants:
            continue
        if any(k == "mentions" for _, _, k in graph.in_edges(family, keys=True)):
            continue
        out.append(family)
    return sorted(out)
