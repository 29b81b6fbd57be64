"""Plain, picklable records that flow between kg's stages.

Readers yield :class:`Paper`; the extraction stage turns one paper into one
:class:`PaperExtraction` (no spaCy objects inside, so it crosses process
boundaries and Dask workers); the graph stage merges extractions into a
``networkx.MultiDiGraph``. All character offsets are into ``Paper.content``
(title, blank line, abstract), end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .schema import paper_content, types_with_role

__all__ = [
    "ENTITY_TYPES",
    "Paper",
    "ModelName",
    "Mention",
    "Relation",
    "Alias",
    "PaperLink",
    "Finding",
    "PaperExtraction",
]

#: The entity types kg's entity components assign (``Span.label_``; kg.schema's ``extracted``
#: role). ``Organization`` is used only for paper -> affiliated_with links and is not scored
#: against the eval corpora.
ENTITY_TYPES: tuple[str, ...] = types_with_role("extracted")


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper as read from an input file.

    ``id`` is ``arxiv:<id>`` when the text carries an arXiv id, else ``sha:<16 hex>``
    of the normalised title and text, so the same paper read twice gets one id.
    """

    id: str
    title: str | None
    text: str
    source: str
    topics: tuple[str, ...] = ()
    arxiv_id: str | None = None

    @property
    def content(self) -> str:
        """The text the pipeline reads: the title, a blank line, then the abstract."""
        return paper_content(self.title, self.text)

    @property
    def label(self) -> str:
        """A readable label: the title, else the first words of the text."""
        if self.title:
            return self.title
        words = self.text.split()
        head = " ".join(words[:12])
        return head + (" ..." if len(words) > 12 else "")


@dataclass(frozen=True, slots=True)
class ModelName:
    """A model name parsed as a variant (:func:`kg.lineage.parse_model_name`); absent parts are "".

    ``key`` is canonical (every spelling of the variant shares it), ``family_key`` the
    family's key, ``label`` the name as written; ``known_family`` says the family is a
    broadly known model name (rules/lexicon_model.jsonl), which one variant attests.
    """

    family: str
    version: str = ""
    size: str = ""
    flavour: str = ""
    key: str = ""
    family_key: str = ""
    label: str = ""
    known_family: bool = False


@dataclass(frozen=True, slots=True)
class Mention:
    """An entity mention: ``content[start:end]`` tagged ``label`` by rule ``rule``.

    ``text`` is the name as the pipeline read it (kg.textnorm: "Fréchet" where the content
    writes ``Fr\\'echet``); ``key`` is the normalised form the graph merges on (see
    kg.pipeline.normalize; a model variant's is its ``lineage.key``); ``sent`` indexes
    ``PaperExtraction.sentences``; ``lineage`` is the parse of a Model name that reads as a
    variant (the ``kg_lineage`` step); ``canonical`` the canonical name the alias table gives
    the spelling (the ``kg_canonical`` step), whose key is then ``key``.
    """

    start: int
    end: int
    label: str
    text: str
    rule: str
    sent: int
    key: str
    lineage: ModelName | None = None
    canonical: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A typed link between two mentions (indices into ``PaperExtraction.mentions``)."""

    head: int
    tail: int
    label: str
    rule: str
    sent: int


@dataclass(frozen=True, slots=True)
class Alias:
    """An acronym definition: mention ``short`` abbreviates mention ``long``."""

    short: int
    long: int
    rule: str


@dataclass(frozen=True, slots=True)
class PaperLink:
    """A paper-level link: ``proposes`` / ``uses`` a mention, or ``affiliated_with`` one."""

    label: str
    target: int
    rule: str
    sent: int


@dataclass(frozen=True, slots=True)
class Finding:
    """A quantified claim, e.g. "reduces latency by up to 73% on LLaVA-1.5-7B".

    ``subject``, ``compared_to`` and ``settings`` index mentions; ``metric`` is the
    metric's text and ``metric_mention`` its mention, when one covers it.
    """

    start: int
    end: int
    sent: int
    rule: str
    text: str
    direction: str  # improves | reduces | reaches | outperforms
    value: float
    unit: str  # "%", "pp", "x", "" ...
    metric: str | None = None
    metric_mention: int | None = None
    qualifier: str | None = None  # "up to", "on average", "over", ...
    baseline: float | None = None  # the "from" value of "from 14.92% to 84.43%"
    subject: int | None = None
    settings: tuple[int, ...] = ()
    compared_to: int | None = None  # the method the value is measured against ("outperforms X by 5%")


@dataclass(slots=True)
class PaperExtraction:
    """Everything kg extracted from one paper, as plain data."""

    paper: Paper
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    links: list[PaperLink] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def sentence(self, i: int) -> str:
        """The text of sentence ``i``."""
        s, e = self.sentences[i]
        return self.paper.content[s:e]
