"""Narrative rules for requests for disclosure and the remedies they lead to.

Requests received, their channels, completion and answers, outcomes and reasons for refusal
(the legacy narrative), stated zeros (``未收到政府信息公开申请``, ``未发生…行政复议…``), and
administrative review, litigation and complaints over disclosure with their outcomes.
"""

from __future__ import annotations

import regex

from .sentences_common import FILL, NUM, Collector, Rule, emit_simple, parse_number, units

__all__ = [
    "APPLICATION_RULES",
    "REMEDY_RULES",
    "rule_completed_timing",
    "rule_denied_reasons",
    "rule_outcomes",
    "rule_remedy_outcomes",
    "rule_zero_applications",
    "rule_zero_remedies",
]


# ---------------------------------------------------------------------------------------
# Applications (legacy narrative)
# ---------------------------------------------------------------------------------------

# What may stand between ``收到/受理`` and ``申请``: the disclosure words, or a few neutral ones.
# ``受理行政许可申请``, ``收到行政复议申请`` and ``受理来信来访申请`` are other kinds of request.
_APP_GAP_OK = regex.compile(r"(?:各类|有关|相关|关于|的|了|依|本机关|本单位|群众|公民|法人|和其他组织|、)*")


_OTHER_REQUEST = regex.compile(r"复议|诉讼|举报|投诉|信访|申诉")


def _reject_gap(c: Collector, m: regex.Match[str]) -> bool:
    gap = m.groupdict().get("gap") or ""
    if "公开" in gap and not _OTHER_REQUEST.search(gap):
        return False
    return _APP_GAP_OK.fullmatch(gap) is None


_APP_UNITS = units("件", "条", "个", "宗", "份")
_APP_UNITS_OPT = units("件", "条", "个", "宗", "份", optional=True)

APPLICATION_RULES: tuple[Rule, ...] = (
    Rule(
        "applications.received",
        "applications_received",
        r"(?:收到|受理|接到|接收|接受)(?:了)?(?P<gap>[^,，。;；:：\d]{0,16}?)申请(?:共计|总数|数量|总量|数)?"
        + FILL
        + NUM
        + _APP_UNITS,
        subtotal_guard=True,
        reject=_reject_gap,
    ),
    Rule(
        "applications.received",
        "applications_received",
        r"(?:收到|受理)(?:政府信息公开)?申请(?:的)?(?:数量|总数|数)\s*[:：]\s*" + NUM + _APP_UNITS_OPT,
        subtotal_guard=True,
    ),
    Rule(
        "applications.channel.in_person",
        "application_channel",
        r"当面(?:提交|提出|递交)?(?:的)?申请(?:数)?" + FILL + NUM + _APP_UNITS,
    ),
    Rule(
        "applications.channel.online",
        "application_channel",
        r"(?:网络|网上|在线|互联网)(?:方式|形式|渠道|平台)?(?:提交|提出|递交)?(?:的)?申请(?:数)?"
        + FILL
        + NUM
        + _APP_UNITS,
    ),
    Rule(
        "applications.channel.letter",
        "application_channel",
        r"信函(?!\s*[、,，和及与/或]\s*传真)(?:形式|方式)?(?:提交|提出|递交)?(?:的)?申请(?:数)?"
        + FILL
        + NUM
        + _APP_UNITS,
    ),
    Rule(
        "applications.channel.letter_fax",
        "application_channel",
        r"信函\s*[、,，和及与/或]\s*传真(?:形式|方式)?(?:提交|提出|递交)?(?:的)?申请(?:数)?"
        + FILL
        + NUM
        + _APP_UNITS,
    ),
    Rule(
        "applications.channel.fax",
        "application_channel",
        r"(?<!信函\s*[、,，和及与/或]\s*)传真(?:形式|方式)?(?:提交|提出|递交)?(?:的)?申请(?:数)?"
        + FILL
        + NUM
        + _APP_UNITS,
    ),
    Rule(
        "applications.channel.other",
        "application_channel",
        r"其他(?:形式|方式|渠道)(?:提交|提出|递交)?(?:的)?申请(?:数)?" + FILL + NUM + _APP_UNITS,
    ),
    Rule(
        "applications.completed",
        "applications_completed",
        r"(?:受理办结|申请办结|办结(?:政府信息公开)?申请)(?:数)?" + FILL + NUM + _APP_UNITS,
        subtotal_guard=True,
    ),
    # ``17件申请均已办结``: the figure first.
    Rule(
        "applications.completed",
        "applications_completed",
        NUM + r"\s*(?P<unit>件)\s*(?:政府信息公开|信息公开|依申请公开)?申请(?:均|全部|已全部)?(?:已)?(?:全部)?办结",
        subtotal_guard=True,
    ),
    # ``已办结46件`` in text about requests; ``当场办结``/``按时办结`` are other figures.
    Rule(
        "applications.completed",
        "applications_completed",
        r"(?<![场时期内])(?:已|共|均已)?办结(?:数)?" + FILL + NUM + _APP_UNITS,
        subtotal_guard=True,
        reject=lambda c, m: not _about_applications(c, m.start()),
    ),
    Rule(
        "applications.answered",
        "applications_answered",
        # ``其他类型答复2件`` is one kind of answer (an outcome), not the answered total.
        r"(?<![待未])(?<!其他)(?<!其他类型)(?<!其他形式)(?:已)?答复(?:申请)?(?:件数|总数|数量|数)?"
        + FILL
        + NUM
        + _APP_UNITS_OPT,
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
    ("not_this_agency",
     r"不属于本(?:行政)?(?:机关|单位|部门)(?:公开|职责|掌握)?(?:的)?(?:范围)?"
     r"|(?:非|不是)本(?:行政)?(?:机关|单位|部门)掌握(?:的)?(?:政府)?(?:信息)?"),
    # ``已主动公开政府信息1200条`` is a proactive figure: the outcome needs 属于 or 范围.
    ("already_public", r"属于已(?:经)?主动公开(?:的)?(?:范围)?|已(?:经)?主动公开(?:的)?范围"),
    ("partial", r"(?:同意)?部分(?:予以)?公开"),
    ("denied", r"不予(?:以)?公开|不同意公开"),
    ("granted", r"(?<![不未])(?:同意|予以|准予)公开"),
    ("supplement", r"告知(?:作出)?更改[、]?补充|告知补正"),
    ("other_channel", r"告知通过其他途径办理"),
    ("other", r"其他(?:类型|形式|方式)?(?:的)?答复"),
)
_OUTCOME_TAIL = (
    r"[”\"」]?(?:的)?(?:政府信息)?(?:答复)?(?:类)?(?:数量|件数|总数|数)?[”\"」]?" + FILL + NUM + _APP_UNITS_OPT
)
_OUTCOME = regex.compile(
    r"[“\"「]?(?:" + "|".join(f"(?P<{n}>{rx})" for n, rx in _OUTCOME_LABELS) + r")" + _OUTCOME_TAIL
)
# A quoted label of any wording followed by its figure: ``“非政府信息、…的信息”3件``.
_QUOTED_OUTCOME = regex.compile(r"[“\"「](?P<label>[^”\"」\n]{2,40})[”\"」]" + FILL + NUM + _APP_UNITS)
_OUTCOME_CLASSIFY: tuple[tuple[str, regex.Pattern[str]], ...] = tuple(
    (n, regex.compile(rx.replace("(?<![不未])", ""))) for n, rx in _OUTCOME_LABELS
)


_QUOTED_ALREADY_PUBLIC = regex.compile(r"已(?:经)?主动公开")
_REFUSAL = regex.compile(r"不(?:予|同意)")


def _about_applications(c: Collector, pos: int) -> bool:
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


def rule_outcomes(c: Collector) -> None:
    for m in _OUTCOME.finditer(c.text):
        if m.group("unit") is None and "\n" in c.text[m.start() : m.start("num")]:
            continue
        if not _about_applications(c, m.start()):
            continue
        name = next(n for n, _ in _OUTCOME_LABELS if m.group(n))
        if name == "not_gov_info" and _in_denial_breakdown(c, m.start()):
            continue  # a reason for refusal (rule_denied_reasons)
        emit_simple(c, m, f"applications.outcome.{name}", "application_outcome")
    for m in _QUOTED_OUTCOME.finditer(c.text):
        quoted = _classify_outcome(m.group("label"))
        if quoted is not None and _about_applications(c, m.start()):
            emit_simple(c, m, f"applications.outcome.{quoted}", "application_outcome_quoted")


# ``按时办结``/``延期办结`` also describe administrative licensing, so they are only read in a
# sentence about applications.
_COMPLETED_TIMING = regex.compile(
    r"(?P<kind>按时|按期|如期|在法定期限内|延期)办结(?:申请)?(?:数)?" + FILL + NUM + r"\s*(?P<unit>件|条)"
)


def rule_completed_timing(c: Collector) -> None:
    for m in _COMPLETED_TIMING.finditer(c.text):
        if not _about_applications(c, m.start()):
            continue
        path = "applications.completed_extended" if m.group("kind") == "延期" else "applications.completed_on_time"
        emit_simple(c, m, path, "applications_completed_timing")


# Reasons given for 不予公开 (legacy table rows), read only in text about requests.
_DENIED_REASONS: tuple[tuple[str, str], ...] = (
    ("state_secret", r"涉及国家秘密|属于国家秘密"),
    ("commercial_secret", r"涉及商业秘密|属于商业秘密"),
    ("privacy", r"涉及个人隐私|属于个人隐私"),
    ("security_stability", r"危及国家安全、?公共安全、?经济安全(?:和|、)?社会稳定"),
    ("other_law", r"法律法规规定的其他情形"),
    ("not_gov_info", r"不是《?条例》?所指(?:的)?政府信息|非《条例》所指(?:的)?政府信息"),
)
_DENIED_REASON = regex.compile(
    r"(?:" + "|".join(f"(?P<{n}>{rx})" for n, rx in _DENIED_REASONS) + r")(?:的)?" + FILL + NUM + _APP_UNITS
)


# The figure first, its reason after: ``不予公开的1件，因申请内容涉及个人隐私``,
# ``其他类型答复的2件，均属于非本机关掌握的信息``. The figure is that of an answer named just
# before it (``…范围的6件,申请信息不存在的3件`` is label-then-figure), and the reason must
# open the next clause.
_EXPLAINED_LABELS: tuple[tuple[str, str], ...] = tuple(
    (f"denied_reason.{n}", rx) for n, rx in _DENIED_REASONS
) + tuple(
    (f"outcome.{n}", rx)
    for n, rx in _OUTCOME_LABELS
    if n in {"not_gov_info", "not_exist", "not_this_agency", "already_public", "other_channel"}
)
_EXPLAINED = regex.compile(
    r"(?:不予(?:以)?公开|不同意公开|其他(?:类型|形式)?(?:的)?答复)(?P<de>的)?\s*"
    + NUM
    + _APP_UNITS
    + r"\s*[,，:：(（]\s*(?:均|都|全部|皆)?\s*(?:因|系|为|是|属于|属|由于)?"
    r"[^。;；,，\d]{0,12}?(?:"
    + "|".join(f"(?P<r{i}>{rx})" for i, (_, rx) in enumerate(_EXPLAINED_LABELS))
    + ")"
)


# ``不同意公开的24件中，…不是《条例》所指政府信息4件``: within the refusals' breakdown the
# not-government-information label is a reason for refusal, elsewhere an answer of its own.
_DENIAL_BREAKDOWN = regex.compile(
    r"(?:不同意公开|不予(?:以)?公开)(?:的)?(?:答复)?\s*(?:\d+|[一二两三四五六七八九十]+)\s*件\s*(?:中|当中|里)"
    r"|(?:不同意公开|不予(?:以)?公开)[^。;；]{0,12}?其中"
)


def _in_denial_breakdown(c: Collector, pos: int) -> bool:
    return bool(_DENIAL_BREAKDOWN.search(c.prefix(pos)))


_DIGIT_SOON = regex.compile(r"\d|[一二两三四五六七八九十]+\s*件")


def rule_denied_reasons(c: Collector) -> None:
    for m in _DENIED_REASON.finditer(c.text):
        if not _about_applications(c, m.start()):
            continue
        name = next(n for n, _ in _DENIED_REASONS if m.group(n))
        if name == "not_gov_info" and not _in_denial_breakdown(c, m.start()):
            continue
        emit_simple(c, m, f"applications.denied_reason.{name}", "denied_reason")
    for m in _EXPLAINED.finditer(c.text):
        if not _about_applications(c, m.start()):
            continue
        if m.group("de") is None and _DIGIT_SOON.search(c.text, m.end(), m.end() + 6):
            continue  # ``不予公开3件，涉及国家秘密1件``: the reason has a figure of its own
        i = next(i for i in range(len(_EXPLAINED_LABELS)) if m.group(f"r{i}"))
        emit_simple(c, m, f"applications.{_EXPLAINED_LABELS[i][0]}", "explained_count")


# ---------------------------------------------------------------------------------------
# Stated zeros
# ---------------------------------------------------------------------------------------

# ``未收到政府信息公开申请``, ``无政府信息公开申请``, ``未发生…依申请公开政府信息情况``.
_ZERO_APPLICATIONS = regex.compile(
    r"(?<!尚)(?:未|没有)(?:收到|接到|受理|接受)(?:过)?(?:任何)?[^,，。;；\d]{0,8}?信息公开(?:的)?申请"
    r"|无(?:任何)?(?:政府)?信息公开申请"
    r"|(?:未|没有)发生[^,，。;；\d]{0,10}?依申请公开"
    r"|(?:无|没有)依申请公开(?:政府信息)?(?:事项|情况|申请)"
)

# A negation, then (within the same clause, with no figure in between) the names of the
# remedies it denies: ``未发生因政府信息公开申请行政复议、提起行政诉讼的案件``.
_NEGATION = regex.compile(
    r"(?<!尚)(?:未发生|没有发生|未出现|没有出现|未存在|不存在|未有|没有|未收到|没有收到|未接到|未接受|未受理|无)"
)
_NOT_A_DENIAL = regex.compile(r"正当理由|法定|需|须")
_OUTCOME_DENIAL = regex.compile(r"(?:案件)?(?:被纠错|被撤销|败诉)")
# The denial reaches to the end of its clause; a figure also ends it (``无…2件`` is a count).
_CLAUSE_STOP = regex.compile(r"[,，。;；!！?？\n\d]")
_REMEDIES: tuple[tuple[str, regex.Pattern[str]], ...] = (
    ("review.total", regex.compile(r"(?:行政)?复议")),
    ("litigation.total", regex.compile(r"(?:行政)?诉讼")),
    ("complaints.total", regex.compile(r"(?:申诉|举报|投诉)(?!类)")),
)


_DISCLOSURE_WORDS = regex.compile(r"信息公开|依申请公开|公开申请")


def _about_disclosure(c: Collector, pos: int) -> bool:
    """Review/litigation/complaint figures count only when tied to disclosure: the sentence, or
    the text just before it (a heading such as ``因政府信息公开申请行政复议…的情况``), says so.
    A 司法局 report's ``办理行政复议案件35件`` is its general caseload."""
    s, e = c.sentence(pos)
    return bool(_DISCLOSURE_WORDS.search(c.text[max(0, s - 150) : e]))


def rule_zero_remedies(c: Collector) -> None:
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


def rule_zero_applications(c: Collector) -> None:
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
_NOT_A_COUNT_AFTER = regex.compile(r"^\s*(?:涉及|中|里|是|为|属于)")


def _reject_remedy_count(c: Collector, m: regex.Match[str]) -> bool:
    return bool(_NOT_A_COUNT_AFTER.match(c.text[m.end() : m.end() + 4])) or not _about_disclosure(c, m.start())


REMEDY_RULES: tuple[Rule, ...] = (
    Rule(
        "review.total",
        "review_total",
        r"(?:行政)?复议(?:申请)?(?:案件|案)?(?:数量|总数|数)?" + FILL + NUM + _CASE_UNITS,
        reject=_reject_remedy_count,
    ),
    Rule(
        "litigation.total",
        "litigation_total",
        r"(?:行政)?诉讼(?:案件|案)?(?:数量|总数|数)?" + FILL + NUM + _CASE_UNITS,
        reject=_reject_remedy_count,
    ),
    Rule(
        "complaints.total",
        "complaints_total",
        r"(?<!信访)(?:举报|投诉|申诉)(?:件|案件|案)?(?:数量|总数|数)?" + FILL + NUM + _CASE_UNITS,
        reject=_reject_remedy_count,
    ),
)

_OUTCOME_WORDS = (
    r"维持(?:具体行政行为|原行政行为|原具体行政行为)?|驳回(?:原告)?(?:诉讼请求|起诉)?"
    r"|被依法纠错|被纠错|纠错|纠正|撤销|确认违法|其他结果|其他情形|其他|尚未审结|未审结"
)
_REMEDY_OUTCOME_BEFORE = regex.compile(
    r"(?:结果)?(?P<lab>" + _OUTCOME_WORDS + r")(?:的)?" + FILL + NUM + _CASE_UNITS
)
_REMEDY_OUTCOME_AFTER = regex.compile(NUM + _CASE_UNITS + r"\s*(?:被)?(?P<lab>" + _OUTCOME_WORDS + r")")
_REMEDY_CONTEXT = regex.compile(r"(?P<review>复议)|(?P<litigation>诉讼|起诉)|(?P<complaints>举报|投诉|申诉)")


def _outcome_key(label: str) -> str:
    if label.startswith(("维持", "驳回")):
        return "upheld"
    if label.startswith(("其他",)):
        return "other"
    if "审结" in label:
        return "pending"
    return "corrected"


def rule_remedy_outcomes(c: Collector) -> None:
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
            c.add(path, parse_number(m.group("num")), "remedy_outcome", s, e)
    _shared_outcomes(c)


# ``行政复议1件，经复议，维持了我局的具体行政行为``, ``行政诉讼2件，均驳回原告诉讼请求``: one
# outcome for every case of the count, stated without a figure of its own.
_SHARED_OUTCOME = regex.compile(r"(?P<all>均|全部|都)?\s*(?:被|已)?(?:依法)?(?:予以)?(?P<lab>" + _OUTCOME_WORDS + ")")
_FAMILY_WORDS = {"review": ("复议",), "litigation": ("诉讼", "起诉", "判决", "法院"),
                 "complaints": ("举报", "投诉", "申诉")}
_SHARED_REACH = 30


def _shared_outcomes(c: Collector) -> None:
    stated = {cand.path for cand in c.out}
    for cand in list(c.out):
        family = cand.path.removesuffix(".total")
        if cand.path not in ("review.total", "litigation.total", "complaints.total") or not cand.value:
            continue
        _, send = c.sentence(cand.end)
        m = _SHARED_OUTCOME.search(c.text, cand.end, min(send, cand.end + _SHARED_REACH))
        if m is None:
            continue
        gap = c.text[cand.end : m.start()]
        others = [w for f, words in _FAMILY_WORDS.items() if f != family for w in words]
        if any(ch.isdigit() for ch in gap) or any(w in gap for w in others):
            continue
        key = _outcome_key(m.group("lab"))
        path = f"{family}.{key}"
        if (key == "pending" and family != "review") or path in stated:
            continue
        if cand.value == 1 or m.group("all"):
            c.add(path, cand.value, "shared_outcome", cand.start, cand.end)

