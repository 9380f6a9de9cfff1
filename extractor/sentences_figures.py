"""Narrative rules for the agency's own disclosure work, other than requests and remedies.

Proactive disclosure (totals, channels, categories), fees, the special budget, staff, the
gazette, deposits with archives and libraries, visitors to reading points, and responses
to public concern (interpretations, hot topics, press conferences, online interviews).
Requests for disclosure and the reviews and suits they lead to are in
``extractor.sentences_applications``; ``meta.*`` is in ``extractor.sentences_meta``.
"""

from __future__ import annotations

import regex

from .sentences_common import (
    CUMULATIVE,
    FILL,
    NUM,
    Collector,
    Rule,
    emit_simple,
    parse_number,
    trailing_cumulative,
    units,
)

__all__ = [
    "BUDGET_RULES",
    "FEE_RULES",
    "GAZETTE_RULES",
    "NORMATIVE_RULES",
    "READING_POINT_RULES",
    "STAFF_RULES",
    "TRAINING_RULES",
    "rule_archives",
    "rule_budget",
    "rule_categories",
    "rule_fees",
    "rule_proactive",
    "rule_responses",
    "rule_visitors",
]


# ---------------------------------------------------------------------------------------
# Proactive disclosure
# ---------------------------------------------------------------------------------------

# ``主动公开(各类)(政府)信息(数)…N条``. The object must end in 信息/文件 so that headings such
# as ``主动公开政府信息情况`` or ``主动公开目录`` never reach a number.
_PROACTIVE = regex.compile(
    r"主动公开(?:了)?(?P<obj>[^,，。;；:：()（）\d\s“”\"]{0,10}?(?:信息|文件))(?:数量|总数|总量|数)?"
    + FILL
    + NUM
    + units("条", "件", "项", "篇", optional=True)
)

# What a ``通过…`` in front of the figure names. One named channel makes the figure that
# channel's count; several channels (``通过网站、微博等``) still describe the total.
_VIA = regex.compile(r"通过(?P<via>[^,，。;；]{0,25}?)(?:等)?(?:渠道|方式|形式|平台|载体)?\s*$")
_CHANNELS: tuple[tuple[str, regex.Pattern[str]], ...] = (
    ("website", regex.compile(r"网站|门户网|政务网|网页")),
    ("weibo", regex.compile(r"微博")),
    ("wechat", regex.compile(r"微信|公众号")),
    ("gazette", regex.compile(r"公报|政报")),
)
_OTHER_MEDIA = regex.compile(
    r"公开栏|长廊|宣传栏|电子屏|显示屏|广播|电视|报刊|报纸|客户端|APP|app|触摸屏|触模屏|短信|查阅"
)
# ``刊出…主动公开信息46条``: the figure counts what one medium carried, not the year's total.
_CARRIER_VERB = regex.compile(r"刊出|刊登|刊发|张贴|报送|送交|移交|接收|转载|推送|播出|发布于")


# ``其中通过门户网站公开9876条``: a channel's count, with or without 主动.
_CHANNEL_VIA = regex.compile(
    r"通过(?P<via>[^,，。;；:：\d]{1,20}?)(?:"
    r"(?:主动)?公开(?:了)?(?:各类)?(?:政府)?(?:信息|文件)?(?:数)?" + FILL + NUM + r"\s*(?P<unit>条|件|篇)"
    # ``微信公众号发布128条``; ``发布10篇营改增政策解读文章`` is an interpretation count.
    r"|发布(?:了)?(?:各类)?(?:政府)?(?:信息)?" + FILL + NUM
    + r"\s*(?P<unit>条)(?![^,，。;；]{0,8}(?:解读|文章|稿件)))"
)


# ``通过公开栏、电子屏等其他方式公开15条`` is the 其他方式公开数 of the legacy table; a single
# medium named alone (``通过公开栏公开15条``) may be one of several the report lists.
_SAYS_OTHER = regex.compile(r"其他(?:方式|渠道|形式|途径|载体|媒介)")


def _channel_of(via: str) -> str | None:
    """The one channel a ``通过…`` phrase names; ``"many"`` for several, ``"other"`` for other media."""
    named = [name for name, rx in _CHANNELS if rx.search(via)]
    if len(named) == 1:
        return named[0]
    if named:
        return "many"
    return "other" if _OTHER_MEDIA.search(via) or _SAYS_OTHER.search(via) else None


def rule_proactive(c: Collector) -> None:
    text = c.text
    for m in _PROACTIVE.finditer(text):
        s, e = m.span("num")
        if c.in_table_line(s) or c.approximate(s, e):
            continue
        if m.group("unit") is None and "\n" in text[m.start() : s]:
            continue
        if "申请" in m.group("obj") or "规范性" in m.group("obj"):
            continue  # 主动公开规范性文件12件 is a part of the total (NORMATIVE_RULES)
        pre = c.prefix(m.start())
        if _CARRIER_VERB.search(c.clause_prefix(m.start())):
            continue
        via_m = _VIA.search(pre)
        channel = _channel_of(via_m.group("via")) if via_m is not None else None
        if channel == "other" and not _SAYS_OTHER.search(via_m.group("via") if via_m else ""):
            continue  # a medium of its own (公开栏), not the report's 其他方式 as a whole
        if channel in (None, "many"):
            # Parts listed after 其中 (by subject: 乡镇…, 部门…) are not the total.
            if "其中" in pre:
                continue
            base, rule = "proactive.total", "proactive_total"
        else:
            base, rule = f"proactive.channel.{channel}", "proactive_channel"
        cumulative = bool(CUMULATIVE.search(pre))
        c.add(("cumulative." + base) if cumulative else base, parse_number(m.group("num")), rule, s, e)
        if not cumulative:
            trailing_cumulative(c, base, m.end(), m.group("unit"))
    for m in _CHANNEL_VIA.finditer(text):
        channel = _channel_of(m.group("via"))
        if channel in (None, "many") or "申请" in m.group("via"):
            continue
        if channel == "other" and not _SAYS_OTHER.search(m.group("via")):
            continue
        emit_simple(c, m, f"proactive.channel.{channel}", "proactive_channel")


_CATEGORY_LABELS: tuple[tuple[str, str], ...] = (
    ("institutional", r"机构职能"),
    ("policy", r"政策法规[、,，]?\s*规范性文件|政策[、,，]?\s*规范性文件|政策法规|政策文件"),
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
_CATEGORY = regex.compile(
    r"(?P<label>"
    + "|".join(f"(?P<{name}>{rx})" for name, rx in _CATEGORY_LABELS)
    + r")(?:类信息|类|信息)(?:类)?"
    + FILL
    + NUM
    + r"\s*(?P<unit>条|件|篇)"
)
_CATEGORY_OTHER = regex.compile(r"其他类(?!型)(?:信息)?" + FILL + NUM + r"\s*(?P<unit>条|件|篇)")


# Normative documents. The legacy table's 制发规范性文件总数 and the gb tables' 本年制发件数
# are one fact; the narrative rules name it the legacy way and ``sentences.for_format`` moves
# it to the gb path. ``清理规范性文件120件`` (a review of old ones) is neither.
_NORMATIVE = r"(?:行政)?规范性文件"
_DOC_UNIT = r"\s*(?P<unit>件|份|个|部|条)"
NORMATIVE_RULES: tuple[Rule, ...] = (
    Rule("proactive.normative_docs_issued", "normative_issued",
         r"(?<!清理)(?<!审查)(?:新)?(?:制发|制定|出台|印发|发布)(?:了)?" + _NORMATIVE + FILL + NUM + _DOC_UNIT,
         subtotal_guard=True),
    Rule("proactive.normative_docs_issued", "normative_issued",
         r"(?:制发|制定)(?:的)?" + _NORMATIVE + r"(?:总数|数量|数)" + FILL + NUM + _DOC_UNIT, subtotal_guard=True),
    Rule("proactive.normative_docs", "normative_published",
         r"主动公开(?:了)?" + _NORMATIVE + r"(?:数量|数)?" + FILL + NUM + _DOC_UNIT),
    Rule("proactive.normative.repealed", "normative_repealed",
         r"(?:宣布)?废止(?:了)?" + _NORMATIVE + FILL + NUM + _DOC_UNIT, cumulative=False),
    Rule("proactive.normative.in_force", "normative_in_force",
         r"现行有效(?:的)?" + _NORMATIVE + FILL + NUM + _DOC_UNIT, cumulative=False),
)


def rule_categories(c: Collector) -> None:
    for m in _CATEGORY.finditer(c.text):
        name = next(n for n, _ in _CATEGORY_LABELS if m.group(n))
        emit_simple(c, m, f"proactive.category.{name}", "proactive_category")
    for m in _CATEGORY_OTHER.finditer(c.text):
        emit_simple(c, m, "proactive.category.other", "proactive_category")


# ---------------------------------------------------------------------------------------
# Fees, budget, staff, gazette, archives, reading points
# ---------------------------------------------------------------------------------------

# Fees are recorded in 元 and the special budget in 万元, whichever unit the prose prints.
def _unit_scale_yuan(m: regex.Match[str]) -> float:
    return 10000.0 if m.group("unit") == "万元" else 1.0


def _unit_scale_wan(m: regex.Match[str]) -> float:
    return 1 / 10000 if m.group("unit") == "元" else 1.0


_FEE_ZERO = regex.compile(
    r"(?:未|没有|不|免)收(?!到)(?:取)?(?:过)?(?:任何)?(?:[^,，。;；\d]{0,20}?)(?:费用|费)"
    r"|未收费|(?:无|没有)(?:任何)?收费"
    r"|收费(?:及|和)?(?:减免)?(?:情况)?\s*[:：]\s*无"
)


_FEE_SUBJECT = regex.compile(r"信息公开|申请|查询|检索|复制|信息处理费|提供(?:政府)?信息")


def rule_fees(c: Collector) -> None:
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
            trailing_cumulative(c, "fees.amount_yuan", m.end(), "元")


FEE_RULES: tuple[Rule, ...] = (
    Rule(
        "fees.amount_yuan",
        "fees_amount",
        r"信息处理费(?:用)?(?:金额)?" + FILL + NUM + r"\s*(?P<unit>万元|元)",
        scale=_unit_scale_yuan,
    ),
    Rule(
        "fees.amount_yuan",
        "fees_amount",
        r"收取(?:了)?[^,，。;；\d]{0,20}?(?:信息公开|申请|检索|复制|邮寄)[^,，。;；\d]{0,8}?费(?:用)?"
        + FILL
        + NUM
        + r"\s*(?P<unit>万元|元)",
        scale=_unit_scale_yuan,
        reject=lambda c, m: "行政事业性" in m.group(0),
    ),
    Rule(
        "fees.amount_yuan",
        "fees_amount",
        r"(?:信息公开|申请)[^,，。;；\d]{0,8}?(?:收费|费用)(?:及减免|和减免)?(?:金额|总额)"
        + FILL
        + NUM
        + r"\s*(?P<unit>万元|元)",
        scale=_unit_scale_yuan,
    ),
)

_BUDGET_ZERO = regex.compile(
    r"(?:无|没有|未(?:安排|设立|列支|投入)?)[^,，。;；\d]{0,12}?专项(?:工作)?经费|专项(?:工作)?经费\s*[:：]\s*无"
)


def rule_budget(c: Collector) -> None:
    text = c.text
    for m in _BUDGET_ZERO.finditer(text):
        if c.in_table_line(m.start()):
            continue
        # Special funds for disclosure work, not any programme's 专项经费.
        if "信息" not in m.group(0) and "公开" not in m.group(0):
            continue
        c.add("budget.special_wan", 0.0, "zero_statement", m.start(), m.end())


BUDGET_RULES: tuple[Rule, ...] = (
    Rule(
        "budget.special_wan",
        "budget_special",
        r"(?:信息公开|政务公开|公开工作|政府信息)(?:工作)?专项(?:工作)?经费(?:投入)?"
        + FILL
        + NUM
        + r"\s*(?P<unit>万元|元)",
        scale=_unit_scale_wan,
    ),
)

_STAFF_UNIT = r"\s*(?P<unit>名|人|位)(?!次)"
_TRAINING_WORDS = regex.compile(r"培训|参训|学习|会议|考核|轮训")
_STAFF_WORDS = regex.compile(r"人员|信息员|联络员")


def _not_staffing(c: Collector, m: regex.Match[str]) -> bool:
    return bool(_TRAINING_WORDS.search(c.clause_prefix(m.start())))


def _not_after_staff(c: Collector, m: regex.Match[str]) -> bool:
    """A bare ``专职12人`` is a staff count only after the sentence named the staff."""
    pre = c.prefix(m.start())
    return not _STAFF_WORDS.search(pre) or bool(_TRAINING_WORDS.search(pre))


STAFF_RULES: tuple[Rule, ...] = (
    Rule(
        "staff.full_time",
        "staff",
        r"(?<!兼)专职(?:从事)?(?:政府信息公开|信息公开|政务公开)?(?:工作)?(?:的)?(?:工作)?人员(?:共|有)?"
        + FILL
        + NUM
        + r"\s*(?P<unit>名|人|位)",
        cumulative=False,
    ),
    Rule(
        "staff.part_time",
        "staff",
        r"兼职(?:工作)?人员(?:共|有)?" + FILL + NUM + r"\s*(?P<unit>名|人|位)",
        cumulative=False,
    ),
    Rule("staff.full_time", "staff", NUM + r"\s*(?P<unit>名|位|个)\s*专职(?:的)?(?:工作)?人员", cumulative=False),
    Rule("staff.part_time", "staff", NUM + r"\s*(?P<unit>名|位|个)\s*兼职(?:的)?(?:工作)?人员", cumulative=False),
    Rule(
        "staff.total",
        "staff",
        r"专兼职(?:工作)?人员(?:共|有)?" + FILL + NUM + r"\s*(?P<unit>名|人|位)",
        cumulative=False,
    ),
    Rule(
        "staff.total",
        "staff",
        r"(?<!专职)(?<!兼职)从事政府信息公开工作(?:的)?(?:工作)?人员(?:数)?" + FILL + NUM + r"\s*(?P<unit>名|人|位)",
        cumulative=False,
    ),
    # ``现有政府信息公开工作人员3名``; ``培训信息公开工作人员35人`` counts trainees instead.
    Rule(
        "staff.total",
        "staff",
        r"(?<!专职)(?<!兼职)(?<!从事)(?:政府信息公开|信息公开|政务公开)(?:工作)?(?:的)?(?:工作)?人员(?:共|有)?"
        + FILL
        + NUM
        + _STAFF_UNIT,
        cumulative=False,
        reject=_not_staffing,
    ),
    # ``配备…兼职信息员12名``.
    Rule("staff.full_time", "staff", r"(?<!兼)专职(?:信息员|联络员)(?:共|有)?" + FILL + NUM + _STAFF_UNIT,
         cumulative=False, reject=_not_staffing),
    Rule("staff.part_time", "staff", r"兼职(?:信息员|联络员)(?:共|有)?" + FILL + NUM + _STAFF_UNIT,
         cumulative=False, reject=_not_staffing),
    # The parts of a stated staff figure: ``工作人员3名，其中专职1名，兼职2名``.
    Rule("staff.full_time", "staff", r"其中\s*[:：]?\s*(?:(?<!兼)专职)" + FILL + NUM + _STAFF_UNIT,
         cumulative=False, reject=_not_after_staff),
    Rule("staff.part_time", "staff", r"(?:其中\s*[:：]?\s*|[,，、;；]\s*)兼职" + FILL + NUM + _STAFF_UNIT,
         cumulative=False, reject=_not_after_staff),
)

GAZETTE_RULES: tuple[Rule, ...] = (
    # ``编印《…公报》12期，共印发3600份``, ``发行总份数36000份``
    Rule(
        "gazette.copies",
        "gazette_copies",
        r"(?:公报|政报)[^。;；]{0,30}?(?:印发|印制|发行|发放|赠阅)(?:总份数|份数|数量)?(?:总量)?" + FILL + NUM
        + r"\s*(?P<unit>份|册|本)",
    ),
    Rule(
        "gazette.issues",
        "gazette_issues",
        r"(?:公报|政报)[》」”]?\s*(?:共|全年)?\s*(?:发行|编印|出版|印发|刊发|编发|出刊)?"
        + FILL
        + NUM
        + r"\s*(?P<unit>期)",
    ),
    Rule(
        "gazette.issues",
        "gazette_issues",
        r"(?:发行|编印|出版|印发|刊发|编发|出刊|制作)(?:了)?"
        + NUM
        + r"\s*(?P<unit>期)\s*《?[^,，。;；\d》]{0,12}公报",
    ),
)

# Deposits with the 档案馆/图书馆/查阅场所, the legacy 向图书馆、档案馆等查阅场所报送信息数.
_ARCHIVES = regex.compile(
    r"(?:档案馆|图书馆|查阅场所|查阅点|查阅中心|档案局)[^。;；]{0,30}?(?:报送|送交|移交|提供|接收|归档)"
    r"(?P<gap>[^。;；\d]{0,40}?)"
    + FILL
    + NUM
    + r"\s*(?P<unit>条|份|件)"
)
# ``2345份纸质文件`` / ``纸质文件2345份``; Python's re cannot reuse a group name across an
# alternation, so each order is its own pattern.
_ARCHIVES_PAPER: tuple[regex.Pattern[str], ...] = (
    regex.compile(NUM + r"\s*(?P<unit>份|件|条)\s*纸质(?:文件|材料|信息)"),
    regex.compile(r"纸质(?:文件|材料|信息)" + FILL + NUM + r"\s*(?P<unit>份|件|条)"),
)
_ARCHIVES_ELECTRONIC: tuple[regex.Pattern[str], ...] = (
    regex.compile(NUM + r"\s*(?P<unit>份|件|条)\s*电子(?:文件|文档|信息)"),
    regex.compile(r"电子(?:文件|文档)" + FILL + NUM + r"\s*(?P<unit>份|件|条)"),
)


_DEPOSIT_VERB = regex.compile(r"接收|报送|送交|移交")
_DEPOSIT_CONTEXT = regex.compile(r"档案|图书馆|查阅|报送|送交|接收")


def rule_archives(c: Collector) -> None:
    text = c.text
    for m in _ARCHIVES.finditer(text):
        s, e = m.span("num")
        if c.in_table_line(s) or c.approximate(s, e) or c.after_qizhong(m.start("num")):
            continue
        gap = m.group("gap")
        if "电子" in gap or "纸质" in gap or "纸质" in text[e : e + 4]:
            continue  # the paper/electronic rules read those
        emit_simple(c, m, "archives.submitted", "archives_submitted")
    for m in (m for rx in _ARCHIVES_PAPER for m in rx.finditer(text)):
        s, e = m.span("num")
        if c.in_table_line(s) or c.approximate(s, e):
            continue
        emit_simple(c, m, "archives.paper", "archives_paper")
        ss, se = c.sentence(m.start())
        # A deposit described only as paper files states the whole deposit.
        if "电子" not in text[ss:se] and _DEPOSIT_VERB.search(text[ss:se]):
            emit_simple(c, m, "archives.submitted", "archives_paper_only")
    for m in (m for rx in _ARCHIVES_ELECTRONIC for m in rx.finditer(text)):
        s, e = m.span("num")
        if c.in_table_line(s) or c.approximate(s, e):
            continue
        ss, se = c.sentence(m.start())
        if not _DEPOSIT_CONTEXT.search(text[ss:se]):
            continue
        emit_simple(c, m, "archives.electronic", "archives_electronic")


_VISITORS = regex.compile(
    r"(?:现场查阅|查阅(?:点|场所|中心)?(?:共)?(?:接待)?|接待(?:[^,，。;；\d]{0,12}?)查阅(?:群众|公众|人员)?)"
    r"(?:[^,，。;；\d]{0,6}?)"
    + FILL
    + NUM
    + r"\s*(?P<unit>人次|次|人)"
)


def rule_visitors(c: Collector) -> None:
    for m in _VISITORS.finditer(c.text):
        emit_simple(c, m, "reading_points.visitors", "reading_visitors")


def _not_about_reading_points(c: Collector, m: regex.Match[str]) -> bool:
    """The parts of ``设立查阅点24个，其中县直部门6个，乡镇18个`` only after that head."""
    pre = c.prefix(m.start())
    return "查阅" not in pre or "其中" not in pre


def _not_about_disclosure(c: Collector, m: regex.Match[str]) -> bool:
    """Meetings and training count only in a sentence about disclosure work (``召开政府信息公开
    专题会议2次,组织业务培训1次``); a report's other meetings are not these."""
    s, e = c.sentence(m.start())
    return "公开" not in c.text[s:e]


_POINT = r"(?:政府)?信息(?:公开)?查阅(?:点|场所|室|中心|窗口)"
READING_POINT_RULES: tuple[Rule, ...] = (
    Rule("reading_points.total", "reading_points",
         r"(?:设立|设置|建立|建成|开设|设有|共有)(?:了)?(?:各类)?" + _POINT + FILL + NUM + r"\s*(?P<unit>个|处)"),
    Rule("reading_points.total", "reading_points", _POINT + r"(?:数量|数)" + FILL + NUM + r"\s*(?P<unit>个|处)"),
    Rule("reading_points.county", "reading_points",
         r"(?:[县区市]直|[县区]级|[县区]政府及其)(?:各)?(?:部门|单位)?" + FILL + NUM + r"\s*(?P<unit>个|处)",
         reject=_not_about_reading_points),
    Rule("reading_points.township", "reading_points",
         r"(?:乡镇|镇街|街道|乡镇街道|乡镇\(街道\)|乡镇政府)(?:各)?(?:便民服务中心)?"
         + FILL + NUM + r"\s*(?P<unit>个|处)",
         reject=_not_about_reading_points),
)

_TRAINING_GAP = r"[^,，。;；:：\d]{0,16}?"
TRAINING_RULES: tuple[Rule, ...] = (
    Rule("training.meetings", "training",
         r"(?:召开|组织召开|举行|举办)(?:了)?" + _TRAINING_GAP + r"(?:会议|推进会|部署会|座谈会|工作会)"
         + FILL + NUM + r"\s*(?P<unit>次|场|个)",
         reject=_not_about_disclosure),
    Rule("training.classes", "training",
         r"(?:举办|组织|开展|召开)(?:了)?" + _TRAINING_GAP + r"培训(?:班|会|活动|课)?"
         + FILL + NUM + r"\s*(?P<unit>期|次|场|个|班)(?!次)",
         reject=_not_about_disclosure),
    Rule("training.trainees", "training",
         r"(?:参训|参加培训|培训|受训)(?:的)?[^,，。;；:：\d]{0,12}?(?:人员|干部|信息员|联络员|人数|对象|同志)(?:共|达)?"
         + FILL + NUM + r"\s*(?P<unit>人次|人)",
         reject=_not_about_disclosure),
)


# ---------------------------------------------------------------------------------------
# Responses (解读回应)
# ---------------------------------------------------------------------------------------

_INTERPRETATION_RULES: tuple[Rule, ...] = (
    Rule(
        "responses.interpretations",
        "interpretations",
        r"(?:政策解读|解读文章|解读稿件|解读文件|解读材料)(?:文章|稿件|文件|材料|信息|产品)?(?:数量|数)?"
        + FILL
        + NUM
        + r"\s*(?P<unit>篇|条|个|件|份|次)",
        cumulative=False,
    ),
    # Only when the figure touches the label: ``10篇营改增政策解读文章`` is one office's output.
    Rule(
        "responses.interpretations",
        "interpretations",
        NUM + r"\s*(?P<unit>篇|条|个|件|份)\s*(?:政策解读|解读文章|解读稿件)",
        cumulative=False,
    ),
)
_INTERPRETATION_ZERO = regex.compile(
    r"未开展[^,，。;；\d]{0,6}?政策解读|政策解读(?:数量|情况|工作)?\s*[:：]\s*无(?![\w])|(?:无|没有|未发布|未制作)政策解读"
)
_HOT_TOPICS = regex.compile(
    r"回应(?:社会|公众)?(?:关注热点|关切热点|热点问题|重大舆情|关切|热点|舆情)(?:[或、和及]重大舆情)?(?:问题)?(?:数)?"
    + FILL
    + NUM
    + r"\s*(?P<unit>次|个|条|件)"
)
_HOT_TOPICS_ZERO = regex.compile(
    r"回应(?:社会|公众)?(?:关切|关注热点|热点|舆情)(?:问题)?(?:情况)?\s*[:：]\s*无(?![\w])"
)
_BY_HEAD = regex.compile(r"主要负责(?:同志|人)|主要领导")
_PRESS = regex.compile(r"新闻发布会(?:[^,，。;；\d]{0,4}?)" + FILL + NUM + r"\s*(?P<unit>场|次|期)")
_PRESS_BEFORE = regex.compile(
    r"(?:召开|举办|参加|组织)(?:了)?" + NUM + r"\s*(?P<unit>场|次)[^,，。;；\d]{0,10}?新闻发布会"
)
_PRESS_ZERO = regex.compile(
    r"(?:未|没有)(?:召开|举办|参加)[^,，。;；\d]{0,8}?新闻发布会|新闻发布会\s*[:：]\s*无(?![\w])"
)
_INTERVIEWS = regex.compile(r"在线访谈(?:[^,，。;；\d]{0,4}?)" + FILL + NUM + r"\s*(?P<unit>场|次|期)")
_INTERVIEWS_ZERO = regex.compile(
    r"(?:未|没有)(?:开展|举办|组织)[^,，。;；\d]{0,8}?在线访谈|在线访谈\s*[:：]\s*无(?![\w])"
)


# ``通过政务微博、微信回应社会关切32次`` is the 微博微信回应事件数, not the hot-topic count.
_WEIBO_WECHAT_RESPONSE = regex.compile(
    r"(?:通过|利用|借助)(?:政务)?(?:微博|微信)[^,，。;；\d]{0,12}?回应" + r"[^,，。;；\d]{0,8}?" + FILL + NUM
    + r"\s*(?P<unit>次|个|条|件)"
)
# ``其中区政府主要负责同志出席3场``: the by-head part, its keyword left to the clause before.
_BY_HEAD_PART = regex.compile(
    r"其中\s*[:：]?[^,，。;；\d]{0,10}?(?:主要负责(?:同志|人)|主要领导)[^,，。;；\d]{0,6}?" + FILL + NUM
    + r"\s*(?P<unit>场|次|期)"
)
_BY_HEAD_OF = regex.compile(r"(?P<press>新闻发布会)|(?P<interviews>在线访谈)")


def rule_responses(c: Collector) -> None:
    text = c.text
    weibo_spans = set()
    for m in _WEIBO_WECHAT_RESPONSE.finditer(text):
        emit_simple(c, m, "responses.weibo_wechat", "weibo_wechat_responses", cumulative=False)
        weibo_spans.add(m.span("num"))
    for m in _BY_HEAD_PART.finditer(text):
        kinds = list(_BY_HEAD_OF.finditer(c.prefix(m.start())))
        if kinds and not _BY_HEAD_OF.search(m.group(0)):
            base = "responses.press_conferences" if kinds[-1].lastgroup == "press" else "responses.online_interviews"
            emit_simple(c, m, base + "_by_head", "by_head_part", cumulative=False)
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
        if m.span("num") not in weibo_spans:
            emit_simple(c, m, "responses.hot_topics", "hot_topics", cumulative=False)
    for rx, base in ((_PRESS, "responses.press_conferences"), (_PRESS_BEFORE, "responses.press_conferences"),
                     (_INTERVIEWS, "responses.online_interviews")):
        for m in rx.finditer(text):
            path = base + "_by_head" if _BY_HEAD.search(c.clause_prefix(m.start())) else base
            emit_simple(c, m, path, base.split(".")[1], cumulative=False)

