"""Narrative rules (extractor.sentences): hand-written sentences per rule, then the bundled corpus.

The clean text is produced by a normalizer written elsewhere; these tests approximate it
(OpenCC t2s, NFKC, no spaces between CJK characters and digits) so they stay offline and fast.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import opencc
import pytest

from extractor.document import Candidate
from extractor.sentences import for_format, sentence_candidates
from extractor.sentences_common import parse_number

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIRS = (ROOT / "evals" / "gold" / "seeds", ROOT / "evals" / "gold" / "dev")
CORPUS = {"seeds": ROOT / "evals" / "corpus" / "seeds", "dev": ROOT / "evals" / "corpus" / "dev"}

_CC = opencc.OpenCC("t2s")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff\d]) (?=[\u4e00-\u9fff])|(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff\d])")
_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
_PAGE_NUMBER = re.compile(r"\s*-\s*\d+\s*-\s*")


def clean(text: str, *, strip_pinyin: bool = False) -> str:
    """Approximation of the project's normalizer."""
    text = unicodedata.normalize("NFKC", _CC.convert(text))
    if strip_pinyin:
        text = _PINYIN.sub("", text)
    return _CJK_SPACE.sub("", text)


def join_wraps(text: str) -> str:
    """Approximate PDF wrap joining: drop page numbers, glue a full line to the next one."""
    out: list[str] = []
    for line in text.split("\n"):
        if _PAGE_NUMBER.fullmatch(line):
            continue
        if out and len(out[-1].strip()) >= 25 and not re.search(r"[。:;!?]\s*$", out[-1]):
            out[-1] = out[-1].rstrip() + line.lstrip()
        else:
            out.append(line)
    return "\n".join(out)


# ---------------------------------------------------------------------------------------
# Span discipline, checked for every candidate of every test text
# ---------------------------------------------------------------------------------------

_NEGATION_MARK = re.compile(r"未|无|没有|不|免")
_DATE_IN_WORDS = re.compile(r"[〇零○O一二三四五六七八九]{4}年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日")
_DATE_PRINTED = re.compile(r"((?:19|20)\d{2})?\s*年?\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(\d{4})-(\d{1,2})-(\d{1,2})")


def _squash(s: str) -> str:
    s = re.sub(r"\s+", "", s)
    return re.sub(r"[-‐‑‒–—―－﹣−]", "-", s)


def check_span(text: str, cand: Candidate) -> None:
    printed = text[cand.start : cand.end]
    assert 0 <= cand.start < cand.end <= len(text), cand
    if cand.path.startswith("meta.period") or cand.path == "meta.published":
        if _DATE_IN_WORDS.fullmatch(printed):
            return  # 二〇二〇年一月十五日; the value is checked by the test that prints it
        m = _DATE_PRINTED.search(printed)
        assert m, (cand, printed)
        y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5), m.group(6))
        assert str(cand.value).endswith(f"-{int(mo):02d}-{int(d):02d}"), (cand, printed)
        if y:
            assert str(cand.value).startswith(y), (cand, printed)
        return
    if isinstance(cand.value, str):
        if cand.path == "meta.level":
            return  # inferred from the agency name the span covers
        assert _squash(str(cand.value)) in _squash(printed), (cand, printed)
        return
    digits = re.sub(r"[,\s]", "", printed)
    if re.fullmatch(r"[零〇一二两三四五六七八九十百千]+", digits):
        assert cand.value == parse_number(digits), (cand, printed)  # 三件, 一百零三条
    elif re.fullmatch(r"\d+(?:\.\d+)?", digits):
        number = float(digits)
        assert float(cand.value) in (number, number * 10000, number / 10000), (cand, printed)
    else:
        # A stated zero: the span is the words that state it.
        assert cand.value == 0, (cand, printed)
        assert _NEGATION_MARK.search(printed), (cand, printed)


def candidates_checked(text: str) -> list[Candidate]:
    cands = sentence_candidates(text)
    keys = [(c.path, c.start, c.end) for c in cands]
    assert len(keys) == len(set(keys)), "a (path, span) was returned twice"
    for cand in cands:
        assert cand.method == "sentence" and cand.rule
        check_span(text, cand)
    return cands


def values(text: str, path: str) -> list[Any]:
    """Values found for ``path`` in already-clean ``text`` (spans checked on the way)."""
    return [c.value for c in candidates_checked(text) if c.path == path]


# ---------------------------------------------------------------------------------------
# One small case per rule, in phrasings other than the corpus's
# ---------------------------------------------------------------------------------------

POSITIVE: list[tuple[str, str, Any]] = [
    # proactive totals and channels
    ("2019年，全县共主动公开政府信息1,234条，历年累计8,765条。", "proactive.total", 1234),
    ("2019年，全县共主动公开政府信息1,234条，历年累计8,765条。", "cumulative.proactive.total", 8765),
    ("本年度主动公开政府信息数量：318条。", "proactive.total", 318),
    ("2020年，莘口镇主动公开政府信息共25，其中：机构职能类24条", "proactive.total", 25),
    ("截至2018年底，历年累计主动公开政府信息4321条。", "cumulative.proactive.total", 4321),
    ("通过政府门户网站主动公开政府信息860条。", "proactive.channel.website", 860),
    ("通过“XX发布”政务微博主动公开政府信息97条。", "proactive.channel.weibo", 97),
    ("通过政务微信公众号主动公开政府信息45条。", "proactive.channel.wechat", 45),
    ("通过政府公报主动公开政府信息0条。", "proactive.channel.gazette", 0),
    ("通过政府网站、政务微博等渠道主动公开政府信息900条。", "proactive.total", 900),
    # categories
    ("其中：机构职能类12条；政策法规类信息8条；其他类信息3条。", "proactive.category.institutional", 12),
    ("其中：机构职能类12条；政策法规类信息8条；其他类信息3条。", "proactive.category.policy", 8),
    ("其中：机构职能类12条；政策法规类信息8条；其他类信息3条。", "proactive.category.other", 3),
    ("规划计划类信息5条，占2.1%", "proactive.category.planning", 5),
    ("重大建设项目类信息17条", "proactive.category.major_projects", 17),
    ("民政扶贫救灾、社会保障就业类信息21条", "proactive.category.welfare", 21),
    ("国土资源、城乡建设、环保能源类信息9条", "proactive.category.land_env", 9),
    ("科教文体卫生类 6 条", "proactive.category.sci_edu_health", 6),
    ("安全生产、应急管理类信息14条", "proactive.category.safety", 14),
    ("为民办实事类信息2条", "proactive.category.livelihood", 2),
    ("行政许可类信息30条", "proactive.category.licensing", 30),
    # applications
    ("本年度共受理政府信息公开申请12件，其中当面申请3件、网上申请8件、信函申请1件。", "applications.received", 12),
    ("本年度共受理政府信息公开申请12件，其中当面申请3件、网上申请8件、信函申请1件。",
     "applications.channel.in_person", 3),
    ("本年度共受理政府信息公开申请12件，其中当面申请3件、网上申请8件、信函申请1件。", "applications.channel.online", 8),
    ("本年度共受理政府信息公开申请12件，其中当面申请3件、网上申请8件、信函申请1件。", "applications.channel.letter", 1),
    ("以信函、传真方式申请5件。", "applications.channel.letter_fax", 5),
    ("传真申请2件，电子邮件申请1件。", "applications.channel.fax", 2),
    ("其他形式申请1件。", "applications.channel.other", 1),
    ("历年累计收到政府信息公开申请56件。", "cumulative.applications.received", 56),
    ("受理申请的数量：7；", "applications.received", 7),
    ("对申请的答复中，同意公开6件，同意部分公开2件，不予公开1件。", "applications.outcome.granted", 6),
    ("对申请的答复中，同意公开6件，同意部分公开2件，不予公开1件。", "applications.outcome.partial", 2),
    ("对申请的答复中，同意公开6件，同意部分公开2件，不予公开1件。", "applications.outcome.denied", 1),
    ("属于已主动公开范围的4件；不属于本行政机关公开范围3件；申请信息不存在2件。",
     "applications.outcome.already_public", 4),
    ("属于已主动公开范围的4件；不属于本行政机关公开范围3件；申请信息不存在2件。",
     "applications.outcome.not_this_agency", 3),
    ("属于已主动公开范围的4件；不属于本行政机关公开范围3件；申请信息不存在2件。", "applications.outcome.not_exist", 2),
    ("办理申请的结果：“不是《条例》所指政府信息”1件", "applications.outcome.not_gov_info", 1),
    ("答复申请时，告知作出更改补充1件，告知通过其他途径办理2件。", "applications.outcome.supplement", 1),
    ("答复申请时，告知作出更改补充1件，告知通过其他途径办理2件。", "applications.outcome.other_channel", 2),
    ("已答复申请15件，按时办结15件。", "applications.answered", 15),
    ("已答复申请15件，按时办结15件。", "applications.completed_on_time", 15),
    ("全年受理办结9件。", "applications.completed", 9),
    ("共受理政府信息公开申请46件，已办结46件，其中延期办结2件。", "applications.completed", 46),
    ("共受理政府信息公开申请46件，已办结46件，其中延期办结2件。", "applications.completed_extended", 2),
    ("对申请不同意公开3件（其中涉及国家秘密1件，涉及商业秘密2件）", "applications.denied_reason.state_secret", 1),
    ("对申请不同意公开3件（其中涉及国家秘密1件，涉及商业秘密2件）", "applications.denied_reason.commercial_secret", 2),
    # stated zeros
    ("本年度，我局未收到政府信息公开申请。", "applications.received", 0),
    ("本年度无政府信息公开申请。", "applications.received", 0),
    ("全年未发生因政府信息公开引起的行政复议和行政诉讼。", "review.total", 0),
    ("全年未发生因政府信息公开引起的行政复议和行政诉讼。", "litigation.total", 0),
    ("没有发生因政府信息公开申请行政复议的情况。", "review.total", 0),
    ("未收到有关政府信息公开的举报、投诉。", "complaints.total", 0),
    ("依申请提供政府信息，未收取任何费用。", "fees.amount_yuan", 0),
    ("政府信息公开工作没有收取费用。", "fees.amount_yuan", 0),
    ("本年度未开展政策解读工作。", "responses.interpretations", 0),
    ("政策解读数量：无", "responses.interpretations", 0),
    ("回应社会关切情况：无", "responses.hot_topics", 0),
    ("本年度未召开新闻发布会。", "responses.press_conferences", 0),
    ("2019年无政府信息公开专项经费。", "budget.special_wan", 0),
    # review / litigation / complaints with figures
    ("因政府信息公开申请提起行政复议3件，其中维持2件，纠正1件。", "review.total", 3),
    ("因政府信息公开申请提起行政复议3件，其中维持2件，纠正1件。", "review.upheld", 2),
    ("因政府信息公开申请提起行政复议3件，其中维持2件，纠正1件。", "review.corrected", 1),
    ("政府信息公开行政诉讼46件（维持25件、纠正5件、其他9件、尚未审结7件）", "litigation.total", 46),
    ("政府信息公开行政诉讼46件（维持25件、纠正5件、其他9件、尚未审结7件）", "litigation.upheld", 25),
    ("政府信息公开行政诉讼46件（维持25件、纠正5件、其他9件、尚未审结7件）", "litigation.corrected", 5),
    ("政府信息公开行政诉讼46件（维持25件、纠正5件、其他9件、尚未审结7件）", "litigation.other", 9),
    ("政府信息公开行政复议5件，其中结果维持2件，尚未审结3件。", "review.pending", 3),
    ("因政府信息公开申请行政复议2件，审理结果1件维持，1件撤销。", "review.corrected", 1),
    ("全年受理政府信息公开工作举报投诉2件。", "complaints.total", 2),
    ("截至2017年底，因政府信息公开累计被申请行政复议25件，提起行政诉讼11件。", "cumulative.litigation.total", 11),
    # fees, budget, staff
    ("全年收取政府信息公开信息处理费3940元。", "fees.amount_yuan", 3940),
    ("收取检索、复制费共计120元。", "fees.amount_yuan", 120),
    ("收取信息处理费0.5万元。", "fees.amount_yuan", 5000),
    ("政府信息公开专项经费5万元。", "budget.special_wan", 5),
    ("政府信息公开工作专项经费2000元。", "budget.special_wan", 0.2),
    ("有专职工作人员2名、兼职工作人员5名。", "staff.full_time", 2),
    ("有专职工作人员2名、兼职工作人员5名。", "staff.part_time", 5),
    ("配备了1名专职工作人员和3名兼职人员。", "staff.part_time", 3),
    ("从事政府信息公开工作人员共8人。", "staff.total", 8),
    # responses, gazette, archives, reading points
    ("发布政策解读稿件15篇。", "responses.interpretations", 15),
    ("制作政策解读21个", "responses.interpretations", 21),
    ("共发布12篇政策解读。", "responses.interpretations", 12),
    ("回应公众关注热点3次。", "responses.hot_topics", 3),
    ("举办新闻发布会4场。", "responses.press_conferences", 4),
    ("召开新闻发布会3次，其中主要负责同志参加新闻发布会1次。", "responses.press_conferences", 3),
    ("召开新闻发布会3次，其中主要负责同志参加新闻发布会1次。", "responses.press_conferences_by_head", 1),
    ("开展在线访谈6期。", "responses.online_interviews", 6),
    ("编印《XX区人民政府公报》12期。", "gazette.issues", 12),
    ("向县档案馆、图书馆报送政府信息公开文件215条。", "archives.submitted", 215),
    ("全年向市档案馆报送纸质文件120份。", "archives.paper", 120),
    ("全年向市档案馆报送纸质文件120份。", "archives.submitted", 120),
    ("向市档案馆报送文件560份，其中纸质文件300份，电子文件260份。", "archives.submitted", 560),
    ("向市档案馆报送文件560份，其中纸质文件300份，电子文件260份。", "archives.paper", 300),
    ("向市档案馆报送文件560份，其中纸质文件300份，电子文件260份。", "archives.electronic", 260),
    ("信息查阅点全年接待群众查阅300人次。", "reading_points.visitors", 300),
    ("现场查阅30人次。", "reading_points.visitors", 30),
    ("全县从事政府信息公开工作的人员共98人，其中专职12人，兼职86人。", "staff.full_time", 12),
    ("全县从事政府信息公开工作的人员共98人，其中专职12人，兼职86人。", "staff.part_time", 86),
    ("我局现有政府信息公开工作人员3名，其中专职1名，兼职2名。", "staff.total", 3),
    ("配备专职人员1名，各科室确定兼职信息员12名。", "staff.part_time", 12),
    ("全年召开政府信息公开专题会议2次，组织业务培训1次，参训人员35人次。", "training.meetings", 2),
    ("全年召开政府信息公开专题会议2次，组织业务培训1次，参训人员35人次。", "training.classes", 1),
    ("全年召开政府信息公开专题会议2次，组织业务培训1次，参训人员35人次。", "training.trainees", 35),
    ("全年共举办政府信息公开业务培训班3期，培训人员210人次。", "training.classes", 3),
    ("全县共设立政府信息查阅点24个，其中县直部门6个，乡镇18个。", "reading_points.total", 24),
    ("全县共设立政府信息查阅点24个，其中县直部门6个，乡镇18个。", "reading_points.county", 6),
    ("全县共设立政府信息查阅点24个，其中县直部门6个，乡镇18个。", "reading_points.township", 18),
    ("主动公开政府信息142条，历年累计主动公开603条。", "cumulative.proactive.total", 603),
    ("通过镇政务公开栏、村务公开栏等其他方式公开信息15条。", "proactive.channel.other", 15),
    ("通过《永春政报》公开113条。", "proactive.channel.gazette", 113),
    ("其中政策文件类信息9条。", "proactive.category.policy", 9),
    ("因政府信息公开申请被申请行政复议一件，经复议，维持了我局的具体行政行为。", "review.upheld", 1),
    ("因政府信息公开引起行政诉讼1件，法院判决驳回原告诉讼请求。", "litigation.upheld", 1),
    ("因政府信息公开申请引发行政复议2件，均维持原决定。", "review.upheld", 2),
    ("本年度新制发行政规范性文件6件，废止行政规范性文件2件。", "proactive.normative_docs_issued", 6),
    ("本年度新制发行政规范性文件6件，废止行政规范性文件2件。", "proactive.normative.repealed", 2),
    ("现行有效规范性文件31件。", "proactive.normative.in_force", 31),
    ("全年主动公开规范性文件12件。", "proactive.normative_docs", 12),
    ("其中当面申请6件，传真申请2件，网络申请21件。", "applications.channel.fax", 2),
    ("收到申请，其中信函、传真申请3件。", "applications.channel.letter_fax", 3),
    ("对申请的答复中，不同意公开的24件中，涉及国家秘密2件，不是《条例》所指政府信息4件。",
     "applications.denied_reason.not_gov_info", 4),
    ("对申请的答复中，不是《条例》所指政府信息4件。", "applications.outcome.not_gov_info", 4),
    ("17件申请均已办结，其中按时办结16件。", "applications.completed", 17),
    ("对申请，不同意公开1件（涉及个人隐私）。", "applications.denied_reason.privacy", 1),
    ("回应公众关注热点、重大舆情17次，通过政务微博、微信回应社会关切32次。", "responses.hot_topics", 17),
    ("回应公众关注热点、重大舆情17次，通过政务微博、微信回应社会关切32次。", "responses.weibo_wechat", 32),
    ("召开新闻发布会9场，其中区政府主要负责同志出席3场。", "responses.press_conferences_by_head", 3),
    ("开展在线访谈6期，其中区政府主要负责同志参加2期。", "responses.online_interviews_by_head", 2),
    ("编印《金水区人民政府公报》12期，共印发3600份。", "gazette.copies", 3600),
    ("举办政务公开业务培训班3期，培训各部门、各街道工作人员260人次。", "training.trainees", 260),
    ("通过“苍南教育”微信公众号发布128条。", "proactive.channel.wechat", 128),
    ("全年主动公开规范性文件87条。", "proactive.normative_docs", 87),
    ("其中政策法规、规范性文件类3127条。", "proactive.category.policy", 3127),
    ("在提供政府信息过程中未收取任何费用。", "fees.amount_yuan", 0),
    ("政府信息公开专项经费八万元。", "budget.special_wan", 8),
    # Chinese numerals before a measure word
    ("收到政府信息公开申请三件，其中当面申请两件，网上申请一件。", "applications.received", 3),
    ("收到政府信息公开申请三件，其中当面申请两件，网上申请一件。", "applications.channel.in_person", 2),
    ("收到政府信息公开申请三件，其中当面申请两件，网上申请一件。", "applications.channel.online", 1),
    ("受理政府信息公开申请二十六件。", "applications.received", 26),
    ("全年主动公开政府信息一百零三条。", "proactive.total", 103),
    ("有专职工作人员一名、兼职工作人员两名。", "staff.part_time", 2),
    # a closed parenthesis keeps its 累计 to itself
    ("受理政府信息公开申请26件(历年累计103件),其中当面申请11件。", "applications.channel.in_person", 11),
    ("受理政府信息公开申请26件(历年累计103件),其中当面申请11件。", "cumulative.applications.received", 103),
    # the figure first, its reason or kind after
    ("申请中不予公开1件，其他类型答复2件。", "applications.outcome.other", 2),
    ("关于申请，不予公开的1件，因申请内容涉及个人隐私。", "applications.denied_reason.privacy", 1),
    ("关于申请，其他类型答复的2件，均属于非本机关掌握的信息。", "applications.outcome.not_this_agency", 2),
    # label-then-figure after a figure-first head: each figure is its own label's
    ("其他类型答复的9件中，不属于本机关公开范围的6件，申请信息不存在的3件。", "applications.outcome.not_exist", 3),
]


@pytest.mark.parametrize(("sentence", "path", "expected"), POSITIVE)
def test_rule_positive(sentence: str, path: str, expected: Any) -> None:
    text = clean(sentence)
    got = [c.value for c in candidates_checked(text) if c.path == path]
    assert got, f"{path} not found in {sentence!r}"
    assert all(float(v) == float(expected) for v in got), got


NEGATIVE: list[tuple[str, str]] = [
    ("全年主动公开各类政府信息5500余条。", "proactive.total"),
    ("全年主动公开政府信息约5500条。", "proactive.total"),
    ("全年主动公开政府信息近千条。", "proactive.total"),
    ("全年主动公开政府信息3000多条。", "proactive.total"),
    ("共主动公开政府信息2594条，其中，乡镇政府主动公开政府信息1198条。", "proactive.total"),  # see below
    ("通过门户网站主动公开政府信息2594条。", "proactive.total"),
    ("共刊出县政府本级和各职能单位主动公开信息46条。", "proactive.total"),
    ("2017年度主动公开政府信息数量：2017年度", "proactive.total"),
    ("推进政府和社会资本合作（PPP）项目信息公开。", "proactive.total"),
    ("编制权责清单事项204项（其中行政许可6项、行政处罚5项）。", "proactive.category.licensing"),
    ("重大项目进展情况表11篇。", "proactive.category.major_projects"),
    ("其他类型答复数 2", "proactive.category.other"),
    ("确定1名分管领导负责审核，指定1名工作人员负责信息发布。", "staff.full_time"),
    ("确定1名分管领导负责审核，指定1名工作人员负责信息发布。", "staff.total"),
    ("行政服务中心共受理225504件，当场办结195978件。", "applications.completed"),
    ("行政服务中心共受理225504件，当场办结195978件。", "applications.received"),
    ("收到行政复议申请2件。", "applications.received"),
    ("已答复件数：0条、待答复件数3条", "applications.completed"),
    ("地税局通过微信公众号发布10篇营改增政策解读文章。", "responses.interpretations"),
    ("本年度内共安排20期加强政策解读。", "responses.interpretations"),
    ("2020年微信公众号累计发布信息472篇。", "proactive.channel.wechat"),
    ("因政府信息公开申请行政复议1件涉及征地拆迁。", "review.total"),
    ("本局共办理行政复议案件35件，行政诉讼应诉12件。", "review.total"),
    ("本局共办理行政复议案件35件，行政诉讼应诉12件。", "litigation.total"),
    ("全年未发生重大行政复议案件。", "review.total"),
    ("受理行政许可申请1234件。", "applications.received"),
    ("4.无正当理由大量反复申请", "applications.received"),
    ("未经复议直接起诉", "litigation.total"),
    ("不收取行政事业性收费的项目有3项。", "fees.amount_yuan"),
    ("扶贫专项经费500万元。", "budget.special_wan"),
    ("对涉及群众切身利益的信息予以公开112条。", "applications.outcome.granted"),
    ("截至目前，已主动公开政府信息1200条。", "applications.outcome.already_public"),
    ("通过网站改版，全年主动公开政府信息300条。", "proactive.channel.website"),
    ("刊出政务公开栏4期。", "gazette.issues"),
    ("网站政府信息公开专栏访问量235.8446万人次。", "reading_points.visitors"),
    ("承诺件按期办结率100%。", "applications.completed_on_time"),
    ("县行政服务中心当场办结195978件。", "applications.completed"),
    ("全年信访举报投诉类申请3件；办理环境信访投诉2345件。", "complaints.total"),
    ("在答复的申请中，不予公开1件，其他类型答复2件。", "applications.answered"),
    ("组织培训政府信息公开工作人员35人。", "staff.total"),
    ("召开党委会议12次，研究经济工作。", "training.meetings"),
    ("对申请，不予公开3件，涉及国家秘密1件，涉及商业秘密2件。", "applications.denied_reason.privacy"),
    ("对申请的答复中，不同意公开的24件中，不是《条例》所指政府信息4件。", "applications.outcome.not_gov_info"),
    ("地税局通过微信公众号发布10篇营改增政策解读文章。", "proactive.channel.wechat"),
    ("通过政务微博、微信回应社会关切32次。", "responses.hot_topics"),
    ("全年主动公开规范性文件12件。", "proactive.total"),
    ("清理规范性文件120件，其中废止15件。", "proactive.normative_docs_issued"),
    ("通过公开栏公开信息15条。", "proactive.channel.other"),
    ("因政府信息公开申请引发行政复议2件，维持原决定。", "review.upheld"),
    ("因政府信息公开申请引发行政复议1件，行政诉讼1件，驳回原告诉讼请求。", "review.upheld"),
    ("举办农业技术培训班5期，培训人员300人次。", "training.classes"),
    ("乡镇18个，县直部门6个。", "reading_points.township"),
    ("举办培训班3期，专职12人参训。", "staff.full_time"),
    ("全年接待群众120人次，其中专职人员接待30人次。", "staff.full_time"),
    ("受理政府信息公开申请26件(历年累计103件),其中当面申请11件。", "cumulative.applications.channel.in_person"),
    # Chinese numerals that are words or ordinals, not counts
    ("召开第一次政府信息公开工作会议。", "training.meetings"),
    ("收到申请数十件。", "applications.received"),
    ("实行一次性告知，受理申请一次性办结。", "applications.received"),
]


@pytest.mark.parametrize(("sentence", "path"), NEGATIVE)
def test_rule_negative(sentence: str, path: str) -> None:
    text = clean(sentence)
    got = [c for c in candidates_checked(text) if c.path == path]
    if sentence.startswith("共主动公开政府信息2594条，其中"):
        # The total before 其中 is taken, the part after it is not.
        assert [c.value for c in got] == [2594]
        return
    assert not got, got


def test_subtotal_after_qizhong_is_not_the_total() -> None:
    text = "2017年，全县主动公开政府信息2594条，其中，乡镇政府主动公开政府信息1198条，部门主动公开政府信息1396条。"
    assert values(text, "proactive.total") == [2594]


def test_same_fact_twice_with_different_values_gives_both() -> None:
    text = "网站共发布政策解读文件652篇。\n门户网站共发布政策解读文件11篇。"
    assert sorted(values(text, "responses.interpretations")) == [11, 652]


def test_full_width_and_ascii_punctuation_read_alike() -> None:
    full = "本年度主动公开政府信息共计１２０条；收到政府信息公开申请３件，其中：当面申请１件。"
    half = "本年度主动公开政府信息共计120条;收到政府信息公开申请3件,其中:当面申请1件。"
    for text in (full, half):
        cands = candidates_checked(text)  # deliberately not normalised
        got = {c.path: c.value for c in cands}
        assert got["proactive.total"] == 120
        assert got["applications.received"] == 3
        assert got["applications.channel.in_person"] == 1


def test_outcome_labels_in_quotes() -> None:
    text = clean("受理申请50件。其中：“已主动公开”23件，占46%；“同意公开”4件；“非政府信息、政府信息不存在或者不属于本部门所掌握的信息”3件，占6%。")
    got = {c.path: c.value for c in candidates_checked(text)}
    assert got["applications.outcome.already_public"] == 23
    assert got["applications.outcome.granted"] == 4
    assert got["applications.outcome.not_exist"] == 3
    assert "applications.outcome.not_this_agency" not in got


def _figures(text: str) -> dict[str, Any]:
    """Non-meta candidates as path → value (meta.year would come from any 20XX年)."""
    return {c.path: c.value for c in candidates_checked(text) if not c.path.startswith("meta.")}


def test_zero_statement_lists_each_remedy() -> None:
    text = clean("四、因政府信息公开申请行政复议、提起行政诉讼的情况\n\n2018年本镇未存在被申请行政复议、提起行政诉讼和接受行政申诉、举报的情况。")
    got = _figures(text)
    assert got == {"review.total": 0, "litigation.total": 0, "complaints.total": 0}


def test_counted_review_and_denied_litigation_in_one_sentence() -> None:
    text = clean("2017年我县因政府信息公开被申请行政复议2件，无因政府信息公开而提起的行政诉讼，无举报件。")
    got = _figures(text)
    assert got == {"review.total": 2, "litigation.total": 0, "complaints.total": 0}


def test_fee_zero_then_cumulative() -> None:
    text = clean("本单位政府信息公开工作未收费，历年累计金额为0。")
    got = _figures(text)
    assert got == {"fees.amount_yuan": 0, "cumulative.fees.amount_yuan": 0}


# ---------------------------------------------------------------------------------------
# meta.*
# ---------------------------------------------------------------------------------------

META_TEXT = """青阳县人民政府
2019 年政府信息公开工作年度报告

本报告由青阳县人民政府办公室根据《中华人民共和国政府信息公开条例》和《安徽省政府信息公开办法》要求编制。本报告中所列数据的统计期限为2019年1月1日至2019年12月31日。本报告电子版可在县政府门户网站（http://www.qy.gov.cn/）查阅或下载。如对本报告有疑问，请联系：县政府办公室，地址：青阳县蓉城镇九华路1号，邮政编码：242800，联系电话：0566—5012345，电子邮箱：qyxxgk@163.com。

一、总体情况
……

青阳县人民政府
2020年1月20日
"""


def test_meta_rules() -> None:
    text = clean(META_TEXT)
    cands = candidates_checked(text)
    got: dict[str, list[Any]] = {}
    for c in cands:
        got.setdefault(c.path, []).append(c.value)
    assert got["meta.title"] == ["青阳县人民政府2019年政府信息公开工作年度报告"]
    assert got["meta.year"] == [2019]
    assert got["meta.agency"] == ["青阳县人民政府"]
    assert got["meta.level"] == ["county"]
    assert got["meta.province"] == ["安徽省"]
    assert got["meta.period_start"] == ["2019-01-01"]
    assert got["meta.period_end"] == ["2019-12-31"]
    assert got["meta.published"] == ["2020-01-20"]
    assert got["meta.contact.phone"] == ["0566-5012345"]
    assert got["meta.contact.email"] == ["qyxxgk@163.com"]
    assert got["meta.contact.address"] == ["青阳县蓉城镇九华路1号"]
    assert got["meta.contact.postcode"] == ["242800"]
    assert got["meta.website"] == ["http://www.qy.gov.cn/"]


def test_period_typo_missing_year_character() -> None:
    text = clean("本年度报告统计数据时限为2020年1月1日至202012月31日，")
    got = {c.path: c.value for c in candidates_checked(text)}
    assert got["meta.period_start"] == "2020-01-01"
    assert got["meta.period_end"] == "2020-12-31"


def test_signature_date_preferred_over_posting_date() -> None:
    text = clean("某镇2020年政府信息公开工作年度报告\n来源:某镇 时间:2021-01-14 15:13\n正文。\n\n某镇人民政府\n\n2021年1月7日\n")
    assert values(text, "meta.published") == ["2021-01-07"]
    text = clean("某镇2020年政府信息公开工作年度报告\n来源:某镇 时间:2021-01-14 15:13\n正文。\n")
    assert values(text, "meta.published") == ["2021-01-14"]
    # A bare date line with no signature above it is not the report's date.
    assert not values(clean("某镇2020年政府信息公开工作年度报告\n正文。\n\n2021年1月7日\n"), "meta.published")


def test_signature_date_in_chinese_numerals() -> None:
    text = clean("某县2019年政府信息公开工作年度报告\n正文。\n\n某县人民政府办公室\n二〇二〇年一月十五日\n")
    assert values(text, "meta.published") == ["2020-01-15"]


@pytest.mark.parametrize(
    ("text", "agency", "level"),
    [
        ("安砂镇政府信息公开工作年度报告\n\n根据规定，由永安市安砂镇党政办公室编制。", "永安市安砂镇", "township"),
        ("齐都镇政府2017年信息公开工作年度报告\n正文", "齐都镇政府", "township"),
        ("福建省人民政府2019年政府信息公开工作年度报告\n正文", "福建省人民政府", "province"),
        ("上海市人民政府2019年政府信息公开工作年度报告\n正文", "上海市人民政府", "province"),
        ("淮安市人民政府\n2024年政府信息公开工作年度报告\n正文", "淮安市人民政府", "city"),
        ("三明市永安市人民政府2019年政府信息公开工作年度报告\n正文", "三明市永安市人民政府", "county"),
        ("某市财政局2019年政府信息公开工作年度报告\n正文", "某市财政局", "department"),
        ("某区某某街道办事处2019年政府信息公开工作年度报告\n正文", "某区某某街道办事处", "township"),
        ("恩施土家族苗族自治州人民政府2019年政府信息公开工作年度报告\n正文", "恩施土家族苗族自治州人民政府", "city"),
    ],
)
def test_agency_and_level(text: str, agency: str, level: str) -> None:
    cands = candidates_checked(clean(text))
    got = {c.path: c.value for c in cands}
    assert got["meta.agency"] == agency
    assert got["meta.level"] == level


def test_compiler_office_reduced_to_government() -> None:
    text = clean("洪泽区人民政府\n2023 年政府信息公开工作年度报告\n本报告由淮安市洪泽区人民政府办公室根据《条例》要求编制此报告。")
    assert values(text, "meta.agency") == ["淮安市洪泽区人民政府"]
    # ``由审改办负责`` names a task owner, not the compiler.
    assert not values(clean("2017年以来，由审改办负责发布办事清单。"), "meta.agency")


def test_title_needs_an_agency_or_year() -> None:
    assert not values(clean("首页 > 政府信息公开 > 政府信息公开年度报告\n正文"), "meta.title")
    assert not values(clean("政府信息公开年度报告\n正文"), "meta.title")


def test_province_only_from_a_disclosure_rule_or_the_agency() -> None:
    assert values(clean("根据《福建省政府信息公开办法》要求。"), "meta.province") == ["福建省"]
    assert not values(clean("在福建省网上办事大厅发布权责清单。"), "meta.province")
    notice = "根据《安徽省人民政府办公厅关于做好政府信息公开工作年度报告编制发布工作的通知》要求编制。"
    assert values(clean(notice), "meta.province") == ["安徽省"]


def test_website_only_where_the_report_is_published() -> None:
    assert values(clean("电子版在区政府门户网(www.smsy.gov.cn)政府信息公开专栏发布。"), "meta.website") == [
        "www.smsy.gov.cn"
    ]
    assert not values(clean("我局开通了门户网站（www.example.gov.cn）。"), "meta.website")


# ---------------------------------------------------------------------------------------
# The bundled corpus against its gold files
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    name: str
    text: str
    gold: dict[str, Any]
    unscored: frozenset[str]
    conflicts: frozenset[str]


def _read_source(path: Path) -> str:
    if path.suffix == ".docx":
        import docx  # python-docx, a project dependency

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    raw = path.read_bytes()
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError(f"cannot decode {path}")


@cache
def corpus() -> tuple[Report, ...]:
    reports: list[Report] = []
    for gold_dir in GOLD_DIRS:
        for gold_path in sorted(gold_dir.glob("*.gold.json")):
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            source = CORPUS[gold_dir.name] / gold["source"]
            raw = _read_source(source)
            # Seed 003 carries pinyin after its characters; the real normalizer removes it.
            text = clean(raw, strip_pinyin=source.name.startswith("003_"))
            unscored = frozenset(gold.get("unscored", []))
            conflicts = frozenset(f["field"] for f in gold["findings"] if f["kind"] == "conflict")
            reports.append(Report(gold["source"], text, gold["fields"], unscored, conflicts))
            if gold_dir.name == "dev":  # PDF-derived: also try it with wraps joined
                reports.append(Report(gold["source"] + "+joined", join_wraps(text), gold["fields"], unscored, conflicts))
    return tuple(reports)


def _matches(value: Any, gold: Any) -> bool:
    if isinstance(gold, list):
        return any(_matches(value, g) for g in gold)
    if isinstance(gold, (int, float)) and isinstance(value, (int, float)):
        return float(value) == float(gold)
    return _squash(str(value)) == _squash(str(gold))


def _ids(reports: Iterable[Report]) -> list[str]:
    return [r.name for r in reports]


@pytest.mark.parametrize("report", corpus(), ids=_ids(corpus()))
def test_corpus_values_match_gold(report: Report) -> None:
    cands = candidates_checked(report.text)
    by_path: dict[str, list[Candidate]] = {}
    for cand in cands:
        by_path.setdefault(cand.path, []).append(cand)
    for path, found in by_path.items():
        if path in report.unscored:
            continue
        assert path in report.gold, f"{report.name}: {path}={[c.value for c in found]} is not in the gold"
        ok = [c for c in found if _matches(c.value, report.gold[path])]
        if path in report.conflicts:
            # The gold keeps the table's value; the prose may legitimately disagree. When the prose
            # itself gives several values, one of them must be the gold one.
            if len({str(c.value) for c in found}) > 1:
                assert ok, f"{report.name}: no {path} candidate matches {report.gold[path]!r}"
            continue
        bad = [(c.value, report.text[c.start : c.end]) for c in found if c not in ok]
        assert not bad, f"{report.name}: {path} gold={report.gold[path]!r} got {bad}"


# Gold fields each report states in its PROSE (read off the reports by hand; table-only
# facts excluded, and so are prose figures that the gold overrides with a table value under a
# ``conflict`` finding). This is what the sentence rules are meant to recall.
_META_COMMON = ("meta.title", "meta.agency", "meta.year", "meta.level", "meta.period_start", "meta.period_end")
_CONTACT = ("meta.contact.phone", "meta.contact.email", "meta.contact.address", "meta.contact.postcode")
_CATEGORIES = tuple(
    f"proactive.category.{n}"
    for n in ("institutional", "policy", "planning", "licensing", "major_projects", "livelihood",
              "welfare", "land_env", "sci_edu_health", "safety")
)
_HUAIAN = (
    *_META_COMMON, *_CONTACT, "responses.interpretations", "responses.press_conferences", "gazette.issues",
    "litigation.total", "litigation.upheld", "litigation.corrected", "litigation.other", "fees.amount_yuan",
    "review.total", "review.upheld", "review.corrected", "review.other", "review.pending",
)
_HONGZE = (*_META_COMMON, *_CONTACT, "proactive.total", "fees.amount_yuan")
NARRATIVE: dict[str, tuple[str, ...]] = {
    "000_41f24ceff2be76ae.txt": (
        *_META_COMMON, "meta.province", "meta.contact.phone", "meta.contact.address", "meta.contact.postcode",
        "proactive.total", "cumulative.proactive.total", *(p for p in _CATEGORIES if not p.endswith("licensing")),
        "archives.submitted", "applications.received", "fees.amount_yuan", "cumulative.fees.amount_yuan",
        "review.total", "litigation.total", "responses.interpretations",
    ),
    "001_9ab41cdbd1e1939a.txt": (
        *_META_COMMON, "meta.province", "meta.published", "meta.contact.phone", "meta.contact.email",
        "meta.website", "proactive.total", "proactive.category.institutional", "proactive.category.other",
    ),
    "002_380c3c8aa2c4979c.txt": (
        *_META_COMMON, "staff.full_time", "staff.part_time", "applications.received", "fees.amount_yuan",
        "review.total", "litigation.total", "complaints.total",
    ),
    "003_1cf57682600c5878.txt": (
        *(p for p in _META_COMMON if p != "meta.title"), "meta.province", "meta.website", *_CONTACT,
        "proactive.total", "cumulative.proactive.total", "proactive.channel.website", "proactive.channel.weibo",
        *_CATEGORIES, "applications.received", "cumulative.applications.received",
        "applications.channel.in_person", "applications.channel.online", "applications.channel.letter",
        "applications.completed", "applications.answered", "applications.outcome.already_public",
        "applications.outcome.partial", "applications.outcome.not_gov_info",
        "applications.outcome.not_this_agency", "applications.outcome.not_exist", "complaints.total",
        "cumulative.complaints.total", "review.total", "cumulative.review.total", "review.upheld",
        "review.corrected", "litigation.total", "cumulative.litigation.total", "staff.full_time",
        "staff.part_time", "budget.special_wan", "archives.submitted", "cumulative.archives.submitted",
        "archives.paper", "reading_points.visitors", "responses.interpretations",
    ),
    "004_1727cc934ec3d614.txt": (
        "meta.title", "meta.agency", "meta.year", "meta.level", "proactive.total", "cumulative.proactive.total",
        *_CATEGORIES, "responses.interpretations", "responses.hot_topics", "applications.received",
        "applications.answered", "applications.outcome.denied", "review.total", "litigation.total",
        "complaints.total",
    ),
    "hongze_2023.txt": _HONGZE,
    "hongze_2023_gb18030.txt": _HONGZE,
    "huaian_2024.txt": _HUAIAN,
    "huaian_2024_word.docx": _HUAIAN,
}


def test_narrative_list_is_gold() -> None:
    for report in corpus():
        for path in NARRATIVE[report.name.removesuffix("+joined")]:
            assert path in report.gold, (report.name, path)


def test_corpus_recall() -> None:
    hits: dict[str, list[int]] = {"meta": [0, 0], "other": [0, 0]}
    lines: list[str] = []
    for report in corpus():
        cands = sentence_candidates(report.text)
        missed = []
        for path in NARRATIVE[report.name.removesuffix("+joined")]:
            bucket = hits["meta" if path.startswith("meta.") else "other"]
            bucket[1] += 1
            if any(c.path == path and _matches(c.value, report.gold[path]) for c in cands):
                bucket[0] += 1
            else:
                missed.append(path)
        lines.append(f"  {report.name}: missed {missed or 'nothing'}")
    # Measured: every prose-stated field of the bundled corpus. The floors leave room for a
    # normalizer that differs from this approximation.
    assert hits["meta"][0] / hits["meta"][1] >= 0.9, "\n".join(lines)
    assert hits["other"][0] / hits["other"][1] >= 0.8, "\n".join(lines)


@pytest.mark.parametrize(
    ("printed", "expected"),
    [("三", 3), ("两", 2), ("十", 10), ("十二", 12), ("二十六", 26), ("一百零三", 103), ("两千三百", 2300),
     ("一〇三", 103), ("1,234", 1234), ("3.5", 3.5)],
)
def test_parse_number_reads_digits_and_chinese_numerals(printed: str, expected: float) -> None:
    assert parse_number(printed) == expected


def test_gb_lone_website_figure_is_the_total() -> None:
    cands = candidates_checked(clean("全年通过县政府门户网站主动公开政府信息4516条。"))
    assert [c.value for c in for_format(cands, "gb2021") if c.path == "proactive.total"] == [4516]
    assert not [c for c in for_format(cands, "legacy") if c.path == "proactive.total"]
    two = candidates_checked(clean("通过政府网站公开信息100条，通过政务微博公开信息20条。"))
    assert {c.path for c in two} >= {"proactive.channel.website", "proactive.channel.weibo"}
    assert not [c for c in for_format(two, "gb2021") if c.path == "proactive.total"]
    issued = candidates_checked(clean("本年度新制发行政规范性文件6件。"))
    assert [c.path for c in for_format(issued, "gb2021")] == ["proactive.normative.issued"]
    assert [c.path for c in for_format(issued, "legacy")] == ["proactive.normative_docs_issued"]
