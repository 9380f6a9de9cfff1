"""Ground every value the model returns in the text it was given, or drop it.

A number is found as its digits (not inside a longer number), with thousands separators,
or as a Chinese numeral; a zero also by an explicit statement of none (无, 未, 没有, 零);
an amount in 万元 or 元 as printed. And a number counts only where the words around it
name the field (a distinctive word of its label within a short window): digits that
merely occur somewhere, such as the 999 of a sentence telling the model to write 999
everywhere, ground nothing. A string is found after the same normalization the scorer
uses (NFKC, no whitespace). A date by its year, month and day in either notation. What
cannot be found is not stated by the report, whatever the model says.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_CN_DIGITS = "零一二三四五六七八九"


@dataclass(frozen=True)
class Grounded:
    path: str
    value: int | float | str
    start: int  # offsets into the text that was searched
    end: int


def _chinese_numeral(n: int) -> list[str]:
    if n < 0 or n > 99:
        return []
    if n < 10:
        return [_CN_DIGITS[n]] + (["两"] if n == 2 else [])
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else _CN_DIGITS[tens] + "十"
    return [head + (_CN_DIGITS[ones] if ones else "")]


def _number_forms(value: float) -> list[str]:
    forms: list[str] = []
    if float(value).is_integer():
        n = int(value)
        forms += [str(n), f"{n:,}"]
        forms += _chinese_numeral(n)
        if n and n % 10000 == 0:
            forms.append(f"{n // 10000}万")
    else:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
        forms.append(text)
    return list(dict.fromkeys(forms))


_ZERO_WORDS = re.compile(r"无|未|没有|零|不存在")


# Words too common in these reports to tie a number to a field.
_COMMON_BIGRAMS = frozenset({"政府", "信息", "公开", "情况", "数量", "工作", "本年", "总数", "处理", "申请", "年度",
                             "其他", "事项", "项目", "决定", "件数", "主动"})
_BEFORE, _AFTER = 60, 20


def anchor_words(path: str, label: str) -> list[str]:
    """Distinctive words of a field's label: two-character pieces, common ones left out."""
    from .schemas.templates import REQUEST_ROW_PATTERNS

    if path.startswith("requests."):
        row = path.split(".")[1]
        pattern = dict(REQUEST_ROW_PATTERNS).get(row, "")
        row_words = [re.sub(r"[\\^$()\[\]?.、]", "", w) for w in pattern.split("|")]
        return [w for w in row_words if len(w) >= 2]
    cjk = "".join(ch if "\u4e00" <= ch <= "\u9fff" else " " for ch in label)
    words: list[str] = []
    for run in cjk.split():
        for i in range(len(run) - 1):
            piece = run[i:i + 2]
            if piece not in _COMMON_BIGRAMS and piece not in words:
                words.append(piece)
    return words


_SENTENCE_END = re.compile(r"[。！？；!?;]")


def _named_nearby(text: str, start: int, end: int, anchors: list[str]) -> bool:
    """A label word in the same sentence as the number, close to it (a line break is no sentence end:
    a table flattened one cell per line keeps its label on an earlier line)."""
    if not anchors:
        return True
    left = max(0, start - _BEFORE)
    stops = [m.end() for m in _SENTENCE_END.finditer(text, left, start)]
    left = stops[-1] if stops else left
    right_stop = _SENTENCE_END.search(text, end, min(len(text), end + _AFTER))
    right = right_stop.start() if right_stop else min(len(text), end + _AFTER)
    window = text[left:right]
    return any(a in window for a in anchors)


def _find_number(value: float, text: str, anchors: list[str]) -> tuple[int, int] | None:
    for form in _number_forms(value):
        if form[0].isdigit():
            pattern = rf"(?<![\d.,]){re.escape(form)}(?![\d]|\.\d)"
        else:
            pattern = rf"(?<![{_CN_DIGITS}十百千万]){re.escape(form)}(?![{_CN_DIGITS}十百千万])"
        for m in re.finditer(pattern, text):
            if _named_nearby(text, m.start(), m.end(), anchors):
                return m.span()
    if value == 0:
        for m in _ZERO_WORDS.finditer(text):
            if _named_nearby(text, m.start(), m.end(), anchors):
                return m.span()
    return None


def _squash(text: str) -> tuple[str, list[int]]:
    """NFKC without whitespace, with a map from each kept character back to `text`."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch):
            if not c.isspace():
                out.append(c)
                where.append(i)
    return "".join(out), where


def _find_string(value: str, text: str) -> tuple[int, int] | None:
    needle, _ = _squash(value)
    if not needle:
        return None
    hay, where = _squash(text)
    at = hay.find(needle)
    if at < 0:
        return None
    return where[at], where[at + len(needle) - 1] + 1


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _find_date(value: str, text: str) -> tuple[int, int] | None:
    m = _ISO.match(value)
    if not m:
        return None
    y, mo, d = (int(x) for x in m.groups())
    pattern = rf"{y}\s*[年\-./]\s*0?{mo}\s*[月\-./]\s*0?{d}(?!\d)\s*日?"
    found = re.search(pattern, text)
    return found.span() if found else _find_string(value, text)


def locate(path: str, value: object, text: str, value_type: str, label: str = "") -> tuple[int, int] | None:
    """The span of `text` that states `value` for the field `path` (whose label is `label`), or None."""
    if value is None or isinstance(value, bool):
        return None
    if value_type in ("int", "float"):
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        anchors = anchor_words(path, label)
        span = _find_number(number, text, anchors)
        if span is None and path.endswith("amount_yuan") and number >= 10000:
            span = _find_number(number / 10000, text, anchors)  # printed in 万元
        if span is None and path.endswith(("_wan",)):
            span = _find_number(number * 10000, text, anchors)  # printed in 元
        return span
    if value_type == "date":
        return _find_date(str(value), text)
    return _find_string(str(value), text)
