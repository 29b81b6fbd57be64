"""Acronym definitions: "Sparse Autoencoders (SAEs)", "SAVE (Sparse ... Enhancement)".

The long form is found with the Schwartz & Hearst (2003) algorithm: walk the
acronym's letters right to left and match each to a character of the
preceding words, the first letter at a word start. The pair's type comes from
the long form's head noun (rules/head_nouns.jsonl: "...Network" ->
Architecture, "...Score" -> Metric), else from a candidate on either form.
Both forms become candidates (rule ``abbr.definition``), later bare uses of
the acronym too (``abbr.use``), and ``doc._.kg_aliases`` records the pair.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..rulefiles import RuleSource
from .candidates import WEAK_SUFFIX, add_char_candidate, candidate_records, doc_text
from .doctokens import char_token_span, token_starts, token_texts
from .normalize import singular
from .regexrules import balanced
from .rules import RuleComponent

__all__ = ["AbbreviationDetector", "make_abbreviations", "find_long_form", "find_uses"]

# "(XYZ)" or PTB-escaped "-LRB- XYZ -RRB-"; the inside is at most ~10 words. The inside starts
# with a non-space, so the leading \s* cannot trade spaces with it (which is quadratic on a
# "(" before a long run of spaces)
_PAREN = re.compile(r"\(\s*([^()\s][^()\n]{0,119}?)\s*\)|-LRB- ((?:(?!-RRB-)\S+ ){1,12}?)?-RRB-")
#: what follows an acronym in "(PTB; Marcus et al., 1993)": a year or "et al"
_CITATION = re.compile(r"\b(?:1[89]|20)\d\d[a-z]?\b|\bet al\b")
_SHORT = re.compile(r"^[A-Za-z0-9][\w\-./&]{0,14}$")
_WORD = re.compile(r"\S+")


def is_short_form(text: str) -> bool:
    """An acronym-like string: at most 15 chars, one word, with a capital and 2+ letters."""
    return bool(_SHORT.match(text)) and sum(c.isupper() for c in text) >= 1 and sum(c.isalpha() for c in text) >= 2 \
        and not text.islower()


def find_long_form(short: str, preceding: str) -> int | None:
    """Offset in ``preceding`` where the long form of ``short`` starts (Schwartz & Hearst), or None."""
    sf = short[:-1] if short.endswith("s") and len(short) > 2 and short[-2].isupper() else short
    letters = [c.lower() for c in sf if c.isalnum()]
    if len(letters) < 2:
        return None
    s = len(sf) - 1
    l = len(preceding) - 1
    while s >= 0:
        c = sf[s].lower()
        if not c.isalnum():
            s -= 1
            continue
        while l >= 0 and (preceding[l].lower() != c or (s == 0 and l > 0 and preceding[l - 1].isalnum())):
            l -= 1
        if l < 0:
            return None
        l -= 1
        s -= 1
    start = l + 1
    # the long form starts at a word start
    while start > 0 and not preceding[start - 1].isspace() and preceding[start - 1] not in "(\"'":
        start -= 1
    return start


# a bare use of an acronym starts at an ASCII alphanumeric not glued to a word or hyphen before it
_WORD_CHAR = re.compile(r"[\w-]")
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def find_uses(text: str, defined) -> list[tuple[int, int, str]]:
    r"""(start, end, acronym) of every whole-word use of an acronym in ``defined``, plural "s" included.

    Leftmost, longest acronym first, non-overlapping: what the regex
    ``(?<![\w-])(A|B|...)s?(?![\w-])`` finds, but one dictionary lookup per word start
    and acronym length instead of one regex branch per acronym, so a text defining
    thousands of acronyms is still read in linear time.
    """
    lengths = sorted({len(k) for k in defined}, reverse=True)
    # only a word start with the first character of an acronym can begin a use: the scan looks
    # for those characters alone (one character class, still linear)
    firsts = sorted({k[0] for k in defined if k and k[0] in _ALNUM})
    if not firsts:
        return []
    starts = re.compile(r"(?<![\w-])[" + "".join(firsts) + "]")
    out = []
    pos = 0
    for m in starts.finditer(text):
        p = m.start()
        if p < pos:
            continue
        for n in lengths:
            base = text[p : p + n]
            if len(base) < n or base not in defined:
                continue
            e = p + n
            if text.startswith("s", e) and not _WORD_CHAR.match(text, e + 1):
                e += 1
            elif _WORD_CHAR.match(text, e):
                continue
            out.append((p, e, base))
            pos = e
            break
    return out


def _last_words_start(text: str, k: int) -> int | None:
    """Offset of the first of the last ``k`` words of ``text`` (which ends in a word), None without one.

    The start of ``list(_WORD.finditer(text))[-k:][0]``, from one ``rsplit``: listing every
    word of the 200 characters read before each parenthesis cost more than the rest of the test.
    """
    if k < 1:
        k = len(text) + 1  # as ``[-0:]``: every word
    parts = text.rsplit(None, k)
    if not parts:
        return None
    if len(parts) <= k:
        return len(text) - len(text.lstrip())  # k words or fewer: the first word's start
    # the last k words follow parts[0] and the whitespace after it, which holds no word to find
    return text.find(parts[1], len(parts[0]))


def _whole_tokens_balanced(doc: Doc, start: int, end: int) -> bool:
    """Whether the whole tokens over characters ``start:end`` (what a candidate there covers) are
    free of unbalanced brackets."""
    span = char_token_span(doc, start, end)
    if span is None:
        return False
    starts, texts = token_starts(doc), token_texts(doc)
    a, b = starts[span[0]], starts[span[1] - 1] + len(texts[span[1] - 1])
    return balanced(doc_text(doc), a, b) == (a, b)


def _on_token_edges(doc: Doc, start_char: int, end_char: int) -> bool:
    """Whether the characters ``start_char:end_char`` begin and end at token boundaries of ``doc``."""
    span = char_token_span(doc, start_char, end_char)
    if span is None:
        return False
    starts, texts = token_starts(doc), token_texts(doc)
    return starts[span[0]] == start_char and starts[span[1] - 1] + len(texts[span[1] - 1]) == end_char


class AbbreviationDetector(RuleComponent):
    """Find acronym definitions, type them, and propose both forms and later uses."""

    default_name = "kg_abbreviations"

    def load(self, source: RuleSource) -> None:
        """Read the head nouns that type a long form (rules/head_nouns.jsonl)."""
        self.heads: dict[str, tuple[str, str]] = {}
        for rule in source.rules("head_nouns.jsonl"):
            self.heads[rule["pattern"].lower()] = (rule["label"], rule["id"])

    def head_label(self, long_text: str) -> str | None:
        """The type a long form's head noun (last word, or last hyphen part) implies, if any."""
        words = long_text.lower().replace("-", " ").split()
        if not words:
            return None
        for head in (words[-1], singular(words[-1]), " ".join(words[-2:]), singular(" ".join(words[-2:]))):
            if head in self.heads:
                label = self.heads[head][0]
                # a long form in lower case names a class of models ("energy-based models (EBMs)",
                # "masked language models"), not one model: a proper model name is capitalised
                if label == "Model" and not any(c.isupper() for c in long_text):
                    return "Architecture"
                return label
        return None

    def process(self, doc: Doc) -> Doc:
        """Propose both forms of every acronym definition and later uses; record the pairs in ``doc._.kg_aliases``."""
        text = doc_text(doc)
        # labels other components proposed for exactly these characters; lexicon evidence first
        records = candidate_records(doc)
        n_before = len(records)  # the proposals made before this component (it appends its own)
        existing: dict[tuple[int, int], str] | None = None  # built when first needed: most texts define nothing
        weak: dict[tuple[int, int], str] = {}

        def proposed(span: tuple[int, int], weak_ok: bool = False) -> str | None:
            nonlocal existing
            if existing is None:
                existing = {}
                # character offsets from the token lists: a Span per candidate cost more than the rest
                starts, texts = token_starts(doc), token_texts(doc)
                for start, end, label, rule_id in sorted(records[:n_before], key=lambda r: not r[3].startswith("lex.")):
                    chars = (starts[start], starts[end - 1] + len(texts[end - 1]))
                    # a list-only name ("SVD" as a data set) types only a pair whose long form is a proper name
                    (weak if rule_id.endswith(WEAK_SUFFIX) else existing).setdefault(chars, label)
            return existing.get(span) or (weak.get(span) if weak_ok else None)

        defined: dict[str, tuple[str, Span]] = {}
        aliases = []
        for m in _PAREN.finditer(text):
            inside = (m.group(1) or m.group(2) or "").strip()
            in_start = m.start(1) if m.group(1) is not None else m.start(2)
            if not inside or in_start < 0:
                continue
            if not is_short_form(inside):
                # "Penn Treebank (PTB; Marcus et al., 1993)": the acronym, then the citation
                head, sep, rest = inside.partition(";") if ";" in inside else inside.partition(",")
                if sep and is_short_form(head.strip()) and _CITATION.search(rest):
                    inside = head.strip()
            # only the last 200 characters are read, so the full stop is looked for there only
            # (searching back to the start of the text is quadratic on a text without one)
            stop = text.rfind(". ", max(0, m.start() - 202), m.start())
            sent_start = stop + 2 if stop >= 0 else 0
            before = text[max(sent_start, m.start() - 200):m.start()].rstrip()
            before_start = m.start() - len(text[max(sent_start, m.start() - 200):m.start()])
            if is_short_form(inside):
                short_span = (in_start, in_start + len(inside))
                n_words = len(re.sub(r"[^A-Za-z0-9]", "", inside)) + 5
                window_start = _last_words_start(before, min(n_words, 2 * len(inside) + 2))
                if window_start is None:
                    continue
                offset = find_long_form(inside, before[window_start:])
                if offset is None:
                    continue
                long_span = (before_start + window_start + offset, before_start + len(before))
            else:
                # "SAVE (Sparse Autoencoder-Driven ...)": acronym before a parenthesised long form
                last_start = _last_words_start(before, 1)
                if last_start is None or not is_short_form(before[last_start:].strip(",")) or len(inside.split()) < 2:
                    continue
                short_text = before[last_start:].strip(",")
                if find_long_form(short_text, inside) != 0:
                    continue
                short_span = (before_start + last_start, before_start + last_start + len(short_text))
                long_span = (in_start, in_start + len(inside))
            long_text = text[long_span[0]:long_span[1]]
            if len(long_text.split()) < 2 and "-" not in long_text:
                continue
            if not (_whole_tokens_balanced(doc, *long_span) and _whole_tokens_balanced(doc, *short_span)):
                continue  # a token runs across the parenthesis ("Distance(FID"): the forms would keep it
            # the head noun says what kind of thing the long form names; else trust a proposal on either form
            label = self.head_label(long_text)
            label = label or proposed(long_span) or proposed(short_span) \
                or proposed(short_span, weak_ok=long_text[:1].isupper())
            if label is None:
                continue
            if not (_on_token_edges(doc, *long_span) and _on_token_edges(doc, *short_span)):
                continue  # "Learning(MIL)", "(CoT)-enhanced": a form glued to other characters is no mention
            long_c = add_char_candidate(doc, *long_span, label, "abbr.definition")
            short_c = add_char_candidate(doc, *short_span, label, "abbr.definition")
            if long_c is None or short_c is None:
                continue
            aliases.append((short_c, long_c, "abbr.definition"))
            short_text = text[short_span[0]:short_span[1]]
            base = short_text[:-1] if short_text.endswith("s") and short_text[-2:-1].isupper() else short_text
            defined[base] = (label, long_c)
        if defined:
            taken = {(s.start_char, s.end_char) for pair in aliases for s in pair[:2]}
            for start, end, base in find_uses(text, defined):
                if (start, end) in taken or not _whole_tokens_balanced(doc, start, end):
                    continue
                label, _ = defined[base]
                if _on_token_edges(doc, start, end):  # not inside a URL or a longer token
                    add_char_candidate(doc, start, end, label, "abbr.use")
        doc._.kg_aliases = aliases
        return doc


@Language.factory("kg_abbreviations", assigns=["doc.spans", "doc._.kg_aliases"])
def make_abbreviations(nlp: Language, name: str) -> AbbreviationDetector:
    """Factory of ``kg_abbreviations`` (head-noun -> type rules from rules/head_nouns.jsonl, read by ``initialize``)."""
    return AbbreviationDetector(nlp, name)
