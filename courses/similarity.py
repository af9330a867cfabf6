"""How alike two learners' programs are: winnowed fingerprints of normalised
Python tokens (Schleimer, Wilkerson and Aiken, "Winnowing: local algorithms
for document fingerprinting", SIGMOD 2003, the method of MOSS). Plain Python,
no Django: pure functions, tested directly.

Why not copydetect (0.5.0, the library that does this): its API can take code
in memory (``CodeFingerprint(fp=StringIO(...), boilerplate=...)``) and gives
per-pair similarity and matched slices, but importing it imports
matplotlib.pyplot, jinja2 and tqdm (matplotlib and its wheels in the web image
and the worker, for a report we never draw); it fingerprints with Python's
``hash()``, salted per process, so fingerprints cannot be kept or compared
across processes; and its boilerplate removal calls ``np.intersect1d(...,
assume_unique=True)`` on winnowed hashes that repeat, which can drop the
wrong ones. What we need of it is below, on the standard library.

The method:

1. Tokens (``tokenize``): comments, blank lines and layout are dropped;
   identifiers become ``V``, numbers ``N``, strings ``S``. Keywords, builtins,
   attribute names (after ``.``) and keyword arguments (``axis=``) are kept:
   renaming variables or changing constants changes nothing, while
   ``np.exp`` and ``np.log`` stay different. Code that does not tokenise to
   the end keeps the tokens before the fault.
2. K-grams: every run of ``K`` tokens, hashed (blake2b: the same in every
   process).
3. Winnowing: in every window of ``W`` consecutive k-gram hashes the
   smallest is kept (the rightmost of equals). A shared run of at least
   ``K + W - 1`` tokens is always found; one shorter than ``K`` never is.
4. Boilerplate: every k-gram of the starter and of the reference is dropped,
   from both sides, so code kept from the starter, or written as the
   reference writes it, matches nothing.
5. A side's similarity is the share of its tokens covered by fingerprints
   that are covered by fingerprints the other side has too (as MOSS and
   copydetect report it); a pair's is the higher side's, so a short program
   copied into a longer one is found.
"""

from __future__ import annotations

import builtins
import hashlib
import io
import keyword
import tokenize
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

K = 5  # tokens in a k-gram: shorter shared runs are noise (`V = V . sum (`)
W = 4  # winnowing window: any shared run of K + W - 1 = 8 tokens is found

BUILTINS = frozenset(dir(builtins))
SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
           tokenize.ENDMARKER}  # fmt: skip
# Python 3.12 splits f-strings into parts; each part is a string
STRINGS = {tokenize.STRING} | {getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                               if hasattr(tokenize, n)}  # fmt: skip


@dataclass(frozen=True)
class Token:
    text: str  # normalised
    start: int  # character offsets in the code, end excluded
    end: int


def _raw_tokens(code: str) -> list[tuple[int, str, int, int]]:
    """(type, string, start, end) of each significant token, offsets in characters."""
    starts = [0]
    for line in io.StringIO(code):  # split as tokenize's readline splits
        starts.append(starts[-1] + len(line))
    found = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(code).readline):
            if tok.type in SKIPPED or not tok.string.strip():
                continue
            (row, col), (end_row, end_col) = tok.start, tok.end
            found.append((tok.type, tok.string, starts[row - 1] + col, starts[end_row - 1] + end_col))
    except (tokenize.TokenError, SyntaxError):  # unbalanced brackets, bad indentation: keep what came before
        pass
    return found


def tokens(code: str) -> list[Token]:
    """*code*'s significant tokens, normalised (see the module's docstring)."""
    raw = _raw_tokens(code)
    out, depth = [], 0
    for i, (kind, text, start, end) in enumerate(raw):
        if kind == tokenize.OP:
            depth += text in "([{"
            depth -= depth > 0 and text in ")]}"
        elif kind == tokenize.NUMBER:
            text = "N"
        elif kind in STRINGS:
            text = "S"
        elif kind == tokenize.NAME and not keyword.iskeyword(text) and text not in BUILTINS:
            after_dot = i > 0 and raw[i - 1][1] == "."
            keyword_argument = depth > 0 and i + 1 < len(raw) and raw[i + 1][1] == "="
            if not (after_dot or keyword_argument):
                text = "V"
        out.append(Token(text, start, end))
    return out


def _hash(texts: list[str]) -> int:
    return int.from_bytes(hashlib.blake2b("\x1f".join(texts).encode(), digest_size=8).digest(), "big")


def kgram_hashes(toks: list[Token], k: int = K) -> list[int]:
    """The hash of each run of *k* tokens, by its first token's index."""
    texts = [t.text for t in toks]
    return [_hash(texts[i : i + k]) for i in range(len(texts) - k + 1)]


def winnow(hashes: list[int], w: int = W) -> list[int]:
    """The positions winnowing keeps: in each window of *w* hashes, the smallest
    (the rightmost of equals); a text shorter than a window is one window."""
    kept: list[int] = []
    for i in range(max(1, len(hashes) - w + 1)):
        window = hashes[i : i + w]
        if not window:
            break
        least = min(window)
        at = i + max(j for j, h in enumerate(window) if h == least)
        if not kept or kept[-1] != at:
            kept.append(at)
    return kept


def boilerplate(codes: Iterable[str]) -> frozenset[int]:
    """Every k-gram hash of *codes* (the starter, the reference): never a match."""
    return frozenset(h for code in codes for h in kgram_hashes(tokens(code)))


@dataclass
class Fingerprint:
    tokens: list[Token]
    at: dict[int, list[int]]  # hash -> the token indexes where a kept k-gram with it starts
    covered: int  # tokens covered by kept k-grams: the denominator of this side's similarity


def fingerprint(code: str, excluded: frozenset[int] = frozenset()) -> Fingerprint:
    toks = tokens(code)
    hashes = kgram_hashes(toks)
    at: dict[int, list[int]] = defaultdict(list)
    for i in winnow(hashes):
        if hashes[i] not in excluded:
            at[hashes[i]].append(i)
    return Fingerprint(toks, dict(at), len(_covered(at, at.keys())))


def _covered(at: dict[int, list[int]], hashes) -> set[int]:
    return {i + j for h in hashes for i in at[h] for j in range(K)}


def _regions(toks: list[Token], indexes: set[int]) -> list[tuple[int, int]]:
    """Runs of consecutive token indexes, as character ranges of the code."""
    regions: list[tuple[int, int]] = []
    previous = None
    for i in sorted(indexes):
        if previous is not None and i == previous + 1:
            regions[-1] = (regions[-1][0], toks[i].end)
        else:
            regions.append((toks[i].start, toks[i].end))
        previous = i
    return regions


@dataclass(frozen=True)
class Match:
    similarity: float  # the pair's: the higher of the two sides', 0..1
    similarity_a: float  # the share of a's own code found in b
    similarity_b: float
    regions_a: list[tuple[int, int]]  # character ranges of a's code that b shares
    regions_b: list[tuple[int, int]]


def compare(a: Fingerprint, b: Fingerprint, *, regions_from: float = 0.0) -> Match:
    """*a* against *b*; the regions only when the pair reaches *regions_from*
    (most pairs of a class do not, and need none)."""
    shared = a.at.keys() & b.at.keys()
    in_a, in_b = _covered(a.at, shared), _covered(b.at, shared)
    sim_a = len(in_a) / a.covered if a.covered else 0.0
    sim_b = len(in_b) / b.covered if b.covered else 0.0
    if max(sim_a, sim_b) < regions_from:
        return Match(max(sim_a, sim_b), sim_a, sim_b, [], [])
    return Match(max(sim_a, sim_b), sim_a, sim_b, _regions(a.tokens, in_a), _regions(b.tokens, in_b))


def similarity(code_a: str, code_b: str, *, excluded_code: Iterable[str] = ()) -> Match:
    """How alike two programs are, *excluded_code* (starter, reference) left out."""
    excluded = boilerplate(excluded_code)
    return compare(fingerprint(code_a, excluded), fingerprint(code_b, excluded))


def marked(code: str, regions: Iterable[Iterable[int]]) -> list[tuple[str, bool]]:
    """*code* cut into (text, matched) pieces, for a template to escape and
    wrap in <mark>: ranges are clipped to the code, overlapping or touching
    ones make one mark."""
    pieces, at = [], 0
    for start, end in sorted((int(s), int(e)) for s, e in regions):
        start, end = max(start, at), min(end, len(code))
        if start >= end:
            continue
        if start > at:
            pieces.append((code[at:start], False))
        if pieces and pieces[-1][1] and start == at:  # touching the last mark: one mark
            pieces[-1] = (pieces[-1][0] + code[start:end], True)
        else:
            pieces.append((code[start:end], True))
        at = end
    if at < len(code):
        pieces.append((code[at:], False))
    return pieces
