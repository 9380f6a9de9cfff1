"""Property tests: damage clean snippets of real reports the ways reports are damaged,
and check that normalization undoes the damage and keeps an exact offset map."""

from __future__ import annotations

import re
from functools import lru_cache

import opencc
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pypinyin import Style, pinyin

from extractor.document import Source
from extractor.normalize import clean_text, normalize
from tests.test_normalize import SEEDS, _assert_exact_map

S2T = opencc.OpenCC("s2t")
T2S = opencc.OpenCC("t2s")
CJK = re.compile(r"[\u4e00-\u9fff]")
SYLLABLE = re.compile(r"[a-zü\u00e0-\u01dc]{1,7}")
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz(),:;%"}
TAGS = ["<span>", "</span>", '<font color="red">', "</font>", "<b>", "</b>", "<strong>", "</strong>"]


@lru_cache(maxsize=1)
def _pool() -> tuple[str, ...]:
    """Lines of the simplified seed reports, as the normalizer leaves them."""
    lines: list[str] = []
    for path in SEEDS:
        text = normalize(Source(name=path.name, text=path.read_text(encoding="utf-8"))).text
        lines.extend(line for line in text.split("\n") if len(CJK.findall(line)) >= 4)
    return tuple(line for line in lines if "?" not in line and "\ufffd" not in line)


@st.composite
def _damaged(draw: st.DrawFn) -> tuple[str, str]:
    line = draw(st.sampled_from(_pool()))
    a = draw(st.integers(0, len(line) - 1))
    b = draw(st.integers(a + 1, min(len(line), a + 40)))
    snippet = line[a:b]
    text = snippet
    if draw(st.booleans()):
        text = S2T.convert(text)
        assume(T2S.convert(text) == snippet)  # OpenCC's round trip is not always exact
    if draw(st.booleans()):
        # pinyin after some characters, as the site behind seed 003 printed it
        picks = draw(st.sets(st.integers(0, len(text) - 1), max_size=6))
        out = []
        for k, ch in enumerate(text):
            out.append(ch)
            if k in picks and CJK.match(ch):
                reading = pinyin(ch, style=Style.TONE)[0][0]
                if SYLLABLE.fullmatch(reading):
                    out.append(f"({reading})")
        text = "".join(out)
    if draw(st.booleans()):
        text = "".join(FULL_WIDTH.get(c, c) for c in text)
    if draw(st.booleans()):
        # markup around and inside, and characters written as numeric entities
        picks = draw(st.sets(st.integers(0, len(text)), max_size=4))
        entities = draw(st.sets(st.integers(0, len(text) - 1), max_size=4))
        out = []
        for k, ch in enumerate(text):
            if k in picks:
                out.append(draw(st.sampled_from(TAGS)))
            out.append(f"&#{ord(ch)};" if k in entities and CJK.match(ch) else ch)
        text = "".join(out) + ("</font>" if len(text) in picks else "")
    return snippet, text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_damaged())
def test_map_is_exact(case: tuple[str, str]) -> None:
    _, damaged = case
    _assert_exact_map(damaged, clean_text(damaged))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_damaged())
def test_normalizing_undoes_the_damage(case: tuple[str, str]) -> None:
    snippet, damaged = case
    assert clean_text(damaged).text == clean_text(snippet).text
