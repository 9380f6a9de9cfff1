"""Normalization: turn a :class:`Source` into one clean simplified-Chinese :class:`CleanText`.

This module is the orchestrator: :func:`normalize` runs the steps below, in order, on a
:class:`~extractor.mapped.MappedText`, which carries, for each character, the half-open
span of ``Source.text`` it was made from. Steps only ever *edit* a mapped string
(replace, insert or delete spans), and an edit composes the map, so the final offset map
is exact no matter how many steps ran.

Steps, in order (the order matters; see each function):

0. :func:`~extractor.mojibake_utf8.repair_utf8_as_gbk`  UTF-8 that was read as GBK
1. :func:`~extractor.mojibake.repair_mojibake`  byte-shifted GBK mojibake, on the raw
   characters (its own module: it is most of the work)
2. :func:`_strip_html`       tags and entities left over from web pages
3. :func:`_unify_chars`      per-character NFKC, dashes, brackets, whitespace
4. :func:`_strip_pinyin`     ``據(jù)`` -> ``據``, verified against pypinyin
5. :func:`_to_simplified`    OpenCC t2s, per line, keeping the map exact
6. :func:`_drop_furniture`   page numbers, "scan to view on phone", bookmarks ...
7. :func:`_join_pdf_text`    spaces between CJK characters, lines wrapped by a PDF
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from functools import lru_cache

from extractor.cells import VALUE_TAIL, is_value_tail
from extractor.chinese import (
    CJK,
    CJK_RE,
    PINYIN_RE,
    is_cjk,
    is_toned_syllable,
    opencc_converter,
    pinyin_readings,
    t2s_char,
)
from extractor.document import CleanText, Source
from extractor.mapped import MappedText, RepairLog, Replacement
from extractor.mojibake import UNRECOVERABLE, repair_mojibake
from extractor.mojibake_utf8 import repair_utf8_as_gbk

__all__ = ["UNRECOVERABLE", "clean_text", "normalize"]


# --------------------------------------------------------------------------------------
# Step 2: HTML remnants
# --------------------------------------------------------------------------------------

# (a stray closing tag's "/" comes first and the character before it is checked behind, so
# that every alternative starts with "<" or "/" and the search skips to those)
_TAG_RE = re.compile(
    r"<!--.*?-->|</?([A-Za-z][A-Za-z0-9]{0,9}(?::[A-Za-z]{1,9})?)(?:\s[^<>]{0,500})?/?>"
    r"|/(?<![<\w/]/)(font|span|strong|b|i|u|p|div|a|td|tr|th|li|em)>",
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


def _strip_html(ms: MappedText, log: RepairLog) -> MappedText:
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


# What _unify returns unchanged and most reports are made of: tab, newline, printable ASCII
# and the CJK ideograph blocks (none is special-cased there, and NFKC leaves them alone).
_UNIFY_UNCHANGED_RE = re.compile("[\t\n -~\u3400-\u4dbf\u4e00-\u9fff]+")
# "(?<=[0-9])[dashes]+(?=[0-9])", written to start with the dash so that the search skips
# to dashes instead of trying the look-behind at every position
_DASH_CLASS = f"[{re.escape(_DASHES)}]"
_DASH_BETWEEN_DIGITS_RE = re.compile(f"{_DASH_CLASS}(?<=[0-9]{_DASH_CLASS}){_DASH_CLASS}*(?=[0-9])")
_YEAR_BRACKET_RE = re.compile(r"[\[〔]\s*((?:19|20)[0-9]{2})\s*[\]〕]")
_CRLF_RE = re.compile(r"\r\n")


def _unify_chars(ms: MappedText, log: RepairLog) -> MappedText:
    # "\r\n" is one line break; a lone "\r" becomes "\n" in the per-character pass
    ms = ms.sub(_CRLF_RE, lambda m: [("\n", m.start() + 1, m.end())])
    ms = ms.translate(_unify, _UNIFY_UNCHANGED_RE)
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

# The "(" comes first and the character before it is checked behind: a pattern that starts
# with a literal is searched for by skipping ahead, one that starts with a look-behind is
# tried at every position.
_PINYIN_ANNOT_RE = re.compile(f"\\((?<=[{CJK}]\\()({PINYIN_RE})\\)")


def _strip_pinyin(ms: MappedText, log: RepairLog) -> MappedText:
    if "(" not in ms.text:
        return ms
    text = ms.text
    # Annotated reports repeat the same few (character, reading) pairs thousands of
    # times, so each pair is judged once.
    verdicts: dict[tuple[str, str], bool] = {}
    edits: list[tuple[int, int, Replacement]] = []
    for m in _PINYIN_ANNOT_RE.finditer(text):
        i, j = m.span()
        reading = m.group(1)
        key = (text[i - 1], reading)
        strip = verdicts.get(key)
        if strip is None:
            strip = verdicts[key] = reading in pinyin_readings(key[0]) or is_toned_syllable(reading)
        if strip:
            log.add(ms, i, j, "pinyin", "")
            edits.append((i, j, ""))
    return ms.edit(edits)


# --------------------------------------------------------------------------------------
# Step 5: traditional -> simplified
# --------------------------------------------------------------------------------------

_LINE_RE = re.compile(r"[^\n]+")


def _to_simplified(ms: MappedText, log: RepairLog) -> MappedText:
    if not CJK_RE.search(ms.text):
        return ms
    cc = opencc_converter("t2s")
    converted = cc.convert(ms.text)
    if converted == ms.text:
        return ms
    if len(converted) == len(ms.text) and converted.count("\n") == ms.text.count("\n"):
        return MappedText(converted, ms.starts, ms.ends, ms.source)

    # Phrase conversion changed a length somewhere: convert line by line, and where a
    # line still changes length, character by character (loses phrase context there).
    def line(m: re.Match[str]) -> Replacement | None:
        src = m.group()
        out = cc.convert(src)
        if out == src:
            return None
        if len(out) == len(src):
            return [(c, m.start() + k, m.start() + k + 1) for k, c in enumerate(out)]
        return [(t2s_char(c), m.start() + k, m.start() + k + 1) for k, c in enumerate(src)]

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


def _drop_furniture(ms: MappedText, log: RepairLog) -> MappedText:
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

# CJK punctuation, as it stands after NFKC (full-width ，：（ have become ASCII by then)
_CJK_PUNCT = "\u3001-\u3003\u3008-\u3011\u3014-\u301f\u2018\u2019\u201c\u201d\u2014\u2026\u00b7\uff5e"
_C = f"[{CJK}{_CJK_PUNCT}]"
_P = "[,;:!?()%]"  # full-width punctuation, narrowed by NFKC
_SPACE_CJK_RE = re.compile(
    # (a single space only: runs of two or more, and tabs, separate table cells; the space is
    # matched first and its neighbours checked around it, so the search skips to spaces)
    f" (?:(?<={_C} )(?={_C}|{_P})|(?<={_P} )(?={_C})"
    f"|(?<=[0-9] )(?={_C}|[,;:!?)%])"
    # a CJK character before a number joins only where the number sits inside prose
    f"|(?<=(?:{_C}|{_P}) )(?=[0-9][0-9.,:/%-]* ?(?:{_C}|{_P})))"
)
# A line of short CJK words separated by single spaces is a table header laid out in
# columns ("社会 法律"), not prose with stray spaces; and a space before a field label
# ("莘口镇 时间:2021-01-14") separates two fields. Both are left alone. Two patterns, so
# that the second can start with its space and the search skip to spaces (as one
# alternation, its look-behind was tried at every position); only whether a space lies
# inside some match matters, which the two together answer as the alternation did.
_COLUMN_WORDS_RE = re.compile(f"^[{CJK}]{{2,8}}(?: [{CJK}]{{2,8}})+$", re.M)
_FIELD_LABEL_SPACE_RE = re.compile(f" (?<=[{CJK}]{{2}} )(?=[{CJK}]{{2,6}}[:：])")
_HEADING_START_RE = re.compile(
    "^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十0-9]{1,3}[)）]|[0-9]{1,2}[.、．](?![0-9])|第[一二三四五六七八九十]{1,3}[章节条部分])"
)
_WRAP_STOP = "。；：！？;:!?"


def _width(ch: str) -> int:
    if ch == " ":
        return 0  # pdftotext's spaces are gaps around numbers, not typeset width
    # ambiguous-width characters (“”—…) are set full-width in Chinese text
    return 2 if unicodedata.east_asian_width(ch) in "WFA" else 1


def _join_pdf_text(ms: MappedText, log: RepairLog) -> MappedText:
    # Wrapped lines first: a number split from its unit across a line end ("大道 90" /
    # "号") only becomes "90号" once the lines are one.
    ms = _join_wrapped_lines(ms, log)
    if " " not in ms.text:
        return ms
    protected: list[tuple[int, int]] | None = None  # found on the first space that could go

    def drop(m: re.Match[str]) -> str | None:
        nonlocal protected
        if protected is None:
            protected = [(p.start(), p.end()) for p in _COLUMN_WORDS_RE.finditer(ms.text)]
            protected += [(p.start(), p.end()) for p in _FIELD_LABEL_SPACE_RE.finditer(ms.text)]
            protected += [(p.start(), p.end()) for p in VALUE_TAIL.finditer(ms.text) if is_value_tail(p.group())]
        at = m.start()
        if protected and any(a <= at < b for a, b in protected):
            return None
        return ""

    return ms.sub(_SPACE_CJK_RE, drop)


@lru_cache(maxsize=4096)
def _char_width(ch: str) -> int:
    """:func:`_width`, cached for the few characters looked up one at a time."""
    return _width(ch)


# Blocks where (almost) every character is set full-width: CJK symbols and punctuation,
# kana, CJK ideographs, full-width forms. Only the characters unicodedata confirms are wide
# go into the pattern, so it stays exact for whatever Unicode version is installed.
_USUALLY_WIDE_BLOCKS = ((0x3000, 0x303F), (0x3040, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF01, 0xFF60))


@lru_cache(maxsize=1)
def _maybe_narrow_re() -> re.Pattern[str]:
    """Non-ASCII characters not known to be wide (built on first use: ~4 ms of lookups)."""
    wide = [o for lo, hi in _USUALLY_WIDE_BLOCKS for o in range(lo, hi + 1) if _width(chr(o)) == 2]
    ranges: list[list[int]] = []
    for o in wide:
        if ranges and ranges[-1][1] == o - 1:
            ranges[-1][1] = o
        else:
            ranges.append([o, o])
    return re.compile("[^\x00-\x7f" + "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges) + "]")


_ASCII_RUN_RE = re.compile("[\x00-\x7e]+")


def _line_widths(ms: MappedText, lines: list[tuple[int, int]]) -> list[int]:
    """Display width of each line as laid out in the source (full-width counts two).

    Measured on the source characters because NFKC has already narrowed "，" to ",".
    Counting character by character is most of the wrapped-line joiner's time, so each
    line is first measured with C string methods as if every ASCII character stood in
    the source as it is and every other one were wide, then corrected where that is
    wrong: the rare narrow non-ASCII characters, and ASCII characters whose source
    character differs (only ASCII runs not copied unchanged from the source are read).
    """
    src = ms.source
    text = ms.text
    starts = ms.starts
    ends = ms.ends
    n_src = len(src)
    widths = []
    for a, b in lines:
        line = text[a:b]
        # ASCII counts one (a space none), anything else two
        widths.append(2 * (b - a) - len(line.encode("ascii", "ignore")) - line.count(" "))
    corrections = [(m.start(), -1) for m in _maybe_narrow_re().finditer(text) if _char_width(m.group()) == 1]
    for m in _ASCII_RUN_RE.finditer(text):
        p, q = m.span()
        if q - p > 1:
            s0 = starts[p]
            if src[s0 : s0 + q - p] == m.group() and starts[p:q] == list(range(s0, q - p + s0)):
                continue  # copied unchanged from the source
        for k in range(p, q):
            s = starts[k]
            if s < n_src and ends[k] > s:
                was = src[s]
                ch = text[k]
                if was != ch:
                    delta = _char_width(was) - (ch != " ")
                    if delta:
                        corrections.append((k, delta))
    if corrections:
        corrections.sort()
        line_starts = [a for a, _ in lines]
        for k, delta in corrections:
            i = bisect_right(line_starts, k) - 1
            if i >= 0 and k < lines[i][1]:  # a line break's own source is no line's width
                widths[i] += delta
    return widths


def _join_wrapped_lines(ms: MappedText, log: RepairLog) -> MappedText:
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
    # A full line is as wide as the most common width or a little narrower: justified
    # lines with narrow punctuation wobble by a character or two.
    counts = Counter(long_widths)
    mode = max(sorted(counts), key=lambda c: sum(counts.get(c + d, 0) for d in range(-2, 3)))
    low, high = mode - max(4, mode // 12), mode + 4
    full = sum(n for w, n in counts.items() if low <= w <= high)
    over = sum(n for w, n in counts.items() if w > high)
    # Only a document whose prose really was wrapped at one width gets joined: many lines
    # of that width and hardly any longer (web text has paragraphs of any length).
    if full < 8 or full < 0.5 * len(long_widths) or over > 0.1 * len(long_widths):
        return ms
    edits: list[tuple[int, int, Replacement]] = []
    for k in range(len(lines) - 1):
        a, b = lines[k]
        na, nb = lines[k + 1]
        line = text[a:b].rstrip(" ")
        nxt = text[na:nb].lstrip(" ")
        if not line or not nxt or "\t" in line or "\t" in nxt:
            continue
        if not low <= widths[k] <= high:
            continue
        if line[-1] in _WRAP_STOP:
            continue
        first = nxt[0]
        if not (is_cjk(first) or first.isdigit() or first in "“‘《(（"):
            continue
        if _HEADING_START_RE.match(nxt):
            continue
        edits.append((b, na, ""))
        log.add(ms, b, na, "join", "")
    return ms.edit(edits)


# --------------------------------------------------------------------------------------
# Final tidy-up and the public API
# --------------------------------------------------------------------------------------

# Spaces at a line's ends or beside a tab: "^ +| +$| +(?=\t)|(?<=\t) +", written to start
# with the space so that the search skips to spaces instead of trying every position.
_EDGE_SPACES_RE = re.compile(r" (?: *(?=$|\t)|(?<![^\n\t] ) *)", re.M)


def normalize(source: Source) -> CleanText:
    """Clean one report: mojibake, HTML, NFKC, pinyin, t2s, furniture, PDF wrapping.

    Pure and deterministic. ``starts[i]``/``ends[i]`` of the result is the span of
    ``source.text`` clean character ``i`` was made from.
    """
    log = RepairLog()
    ms = MappedText.of(source.text)
    ms = repair_utf8_as_gbk(ms, log)
    ms = repair_mojibake(ms, log)
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
