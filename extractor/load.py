"""Read one report from disk (plain text, HTML, Word .docx or PDF) into a :class:`Source`.

Nothing here cleans the text: for text files ``Source.text`` is the decoded file exactly
(``\\r\\n`` kept), so source offsets index what is on disk. HTML, Word and PDF have no
such "text on disk"; their ``Source.text`` is what the loader read out of them, in
reading order, with every table written as one line per row and cells separated by
tabs (merged cells repeated in every row/column they span), fenced by blank lines.

Every failure is an :class:`~extractor.errors.InputError` subclass whose message names
the file, says what is wrong and what to do; library exceptions never escape raw (they
are chained as ``__cause__`` for debugging).

Public API: :func:`load`, :func:`load_bytes`, :func:`load_text`, :func:`decode_text`,
:func:`expand_inputs`, :data:`SUPPORTED_SUFFIXES`.
"""

from __future__ import annotations

import codecs
import glob
import io
import os
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import DEFAULT_MAX_BYTES
from .document import Source
from .errors import (
    ConfigError,
    DecodingError,
    EmptyInputError,
    ExtractorError,
    InputError,
    InputTooLargeError,
    MissingInputError,
    NeedsOCRError,
    UnsupportedInputError,
)

if TYPE_CHECKING:
    from bs4 import Tag

__all__ = [
    "SUPPORTED_SUFFIXES",
    "decode_text",
    "expand_inputs",
    "load",
    "load_bytes",
    "load_text",
]

TEXT_SUFFIXES: frozenset[str] = frozenset({".txt", ".text", ".md", ".csv", ".tsv"})
HTML_SUFFIXES: frozenset[str] = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".txt", ".text", ".md", ".csv", ".tsv", ".html", ".htm", ".xhtml", ".docx", ".pdf",
)
_SUPPORTED_LIST = " ".join(SUPPORTED_SUFFIXES)
_LIMIT_HINT = "raise the limit with EXTRACTOR_MAX_BYTES or --max-bytes if the file really is one report"


# --------------------------------------------------------------------------- entry points


def load(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read the report at ``path``; the suffix picks the reader, strong magic bytes win over it.

    A ``.txt`` that is really a PDF or a .docx is read as one (mislabelled downloads are
    common); files with an unknown suffix are sniffed (PDF, .docx, HTML, else text).
    """
    if max_bytes <= 0:
        raise ConfigError(f"max_bytes must be a positive number of bytes, not {max_bytes}")
    p = Path(os.fspath(path))
    source = str(p)
    try:
        info = p.stat()
    except FileNotFoundError as exc:
        raise MissingInputError("file not found; check the path and the current directory",
                                source=source) from exc
    except PermissionError as exc:
        raise InputError("permission denied; check the file's permissions", source=source) from exc
    except OSError as exc:
        raise InputError(f"cannot access the file ({exc.strerror or exc}); check the path",
                         source=source) from exc
    if stat.S_ISDIR(info.st_mode):
        raise UnsupportedInputError(
            "is a directory, not a report file; pass the files in it, or use expand_inputs() "
            "(the command line expands directories and globs for you)",
            source=source,
        )
    if not stat.S_ISREG(info.st_mode):
        raise UnsupportedInputError("is not a regular file (device, socket or pipe); pass a report file",
                                    source=source)
    # Checked before reading so an oversized file costs nothing.
    if info.st_size > max_bytes:
        raise InputTooLargeError(
            f"file is {info.st_size:,} bytes, above the limit of {max_bytes:,} bytes; {_LIMIT_HINT}",
            source=source,
        )
    data = _read_bytes(p, max_bytes, source)
    return load_bytes(data, p.name, path=p, max_bytes=max_bytes, source=source)


def load_bytes(
    data: bytes,
    name: str,
    *,
    path: Path | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    source: str | None = None,
) -> Source:
    """Read a report held in memory; ``name``'s suffix picks the reader like :func:`load` does."""
    source = source or name
    if len(data) > max_bytes:
        raise InputTooLargeError(f"input is {len(data):,} bytes, above the limit of {max_bytes:,} bytes; "
                                 f"{_LIMIT_HINT}", source=source)
    if not data:
        raise EmptyInputError("file is empty (0 bytes); check that the download or export finished",
                              source=source)
    suffix = Path(name).suffix.lower()
    magic = _magic(data, strict_pdf=suffix != ".pdf")
    if magic == "pdf":
        return _load_pdf(data, name, path, source)
    if magic == "docx":
        return _load_docx(data, name, path, source, max_bytes)
    if magic is not None:
        raise UnsupportedInputError(_MAGIC_MESSAGES[magic], source=source)
    if suffix == ".docx":
        raise UnsupportedInputError(
            "not a valid .docx (it is not a zip archive); the file is corrupt or mislabelled: "
            "open it in Word/WPS and save it again as .docx",
            source=source,
        )
    if suffix == ".pdf":
        raise UnsupportedInputError(
            "not a valid PDF (no %PDF header); the file is corrupt, truncated or mislabelled: "
            "download it again",
            source=source,
        )
    if suffix in TEXT_SUFFIXES:
        return _load_text_file(data, name, path, source)
    if suffix in HTML_SUFFIXES:
        return _load_html(data, name, path, source)
    return _load_unknown(data, name, path, source, suffix)


def load_text(text: str, name: str = "<text>") -> Source:
    """Wrap text that is already in memory (pasted, fetched, from a test) as a Source."""
    if not isinstance(text, str):
        raise ConfigError(
            f"load_text() takes str, not {type(text).__name__}; decode it first, or use load_bytes()",
            source=name,
        )
    if _is_blank(text):
        raise EmptyInputError("the text is empty or only whitespace; pass the report's text", source=name)
    return Source(name=name, text=text, kind="text", encoding=None, path=None)


def _read_bytes(p: Path, max_bytes: int, source: str) -> bytes:
    try:
        with p.open("rb") as handle:
            # One byte past the limit: a file that grew after stat() is still caught.
            data = handle.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise MissingInputError("file disappeared while being read; check the path", source=source) from exc
    except PermissionError as exc:
        raise InputError("permission denied; check the file's permissions", source=source) from exc
    except IsADirectoryError as exc:
        raise UnsupportedInputError("is a directory, not a report file; use expand_inputs()",
                                    source=source) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror or exc}); check the disk and retry",
                         source=source) from exc
    if len(data) > max_bytes:
        raise InputTooLargeError(f"file is above the limit of {max_bytes:,} bytes; {_LIMIT_HINT}",
                                 source=source)
    return data


# --------------------------------------------------------------------------- input expansion


def expand_inputs(inputs: Sequence[str]) -> tuple[list[Path], list[tuple[str, ExtractorError]]]:
    """Turn command-line style inputs into report files, collecting problems instead of raising.

    Each input is a file (taken as is, whatever its suffix), a directory (searched
    recursively for files with a supported suffix; hidden entries and Office lock files
    ``~$*`` skipped), or a glob pattern (``*``, ``?``, ``[...]``, ``**`` recursive) whose
    matches are filtered like a directory's. Results keep input order, each directory or
    glob sorted, duplicates removed. A missing path or a pattern that matches no report
    comes back in the failure list as a MissingInputError.
    """
    paths: list[Path] = []
    failures: list[tuple[str, ExtractorError]] = []
    seen: set[str] = set()

    def add(candidate: Path) -> None:
        key = _dedupe_key(candidate)
        if key not in seen:
            seen.add(key)
            paths.append(candidate)

    for raw in inputs:
        text = os.path.expanduser(raw) if raw else raw
        if not text:
            failures.append((raw, MissingInputError("empty path; pass a file, directory or glob",
                                                    source=raw)))
            continue
        p = Path(text)
        # A literal name wins over glob syntax: "report[1].txt" may exist as such.
        if p.is_file():
            add(p)
        elif p.is_dir():
            found, errors = _walk_dir(p, raw)
            failures.extend(errors)
            if not found and not errors:
                failures.append((raw, MissingInputError(
                    f"directory has no report files ({_SUPPORTED_LIST}); check the path", source=raw)))
            for f in found:
                add(f)
        elif glob.has_magic(text):
            matched, anything = _expand_glob(text, raw, failures)
            if not matched:
                why = (
                    "matched files, but none with a supported suffix "
                    f"({_SUPPORTED_LIST}); name such a file explicitly to load it anyway"
                    if anything
                    else "pattern matched nothing; check the pattern and the current directory"
                )
                failures.append((raw, MissingInputError(why, source=raw)))
            for f in matched:
                add(f)
        elif p.exists():
            add(p)  # a pipe or device: load() explains why it cannot read it
        else:
            failures.append((raw, MissingInputError(
                "no such file or directory; check the path and the current directory", source=raw)))
    return paths, failures


def _dedupe_key(p: Path) -> str:
    try:
        return str(p.resolve())
    except OSError:
        return str(p.absolute())


def _is_candidate(name: str) -> bool:
    return (
        not name.startswith(".")
        and not name.startswith("~$")
        and Path(name).suffix.lower() in SUPPORTED_SUFFIXES
    )


def _walk_dir(root: Path, raw: str) -> tuple[list[Path], list[tuple[str, ExtractorError]]]:
    found: list[Path] = []
    errors: list[tuple[str, ExtractorError]] = []

    def on_error(exc: OSError) -> None:
        where = exc.filename or raw
        errors.append((str(where), InputError(
            f"cannot list the directory ({exc.strerror or exc}); check its permissions", source=str(where))))

    # os.walk (not rglob) so unreadable sub-directories become failures instead of silent gaps.
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fname in sorted(filenames):
            full = Path(dirpath) / fname
            if _is_candidate(fname) and full.is_file():
                found.append(full)
    found.sort(key=lambda f: f.relative_to(root).parts)
    return found, errors


def _expand_glob(
    pattern: str, raw: str, failures: list[tuple[str, ExtractorError]]
) -> tuple[list[Path], bool]:
    """Files matched by ``pattern`` that look like reports, and whether it matched anything at all."""
    matched: list[Path] = []
    anything = False
    for hit in sorted(glob.glob(pattern, recursive=True)):
        anything = True
        hp = Path(hit)
        if hp.is_dir():
            found, errors = _walk_dir(hp, raw)
            matched.extend(found)
            failures.extend(errors)
        elif hp.is_file() and _is_candidate(hp.name):
            matched.append(hp)
    return matched, anything


# --------------------------------------------------------------------------- sniffing

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
)
_BINARY_HINT = "binary file, not a text report"
_MAGIC_MESSAGES: dict[str, str] = {
    "ole": (f"{_BINARY_HINT} (an old-style Office file such as .doc/.xls/.wps, or a password-protected "
            ".docx); convert it to .docx or PDF first (e.g. libreoffice --headless --convert-to docx)"),
    "zip": (f"{_BINARY_HINT} (a zip archive that is not a Word document); unpack it and pass the report "
            "files inside"),
    "xlsx": f"{_BINARY_HINT} (an Excel workbook); export the report as .docx, PDF or text",
    "pptx": f"{_BINARY_HINT} (a PowerPoint file); export the report as PDF or text",
    "rtf": "an RTF document, which is not supported; save it as .docx or plain text",
    "png": f"{_BINARY_HINT} (a PNG image); OCR the image to text first (e.g. tesseract)",
    "jpeg": f"{_BINARY_HINT} (a JPEG image); OCR the image to text first (e.g. tesseract)",
    "gif": f"{_BINARY_HINT} (a GIF image); OCR the image to text first",
    "tiff": f"{_BINARY_HINT} (a TIFF image); OCR the image to text first (e.g. tesseract)",
    "bmp": f"{_BINARY_HINT} (a BMP image); OCR the image to text first",
}


def _magic(data: bytes, *, strict_pdf: bool) -> str | None:
    """Name the container format the bytes announce, or None for "could be text/HTML"."""
    # PDF allows junk before the header; outside .pdf files only trust it at the very start.
    if data.startswith(b"%PDF-") or (not strict_pdf and data.find(b"%PDF-", 0, 1024) >= 0):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return "zip"
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "ppt/presentation.xml" in names:
            return "pptx"
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    for signature, kind in _IMAGE_MAGIC:
        # "BM" is too short to trust on its own: text could start with it.
        if data.startswith(signature) and (kind != "bmp" or b"\x00" in data[:32]):
            return kind
    return None


_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|table|meta\s)", re.IGNORECASE)


def _load_unknown(data: bytes, name: str, path: Path | None, source: str, suffix: str) -> Source:
    try:
        text, encoding = decode_text(data, source=source)
    except (UnsupportedInputError, DecodingError) as exc:
        label = suffix or "(no suffix)"
        raise UnsupportedInputError(
            f"unsupported file type {label} and the content is not text; "
            f"supported types: {_SUPPORTED_LIST}", source=source,
        ) from exc
    if _HTML_START.search(text[:2048]):
        return _load_html(data, name, path, source)
    return _text_source(text, encoding, name, path, source)


# --------------------------------------------------------------------------- text decoding

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


def _reads_as_chinese(text: str) -> bool:
    non_ascii = sum(1 for ch in text[:_SCORE_SAMPLE] if ord(ch) > 127 and not ch.isspace())
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
    scored = sorted(
        (
            (_common_count(text), _level_one_count(text, encoding), text, encoding)
            for text, encoding in candidates
        ),
        key=lambda item: (item[0], item[1]),
        reverse=True,
    )
    if scored and scored[0][0] > 0:
        top = scored[0][:2]
        ties = [(text, encoding) for common, level, text, encoding in scored if (common, level) == top]
        best_text, best_encoding = _tiebreak(data, ties) if len(ties) > 1 else ties[0]
        # Too few common characters: the "Chinese" is probably mojibake of another script.
        if _reads_as_chinese(best_text):
            return best_text, best_encoding
    guess = _charset_normalizer_guess(data)
    if guess is not None:
        return guess
    if scored:
        return scored[0][2], scored[0][3]
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


# --------------------------------------------------------------------------- HTML

_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""",
    re.IGNORECASE,
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_DROP_TAGS = frozenset(
    "script style noscript template head title meta link iframe frame object embed svg math canvas "
    "select textarea button map area".split()
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup html legend li main menu nav ol p pre "
    "section summary ul tr tbody thead tfoot".split()
)
_MAX_COLSPAN = 1000
_LAYOUT_CELL_CHARS = 500


def _html_encoding(data: bytes, source: str) -> tuple[str, str]:
    bom = _decode_bom(data)
    if bom is not None:
        return bom
    # Valid non-ASCII UTF-8 is almost never an accident, and pages saved by a browser
    # are UTF-8 while keeping their old "gb2312" meta: bytes beat the label. (NULs are
    # valid UTF-8 too, but mean UTF-16 or binary: decode_text sorts those out.)
    utf8 = _try_decode(data, "utf-8") if b"\x00" not in data else None
    if utf8 is not None:
        return utf8, "utf-8"
    match = _DECLARED_CHARSET.search(data[:8192])
    if match:
        label = (match.group(1) or match.group(2)).decode("ascii", "replace").lower()
        encoding = _declared_codec(label)
        if encoding is not None:
            text = _try_decode(data, encoding)
            if text is not None:
                return text, encoding
    return decode_text(data, source=source)


def _declared_codec(label: str) -> str | None:
    """The codec to try for a declared charset; None when the label cannot be trusted."""
    if label in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn", "csgb2312"}:
        return "gb18030"  # pages labelled gb2312 routinely use GBK/GB18030 characters
    if label in {"big5", "x-x-big5", "cn-big5", "csbig5"}:
        return "big5"
    codec = _codec_name(label)
    # Western single-byte labels decode anything "successfully", so they prove nothing
    # about a Chinese report; utf-16/32 in a meta tag is a known authoring error.
    if codec in {"big5", "cp950", "big5hkscs", "gb18030", "gbk", "gb2312", "utf-8"}:
        return codec
    return None


def _load_html(data: bytes, name: str, path: Path | None, source: str) -> Source:
    text, encoding = _html_encoding(data, source)
    try:
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(text, "lxml")
        out = _Lines()
        _html_walk(soup, out, pre=False)
    except RecursionError as exc:
        raise UnsupportedInputError("HTML is nested too deeply to read; save the page as text or PDF",
                                    source=source) from exc
    except ExtractorError:
        raise
    except Exception as exc:
        raise UnsupportedInputError(
            f"cannot parse the HTML ({type(exc).__name__}); save the page as text or PDF", source=source
        ) from exc
    visible = out.text()
    if _is_blank(visible):
        raise EmptyInputError(
            "HTML has no visible text (only markup or scripts); save the rendered page instead", source=source
        )
    return Source(name=name, text=visible, kind="html", encoding=encoding, path=path)


class _Lines:
    """Collects text; block boundaries ask for *at least* n newlines so they never pile up."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._tail = 0  # newlines at the end, ignoring spaces
        self._started = False

    def write(self, s: str) -> None:
        if not s:
            return
        self._parts.append(s)
        body = s.rstrip(" \n")
        if body:
            self._started = True
            self._tail = s[len(body):].count("\n")
        else:
            self._tail += s.count("\n")

    def newline(self, count: int = 1) -> None:
        if self._started and self._tail < count:
            self.write("\n" * (count - self._tail))

    def text(self) -> str:
        lines = [line.strip(" ") for line in "".join(self._parts).split("\n")]
        joined = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
        return joined + "\n" if joined else ""


def _is_hidden(tag: Tag) -> bool:
    style = tag.get("style")
    return tag.has_attr("hidden") or (isinstance(style, str) and _HIDDEN_STYLE.search(style) is not None)


def _html_walk(node: Tag, out: _Lines, *, pre: bool) -> None:
    from bs4 import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

    for child in node.children:
        if isinstance(child, Tag):
            name = child.name.lower() if child.name else ""
            if name in _DROP_TAGS or _is_hidden(child):
                continue
            if name == "br":
                out.write("\n")
            elif name == "hr":
                out.newline()
            elif name == "table":
                _html_table(child, out)
            elif name in ("td", "th"):
                # A cell outside any table: keep its text apart from its neighbours.
                out.write(" ")
                _html_walk(child, out, pre=pre)
                out.write(" ")
            elif name in _BLOCK_TAGS:
                out.newline()
                _html_walk(child, out, pre=pre or name == "pre")
                out.newline()
            else:
                _html_walk(child, out, pre=pre)
        elif isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction)):
            continue
        elif isinstance(child, NavigableString):
            s = str(child)
            out.write(s if pre else _HTML_SPACE.sub(" ", s))


def _span(cell: Tag, attr: str) -> int:
    raw = cell.get(attr)
    match = re.match(r"\s*(\d+)", raw) if isinstance(raw, str) else None
    return int(match.group(1)) if match else 1


def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _cell_text_html(cell: Tag) -> str:
    sub = _Lines()
    _html_walk(cell, sub, pre=False)
    return " ".join(sub.text().split())


def _html_table(table: Tag, out: _Lines) -> None:
    rows = _own_rows(table)
    cells = [tr.find_all(["td", "th"], recursive=False) for tr in rows]
    texts = [[_cell_text_html(c) for c in row] for row in cells]
    # Old government sites lay whole pages out in tables; flattening those into one
    # tab line would glue every paragraph together, so they are read as blocks instead.
    layout = any(
        c.find("table") is not None or len(t) > _LAYOUT_CELL_CHARS
        for row, row_texts in zip(cells, texts, strict=True)
        for c, t in zip(row, row_texts, strict=True)
    )
    if layout:
        for row in cells:
            for c in row:
                out.newline()
                _html_walk(c, out, pre=False)
                out.newline()
        return
    caption = table.find("caption", recursive=False)
    if caption is not None:
        out.newline()
        _html_walk(caption, out, pre=False)
        out.newline()
    spans = [
        [(t, _span(c, "rowspan"), min(max(_span(c, "colspan"), 1), _MAX_COLSPAN))
         for c, t in zip(row, row_texts, strict=True)]
        for row, row_texts in zip(cells, texts, strict=True)
    ]
    _write_table(out, _expand_grid(spans))


def _expand_grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Lay (text, rowspan, colspan) cells on a grid, repeating spanned text in every slot."""
    height = len(rows)
    grid: list[dict[int, str]] = [{} for _ in range(height)]
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while c in grid[r]:
                c += 1
            # rowspan="0" means "to the end of the table"; spans past the end are cut off.
            down = height - r if rowspan <= 0 else min(rowspan, height - r)
            for dr in range(down):
                for dc in range(colspan):
                    grid[r + dr].setdefault(c + dc, text)
            c += colspan
    return [[slots.get(c, "") for c in range(max(slots) + 1)] if slots else [] for slots in grid]


def _write_table(out: _Lines, rows: Iterable[Sequence[str]]) -> None:
    # Rows with no text at all carry nothing a reader could use.
    lines = ["\t".join(row) for row in rows if any(cell for cell in row)]
    if not lines:
        return
    out.newline(2)
    out.write("\n".join(lines))
    out.newline(2)


# --------------------------------------------------------------------------- Word .docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_SDT, _W_SDT_CONTENT = f"{_W}p", f"{_W}tbl", f"{_W}sdt", f"{_W}sdtContent"
_W_CUSTOM_XML = f"{_W}customXml"
_W_T, _W_TAB, _W_PTAB, _W_BR, _W_CR = f"{_W}t", f"{_W}tab", f"{_W}ptab", f"{_W}br", f"{_W}cr"
_W_NB_HYPHEN, _W_TXBX, _W_DEL = f"{_W}noBreakHyphen", f"{_W}txbxContent", f"{_W}del"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DOCX_XML_FACTOR = 10  # uncompressed document.xml may be this many times max_bytes


def _load_docx(data: bytes, name: str, path: Path | None, source: str, max_bytes: int) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml_size = archive.getinfo("word/document.xml").file_size
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnsupportedInputError(
            "not a valid .docx (broken zip or no word/document.xml); open it in Word/WPS and save it again",
            source=source,
        ) from exc
    if xml_size > _DOCX_XML_FACTOR * max_bytes:
        raise InputTooLargeError(
            f"the document text unpacks to {xml_size:,} bytes, more than {_DOCX_XML_FACTOR}x the limit "
            f"of {max_bytes:,} bytes; {_LIMIT_HINT}",
            source=source,
        )
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        text = _docx_text(document.element.body)
    except ExtractorError:
        raise
    except Exception as exc:
        raise UnsupportedInputError(
            f"cannot read the Word document ({type(exc).__name__}: {exc}); open it in Word/WPS and save it "
            "again as .docx, or export it to PDF",
            source=source,
        ) from exc
    if _is_blank(text):
        raise EmptyInputError("the Word document has no text; check it is the report and not a scan "
                              "(a scanned report needs OCR first)", source=source)
    return Source(name=name, text=text, kind="docx", encoding=None, path=path)


def _docx_blocks(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in document order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_W_P, _W_TBL):
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _docx_blocks(content)
        elif child.tag == _W_CUSTOM_XML:
            yield from _docx_blocks(child)


def _docx_runs(element: Any, out: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if tag == _W_T:
            out.append(child.text or "")
        elif tag in (_W_TAB, _W_PTAB):
            out.append("\t")
        elif tag in (_W_BR, _W_CR):
            out.append("\n")
        elif tag == _W_NB_HYPHEN:
            out.append("-")
        elif tag in (_W_DEL, _W_TXBX, _MC_FALLBACK, _W_P):
            # Deleted revisions are not the text; text boxes (and their fallback copy)
            # would land mid-sentence, so they are left out.
            continue
        elif isinstance(tag, str):
            # w:ins, w:hyperlink, w:smartTag, w:fldSimple... hold runs one level down;
            # python-docx's Paragraph.text only sees direct runs and hyperlinks.
            _docx_runs(child, out)


def _docx_paragraph_text(p: Any) -> str:
    out: list[str] = []
    _docx_runs(p, out)
    return "".join(out)


def _docx_text(body: Any) -> str:
    from docx.table import Table

    lines: list[str] = []
    for block in _docx_blocks(body):
        if block.tag == _W_P:
            lines.append(_docx_paragraph_text(block))
            continue
        # Table only needs a parent for style look-ups, which this reader never makes.
        table = Table(block, None)  # type: ignore[arg-type]
        rows = ["\t".join(r) for r in _docx_table_rows(table) if any(r)]
        if not rows:
            continue
        if lines and lines[-1] != "":
            lines.append("")
        lines.extend(rows)
        lines.append("")
    return "\n".join(lines).strip("\n") + "\n"


def _docx_table_rows(table: Any) -> list[list[str]]:
    # Keyed by the element itself, not id(): lxml proxies are recreated on access, so an
    # id can be reused by another cell once the first proxy is freed. Holding the key keeps
    # the proxy (and its identity) alive.
    memo: dict[Any, str] = {}

    def cell_text(tc: Any) -> str:
        if tc not in memo:
            # Every paragraph under the cell, nested tables included, in order.
            parts = [_docx_paragraph_text(p) for p in tc.iter(_W_P)]
            memo[tc] = " ".join(" ".join(parts).split())
        return memo[tc]

    rows: list[list[str]] = []
    for row in table.rows:
        # python-docx repeats a merged cell for every grid column/row it covers.
        cells = [""] * row.grid_cols_before + [cell_text(c._tc) for c in row.cells]
        rows.append(cells)
    return rows


# --------------------------------------------------------------------------- PDF

_CID_GARBAGE = re.compile(r"\(cid:\d+\)")
_PAGE_END = "\n\f"  # like pdftotext: the form feed closes each page


def _load_pdf(data: bytes, name: str, path: Path | None, source: str) -> Source:
    """Text page by page; tables cut out of the page text and written as tab rows where they stand.

    Each page is split into horizontal bands at the top of every ruled table that
    pdfplumber finds (at least 2 rows and 2 columns): the band's text (characters
    inside a table removed) comes first, then the table's rows, so there is no
    duplicated table text and the reading order is kept. Text beside a table follows
    that table. Every page ends with ``\\n\\f``; ``Source.pages`` holds each page's start.
    """
    try:
        import pdfplumber

        chunks: list[str] = []
        pages: list[int] = []
        offset = 0
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                pages.append(offset)
                chunk = _pdf_page_text(page).rstrip("\n") + _PAGE_END
                chunks.append(chunk)
                offset += len(chunk)
    except ExtractorError:
        raise
    except Exception as exc:
        if _is_encryption_error(exc):
            raise UnsupportedInputError(
                "PDF is encrypted (password-protected); remove the password (e.g. qpdf --decrypt "
                "--password=... in.pdf out.pdf) and pass the decrypted file",
                source=source,
            ) from exc
        raise UnsupportedInputError(
            f"cannot read the PDF ({type(exc).__name__}); it is corrupt or truncated: download it again, "
            "or repair it (e.g. qpdf in.pdf out.pdf)",
            source=source,
        ) from exc
    text = "".join(chunks)
    if not pages:
        raise EmptyInputError("PDF has no pages; download it again", source=source)
    visible = re.sub(r"\s+", "", text)
    if not visible:
        raise NeedsOCRError("PDF has no text layer; run OCR first (e.g. ocrmypdf) and pass the OCR'd file",
                            source=source)
    garbage = sum(len(m) for m in _CID_GARBAGE.findall(visible))
    if garbage > 0.5 * len(visible):
        raise NeedsOCRError(
            "PDF text cannot be decoded (its fonts have no Unicode map, text comes out as (cid:NN)); "
            "run OCR first (e.g. ocrmypdf --force-ocr) and pass the OCR'd file",
            source=source,
        )
    return Source(name=name, text=text, kind="pdf", encoding=None, path=path, pages=tuple(pages))


def _is_encryption_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        label = f"{type(e).__name__} {e}".lower()
        if "password" in label or "encrypt" in label:
            return True
        # pdfplumber wraps pdfminer's exception in args, not __cause__.
        stack.extend(a for a in e.args if isinstance(a, BaseException))
        stack.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    return False


def _center_y(obj: dict[str, Any]) -> float:
    return (float(obj["top"]) + float(obj["bottom"])) / 2


def _pdf_page_text(page: Any) -> str:
    tables = []
    for found in page.find_tables():
        rows = _pdf_table_rows(found)
        lines = ["\t".join(r) for r in rows if any(r)]
        # A ruled box around a paragraph is found as a 1-column "table": leave it as text.
        if len(lines) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append((found.bbox, lines))
    if not tables:
        return page.extract_text() or ""
    tables.sort(key=lambda t: (t[0][1], t[0][0]))
    boxes = [bbox for bbox, _ in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (float(obj["x0"]) + float(obj["x1"])) / 2
        cy = _center_y(obj)
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside_tables)
    pieces: list[tuple[str, str]] = []
    low = float("-inf")
    for (_, lines), high in zip(tables, [b[1] for b in boxes], strict=True):
        pieces.append(("text", _band_text(rest, low, high)))
        pieces.append(("table", "\n".join(lines)))
        low = high
    pieces.append(("text", _band_text(rest, low, float("inf"))))

    result = ""
    previous = ""
    for kind, body in pieces:
        if not body.strip():
            continue
        if result:
            result += "\n\n" if "table" in (kind, previous) else "\n"
        result += body
        previous = kind
    return result


def _band_text(page: Any, low: float, high: float) -> str:
    def inside(obj: dict[str, Any]) -> bool:
        return obj.get("object_type") != "char" or low <= _center_y(obj) < high

    return page.filter(inside).extract_text() or ""


def _pdf_table_rows(table: Any) -> list[list[str]]:
    """Table cells with merged cells repeated, like the HTML and Word readers do.

    pdfplumber puts the text of a merged cell in its top-left slot and None in the
    others; the cell covering a None slot's centre supplies its text.
    """
    extracted: list[list[str | None]] = table.extract()
    rows = table.rows
    columns = table.columns
    by_box: dict[tuple[float, ...], str] = {}
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None and r < len(extracted) and c < len(extracted[r]):
                by_box[tuple(bbox)] = _collapse(extracted[r][c])

    def covering(cx: float, cy: float) -> str:
        for bbox, text in by_box.items():
            x0, top, x1, bottom = bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                return text
        return ""

    result: list[list[str]] = []
    for r, row in enumerate(extracted):
        cells: list[str] = []
        for c, value in enumerate(row):
            if value is not None:
                cells.append(_collapse(value))
            elif r < len(rows) and c < len(columns):
                rb, cb = rows[r].bbox, columns[c].bbox
                cells.append(covering((cb[0] + cb[2]) / 2, (rb[1] + rb[3]) / 2))
            else:
                cells.append("")
        result.append(cells)
    return result


def _collapse(value: str | None) -> str:
    return " ".join(value.split()) if value else ""
