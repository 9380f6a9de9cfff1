"""Text files: tell the encoding of report bytes and decode them; the load stage's text reader.

Chinese reports come as UTF-8, GB18030/GBK, Big5 or UTF-16/32, often without a BOM and
sometimes with a few broken bytes. :func:`decode_text` tries the candidates and keeps the
decoding that reads as Chinese, scored against the frozen lists of common simplified and
traditional characters held here. The HTML reader uses the same helpers when a page's
bytes and its declared charset have to be weighed against each other.

The blank-text test and the hint wording that every reader shares live here too, because
every other module of the stage imports this one anyway. Internal to the load stage:
callers import :func:`decode_text` from :mod:`extractor.load`.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from pathlib import Path

from .document import Source
from .errors import DecodingError, EmptyInputError, UnsupportedInputError

# The opening of every "not text" message, the sniffer's in extractor.load included.
_BINARY_HINT = "binary file, not a text report"
# Said by every size check: extractor.load's and the Word reader's unpacked-size one.
_LIMIT_HINT = "raise the limit with EXTRACTOR_MAX_BYTES or --max-bytes if the file really is one report"


# Frequent characters of Chinese prose and of these reports. A correct decoding is
# dominated by them; mojibake (GB bytes read as Big5 and vice versa) hits them by chance.
_COMMON_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作"
    "里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从"
    "想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头"
    "文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提"
    "立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务"
    "做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基书非则听白却界达光放强即像难"
    "且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争"
    "运笑飞风步改收根干造言联持组每济车亲极林服快办议往元英士证近失转夫令准布始怎存未远叫台单影具罗字爱"
    "击流备兵连调深商算质团集百需价花党华城石级整府离况亚请技际约示复病息究线似官火断精满支视消越器容照"
    "须九增研写称企八功包片史委乎查轻易早曾除农找装广显吧李标谈吃图念六引历首医局突专费号尽另周较注语仅"
    "考落青随选列武红响虽推势参希古众构房半节土投某案黑维革划敌致陈律足态护七兴派孩验责营星够章音跟志底"
    "站严巴例防族供效续施留讲型料终答紧黄绝奇察母京段依批群项故按河米围江织害斗双境客纪采举杀攻父苏密低"
    "朝友诉止细愿千值仍男钱破网热助倒育属坐帝限船脸职速刻乐否刚威毛状率甚独球般普怕弹校苦创假久错承印晚"
    "兰试股拿脑预谁益阳若哪微尼继送急血惊伤素药适波夜省初喜卫源食险待述陆习置居劳财环排福纳欢雷警获模充"
    "负云停木游龙树疑层冷洲冲射略范竟句室异激汉村哈策演简卡罪判担州静退既衣您宗积余痛检差富灵协角占配征"
    "修皮挥胜降阶审沉坚善妈刘读啊超免压银买皇养伊怀执副乱抗犯追帮宣佛岁航优怪香著田铁控税左右份穿艺背阵"
    "草脚概恶块顿敢守酒岛托央户烈洋哥索胡款靠评版宝座释景顾弟登货互付伯慢欧换闻危忙核暗姐介坏讨丽良序升"
    "监临亮露永呼味野架域沙掉括舰鱼杂误湾吉减编楚肯测败屋跑梦散温困剑渐封救贵枪缺楼县尚毫移娘朋画班智亦"
    "耳恩短掌恐遗固席松秘谢鲁遇康虑幸均销钟诗藏赶剧票损忽巨炮旧端探湖录叶春乡附吸予礼港雨板庭妇归睛饭额"
    "含顺输摇招婚脱补谓督毒油疗旅泽材灭逐莫笔亡鲜词圣择寻厂睡博勒烟授诺伦岸奥唐卖俄炸载洛健堂旁宫喝借君"
    "禁阴园谋宋避抓荣姑孙逃牙束跳顶玉镇雪午练迫爷篇肉嘴馆遍凡础洞卷坦牛宁纸诸训私庄祖丝翻暴森塔默握戏隐"
    # words of the disclosure reports themselves
    "申依予受理答复诉讼议政务栏目主动网站号条例规章性文件许罚强制收费处置行办结转补正咨询监督考核评议举报"
    "投诉涉密公开社会稳定商业秘密个人隐私危及国家安全重复申请非本机关掌握不予检索历年累计同比增长第办公厅"
    "县区镇乡街道委员会局厅署科室"
    # punctuation, which every correctly decoded report is full of
    "，。、；：？！“”‘’（）《》【】—…\u3000"
)
_SCORE_SAMPLE = 200_000
_PLAIN_ASCII = re.compile(r"[\t\n\r\x20-\x7e\xa0\u3000]")  # plus the spaces Chinese text indents with
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x19\x1b-\x1f\x7f-\x9f]")
_BLANK = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]*")


# The traditional forms of the characters above (OpenCC s2t, s2tw and s2hk, frozen here
# so scoring needs no converter), plus forms one-to-many conversion leaves out (復, 製, 係).
_COMMON_TRADITIONAL = (
    "並乾亂亞佔來個們倫備傳傷僅價優兒內兩別則剛創劃劇劉劍動務勝勞勢區協卻參員問喫單嚴國圍園圖團執堅報場塊"
    "壓壞夠夢奧婦媽孫學宮實寧審寫寶將專尋對導層屬島師帶幫幾廠廣廳張強彈後從徵惡愛態慮應懷戰戲戶採換揮損搖"
    "擇擊擔據敗敵數斷於時書會東條業極榮構槍樂樓標樣樹機檢欄權歐歡歲歷歸殺氣決沒況減測準溫滅滿漢漸澤濟灣為"
    "無煙熱營爭爲爺爾狀獨獲現環產畫異當療發盡監眾確礎祕禮稅種稱積穩筆節範簡紀約紅納紙級細終組結絕給統絲經"
    "維網緊線編練縣總織繼續罰羅羣義習聖聞聯聲職聽脫腦腳臉臨臺與興舉舊艦莊華萬葉藝藥蘇蘭處號衆術衛衝衞裏補"
    "裝裡複覆覈見規視親覺觀計討訓記訟設許訴評詞詢試詩話該認語誤說説誰調談請論諮諸諾謀謂講謝證識議護讀變讓"
    "負財貨責貴買費資賣質趕車軍較載輕輸轉辦農這連進運過達遠適選遺還邊鄉醫釋銀銷錄錢錯鍾鎮鐵長門開間關陣陰"
    "陳陸陽隊階際隨險隱雖雙雜離難雲電靈靜響頂項順須預頓領頭題額願類顧顯風飛飯養餘館馬驗驚體鬥魚魯鮮麗麼黃"
    "點黨龍復製係彙佈"
)
_COMMON = frozenset(_COMMON_SIMPLIFIED + _COMMON_TRADITIONAL)


def _common_count(text: str) -> int:
    # map() over a frozenset's __contains__ runs in C: ~2 ms per 200k characters.
    return sum(map(_COMMON.__contains__, text[:_SCORE_SAMPLE]))


def _is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


def _codec_name(encoding: str) -> str:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()


def decode_text(data: bytes, *, source: str | None = None) -> tuple[str, str]:
    """Decode report bytes; return ``(text, encoding)`` with the text exactly as decoded.

    Order: a BOM (UTF-8/16/32); if there are NUL bytes, UTF-32/UTF-16 without BOM in the
    byte order that reads as ASCII plus common Chinese, else the bytes are binary; strict
    UTF-8; then a contest of strict GB18030, Big5 (cp950 if Big5 fails) and NUL-free
    UTF-16, won by the decoding with the most common Chinese characters (ties: more
    characters from the charset's first level, then charset-normalizer's ranking); a UTF-8,
    GB18030 or Big5 file with a handful of broken bytes (a cut last character, a stray
    byte) joins the contest decoded with U+FFFD in their place. A winner that does not
    read as Chinese (under 30% common characters) gives way to charset-normalizer's best
    guess. ``data.decode(encoding)`` gives the text back (the BOM codecs are reported as
    ``utf-8-sig``, ``utf-16``, ``utf-32``), except in the lenient cases, which report the
    plain codec name and keep their U+FFFD characters.

    Raises UnsupportedInputError for binary content, DecodingError when nothing fits.
    """
    decoded = _decode_bom(data) or _decode_wide_without_bom(data)
    if decoded is None:
        if b"\x00" in data:
            raise UnsupportedInputError(
                f"{_BINARY_HINT} (it contains NUL bytes); pass the report as text, HTML, .docx or PDF",
                source=source,
            )
        decoded = _decode_narrow(data, source)
    text, encoding = decoded
    controls = len(_CONTROL.findall(text[:_SCORE_SAMPLE]))
    if controls > max(3, 0.02 * min(len(text), _SCORE_SAMPLE)):
        raise UnsupportedInputError(
            f"{_BINARY_HINT} (too many control characters); pass the report as text, HTML, .docx or PDF",
            source=source,
        )
    return text, encoding


def _decode_bom(data: bytes) -> tuple[str, str] | None:
    # UTF-32 first: its LE BOM starts with the UTF-16 LE BOM.
    boms = (
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
    )
    for bom, codec, reported in boms:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), reported
            except UnicodeDecodeError:
                continue  # e.g. UTF-16 LE text whose first character is U+0000 looked like UTF-32
    return None


def _decode_wide_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16/32 without BOM, tried only when there are NUL bytes (which ASCII characters leave)."""
    nuls = data.count(b"\x00")
    if nuls == 0 or len(data) < 4:
        return None
    if len(data) % 4 == 0:
        quads = len(data) // 4
        # UTF-32 LE: bytes 2 and 3 of every code unit are NUL for any BMP character.
        for codec, high in (("utf-32-le", (2, 3)), ("utf-32-be", (0, 1))):
            if all(data[i::4].count(0) >= 0.9 * quads for i in high):
                decoded = _try_decode(data, codec)
                if decoded is not None:
                    return decoded, codec
    if len(data) % 2:
        return None
    # Try both byte orders: in the wrong one ASCII turns into CJK-range noise, so the
    # right one is the one that reads as ASCII plus common Chinese. (Counting NULs per
    # parity is not enough: U+3000 and 开 U+5F00 put NULs at the "wrong" parity.)
    best: tuple[float, str, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        decoded = _try_decode(data, codec)
        if decoded is not None:
            share = _plausible_share(decoded)
            if best is None or share > best[0]:
                best = (share, decoded, codec)
    if best is not None and best[0] >= 0.5:
        return best[1], best[2]
    return None


def _plausible_share(text: str) -> float:
    sample = text[:_SCORE_SAMPLE]
    if not sample:
        return 0.0
    return (len(_PLAIN_ASCII.findall(sample)) + _common_count(sample)) / len(sample)


def _level_one_count(text: str, encoding: str) -> int:
    """Characters in GB2312 level 1 (for GB18030) or Big5 level 1 (for Big5), the everyday sets."""
    if encoding == "gb18030":
        charset, low, high = "gb2312", 0xB0A1, 0xD7FE
    elif encoding in ("big5", "cp950"):
        charset, low, high = "big5", 0xA440, 0xC67E
    else:
        return 0
    count = 0
    for ch, times in Counter(text[:_SCORE_SAMPLE]).items():
        if ord(ch) < 0x80:
            continue
        try:
            code = int.from_bytes(ch.encode(charset), "big")
        except UnicodeEncodeError:
            continue
        if low <= code <= high:
            count += times
    return count


_NON_ASCII_SPACE = re.compile(r"[^\S\x00-\x7f]")  # re's \s is exactly str.isspace


def _reads_as_chinese(text: str) -> bool:
    sample = text[:_SCORE_SAMPLE]
    # non-ASCII characters other than whitespace, counted in C
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore")) - len(_NON_ASCII_SPACE.findall(sample))
    common = _common_count(text)
    return common > 0 and common >= 0.3 * non_ascii


def _try_decode(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _decode_narrow(data: bytes, source: str | None) -> tuple[str, str]:
    utf8 = _try_decode(data, "utf-8")
    if utf8 is not None:
        return utf8, "utf-8"
    candidates: list[tuple[str, str]] = []
    for group in (("gb18030",), ("big5", "cp950")):
        for encoding in group:
            text = _try_decode(data, encoding)
            if text is not None:
                candidates.append((text, encoding))
                break
    if len(data) % 2 == 0:
        # Pure-CJK UTF-16 has no ASCII, hence no NULs for the wide heuristic to see.
        for encoding in ("utf-16-le", "utf-16-be"):
            text = _try_decode(data, encoding)
            if text is not None:
                candidates.append((text, encoding))
    # A file cut mid-character or with one stray byte is still that encoding; without
    # these, such files fall through to charset-normalizer and its odd guesses.
    strict = {encoding for _, encoding in candidates}
    for encoding in ("utf-8", "gb18030", "big5"):
        if encoding not in strict and not (encoding == "big5" and "cp950" in strict):
            lenient = data.decode(encoding, errors="replace")
            if lenient.count("\ufffd") <= max(4, 0.001 * len(lenient)):
                candidates.append((lenient, encoding))

    # Ranked by common characters, then by characters from the first (most frequent)
    # level of the charset that produced them: Big5 bytes read as GB18030 land in the
    # rare GBK extension area, GB bytes read as Big5 mostly fail outright.
    # The level count (a Counter over the text) is only worked out where the common counts tie.
    commons = [_common_count(text) for text, _ in candidates]
    most = max(commons, default=0)
    leaders = [c for c, common in zip(candidates, commons, strict=True) if common == most]
    levels = [_level_one_count(text, enc) for text, enc in leaders] if len(leaders) > 1 else [0] * len(leaders)
    top = max(levels, default=0)
    ties = [c for c, level in zip(leaders, levels, strict=True) if level == top]
    if most > 0:
        best_text, best_encoding = _tiebreak(data, ties) if len(ties) > 1 else ties[0]
        # Too few common characters: the "Chinese" is probably mojibake of another script.
        if _reads_as_chinese(best_text):
            return best_text, best_encoding
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        return guess
    if candidates:
        return ties[0]
    raise DecodingError(
        "cannot tell the text encoding (not UTF-8, GB18030 or Big5); re-save the file as UTF-8",
        source=source,
    )


def _tiebreak(data: bytes, tied: list[tuple[str, str]]) -> tuple[str, str]:
    try:
        from charset_normalizer import from_bytes

        ranked = from_bytes(data, cp_isolation=[e for _, e in tied])
        for match in ranked:
            for text, encoding in tied:
                if _codec_name(match.encoding) == _codec_name(encoding):
                    return text, encoding
    except Exception:
        pass  # a failed tiebreak keeps our own first choice
    return tied[0]


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:
        return None
    if best is None:
        return None
    encoding = _codec_name(best.encoding)
    text = _try_decode(data, encoding)
    return (text, encoding) if text is not None else (str(best), encoding)


def _text_source(text: str, encoding: str, name: str, path: Path | None, source: str) -> Source:
    if _is_blank(text):
        raise EmptyInputError("file has only whitespace, no text; check that the export worked",
                              source=source)
    return Source(name=name, text=text, kind="text", encoding=encoding, path=path)


def _load_text_file(data: bytes, name: str, path: Path | None, source: str) -> Source:
    text, encoding = decode_text(data, source=source)
    return _text_source(text, encoding, name, path, source)

