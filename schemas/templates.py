"""The official table templates, as data: rows, columns, label patterns and identities.

The parsers in ``extractor.tables`` are generic code over these templates. Label
patterns are regular expressions searched in a cell's text after normalization
(simplified, NFKC, whitespace removed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .vocabulary import REQUEST_COLUMNS


@dataclass(frozen=True)
class RowSpec:
    path: str  # the field path, or a path prefix for multi-column rows
    pattern: str
    contexts: tuple[str, ...] = ()  # the row only counts under one of these parent rows
    sets_context: str | None = None  # a parent row: the children that follow belong to it
    exclude: str | None = None


# --- gb2019 / gb2021: 第二十条 blocks -------------------------------------------------
@dataclass(frozen=True)
class ArticleBlock:
    item: str  # the item of 第二十条 the block reports, e.g. 一 for 第二十条第(一)项
    rows: tuple[tuple[str, str], ...]  # (field prefix, label pattern)
    columns: dict[str, tuple[str, ...]]  # format -> field suffixes in printed order


ARTICLE_BLOCKS: tuple[ArticleBlock, ...] = (
    ArticleBlock(
        "一",
        (("proactive.regulations", r"^规章$"), ("proactive.normative", r"规范性文件")),
        {"gb2019": ("issued", "published", "public_total"), "gb2021": ("issued", "repealed", "in_force")},
    ),
    ArticleBlock(
        "五",
        (("proactive.licensing", r"^行政许可$"), ("proactive.other_services", r"其他对外管理服务")),
        {"gb2019": ("prev_items", "change", "decisions"), "gb2021": ("decisions",)},
    ),
    ArticleBlock(
        "六",
        (("proactive.penalty", r"^行政处罚$"), ("proactive.coercion", r"^行政强制$")),
        {"gb2019": ("prev_items", "change", "decisions"), "gb2021": ("decisions",)},
    ),
    ArticleBlock(
        "八",
        (("proactive.fees", r"行政事业性收费"),),
        {"gb2019": ("prev_items", "change"), "gb2021": ("amount_wan",)},
    ),
    ArticleBlock(
        "九",
        (("proactive.procurement", r"政府集中采购"),),
        {"gb2019": ("items", "amount_yuan"), "gb2021": ("items", "amount_yuan")},
    ),
)

# --- gb2019 / gb2021: the applications table -------------------------------------------
REQUEST_ROW_PATTERNS: tuple[tuple[str, str], ...] = (
    ("new_received", r"本年新收"),
    ("carried_over", r"上年结转"),
    ("granted", r"予以公开"),
    ("partial", r"部分公开"),
    ("denied_state_secret", r"国家秘密"),
    ("denied_law", r"法律行政法规禁止|其他法律行政"),
    ("denied_security", r"三安全一稳定"),
    ("denied_third_party", r"第三方合法权益"),
    ("denied_internal", r"三类内部事务"),
    ("denied_process", r"四类过程性"),
    ("denied_enforcement", r"行政执法案卷"),
    ("denied_query", r"行政查询事项"),
    ("unable_not_held", r"不掌握相关"),
    ("unable_create", r"没有现成信息|另行制作"),
    ("unable_unclear", r"仍不明确"),
    ("reject_petition", r"信访举报投诉"),
    ("reject_duplicate", r"重复申请"),
    ("reject_publication", r"公开出版物"),
    ("reject_excessive", r"大量反复"),
    ("reject_confirm", r"确认或重新出具"),
    ("other_no_supplement", r"逾期不补正"),
    ("other_no_fee", r"收费通知|缴纳费用"),
    ("other_misc", r"^3[.、]?其他$"),
    ("other", r"其他处理"),
    ("total", r"^\(七\)总计|^总计$"),
    ("carried_forward", r"结转下年度"),
)
_REQUEST_ROW_RES = tuple((row, re.compile(pattern)) for row, pattern in REQUEST_ROW_PATTERNS)


@lru_cache(maxsize=4096)
def request_row_of(label: str) -> str | None:
    """The applications-table row a printed label names, or None."""
    compact = re.sub(r"\s+", "", label)
    for row, pattern in _REQUEST_ROW_RES:
        if pattern.search(compact):
            return row
    return None


# The printed numbering in front of each sub-row's label: in text whose cells are glued
# together it is the only way to tell a row's last digits from the next label's number.
REQUEST_ROW_NUMBERING: dict[str, str] = {
    "denied_state_secret": "1", "denied_law": "2", "denied_security": "3", "denied_third_party": "4",
    "denied_internal": "5", "denied_process": "6", "denied_enforcement": "7", "denied_query": "8",
    "unable_not_held": "1", "unable_create": "2", "unable_unclear": "3",
    "reject_petition": "1", "reject_duplicate": "2", "reject_publication": "3", "reject_excessive": "4",
    "reject_confirm": "5", "other_no_supplement": "1", "other_no_fee": "2",
}
_OUTCOMES_COMMON = (
    "granted", "partial",
    "denied_state_secret", "denied_law", "denied_security", "denied_third_party",
    "denied_internal", "denied_process", "denied_enforcement", "denied_query",
    "unable_not_held", "unable_create", "unable_unclear",
    "reject_petition", "reject_duplicate", "reject_publication", "reject_excessive", "reject_confirm",
)
REQUEST_OUTCOMES_23 = (*_OUTCOMES_COMMON, "other")
REQUEST_OUTCOMES_25 = (*_OUTCOMES_COMMON, "other_no_supplement", "other_no_fee", "other_misc")
REQUEST_ROWS_23 = ("new_received", "carried_over", *REQUEST_OUTCOMES_23, "total", "carried_forward")
REQUEST_ROWS_25 = ("new_received", "carried_over", *REQUEST_OUTCOMES_25, "total", "carried_forward")
REQUEST_COLUMN_ORDER = REQUEST_COLUMNS  # natural, commercial, research, social, legal, other_org, total

# --- gb2019 / gb2021: review and litigation ---------------------------------------------
REVIEW_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
REVIEW_BLOCKS = ("review", "litigation.direct", "litigation.after_review")

# --- legacy: the short appendix table (本年 / 历年累计) and the national 统计表 ------------
LEGACY_ROWS: tuple[RowSpec, ...] = (
    # proactive
    RowSpec("proactive.total", r"主动公开(?:政府)?(?:信息|文件)(?:数|总数|条数)", sets_context="proactive",
            exclude=r"规范性文件"),
    RowSpec("proactive.normative_docs", r"主动公开规范性文件"),
    RowSpec("proactive.normative_docs_issued", r"制发规范性文件"),
    RowSpec("proactive.channel.gazette", r"(?:政府)?公报公开"),
    RowSpec("proactive.channel.website", r"(?:政府)?网站公开"),
    RowSpec("proactive.channel.weibo", r"政务微博公开"),
    RowSpec("proactive.channel.wechat", r"政务微信公开"),
    RowSpec("proactive.channel.other", r"其他方式公开"),
    # responses
    RowSpec("responses.hot_topics", r"回应公众关注热点|重大舆情数"),
    RowSpec("responses.press_conferences_by_head", r"主要负责同志参加新闻发布会"),
    RowSpec("responses.press_conferences", r"新闻发布会(?:总)?次数"),
    RowSpec("responses.online_interviews_by_head", r"主要负责同志参加政府网站在线访谈"),
    RowSpec("responses.online_interviews", r"在线访谈次数"),
    RowSpec("responses.interpretations", r"政策解读"),
    RowSpec("responses.weibo_wechat", r"微博微信回应"),
    RowSpec("responses.other", r"其他方式回应"),
    # applications
    RowSpec("applications.received", r"(?:收到|受理)(?:政府信息公开)?申请(?:总)?数?", sets_context="applications"),
    RowSpec("applications.channel.in_person", r"当面申请"),
    RowSpec("applications.channel.letter_fax", r"信函[、,]?传真申请"),
    RowSpec("applications.channel.fax", r"传真申请"),
    RowSpec("applications.channel.online", r"网络申请|网上申请"),
    RowSpec("applications.channel.letter", r"信函申请"),
    RowSpec("applications.channel.other", r"其他形式"),
    RowSpec("applications.completed_on_time", r"按时办结"),
    RowSpec("applications.completed_extended", r"延期办结"),
    RowSpec("applications.completed", r"申请办结数"),
    RowSpec("applications.answered", r"申请(?:的)?答复(?:总)?数|答复总数"),
    RowSpec("applications.outcome.already_public", r"已主动公开范围"),
    RowSpec("applications.outcome.partial", r"同意部分公开"),
    RowSpec("applications.outcome.denied", r"不同意公开|不予公开"),
    RowSpec("applications.outcome.granted", r"同意公开"),
    RowSpec("applications.outcome.not_this_agency", r"不属于本行政机关"),
    RowSpec("applications.outcome.not_exist", r"申请信息不存在"),
    RowSpec("applications.outcome.supplement", r"更改补充"),
    RowSpec("applications.outcome.other_channel", r"其他途径"),
    RowSpec("applications.outcome.other", r"其他类型答复"),
    RowSpec("applications.denied_reason.state_secret", r"涉及国家秘密"),
    RowSpec("applications.denied_reason.commercial_secret", r"涉及商业秘密"),
    RowSpec("applications.denied_reason.privacy", r"涉及个人隐私"),
    RowSpec("applications.denied_reason.security_stability", r"危及国家安全"),
    RowSpec("applications.denied_reason.not_gov_info", r"不是《条例》所指"),
    RowSpec("applications.denied_reason.other_law", r"法律法规规定的其他情形"),
    # 依申请公开信息收取的费用: the national table of 2008-2014 words it so.
    RowSpec("fees.amount_yuan", r"收费(?:及减免|减免)?金额?|减免金额|收取(?:的)?费用"),
    # review, litigation, complaints: the children follow their parent row
    RowSpec("review.total", r"行政复议(?:数量|数|案件数)", sets_context="review"),
    RowSpec("litigation.total", r"行政诉讼(?:数量|数|案件数)", sets_context="litigation"),
    RowSpec("complaints.total", r"举报投诉数量?|申诉[、,]?举报数|被举报投诉", sets_context="complaints"),
    RowSpec("review.upheld", r"维持具体行政行为", contexts=("review",)),
    RowSpec("review.corrected", r"纠错", contexts=("review",)),
    RowSpec("review.other", r"其他情形", contexts=("review",)),
    RowSpec("litigation.upheld", r"维持具体行政行为|驳回原告", contexts=("litigation",)),
    RowSpec("litigation.corrected", r"纠错", contexts=("litigation",)),
    RowSpec("litigation.other", r"其他情形", contexts=("litigation",)),
    RowSpec("complaints.upheld", r"维持具体行政行为", contexts=("complaints",)),
    RowSpec("complaints.corrected", r"纠错", contexts=("complaints",)),
    RowSpec("complaints.other", r"其他情形", contexts=("complaints",)),
    # archives, websites, gazette, reading points
    RowSpec("archives.submitted", r"查阅场所报送|报送信息数", sets_context="archives"),
    RowSpec("archives.paper", r"纸质文件", contexts=("archives",)),
    RowSpec("archives.electronic", r"电子文件", contexts=("archives",)),
    RowSpec("websites.total", r"开通政府信息公开网站|信息公开专栏\)?数", sets_context="websites"),
    RowSpec("websites.county", r"区县政府及其部门", contexts=("websites",)),
    RowSpec("websites.township", r"乡镇政府", contexts=("websites",)),
    RowSpec("gazette.circulation", r"政府公报发行量", sets_context="gazette"),
    RowSpec("gazette.issues", r"公报发行期数", contexts=("gazette",)),
    RowSpec("gazette.copies", r"公报发行总份数", contexts=("gazette",)),
    RowSpec("reading_points.total", r"设置政府信息查阅点", sets_context="reading_points"),
    RowSpec("reading_points.visitors", r"查阅点接待人数", sets_context="reading_points.visitors"),
    RowSpec("reading_points.county", r"区县政府及其部门", contexts=("reading_points",)),
    RowSpec("reading_points.township", r"乡镇政府", contexts=("reading_points",)),
    RowSpec("reading_points.visitors_county", r"区县政府及其部门", contexts=("reading_points.visitors",)),
    RowSpec("reading_points.visitors_township", r"乡镇政府", contexts=("reading_points.visitors",)),
    # organisation, budget, training
    RowSpec("staff.agencies", r"专门机构数", sets_context="staff"),
    RowSpec("staff.total", r"从事政府信息公开工作人员", sets_context="staff"),
    RowSpec("staff.full_time", r"专职人员", contexts=("staff",)),
    RowSpec("staff.part_time", r"兼职人员", contexts=("staff",)),
    RowSpec("budget.special_wan", r"专项经费"),
    RowSpec("training.meetings", r"工作会议|专题会议"),
    RowSpec("training.classes", r"培训班"),
    RowSpec("training.trainees", r"接受培训人员"),
)

# Parts that must add up to a whole (legacy); the check is skipped when a part is missing.
LEGACY_IDENTITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("applications.received", ("applications.channel.in_person", "applications.channel.online",
                               "applications.channel.letter_fax")),
    ("applications.received", ("applications.channel.in_person", "applications.channel.online",
                               "applications.channel.letter", "applications.channel.fax",
                               "applications.channel.other")),
    ("applications.answered", ("applications.outcome.granted", "applications.outcome.partial",
                               "applications.outcome.denied", "applications.outcome.other")),
    ("applications.answered", ("applications.outcome.already_public", "applications.outcome.granted",
                               "applications.outcome.partial", "applications.outcome.denied",
                               "applications.outcome.not_this_agency", "applications.outcome.not_exist",
                               "applications.outcome.supplement", "applications.outcome.other_channel")),
    ("applications.completed", ("applications.completed_on_time", "applications.completed_extended")),
    ("applications.outcome.denied", ("applications.denied_reason.state_secret",
                                     "applications.denied_reason.commercial_secret",
                                     "applications.denied_reason.privacy",
                                     "applications.denied_reason.security_stability",
                                     "applications.denied_reason.not_gov_info",
                                     "applications.denied_reason.other_law")),
    ("review.total", ("review.upheld", "review.corrected", "review.other")),
    ("litigation.total", ("litigation.upheld", "litigation.corrected", "litigation.other")),
    ("complaints.total", ("complaints.upheld", "complaints.corrected", "complaints.other")),
    ("staff.total", ("staff.full_time", "staff.part_time")),
    ("archives.submitted", ("archives.paper", "archives.electronic")),
    ("websites.total", ("websites.county", "websites.township")),
    ("reading_points.total", ("reading_points.county", "reading_points.township")),
    ("reading_points.visitors", ("reading_points.visitors_county", "reading_points.visitors_township")),
    ("proactive.total", ("proactive.category.institutional", "proactive.category.policy",
                         "proactive.category.planning", "proactive.category.licensing",
                         "proactive.category.major_projects", "proactive.category.livelihood",
                         "proactive.category.welfare", "proactive.category.land_env",
                         "proactive.category.sci_edu_health", "proactive.category.safety",
                         "proactive.category.other")),
)

# A part that can never exceed its whole (a channel larger than the de-duplicated total).
LEGACY_BOUNDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("proactive.total", ("proactive.channel.website", "proactive.channel.gazette", "proactive.channel.weibo",
                         "proactive.channel.wechat", "proactive.channel.other")),
    ("applications.received", ("applications.channel.in_person", "applications.channel.online",
                               "applications.channel.letter", "applications.channel.fax",
                               "applications.channel.letter_fax", "applications.channel.other")),
)
