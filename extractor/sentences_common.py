"""Shared machinery of the narrative rules (``extractor.sentences`` and its rule modules).

Holds what every rule family needs and nothing specific to one: the shared pattern fragments
(``NUM``, ``FILL``, ``NO_UNIT_END``, ``CUMULATIVE``), number parsing, the ``Collector`` that
owns the text, its sentence boundaries and the candidates found so far, the generic
``Rule`` ("label … number unit") with its guards, and the helpers rules emit through
(``emit_simple``, ``trailing_cumulative``). Rule families live in the sibling modules.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

import regex

from .document import Candidate

__all__ = [
    "CUMULATIVE",
    "FILL",
    "NO_UNIT_END",
    "NUM",
    "Collector",
    "Rule",
    "emit_simple",
    "parse_number",
    "trailing_cumulative",
    "units",
]

# ---------------------------------------------------------------------------------------
# Shared pieces of pattern
# ---------------------------------------------------------------------------------------

# A printed number. Thousands separators only count when followed by exactly three digits,
# so ``共25,其中`` reads as 25. The look-arounds stop a match inside a longer number.
#
# Small counts are often written in Chinese numerals (收到申请三件, 一百零三条, 两名). Those are
# read only when a measure word follows at once, and never as the tail of a word or an
# ordinal (统一, 第一次, 数十件) or as ``一次性``: a numeral without its measure word is prose.
_CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千"
_CN_MEASURE = r"人次|件|条|次|名|个|篇|期|项|场|份|人|起|家|处|宗|批|所|户|万元|元"
NUM = (
    r"(?P<num>(?<![\d.])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?![\d])"
    rf"|(?<![{_CN_NUMERAL_CHARS}第统唯之每单某数几逐万])[{_CN_NUMERAL_CHARS}]{{1,8}}"
    rf"(?=\s*(?:{_CN_MEASURE})(?!性)))"
)

# Filler words that may sit between a label and its figure (共25条, 为0, 达12场).
FILL = r"\s*[:：]?\s*(?:共计|合计|总计|共有|共|计|为|达|有)?\s*"

# A figure printed without its unit is only trusted when punctuation closes it right away;
# otherwise ``2017年`` or a table cell on the next line could be read as a count.
NO_UNIT_END = r"(?=\s*(?:[,，;；。、)）]|$))"

# Approximate figures are not stated values (``5500余条``, ``近千``, ``约200条``).
_APPROX_BEFORE = regex.compile(r"(?:近|约|逾|超过|超|大约|将近|多达|接近|不少于|不低于)\s*(?:共|计)?\s*$")
_APPROX_AFTER = regex.compile(
    r"^\s*(?:余|多|来|左右|以上)|^\s*(?:条|件|篇|个|次|人次|名|份|元|万元|场|期|项)\s*(?:左右|以上|之多)"
)

# Where a sentence ends. Single newlines are NOT boundaries: in PDF-derived text they may be
# line wraps the normalizer left in place; a blank line or a numbered heading still is. A
# blank line between a figure and its unit (``科教文体卫生类信息9\n\n条``) is a broken page,
# not a paragraph: no paragraph starts with a unit.
# Only the ends are used. Every alternative starts on a mark or a newline (the digit before
# a break is looked behind at), so re's search skips to those characters: twice as fast.
_SENT_BOUNDARY = re.compile(
    r"[。！？!?]"
    r"|\n(?:(?<!\d\n)\s*\n|(?<=\d\n)\s*\n(?!\s*[条件篇个次名份元万项期场人,，、;；%])"
    r"|(?=\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[.、．])))"
)

# ``历年累计`` / ``已累计`` / ``截至…累计`` mark a running total over the years. ``全年累计``,
# ``2017年累计`` and ``年度内累计`` are this year's figure, hence the look-behind.
CUMULATIVE = regex.compile(r"历年(?:来)?累计|累计至今|(?<![年度内月日期周])累计")

_QUALIFIED_SUBTOTAL = regex.compile(r"其中")
_PARENTHESISED = regex.compile(r"[(（][^()（）]*[)）]")


_CN_DIGIT_VALUES = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                    "八": 8, "九": 9}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}


def _chinese_number(s: str) -> int:
    if not any(ch in _CN_POWERS for ch in s):
        # Digit by digit (一〇三), as years and some counts are printed.
        return int("".join(str(_CN_DIGIT_VALUES[ch]) for ch in s))
    total, digit = 0, 0
    for ch in s:
        if ch in _CN_POWERS:
            total += (digit or 1) * _CN_POWERS[ch]  # 十二: a power without a digit means one
            digit = 0
        else:
            digit = _CN_DIGIT_VALUES[ch]
    return total + digit


def parse_number(s: str) -> int | float:
    if s[0] in _CN_DIGIT_VALUES or s[0] in _CN_POWERS:
        return _chinese_number(s)
    s = s.replace(",", "")
    return float(s) if "." in s else int(s)


_FLOAT_PATHS = frozenset({"fees.amount_yuan", "budget.special_wan"})


def _is_float_path(path: str) -> bool:
    return path.removeprefix("cumulative.") in _FLOAT_PATHS


class Collector:
    """Holds the text, its sentence boundaries and the candidates found so far."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.out: list[Candidate] = []
        self._seen: set[tuple[str, int, int]] = set()
        self._bounds: list[int] = [m.end() for m in _SENT_BOUNDARY.finditer(text)]

    # -- emission ----------------------------------------------------------------------
    def add(self, path: str, value: int | float | str, rule: str, start: int, end: int) -> None:
        key = (path, start, end)
        if key in self._seen:
            return
        self._seen.add(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if _is_float_path(path):
                value = float(value)
            elif isinstance(value, float):
                if not value.is_integer():
                    return  # a count cannot be fractional; the rule misread something
                value = int(value)
        self.out.append(Candidate(path=path, value=value, method="sentence", rule=rule, start=start, end=end))

    # -- context -----------------------------------------------------------------------
    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect_right(self._bounds, pos)  # first boundary after pos
        start = self._bounds[i - 1] if i > 0 else 0
        end = self._bounds[i] if i < len(self._bounds) else len(self.text)
        return start, end

    def prefix(self, pos: int) -> str:
        """The sentence up to ``pos``."""
        return self.text[self.sentence(pos)[0] : pos]

    def clause_prefix(self, pos: int) -> str:
        """The clause (comma-delimited part of the sentence) up to ``pos``."""
        pre = self.prefix(pos)
        cut = max(pre.rfind(ch) for ch in ",，;；")
        return pre[cut + 1 :]

    def in_table_line(self, pos: int) -> bool:
        # Tab- and pipe-separated lines are tables; the table extractor owns those cells.
        ls = self.text.rfind("\n", 0, pos) + 1
        le = self.text.find("\n", pos)
        line = self.text[ls : le if le >= 0 else len(self.text)]
        return "\t" in line or "|" in line

    def approximate(self, start: int, end: int) -> bool:
        return bool(
            _APPROX_BEFORE.search(self.text[max(0, start - 6) : start])
            or _APPROX_AFTER.search(self.text[end : end + 8])
        )

    def cumulative(self, pos: int) -> bool:
        # A parenthesis that closed before ``pos`` (``申请26件(历年累计103件),其中…``) is an
        # aside: its 累计 does not carry over to the figures after it.
        return bool(CUMULATIVE.search(_PARENTHESISED.sub("", self.prefix(pos))))

    def after_qizhong(self, pos: int) -> bool:
        return bool(_QUALIFIED_SUBTOTAL.search(self.prefix(pos)))


# ---------------------------------------------------------------------------------------
# Generic "label … number unit" rules
# ---------------------------------------------------------------------------------------


class Rule:
    """One regular rule: a pattern with a ``num`` (and usually ``unit``) group, the path it
    feeds and its guards.

    ``subtotal_guard`` drops figures that follow ``其中`` in the same sentence (parts, not the
    total). ``cumulative`` lets a ``累计`` earlier in the sentence move the figure to
    ``cumulative.<path>`` and reads a trailing ``…,历年累计N`` as that path's cumulative value.
    ``scale`` converts the printed unit to the path's unit; ``reject`` is a last veto.
    """

    __slots__ = (
        "cumulative",
        "name",
        "path",
        "pattern",
        "reject",
        "scale",
        "subtotal_guard",
    )

    def __init__(
        self,
        path: str,
        name: str,
        pattern: str,
        *,
        subtotal_guard: bool = False,
        cumulative: bool = True,
        scale: Callable[[regex.Match[str]], float] | None = None,
        reject: Callable[[Collector, regex.Match[str]], bool] | None = None,
    ) -> None:
        self.path = path
        self.name = name
        self.pattern = regex.compile(pattern)
        self.subtotal_guard = subtotal_guard
        self.cumulative = cumulative
        self.scale = scale
        self.reject = reject

    def run(self, c: Collector) -> None:
        for m in self.pattern.finditer(c.text):
            s, e = m.span("num")
            if c.in_table_line(s) or c.approximate(s, e):
                continue
            if self.subtotal_guard and c.after_qizhong(m.start()):
                continue
            if self.reject is not None and self.reject(c, m):
                continue
            value: int | float = parse_number(m.group("num"))
            if self.scale is not None:
                value = value * self.scale(m)
                if isinstance(value, float) and value.is_integer() and not _is_float_path(self.path):
                    value = int(value)
            path = self.path
            if self.cumulative and c.cumulative(s):
                path = "cumulative." + path
            c.add(path, value, self.name, s, e)
            if self.cumulative and not path.startswith("cumulative."):
                trailing_cumulative(c, self.path, m.end(), m.groupdict().get("unit"))


def units(*units: str, optional: bool = False) -> str:
    alt = "|".join(units)
    if optional:
        return rf"(?:\s*(?P<unit>{alt})|{NO_UNIT_END})"
    return rf"\s*(?P<unit>{alt})"


# After ``主动公开政府信息137条`` the same sentence often adds ``历年累计574条``: that bare
# figure is the cumulative value of the same field.
_TRAILING_CUM = regex.compile(
    r"[^。]*?[,，;；()（）]\s*历年(?:来)?累计(?:金额)?\s*(?:共计|共|为|达)?"
    # ``…,历年累计主动公开603条``: the verb of the figure repeated.
    r"(?:主动公开|公开|受理|收到|接收|发布)?(?:政府信息|信息|申请)?\s*[:：]?\s*"
    + NUM
    + r"(?:\s*(?P<unit>条|件|篇|份|元|万元|次|人次|个)|"
    + NO_UNIT_END
    + ")"
)


_DIGIT = regex.compile(r"\d")


def trailing_cumulative(c: Collector, path: str, pos: int, origin_unit: str | None) -> None:
    """Read ``…,历年累计574条`` after a figure for ``path`` as ``cumulative.<path>``."""
    _, send = c.sentence(pos)
    m = _TRAILING_CUM.match(c.text, pos, send)
    if m is None:
        return
    # Another labelled figure between the two would own the bare one; only take it when the
    # gap holds nothing but parenthesised detail or punctuation.
    gap = c.text[pos : m.start("num")]
    if _DIGIT.search(_PARENTHESISED.sub("", gap)):
        return
    s, e = m.span("num")
    if c.approximate(s, e):
        return
    value: int | float = parse_number(m.group("num"))
    unit = m.group("unit") or origin_unit
    if path == "fees.amount_yuan" and unit == "万元":
        value = value * 10000
    elif path == "budget.special_wan" and unit == "元":
        value = value / 10000
    c.add("cumulative." + path, value, "trailing_cumulative", s, e)


def emit_simple(c: Collector, m: regex.Match[str], path: str, rule: str, *, cumulative: bool = True) -> None:
    """Emit the ``num`` group of ``m`` under ``path`` with the guards every rule shares:
    table lines and approximate figures are skipped, and an earlier ``累计`` in the sentence
    moves the figure to ``cumulative.<path>`` (unless ``cumulative`` is false)."""
    s, e = m.span("num")
    if c.in_table_line(s) or c.approximate(s, e):
        return
    if cumulative and c.cumulative(s):
        path = "cumulative." + path
    c.add(path, parse_number(m.group("num")), rule, s, e)

