"""Normalization: turn a :class:`Source` into one clean simplified-Chinese :class:`CleanText`.

Every step works on a :class:`_Mapped` string, which carries, for each character, the
half-open span of ``Source.text`` it was made from. Steps only ever *edit* a mapped
string (replace, insert or delete spans), and an edit composes the map, so the final
offset map is exact no matter how many steps ran.

Steps, in order (the order matters; see each function):

1. :func:`_repair_mojibake`  byte-shifted GBK mojibake, on the raw characters
2. :func:`_strip_html`       tags and entities left over from web pages
3. :func:`_unify_chars`      per-character NFKC, dashes, brackets, whitespace
4. :func:`_strip_pinyin`     ``據(jù)`` -> ``據``, verified against pypinyin
5. :func:`_to_simplified`    OpenCC t2s, per line, keeping the map exact
6. :func:`_drop_furniture`   page numbers, "scan to view on phone", bookmarks ...
7. :func:`_join_pdf_text`    spaces between CJK characters, lines wrapped by a PDF
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from extractor.document import CleanText, Repair, Source

__all__ = ["clean_text", "normalize"]


# --------------------------------------------------------------------------------------
# The mapped string
# --------------------------------------------------------------------------------------

# A replacement piece that says exactly which current characters it was made from:
# (text, first index, end index) in the coordinates of the string being edited.
Piece = tuple[str, int, int]
Replacement = str | Sequence[Piece]


class _Mapped:
    """Text plus, per character, the source span it came from.

    Characters inserted from nothing get the empty span at the insertion point, which is
    what :class:`CleanText` documents.
    """

    __slots__ = ("ends", "source", "starts", "text")

    def __init__(self, text: str, starts: list[int], ends: list[int], source: str) -> None:
        self.text = text
        self.starts = starts
        self.ends = ends
        self.source = source

    @classmethod
    def of(cls, source: str) -> _Mapped:
        n = len(source)
        return cls(source, list(range(n)), list(range(1, n + 1)), source)

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Source span of the current characters [i, j); an empty range is a point."""
        if i < j:
            return self.starts[i], max(self.ends[i:j])
        if i < len(self.text):
            return self.starts[i], self.starts[i]
        end = self.ends[-1] if self.ends else 0
        return end, end

    def edit(self, edits: Iterable[tuple[int, int, Replacement]]) -> _Mapped:
        """Apply non-overlapping edits ``(i, j, replacement)`` given in increasing order.

        A ``str`` replacement is made from the whole of [i, j) (every new character gets
        that span). A sequence of pieces says, per piece, which characters it came from,
        so a repair that rebuilds characters from parts of their neighbours stays exact.
        """
        text_parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        changed = False
        for i, j, repl in edits:
            if i < pos:
                raise ValueError("edits overlap or are out of order")
            changed = True
            text_parts.append(self.text[pos:i])
            starts.extend(self.starts[pos:i])
            ends.extend(self.ends[pos:i])
            if isinstance(repl, str):
                if repl:
                    a, b = self.span(i, j)
                    text_parts.append(repl)
                    starts.extend([a] * len(repl))
                    ends.extend([b] * len(repl))
            else:
                for piece, pi, pj in repl:
                    if not piece:
                        continue
                    a, b = self.span(pi, pj)
                    text_parts.append(piece)
                    starts.extend([a] * len(piece))
                    ends.extend([b] * len(piece))
            pos = j
        if not changed:
            return self
        text_parts.append(self.text[pos:])
        starts.extend(self.starts[pos:])
        ends.extend(self.ends[pos:])
        return _Mapped("".join(text_parts), starts, ends, self.source)

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], Replacement | None]) -> _Mapped:
        """Regex substitution; ``repl`` returning ``None`` leaves the match alone."""
        edits: list[tuple[int, int, Replacement]] = []
        for m in pattern.finditer(self.text):
            r = repl(m)
            if r is not None and not (isinstance(r, str) and r == m.group()):
                edits.append((m.start(), m.end(), r))
        return self.edit(edits)

    def translate(self, mapping: Callable[[str], str]) -> _Mapped:
        """Per-character mapping (to zero, one or several characters)."""
        cache: dict[str, str] = {}
        for ch in set(self.text):
            out = mapping(ch)
            if out != ch:
                cache[ch] = out
        if not cache:
            return self
        one_to_one = {ord(k): v for k, v in cache.items() if len(v) == 1}
        text = self.text.translate(one_to_one) if one_to_one else self.text
        mapped = _Mapped(text, self.starts, self.ends, self.source)
        others = {k: v for k, v in cache.items() if len(v) != 1}
        if not others:
            return mapped
        pattern = re.compile("[" + "".join(re.escape(k) for k in others) + "]")
        return mapped.sub(pattern, lambda m: others[m.group()])

    def to_clean(self, repairs: Sequence[Repair]) -> CleanText:
        return CleanText(self.text, tuple(self.starts), tuple(self.ends), tuple(repairs))


class _Log:
    """Collects :class:`Repair` records, in source order at the end."""

    def __init__(self) -> None:
        self.items: list[Repair] = []

    def add(self, ms: _Mapped, i: int, j: int, kind: str, after: str) -> None:
        a, b = ms.span(i, j)
        self.items.append(Repair(kind, a, b, ms.source[a:b], after))

    def add_source(self, kind: str, a: int, b: int, before: str, after: str) -> None:
        self.items.append(Repair(kind, a, b, before, after))

    def sorted(self) -> list[Repair]:
        return sorted(self.items, key=lambda r: (r.source_start, r.source_end))


# --------------------------------------------------------------------------------------
# Character classes
# --------------------------------------------------------------------------------------

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK}]")
# CJK punctuation, as it stands after NFKC (full-width ，：（ have become ASCII by then)
_CJK_PUNCT = "\u3001-\u3003\u3008-\u3011\u3014-\u301f\u2018\u2019\u201c\u201d\u2014\u2026\u00b7\uff5e"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = "a-zü" + _TONED
_PINYIN_RE = f"[{_PINYIN_LETTERS}]{{1,7}}"
_DETONE = str.maketrans(
    {
        **{c: "a" for c in "āáǎà"},
        **{c: "e" for c in "ēéěè"},
        **{c: "i" for c in "īíǐì"},
        **{c: "o" for c in "ōóǒò"},
        **{c: "u" for c in "ūúǔù"},
        **{c: "ü" for c in "ǖǘǚǜ"},
        **{c: "n" for c in "ńňǹ"},
        "ḿ": "m",
    }
)


def _is_cjk(ch: str) -> bool:
    return bool(_CJK_RE.match(ch))


# --------------------------------------------------------------------------------------
# pypinyin / OpenCC, loaded on first use (both cost noticeable import time)
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _opencc(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=65536)
def _t2s_char(ch: str) -> str:
    return str(_opencc("t2s").convert(ch))


@lru_cache(maxsize=65536)
def _readings(ch: str) -> frozenset[str]:
    """Tone-marked readings pypinyin knows for one character (empty if none)."""
    from pypinyin import Style, pinyin

    if not _is_cjk(ch):
        return frozenset()
    out = pinyin(ch, style=Style.TONE, heteronym=True, errors="ignore")
    return frozenset(r for group in out for r in group if r != ch)


@lru_cache(maxsize=1)
def _syllables() -> frozenset[str]:
    """Every toneless pinyin syllable pypinyin's character table uses."""
    from pypinyin.pinyin_dict import pinyin_dict

    found: set[str] = set()
    for value in pinyin_dict.values():
        for reading in value.split(","):
            found.add(reading.translate(_DETONE))
    return frozenset(found)


def _is_toned_syllable(s: str) -> bool:
    return any(c in _TONED for c in s) and s.translate(_DETONE) in _syllables()


@lru_cache(maxsize=1)
def _general_bigrams() -> frozenset[str]:
    """Character bigrams inside the words of pypinyin's phrase list (simplified Chinese).

    A generic, maintained source of "these two characters form part of a word", used as a
    weak prior next to the document's own bigrams when judging mojibake repairs.
    """
    from pypinyin.phrases_dict import phrases_dict

    found: set[str] = set()
    for phrase in phrases_dict:
        for a, b in zip(phrase, phrase[1:], strict=False):
            found.add(a + b)
    return frozenset(found)


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
# Full-width punctuation in the shifted stream (！？；，, GBK A3xx) has often been turned
# into ASCII afterwards, so ASCII "!" inside a run stands for GBK A3A1.
#
# The repair re-encodes a candidate run, decodes it one byte shifted, and fills the byte
# nobody can see (the lost lead, a hidden trail) with the GBK character the document
# itself supports best: bigrams of its intact text, pinyin annotations next to the run,
# and the stray pinyin, which names the character the bad decoder saw at the lost byte.


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
_STRAY_PINYIN_RE = re.compile(f"({_PINYIN_RE})\\)")
_ANNOT_RE = re.compile(f"\\(({_PINYIN_RE})\\)")
_TAG_TAIL_RE = re.compile(r"/?[A-Za-z][A-Za-z0-9]{0,9}(?:\s[^<>\n]{0,200})?/?>")
_MAX_RUN = 40
UNRECOVERABLE = "\ufffd"


def _fold(ch: str) -> str:
    """Width-fold a character so full-width forms and their ASCII twins count as one."""
    o = ord(ch)
    if 0xFF01 <= o <= 0xFF5E:
        return chr(o - 0xFEE0)
    return ch


@dataclass
class _Evidence:
    """What the document itself says about which characters go together."""

    unigrams: Counter[str]
    bigrams: Counter[str]
    annotated: frozenset[str]  # characters the document always follows with (pinyin)

    def char(self, ch: str) -> float:
        return 1.0 if self.unigrams[_fold(ch)] else 0.0

    def pair(self, a: str, b: str) -> float:
        if not a or not b:
            return 0.0
        key = _fold(a) + _fold(b)
        n = self.bigrams[key]
        if n:
            return 2.0 + min(math.log(n), 2.0)
        if _t2s_char(a)[-1:] + _t2s_char(b)[:1] in _general_bigrams():
            return 1.0
        return 0.0


def _document_evidence(text: str, runs: list[tuple[int, int]]) -> _Evidence:
    parts: list[str] = []
    pos = 0
    for a, b in runs:
        parts.append(text[pos:a])
        parts.append("\n")  # no bigram across a damaged stretch
        pos = b
    parts.append(text[pos:])
    intact = "".join(parts)
    annotated = Counter(m.group(1) for m in re.finditer(f"([{_CJK}])" + _ANNOT_RE.pattern, intact))
    intact = _ANNOT_RE.sub("", intact)
    folded = "".join(_fold(c) for c in intact)
    unigrams = Counter(folded)
    bigrams = Counter(folded[i : i + 2] for i in range(len(folded) - 1))
    # Only trust "always annotated" when the document annotates systematically.
    always = frozenset(c for c, n in annotated.items() if n >= 1 and n == unigrams[c]) if sum(
        annotated.values()
    ) >= 20 else frozenset()
    return _Evidence(unigrams, bigrams, always)


@dataclass
class _Byte:
    value: int | None  # None: not visible anywhere
    index: int | None  # index of the shown character it is part of


@dataclass
class _Hypothesis:
    stream: list[_Byte]  # real byte stream from the lost lead to the last trail
    end: int  # index just past the run in the text
    hidden_end: bool  # ended on a "?" that hides the last trail and one ASCII byte
    drop: bool  # an invisible, undecodable pair was dropped somewhere
    lead_choices: frozenset[int] | None  # from stray pinyin: leads the bad decoder implies


def _left_context(text: str, i: int) -> str:
    """The real character before position i, skipping a pinyin annotation."""
    j = i
    m = None
    if j > 0 and text[j - 1] == ")":
        k = text.rfind("(", max(0, j - 10), j)
        if k >= 1:
            m = _ANNOT_RE.fullmatch(text, k, j)
            if m:
                j = k
    return text[j - 1] if j > 0 else ""


def _lead_choices(text: str, i: int, stray: str) -> frozenset[int] | None:
    """Lead bytes L such that (trail of the character before i, L) reads as ``stray``.

    The annotator that inserted the stray pinyin decoded the stream out of step there, so
    it saw the previous character's trail byte paired with the lost lead byte.
    """
    prev = _left_context(text, i) if text[i - 1 : i] != ")" else text[i - 1 : i]
    pair = _gbk_pair(prev) if prev else None
    if pair is None:
        return None
    choices = frozenset(
        lead for lead, ch in _gbk_table()[2].get(pair[1], []) for lead in [lead] if stray in _readings(ch)
    )
    return choices or None


def _hypotheses(text: str, i: int) -> list[_Hypothesis]:
    """Every reading of the candidate run whose lost-lead marker is at text[i]."""
    pos = i + 1
    lead_choices: frozenset[int] | None = None
    m = _STRAY_PINYIN_RE.match(text, pos)
    if m and _is_toned_syllable(m.group(1)):
        lead_choices = _lead_choices(text, i, m.group(1))
        pos = m.end()
    out: list[_Hypothesis] = []
    limit = min(len(text), pos + _MAX_RUN)

    def walk(k: int, stream: list[_Byte]) -> None:
        if len(out) > 64 or k >= limit:
            return
        ch = text[k]
        o = ord(ch)
        if ch == "€":  # cp936 shows a lone 0x80 byte as the euro sign
            out.append(_Hypothesis([*stream, _Byte(0x80, k)], k + 1, False, False, lead_choices))
            return
        pair = _gbk_pair(ch)
        if pair is not None:
            walk(k + 1, [*stream, _Byte(pair[0], k), _Byte(pair[1], k)])
            return
        if 0x21 <= o <= 0x7E:
            if 0x40 <= o:  # a real trail byte: the stream realigns here
                out.append(_Hypothesis([*stream, _Byte(o, k)], k + 1, False, False, lead_choices))
            if ch == "?":  # an invalid (trail, ASCII) pair
                out.append(_Hypothesis([*stream, _Byte(None, k)], k + 1, True, False, lead_choices))
            # full-width punctuation shown as its ASCII twin: GBK A3xx
            walk(k + 1, [*stream, _Byte(0xA3, k), _Byte(o + 0x80, k)])

    walk(pos, [_Byte(None, i)])
    # The stream may also have passed over an undecodable pair that the decoder dropped
    # without a trace; allow one such gap, just before the realigning byte.
    extra = []
    for h in out:
        if not h.hidden_end and len(h.stream) >= 2:
            gap = [_Byte(None, None), _Byte(None, None)]
            extra.append(_Hypothesis([*h.stream[:-1], *gap, h.stream[-1]], h.end, False, True, lead_choices))
    out.extend(extra)
    # A marker with nothing that decodes after it is not a run.
    return [h for h in out if len(h.stream) >= 3 or lead_choices is not None]


@dataclass
class _Slot:
    candidates: list[tuple[str, int | None, int | None]]  # (char, lead, trail)
    first: int | None  # text index range the character was made from
    last: int | None
    unknown: bool  # one of its bytes was invisible


def _slots(h: _Hypothesis) -> list[_Slot] | None:
    by_code, by_trail, by_lead = _gbk_table()
    stream = h.stream
    if len(stream) % 2:
        return None
    slots: list[_Slot] = []
    for k in range(0, len(stream), 2):
        a, b = stream[k], stream[k + 1]
        idx = [x.index for x in (a, b) if x.index is not None]
        first, last = (min(idx), max(idx)) if idx else (None, None)
        cands: list[tuple[str, int | None, int | None]]
        if a.value is not None and b.value is not None:
            ch = by_code.get(a.value << 8 | b.value)
            if ch is None:
                return None
            cands = [(ch, a.value, b.value)]
        elif a.value is None and b.value is not None:
            leads = h.lead_choices if k == 0 else None
            cands = [(ch, lead, b.value) for lead, ch in by_trail.get(b.value, []) if leads is None or lead in leads]
        elif a.value is not None and b.value is None:
            cands = [(ch, a.value, trail) for trail, ch in by_lead.get(a.value, [])]
        else:
            leads = h.lead_choices if k == 0 else None
            if leads is None:
                return None
            cands = [(ch, lead, trail) for lead in sorted(leads) for trail, ch in by_lead.get(lead, [])]
        if not cands:
            return None
        slots.append(_Slot(cands, first, last, a.value is None or b.value is None))
    return slots


@dataclass
class _Solution:
    chars: list[str]
    score: float
    slots: list[_Slot]
    weak: list[bool]  # per character: chosen without any supporting evidence


def _solve(h: _Hypothesis, left: str, right: str, annotation: str | None, ev: _Evidence) -> _Solution | None:
    slots = _slots(h)
    if not slots:
        return None
    n = len(slots)

    def local(ch: str, k: int) -> float:
        s = ev.char(ch)
        if k == n - 1 and annotation is not None:
            # the annotation after the run belongs to the last real character
            s += 3.0 if annotation in _readings(ch) else -3.0
        elif ch in ev.annotated:
            # this document annotates that character everywhere, but not here
            s -= 2.0
        return s

    # Viterbi over slots; the dropped gap links the two slots around it.
    gap_after = None
    if h.drop:
        for k in range(len(h.stream)):
            if h.stream[k].index is None and h.stream[k].value is None and k > 0:
                gap_after = k // 2  # slot ending with the gap's first byte
                break
    best: list[dict[int, tuple[float, int]]] = []
    for k, slot in enumerate(slots):
        layer: dict[int, tuple[float, int]] = {}
        for ci, (ch, lead, _trail) in enumerate(slot.candidates):
            base = local(ch, k)
            if k == 0:
                layer[ci] = (base + ev.pair(left, ch), -1)
                continue
            top: tuple[float, int] | None = None
            prev_slot = slots[k - 1]
            for pi, (score, _) in best[k - 1].items():
                pch, _plead, ptrail = prev_slot.candidates[pi]
                if gap_after == k - 1 and ptrail is not None and lead is not None:
                    if _gbk_char(ptrail, lead) is not None:
                        continue  # the dropped pair must be one the decoder could not read
                s = score + ev.pair(pch, ch)
                if top is None or s > top[0]:
                    top = (s, pi)
            if top is not None:
                layer[ci] = (base + top[0], top[1])
        if not layer:
            return None
        best.append(layer)
    end_ci, (end_score, _) = max(
        best[-1].items(), key=lambda kv: kv[1][0] + ev.pair(slots[-1].candidates[kv[0]][0], right)
    )
    total = end_score + ev.pair(slots[-1].candidates[end_ci][0], right)
    picks = [end_ci]
    for k in range(n - 1, 0, -1):
        picks.append(best[k][picks[-1]][1])
    picks.reverse()
    chars = [slots[k].candidates[ci][0] for k, ci in enumerate(picks)]
    weak: list[bool] = []
    for k, ch in enumerate(chars):
        if not slots[k].unknown or len(slots[k].candidates) == 1:
            weak.append(False)
            continue
        before = left if k == 0 else chars[k - 1]
        after = right if k == n - 1 else chars[k + 1]
        support = ev.pair(before, ch) + ev.pair(ch, after)
        if k == n - 1 and annotation is not None and annotation in _readings(ch):
            support += 3.0
        weak.append(support <= 0.0)
    return _Solution(chars, total, slots, weak)


def _plain_score(chars: str, left: str, right: str, ev: _Evidence) -> float:
    seq = [left, *chars, right]
    return sum(ev.char(c) for c in chars) + sum(ev.pair(a, b) for a, b in zip(seq, seq[1:], strict=False))


def _repair_mojibake(ms: _Mapped, log: _Log) -> _Mapped:
    text = ms.text
    starts = [i for i, ch in enumerate(text) if ch in _MARKERS and i + 1 < len(text) and ord(text[i + 1]) > 0x20]
    if not starts:
        return ms
    candidates = [(i, _hypotheses(text, i)) for i in starts]
    candidates = [(i, hs) for i, hs in candidates if hs]
    if not candidates:
        return ms
    ev = _document_evidence(text, [(i, max(h.end for h in hs)) for i, hs in candidates])
    edits: list[tuple[int, int, Replacement]] = []
    done = 0
    for i, hs in candidates:
        if i < done:
            continue
        left = _left_context(text, i)
        best: tuple[float, _Hypothesis, _Solution, str | None, str] | None = None
        for h in hs:
            after = text[h.end : h.end + 12]
            annotation: str | None = None
            restored = ""
            if h.hidden_end:
                m = _STRAY_PINYIN_RE.match(after)
                if m and _is_toned_syllable(m.group(1)):
                    annotation, restored = m.group(1), "("
                elif _TAG_TAIL_RE.match(text, h.end):
                    restored = "<"
            else:
                m = _ANNOT_RE.match(after)
                if m:
                    annotation = m.group(1)
            right_at = h.end + (len(annotation) + (1 if h.hidden_end else 2) if annotation else 0)
            right = text[right_at] if right_at < len(text) else ""
            sol = _solve(h, left, right, annotation, ev)
            if sol is None:
                continue
            plain = _plain_score(text[i : h.end], left, right, ev)
            # per character gain over leaving the run alone; a dropped gap must earn more
            gain = (sol.score - plain) / len(sol.chars) - (1.0 if h.drop else 0.0)
            if best is None or gain > best[0]:
                best = (gain, h, sol, annotation, restored)
        if best is None or best[0] < 1.0:
            continue
        gain, h, sol, annotation, restored = best
        pieces: list[Piece] = []
        unrecoverable = False
        for k, ch in enumerate(sol.chars):
            slot = sol.slots[k]
            a = slot.first if slot.first is not None else (i if k == 0 else h.end - 1)
            b = (slot.last if slot.last is not None else a) + 1
            if sol.weak[k]:
                ch = UNRECOVERABLE
                unrecoverable = True
            pieces.append((ch, a, b))
        if restored:
            pieces.append((restored, h.end - 1, h.end))
        after_text = "".join(p[0] for p in pieces)
        edits.append((i, h.end, pieces))
        a, b = ms.span(i, h.end)
        log.add_source("mojibake_unrecoverable" if unrecoverable else "mojibake", a, b, ms.source[a:b], after_text)
        done = h.end
    return ms.edit(edits)


# --------------------------------------------------------------------------------------
# Step 2: HTML remnants
# --------------------------------------------------------------------------------------

_TAG_RE = re.compile(
    r"<!--.*?-->|</?([A-Za-z][A-Za-z0-9]{0,9})(?:\s[^<>]{0,500})?/?>|(?<![<\w/])/(font|span|strong|b|i|u|p|div|a|td|tr|th|li|em)>",
    re.S,
)
_BREAK_TAGS = frozenset({"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table"})
_CELL_TAGS = frozenset({"td", "th"})
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?")
_HTML_TAGS = frozenset(
    """a abbr b big blockquote body br center col colgroup dd div dl dt em font h1 h2 h3 h4 h5 h6
    head hr html i img li link meta o:p ol p pre s small span strike strong style sub sup table tbody td
    tfoot th thead title tr u ul""".split()
)


def _strip_html(ms: _Mapped, log: _Log) -> _Mapped:
    def tag(m: re.Match[str]) -> str | None:
        raw = m.group()
        if raw.startswith("<!--"):
            return ""
        name = (m.group(1) or m.group(2) or "").lower()
        if name not in _HTML_TAGS:
            return None  # "<5%" or "<附件>" are text, not markup
        closing = raw.startswith("</")
        if name == "br" or (closing and name in _BREAK_TAGS):
            out = "\n"
        elif closing and name in _CELL_TAGS:
            out = "\t"
        else:
            out = ""
        return out

    def tag_logged(m: re.Match[str]) -> str | None:
        out = tag(m)
        if out is not None:
            log.add(ms_ref[0], m.start(), m.end(), "html", out)
        return out

    def entity(m: re.Match[str]) -> str | None:
        out = html.unescape(m.group())
        if out == m.group():
            return None
        log.add(ms_ref[0], m.start(), m.end(), "html", out)
        return out

    ms_ref = [ms]
    if "<" in ms.text or ">" in ms.text:
        ms = ms.sub(_TAG_RE, tag_logged)
        ms_ref[0] = ms
    if "&" in ms.text:
        ms = ms.sub(_ENTITY_RE, entity)
    return ms


# --------------------------------------------------------------------------------------
# Step 3: per-character unification
# --------------------------------------------------------------------------------------

# NFKC would turn these into plain digits or dots that then run into their neighbours
# ("①2017年" -> "12017年"), so they keep their own shape.
_KEEP = frozenset(chr(c) for r in (range(0x2460, 0x2474), range(0x24EA, 0x2500), range(0x3251, 0x3260),
                                   range(0x32B1, 0x32C0), range(0x2776, 0x2794)) for c in r) | {"…", "‥"}
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\u2501\u2e3a\u2e3b\ufe58\ufe63\uff0d-"
_DELETE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f")


@lru_cache(maxsize=65536)
def _unify(ch: str) -> str:
    if ch in _DELETE:
        return ""
    if ch in "\t\n\f":
        return ch
    if ch in "\r\v\x85\u2028\u2029":
        return "\n"
    if ch in _KEEP:
        return ch
    o = ord(ch)
    if o < 0x20 or o == 0x7F:
        return ""
    if ch in "\u2010\u2011\u2043\ufe63\u2212":
        return "-"  # hyphens and minus signs
    if ch in "\u2012\u2013\u2015\u2e3a":
        return "—"  # dash variants in prose read as the Chinese dash
    if ch in "\ufe59\ufe5b\ufe5d":
        ch = "\u3014"
    elif ch in "\ufe5a\ufe5c\ufe5e":
        ch = "\u3015"
    out = unicodedata.normalize("NFKC", ch)
    if out.isspace() and out not in "\t\n":
        return " "
    return out


_DASH_BETWEEN_DIGITS_RE = re.compile(f"(?<=[0-9])[{re.escape(_DASHES)}]+(?=[0-9])")
_YEAR_BRACKET_RE = re.compile(r"[\[〔]\s*((?:19|20)[0-9]{2})\s*[\]〕]")
_CRLF_RE = re.compile(r"\r\n")


def _unify_chars(ms: _Mapped, log: _Log) -> _Mapped:
    # "\r\n" is one line break; a lone "\r" becomes "\n" in the per-character pass
    ms = ms.sub(_CRLF_RE, lambda m: [("\n", m.start() + 1, m.end())])
    ms = ms.translate(_unify)
    # a dash between digits is a hyphen: phone numbers, "1—7月", date ranges
    ms = ms.sub(_DASH_BETWEEN_DIGITS_RE, lambda m: "-" if m.group() != "-" else None)
    # document numbers use 〔2017〕; "[2017]" and "［2017］" are the same thing
    ms = ms.sub(
        _YEAR_BRACKET_RE,
        lambda m: [("〔", m.start(), m.start(1)), (m.group(1), m.start(1), m.end(1)), ("〕", m.end(1), m.end())],
    )
    return ms


# --------------------------------------------------------------------------------------
# Step 4: pinyin annotations
# --------------------------------------------------------------------------------------

_PINYIN_ANNOT_RE = re.compile(f"(?<=[{_CJK}])\\(({_PINYIN_RE})\\)")


def _strip_pinyin(ms: _Mapped, log: _Log) -> _Mapped:
    if "(" not in ms.text:
        return ms
    text = ms.text

    def repl(m: re.Match[str]) -> str | None:
        reading = m.group(1)
        ch = text[m.start() - 1]
        if reading in _readings(ch) or _is_toned_syllable(reading):
            log.add(ms, m.start(), m.end(), "pinyin", "")
            return ""
        return None

    return ms.sub(_PINYIN_ANNOT_RE, repl)


# --------------------------------------------------------------------------------------
# Step 5: traditional -> simplified
# --------------------------------------------------------------------------------------

_LINE_RE = re.compile(r"[^\n]+")


def _to_simplified(ms: _Mapped, log: _Log) -> _Mapped:
    if not _CJK_RE.search(ms.text):
        return ms
    cc = _opencc("t2s")
    converted = cc.convert(ms.text)
    if converted == ms.text:
        return ms
    if len(converted) == len(ms.text) and converted.count("\n") == ms.text.count("\n"):
        return _Mapped(converted, ms.starts, ms.ends, ms.source)

    # Phrase conversion changed a length somewhere: convert line by line, and where a
    # line still changes length, character by character (loses phrase context there).
    def line(m: re.Match[str]) -> Replacement | None:
        src = m.group()
        out = cc.convert(src)
        if out == src:
            return None
        if len(out) == len(src):
            return [(c, m.start() + k, m.start() + k + 1) for k, c in enumerate(out)]
        return [(_t2s_char(c), m.start() + k, m.start() + k + 1) for k, c in enumerate(src)]

    return ms.sub(_LINE_RE, line)


# --------------------------------------------------------------------------------------
# Step 6: page furniture
# --------------------------------------------------------------------------------------

_D = "[-—–]"
_FURNITURE_LINE_RE = re.compile(
    "^[ \\t]*(?:"
    + "|".join(
        [
            "附件下载[:：]?",
            "扫一扫在手机(?:上)?(?:查看|打开)当前页(?:面)?",
            "【?(?:打印本页|关闭窗口)】?(?:[ \\t]*【?(?:打印本页|关闭窗口)】?)*",
            f"{_D}{{1,2}}[ \\t]*[0-9]{{1,4}}[ \\t]*{_D}{{1,2}}",
            "第[ \\t]*[0-9]{1,4}[ \\t]*页(?:[ \\t]*[,，]?[ \\t]*共[ \\t]*[0-9]{1,4}[ \\t]*页)?",
            "共[ \\t]*[0-9]{1,4}[ \\t]*页[ \\t]*第[ \\t]*[0-9]{1,4}[ \\t]*页",
        ]
    )
    + ")[ \\t]*(?:\\n|\\Z)",
    re.M,
)
_BOOKMARK_RE = re.compile(r"\[bookmark:[^\]\n]{0,80}\]")
_PAGE_BREAK_RE = re.compile(r"[ \t]*\n?(?:[ \t]*\n)*[ \t]*\f[ \t\n\f]*")


def _drop_furniture(ms: _Mapped, log: _Log) -> _Mapped:
    def drop(m: re.Match[str]) -> str:
        log.add(ms_ref[0], m.start(), m.end(), "furniture", "")
        return ""

    ms_ref = [ms]
    ms = ms.sub(_BOOKMARK_RE, drop)
    ms_ref[0] = ms
    ms = ms.sub(_FURNITURE_LINE_RE, drop)
    if "\f" in ms.text:
        # a PDF page break, with the blank lines around it, is one line break: the text
        # on both sides may be one paragraph, which the wrap joiner then decides
        ms = ms.sub(_PAGE_BREAK_RE, lambda m: "\n" if 0 < m.start() and m.end() < len(ms.text) else "")
    return ms


# --------------------------------------------------------------------------------------
# Step 7: PDF text joining
# --------------------------------------------------------------------------------------

_J = f"{_CJK}{_CJK_PUNCT},.;:!?()%"  # what a stray single space between CJK text may touch
_SPACE_CJK_RE = re.compile(
    f"(?<=[{_CJK}{_CJK_PUNCT}])(?<!  ) (?=[{_J}])(?! )"
    f"|(?<=[{_J}])(?<!  ) (?=[{_CJK}{_CJK_PUNCT}])(?! )"
    f"|(?<=[0-9])(?<!  ) (?=[{_CJK}{_CJK_PUNCT}])"
    # a CJK character before a number joins only when the number is inside prose
    f"|(?<=[{_CJK}{_CJK_PUNCT},:;(])(?<!  ) (?=[0-9][0-9.,%\\-]*(?: ?[{_CJK}{_CJK_PUNCT}]))"
)
_HEADING_START_RE = re.compile(
    "^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十0-9]{1,3}[)）]|[0-9]{1,2}[.、．](?![0-9])|第[一二三四五六七八九十]{1,3}[章节条部分])"
)
_WRAP_STOP = "。；：！？;:!?"


def _width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def _join_pdf_text(ms: _Mapped, log: _Log) -> _Mapped:
    ms = _join_wrapped_lines(ms, log)
    if " " in ms.text:
        ms = ms.sub(_SPACE_CJK_RE, lambda m: "")
    return ms


def _line_widths(ms: _Mapped, lines: list[tuple[int, int]]) -> list[int]:
    """Display width of each line as laid out in the source (full-width counts two)."""
    src = ms.source
    widths = []
    for a, b in lines:
        w = 0
        for k in range(a, b):
            s, e = ms.starts[k], ms.ends[k]
            w += sum(_width(c) for c in src[s:e]) if e > s else _width(ms.text[k])
        widths.append(w)
    return widths


def _join_wrapped_lines(ms: _Mapped, log: _Log) -> _Mapped:
    text = ms.text
    lines: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer("\n", text):
        lines.append((pos, m.start()))
        pos = m.end()
    lines.append((pos, len(text)))
    if len(lines) < 10:
        return ms
    widths = _line_widths(ms, lines)
    long_widths = [w for w in widths if w > 30]
    if len(long_widths) < 8:
        return ms
    mode, _ = Counter(long_widths).most_common(1)[0]
    # pick the most common *band*, since justified lines wobble by a character or two
    band = max(range(min(long_widths), max(long_widths) + 1), key=lambda c: sum(abs(w - c) <= 2 for w in long_widths))
    full = [w for w in long_widths if abs(w - band) <= 2]
    # Only a document whose prose really was wrapped at one width gets joined.
    if len(full) < 8 or len(full) < 0.4 * len(long_widths):
        return ms
    tolerance = max(3, band // 12)
    edits: list[tuple[int, int, Replacement]] = []
    for k in range(len(lines) - 1):
        a, b = lines[k]
        na, nb = lines[k + 1]
        line = text[a:b].rstrip(" ")
        nxt = text[na:nb].lstrip(" ")
        if not line or not nxt or "\t" in line or "\t" in nxt:
            continue
        if abs(widths[k] - band) > tolerance or widths[k] > band + tolerance:
            continue
        if line[-1] in _WRAP_STOP:
            continue
        first = nxt[0]
        if not (_is_cjk(first) or first.isdigit() or first in "“‘《(（"):
            continue
        if _HEADING_START_RE.match(nxt):
            continue
        edits.append((b, na, ""))
        log.add(ms, b, na, "join", "")
    return ms.edit(edits)


# --------------------------------------------------------------------------------------
# Final tidy-up and the public API
# --------------------------------------------------------------------------------------

_EDGE_SPACES_RE = re.compile(r"^ +| +$| +(?=\t)|(?<=\t) +", re.M)


def normalize(source: Source) -> CleanText:
    """Clean one report: mojibake, HTML, NFKC, pinyin, t2s, furniture, PDF wrapping.

    Pure and deterministic. ``starts[i]``/``ends[i]`` of the result is the span of
    ``source.text`` clean character ``i`` was made from.
    """
    log = _Log()
    ms = _Mapped.of(source.text)
    ms = _repair_mojibake(ms, log)
    ms = _strip_html(ms, log)
    ms = _unify_chars(ms, log)
    ms = _strip_pinyin(ms, log)
    ms = _to_simplified(ms, log)
    ms = _drop_furniture(ms, log)
    ms = ms.sub(_EDGE_SPACES_RE, lambda m: "")
    ms = _join_pdf_text(ms, log)
    ms = ms.sub(_EDGE_SPACES_RE, lambda m: "")
    return ms.to_clean(log.sorted())


def clean_text(text: str) -> CleanText:
    """Normalize a bare string, as if it were a report called ``<text>``."""
    return normalize(Source(name="<text>", text=text))
