"""Step 0 of normalization: undo UTF-8 text that was decoded as GBK and saved again.

The damage: a report's UTF-8 bytes were read as GBK (``全市`` shows as ``鍏ㄥ競``), and
where a byte could not pair with the next one the decoder wrote U+FFFD in its place, so
every U+FFFD stands for exactly one lost byte. The repair re-encodes the shown characters
as GBK, which gives back the original bytes but the lost ones, decodes those as UTF-8 and
fills each lost byte with the value that makes the likeliest character: one the decoder
could not have paired with the byte after it, read against the bigrams of the text that
came back whole and a general word list. A character no candidate clearly wins becomes
:data:`~extractor.mojibake.UNRECOVERABLE`.

The whole text is judged before anything is changed: the repair runs only where the text
as shown has almost no word of Chinese in it and the repaired text reads as Chinese.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache
from itertools import pairwise

from extractor.mapped import MappedText, Piece, RepairLog
from extractor.mojibake import UNRECOVERABLE, _general

__all__ = ["repair_utf8_as_gbk"]

_LOST = -1  # a byte the bad decoder replaced with U+FFFD

# Judging the whole text: the share of adjacent CJK pairs that occur inside a word of the
# general list. Intact reports score 0.37-0.43 (traditional script about 0.2), this damage 0.
_SHOWN_AT_MOST = 0.08
_REPAIRED_AT_LEAST = 0.25
_MIN_PAIRS = 40
_SIGNATURE_AT_LEAST = 3


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _word_pair_rate(text: str) -> tuple[float, int]:
    pairs = _general().pairs
    cjk = [a + b for a, b in pairwise(text) if _is_cjk(a) and _is_cjk(b)]
    return (sum(p in pairs for p in cjk) / len(cjk) if cjk else 0.0), len(cjk)


def _plausible(ch: str) -> bool:
    """What a lost byte may complete: a CJK character or CJK punctuation."""
    return _is_cjk(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _gbk_pairs(lead: int, trail: int) -> bool:
    try:
        bytes((lead, trail)).decode("gbk")
    except UnicodeDecodeError:
        return False
    return True


def _bytes_of(text: str) -> tuple[list[int], list[int]] | None:
    """The GBK bytes of the shown text (``_LOST`` for each U+FFFD) and, per byte, the index
    of the character it came from; None where a character has no GBK form."""
    values: list[int] = []
    owner: list[int] = []
    for i, ch in enumerate(text):
        if ch == "\ufffd":
            values.append(_LOST)
            owner.append(i)
            continue
        try:
            encoded = ch.encode("gbk")
        except UnicodeEncodeError:
            return None
        values.extend(encoded)
        owner.extend([i] * len(encoded))
    return values, owner


def _length(lead: int) -> int:
    if lead < 0x80:
        return 1
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


# One decoded character: its text (None while a lost byte leaves it open), the candidate
# texts where it is open, and the span of shown characters its bytes came from.
_Char = tuple[str | None, list[str], int, int]


def _candidates(seq: list[int], after: int | None) -> list[str]:
    """Every plausible character the byte sequence with lost bytes may have been."""
    lost = [k for k, b in enumerate(seq) if b == _LOST]
    options: list[list[int]] = []
    for k in lost:
        if k == 0:
            options.append(list(range(0xE0, 0xF0)))
        else:
            options.append(list(range(0x80, 0xC0)))
    out: list[str] = []

    def fill(n: int, current: list[int]) -> None:
        if n == len(lost):
            try:
                ch = bytes(current).decode("utf-8")
            except UnicodeDecodeError:
                return
            if _plausible(ch):
                out.append(ch)
            return
        k = lost[n]
        nxt = seq[k + 1] if k + 1 < len(seq) else after
        for b in options[n]:
            # The decoder dropped this byte because it could not pair it with the next.
            if nxt is not None and nxt != _LOST and _gbk_pairs(b, nxt):
                continue
            current[k] = b
            fill(n + 1, current)
        current[k] = _LOST

    if len(lost) <= 2:
        fill(0, list(seq))
    return out


def _decode(values: list[int], owner: list[int]) -> list[_Char]:
    chars: list[_Char] = []
    k = 0
    n = len(values)
    while k < n:
        b = values[k]
        size = 3 if b == _LOST else _length(b)
        if size == 0 or k + size > n:
            chars.append((UNRECOVERABLE, [], owner[k], owner[k] + 1))
            k += 1
            continue
        seq = values[k : k + size]
        start, end = owner[k], owner[k + size - 1] + 1
        after = values[k + size] if k + size < n else None
        if _LOST in seq:
            chars.append((None, _candidates(seq, after), start, end))
        else:
            try:
                chars.append((bytes(seq).decode("utf-8"), [], start, end))
            except UnicodeDecodeError:
                chars.append((UNRECOVERABLE, [], owner[k], owner[k] + 1))
                k += 1
                continue
        k += size
    return chars


@lru_cache(maxsize=1)
def _phrase_chars() -> Counter[str]:
    """How many words of the general list each character occurs in: a prior for commonness."""
    from pypinyin.phrases_dict import phrases_dict

    return Counter(ch for phrase in phrases_dict for ch in phrase)


_MARGIN = 1.0  # how much better the chosen character must do than the next best


def _choose(chars: list[_Char]) -> list[str]:
    """The likeliest text: a Viterbi pass over the candidates of the open characters, with
    the document's own bigrams, the general word list and character commonness as evidence.
    A character whose best reading does not beat the next best by a margin is unrecoverable."""
    whole = "".join(t if t is not None else "\x00" for t, _, _, _ in chars)
    doc_unigrams = Counter(whole)
    doc_bigrams = Counter(a + b for a, b in pairwise(whole))
    general = _general().pairs
    common = _phrase_chars()
    states = [[t] if t is not None else (opts or [UNRECOVERABLE]) for t, opts, _, _ in chars]

    def prior(ch: str) -> float:
        return 0.2 * math.log1p(common[ch]) + 0.1 * math.log1p(doc_unigrams[ch])

    def trans(a: str, b: str) -> float:
        return 3.0 * (doc_bigrams[a + b] > 0) + 2.0 * (a + b in general)

    n = len(states)
    forward: list[list[float]] = []
    back: list[list[int]] = []
    for i, cands in enumerate(states):
        if i == 0:
            forward.append([prior(c) for c in cands])
            back.append([0] * len(cands))
            continue
        row, ptr = [], []
        for c in cands:
            best_k, best = 0, -math.inf
            for k, p in enumerate(states[i - 1]):
                v = forward[i - 1][k] + trans(p, c)
                if v > best:
                    best_k, best = k, v
            row.append(best + prior(c))
            ptr.append(best_k)
        forward.append(row)
        back.append(ptr)
    backward: list[list[float]] = [[0.0] * len(s) for s in states]
    for i in range(n - 2, -1, -1):
        for k, c in enumerate(states[i]):
            backward[i][k] = max(backward[i + 1][j] + trans(c, d) + prior(d) for j, d in enumerate(states[i + 1]))
    out = [""] * n
    k = max(range(len(states[-1])), key=lambda j: forward[-1][j]) if n else 0
    for i in range(n - 1, -1, -1):
        out[i] = states[i][k]
        if len(states[i]) > 1:
            totals = sorted((forward[i][j] + backward[i][j] for j in range(len(states[i]))), reverse=True)
            if totals[0] - totals[1] < _MARGIN:
                out[i] = UNRECOVERABLE
        k = back[i][k]
    return out


def repair_utf8_as_gbk(ms: MappedText, log: RepairLog) -> MappedText:
    """Undo UTF-8 read as GBK where the whole text shows that damage; else change nothing."""
    text = ms.text
    # Chinese punctuation shows as 銆 (。、 are E3 80 xx) and 锛 (，（） are EF BC xx): rare
    # characters in any real text, so their absence settles most reports at once.
    if text.count("銆") + text.count("锛") < _SIGNATURE_AT_LEAST:
        return ms
    shown_rate, pairs = _word_pair_rate(text)
    if pairs < _MIN_PAIRS or shown_rate > _SHOWN_AT_MOST:
        return ms
    encoded = _bytes_of(text)
    if encoded is None:
        return ms
    chars = _decode(*encoded)
    chosen = _choose(chars)
    repaired = "".join(chosen)
    if _word_pair_rate(repaired)[0] < _REPAIRED_AT_LEAST:
        return ms
    pieces: list[Piece] = [(ch, start, end) for ch, (_, _, start, end) in zip(chosen, chars, strict=True)]
    out = ms.edit([(0, len(text), pieces)])
    # One repair per line, so the log says where, not the whole report twice.
    pos = 0
    for line in out.text.split("\n"):
        if line.strip():
            kind = "mojibake_utf8_unrecoverable" if UNRECOVERABLE in line else "mojibake_utf8"
            log.add(out, pos, pos + len(line), kind, line)
        pos += len(line) + 1
    return out
