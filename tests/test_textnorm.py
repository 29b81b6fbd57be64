"""kg.textnorm: LaTeX, accents and Unicode forms written plainly, with offsets back to the original."""

from __future__ import annotations

import pytest

from kg.textnorm import MAX_DEPTH, NormText, normalize_text

NORMALISED = [
    # text commands keep their argument; unknown commands with an argument too
    (r"We propose \textit{Linformer}.", "We propose Linformer."),
    (r"\emph{Generative Multi-Adversarial Network} (GMAN)", "Generative Multi-Adversarial Network (GMAN)"),
    (r"\textbf{bold} \texttt{code} \textsc{Caps} \mathrm{d}", "bold code Caps d"),
    (r"\newcommand{X} and \mymacro{kept}", "X and kept"),
    (r"\textbf{Fr\'echet \textit{nested}} end", "Fréchet nested end"),
    (r"\textit{Linformer", "Linformer"),  # cut before its closing brace
    (r"{\em Emphasis} here", "Emphasis here"),
    (r"{plain braces} stay", "{plain braces} stay"),
    (r"an unknown \command stays", r"an unknown \command stays"),
    # accents, every spelling
    (r"Fr\'echet", "Fréchet"),
    (r"Fr\'{e}chet", "Fréchet"),
    (r"Fr{\'e}chet", "Fréchet"),
    (r"G\"odel, G\"{o}del, \`a, \^o, \~n, \=a, \.z", "Gödel, Gödel, à, ô, ñ, ā, ż"),
    (r"\c{c}a, \c c, \v{s}, \v s, \u{a}, \H{o}, \k{a}, \r{a}", "ça, ç, š, š, ă, ő, ą, å"),
    (r"na\"{\i}ve, \'\i", "naïve, í"),
    (r"\o, \O, \ss{}, \ae, Bj\o rn, \AA", "ø, Ø, ß, æ, Bjørn, Å"),
    ("Fre\u0301chet", "Fréchet"),  # a combining accent after its letter
    ("Fr\u00b4echet and G\u00a8odel", "Fréchet and Gödel"),  # the PDF form: accent before the letter
    ("it\u00b4s the model\u00b4s and we\u00b4re", "it\u00b4s the model\u00b4s and we\u00b4re"),  # an apostrophe
    # escaped specials and spacing
    (r"73\% of R\&D, a\_b, \#1, \$5, \{x\}", "73% of R&D, a_b, #1, $5, {x}"),
    (r"10\,ms and i.\,e. and a\ b", "10 ms and i. e. and a b"),
    (r"Fig.~3 and Table~\ref{t} and model~\cite{vaswani2017}.", "Fig. 3 and Table and model."),
    ("about ~5% and ~ 3", "about ~5% and ~ 3"),  # a tilde that is not between words stays
    (r"see \cite[p.~3]{key} now", "see now"),
    # inline math
    (r"90% $F_\text{1}$ score", "90% F1 score"),
    (r"$F_1$, $F_{1}$ and \(F_1\)", "F1, F1 and F1"),
    (r"$\sim$5\%, $\pm$0.3, 3$\times$, $\le$ 2, $\geq$ 1", "~5%, ±0.3, 3×, ≤ 2, ≥ 1"),
    (r"10$^{-3}$ and $x^2$ and $n^{O(k)}$", "10⁻³ and x² and n^(O(k))"),
    (r"$\alpha \to 0$, $\ell_1$, $\mathbb{R}^d$, $\hat{y}$", "α → 0, ℓ1, ℝ^d, ŷ"),
    (r"$\mathcal{O}(n \log n)$", "O(n log n)"),
    (r"$\frac{a}{b}$ stays", r"$\frac{a}{b}$ stays"),  # math with no plain reading is kept
    ("costs $5 and $10 today", "costs $5 and $10 today"),  # dollars, not math
    ("a lone $ sign", "a lone $ sign"),
    # Unicode compatibility forms
    ("\ufb01ne-tuning \ufb02ow", "fine-tuning flow"),
    ("\uff26\uff49\uff44 \uff11\uff10", "Fid 10"),
    ("a\u00a0b\u2009c\u202fd", "a b c d"),
    ("Trans\u00adformer\u200b", "Transformer"),
    ("pre\u2010trained, \u22123.2, Kullback\u2013Leibler, 10\u201320", "pre-trained, -3.2, Kullback-Leibler, 10\u201320"),
    ("\u223c5% with \u00b1 0.3 and \u00d7 2 and \u2264 4", "~5% with \u00b1 0.3 and \u00d7 2 and \u2264 4"),
]


@pytest.mark.parametrize("raw, expected", NORMALISED)
def test_textnorm_normalises(raw, expected):
    assert normalize_text(raw).text == expected


@pytest.mark.parametrize("text", ["", "Plain ASCII text, with (brackets) {braces} and 50% - nothing to do.",
                                  "Déjà vu: composed letters, ± and × stay."])
def test_textnorm_plain_text_passes_through(text):
    norm = normalize_text(text)
    assert norm.text == text
    assert norm.identity
    assert norm.to_original(1, 3) == (1, 3)


def _check_map(raw: str, norm: NormText) -> None:
    """Every normalised character maps into the original, in order; copied characters to themselves."""
    n = len(norm.text)
    previous = 0
    for i in range(n):
        s = norm.start_to_original(i)
        e = norm.end_to_original(i + 1)
        assert 0 <= s < e <= len(raw), (i, s, e)
        assert s >= previous
        previous = s
    for k, copy in enumerate(norm.copies):
        if copy:
            a = norm.norm_starts[k]
            b = norm.norm_starts[k + 1] if k + 1 < len(norm.norm_starts) else n
            o = norm.orig_starts[k]
            assert norm.text[a:b] == raw[o:o + b - a]


@pytest.mark.parametrize("raw, expected", NORMALISED)
def test_textnorm_every_character_maps_into_the_original(raw, expected):
    _check_map(raw, normalize_text(raw))


@pytest.mark.parametrize("raw, word, original", [
    (r"We propose \textit{Linformer}, a model.", "Linformer", "Linformer"),
    (r"the Fr\'echet Inception Distance (FID)", "Fréchet Inception Distance", r"Fr\'echet Inception Distance"),
    (r"the Fr{\'e}chet Inception Distance (FID)", "FID", "FID"),
    (r"gains 73\% on GLUE", "73%", r"73\%"),
    (r"a 90% $F_\text{1}$ score", "F1 score", r"F_\text{1}$ score"),
    ("the \ufb01ne-tuning step", "fine-tuning", "\ufb01ne-tuning"),
    ("the \ufb01ne-tuning step", "ine-tuning", "\ufb01ne-tuning"),  # starts inside a replacement: its source
])
def test_textnorm_span_maps_to_its_original_text(raw, word, original):
    norm = normalize_text(raw)
    at = norm.text.index(word)
    s, e = norm.to_original(at, at + len(word))
    assert raw[s:e] == original


@pytest.mark.parametrize("raw, sentences", [
    ("\\textit{Title}\n\nWe use $F_1$. It is \\emph{good}.",
     ["\\textit{Title}", "We use $F_1$.", "It is \\emph{good}."]),
    ("A \ufb01x.\n\nB $\\alpha$.", ["A \ufb01x.", "B $\\alpha$."]),
])
def test_textnorm_cover_takes_the_markup_around_a_sentence(raw, sentences):
    norm = normalize_text(raw)
    covered = []
    for sentence in sentences:
        plain = normalize_text(sentence).text
        at = norm.text.index(plain)
        s, e = norm.cover(at, at + len(plain))
        covered.append(raw[s:e])
    assert covered == sentences


def test_textnorm_empty_span_stays_empty():
    norm = normalize_text(r"a \textit{b} c")
    assert norm.to_original(2, 2) == (norm.start_to_original(2),) * 2


HOSTILE = [
    "\\" * 100_000,
    "{" * 100_000,
    "}" * 100_000,
    "$" * 100_000,
    "~" * 100_000,
    "\\textit{" * 12_000,
    "\\'" * 50_000,
    "{\\'e}" * 20_000,
    "\\cite{" * 15_000,
    "\\cite{" + "x" * 100_000,
    "$a" * 50_000,
    "$\\frac{" * 15_000,
    "$" + "x" * 100_000 + "$",
    "e" + "\u0301" * 100_000,
    "\u00b4" * 100_000,
    "\\" + "a" * 100_000,
    "$x^{" * 25_000,
    ("{" * (MAX_DEPTH + 5) + "\\textit{x" + "}" * (MAX_DEPTH + 6)) * 500,
]


@pytest.mark.parametrize("raw", HOSTILE, ids=lambda s: repr(s[:12]) + f"x{len(s)}")
def test_textnorm_hostile_input_is_mapped(raw):
    norm = normalize_text(raw)
    assert len(norm.text) <= 2 * len(raw)
    assert norm.original_length == len(raw)
    # the map is total and ordered on a sample of positions (all of them would be slow to check)
    step = max(1, len(norm.text) // 500)
    last = 0
    for i in range(0, len(norm.text), step):
        s, e = norm.to_original(i, i + 1)
        assert last <= s < e <= len(raw)
        last = s
