"""Step 1 of normalization: repair byte-shifted GBK mojibake, on the raw characters.

The entry point is :func:`repair_mojibake`; everything else here is private to it.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, pairwise
from operator import add

from extractor.chinese import CJK, PINYIN_RE, TONED, is_cjk, is_toned_syllable, pinyin_readings, t2s_char
from extractor.mapped import MappedText, Piece, RepairLog, Replacement

__all__ = ["UNRECOVERABLE", "repair_mojibake"]


# --------------------------------------------------------------------------------------
# A general word list and per-character simplification, for judging repairs
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _General:
    """Character bigrams inside the words of pypinyin's phrase list (simplified Chinese).

    A generic, maintained source of "these two characters form part of a word", used as a
    weak prior next to the document's own bigrams when judging mojibake repairs.
    """

    pairs: frozenset[str]
    after: dict[str, frozenset[str]]
    before: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def _general() -> _General:
    from pypinyin.phrases_dict import phrases_dict

    pairs: set[str] = set()
    for phrase in phrases_dict:
        for a, b in pairwise(phrase):
            pairs.add(a + b)
    after: dict[str, set[str]] = {}
    before: dict[str, set[str]] = {}
    for p in pairs:
        after.setdefault(p[0], set()).add(p[1])
        before.setdefault(p[1], set()).add(p[0])
    return _General(
        frozenset(pairs),
        {k: frozenset(v) for k, v in after.items()},
        {k: frozenset(v) for k, v in before.items()},
    )


_SIMPLE: dict[str, str] = {}


def _simple(ch: str) -> str:
    """One character, simplified (a plain dict: this is called in the solver's loops)."""
    out = _SIMPLE.get(ch)
    if out is None:
        out = _SIMPLE[ch] = t2s_char(ch)[:1] if is_cjk(ch) else ch
    return out


# --------------------------------------------------------------------------------------
# Step 1: byte-shifted GBK mojibake
# --------------------------------------------------------------------------------------
#
# The damage: a GBK byte stream lost the lead byte of one character (the decoder shows a
# "?", or, where an inserted "(" broke the pair, "?" followed by stray pinyin such as
# "qū)"), then kept decoding one byte out of step, so every shown character is (trail of
# one real character, lead of the next), until the stream realigns on a byte below 0x80:
# either a real trail byte in 0x40-0x7E that shows as a Latin letter ("W" of 網 BE57),
# or a lone 0x80 (shown "€"), or an invalid pair (trail, ASCII byte) that shows as a "?"
# and swallows the ASCII byte (often the "(" of a pinyin annotation or the "<" of a tag).
# A shifted pair that is not GBK at all (the user-defined rows) was dropped without a
# trace. Full-width forms in the shifted stream (！？；，ｍ, GBK A3xx) were turned into
# ASCII afterwards, so an ASCII "!" inside a run stands for GBK A3A1.
#
# The repair enumerates readings of a candidate run (where it ends, which ASCII
# characters were full-width, where a pair was dropped), re-encodes the shown
# characters, pairs the bytes one step shifted, and fills every byte nobody saw with the
# GBK character the document itself makes likeliest: a bigram model of its intact text
# (plus a general word list and, in a second pass, the repairs it was sure of), the
# pinyin annotation after the run (the reading of its last character) and the stray
# pinyin (the character the bad decoder saw at the lost byte). A reading is kept only if
# it is far likelier than the text as shown; a character that no evidence, or no
# evidence clearly, picks out becomes U+FFFD.


@lru_cache(maxsize=1)
def _gbk_table() -> tuple[dict[int, str], dict[int, list[tuple[int, str]]], dict[int, list[tuple[int, str]]]]:
    """All GBK two-byte characters: by code, by trail byte and by lead byte."""
    by_code: dict[int, str] = {}
    by_trail: dict[int, list[tuple[int, str]]] = {}
    by_lead: dict[int, list[tuple[int, str]]] = {}
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            if trail == 0x7F:
                continue
            try:
                ch = bytes((lead, trail)).decode("gbk")
            except UnicodeDecodeError:
                continue
            by_code[lead << 8 | trail] = ch
            by_trail.setdefault(trail, []).append((lead, ch))
            by_lead.setdefault(lead, []).append((trail, ch))
    return by_code, by_trail, by_lead


def _gbk_char(lead: int, trail: int) -> str | None:
    return _gbk_table()[0].get(lead << 8 | trail)


@lru_cache(maxsize=65536)
def _gbk_pair(ch: str) -> tuple[int, int] | None:
    """The two GBK bytes of a non-ASCII character, if it has exactly two."""
    if ord(ch) < 0x80:
        return None
    try:
        b = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return (b[0], b[1]) if len(b) == 2 else None


_MARKERS = "?？"  # how a lost lead byte is shown
_START_RE = re.compile(f"[{_MARKERS}]" + r"(?=[^\x00-\x20])")  # with something visible after it
_STRAY_PINYIN_RE = re.compile(f"({PINYIN_RE})\\)")
_ANNOT_RE = re.compile(f"\\(({PINYIN_RE})\\)")
_TAG_TAIL_RE = re.compile(r"/?[A-Za-z][A-Za-z0-9]{0,9}(?:\s[^<>\n]{0,200})?/?>")
_MAX_RUN = 40
UNRECOVERABLE = "\ufffd"


_FOLD_TABLE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FOLDED = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
_FULL_WIDTH_RE = re.compile("[\uff01-\uff5e]")


def _fold(ch: str) -> str:
    """Width-fold a character so full-width forms and their ASCII twins count as one."""
    return _FOLDED.get(ch, ch)


def _fold_text(text: str) -> str:
    """``text.translate(_FOLD_TABLE)``, faster on a whole report.

    str.translate looks every non-ASCII character up in the table; a report uses only a
    few distinct full-width forms, and replacing each is a fast scan.
    """
    for ch in set(_FULL_WIDTH_RE.findall(text)):
        text = text.replace(ch, _FOLDED[ch])
    return text


# Letters, digits and pinyin say nothing about whether Chinese text reads well (and the
# stray pinyin and realigning trail bytes of a damaged run are exactly these).
_NO_EVIDENCE = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789?" + TONED + "üêɑɡ"
)
_Cand = tuple[str, int, int]  # a candidate character and its two GBK bytes

# A character bigram model of the document's own intact text, interpolated with a
# general "these two characters make part of a word" list and with character frequency:
#   P(b | a) = 0.6 c(ab)/c(a) + 0.15 [ab is a word bigram] * 0.01 + 0.25 P(b)
# Readings are compared by log-probability, so a reading that invents characters pays
# for each one, and a repair wins only where the document makes it far likelier.
_W_DOC, _W_GENERAL, _W_UNIGRAM, _P_GENERAL = 0.6, 0.15, 0.25, 0.01
_VOCABULARY = 22000  # roughly the GBK repertoire: the add-half prior spreads over it


class _Evidence:
    """What the document itself says about which characters go together."""

    def __init__(self, text: str, unigrams: Counter[str], bigrams: Counter[str], annotated: frozenset[str]) -> None:
        self.text = text  # the intact text, width-folded, annotations removed
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.annotated = annotated  # characters the document always follows with (pinyin)
        self._total = sum(unigrams.values()) + 0.5 * _VOCABULARY
        self.pair_cache: dict[str, float] = {}  # log P(b | a) by "ab"
        self._general = _general().pairs
        self._uni: dict[str, float] = {}
        self._back: dict[str, float] = {}
        self._after: dict[str, frozenset[str]] = {}
        self._before: dict[str, frozenset[str]] = {}
        # the bigrams by first and by second character: the other one, in no order
        self._next: dict[str, list[str]] | None = None
        self._previous: dict[str, list[str]] | None = None
        # per-document caches keyed by the id of an interned candidate list (each entry
        # keeps its list alive, so the id cannot be reused while the entry exists)
        self.pruned: dict[tuple[int, bool, str | None, str, str], tuple[list[_Cand], list[_Cand]]] = {}
        # per candidate list: the _local term of each candidate, by annotation of the slot
        self.bases: dict[tuple[int, str | None], tuple[list[_Cand], list[float]]] = {}
        # log P(candidate | each of a previous slot's candidates), by that slot's list, the
        # candidate and whether a dropped pair links the two (-inf where it cannot)
        self.rows: dict[tuple[int, _Cand, bool], tuple[list[_Cand], list[float]]] = {}
        self._preceding: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.matched: dict[tuple[int, str, str], tuple[_Cands, set[int]]] = {}

    def learn(self, texts: Iterable[str]) -> None:
        """Read ``texts`` too (repairs the caller is confident about), in place.

        Keeps the sorted bigram lists (inserting the few new ones) and drops the caches
        the new counts invalidate.
        """
        new_pairs: set[str] = set()
        for t in texts:
            folded = t.translate(_FOLD_TABLE)
            self.text += "\n" + folded
            self.unigrams.update(folded)
            pairs = list(map(str.__add__, folded, folded[1:]))
            new_pairs.update(p for p in pairs if p not in self.bigrams)
            self.bigrams.update(pairs)
        for key in new_pairs:
            if self._next is not None:
                self._next.setdefault(key[0], []).append(key[1])
            if self._previous is not None:
                self._previous.setdefault(key[1], []).append(key[0])
            self._after.pop(key[0], None)
            self._before.pop(key[1], None)
        self._total = sum(self.unigrams.values()) + 0.5 * _VOCABULARY
        self.pair_cache.clear()
        self._uni.clear()
        self._back.clear()
        self.pruned.clear()
        self.bases.clear()
        self.rows.clear()
        self._preceding.clear()
        self.matched.clear()

    def local(self, cands: list[_Cand], last: bool, ctx: _Context) -> list[float]:
        """:func:`_local` of each candidate, worked out once per list and annotation."""
        annotation = ctx.annotation if last else None
        key = (id(cands), annotation)
        entry = self.bases.get(key)
        if entry is not None and entry[0] is cands:
            return entry[1]
        out = [_local(ch, last, ctx, self) for ch, _, _ in cands]
        self.bases[key] = (cands, out)
        return out

    def row(self, before: list[_Cand], cand: _Cand, linked: bool) -> list[float]:
        """log P(cand | c) for each c in ``before``; -inf where a dropped pair between
        them would have been readable (so the decoder could not have dropped it)."""
        key = (id(before), cand, linked)
        entry = self.rows.get(key)
        if entry is not None and entry[0] is before:
            return entry[1]
        ch, lead, _ = cand
        by_code = _gbk_table()[0]
        # Most pairs here have no evidence at all, and logp gives them backoff(ch): tell
        # them apart by what precedes ch in the document and in the word list.
        back = self.backoff(ch)
        seen, general = self.preceding(ch)
        out: list[float] = []
        for pch, _, ptrail in before:
            if linked and (ptrail << 8 | lead) in by_code:
                out.append(-math.inf)
            elif pch not in _NO_EVIDENCE and (_FOLDED.get(pch, pch) in seen or _simple(pch) in general):
                lp = self.pair_cache.get(pch + ch)
                out.append(lp if lp is not None else self.logp(pch, ch))
            else:
                out.append(back)
        self.rows[key] = (before, out)
        return out

    def preceding(self, b: str) -> tuple[frozenset[str], frozenset[str]]:
        """The (folded) characters before ``b`` in the intact text, and the (simplified)
        ones before it in the word list: outside them, logp(a, b) is backoff(b)."""
        found = self._preceding.get(b)
        if found is None:
            if not b or b in _NO_EVIDENCE:
                found = (frozenset(), frozenset())
            else:
                seen = self._neighbours(self._previous_index(), _fold(b))
                found = (seen, _general().before.get(_simple(b), frozenset()))
            self._preceding[b] = found
        return found

    def matching(self, cands: _Cands, what: str, ch: str) -> set[int]:
        """Positions in ``cands`` of the characters the document uses ("used"), annotates
        ("annotated"), or it or the word list puts after or before ``ch``.

        The same slot meets the same neighbour in many readings of a run. The sets are
        shared: callers must not change them.
        """
        key = (id(cands), what, ch)
        entry = self.matched.get(key)
        if entry is not None and entry[0] is cands:
            return entry[1]
        folded, simple = cands.by_char()
        if what == "after":
            out = _matching(folded, self.after(ch)) | _matching(simple, _general().after.get(_simple(ch), ()))
        elif what == "before":
            out = _matching(folded, self.before(ch)) | _matching(simple, _general().before.get(_simple(ch), ()))
        elif what == "used":
            out = _matching(folded, self.unigrams.keys())
        else:
            out = _matching(folded, self.annotated)
        self.matched[key] = (cands, out)
        return out

    def count(self, ch: str) -> int:
        return self.unigrams.get(_fold(ch), 0)

    def unigram(self, ch: str) -> float:
        found = self._uni.get(ch)
        if found is None:
            found = self._uni[ch] = (self.count(ch) + 0.5) / self._total
        return found

    def backoff(self, ch: str) -> float:
        """log P(ch | a) for a context ``a`` that says nothing about ``ch``."""
        found = self._back.get(ch)
        if found is None:
            found = self._back[ch] = math.log(_W_UNIGRAM * self.unigram(ch))
        return found

    def after(self, a: str) -> frozenset[str]:
        """Characters that follow ``a`` somewhere in the intact text (width-folded)."""
        found = self._after.get(a)
        if found is None:
            found = self._after[a] = self._neighbours(self._next_index(), _fold(a))
        return found

    def before(self, b: str) -> frozenset[str]:
        """Characters that precede ``b`` somewhere in the intact text (width-folded)."""
        found = self._before.get(b)
        if found is None:
            found = self._before[b] = self._neighbours(self._previous_index(), _fold(b))
        return found

    def _next_index(self) -> dict[str, list[str]]:
        if self._next is None:
            self._next = {}
            for k in self.bigrams:
                self._next.setdefault(k[0], []).append(k[1])
        return self._next

    def _previous_index(self) -> dict[str, list[str]]:
        if self._previous is None:
            self._previous = {}
            for k in self.bigrams:
                self._previous.setdefault(k[1], []).append(k[0])
        return self._previous

    @staticmethod
    def _neighbours(index: dict[str, list[str]], first: str) -> frozenset[str]:
        # built in sorted order, as a prefix scan of the sorted bigrams did (which stopped
        # short of U+10FFFF), so sets of equal content also iterate alike
        return frozenset(sorted(ch for ch in index.get(first, ()) if ch != "\U0010ffff"))

    def supported(self, a: str, b: str) -> bool:
        """Whether anything beyond character frequency backs "ab"."""
        if not a or not b or a in _NO_EVIDENCE or b in _NO_EVIDENCE:
            return False
        return bool(self.bigrams.get(_fold(a) + _fold(b))) or _simple(a) + _simple(b) in _general().pairs

    def logp(self, a: str, b: str) -> float:
        """log P(b | a); an empty ``a`` (start of text) or ``b`` (end) costs nothing."""
        if not b:
            return 0.0
        key = a + b
        found = self.pair_cache.get(key)
        if found is not None:
            return found
        # the helpers (count, _fold, _simple) inlined: a solve asks for thousands of pairs
        uni = self._uni.get(b)
        if uni is None:
            uni = self.unigram(b)
        p = _W_UNIGRAM * uni
        if a and a not in _NO_EVIDENCE and b not in _NO_EVIDENCE:
            fa = _FOLDED.get(a, a)
            ca = self.unigrams.get(fa, 0)
            if ca:
                p += _W_DOC * self.bigrams.get(fa + _FOLDED.get(b, b), 0) / ca
            sa = _SIMPLE.get(a)
            sb = _SIMPLE.get(b)
            if (sa if sa is not None else _simple(a)) + (sb if sb is not None else _simple(b)) in self._general:
                p += _W_GENERAL * _P_GENERAL
        found = self.pair_cache[key] = math.log(p)
        return found


def _document_evidence(text: str, runs: list[tuple[int, int]]) -> _Evidence:
    parts: list[str] = []
    pos = 0
    for a, b in runs:
        if a < pos:
            continue
        parts.append(text[pos:a])
        parts.append("\n")  # no bigram across a damaged stretch
        pos = b
    parts.append(text[pos:])
    intact = "".join(parts)
    annotated = Counter(m.group(1) for m in re.finditer(f"([{CJK}])" + _ANNOT_RE.pattern, intact))
    folded = _fold_text(_ANNOT_RE.sub("", intact))
    unigrams = Counter(folded)
    bigrams = Counter(map(str.__add__, folded, folded[1:]))
    # "Always annotated" is only evidence where the document annotates systematically.
    always: frozenset[str] = frozenset()
    if sum(annotated.values()) >= 20:
        always = frozenset(c for c, n in annotated.items() if n == unigrams[c])
    return _Evidence(folded, unigrams, bigrams, always)


@dataclass(frozen=True)
class _Byte:
    value: int | None  # None: not visible anywhere
    index: int | None  # index of the shown character it is part of (None: dropped)


@dataclass(frozen=True)
class _Hypothesis:
    stream: tuple[_Byte, ...]  # the real byte stream, from the lost lead to the last trail
    end: int  # index just past the run in the text
    hidden_end: bool  # ended on a "?" that hides the last trail byte and one ASCII byte
    gaps: tuple[int, ...]  # slots k with an undecodable pair dropped between k and k + 1
    lead_choices: frozenset[int] | None  # leads implied by stray pinyin after the marker


def _left_context(text: str, i: int) -> str:
    """The real character before position i, skipping a pinyin annotation."""
    j = i
    if j > 0 and text[j - 1] == ")":
        k = text.rfind("(", max(0, j - 10), j)
        if k >= 1 and _ANNOT_RE.fullmatch(text, k, j):
            j = k
    return text[j - 1] if j > 0 else ""


def _lead_choices(text: str, i: int, stray: str) -> frozenset[int] | None:
    """Lead bytes L such that (trail byte of the character before i, L) reads ``stray``.

    Whatever inserted the stray pinyin had decoded the stream out of step right there, so
    it saw the previous character's trail byte paired with the byte that was then lost.
    """
    pair = _gbk_pair(text[i - 1]) if i > 0 else None
    if pair is None:
        return None
    choices = frozenset(lead for lead, ch in _gbk_table()[2].get(pair[1], []) if stray in pinyin_readings(ch))
    return choices or None


_MAX_HYPOTHESES = 48
_MAX_WIDENED = 2
_MAX_GAP_SLOTS = 10


def _hypotheses(text: str, i: int) -> list[_Hypothesis]:
    """Readings, without dropped pairs, of the candidate run whose marker is at text[i]."""
    pos = i + 1
    lead_choices: frozenset[int] | None = None
    m = _STRAY_PINYIN_RE.match(text, pos)
    if m and is_toned_syllable(m.group(1)):
        lead_choices = _lead_choices(text, i, m.group(1))
        pos = m.end()
    found: list[tuple[tuple[_Byte, ...], int, bool]] = []
    limit = min(len(text), pos + _MAX_RUN)

    def walk(k: int, stream: tuple[_Byte, ...], widened: int) -> None:
        while k < limit and len(found) < _MAX_HYPOTHESES:
            ch = text[k]
            o = ord(ch)
            if ch == "€":  # cp936 shows a lone 0x80 byte as the euro sign
                found.append(((*stream, _Byte(0x80, k)), k + 1, False))
                return
            pair = _gbk_pair(ch)
            if pair is not None:
                stream = (*stream, _Byte(pair[0], k), _Byte(pair[1], k))
                k += 1
                continue
            if not 0x21 <= o <= 0x7E:
                return
            if o >= 0x40:  # a real trail byte: the stream realigns here
                found.append(((*stream, _Byte(o, k)), k + 1, False))
            if ch == "?":  # an undecodable (trail, ASCII) pair
                found.append(((*stream, _Byte(None, k)), k + 1, True))
            # or a full-width form shown as its ASCII twin: GBK A3xx (a few per run at most,
            # or every "(pinyin)" after a run would be read as more of it)
            if widened < _MAX_WIDENED and len(found) < _MAX_HYPOTHESES:
                walk(k + 1, (*stream, _Byte(0xA3, k), _Byte(o + 0x80, k)), widened + 1)
            return

    walk(pos, (_Byte(None, i),), 0)
    return [
        _Hypothesis(stream, end, hidden, (), lead_choices)
        for stream, end, hidden in found
        # a marker and one trail byte is a run only if that byte is a letter ("?p" = 減)
        if len(stream) >= 3 or lead_choices is not None or (stream[-1].value or 0) >= 0x40
    ]


def _with_gaps(h: _Hypothesis, positions: Sequence[int]) -> _Hypothesis:
    """``h`` with an undecodable pair dropped before each of the given slots.

    Decoders drop pairs from GBK's user-defined rows without a trace, which leaves two
    bytes nobody can see; a gap before slot k splits the shown pair at stream 2k - 1.
    """
    stream = list(h.stream)
    gaps: list[int] = []
    for n, k in enumerate(sorted(positions)):
        at = 2 * k - 1 + 2 * n
        stream[at:at] = [_Byte(None, None), _Byte(None, None)]
        gaps.append(k - 1 + n)
    return _Hypothesis(tuple(stream), h.end, h.hidden_end, tuple(gaps), h.lead_choices)


class _Cands(list[_Cand]):
    """Candidates of one slot, with their positions by folded and by simplified character."""

    _index: tuple[dict[str, list[int]], dict[str, list[int]]] | None = None
    _readings: dict[str, set[int]] | None = None

    def by_char(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        if self._index is None:
            folded: dict[str, list[int]] = {}
            simple: dict[str, list[int]] = {}
            for ci, (ch, _, _) in enumerate(self):
                folded.setdefault(_fold(ch), []).append(ci)
                simple.setdefault(_simple(ch), []).append(ci)
            self._index = (folded, simple)
        return self._index


    def reading(self, syllable: str) -> set[int]:
        """Positions of the candidates that can be read ``syllable``."""
        if self._readings is None:
            self._readings = {}
            for ci, (ch, _, _) in enumerate(self):
                for r in pinyin_readings(ch):
                    self._readings.setdefault(r, set()).add(ci)
        return self._readings.get(syllable, set())


@lru_cache(maxsize=4096)
def _candidates(lead: int | None, trail: int | None, leads: frozenset[int] | None) -> _Cands:
    """GBK characters with the known byte (and, for a lost lead, one of ``leads``).

    Cached, so equal slots share one list object (which the pruning cache relies on).
    """
    _, by_trail, by_lead = _gbk_table()
    if lead is None and trail is not None:
        return _Cands((ch, ld, trail) for ld, ch in by_trail.get(trail, []) if leads is None or ld in leads)
    if lead is not None:
        return _Cands((ch, lead, tr) for tr, ch in by_lead.get(lead, []))
    return _Cands((ch, ld, tr) for ld in sorted(leads or ()) for tr, ch in by_lead.get(ld, []))


@dataclass(frozen=True)
class _Slot:
    candidates: _Cands
    first: int | None  # range of shown characters it was made from
    last: int | None


def _slots(h: _Hypothesis, left: str, ev: _Evidence) -> list[_Slot] | None:
    by_code = _gbk_table()[0]
    stream = h.stream
    if len(stream) % 2:
        return None
    found: list[_Cands | None] = []
    spans: list[tuple[int | None, int | None]] = []
    for k in range(0, len(stream), 2):
        a, b = stream[k], stream[k + 1]
        idx = [x.index for x in (a, b) if x.index is not None]
        spans.append((min(idx), max(idx)) if idx else (None, None))
        if a.value is not None and b.value is not None:
            ch = by_code.get(a.value << 8 | b.value)
            if ch is None:
                return None
            found.append(_Cands([(ch, a.value, b.value)]))
        elif a.value is not None or b.value is not None or (k == 0 and h.lead_choices is not None):
            possible = _candidates(a.value, b.value, h.lead_choices if k == 0 else None)
            if not possible:
                return None  # the stray pinyin rules out every lead byte this trail byte allows
            found.append(possible)
        else:
            found.append(None)  # both bytes invisible: only the neighbours can say
    def known(k: int) -> str:
        """The character of slot k if its bytes were all seen, else ""."""
        if k < 0:
            return left
        cands = found[k] if k < len(found) else None
        return cands[0][0] if cands is not None and len(cands) == 1 else ""

    for k, cands in enumerate(found):
        if cands is not None:
            continue
        # A whole character was swallowed by a dropped pair: offer what the document puts
        # next to the known neighbours.
        before, after = known(k - 1), known(k + 1)
        chars = (ev.after(before) if before else frozenset()) | (ev.before(after) if after else frozenset())
        offered = _Cands((ch, p[0], p[1]) for ch in sorted(chars) if (p := _gbk_pair(ch)) is not None)
        if not offered:
            return None
        found[k] = offered
    return [_Slot(c or _Cands(), a, b) for c, (a, b) in zip(found, spans, strict=True)]


@dataclass(frozen=True)
class _Solution:
    chars: tuple[str, ...]
    picks: tuple[_Cand, ...]
    score: float
    slots: tuple[_Slot, ...]
    pruned: tuple[list[_Cand], ...]  # the candidates the search kept, per slot


_BEAM = 10
_ANNOTATION_BONUS = 3.0  # the pinyin after a run names its last character
_ANNOTATION_CLASH = -6.0
_UNANNOTATED = -3.0  # a character this document annotates everywhere, but not here
_AMBIGUOUS = math.log(3.0)  # a guessed character must be this much likelier than any other
_GAP_PRIOR = math.log(0.05)  # a silently dropped pair is an event of its own


@dataclass(frozen=True)
class _Context:
    left: str
    right: str
    annotation: str | None  # pinyin right after the run: the reading of its last character


def _local(ch: str, last: bool, ctx: _Context, ev: _Evidence) -> float:
    if last and ctx.annotation is not None:
        return _ANNOTATION_BONUS if ctx.annotation in pinyin_readings(ch) else _ANNOTATION_CLASH
    return _UNANNOTATED if ch in ev.annotated else 0.0


def _matching(index: dict[str, list[int]], chars: Iterable[str]) -> set[int]:
    """Positions of the candidates whose (folded or simplified) character is in ``chars``."""
    out: set[int] = set()
    for ch in index.keys() & chars:
        out.update(index[ch])
    return out


def _scored(
    cands: _Cands, lnb: str, rnb: str, last: bool, ctx: _Context, ev: _Evidence
) -> tuple[dict[int, float], float]:
    """log P(c | lnb) + log P(rnb | c) + annotation terms, for the candidates that have any.

    Most of a slot's ~190 candidates are characters the document never uses and no
    neighbour pairs with; they all score the same, returned once as the second value.
    Only the rest (a handful) are worked out one by one.
    """
    after: set[int] = set()
    before: set[int] = set()
    if lnb and lnb not in _NO_EVIDENCE:
        after = ev.matching(cands, "after", lnb)
    if rnb:
        before = ev.matching(cands, "before", rnb)
    interesting = ev.matching(cands, "used", "") | after | before
    if last and ctx.annotation is not None:
        interesting |= cands.reading(ctx.annotation)
    if ev.annotated:
        interesting |= ev.matching(cands, "annotated", "")
    right = ev.backoff(rnb) if rnb else 0.0
    scores = {}
    for ci in interesting:
        ch = cands[ci][0]
        scores[ci] = (
            _local(ch, last, ctx, ev)
            + (ev.logp(lnb, ch) if ci in after else ev.backoff(ch))
            + (ev.logp(ch, rnb) if ci in before else right)
        )
    rest = (_ANNOTATION_CLASH if last and ctx.annotation is not None else 0.0) + ev.backoff("\ufffe") + right
    return scores, rest


def _solve(h: _Hypothesis, ctx: _Context, ev: _Evidence) -> _Solution | None:
    slots = _slots(h, ctx.left, ev)
    if not slots:
        return None
    n = len(slots)
    gaps = frozenset(h.gaps)

    # Keep, per slot, the few candidates the neighbours make likeliest; the rest are only
    # told apart by frequency, and would never be kept as a repair anyway.
    pruned: list[list[_Cand]] = []
    for k, slot in enumerate(slots):
        cands = slot.candidates
        if len(cands) <= _BEAM:
            pruned.append(cands)
        else:
            lnb = ctx.left if k == 0 else (slots[k - 1].candidates[0][0] if len(slots[k - 1].candidates) == 1 else "")
            rnb = ctx.right if k == n - 1 else (
                slots[k + 1].candidates[0][0] if len(slots[k + 1].candidates) == 1 else ""
            )
            last = k == n - 1
            cache_key = (id(cands), last, ctx.annotation if last else None, lnb, rnb)
            entry = ev.pruned.get(cache_key)
            kept = entry[1] if entry is not None and entry[0] is cands else None
            if kept is None:
                scores, _ = _scored(cands, lnb, rnb, last, ctx, ev)
                order = sorted(scores, key=scores.__getitem__, reverse=True)[:_BEAM]
                # a few evidence-free ones too, so a dropped pair's byte rule can be met
                order += [ci for ci in range(min(len(cands), _BEAM)) if ci not in scores][: _BEAM - len(order)]
                kept = [cands[ci] for ci in order]
                ev.pruned[cache_key] = (cands, kept)
            pruned.append(kept)

    found = _viterbi(pruned, gaps, ctx, ev)
    if found is None:
        return None
    total, picks = found
    chosen = tuple(pruned[k][ci] for k, ci in enumerate(picks))
    return _Solution(tuple(c[0] for c in chosen), chosen, total, tuple(slots), tuple(pruned))


def _viterbi(
    pruned: Sequence[list[_Cand]],
    gaps: frozenset[int],
    ctx: _Context,
    ev: _Evidence,
    forbid: tuple[int, str] | None = None,
) -> tuple[float, list[int]] | None:
    """Best path through the slots' candidates (optionally without one character at one slot).

    A dropped pair links the two slots around it: the pair (trail of one, lead of the
    next) must be one the decoder could not read.
    """
    n = len(pruned)
    layers: list[list[tuple[float, int]]] = []
    scores: list[float] = []
    for k, cands in enumerate(pruned):
        bases = ev.local(cands, k == n - 1, ctx)
        linked = (k - 1) in gaps
        layer: list[tuple[float, int]] = []
        for ci, cand in enumerate(cands):
            if forbid is not None and forbid[0] == k and forbid[1] == cand[0]:
                layer.append((-math.inf, -1))
                continue
            if k == 0:
                layer.append((bases[ci] + ev.logp(ctx.left, cand[0]), -1))
                continue
            # the first best predecessor, as a scan keeping only strict improvements finds
            sums = list(map(add, scores, ev.row(pruned[k - 1], cand, linked)))
            top = max(sums, default=-math.inf)
            layer.append((bases[ci] + top, -1) if top == -math.inf else (bases[ci] + top, sums.index(top)))
        layers.append(layer)
        scores = [s for s, _ in layer]
    finals = [s + ev.logp(pruned[-1][ci][0], ctx.right) for ci, (s, _) in enumerate(layers[-1])]
    end_ci = max(range(len(finals)), key=finals.__getitem__)
    total = finals[end_ci]
    if total == -math.inf:
        return None
    picks = [end_ci]
    for k in range(n - 1, 0, -1):
        picks.append(layers[k][picks[-1]][1])
    picks.reverse()
    return total, picks


def _weak(sol: _Solution, h: _Hypothesis, ctx: _Context, ev: _Evidence) -> tuple[bool, ...]:
    """Per character: nothing, or nothing unambiguous, in the document supports it.

    A guessed character (one with an invisible byte) stands only if a bigram or the
    annotation backs it and the best reading without it (every other character free to
    change too) is clearly worse; a character whose bytes were all seen only needs
    some support.
    """
    n = len(sol.chars)
    gaps = frozenset(h.gaps)
    out: list[bool] = []
    for k, ch in enumerate(sol.chars):
        lnb = ctx.left if k == 0 else sol.chars[k - 1]
        rnb = ctx.right if k == n - 1 else sol.chars[k + 1]
        last = k == n - 1
        annotated = last and ctx.annotation is not None and ctx.annotation in pinyin_readings(ch)
        supported = annotated or ev.supported(lnb, ch) or ev.supported(ch, rnb)
        if len(sol.slots[k].candidates) == 1:
            out.append(not (supported or ev.count(ch)))
            continue
        if not supported:
            out.append(True)
            continue
        other = _viterbi(sol.pruned, gaps, ctx, ev, forbid=(k, ch))
        if other is None or other[0] <= sol.score - _AMBIGUOUS:
            out.append(False)
            continue
        # Bigrams cannot tell them apart ("管理" / "受理" after "场"); a longer phrase
        # found intact elsewhere in the document can.
        alt = [sol.pruned[j][ci][0] for j, ci in enumerate(other[1])]
        mine = _phrase([ctx.left, *sol.chars, ctx.right], k + 1, ev)
        theirs = _phrase([ctx.left, *alt, ctx.right], k + 1, ev)
        out.append(not (mine >= 3 and mine > theirs))
    return tuple(out)


def _phrase(seq: Sequence[str], k: int, ev: _Evidence) -> int:
    """Length of the longest stretch of ``seq`` around position k found in the intact text."""
    best = 1
    for a in range(max(0, k - 5), k + 1):
        for b in range(max(k + 1, a + best + 1), min(len(seq), a + 7) + 1):
            if "".join(seq[a:b]).translate(_FOLD_TABLE) in ev.text:
                best = b - a
            else:
                break
    return best


def _plain_score(shown: str, ctx: _Context, ev: _Evidence) -> float:
    seq = [ctx.left, *shown, ctx.right]
    return sum(ev.logp(a, b) for a, b in pairwise(seq))


_MIN_GAIN = 4.0  # nats (a factor of ~55) over the text as shown, plus per character:
_GAIN_PER_CHAR = 1.0


# (gain over the text as shown, hypothesis, solution, weak flags, ASCII byte restored)
_Reading = tuple[float, _Hypothesis, _Solution, tuple[bool, ...], str]


def _gains_enough(gain: float, sol: _Solution) -> bool:
    return gain >= _MIN_GAIN + _GAIN_PER_CHAR * len(sol.chars)


def _acceptable(r: _Reading | None) -> bool:
    if r is None:
        return False
    gain, _, sol, weak, _ = r
    if not _gains_enough(gain, sol):
        return False
    # a lone "?x" may not be damage at all: only a confident reading replaces it
    return not (len(weak) == 1 and weak[0]) and sum(weak) * 2 <= len(weak)


def _shifted_hypothesis(h: _Hypothesis, by: int) -> _Hypothesis:
    if by == 0:
        return h
    stream = tuple(_Byte(b.value, None if b.index is None else b.index + by) for b in h.stream)
    return _Hypothesis(stream, h.end + by, h.hidden_end, h.gaps, h.lead_choices)


def _shifted(r: _Reading | None, by: int) -> _Reading | None:
    """The same reading for the same damage ``by`` characters further on."""
    if r is None or by == 0:
        return r
    gain, h, sol, weak, restored = r

    def move(x: int | None) -> int | None:
        return None if x is None else x + by

    h2 = _shifted_hypothesis(h, by)
    slots = tuple(_Slot(sl.candidates, move(sl.first), move(sl.last)) for sl in sol.slots)
    return gain, h2, _Solution(sol.chars, sol.picks, sol.score, slots, sol.pruned), weak, restored


def _context(text: str, left: str, h: _Hypothesis) -> tuple[_Context, str]:
    """Neighbours of the run, the annotation after it, and the ASCII byte it swallowed."""
    annotation: str | None = None
    restored = ""
    right_at = h.end
    if h.hidden_end:
        # the hidden pair swallowed one ASCII byte; say which, where the text shows it
        m = _STRAY_PINYIN_RE.match(text, h.end)
        if m and is_toned_syllable(m.group(1)):
            annotation, restored, right_at = m.group(1), "(", m.end()
        elif _TAG_TAIL_RE.match(text, h.end):
            restored = "<"
    else:
        m = _ANNOT_RE.match(text, h.end)
        if m:
            annotation, right_at = m.group(1), m.end()
    right = text[right_at] if right_at < len(text) else ""
    return _Context(left, right, annotation), restored


def _solved(
    text: str, i: int, left: str, hs: Iterable[_Hypothesis], ev: _Evidence
) -> Iterator[tuple[float, _Hypothesis, _Solution, _Context, str]]:
    """Each hypothesis that solves, with how much likelier it reads than the text as shown
    (a dropped pair costs extra), its solution, context and the ASCII byte it restores."""
    for h in hs:
        ctx, restored = _context(text, left, h)
        sol = _solve(h, ctx, ev)
        if sol is not None:
            gain = sol.score - _plain_score(text[i : h.end], ctx, ev) + _GAP_PRIOR * len(h.gaps)
            yield gain, h, sol, ctx, restored


def _best_reading(
    text: str,
    i: int,
    left: str,
    hs: Iterable[_Hypothesis],
    ev: _Evidence,
    seen: list[tuple[float, int, _Hypothesis]],
) -> _Reading | None:
    """The hypothesis that gains most over the text as shown, with what it restores.

    Every hypothesis that solved goes into ``seen``.
    """
    best: tuple[float, _Hypothesis, _Solution, _Context, str] | None = None
    for solved in _solved(text, i, left, hs, ev):
        seen.append((solved[0], len(seen), solved[1]))
        if best is None or solved[0] > best[0]:
            best = solved
    if best is None:
        return None
    gain, h, sol, ctx, restored = best
    return gain, h, sol, _weak(sol, h, ctx, ev), restored


def _best_acceptable(text: str, i: int, left: str, hs: Iterable[_Hypothesis], ev: _Evidence) -> _Reading | None:
    """The acceptable reading that gains most (the first of equals), if there is one.

    The support check (:func:`_weak`, the costly part) is only made where a reading
    could win: one that gains too little is unacceptable whatever its support.
    """
    best: _Reading | None = None
    for gain, h, sol, ctx, restored in _solved(text, i, left, hs, ev):
        if not _gains_enough(gain, sol) or (best is not None and gain <= best[0]):
            continue
        r = (gain, h, sol, _weak(sol, h, ctx, ev), restored)
        if _acceptable(r):
            best = r
    return best


def _rank(r: _Reading) -> tuple[bool, float]:
    return _acceptable(r), r[0]


_SHORTLIST = 6


def _search(
    text: str, i: int, left: str, hs: list[_Hypothesis], ev: _Evidence
) -> tuple[_Reading | None, list[_Hypothesis]]:
    """The best reading of one run, widening the search only as far as needed.

    Also returns the few best hypotheses, for a second look with more evidence.
    """
    seen: list[tuple[float, int, _Hypothesis]] = []

    def shortlist() -> list[_Hypothesis]:
        return [h for _, _, h in sorted(seen, reverse=True)[:_SHORTLIST]]

    # A dropped pair right after the marker swallows a whole character; it is cheap to
    # look for, and otherwise that character would vanish without a trace.
    first = [_with_gaps(h, [1]) for h in hs if not h.hidden_end and len(h.stream) >= 2]
    best = _best_reading(text, i, left, [*hs, *first], ev, seen)
    if _confident(best):
        return best, shortlist()
    # Otherwise one, then two, dropped pairs anywhere, where the plain readings came close
    # or the stray pinyin says a run is there (these searches are much wider).
    if not ((best is not None and best[0] > 0.0) or hs[0].lead_choices is not None):
        return best, shortlist()
    # A gap at position p (between shown characters p - 2 and p - 1) changes slots p - 1
    # and p only, so a reading with some weak characters is only worth re-trying with a
    # gap next to them; p = 1 was tried above.
    near: set[int] | None = None
    if best is not None and _acceptable(best):
        near = {p for k, w in enumerate(best[3]) if w for p in (k, k + 1)} - {0, 1}
        if not near:
            return best, shortlist()
    for count in (1, 2):
        wider = []
        for h in hs:
            slots = len(h.stream) // 2
            if h.hidden_end or slots > _MAX_GAP_SLOTS // count:
                continue
            for ps in combinations(range(1, slots + 1), count):
                if ps != (1,) and (near is None or near.issuperset(ps)):
                    wider.append(_with_gaps(h, ps))
        found = _best_reading(text, i, left, wider, ev, seen)
        if found is not None and (best is None or _rank(found) > _rank(best)):
            best = found
        if _acceptable(best):
            break  # two dropped pairs in one run are rarer than one character unknown
    return best, shortlist()


def _confident(r: _Reading | None) -> bool:
    return r is not None and not any(r[3]) and _acceptable(r)


def repair_mojibake(ms: MappedText, log: RepairLog) -> MappedText:
    """Repair every byte-shifted run that reads far better repaired than as shown.

    Each repair is logged as ``mojibake``, or ``mojibake_unrecoverable`` where some of its
    characters could not be told and became :data:`UNRECOVERABLE`; the map stays exact.
    """
    text = ms.text
    starts = [m.start() for m in _START_RE.finditer(text)]
    if not starts:
        return ms
    candidates = [(i, hs) for i in starts if (hs := _hypotheses(text, i))]
    if not candidates:
        return ms
    ev = _document_evidence(text, [(i, max(h.end for h in hs)) for i, hs in candidates])

    readings: dict[int, _Reading | None] = {}
    shortlists: dict[int, list[_Hypothesis]] = {}
    solved: dict[tuple[str, str, str], tuple[_Reading | None, list[_Hypothesis], int]] = {}
    for i, hs in candidates:
        left = _left_context(text, i)
        # the same damage recurs with the same neighbours ("。縣" after "方面"): solve once
        key = (text[i - 1 : i], left, text[i : max(h.end for h in hs) + 12])
        if key not in solved:
            solved[key] = (*_search(text, i, left, hs, ev), i)
        found, short, at = solved[key]
        readings[i] = _shifted(found, i - at)
        shortlists[i] = [_shifted_hypothesis(h, i - at) for h in short]

    # The same damage recurs across a report; what the confident repairs read is evidence
    # for the doubtful ones ("。縣" repaired after "方面" backs it after "驗收" too).
    learned = []
    for r in readings.values():
        if r is not None and _confident(r):
            ctx = _context(text, _left_context(text, r[1].stream[0].index or 0), r[1])[0]
            learned.append(ctx.left + "".join(r[2].chars) + ctx.right)
    doubtful = [i for i, _ in candidates if (r := readings[i]) is not None and r[0] > 0.0 and not _confident(r)]
    if learned and doubtful:
        ev.learn(learned)
        for i in doubtful:
            again = _best_acceptable(text, i, _left_context(text, i), shortlists[i], ev)
            if again is not None:
                readings[i] = again

    edits: list[tuple[int, int, Replacement]] = []
    done = 0
    for i, _hs in candidates:
        best = readings[i]
        # Keep a repair only where it reads clearly better than the text as it stands.
        if i < done or best is None or not _acceptable(best):
            continue
        _, h, sol, weak, restored = best
        pieces: list[Piece] = []
        for k, ch in enumerate(sol.chars):
            slot = sol.slots[k]
            if slot.first is None or slot.last is None:
                # made from bytes nobody saw: the empty span between its neighbours
                before = sol.slots[k - 1].last if k else None
                at = before if before is not None else i
                pieces.append((UNRECOVERABLE if weak[k] else ch, at + 1, at + 1))
                continue
            pieces.append((UNRECOVERABLE if weak[k] else ch, slot.first, slot.last + 1))
        if restored:
            pieces.append((restored, h.end - 1, h.end))
        edits.append((i, h.end, pieces))
        a, b = ms.span(i, h.end)
        kind = "mojibake_unrecoverable" if any(weak) else "mojibake"
        log.add_source(kind, a, b, ms.source[a:b], "".join(p[0] for p in pieces))
        done = h.end
    return ms.edit(edits)
