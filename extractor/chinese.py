"""Character classes, pinyin readings and script conversion shared by the normalization steps."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

__all__ = [
    "CJK",
    "CJK_RE",
    "PINYIN_RE",
    "TONED",
    "is_cjk",
    "is_toned_syllable",
    "opencc_converter",
    "pinyin_readings",
    "t2s_char",
]

# --------------------------------------------------------------------------------------
# Character classes
# --------------------------------------------------------------------------------------

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN_LETTERS = "a-zü" + TONED
PINYIN_RE = f"[{_PINYIN_LETTERS}]{{1,7}}"
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


def is_cjk(ch: str) -> bool:
    return bool(CJK_RE.match(ch))


# --------------------------------------------------------------------------------------
# pypinyin / OpenCC, loaded on first use: both cost noticeable import time
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def opencc_converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


@lru_cache(maxsize=65536)
def t2s_char(ch: str) -> str:
    return str(opencc_converter("t2s").convert(ch))


@lru_cache(maxsize=65536)
def pinyin_readings(ch: str) -> frozenset[str]:
    """Tone-marked readings pypinyin knows for one character (empty if none)."""
    from pypinyin import Style, pinyin

    if not is_cjk(ch):
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


def is_toned_syllable(s: str) -> bool:
    return any(c in TONED for c in s) and s.translate(_DETONE) in _syllables()
