"""Narrative (prose) figures found by regular rules over the clean text.

``sentence_candidates`` reads the CLEAN text (simplified, NFKC, CJK/digit spaces removed)
and returns one ``Candidate`` per statement it recognises. It does not resolve duplicates:
when the prose states a fact twice with different values both candidates are returned, so
the caller can raise a ``conflict`` finding. The same (path, span) is never returned twice.

Every rule is written for the genre, not for a particular report: the phrasings come from
the national templates (2008 legacy, 国办公开办函〔2019〕60号, 〔2021〕30号) and the way
agencies paraphrase them. Precision is valued as much as recall, so the rules are strict
about units, approximations (``5500余条``), sub-totals after ``其中`` and channel-specific
counts; a figure the rules cannot tie to one field is left alone.

Spans are clean offsets of the VALUE (the digits, or the string). A stated zero has no
digits; its span is the negation phrase that states it (``未收到政府信息公开申请``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable

from .document import Candidate

__all__ = ["sentence_candidates"]

# ---------------------------------------------------------------------------------------
# Shared pieces of pattern
# ---------------------------------------------------------------------------------------

# A printed number. Thousands separators only count when followed by exactly three digits,
# so ``共25,其中`` reads as 25. The look-arounds stop a match inside a longer number.
_NUM = r"(?<![\d.])(?P<num>(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?)(?![\d])"

# Filler words that may sit between a label and its figure (共25条, 为0, 达12场).
_FILL = r"\s*[:：]?\s*(?:共计|合计|总计|共有|共|计|为|达|有)?\s*"

# A figure printed without its unit is only trusted when punctuation closes it right away;
# otherwise ``2017年`` or a table cell on the next line could be read as a count.
_NO_UNIT_END = r"(?=\s*(?:[,，;；。、)）]|$))"

_DASHES = "-‐‑‒–—―－﹣−"
_CJK = r"\u4e00-\u9fff"

# Approximate figures are not stated values (``5500余条``, ``近千``, ``约200条``).
_APPROX_BEFORE = re.compile(r"(?:近|约|逾|超过|超|大约|将近|多达|接近|不少于|不低于)\s*(?:共|计)?\s*$")
_APPROX_AFTER = re.compile(
    r"^\s*(?:余|多|来|左右|以上)|^\s*(?:条|件|篇|个|次|人次|名|份|元|万元|场|期|项)\s*(?:左右|以上|之多)"
)

# Where a sentence ends. Single newlines are NOT boundaries: in PDF-derived text they may be
# line wraps the normalizer left in place; a blank line or a numbered heading still is. A
# blank line between a figure and its unit (``科教文体卫生类信息9\n\n条``) is a broken page,
# not a paragraph: no paragraph starts with a unit.
_SENT_BOUNDARY = re.compile(
    r"[。！？!?]"
    r"|(?<!\d)\n\s*\n|\d\n\s*\n(?!\s*[条件篇个次名份元万项期场人,，、;；%])"
    r"|\n(?=\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]{1,2}[)）]|\d{1,2}[.、．]))"
)

# ``历年累计`` / ``已累计`` / ``截至…累计`` mark a running total over the years. ``全年累计``,
# ``2017年累计`` and ``年度内累计`` are this year's figure, hence the look-behind.
_CUMULATIVE = re.compile(r"历年(?:来)?累计|累计至今|(?<![年度内月日期周])累计")

_QUALIFIED_SUBTOTAL = re.compile(r"其中")


def _parse_number(s: str) -> int | float:
    s = s.replace(",", "")
    return float(s) if "." in s else int(s)


_FLOAT_PATHS = frozenset({"fees.amount_yuan", "budget.special_wan"})


def _is_float_path(path: str) -> bool:
    return path.removeprefix("cumulative.") in _FLOAT_PATHS


class _Collector:
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
        return bool(_CUMULATIVE.search(self.prefix(pos)))

    def after_qizhong(self, pos: int) -> bool:
        return bool(_QUALIFIED_SUBTOTAL.search(self.prefix(pos)))


# ---------------------------------------------------------------------------------------
# Generic "label … number unit" rules
# ---------------------------------------------------------------------------------------


class _Rule:
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
        scale: Callable[[re.Match[str]], float] | None = None,
        reject: Callable[[_Collector, re.Match[str]], bool] | None = None,
    ) -> None:
        self.path = path
        self.name = name
        self.pattern = re.compile(pattern)
        self.subtotal_guard = subtotal_guard
        self.cumulative = cumulative
        self.scale = scale
        self.reject = reject

    def run(self, c: _Collector) -> None:
        for m in self.pattern.finditer(c.text):
            s, e = m.span("num")
            if c.in_table_line(s) or c.approximate(s, e):
                continue
            if self.subtotal_guard and c.after_qizhong(m.start()):
                continue
            if self.reject is not None and self.reject(c, m):
                continue
            value: int | float = _parse_number(m.group("num"))
            if self.scale is not None:
                value = value * self.scale(m)
                if isinstance(value, float) and value.is_integer() and not _is_float_path(self.path):
                    value = int(value)
            path = self.path
            if self.cumulative and c.cumulative(s):
                path = "cumulative." + path
            c.add(path, value, self.name, s, e)
            if self.cumulative and not path.startswith("cumulative."):
                _trailing_cumulative(c, self.path, m.end(), m.groupdict().get("unit"))


def _units(*units: str, optional: bool = False) -> str:
    alt = "|".join(units)
    if optional:
        return rf"(?:\s*(?P<unit>{alt})|{_NO_UNIT_END})"
    return rf"\s*(?P<unit>{alt})"


# After ``主动公开政府信息137条`` the same sentence often adds ``历年累计574条``: that bare
# figure is the cumulative value of the same field.
_TRAILING_CUM = re.compile(
    r"[^。]*?[,，;；)）]\s*历年(?:来)?累计(?:金额)?\s*(?:共计|共|为|达)?\s*[:：]?\s*"
    + _NUM
    + r"(?:\s*(?P<unit>条|件|篇|份|元|万元|次|人次|个)|"
    + _NO_UNIT_END
    + ")"
)


_DIGIT = re.compile(r"\d")
_PARENTHESISED = re.compile(r"[(（][^)）]*[)）]")


def _trailing_cumulative(c: _Collector, path: str, pos: int, origin_unit: str | None) -> None:
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
    value: int | float = _parse_number(m.group("num"))
    unit = m.group("unit") or origin_unit
    if path == "fees.amount_yuan" and unit == "万元":
        value = value * 10000
    elif path == "budget.special_wan" and unit == "元":
        value = value / 10000
    c.add("cumulative." + path, value, "trailing_cumulative", s, e)


def _unit_scale_yuan(m: re.Match[str]) -> float:
    return 10000.0 if m.group("unit") == "万元" else 1.0


def _unit_scale_wan(m: re.Match[str]) -> float:
    return 1 / 10000 if m.group("unit") == "元" else 1.0


# ---------------------------------------------------------------------------------------
# Proactive disclosure
# ---------------------------------------------------------------------------------------

# ``主动公开(各类)(政府)信息(数)…N条``. The object must end in 信息/文件 so that headings such
# as ``主动公开政府信息情况`` or ``主动公开目录`` never reach a number.
_PROACTIVE = re.compile(
    r"主动公开(?:了)?(?P<obj>[^,，。;；:：()（）\d\s“”\"]{0,10}?(?:信息|文件))(?:数量|总数|总量|数)?"
    + _FILL
    + _NUM
    + _units("条", "件", "项", "篇", optional=True)
)

# What a ``通过…`` in front of the figure names. One named channel makes the figure that
# channel's count; several channels (``通过网站、微博等``) still describe the total.
_VIA = re.compile(r"通过(?P<via>[^,，。;；]{0,25}?)(?:等)?(?:渠道|方式|形式|平台|载体)?\s*$")
_CHANNELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("website", re.compile(r"网站|门户网|政务网|网页")),
    ("weibo", re.compile(r"微博")),
    ("wechat", re.compile(r"微信|公众号")),
    ("gazette", re.compile(r"公报")),
)
_OTHER_MEDIA = re.compile(
    r"公开栏|长廊|宣传栏|电子屏|显示屏|广播|电视|报刊|报纸|客户端|APP|app|触摸屏|触模屏|短信|查阅"
)
# ``刊出…主动公开信息46条``: the figure counts what one medium carried, not the year's total.
_CARRIER_VERB = re.compile(r"刊出|刊登|刊发|张贴|报送|送交|移交|接收|转载|推送|播出|发布于")


# ``其中通过门户网站公开9876条``: a channel's count, with or without 主动.
_CHANNEL_VIA = re.compile(
    r"通过(?P<via>[^,，。;；:：\d]{1,20}?)(?:主动)?公开(?:了)?(?:各类)?(?:政府)?(?:信息|文件)?(?:数)?"
    + _FILL
    + _NUM
    + r"\s*(?P<unit>条|件|篇)"
)


def _channel_of(via: str) -> str | None:
    """The one channel a ``通过…`` phrase names; ``"many"`` for several, ``"other"`` for other media."""
    named = [name for name, rx in _CHANNELS if rx.search(via)]
    if len(named) == 1:
        return named[0]
    if named:
        return "many"
    return "other" if _OTHER_MEDIA.search(via) else None


def _rule_proactive(c: _Collector) -> None:
    text = c.text
    for m in _PROACTIVE.finditer(text):
        s, e = m.span("num")
        if c.in_table_line(s) or c.approximate(s, e):
            continue
        if m.group("unit") is None and "\n" in text[m.start() : s]:
            continue
        if "申请" in m.group("obj"):
            continue
        pre = c.prefix(m.start())
        if _CARRIER_VERB.search(c.clause_prefix(m.start())):
            continue
        via_m = _VIA.search(pre)
        channel = _channel_of(via_m.group("via")) if via_m is not None else None
        if channel == "other":
            continue  # a medium the vocabulary has no single path for
        if channel in (None, "many"):
            # Parts listed after 其中 (by subject: 乡镇…, 部门…) are not the total.
            if "其中" in pre:
                continue
            base, rule = "proactive.total", "proactive_total"
        else:
            base, rule = f"proactive.channel.{channel}", "proactive_channel"
        cumulative = bool(_CUMULATIVE.search(pre))
        c.add(("cumulative." + base) if cumulative else base, _parse_number(m.group("num")), rule, s, e)
        if not cumulative:
            _trailing_cumulative(c, base, m.end(), m.group("unit"))
    for m in _CHANNEL_VIA.finditer(text):
        channel = _channel_of(m.group("via"))
        if channel in (None, "many", "other") or "申请" in m.group("via"):
            continue
        _emit_simple(c, m, f"proactive.channel.{channel}", "proactive_channel")


_CATEGORY_LABELS: tuple[tuple[str, str], ...] = (
    ("institutional", r"机构职能"),
    ("policy", r"政策[、,，]?\s*规范性文件|政策法规"),
    ("planning", r"规划计划"),
    ("licensing", r"行政许可"),
    ("major_projects", r"重大建设项目|重大项目建设|重大项目"),
    ("livelihood", r"为民办实事"),
    ("welfare", r"民政[、]?扶贫[、]?救灾[、,，]?\s*社会保障[、]?就业|民政扶贫救灾|社会保障就业"),
    ("land_env", r"国土资源[、]?城乡建设[、]?环保能源|国土资源、?城乡建设"),
    ("sci_edu_health", r"科教文体卫生|科教文卫"),
    ("safety", r"安全生产[、,，]?\s*应急管理"),
)
# A category needs 类 or 信息 after its label: ``行政许可6项`` (a list of powers) and
# ``重大项目进展情况表11篇`` are not category counts.
_CATEGORY = re.compile(
    r"(?P<label>"
    + "|".join(f"(?P<{name}>{rx})" for name, rx in _CATEGORY_LABELS)
    + r")(?:类信息|类|信息)(?:类)?"
    + _FILL
    + _NUM
    + r"\s*(?P<unit>条|件|篇)"
)
_CATEGORY_OTHER = re.compile(r"其他类(?!型)(?:信息)?" + _FILL + _NUM + r"\s*(?P<unit>条|件|篇)")


def _rule_categories(c: _Collector) -> None:
    for m in _CATEGORY.finditer(c.text):
        name = next(n for n, _ in _CATEGORY_LABELS if m.group(n))
        _emit_simple(c, m, f"proactive.category.{name}", "proactive_category")
    for m in _CATEGORY_OTHER.finditer(c.text):
        _emit_simple(c, m, "proactive.category.other", "proactive_category")


def _emit_simple(c: _Collector, m: re.Match[str], path: str, rule: str, *, cumulative: bool = True) -> None:
    s, e = m.span("num")
    if c.in_table_line(s) or c.approximate(s, e):
        return
    if cumulative and c.cumulative(s):
        path = "cumulative." + path
    c.add(path, _parse_number(m.group("num")), rule, s, e)


# ---------------------------------------------------------------------------------------
# Applications (legacy narrative)
# ---------------------------------------------------------------------------------------

# What may stand between ``收到/受理`` and ``申请``: the disclosure words, or a few neutral ones.
# ``受理行政许可申请``, ``收到行政复议申请`` and ``受理来信来访申请`` are other kinds of request.
_APP_GAP_OK = re.compile(r"(?:各类|有关|相关|关于|的|了|依|本机关|本单位|群众|公民|法人|和其他组织|、)*")


_OTHER_REQUEST = re.compile(r"复议|诉讼|举报|投诉|信访|申诉")


def _reject_gap(c: _Collector, m: re.Match[str]) -> bool:
    gap = m.groupdict().get("gap") or ""
    if "公开" in gap and not _OTHER_REQUEST.search(gap):
        return False
    return _APP_GAP_OK.fullmatch(gap) is None


_APP_UNITS = _units("件", "条", "个", "宗", "份")
_APP_UNITS_OPT = _units("件", "条", "个", "宗", "份", optional=True)

_APPLICATION_RULES: tuple[_Rule, ...] = (
    _Rule(
        "applications.received",
        "applications_received",
        r"(?:收到|受理|接到|接收|接受)(?:了)?(?P<gap>[^,，。;；:：\d]{0,16}?)申请(?:共计|总数|数量|总量|数)?"
        + _FILL
        + _NUM
        + _APP_UNITS,
        subtotal_guard=True,
        reject=_reject_gap,
    ),
    _Rule(
        "applications.received",
        "applications_received",
        r"(?:收到|受理)(?:政府信息公开)?申请(?:的)?(?:数量|总数|数)\s*[:：]\s*" + _NUM + _APP_UNITS_OPT,
        subtotal_guard=True,
    ),
    _Rule(
        "applications.channel.in_person",
        "application_channel",
        r"当面(?:提交|提出|递交)?(?:的)?申请(?:数)?" + _FILL + _NUM + _APP_UNITS,
    ),
    _Rule(
        "applications.channel.online",
        "application_channel",
        r"(?:网络|网上|在线|互联网)(?:方式|形式|渠道|平台)?(?:提交|提出|递交)?(?:的)?申请(?:数)?"
        + _FILL
        + _NUM
        + _APP_UNITS,
    ),
    _Rule(
        "applications.channel.letter",
        "application_channel",
        r"信函(?!\s*[、,，和及与/或]\s*传真)(?:形式|方式)?(?:提交|提出|递交)?(?:的)?申请(?:数)?"
        + _FILL
        + _NUM
        + _APP_UNITS,
    ),
    _Rule(
        "applications.channel.letter_fax",
        "application_channel",
        r"信函\s*[、,，和及与/或]\s*传真(?:形式|方式)?(?:提交|提出|递交)?(?:的)?申请(?:数)?"
        + _FILL
        + _NUM
        + _APP_UNITS,
    ),
    _Rule(
        "applications.channel.fax",
        "application_channel",
        r"(?<![、,，和及与/或])传真(?:形式|方式)?(?:提交|提出|递交)?(?:的)?申请(?:数)?" + _FILL + _NUM + _APP_UNITS,
    ),
    _Rule(
        "applications.channel.other",
        "application_channel",
        r"其他(?:形式|方式|渠道)(?:提交|提出|递交)?(?:的)?申请(?:数)?" + _FILL + _NUM + _APP_UNITS,
    ),
    _Rule(
        "applications.completed",
        "applications_completed",
        r"(?:受理办结|申请办结|办结(?:政府信息公开)?申请)(?:数)?" + _FILL + _NUM + _APP_UNITS,
        subtotal_guard=True,
    ),
    # ``已办结46件`` in text about requests; ``当场办结``/``按时办结`` are other figures.
    _Rule(
        "applications.completed",
        "applications_completed",
        r"(?<![场时期内])(?:已|共|均已)?办结(?:数)?" + _FILL + _NUM + _APP_UNITS,
        subtotal_guard=True,
        reject=lambda c, m: not _about_applications(c, m.start()),
    ),
    _Rule(
        "applications.answered",
        "applications_answered",
        r"(?<![待未])(?:已)?答复(?:申请)?(?:件数|总数|数量|数)?" + _FILL + _NUM + _APP_UNITS_OPT,
        subtotal_guard=True,
        reject=lambda c, m: ("\n" in c.text[m.start() : m.start("num")] and m.group("unit") is None)
        or not _about_applications(c, m.start()),
    ),
)

# Outcome labels as the legacy template words them (and common paraphrases), checked in
# this order: the compound 003-style label ``非政府信息、政府信息不存在或者不属于本部门…``
# is about non-existence, so 不存在 wins over 不属于本.
_OUTCOME_LABELS: tuple[tuple[str, str], ...] = (
    ("not_gov_info", r"不是《?条例》?所指(?:的)?政府信息|非《条例》所指(?:的)?政府信息"),
    ("not_exist", r"(?:申请)?(?:的)?(?:政府)?信息不存在"),
    ("not_this_agency", r"不属于本(?:行政)?(?:机关|单位|部门)(?:公开|职责|掌握)?(?:的)?(?:范围)?"),
    # ``已主动公开政府信息1200条`` is a proactive figure: the outcome needs 属于 or 范围.
    ("already_public", r"属于已(?:经)?主动公开(?:的)?(?:范围)?|已(?:经)?主动公开(?:的)?范围"),
    ("partial", r"(?:同意)?部分(?:予以)?公开"),
    ("denied", r"不予(?:以)?公开|不同意公开"),
    ("granted", r"(?<![不未])(?:同意|予以|准予)公开"),
    ("supplement", r"告知(?:作出)?更改[、]?补充|告知补正"),
    ("other_channel", r"告知通过其他途径办理"),
)
_OUTCOME_TAIL = (
    r"[”\"」]?(?:的)?(?:政府信息)?(?:答复)?(?:类)?(?:数量|件数|总数|数)?[”\"」]?" + _FILL + _NUM + _APP_UNITS_OPT
)
_OUTCOME = re.compile(
    r"[“\"「]?(?:" + "|".join(f"(?P<{n}>{rx})" for n, rx in _OUTCOME_LABELS) + r")" + _OUTCOME_TAIL
)
# A quoted label of any wording followed by its figure: ``“非政府信息、…的信息”3件``.
_QUOTED_OUTCOME = re.compile(r"[“\"「](?P<label>[^”\"」\n]{2,40})[”\"」]" + _FILL + _NUM + _APP_UNITS)
_OUTCOME_CLASSIFY: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (n, re.compile(rx.replace("(?<![不未])", ""))) for n, rx in _OUTCOME_LABELS
)


_QUOTED_ALREADY_PUBLIC = re.compile(r"已(?:经)?主动公开")
_REFUSAL = re.compile(r"不(?:予|同意)")


def _about_applications(c: _Collector, pos: int) -> bool:
    """Outcome and answer counts only in text about requests: ``予以公开112条`` elsewhere is not
    an answer to a request. The sentence or the 150 characters before it must say 申请."""
    s, e = c.sentence(pos)
    return "申请" in c.text[max(0, s - 150) : e]


def _classify_outcome(label: str) -> str | None:
    if _QUOTED_ALREADY_PUBLIC.fullmatch(label):
        return "already_public"  # ``“已主动公开”23件``: the quotes make it a label
    for name, rx in _OUTCOME_CLASSIFY:
        if rx.search(label):
            if name == "granted" and _REFUSAL.search(label):
                continue
            return name
    return None


def _rule_outcomes(c: _Collector) -> None:
    for m in _OUTCOME.finditer(c.text):
        if m.group("unit") is None and "\n" in c.text[m.start() : m.start("num")]:
            continue
        if not _about_applications(c, m.start()):
            continue
        name = next(n for n, _ in _OUTCOME_LABELS if m.group(n))
        _emit_simple(c, m, f"applications.outcome.{name}", "application_outcome")
    for m in _QUOTED_OUTCOME.finditer(c.text):
        quoted = _classify_outcome(m.group("label"))
        if quoted is not None and _about_applications(c, m.start()):
            _emit_simple(c, m, f"applications.outcome.{quoted}", "application_outcome_quoted")


# ``按时办结``/``延期办结`` also describe administrative licensing, so they are only read in a
# sentence about applications.
_COMPLETED_TIMING = re.compile(
    r"(?P<kind>按时|按期|如期|在法定期限内|延期)办结(?:申请)?(?:数)?" + _FILL + _NUM + r"\s*(?P<unit>件|条)"
)


def _rule_completed_timing(c: _Collector) -> None:
    for m in _COMPLETED_TIMING.finditer(c.text):
        if not _about_applications(c, m.start()):
            continue
        path = "applications.completed_extended" if m.group("kind") == "延期" else "applications.completed_on_time"
        _emit_simple(c, m, path, "applications_completed_timing")


# Reasons given for 不予公开 (legacy table rows), read only in text about requests.
_DENIED_REASONS: tuple[tuple[str, str], ...] = (
    ("state_secret", r"涉及国家秘密|属于国家秘密"),
    ("commercial_secret", r"涉及商业秘密|属于商业秘密"),
    ("privacy", r"涉及个人隐私|属于个人隐私"),
    ("security_stability", r"危及国家安全、?公共安全、?经济安全(?:和|、)?社会稳定"),
    ("other_law", r"法律法规规定的其他情形"),
)
_DENIED_REASON = re.compile(
    r"(?:" + "|".join(f"(?P<{n}>{rx})" for n, rx in _DENIED_REASONS) + r")(?:的)?" + _FILL + _NUM + _APP_UNITS
)


def _rule_denied_reasons(c: _Collector) -> None:
    for m in _DENIED_REASON.finditer(c.text):
        if not _about_applications(c, m.start()):
            continue
        name = next(n for n, _ in _DENIED_REASONS if m.group(n))
        _emit_simple(c, m, f"applications.denied_reason.{name}", "denied_reason")


# ---------------------------------------------------------------------------------------
# Stated zeros
# ---------------------------------------------------------------------------------------

# ``未收到政府信息公开申请``, ``无政府信息公开申请``, ``未发生…依申请公开政府信息情况``.
_ZERO_APPLICATIONS = re.compile(
    r"(?<!尚)(?:未|没有)(?:收到|接到|受理|接受)(?:过)?(?:任何)?[^,，。;；\d]{0,8}?信息公开(?:的)?申请"
    r"|无(?:任何)?(?:政府)?信息公开申请"
    r"|(?:未|没有)发生[^,，。;；\d]{0,10}?依申请公开"
    r"|(?:无|没有)依申请公开(?:政府信息)?(?:事项|情况|申请)"
)

# A negation, then (within the same clause, with no figure in between) the names of the
# remedies it denies: ``未发生因政府信息公开申请行政复议、提起行政诉讼的案件``.
_NEGATION = re.compile(
    r"(?<!尚)(?:未发生|没有发生|未出现|没有出现|未存在|不存在|未有|没有|未收到|没有收到|未接到|未接受|未受理|无)"
)
_NOT_A_DENIAL = re.compile(r"正当理由|法定|需|须")
_OUTCOME_DENIAL = re.compile(r"(?:案件)?(?:被纠错|被撤销|败诉)")
# The denial reaches to the end of its clause; a figure also ends it (``无…2件`` is a count).
_CLAUSE_STOP = re.compile(r"[,，。;；!！?？\n\d]")
_REMEDIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("review.total", re.compile(r"(?:行政)?复议")),
    ("litigation.total", re.compile(r"(?:行政)?诉讼")),
    ("complaints.total", re.compile(r"(?:申诉|举报|投诉)(?!类)")),
)


_DISCLOSURE_WORDS = re.compile(r"信息公开|依申请公开|公开申请")


def _about_disclosure(c: _Collector, pos: int) -> bool:
    """Review/litigation/complaint figures count only when tied to disclosure: the sentence, or
    the text just before it (a heading such as ``因政府信息公开申请行政复议…的情况``), says so.
    A 司法局 report's ``办理行政复议案件35件`` is its general caseload."""
    s, e = c.sentence(pos)
    return bool(_DISCLOSURE_WORDS.search(c.text[max(0, s - 150) : e]))


def _rule_zero_remedies(c: _Collector) -> None:
    text = c.text
    for m in _NEGATION.finditer(text):
        if c.in_table_line(m.start()) or not _about_disclosure(c, m.start()):
            continue
        sm = _CLAUSE_STOP.search(text, m.end())
        clause_end = sm.start() if sm else len(text)
        clause_end = min(clause_end, m.end() + 45)
        clause = text[m.end() : clause_end]
        # ``无正当理由…``, ``未经复议直接起诉`` (a table header) and similar are not denials of a
        # case; the remedy must be the thing that did not happen.
        if _NOT_A_DENIAL.match(clause):
            continue
        for path, rx in _REMEDIES:
            km = rx.search(clause)
            if km is None:
                continue
            # ``未发生…复议案件被纠错`` would deny an outcome, not the case itself.
            after = clause[km.end() : km.end() + 6]
            if _OUTCOME_DENIAL.match(after):
                continue
            kend = m.end() + km.end()
            final = ("cumulative." + path) if c.cumulative(m.start()) else path
            c.add(final, 0, "zero_statement", m.start(), kend)


def _rule_zero_applications(c: _Collector) -> None:
    for m in _ZERO_APPLICATIONS.finditer(c.text):
        if c.in_table_line(m.start()):
            continue
        path = "cumulative.applications.received" if c.cumulative(m.start()) else "applications.received"
        c.add(path, 0, "zero_statement", m.start(), m.end())


# ---------------------------------------------------------------------------------------
# Review, litigation, complaints with figures
# ---------------------------------------------------------------------------------------

_CASE_UNITS = r"\s*(?P<unit>件|起|宗|个|例)"
# ``行政复议1件涉及征地拆迁`` describes part of the cases by subject, not the count.
_NOT_A_COUNT_AFTER = re.compile(r"^\s*(?:涉及|中|里|是|为|属于)")

def _reject_remedy_count(c: _Collector, m: re.Match[str]) -> bool:
    return bool(_NOT_A_COUNT_AFTER.match(c.text[m.end() : m.end() + 4])) or not _about_disclosure(c, m.start())


_REMEDY_RULES: tuple[_Rule, ...] = (
    _Rule(
        "review.total",
        "review_total",
        r"(?:行政)?复议(?:申请)?(?:案件|案)?(?:数量|总数|数)?" + _FILL + _NUM + _CASE_UNITS,
        reject=_reject_remedy_count,
    ),
    _Rule(
        "litigation.total",
        "litigation_total",
        r"(?:行政)?诉讼(?:案件|案)?(?:数量|总数|数)?" + _FILL + _NUM + _CASE_UNITS,
        reject=_reject_remedy_count,
    ),
    _Rule(
        "complaints.total",
        "complaints_total",
        r"(?<!信访)(?:举报|投诉|申诉)(?:件|案件|案)?(?:数量|总数|数)?" + _FILL + _NUM + _CASE_UNITS,
        reject=_reject_remedy_count,
    ),
)

_OUTCOME_WORDS = (
    r"维持(?:具体行政行为|原行政行为|原具体行政行为)?|驳回(?:原告)?(?:诉讼请求|起诉)?"
    r"|被依法纠错|被纠错|纠错|纠正|撤销|确认违法|其他结果|其他情形|其他|尚未审结|未审结"
)
_REMEDY_OUTCOME_BEFORE = re.compile(
    r"(?:结果)?(?P<lab>" + _OUTCOME_WORDS + r")(?:的)?" + _FILL + _NUM + _CASE_UNITS
)
_REMEDY_OUTCOME_AFTER = re.compile(_NUM + _CASE_UNITS + r"\s*(?:被)?(?P<lab>" + _OUTCOME_WORDS + r")")
_REMEDY_CONTEXT = re.compile(r"(?P<review>复议)|(?P<litigation>诉讼|起诉)|(?P<complaints>举报|投诉|申诉)")


def _outcome_key(label: str) -> str:
    if label.startswith(("维持", "驳回")):
        return "upheld"
    if label.startswith(("其他",)):
        return "other"
    if "审结" in label:
        return "pending"
    return "corrected"


def _rule_remedy_outcomes(c: _Collector) -> None:
    for rx in (_REMEDY_OUTCOME_BEFORE, _REMEDY_OUTCOME_AFTER):
        for m in rx.finditer(c.text):
            s, e = m.span("num")
            if c.in_table_line(s) or c.approximate(s, e):
                continue
            pre = c.prefix(m.start())
            contexts = list(_REMEDY_CONTEXT.finditer(pre))
            if not contexts or not _about_disclosure(c, m.start()):
                continue
            family = contexts[-1].lastgroup
            key = _outcome_key(m.group("lab"))
            if family is None:
                continue
            if key == "pending" and family != "review":
                continue  # litigation.pending / complaints.pending are not legacy paths
            path = f"{family}.{key}"
            if c.cumulative(m.start()):
                path = "cumulative." + path
            c.add(path, _parse_number(m.group("num")), "remedy_outcome", s, e)


# ---------------------------------------------------------------------------------------
# Fees, budget, staff, gazette, archives, reading points
# ---------------------------------------------------------------------------------------

_FEE_ZERO = re.compile(
    r"(?:未|没有|不|免)收(?!到)(?:取)?(?:过)?(?:任何)?(?:[^,，。;；\d]{0,20}?)(?:费用|费)"
    r"|未收费|(?:无|没有)(?:任何)?收费"
    r"|收费(?:及|和)?(?:减免)?(?:情况)?\s*[:：]\s*无"
)


_FEE_SUBJECT = re.compile(r"信息公开|申请|查询|检索|复制|信息处理费")


def _rule_fees(c: _Collector) -> None:
    text = c.text
    for m in _FEE_ZERO.finditer(text):
        if c.in_table_line(m.start()):
            continue
        s, e = c.sentence(m.start())
        sent = text[s:e]
        # Only fees for disclosure requests; ``不收取行政事业性收费`` is another subject.
        if not _FEE_SUBJECT.search(sent) or "行政事业性" in sent:
            continue
        path = "cumulative.fees.amount_yuan" if c.cumulative(m.start()) else "fees.amount_yuan"
        c.add(path, 0.0, "zero_statement", m.start(), m.end())
        if not path.startswith("cumulative."):
            _trailing_cumulative(c, "fees.amount_yuan", m.end(), "元")


_FEE_RULES: tuple[_Rule, ...] = (
    _Rule(
        "fees.amount_yuan",
        "fees_amount",
        r"信息处理费(?:用)?(?:金额)?" + _FILL + _NUM + r"\s*(?P<unit>万元|元)",
        scale=_unit_scale_yuan,
    ),
    _Rule(
        "fees.amount_yuan",
        "fees_amount",
        r"收取(?:了)?[^,，。;；\d]{0,20}?(?:信息公开|申请|检索|复制|邮寄)[^,，。;；\d]{0,8}?费(?:用)?"
        + _FILL
        + _NUM
        + r"\s*(?P<unit>万元|元)",
        scale=_unit_scale_yuan,
        reject=lambda c, m: "行政事业性" in m.group(0),
    ),
    _Rule(
        "fees.amount_yuan",
        "fees_amount",
        r"(?:信息公开|申请)[^,，。;；\d]{0,8}?(?:收费|费用)(?:及减免|和减免)?(?:金额|总额)"
        + _FILL
        + _NUM
        + r"\s*(?P<unit>万元|元)",
        scale=_unit_scale_yuan,
    ),
)

_BUDGET_ZERO = re.compile(
    r"(?:无|没有|未(?:安排|设立|列支|投入)?)[^,，。;；\d]{0,12}?专项(?:工作)?经费|专项(?:工作)?经费\s*[:：]\s*无"
)


def _rule_budget(c: _Collector) -> None:
    text = c.text
    for m in _BUDGET_ZERO.finditer(text):
        if c.in_table_line(m.start()):
            continue
        # Special funds for disclosure work, not any programme's 专项经费.
        if "信息" not in m.group(0) and "公开" not in m.group(0):
            continue
        c.add("budget.special_wan", 0.0, "zero_statement", m.start(), m.end())


_BUDGET_RULES: tuple[_Rule, ...] = (
    _Rule(
        "budget.special_wan",
        "budget_special",
        r"(?:信息公开|政务公开|公开工作|政府信息)(?:工作)?专项(?:工作)?经费(?:投入)?"
        + _FILL
        + _NUM
        + r"\s*(?P<unit>万元|元)",
        scale=_unit_scale_wan,
    ),
)

_STAFF_RULES: tuple[_Rule, ...] = (
    _Rule(
        "staff.full_time",
        "staff",
        r"(?<!兼)专职(?:从事)?(?:政府信息公开|信息公开|政务公开)?(?:工作)?(?:的)?(?:工作)?人员(?:共|有)?"
        + _FILL
        + _NUM
        + r"\s*(?P<unit>名|人|位)",
        cumulative=False,
    ),
    _Rule(
        "staff.part_time",
        "staff",
        r"兼职(?:工作)?人员(?:共|有)?" + _FILL + _NUM + r"\s*(?P<unit>名|人|位)",
        cumulative=False,
    ),
    _Rule("staff.full_time", "staff", _NUM + r"\s*(?P<unit>名|位|个)\s*专职(?:的)?(?:工作)?人员", cumulative=False),
    _Rule("staff.part_time", "staff", _NUM + r"\s*(?P<unit>名|位|个)\s*兼职(?:的)?(?:工作)?人员", cumulative=False),
    _Rule(
        "staff.total",
        "staff",
        r"专兼职(?:工作)?人员(?:共|有)?" + _FILL + _NUM + r"\s*(?P<unit>名|人|位)",
        cumulative=False,
    ),
    _Rule(
        "staff.total",
        "staff",
        r"(?<!专职)(?<!兼职)从事政府信息公开工作(?:的)?(?:工作)?人员(?:数)?" + _FILL + _NUM + r"\s*(?P<unit>名|人|位)",
        cumulative=False,
    ),
)

_GAZETTE_RULES: tuple[_Rule, ...] = (
    _Rule(
        "gazette.issues",
        "gazette_issues",
        r"公报[》」”]?\s*(?:共|全年)?\s*(?:发行|编印|出版|印发|刊发|编发|出刊)?" + _FILL + _NUM + r"\s*(?P<unit>期)",
    ),
    _Rule(
        "gazette.issues",
        "gazette_issues",
        r"(?:发行|编印|出版|印发|刊发|编发|出刊|制作)(?:了)?"
        + _NUM
        + r"\s*(?P<unit>期)\s*《?[^,，。;；\d》]{0,12}公报",
    ),
)

# Deposits with the 档案馆/图书馆/查阅场所, the legacy 向图书馆、档案馆等查阅场所报送信息数.
_ARCHIVES = re.compile(
    r"(?:档案馆|图书馆|查阅场所|查阅点|查阅中心|档案局)[^。;；]{0,30}?(?:报送|送交|移交|提供|接收|归档)"
    r"(?P<gap>[^。;；\d]{0,40}?)"
    + _FILL
    + _NUM
    + r"\s*(?P<unit>条|份|件)"
)
# ``2345份纸质文件`` / ``纸质文件2345份``; Python's re cannot reuse a group name across an
# alternation, so each order is its own pattern.
_ARCHIVES_PAPER: tuple[re.Pattern[str], ...] = (
    re.compile(_NUM + r"\s*(?P<unit>份|件|条)\s*纸质(?:文件|材料|信息)"),
    re.compile(r"纸质(?:文件|材料|信息)" + _FILL + _NUM + r"\s*(?P<unit>份|件|条)"),
)
_ARCHIVES_ELECTRONIC: tuple[re.Pattern[str], ...] = (
    re.compile(_NUM + r"\s*(?P<unit>份|件|条)\s*电子(?:文件|文档|信息)"),
    re.compile(r"电子(?:文件|文档)" + _FILL + _NUM + r"\s*(?P<unit>份|件|条)"),
)


_DEPOSIT_VERB = re.compile(r"接收|报送|送交|移交")
_DEPOSIT_CONTEXT = re.compile(r"档案|图书馆|查阅|报送|送交|接收")


def _rule_archives(c: _Collector) -> None:
    text = c.text
    for m in _ARCHIVES.finditer(text):
        s, e = m.span("num")
        if c.in_table_line(s) or c.approximate(s, e) or c.after_qizhong(m.start("num")):
            continue
        gap = m.group("gap")
        if "电子" in gap or "纸质" in gap or "纸质" in text[e : e + 4]:
            continue  # the paper/electronic rules read those
        _emit_simple(c, m, "archives.submitted", "archives_submitted")
    for m in (m for rx in _ARCHIVES_PAPER for m in rx.finditer(text)):
        s, e = m.span("num")
        if c.in_table_line(s) or c.approximate(s, e):
            continue
        _emit_simple(c, m, "archives.paper", "archives_paper")
        ss, se = c.sentence(m.start())
        # A deposit described only as paper files states the whole deposit.
        if "电子" not in text[ss:se] and _DEPOSIT_VERB.search(text[ss:se]):
            _emit_simple(c, m, "archives.submitted", "archives_paper_only")
    for m in (m for rx in _ARCHIVES_ELECTRONIC for m in rx.finditer(text)):
        s, e = m.span("num")
        if c.in_table_line(s) or c.approximate(s, e):
            continue
        ss, se = c.sentence(m.start())
        if not _DEPOSIT_CONTEXT.search(text[ss:se]):
            continue
        _emit_simple(c, m, "archives.electronic", "archives_electronic")


_VISITORS = re.compile(
    r"(?:现场查阅|查阅(?:点|场所|中心)?(?:共)?(?:接待)?|接待(?:[^,，。;；\d]{0,12}?)查阅(?:群众|公众|人员)?)"
    r"(?:[^,，。;；\d]{0,6}?)"
    + _FILL
    + _NUM
    + r"\s*(?P<unit>人次|次|人)"
)


def _rule_visitors(c: _Collector) -> None:
    for m in _VISITORS.finditer(c.text):
        _emit_simple(c, m, "reading_points.visitors", "reading_visitors")


# ---------------------------------------------------------------------------------------
# Responses (解读回应)
# ---------------------------------------------------------------------------------------

_INTERPRETATION_RULES: tuple[_Rule, ...] = (
    _Rule(
        "responses.interpretations",
        "interpretations",
        r"(?:政策解读|解读文章|解读稿件|解读文件|解读材料)(?:文章|稿件|文件|材料|信息|产品)?(?:数量|数)?"
        + _FILL
        + _NUM
        + r"\s*(?P<unit>篇|条|个|件|份|次)",
        cumulative=False,
    ),
    # Only when the figure touches the label: ``10篇营改增政策解读文章`` is one office's output.
    _Rule(
        "responses.interpretations",
        "interpretations",
        _NUM + r"\s*(?P<unit>篇|条|个|件|份)\s*(?:政策解读|解读文章|解读稿件)",
        cumulative=False,
    ),
)
_INTERPRETATION_ZERO = re.compile(
    r"未开展[^,，。;；\d]{0,6}?政策解读|政策解读(?:数量|情况|工作)?\s*[:：]\s*无(?![\w])|(?:无|没有|未发布|未制作)政策解读"
)
_HOT_TOPICS = re.compile(
    r"回应(?:社会|公众)?(?:关注热点|关切热点|热点问题|重大舆情|关切|热点|舆情)(?:或重大舆情)?(?:问题)?(?:数)?"
    + _FILL
    + _NUM
    + r"\s*(?P<unit>次|个|条|件)"
)
_HOT_TOPICS_ZERO = re.compile(r"回应(?:社会|公众)?(?:关切|关注热点|热点|舆情)(?:问题)?(?:情况)?\s*[:：]\s*无(?![\w])")
_BY_HEAD = re.compile(r"主要负责(?:同志|人)|主要领导")
_PRESS = re.compile(r"新闻发布会(?:[^,，。;；\d]{0,4}?)" + _FILL + _NUM + r"\s*(?P<unit>场|次|期)")
_PRESS_BEFORE = re.compile(
    r"(?:召开|举办|参加|组织)(?:了)?" + _NUM + r"\s*(?P<unit>场|次)[^,，。;；\d]{0,10}?新闻发布会"
)
_PRESS_ZERO = re.compile(r"(?:未|没有)(?:召开|举办|参加)[^,，。;；\d]{0,8}?新闻发布会|新闻发布会\s*[:：]\s*无(?![\w])")
_INTERVIEWS = re.compile(r"在线访谈(?:[^,，。;；\d]{0,4}?)" + _FILL + _NUM + r"\s*(?P<unit>场|次|期)")
_INTERVIEWS_ZERO = re.compile(r"(?:未|没有)(?:开展|举办|组织)[^,，。;；\d]{0,8}?在线访谈|在线访谈\s*[:：]\s*无(?![\w])")


def _rule_responses(c: _Collector) -> None:
    text = c.text
    for r in _INTERPRETATION_RULES:
        r.run(c)
    for rx, path in (
        (_INTERPRETATION_ZERO, "responses.interpretations"),
        (_HOT_TOPICS_ZERO, "responses.hot_topics"),
        (_PRESS_ZERO, "responses.press_conferences"),
        (_INTERVIEWS_ZERO, "responses.online_interviews"),
    ):
        for m in rx.finditer(text):
            if not c.in_table_line(m.start()):
                c.add(path, 0, "zero_statement", m.start(), m.end())
    for m in _HOT_TOPICS.finditer(text):
        _emit_simple(c, m, "responses.hot_topics", "hot_topics", cumulative=False)
    for rx, base in ((_PRESS, "responses.press_conferences"), (_PRESS_BEFORE, "responses.press_conferences"),
                     (_INTERVIEWS, "responses.online_interviews")):
        for m in rx.finditer(text):
            path = base + "_by_head" if _BY_HEAD.search(c.clause_prefix(m.start())) else base
            _emit_simple(c, m, path, base.split(".")[1], cumulative=False)


# ---------------------------------------------------------------------------------------
# meta.*
# ---------------------------------------------------------------------------------------

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
_PERIOD = re.compile(
    r"(?:期限|时限|时间|日期|期间|区间|周期|统计数据|数据|统计)[^。\d]{0,10}?(?:自|从|为|是)?\s*"
    + _DATE.format(n=1)
    + r"\s*(?:起)?\s*(?:至|到|[-~～—–])\s*"
    + _DATE_END
    + r"\s*(?:止)?"
)
# Used with ``match(text, line_start, line_end)``, which anchors at the line start by itself
# (a ``^`` would only match at the very start of the text).
_LINE_DATE = re.compile(
    r"\s*(?:(?P<y>(?:19|20)\d{2})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?P<cy>[〇零○ＯO一二三四五六七八九]{4})\s*年\s*(?P<cm>[一二三四五六七八九十]{1,2})\s*月\s*(?P<cd>[一二三四五六七八九十]{1,3})\s*日)\s*$"
)
_POSTING_DATE = re.compile(
    r"(?:发布时间|发布日期|成文日期|印发日期|时间|日期)\s*[:：]\s*(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})"
)
_SIGNATURE_NAME = re.compile(
    rf"\s*(?P<name>[{_CJK}()（）]{{2,40}}?(?:人民政府|政府|办公室|办公厅|局|委员会|委|办事处|管委会|管理委员会|中心|厅))\s*$"
)

_PHONE = re.compile(
    r"(?:联系电话|咨询电话|服务电话|办公电话|电话号码|电话|联系方式|Tel|TEL|tel)(?:\s*[(（][^)）\d]{1,6}[)）])?\s*[:：]?\s*"
    rf"(?P<phone>(?:\d{{3,4}}\s*[{_DASHES}]\s*)?\d{{7,8}}(?!\d)|1[3-9]\d{{9}}(?!\d)|0\d{{9,11}}(?!\d))"
)
_EMAIL_LABELLED = re.compile(
    r"(?:电子邮箱|电子信箱|电子邮件|邮箱|E-?mail|e-?mail|EMAIL)\s*[:：]?\s*"
    r"(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)
_EMAIL_BARE = re.compile(r"(?<![A-Za-z0-9._%+-])(?P<email>[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_ADDRESS = re.compile(
    r"(?:通讯地址|联系地址|办公地址|地址)\s*[:：]\s*"
    r"(?P<addr>(?:(?!\n\s*\n)[^,，;；)）。:：])+?)"
    r"(?=\s*(?:[,，;；)）。]|邮编|邮政编码|联系电话|电话|传真|电子邮箱|邮箱|$))"
)
_POSTCODE = re.compile(r"(?:邮编|邮政编码)\s*[:：]?\s*(?P<pc>\d{6})(?!\d)")
_URL = re.compile(
    r"(?<![@\w.])(?P<url>(?:https?://)?(?:[A-Za-z0-9-]+\.)+(?:gov\.cn|com\.cn|org\.cn|net\.cn|cn|com|net|org)"
    r"(?![A-Za-z0-9-])(?:/[A-Za-z0-9._~%/?=&#-]*)?)"
)
_PUBLISH_VERB = re.compile(r"发布|公布|公开|查阅|刊登|登载|下载|获取|刊载")
_REPORT_WORD = re.compile(r"报告|电子版|全文")

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
_PROVINCE_REGULATION = re.compile(
    r"《(?P<prov>" + _PROVINCE_NAME + r")[^》]{0,12}(?:政府信息公开|政务公开)[^》]{0,12}》"
)
_PROVINCE_IN_NAME = re.compile(_PROVINCE_NAME)

_TITLE_SUFFIX = re.compile(r"(?:政府)?信息公开(?:工作)?(?:的)?年度报告.*$")
_TITLE_YEAR = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年(?:度)?")

# ``本报告由XX(根据《条例》…)编制``: the compiler is named right before the verb or before the
# legal basis that leads to it. ``由审改办负责`` (someone in charge of a task) is not this.
_COMPILE_VERB = r"(?:编\s*制|编\s*写|撰\s*写|起\s*草|汇\s*总)"
_COMPILED_BY = re.compile(
    rf"由(?P<name>[{_CJK}()（）]{{2,40}}?)"
    rf"(?=(?:根据|依据|按照|参照)[^。]{{0,90}}?{_COMPILE_VERB}|(?:负责|牵头|组织)?{_COMPILE_VERB})"
)
_GOV_OFFICE_SUFFIX = re.compile(r"(?:党政综合办公室|党政办公室|党政办|综合办公室|政府办公室|政府办|办公室|办)$")
_PLACE_END = re.compile(r"(?:镇|乡|街道|街道办事处|苏木|县|区|市|旗|州|盟)$")
_DEPARTMENT_END = re.compile(
    r"(?:局|委员会|委|办公室|办公厅|办|厅|中心|署|院|所|站|队|会|处|公司|管委会|管理委员会|馆|部)$"
)


_WHITESPACE = re.compile(r"\s+")
_TITLE_BAD_CHARS = re.compile(r"[。《》,，;；>»/|]")
_TITLE_PREV_BAD_CHARS = re.compile(r"[。,，:：;；《》()（）\d]")
_TITLE_BARE_START = re.compile(r"(?:19|20)\d{2}|年度报告|政府信息公开|信息公开")
_GOV_SUFFIX = re.compile(r"(?:人民政府|政府)$")
_TOWNSHIP_END = re.compile(r"(?:街道办事处|街道|镇|乡|苏木)$")
_PROVINCE_END = re.compile(r"(?:省|自治区)$|^(?:北京|天津|上海|重庆)市$")
_COUNTY_END = re.compile(r"(?:县|旗|特区|林区)$|(?<!地)区$")
_CITY_END = re.compile(r"(?:自治州|州|盟|地区)$")
_FIRST_YEAR = re.compile(r"(?P<y>20\d{2})\s*年")
_DASH_RUN = re.compile(rf"\s*[{_DASHES}]\s*")
_HAS_CJK = re.compile(rf"[{_CJK}]")


def _line_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
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


def _find_title(text: str) -> tuple[str, int, int] | None:
    spans = [sp for sp in _line_spans(text) if text[sp[0] : sp[1]].strip()]
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


def _rule_meta(c: _Collector) -> None:
    text = c.text
    title = _find_title(text)
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

    signature = _rule_published(c)
    _rule_agency(c, title, signature)
    _rule_contact(c)
    _rule_website(c)
    for m in _PROVINCE_REGULATION.finditer(text):
        c.add("meta.province", m.group("prov"), "province_regulation", *m.span("prov"))


def _rule_period(c: _Collector) -> tuple[int, int, int] | None:
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


def _rule_published(c: _Collector) -> tuple[str, int, int] | None:
    """Signature date (preferred) or web posting date. Returns the signature name, if any."""
    text = c.text
    spans = [sp for sp in _line_spans(text) if text[sp[0] : sp[1]].strip()]
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


def _rule_agency(c: _Collector, title: tuple[str, int, int] | None, signature: tuple[str, int, int] | None) -> None:
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
        options.append((signature[0], signature[1], signature[2], "agency_signature"))
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


def _rule_contact(c: _Collector) -> None:
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


def _rule_website(c: _Collector) -> None:
    text = c.text
    for m in _URL.finditer(text):
        s, e = m.span("url")
        if text[max(0, s - 1) : s] == "@":
            continue
        ss, se = c.sentence(s)
        sent = text[ss:se]
        if _PUBLISH_VERB.search(sent) and _REPORT_WORD.search(sent):
            c.add("meta.website", m.group("url"), "report_website", s, e)


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------


def _run_rules(c: _Collector, rules: Iterable[_Rule]) -> None:
    for r in rules:
        r.run(c)


def sentence_candidates(text: str) -> list[Candidate]:
    """Every narrative figure the regular rules find in the clean text, ordered by position."""
    c = _Collector(text)
    _rule_meta(c)
    _rule_proactive(c)
    _rule_categories(c)
    _run_rules(c, _APPLICATION_RULES)
    _rule_outcomes(c)
    _rule_completed_timing(c)
    _rule_denied_reasons(c)
    _rule_zero_applications(c)
    _rule_zero_remedies(c)
    _run_rules(c, _REMEDY_RULES)
    _rule_remedy_outcomes(c)
    _rule_fees(c)
    _run_rules(c, _FEE_RULES)
    _rule_budget(c)
    _run_rules(c, _BUDGET_RULES)
    _run_rules(c, _STAFF_RULES)
    _run_rules(c, _GAZETTE_RULES)
    _rule_archives(c)
    _rule_visitors(c)
    _rule_responses(c)
    return sorted(c.out, key=lambda cand: (cand.start, cand.end, cand.path))
