"""Normalization: one small case per step, then the real seed and dev reports.

The mojibake cases are built here by GBK-encoding a made-up sentence and decoding it one
byte out of step (see ``_damage``), so they test the mechanism, not remembered strings.
"""

from __future__ import annotations

import html
import re
import time
import unicodedata
from pathlib import Path

import opencc
import pytest
from pypinyin import Style, pinyin

from extractor.document import CleanText, Source
from extractor.mapped import MappedText
from extractor.normalize import UNRECOVERABLE, clean_text, normalize

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "evals" / "corpus" / "seeds").glob("*.txt"))
DEV = sorted((ROOT / "evals" / "corpus" / "dev").glob("*.txt"))
SEED_003 = ROOT / "evals" / "corpus" / "seeds" / "003_1cf57682600c5878.txt"
T2S = opencc.OpenCC("t2s")
PINYIN_RUN = re.compile(r"\([a-zü\u00e0-\u01dc]{1,7}\)")


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def _shifted_decode(data: bytes) -> str:
    """Decode GBK the way the damaged reports were decoded: a pair that does not read is
    dropped, a lead byte before an ASCII byte shows as "?" and swallows it, and a lone 0x80
    shows as the euro sign (cp936)."""
    out: list[str] = []
    k = 0
    while k < len(data):
        b = data[k]
        if b < 0x80:
            out.append(chr(b))
            k += 1
        elif b == 0x80:
            out.append("€")
            k += 1
        elif k + 1 >= len(data) or data[k + 1] < 0x40:
            out.append("?")
            k += 2
        else:
            try:
                out.append(data[k : k + 2].decode("gbk"))
            except UnicodeDecodeError:
                pass
            k += 2
    return "".join(out)


def _narrow(text: str) -> str:
    """Full-width forms to ASCII, as the corpus' crawler did after the damage."""
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)


def _damage(text: str, at: int, stray_pinyin: bool = False) -> str:
    """Lose the lead byte of text[at] and decode the rest one byte out of step.

    With ``stray_pinyin`` the byte is not replaced by "?" but followed by "(reading)" of
    the character an out-of-step decoder saw there (previous trail byte + this lead),
    which is how the "?qū)" runs of seed 003 came about.
    """
    head = text[:at].encode("gbk")
    rest = text[at:].encode("gbk")
    lead, tail = rest[0], rest[1:]
    assert lead >= 0x81, "damage a two-byte character"
    if stray_pinyin:
        seen = bytes([head[-1], lead]).decode("gbk")
        reading = pinyin(seen, style=Style.TONE)[0][0]
        return text[:at] + _shifted_decode(bytes([lead]) + b"(" + reading.encode("gbk") + b")" + tail)
    return text[:at] + "?" + _shifted_decode(tail)


def _assert_exact_map(source: str, clean: CleanText) -> None:
    n = len(clean.text)
    assert len(clean.starts) == len(clean.ends) == n
    previous = 0
    for i in range(n):
        s, e = clean.starts[i], clean.ends[i]
        assert 0 <= s <= e <= len(source)
        assert s >= previous
        previous = s
    repaired = [(r.source_start, r.source_end) for r in clean.repairs if r.kind.startswith("mojibake")]
    for i, ch in enumerate(clean.text):
        if not (ch.isdigit() or "\u4e00" <= ch <= "\u9fff"):
            continue
        s, e = clean.starts[i], clean.ends[i]
        if any(a <= s < b for a, b in repaired):
            continue  # rebuilt from bytes of its neighbours, not from a look-alike
        piece = unicodedata.normalize("NFKC", html.unescape(source[s:e]))
        # t2s converts phrases ("明瞭" -> "明了"), so look at the piece among the pieces of its
        # neighbours too: annotations or tags between them in the source are not part of it
        pieces = "".join(source[clean.starts[j] : clean.ends[j]] for j in range(max(0, i - 3), min(n, i + 4)))
        nearby = [source[max(0, s - 3) : e + 3], pieces]
        assert ch in piece or ch in T2S.convert(piece) or any(
            ch in T2S.convert(unicodedata.normalize("NFKC", html.unescape(around))) for around in nearby
        ), (i, ch, source[s:e])


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


# --------------------------------------------------------------------------------------
# the mapped string
# --------------------------------------------------------------------------------------


def test_mapped_edits_compose_the_map() -> None:
    ms = MappedText.of("ab<b>cd&amp;e")
    ms = ms.sub(re.compile(r"<b>"), lambda m: "")
    assert (ms.text, ms.starts[2], ms.ends[2]) == ("abcd&amp;e", 5, 6)
    ms = ms.sub(re.compile(r"&amp;"), lambda m: "&")
    assert ms.text == "abcd&e"
    assert (ms.starts[4], ms.ends[4]) == (7, 12)  # "&" made from the whole entity
    ms = ms.edit([(1, 1, "X")])  # an insertion gets the empty span where it went in
    assert ms.text == "aXbcd&e" and (ms.starts[1], ms.ends[1]) == (1, 1)
    ms = ms.translate(lambda c: c.upper() if c == "e" else ("" if c == "b" else c))
    assert ms.text == "aXcd&E" and (ms.starts[-1], ms.ends[-1]) == (12, 13)


# --------------------------------------------------------------------------------------
# step 1: mojibake
# --------------------------------------------------------------------------------------


def test_mojibake_lost_lead_before_a_quote_is_rebuilt() -> None:
    sentence = "明確審查責任，確保“涉密不上網，上網不涉密”。"
    damaged = _damage(sentence, sentence.index("保"))
    assert damaged.startswith("明確審查責任，確?！吧婷懿簧暇W")  # what seed 003 shows (narrowed there)
    doc = _narrow("本局嚴格執行保密審查制度，確保信息安全。\n" + damaged + "\n各科室要確保“涉密不上網，上網不涉密”。\n")
    clean = clean_text(doc)
    assert "明确审查责任,确保“涉密不上网,上网不涉密”。" in clean.text
    assert "吧婷懿簧暇" not in clean.text
    (repair,) = [r for r in clean.repairs if r.kind == "mojibake"]
    assert repair.before == "?!吧婷懿簧暇W" and repair.after == "保“涉密不上網"
    assert doc[repair.source_start : repair.source_end] == repair.before
    _assert_exact_map(doc, clean)


def test_mojibake_lost_full_stop_and_full_width_question_mark() -> None:
    sentence = "在政策解讀方面。縣政府官網設置了解讀專欄。"
    damaged = _damage(sentence, sentence.index("。"))
    assert "??h政府官網" in _narrow(damaged)  # 。 lost its lead, ？ (A3BF) is trail + lead
    doc = _narrow("在主動公開方面。縣政府官網發布信息二百條。\n" + damaged + "\n在依申請公開方面。縣政府官網設置了入口。\n")
    clean = clean_text(doc)
    assert "在政策解读方面。县政府官网设置了解读专栏。" in clean.text
    assert "?" not in clean.text


def test_mojibake_with_stray_pinyin_and_a_swallowed_parenthesis() -> None:
    # An annotated report: 內 is always followed by (nèi). The out-of-step decoder saw
    # (trail of 目, lead of 內) = 績 and wrote "(jī)" into the byte stream, which then
    # paired 內's lead with "(" (shown "?"), and so on.
    sentence = "做好政府信息公開各欄目內(nèi)容保障工作。"
    damaged = _damage(sentence, sentence.index("內"), stray_pinyin=True)
    assert "欄目?jī)?nèi)容" in damaged
    doc = _narrow("網站內(nèi)容及時更新，欄目內(nèi)容豐富。\n" + damaged + "\n")
    clean = clean_text(doc)
    assert "做好政府信息公开各栏目内容保障工作。" in clean.text
    assert not PINYIN_RUN.search(clean.text) and "jī" not in clean.text


def test_mojibake_without_evidence_is_marked_unrecoverable() -> None:
    # Nothing intact says which character lost its lead byte (保? 福? 。?): keep a marker.
    sentence = "確保“涉密不上網”。"
    doc = _narrow("涉密不上網，上網不涉密。\n" + _damage(sentence, sentence.index("保")) + "\n")
    clean = clean_text(doc)
    assert UNRECOVERABLE in clean.text
    assert "涉密不上网" in clean.text.split("\n")[1]
    assert any(r.kind == "mojibake_unrecoverable" and UNRECOVERABLE in r.after for r in clean.repairs)


def test_utf8_read_as_gbk_is_undone() -> None:
    import difflib

    original = _read(ROOT / "evals/corpus/dev/hongze_2023.txt")
    shown = original.encode("utf-8").decode("gbk", errors="replace")
    assert shown.count("\ufffd") > 100  # one per lost byte
    clean = clean_text(shown)
    reference = clean_text(original).text
    assert difflib.SequenceMatcher(None, reference, clean.text, autojunk=False).ratio() > 0.9
    for phrase in ("政府信息公开工作年度报告", "主动公开政府信息1136条", "信息处理费0元"):
        assert phrase in reference and phrase in clean.text
    assert "mojibake_utf8" in {r.kind for r in clean.repairs}
    assert all(0 <= a <= b <= len(shown) for a, b in zip(clean.starts, clean.ends, strict=True))
    # every repaired character maps onto the shown characters its bytes came from
    i = clean.text.index("主动公开政府信息")
    a, b = clean.starts[i], clean.ends[i + 7]
    assert shown[a:b].encode("gbk", errors="replace").decode("utf-8", errors="replace").find("主动公") in (0, 1)


def test_text_that_merely_contains_the_signature_characters_is_left_alone() -> None:
    text = "本年度主动公开政府信息120条，銆锛銆为生僻字。" * 5
    assert clean_text(text).text == clean_text(text.replace("銆锛銆", "某某某")).text.replace("某某某", "銆锛銆")


def test_a_run_whose_stray_pinyin_rules_out_every_lead_byte_is_no_reading() -> None:
    # "?h" followed by characters: the letter cannot be the trail of any lead byte the
    # reading allows; that hypothesis has no reading (it used to end in a ValueError).
    for text in ("?h海洋與?", "本年度?h海洋與?工作。"):
        clean = clean_text(text)
        assert "海洋与" in clean.text
        assert all(0 <= a <= b <= len(text) for a, b in zip(clean.starts, clean.ends, strict=True))


def test_real_question_marks_are_left_alone() -> None:
    text = "是否收费?否。如何申请?请登录网站查询。问:能否公开?答:可以。"
    clean = clean_text(text)
    assert clean.text == text
    assert not [r for r in clean.repairs if r.kind.startswith("mojibake")]


# --------------------------------------------------------------------------------------
# step 2: HTML remnants
# --------------------------------------------------------------------------------------


def test_html_tags_and_entities() -> None:
    clean = clean_text('<p class="x">第一段</p><br>第二段&nbsp;&nbsp;内容&amp;数据&lt;5&#12288;件</font>')
    assert clean.text == "第一段\n\n第二段  内容&数据<5件"  # (the ideographic space joins like any)
    assert any(r.kind == "html" for r in clean.repairs)
    assert clean_text("比例<5%,见<附件>").text == "比例<5%,见<附件>"  # not markup


# --------------------------------------------------------------------------------------
# step 3: NFKC, dashes, brackets, whitespace
# --------------------------------------------------------------------------------------


def test_nfkc_full_width_digits_letters_brackets() -> None:
    assert clean_text("２０２３年１２月（一）ＰＰＰ项目").text == "2023年12月(一)PPP项目"


def test_dash_between_digits_is_a_hyphen_but_prose_dash_stays() -> None:
    text = "联系电话:0598—8370116,1–7月份;工作——扎实推进"
    assert clean_text(text).text == "联系电话:0598-8370116,1-7月份;工作——扎实推进"


def test_document_number_brackets_and_whitespace() -> None:
    clean = clean_text("榕政办[2017]325号、［2018］6号\r\n\u3000\u3000一、概述\t12\t 3 \r\n")
    assert clean.text == "榕政办〔2017〕325号、〔2018〕6号\n一、概述\t12\t3\n"
    assert "\t" in clean.text  # table layout survives


# --------------------------------------------------------------------------------------
# step 4: pinyin annotations
# --------------------------------------------------------------------------------------


def test_pinyin_annotations_removed_real_parentheses_kept() -> None:
    text = (
        "根據(jù)《中華人民共和國(guó)政府信息公開條例》(以下簡稱《條例》),"
        "推進政府和社會資本合作(PPP)項目(1)(a),網址(http://www.gov.cn)"
    )
    clean = clean_text(text)
    assert clean.text == (
        "根据《中华人民共和国政府信息公开条例》(以下简称《条例》),"
        "推进政府和社会资本合作(PPP)项目(1)(a),网址(http://www.gov.cn)"
    )
    assert sum(r.kind == "pinyin" for r in clean.repairs) == 2


# --------------------------------------------------------------------------------------
# step 5: traditional to simplified
# --------------------------------------------------------------------------------------


def test_traditional_to_simplified_keeps_the_map() -> None:
    source = "政務公開\n行政復議數"
    clean = clean_text(source)
    assert clean.text == "政务公开\n行政复议数"
    _assert_exact_map(source, clean)


# --------------------------------------------------------------------------------------
# step 6: page furniture
# --------------------------------------------------------------------------------------


def test_furniture_lines_go_but_bare_numbers_stay() -> None:
    text = "\n".join(
        [
            "来源:三元区莘口镇 时间:2021-01-14 15:13",
            "[bookmark: _GoBack]一、总体情况",
            "主动公开",
            "12",
            "0",
            "-2-",
            "— 3 —",
            "第 3 页 共 5 页",
            "附件下载:",
            "扫一扫在手机上查看当前页面",
            "扫一扫在手机打开当前页",
            "附件下載:",
        ]
    )
    clean = clean_text(text)
    assert clean.text.split("\n") == ["来源:三元区莘口镇 时间:2021-01-14 15:13", "一、总体情况", "主动公开", "12", "0", ""]
    assert sum(r.kind == "furniture" for r in clean.repairs) == 8  # seven lines and the bookmark


# --------------------------------------------------------------------------------------
# step 7: PDF text
# --------------------------------------------------------------------------------------


def test_single_spaces_in_cjk_text_go_separators_stay() -> None:
    text = "自 2023 年 1 月 1 日起\n地址:大道 90 号 ， 邮 编 ： 223100 ，电话\n总计 21\n社会 法律\n名称  数量\t单位"
    clean = clean_text(text)
    assert clean.text.split("\n") == [
        "自2023年1月1日起",
        "地址:大道90号,邮编:223100,电话",
        "总计 21",  # a label and its number in a table row
        "社会 法律",  # column headers side by side
        "名称  数量\t单位",
    ]


PROSE = (
    "本报告由市人民政府办公室根据中华人民共和国政府信息公开条例规定编制报告所列统计期限自年初"
    "起至年底止如对本报告有疑问请与市人民政府办公室联系地址电话邮箱等方式见网站主动公开情况全年"
    "通过政府网站主动公开各类政府信息五千余条全年新增公开市政府规章一件政策性文件十一件通过文字"
    "图片等形式制作政策解读二十一个紧紧围绕保障民生深化改革科技创新等工作主线组织召开新闻发布会"
)


def _wrapped(width: int = 26) -> list[str]:
    body = [PROSE[k : k + width] for k in range(0, len(PROSE), width)]
    return body


def test_pdf_wrapped_prose_is_joined_tables_are_not() -> None:
    prose = _wrapped()
    lines = ["一、总体情况", *prose[:-1], prose[-1] + "。", "二、主动公开政府信息情况", "信息内容", "本年制发件数",
             "规章", "0", "5", "行政规范性文件", "12", "(一)主动公开情况", *prose[:6], prose[6] + "。",
             "1.网站建设", "表格", "3", "4"]
    source = "\n".join(lines)
    clean = clean_text(source)
    out = clean.text.split("\n")
    assert out[0] == "一、总体情况"
    assert out[1] == PROSE + "。"
    assert out[2:10] == ["二、主动公开政府信息情况", "信息内容", "本年制发件数", "规章", "0", "5", "行政规范性文件", "12"]
    assert out[10] == "(一)主动公开情况"
    assert out[11] == PROSE[: 7 * 26] + "。"
    assert out[12:] == ["1.网站建设", "表格", "3", "4"]
    assert sum(r.kind == "join" for r in clean.repairs) == len(prose) - 1 + 6
    _assert_exact_map(source, clean)


def test_pdf_page_number_between_wrapped_lines() -> None:
    prose = _wrapped()
    source = "\n".join(prose) + "。\n" + "\n".join(prose[:5]) + "\n-1-\n\n\f" + "\n".join(prose[5:]) + "。\n"
    assert clean_text(source).text == PROSE + "。\n" + PROSE + "。\n"


def test_web_text_lines_are_never_joined() -> None:
    # paragraphs of every length: nothing says they were wrapped
    paragraphs = [PROSE[: 20 + 7 * k] for k in range(12)]
    source = "\n".join(paragraphs)
    assert clean_text(source).text == source


# --------------------------------------------------------------------------------------
# the real reports
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_003() -> tuple[str, CleanText]:
    text = SEED_003.read_text(encoding="utf-8")
    return text, normalize(Source(name=SEED_003.name, text=text))


def test_seed_003_is_clean(seed_003: tuple[str, CleanText]) -> None:
    _, clean = seed_003
    text = clean.text
    assert not PINYIN_RUN.search(text)
    assert "根据《中华人民共和国政府信息公开条例》" in text
    assert "确保“涉密不上网" in text
    assert "县政府官网" in text
    assert "吧婷懿簧暇" not in text
    assert "??h" not in text
    # every run the report's own text can explain is repaired; what it cannot is marked
    repairs = [r for r in clean.repairs if r.kind.startswith("mojibake")]
    assert len(repairs) >= 30
    assert all(r.kind == "mojibake" or UNRECOVERABLE in r.after for r in repairs)
    leftovers = re.findall(r"\?[^\x00-\x7f]", text)
    assert not leftovers, leftovers


def test_seed_003_map_is_exact(seed_003: tuple[str, CleanText]) -> None:
    source, clean = seed_003
    _assert_exact_map(source, clean)
    for r in clean.repairs:
        assert source[r.source_start : r.source_end] == r.before


def test_seed_003_is_fast(seed_003: tuple[str, CleanText]) -> None:
    source, _ = seed_003
    start = time.perf_counter()
    normalize(Source(name="003", text=source))
    assert time.perf_counter() - start < 0.5  # ~0.1 s on a slow machine; generous for CI


@pytest.mark.parametrize("path", [*SEEDS, *DEV], ids=lambda p: p.name)
def test_corpus_normalizes_to_simplified(path: Path) -> None:
    source = _read(path)
    clean = normalize(Source(name=path.name, text=source))
    assert clean.text.strip()
    assert T2S.convert(clean.text) == clean.text
    assert "\r" not in clean.text and "\f" not in clean.text
    _assert_exact_map(source, clean)


def test_pdf_dev_reports_are_joined_but_keep_their_tables() -> None:
    text = normalize(Source(name="hongze", text=_read(ROOT / "evals/corpus/dev/hongze_2023.txt"))).text
    assert "根据《中华人民共和国政府信息公开条例》(国令第711号)" in text
    assert "邮编:223100,电话:0517-87222589" in text
    assert "\n0\n\n0\n\n0\n" in text  # one table cell per line, untouched
    assert "-1-" not in text
