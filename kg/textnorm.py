"""Text normalisation before extraction: LaTeX markup, accents and Unicode forms, with an offset map.

Abstracts arrive as their authors typed them: ``\\textit{Linformer}``, ``Fr\\'echet``,
``73\\%``, ``$F_\\text{1}$``, ``Fig.~3``, "ﬁ" ligatures, non-breaking spaces. The pipeline
reads :func:`normalize_text`'s output instead (``Linformer``, ``Fréchet``, ``73%``, ``F1``,
``Fig. 3``, "fi", " "), and :meth:`NormText.to_original` maps every span it finds back to
offsets into the text it was given, so evidence keeps pointing into ``Paper.content``.

What changes:

* LaTeX text commands (``\\textit{X}``, ``\\emph{X}``, ``\\textbf{X}``, ``\\text{X}``,
  ``\\mathrm{X}`` ...) become ``X``; so does an unknown command followed by a braced
  argument; citation and reference commands (``\\cite{key}``) are dropped; declarations in a
  group (``{\\em X}``) leave ``X``; an unknown command without an argument stays as written;
* accents in every spelling (``\\'e``, ``\\'{e}``, ``{\\'e}``, ``\\"o``, ``\\c{c}``, ``\\v s``,
  ``\\'\\i``, a combining mark after its letter, and the PDF form "´e" inside a word)
  become the composed letter; ``\\o``, ``\\ss``, ``\\ae`` ... their letters;
* escaped specials (``\\% \\& \\_ \\# \\$ \\{ \\}``) become the character, spacing commands
  (``\\,`` ``\\ `` ``\\\\``) a space, and ``~`` between two words a space;
* inline math (``$...$``, ``\\(...\\)``) that can be written as plain text is: sub- and
  superscripts (``$F_1$`` -> ``F1``, ``$10^{-3}$`` -> ``10⁻³``), symbols (``\\sim`` -> "~",
  ``\\pm`` -> "±", ``\\times`` -> "×", ``\\le`` -> "≤", Greek letters); math with anything
  else (``\\frac``, ``&``) is kept as written, dollars included; a "$" that opens nothing
  (``$5 million``) stays;
* Unicode compatibility forms the rules would miss: ligatures, fullwidth ASCII, exotic
  spaces (non-breaking, thin, ...) -> " ", soft hyphens and zero-width characters dropped,
  the hyphen characters and the minus sign -> "-", an en dash between two letters -> "-",
  "∼" -> "~". Symbols the findings rules read (± × ≤ ≥) stay.

Linear in the input, hostile input included: one left-to-right scan, brace nesting followed
to :data:`MAX_DEPTH`, math and command arguments looked for within bounded windows, and
only regexes without nested quantifiers. Text with no backslash, "$", "~" or non-ASCII
character is returned as it is, at the cost of three ``in`` tests and ``str.isascii``.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field

__all__ = ["NormText", "normalize_text", "MAX_DEPTH", "MAX_MATH"]

#: deepest brace nesting followed; deeper braces are kept as written
MAX_DEPTH = 64
#: longest inline math read, in characters between its delimiters ("$...$" longer is kept as written)
MAX_MATH = 200
#: longest braced argument of a dropped command (``\\cite{...}``)
_MAX_ARG = 300


@dataclass(frozen=True, slots=True)
class NormText:
    """A normalised text and the map from its offsets to those of the text it came from.

    The normalised text is tiled by segments; a *copy* segment is the original's characters
    one for one, any other replaces an original stretch (``\\'e`` -> "é", ``$F_1$`` pieces).
    A span maps to the original characters its first and last characters came from: a span
    that starts inside a replacement starts where that replacement's source starts, one that
    ends inside it ends where the source ends. Deleted markup (``\\textit{``, ``$``) maps to
    nothing, so "Linformer" in ``\\textit{Linformer}`` maps to the word alone.
    """

    text: str
    original_length: int
    #: segment starts in :attr:`text` (ascending), their sources' starts and ends in the original
    norm_starts: tuple[int, ...] = ()
    orig_starts: tuple[int, ...] = ()
    orig_ends: tuple[int, ...] = ()
    copies: tuple[bool, ...] = field(default=())

    @property
    def identity(self) -> bool:
        """True when the text came through unchanged (every offset maps to itself)."""
        return not self.norm_starts

    def start_to_original(self, pos: int) -> int:
        """The original offset where a span starting at normalised offset ``pos`` starts."""
        if not self.norm_starts:
            return pos
        if pos >= len(self.text):
            return self.original_length
        k = bisect_right(self.norm_starts, max(pos, 0)) - 1
        if self.copies[k]:
            return self.orig_starts[k] + pos - self.norm_starts[k]
        return self.orig_starts[k]

    def end_to_original(self, pos: int) -> int:
        """The original offset where a span ending (exclusive) at normalised offset ``pos`` ends."""
        if not self.norm_starts:
            return pos
        if pos <= 0:
            return self.start_to_original(0)
        k = bisect_right(self.norm_starts, min(pos, len(self.text)) - 1) - 1
        if self.copies[k]:
            return self.orig_starts[k] + min(pos, len(self.text)) - self.norm_starts[k]
        return self.orig_ends[k]

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of the normalised span ``[start, end)`` (empty spans stay empty)."""
        if not self.norm_starts:
            return start, end
        s = self.start_to_original(start)
        if end <= start:
            return s, s
        return s, max(s, self.end_to_original(end))

    def cover(self, start: int, end: int) -> tuple[int, int]:
        """Original ``(start, end)`` of ``[start, end)`` with the markup around it (a sentence,
        ``\\textit{...}`` and ``$...$`` whole): the deleted markup between the span and whitespace
        next to it is the span's. Spans separated by whitespace (sentences) stay disjoint.
        """
        if not self.norm_starts or end <= start:
            return self.to_original(start, end)
        text = self.text
        if start == 0:
            s = 0
        else:
            s = self.end_to_original(start) if text[start - 1].isspace() else self.start_to_original(start)
        if end >= len(text):
            e = self.original_length
        else:
            e = self.start_to_original(end) if text[end].isspace() else self.end_to_original(end)
        return s, max(s, e)


def normalize_text(text: str) -> NormText:
    """``text`` as the pipeline reads it, with the map back to ``text``'s offsets (module docstring).

    >>> normalize_text(r"We propose \\textit{Linformer}: 73\\% less memory").text
    'We propose Linformer: 73% less memory'
    >>> n = normalize_text(r"Fr\\'echet Inception Distance")
    >>> n.text, n.to_original(0, 7)
    ('Fréchet Inception Distance', (0, 9))
    >>> normalize_text("plain text is returned as it is").identity
    True
    """
    if text.isascii() and "\\" not in text and "$" not in text and "~" not in text:
        return NormText(text, len(text))
    pieces = _Scanner(text).run()
    if not pieces:
        return NormText(text, len(text))
    return _assemble(text, pieces)


def _assemble(text: str, pieces: list[tuple[int, int, str]]) -> NormText:
    """The :class:`NormText` of ``text`` with ``pieces`` (ordered, disjoint replacements) applied."""
    out: list[str] = []
    norm_starts: list[int] = []
    orig_starts: list[int] = []
    orig_ends: list[int] = []
    copies: list[bool] = []
    n = 0
    last = 0

    def segment(s: int, e: int, value: str, copy: bool) -> None:
        nonlocal n
        if value:
            out.append(value)
            norm_starts.append(n)
            orig_starts.append(s)
            orig_ends.append(e)
            copies.append(copy)
            n += len(value)

    for s, e, value in pieces:
        if s > last:
            segment(last, s, text[last:s], True)
        segment(s, e, value, False)
        last = e
    if last < len(text):
        segment(last, len(text), text[last:], True)
    return NormText("".join(out), len(text), tuple(norm_starts), tuple(orig_starts), tuple(orig_ends), tuple(copies))


# --------------------------------------------------------------------------- tables
# The tables below are LaTeX's and Unicode's own vocabularies (what a command means), not
# names of things; they are complete enough for abstracts, and an unknown command is kept.

#: accent control symbols and letter commands -> combining character
_ACCENT_SYMBOLS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
                   ".": "\u0307"}
_ACCENT_LETTERS = {"c": "\u0327", "v": "\u030c", "u": "\u0306", "H": "\u030b", "k": "\u0328", "r": "\u030a",
                   "d": "\u0323", "b": "\u0331"}
#: math accents on one letter (``\\hat{y}`` -> "ŷ")
_MATH_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303", "bar": "\u0304",
                 "overline": "\u0305", "dot": "\u0307", "ddot": "\u0308", "vec": "\u20d7", "check": "\u030c",
                 "acute": "\u0301", "grave": "\u0300", "breve": "\u0306"}
#: letters written as commands (a following space only ends the command: "Bj\\o rn")
_LETTER_SYMBOLS = {"o": "ø", "O": "Ø", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
                   "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}
#: commands that stand for a character or a word, in text or math
_SYMBOLS = {
    "sim": "~", "approx": "≈", "simeq": "≃", "pm": "±", "mp": "∓", "times": "×", "cdot": "·", "div": "÷",
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠", "neq": "≠", "ll": "≪", "gg": "≫", "equiv": "≡",
    "propto": "∝", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐",
    "leftrightarrow": "↔", "mapsto": "↦", "uparrow": "↑", "downarrow": "↓", "infty": "∞", "in": "∈",
    "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "forall": "∀", "exists": "∃",
    "emptyset": "∅", "nabla": "∇", "partial": "∂", "sum": "∑", "prod": "∏", "int": "∫", "ell": "ℓ",
    "circ": "∘", "ast": "∗", "star": "⋆", "dagger": "†", "dag": "†", "ddagger": "‡", "prime": "′",
    "cdots": "⋯", "ldots": "...", "dots": "...", "mid": "|", "vert": "|", "lvert": "|", "rvert": "|",
    "Vert": "‖", "langle": "⟨", "rangle": "⟩", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "top": "⊤", "bot": "⊥", "perp": "⊥", "oplus": "⊕", "otimes": "⊗", "odot": "⊙", "neg": "¬", "lnot": "¬",
    "land": "∧", "wedge": "∧", "lor": "∨", "vee": "∨", "degree": "°", "log": "log", "ln": "ln", "exp": "exp",
    "max": "max", "min": "min", "argmax": "argmax", "argmin": "argmin", "arg": "arg", "sup": "sup",
    "inf": "inf", "lim": "lim", "det": "det", "dim": "dim", "sin": "sin", "cos": "cos", "tanh": "tanh",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
    "textasciitilde": "~", "textendash": "–", "textemdash": "—", "textbackslash": "\\", "textdegree": "°",
    "texttimes": "×", "textpm": "±", "textbullet": "•", "textbar": "|", "textless": "<", "textgreater": ">",
    "copyright": "©", "S": "§", "P": "¶", "LaTeX": "LaTeX", "TeX": "TeX", "quad": " ", "qquad": " ",
}
#: commands whose braced argument is the text itself (font, box and emphasis commands)
_STYLE = frozenset({
    "textit", "emph", "textbf", "text", "textrm", "textsf", "texttt", "textsc", "textup", "textmd", "textsl",
    "textnormal", "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathnormal", "mathcal", "mathscr",
    "mathfrak", "boldsymbol", "bm", "mbox", "hbox", "underline", "uline", "operatorname", "textsuperscript",
    "textsubscript", "url", "ensuremath",
})
#: declarations that switch a font until the group ends (``{\\em X}``): dropped with their space
_DECLARATIONS = frozenset({
    "em", "it", "bf", "sc", "rm", "tt", "sf", "sl", "itshape", "bfseries", "scshape", "upshape", "mdseries",
    "normalfont", "rmfamily", "sffamily", "ttfamily", "tiny", "small", "footnotesize", "normalsize", "large",
    "Large", "LARGE", "huge", "Huge", "displaystyle", "textstyle",
})
#: commands dropped with their argument: what they print is a number or key, not words
_DROPPED = frozenset({
    "cite", "citep", "citet", "citealp", "citealt", "citeauthor", "citeyear", "citeyearpar", "parencite",
    "textcite", "autocite", "footcite", "nocite", "ref", "eqref", "autoref", "cref", "Cref", "pageref", "label",
    "footnote", "thanks", "vspace", "hspace", "includegraphics",
})
#: math-mode commands that print nothing (delimiter sizing)
_MATH_SILENT = frozenset({"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
                          "limits", "nolimits", "displaystyle", "textstyle", "scriptstyle", "!", ","})
#: the double-struck capitals of ``\\mathbb``
_DOUBLE_STRUCK = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "E": "𝔼", "P": "ℙ"}
_SUPERSCRIPTS = {"0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸",
                 "9": "⁹", "+": "⁺", "-": "⁻", "−": "⁻", "=": "⁼", "(": "⁽", ")": "⁾", "n": "ⁿ", "i": "ⁱ",
                 "T": "ᵀ", "*": "*", "′": "′"}
#: control symbols -> their text ("\\%" -> "%"; spacing commands -> a space or nothing)
_CONTROL = {"%": "%", "&": "&", "_": "_", "#": "#", "$": "$", "{": "{", "}": "}", ",": " ", ";": " ", ":": " ",
            " ": " ", "\n": " ", "\t": " ", "!": "", "-": "", "/": "", "\\": " ", "@": ""}

#: single non-ASCII characters replaced wherever they are
_CHAR_FIX = {
    **{c: " " for c in "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
       "\u205f\u3000"},
    **{c: "" for c in "\u00ad\u200b\u200c\u200d\u2060\ufeff"},
    "\u2010": "-", "\u2011": "-", "\u2212": "-", "\u223c": "~",
    **{chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)},
    **{chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)},
}
#: spacing accents that PDF extraction puts before their letter ("Fr´echet") -> (combining character,
#: the letters it is read on: "it´s" and "we´re" use "´" as an apostrophe, and "ś", "ŕ" exist)
_VOWELS = "aeiouyAEIOUY"
_SPACING_ACCENTS = {"\u00b4": ("\u0301", _VOWELS), "\u00a8": ("\u0308", _VOWELS), "\u02c6": ("\u0302", _VOWELS),
                    "\u02dc": ("\u0303", "anoANO"), "\u02c7": ("\u030c", "cszrenCSZREN"),
                    "\u02d8": ("\u0306", "aguAGU"), "\u02da": ("\u030a", "auAU"), "\u00b8": ("\u0327", "csCS"),
                    "\u02dd": ("\u030b", "ouOU")}
_COMBINING = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_IS_COMBINING = re.compile(f"[{_COMBINING}]")

# where the scanner has something to do; every other character is copied
_SPECIAL = re.compile(
    "[\\\\${}~\u2013" + "".join(_CHAR_FIX) + "".join(_SPACING_ACCENTS) + _COMBINING + "]"
)
_NAME = re.compile(r"[A-Za-z]+")
# the argument of a dropped command: up to two optional [..] and one {..} without nested braces
_DROP_ARG = re.compile(r"(?:\[[^\[\]{}]{0,100}\]){0,2}\{[^{}]{0,%d}\}" % _MAX_ARG)
# a one-level braced argument inside math (``{-3}``, ``{\\text{1}}`` has a level more: not simple)
_MATH_ARG = re.compile(r"\{([^{}]{0,%d})\}" % MAX_MATH)
_MATH_MARK = re.compile(r"[\\^_{]")
_MATH_OK = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 +-=<>/()[]|.,;:!?'*@\n\t")
_LEFT_OF_TIE = frozenset(".,;:)]}'")
_RIGHT_OF_TIE = frozenset("\\$([{")


def _compose(base: str, mark: str) -> str:
    """``base`` with the combining ``mark``, composed to one character where Unicode has one."""
    return unicodedata.normalize("NFC", base + mark)


class _Scanner:
    """One left-to-right pass over a text, collecting ``(start, end, replacement)`` pieces."""

    __slots__ = ("text", "n", "pieces", "last", "stack", "overflow")

    def __init__(self, text: str):
        self.text = text
        self.n = len(text)
        self.pieces: list[tuple[int, int, str]] = []
        self.last = 0  # the original is consumed up to here (pieces never overlap)
        self.stack: list[bool] = []  # open braces: True where the closing brace is markup to drop
        self.overflow = 0  # open braces beyond MAX_DEPTH, kept as written

    def put(self, start: int, end: int, value: str) -> None:
        """Replace ``text[start:end]`` by ``value``."""
        self.pieces.append((start, end, value))
        self.last = end

    def run(self) -> list[tuple[int, int, str]]:
        """The pieces of the whole text, in order."""
        text, n = self.text, self.n
        pos = 0
        search = _SPECIAL.search
        while pos < n:
            m = search(text, pos)
            if m is None:
                break
            i = m.start()
            c = text[i]
            if c == "\\":
                pos = self.command(i)
            elif c == "$":
                pos = self.dollar(i)
            elif c == "{":
                pos = self.open_brace(i)
            elif c == "}":
                pos = self.close_brace(i)
            elif c == "~":
                pos = self.tie(i)
            else:
                pos = self.unicode(i, c)
        return self.pieces

    # ------------------------------------------------------------------ text mode
    def command(self, i: int) -> int:
        """A backslash at ``i``: a control word or symbol; returns where scanning goes on."""
        text, n = self.text, self.n
        if i + 1 >= n:
            return i + 1
        c = text[i + 1]
        if c in _ACCENT_SYMBOLS:
            arg = self.accent_arg(i + 2, space=False)
            if arg is None:
                return i + 2
            base, end = arg
            self.put(i, end, _compose(base, _ACCENT_SYMBOLS[c]))
            return end
        if c in _CONTROL:
            self.put(i, i + 2, _CONTROL[c])
            return i + 2
        if c == "(" or c == "[":
            return self.math(i, i + 2, "\\)" if c == "(" else "\\]")
        m = _NAME.match(text, i + 1)
        if m is None:
            return i + 1
        name, end = m.group(), m.end()
        if name in _ACCENT_LETTERS:
            arg = self.accent_arg(end, space=True)
            if arg is not None:
                self.put(i, arg[1], _compose(arg[0], _ACCENT_LETTERS[name]))
                return arg[1]
            return end
        if name in _LETTER_SYMBOLS:
            # the space after a control word only ends it: "Bj\o rn", "\o{}"
            stop = end + 1 if text.startswith(" ", end) and end + 1 < n and text[end + 1].isalpha() else end
            stop = end + 2 if text.startswith("{}", end) else stop
            self.put(i, stop, _LETTER_SYMBOLS[name])
            return stop
        if name in _SYMBOLS:
            stop = end + 2 if text.startswith("{}", end) else end
            self.put(i, stop, _SYMBOLS[name])
            return stop
        if name in _DECLARATIONS:
            stop = end + 1 if text.startswith(" ", end) else end
            self.put(i, stop, "")
            return stop
        if name in _DROPPED:
            arg = _DROP_ARG.match(text, end)
            if arg is None:
                return end
            start = i
            # "model~\cite{x}." reads "model." (the tie became a space just before)
            if self.pieces and self.pieces[-1][1] == i and self.pieces[-1][2] == " ":
                start = self.pieces.pop()[0]
            elif i > self.last and text[i - 1] == " ":
                start = i - 1
            self.put(start, arg.end(), "")
            return arg.end()
        if text.startswith("{", end):
            # a style command, or an unknown one: its argument is the text
            if len(self.stack) >= MAX_DEPTH:
                return end
            self.stack.append(True)
            self.put(i, end + 1, "")
            return end + 1
        return end

    def accent_arg(self, p: int, *, space: bool) -> tuple[str, int] | None:
        """The letter an accent at ``p`` applies to and where it ends: ``e``, ``{e}``, ``\\i``, ``{\\i}``
        (after one space too when ``space``: ``\\c c``), or None."""
        text, n = self.text, self.n
        if space and text.startswith(" ", p) and p + 1 < n and text[p + 1].isalpha() and text[p + 1].isascii():
            return text[p + 1], p + 2
        if p >= n:
            return None
        c = text[p]
        if c == "{":
            if p + 2 < n and text[p + 1].isascii() and text[p + 1].isalpha() and text[p + 2] == "}":
                return text[p + 1], p + 3
            if text.startswith(("\\i}", "\\j}"), p + 1):
                return text[p + 2], p + 4
            return None
        if space:
            return None  # "\c" glued to a letter is another command's name
        if c.isascii() and c.isalpha():
            return c, p + 1
        if text.startswith(("\\i", "\\j"), p) and not (p + 2 < n and text[p + 2].isalpha()):
            return text[p + 1], p + 2
        return None

    def open_brace(self, i: int) -> int:
        """A "{": markup when it groups a declaration or an accent (``{\\em X}``, ``{\\'e}``), else kept."""
        if len(self.stack) >= MAX_DEPTH:
            self.overflow += 1
            return i + 1
        text = self.text
        markup = False
        if text.startswith("\\", i + 1) and i + 2 < self.n:
            c = text[i + 2]
            if c in _ACCENT_SYMBOLS:
                markup = True
            else:
                m = _NAME.match(text, i + 2)
                markup = m is not None and (m.group() in _DECLARATIONS or m.group() in _ACCENT_LETTERS
                                            or m.group() in _LETTER_SYMBOLS)
        self.stack.append(markup)
        if markup:
            self.put(i, i + 1, "")
        return i + 1

    def close_brace(self, i: int) -> int:
        """A "}": dropped when it closes a markup group, else kept."""
        if self.overflow:
            self.overflow -= 1
        elif self.stack and self.stack.pop():
            self.put(i, i + 1, "")
        return i + 1

    def tie(self, i: int) -> int:
        """A "~": a space between two words ("Fig.~3", "model~\\cite"), else kept ("~5%")."""
        text = self.text
        if 0 < i < self.n - 1:
            left, right = text[i - 1], text[i + 1]
            if (left.isalnum() or left in _LEFT_OF_TIE) and (right.isalnum() or right in _RIGHT_OF_TIE):
                self.put(i, i + 1, " ")
        return i + 1

    def unicode(self, i: int, c: str) -> int:
        """A non-ASCII character the rules would misread (module docstring)."""
        text = self.text
        fix = _CHAR_FIX.get(c)
        if fix is not None:
            self.put(i, i + 1, fix)
            return i + 1
        if c == "\u2013":
            # an en dash joining two words is a hyphen ("Kullback–Leibler"); between numbers a range
            if 0 < i < self.n - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
                self.put(i, i + 1, "-")
            return i + 1
        accent = _SPACING_ACCENTS.get(c)
        if accent is not None:
            # "Fr´echet": the accent of the next letter, inside a word; only where a composed letter exists
            mark, letters = accent
            if 0 < i < self.n - 1 and text[i - 1].isalpha() and text[i + 1] in letters:
                composed = _compose(text[i + 1], mark)
                if len(composed) == 1:
                    self.put(i, i + 2, composed)
                    return i + 2
            return i + 1
        # a combining mark: compose it with its letter, unless that letter came from markup
        if i == 0 or i - 1 < self.last or not text[i - 1].isalpha():
            return i + 1
        end = i + 1
        while end < self.n and end - i < 4 and _IS_COMBINING.match(text, end):
            end += 1
        composed = unicodedata.normalize("NFC", text[i - 1:end])
        if composed != text[i - 1:end]:
            self.put(i - 1, end, composed)
        return end

    # ------------------------------------------------------------------ math
    def dollar(self, i: int) -> int:
        """A "$": inline math when it opens one ($x$, $$x$$), else kept."""
        text, n = self.text, self.n
        if text.startswith("$$", i):
            return self.math(i, i + 2, "$$")
        # pandoc's rule: "$" opens with a non-space after it and closes with a non-space before
        # it and (math() says when) no digit after it, so "$5 and $10" is no math
        if i + 1 >= n or text[i + 1].isspace():
            return i + 1
        return self.math(i, i + 1, "$")

    def math(self, i: int, body: int, closer: str) -> int:
        """Math opened at ``i`` (content from ``body``): readable pieces, or kept as written."""
        text = self.text
        limit = min(self.n, body + MAX_MATH + len(closer))
        j = text.find(closer, body, limit)
        while j > body and closer[0] == "$" and text[j - 1] == "\\":
            j = text.find(closer, j + 1, limit)  # "\$" inside is a dollar sign
        if j <= body:
            return body if closer != "$" else i + 1
        if closer == "$" and (text[j - 1].isspace() or (j + 1 < self.n and text[j + 1].isdigit()
                                                         and not _MATH_MARK.search(text, body, j))):
            # pandoc's digit rule ("$5 and 7$10") except for what only math is: "$\sim$5", "$^{3}$4"
            return i + 1
        if "\n\n" in text[body:j]:
            return i + 1
        converted = _Math(text, body, j).run()
        end = j + len(closer)
        if converted is None:
            return end  # kept as written, delimiters included
        self.put(i, body, "")
        for piece in converted:
            self.put(*piece)
        self.put(j, end, "")
        return end


class _Math:
    """Inline math ``text[start:end]`` as plain text pieces, or None where it cannot be written so."""

    __slots__ = ("text", "start", "end", "pieces", "close_at")

    def __init__(self, text: str, start: int, end: int):
        self.text = text
        self.start = start
        self.end = end
        self.pieces: list[tuple[int, int, str]] = []
        self.close_at = -1  # the "}" of a superscript group written in brackets

    def run(self) -> list[tuple[int, int, str]] | None:
        """The pieces, or None on anything unreadable (an unknown command, "&", "\\\\")."""
        text, end = self.text, self.end
        p = self.start
        while p < end:
            c = text[p]
            if c == "{" or c == "}":
                self.pieces.append((p, p + 1, ")" if p == self.close_at else ""))
                p += 1
            elif c == "_":
                self.pieces.append((p, p + 1, ""))  # F_1 -> F1
                p += 1
            elif c == "^":
                p = self.superscript(p)
            elif c == "~":
                self.pieces.append((p, p + 1, " "))
                p += 1
            elif c == "\\":
                p = self.command(p)
            elif c in _MATH_OK or not c.isascii():
                p += 1
            else:
                return None
            if p < 0:
                return None
        return self.pieces

    def command(self, p: int) -> int:
        """A command at ``p`` inside math; -1 when it has no plain-text reading."""
        text, end = self.text, self.end
        if p + 1 >= end:
            return -1
        c = text[p + 1]
        if c in "%&_#${}":
            self.pieces.append((p, p + 2, c))
            return p + 2
        if c in ",;: ":
            self.pieces.append((p, p + 2, " "))
            return p + 2
        if c == "!":
            self.pieces.append((p, p + 2, ""))
            return p + 2
        m = _NAME.match(text, p + 1, end)
        if m is None:
            return -1
        name, stop = m.group(), m.end()
        if name in _SYMBOLS:
            self.pieces.append((p, stop, _SYMBOLS[name]))
            return stop
        if name in _LETTER_SYMBOLS and name not in ("i", "j", "o", "O", "l", "L"):
            self.pieces.append((p, stop, _LETTER_SYMBOLS[name]))
            return stop
        if name in _MATH_SILENT:
            self.pieces.append((p, stop, ""))
            return stop
        if name in _STYLE and text.startswith("{", stop):
            self.pieces.append((p, stop, ""))  # its braces go as every brace in math does
            return stop
        if name == "mathbb" or name in _MATH_ACCENTS:
            arg = self.one_letter(stop)
            if arg is None:
                return -1
            letter, after = arg
            if name == "mathbb":
                value = _DOUBLE_STRUCK.get(letter, letter)
            else:
                value = _compose(letter, _MATH_ACCENTS[name])
            self.pieces.append((p, after, value))
            return after
        return -1

    def one_letter(self, p: int) -> tuple[str, int] | None:
        """A single-letter argument at ``p`` (``{x}`` or ``x``) and where it ends."""
        text, end = self.text, self.end
        if p + 2 < end and text[p] == "{" and text[p + 2] == "}" and text[p + 1].isalpha():
            return text[p + 1], p + 3
        if p < end and text[p].isalpha():
            return text[p], p + 1
        return None

    def superscript(self, p: int) -> int:
        """``^x`` or ``^{...}`` at ``p``: superscript characters where all have one, else left as written."""
        text, end = self.text, self.end
        if p + 1 >= end:
            return -1
        m = _MATH_ARG.match(text, p + 1, end)
        if m is not None:
            body, after = m.group(1).strip(), m.end()
        elif text[p + 1] != "\\" and text[p + 1] != "{":
            body, after = text[p + 1], p + 2
        else:
            body, after = "", p + 1
        if body and all(ch in _SUPERSCRIPTS for ch in body):
            self.pieces.append((p, after, "".join(_SUPERSCRIPTS[ch] for ch in body)))
            return after
        if m is not None and len(body) > 1:
            # "n^{O(k)}" -> "n^(O(k))": the group's braces become brackets, its inside is read as usual
            self.pieces.append((p + 1, p + 2, "("))
            self.close_at = after - 1
            return p + 2
        return p + 1  # "^" stays; what follows is read as usual
