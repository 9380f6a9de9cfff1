"""Narrative rules for ``meta.*``: what the report is and who issued it.

Title and year, reporting period, publication date (signature or posting date), issuing
agency with the level and province read from it, contacts (phone, email, address,
postcode) and the website the report is published on. ``rule_meta`` runs them all, since
the agency is chosen from the title and the signature found on the way.
"""

from __future__ import annotations

import regex

from .sentences_common import Collector

__all__ = ["rule_meta"]

# Every dash a phone number may be printed with, and the CJK ideographs names are made of.
_DASHES = "-‐‑‒–—―－﹣−"
_CJK = r"\u4e00-\u9fff"

_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _cn_small(s: str) -> int | None:
    """一 … 三十一 as used for months and days."""
    if s.isdigit():
        return int(s)
    if not s:
        return None
    if "十" in s:
        tens, _, units = s.partition("十")
        t = _CN_DIGITS.get(tens, 0) if tens else 1
        u = _CN_DIGITS.get(units, 0) if units else 0
        if (tens and tens not in _CN_DIGITS) or (units and units not in _CN_DIGITS):
            return None
        return t * 10 + u
    if len(s) == 1 and s in _CN_DIGITS:
        return _CN_DIGITS[s]
    return None


def _iso(y: int, m: int, d: int) -> str | None:
    if not (1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


# A printed date. ``年`` may be missing when the month follows the year directly
# (``202012月31日``, a typo that still means 2020-12-31).
_DATE = r"(?P<y{n}>(?:19|20)\d{{2}})\s*年?\s*(?P<m{n}>\d{{1,2}})\s*月\s*(?P<d{n}>\d{{1,2}})\s*日"
_DATE_END = r"(?:(?P<y2>(?:19|20)\d{2})\s*年?\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
_PERIOD = regex.compile(
    r"(?:期限|时限|时间|日期|期间|区间|周期|统计数据|数据|统计)[^。\d]{0,10}?(?:自|从|为|是)?\s*"
    + _DATE.format(n=1)
    + r"\s*(?:起)?\s*(?:至|到|[-~～—–])\s*"
    + _DATE_END
    + r"\s*(?:止)?"
)
# Used with ``match(text, line_start, line_end)``, which anchors at the line start by itself
# (a ``^`` would only match at the very start of the text).
_LINE_DATE = regex.compile(
    r"\s*(?:(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?P<cy>[〇零○ＯO一二三四五六七八九]{4})\s*年\s*(?P<cm>[一二三四五六七八九十]{1,2})\s*月\s*(?P<cd>[一二三四五六七八九十]{1,3})\s*日)\s*$"
)
_POSTING_DATE = regex.compile(
    r"(?:发布时间|发布日期|成文日期|印发日期|时间|日期)\s*[:：]\s*(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"
)
_SIGNATURE_NAME = regex.compile(
    rf"\s*(?P<name>[{_CJK}()（）]{{2,40}}?(?:人民政府|政府|办公室|办公厅|局|委员会|委|办事处|管委会|管理委员会|中心|厅))\s*$"
)

_PHONE = regex.compile(
    r"(?:联系电话|咨询电话|服务电话|办公电话|电话号码|电话|联系方式|Tel|TEL|tel)(?:\s*[(（][^)）\d]{1,6}[)）])?\s*[:：]?\s*"
    rf"(?P<phone>(?:\d{{3,4}}\s*[{_DASHES}]\s*)?\d{{7,8}}(?!\d)|1[3-9]\d{{9}}(?!\d)|0\d{{9,11}}(?!\d))"
)
_EMAIL_LABELLED = regex.compile(
    r"(?:电子邮箱|电子信箱|电子邮件|邮箱|E-?mail|e-?mail|EMAIL)\s*[:：]?\s*"
    r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
_EMAIL_BARE = regex.compile(r"(?<![A-Za-z0-9._%+-])(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_ADDRESS = regex.compile(
    r"(?:通讯地址|联系地址|办公地址|地址)\s*[:：]\s*"
    r"(?P<addr>(?:(?!\n\s*\n)[^,，;；)）。:：])+?)"
    r"(?=\s*(?:[,，;；)）。]|邮编|邮政编码|联系电话|电话|传真|电子邮箱|邮箱|$))"
)
_POSTCODE = regex.compile(r"(?:邮编|邮政编码)\s*[:：]?\s*(?P<pc>\d{6})(?!\d)")
_URL = regex.compile(
    r"(?<![@\w.])(?P<url>(?:https?://)?(?:[A-Za-z0-9-]+\.)+(?:gov\.cn|com\.cn|org\.cn|net\.cn|cn|com|net|org)"
    r"(?![A-Za-z0-9-])(?:/[A-Za-z0-9._~%/?=&#-]*)?)"
)
_PUBLISH_VERB = regex.compile(r"发布|公布|公开|查阅|刊登|登载|下载|获取|刊载")
_REPORT_WORD = regex.compile(r"报告|电子版|全文")

_PROVINCES = (
    "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
    "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾",
)
_PROVINCE_NAME = (
    "(?:" + "|".join(p + "省" for p in _PROVINCES)
    + "|内蒙古自治区|广西壮族自治区|西藏自治区|宁夏回族自治区|新疆维吾尔自治区"
    + "|北京市|天津市|上海市|重庆市)"
)
# The province is read from a named provincial rule on disclosure (《福建省政府信息公开办法》)
# or from the agency's own name, never from incidental mentions.
_PROVINCE_REGULATION = regex.compile(
    r"《(?P<prov>" + _PROVINCE_NAME + r")[^》]{0,16}(?:政府信息公开|政务公开)[^》]{0,24}》"
)
_PROVINCE_IN_NAME = regex.compile(_PROVINCE_NAME)

_TITLE_SUFFIX = regex.compile(r"(?:政府)?信息公开(?:工作)?(?:的)?年度报告.*$")
_TITLE_YEAR = regex.compile(r"(?P<y>(?:19|20)\d{2})\s*年(?:度)?")

# ``本报告由XX(根据《条例》…)编制``: the compiler is named right before the verb or before the
# legal basis that leads to it. ``由审改办负责`` (someone in charge of a task) is not this.
_COMPILE_VERB = r"(?:编\s*制|编\s*写|撰\s*写|起\s*草|汇\s*总)"
_COMPILED_BY = regex.compile(
    rf"由(?P<name>[{_CJK}()（）]{{2,40}}?)"
    rf"(?=(?:根据|依据|按照|参照)[^。]{{0,90}}?{_COMPILE_VERB}|(?:负责|牵头|组织)?{_COMPILE_VERB})"
)
_GOV_OFFICE_SUFFIX = regex.compile(r"(?:党政综合办公室|党政办公室|党政办|综合办公室|政府办公室|政府办|办公室|办)$")
_PLACE_END = regex.compile(r"(?:镇|乡|街道|街道办事处|苏木|县|区|市|旗|州|盟)$")
_DEPARTMENT_END = regex.compile(
    r"(?:局|委员会|委|办公室|办公厅|办|厅|中心|署|院|所|站|队|会|处|公司|管委会|管理委员会|馆|部)$"
)


_WHITESPACE = regex.compile(r"\s+")
_TITLE_BAD_CHARS = regex.compile(r"[。《》,，;；>»/|]")
_TITLE_PREV_BAD_CHARS = regex.compile(r"[。,，:：;；《》()（）\d]")
_TITLE_BARE_START = regex.compile(r"(?:19|20)\d{2}|年度报告|政府信息公开|信息公开")
_GOV_SUFFIX = regex.compile(r"(?:人民政府|政府)$")
_TOWNSHIP_END = regex.compile(r"(?:街道办事处|街道|镇|乡|苏木)$")
_PROVINCE_END = regex.compile(r"(?:省|自治区)$|^(?:北京|天津|上海|重庆)市$")
_COUNTY_END = regex.compile(r"(?:县|旗|特区|林区)$|(?<!地)区$")
_CITY_END = regex.compile(r"(?:自治州|州|盟|地区)$")
_FIRST_YEAR = regex.compile(r"(?P<y>20\d{2})\s*年")
_DASH_RUN = regex.compile(rf"\s*[{_DASHES}]\s*")
_HAS_CJK = regex.compile(rf"[{_CJK}]")


def _text_lines(text: str) -> list[tuple[int, int]]:
    """The spans of the lines that hold more than whitespace."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line and not line.isspace():
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _nows(s: str) -> str:
    return _WHITESPACE.sub("", s)


def _find_title(text: str, spans: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    for idx, (ls, le) in enumerate(spans[:15]):
        line = _nows(text[ls:le])
        if "年度报告" not in line or len(line) > 60 or _TITLE_BAD_CHARS.search(line):
            continue
        start, end = _strip_span(text, ls, le)
        if idx > 0:
            ps, pe = spans[idx - 1]
            prev = _nows(text[ps:pe])
            # A PDF title often breaks after the agency (``某某区人民政府`` / ``2023年政府…``) or
            # before ``年度报告``; the previous short, unpunctuated line is the first half.
            starts_bare = _TITLE_BARE_START.match(line)
            if (
                prev
                and len(prev) <= 30
                and not _TITLE_PREV_BAD_CHARS.search(prev)
                and "年度报告" not in prev
                and (starts_bare or "信息公开" not in line)
            ):
                start = _strip_span(text, ps, pe)[0]
                line = prev + line
        # ``政府信息公开年度报告`` alone is a column name, not a report's title.
        if "信息公开" not in line or not _TITLE_SUFFIX.sub("", line):
            continue
        return line, start, end
    return None


def _agency_from_title(title: str) -> str | None:
    # Suffix first, then the year: ``某某镇政府2017年信息公开…`` keeps its printed 政府.
    name = _TITLE_SUFFIX.sub("", title)
    name = _TITLE_YEAR.sub("", name)
    if name.endswith("人民"):  # ``XX市人民政府信息公开…``: the 政府 went with the suffix
        name += "政府"
    name = name.removeprefix("关于")
    return name if len(name) >= 2 else None


def _reduce_compiler(name: str) -> str:
    """``某市某区人民政府办公室`` → ``某市某区人民政府``; ``某市某镇党政办公室`` → ``某市某镇``.

    The office that compiles a government's report is not the issuing agency.
    """
    if "人民政府" in name:
        return name[: name.rfind("人民政府") + len("人民政府")]
    stripped = _GOV_OFFICE_SUFFIX.sub("", name)
    if stripped != name and len(stripped) >= 2 and (_PLACE_END.search(stripped) or _DEPARTMENT_END.search(stripped)):
        return stripped
    return name


def _place_base(name: str) -> str:
    return _GOV_SUFFIX.sub("", name)


def _level_of(name: str) -> str | None:
    """Administrative level read from the agency's name (the vocabulary's shape inference)."""
    gov = _GOV_SUFFIX.search(name)
    place = _place_base(name) if gov else name
    if not gov and _DEPARTMENT_END.search(name) and not name.endswith("街道办事处"):
        return "department"  # a 局/委/办… that is not itself a government
    if _TOWNSHIP_END.search(place):
        return "township"
    if _PROVINCE_END.search(place):
        return "province"
    if _COUNTY_END.search(place):
        return "county"
    if _CITY_END.search(place):
        return "city"
    if place.endswith("市"):
        # A 市 named inside another 市/州/盟 (``某某市某县级市``) is county-level; a bare 市 is
        # taken as prefecture-level, since county-level cities cannot be told apart by name.
        return "county" if any(ch in place[:-1] for ch in "市州盟") else "city"
    return None


def rule_meta(c: Collector) -> None:
    text = c.text
    lines = _text_lines(text)
    title = _find_title(text, lines)
    title_year: int | None = None
    if title is not None:
        value, ts, te = title
        c.add("meta.title", value, "title_line", ts, te)
        ym = _TITLE_YEAR.search(text, ts, te)
        if ym:
            title_year = int(ym.group("y"))
            c.add("meta.year", title_year, "title_year", *ym.span("y"))

    period_year = _rule_period(c)
    if title_year is None:
        if period_year is not None:
            c.add("meta.year", period_year[0], "period_year", period_year[1], period_year[2])
        else:
            first_para_end = text.find("\n\n", 0, 2000)
            ym = _FIRST_YEAR.search(text, 0, first_para_end if first_para_end > 0 else 600)
            if ym:
                c.add("meta.year", int(ym.group("y")), "first_paragraph_year", *ym.span("y"))

    signature = _rule_published(c, lines)
    _rule_agency(c, title, signature)
    _rule_contact(c)
    _rule_website(c)
    for m in _PROVINCE_REGULATION.finditer(text):
        c.add("meta.province", m.group("prov"), "province_regulation", *m.span("prov"))


def _rule_period(c: Collector) -> tuple[int, int, int] | None:
    first: tuple[int, int, int] | None = None
    for m in _PERIOD.finditer(c.text):
        y1, m1, d1 = int(m.group("y1")), int(m.group("m1")), int(m.group("d1"))
        y2 = int(m.group("y2")) if m.group("y2") else y1
        start_iso = _iso(y1, m1, d1)
        end_iso = _iso(y2, int(m.group("m2")), int(m.group("d2")))
        if start_iso is None or end_iso is None or end_iso < start_iso:
            continue
        c.add("meta.period_start", start_iso, "period", m.start("y1"), m.end("d1") + 1)
        es = m.start("y2") if m.group("y2") else m.start("m2")
        c.add("meta.period_end", end_iso, "period", es, m.end("d2") + 1)
        if first is None:
            first = (y1, m.start("y1"), m.end("y1"))
    return first


def _rule_published(c: Collector, spans: list[tuple[int, int]]) -> tuple[str, int, int] | None:
    """Signature date (preferred) or web posting date. Returns the signature name, if any."""
    text = c.text
    half = len(text) // 2
    for idx in range(len(spans) - 1, 0, -1):
        ls, le = spans[idx]
        if ls < half:
            break
        dm = _LINE_DATE.match(text, ls, le)
        if dm is None:
            continue
        if dm.group("y"):
            iso = _iso(int(dm.group("y")), int(dm.group("m")), int(dm.group("d")))
        else:
            year = int("".join(str(_CN_DIGITS[ch]) for ch in dm.group("cy")))
            mo, dd = _cn_small(dm.group("cm")), _cn_small(dm.group("cd"))
            iso = _iso(year, mo, dd) if mo is not None and dd is not None else None
        if iso is None:
            continue
        # The date must sit under a signature line; a bare date elsewhere is not the report's.
        for back in range(1, 3):
            if idx - back < 0:
                break
            ps, pe = spans[idx - back]
            nm = _SIGNATURE_NAME.match(text, ps, pe)
            if nm is not None:
                ds, de = _strip_span(text, ls, le)
                c.add("meta.published", iso, "signature_date", ds, de)
                return nm.group("name"), nm.start("name"), nm.end("name")
    for m in _POSTING_DATE.finditer(text, 0, min(len(text), 600)):
        iso = _iso(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if iso is not None:
            c.add("meta.published", iso, "posting_date", m.start("y"), m.end("d"))
            break
    return None


def _rule_agency(c: Collector, title: tuple[str, int, int] | None, signature: tuple[str, int, int] | None) -> None:
    text = c.text
    options: list[tuple[str, int, int, str]] = []  # (name, start, end, rule)
    core: str | None = None
    if title is not None:
        tvalue, ts, te = title
        core = _agency_from_title(tvalue)
        if core is not None:
            # Locate the name inside the printed title for the span.
            pos = _nows_find(text, ts, te, core)
            if pos is not None:
                options.append((core, pos[0], pos[1], "agency_title"))
    if signature is not None:
        sname, ss, se = signature
        if core is not None and not _GOV_OFFICE_SUFFIX.search(core):
            # ``攸县人民政府`` titles the report, ``攸县人民政府办公室`` signs it for the government.
            reduced = _reduce_compiler(sname)
            if reduced != sname and text.startswith(reduced, ss):
                sname, se = reduced, ss + len(reduced)
        options.append((sname, ss, se, "agency_signature"))
    for m in _COMPILED_BY.finditer(text, 0, min(len(text), 3000)):
        name = _reduce_compiler(m.group("name"))
        options.append((name, m.start("name"), m.start("name") + len(name), "agency_compiled_by"))
        break
    if not options:
        return
    chosen: tuple[str, int, int, str]
    if core is not None:
        base = _place_base(core)
        related = [o for o in options if base and base in o[0]]
        # The fullest official form that still names the title's agency.
        chosen = max(related, key=lambda o: (len(o[0]), o[3] != "agency_title")) if related else options[0]
    else:
        # No title: the signature names the issuer; failing that, the compiler does.
        chosen = options[0]
    name, s, e, rule = chosen
    c.add("meta.agency", name, rule, s, e)
    level = _level_of(name)
    if level is not None:
        c.add("meta.level", level, "level_from_agency", s, e)
    pm = _PROVINCE_IN_NAME.match(name)
    if pm is not None:
        c.add("meta.province", pm.group(0), "province_in_agency", s, s + len(pm.group(0)))


def _nows_find(text: str, start: int, end: int, needle: str) -> tuple[int, int] | None:
    """Find ``needle`` in text[start:end] ignoring whitespace; return its span there."""
    chars = [(i, ch) for i in range(start, end) if not (ch := text[i]).isspace()]
    joined = "".join(ch for _, ch in chars)
    k = joined.find(needle)
    if k < 0:
        return None
    return chars[k][0], chars[k + len(needle) - 1][0] + 1


def _rule_contact(c: Collector) -> None:
    text = c.text
    for m in _PHONE.finditer(text):
        raw = m.group("phone")
        value = _DASH_RUN.sub("-", raw)
        c.add("meta.contact.phone", value, "contact_phone", *m.span("phone"))
    emails = list(_EMAIL_LABELLED.finditer(text)) or list(_EMAIL_BARE.finditer(text))
    for m in emails:
        c.add("meta.contact.email", m.group("email"), "contact_email", *m.span("email"))
    for m in _ADDRESS.finditer(text):
        s, e = _strip_span(text, *m.span("addr"))
        while e > s and text[e - 1] in "(（":
            e -= 1  # ``地址：XX路1号（邮编…`` leaves the bracket behind
        value = _nows(text[s:e])
        if len(value) < 4 or len(value) > 60 or not _HAS_CJK.search(value):
            continue
        c.add("meta.contact.address", value, "contact_address", s, e)
    for m in _POSTCODE.finditer(text):
        c.add("meta.contact.postcode", m.group("pc"), "contact_postcode", *m.span("pc"))


def _rule_website(c: Collector) -> None:
    text = c.text
    for m in _URL.finditer(text):
        s, e = m.span("url")
        if text[max(0, s - 1) : s] == "@":
            continue
        ss, se = c.sentence(s)
        sent = text[ss:se]
        if _PUBLISH_VERB.search(sent) and _REPORT_WORD.search(sent):
            c.add("meta.website", m.group("url"), "report_website", s, e)

