"""Ground every value the model returns in the text it was given, or drop it.

A number is found as its digits (not inside a longer number), with thousands separators,
or as a Chinese numeral; a zero also by an explicit statement of none (无, 未, 没有, 零);
an amount in 万元 or 元 as printed. A string is found after the same normalization the
scorer uses (NFKC, no whitespace). A date by its year, month and day in either notation.
What cannot be found is not stated by the report, whatever the model says.
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


def _find_number(value: float, text: str) -> tuple[int, int] | None:
    for form in _number_forms(value):
        if form[0].isdigit():
            pattern = rf"(?<![\d.,]){re.escape(form)}(?![\d]|\.\d)"
        else:
            pattern = rf"(?<![{_CN_DIGITS}十百千万]){re.escape(form)}(?![{_CN_DIGITS}十百千万])"
        m = re.search(pattern, text)
        if m:
            return m.span()
    if value == 0:
        m = _ZERO_WORDS.search(text)
        if m:
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


def locate(path: str, value: object, text: str, value_type: str) -> tuple[int, int] | None:
    """The span of `text` that states `value`, or None."""
    if value is None or isinstance(value, bool):
        return None
    if value_type in ("int", "float"):
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        span = _find_number(number, text)
        if span is None and path.endswith("amount_yuan") and number >= 10000:
            span = _find_number(number / 10000, text)  # printed in 万元
        if span is None and path.endswith(("_wan",)):
            span = _find_number(number * 10000, text)  # printed in 元
        return span
    if value_type == "date":
        return _find_date(str(value), text)
    return _find_string(str(value), text)
