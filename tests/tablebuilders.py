"""Build report texts in each template and layout, with planted numbers, for the table tests."""

from __future__ import annotations

import random
from collections.abc import Callable

from extractor.schemas.templates import REQUEST_ROWS_23, REQUEST_ROWS_25

REQUEST_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量",
    "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "(一)予以公开",
    "partial": "(二)部分公开(区分处理的,只计这一情形,不计其他情形)",
    "denied_state_secret": "1.属于国家秘密",
    "denied_law": "2.其他法律行政法规禁止公开",
    "denied_security": "3.危及“三安全一稳定”",
    "denied_third_party": "4.保护第三方合法权益",
    "denied_internal": "5.属于三类内部事务信息",
    "denied_process": "6.属于四类过程性信息",
    "denied_enforcement": "7.属于行政执法案卷",
    "denied_query": "8.属于行政查询事项",
    "unable_not_held": "1.本机关不掌握相关政府信息",
    "unable_create": "2.没有现成信息需要另行制作",
    "unable_unclear": "3.补正后申请内容仍不明确",
    "reject_petition": "1.信访举报投诉类申请",
    "reject_duplicate": "2.重复申请",
    "reject_publication": "3.要求提供公开出版物",
    "reject_excessive": "4.无正当理由大量反复申请",
    "reject_confirm": "5.要求行政机关确认或重新出具已获取信息",
    "other": "(六)其他处理",
    "other_no_supplement": "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "other_no_fee": "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "other_misc": "3.其他",
    "total": "(七)总计",
    "carried_forward": "四、结转下年度继续办理",
}
COLUMNS = ("natural", "commercial", "research", "social", "legal", "other_org", "total")
HEADER = ["申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]


def request_grid(rng: random.Random, rows25: bool) -> dict[str, list[int]]:
    """A consistent applications table: row totals, column identities and outcome sums all hold."""
    rows = REQUEST_ROWS_25 if rows25 else REQUEST_ROWS_23
    outcomes = rows[2:-2]
    grid: dict[str, list[int]] = {}
    for r in outcomes:
        parts = [rng.choice([0, 0, 0, rng.randint(0, 40)]) for _ in range(6)]
        grid[r] = [*parts, sum(parts)]
    total = [sum(grid[r][c] for r in outcomes) for c in range(7)]
    grid["total"] = total
    fwd_parts = [rng.randint(0, 5) for _ in range(6)]
    grid["carried_forward"] = [*fwd_parts, sum(fwd_parts)]
    carried_parts = [min(rng.randint(0, 5), total[c] + fwd_parts[c]) for c in range(6)]
    grid["carried_over"] = [*carried_parts, sum(carried_parts)]
    new_parts = [total[c] + fwd_parts[c] - carried_parts[c] for c in range(6)]
    grid["new_received"] = [*new_parts, sum(new_parts)]
    return {r: grid[r] for r in rows}


def lines_layout(grid: dict[str, list[int]], blank_between: bool = True) -> str:
    """One cell per line (seed 001 style), optionally with a blank line between cells."""
    cells = list(HEADER)
    for row, values in grid.items():
        if row == "granted":
            cells.append("三、本年度办理结果")
        if row == "denied_state_secret":
            cells.append("(三)不予公开")
        if row == "unable_not_held":
            cells.append("(四)无法提供")
        if row == "reject_petition":
            cells.append("(五)不予处理")
        if row == "other_no_supplement":
            cells.append("(六)其他处理")
        cells.append(REQUEST_LABELS[row])
        cells.extend(str(v) for v in values)
    sep = "\n\n" if blank_between else "\n"
    return sep.join(cells)


def tab_layout(grid: dict[str, list[int]]) -> str:
    lines = ["\t".join(HEADER)]
    for row, values in grid.items():
        lines.append("\t".join([REQUEST_LABELS[row], *(str(v) for v in values)]))
    return "\n".join(lines)


def pipe_layout(grid: dict[str, list[int]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row, values in grid.items():
        lines.append("| " + " | ".join([REQUEST_LABELS[row], *(str(v) for v in values)]) + " |")
    return "\n".join(lines)


_PARENTS = {"granted": "三、本年度办理结果", "denied_state_secret": "(三)不予公开", "unable_not_held": "(四)无法提供",
            "reject_petition": "(五)不予处理", "other_no_supplement": "(六)其他处理"}
_TOP_ROWS = {"new_received", "carried_over", "carried_forward"}
_SECOND_LEVEL = {"granted", "partial", "other", "total"}


def _blank_zero(v: int, rng: random.Random) -> str:
    return "" if v == 0 and rng.random() < 0.7 else str(v)


def spreadsheet_layout(grid: dict[str, list[int]], rng: random.Random) -> str:
    """A spreadsheet saved as tab-separated text: three label columns whose merged cells come
    out as empty fields, header rows padded the same way, zeros often left blank."""
    lines = [
        "\t\t\t申请人情况",
        "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计",
        "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t",
    ]
    parent = ""
    for row, values in grid.items():
        cells = [_blank_zero(v, rng) for v in values[:6]] + [str(values[6])]
        if row in _TOP_ROWS:
            labels = [REQUEST_LABELS[row], "", ""]
        elif row in _SECOND_LEVEL:
            labels = [_PARENTS.get(row, ""), REQUEST_LABELS[row], ""]
        else:
            new_parent = _PARENTS.get(row, "")
            if new_parent:
                parent = new_parent
            labels = ["", parent if new_parent else "", REQUEST_LABELS[row]]
        lines.append("\t".join([*labels, *cells]))
    return "\n".join(lines)


def markdown_layout(grid: dict[str, list[int]], rng: random.Random) -> str:
    """A markdown table: border pipes, a rule under the header, an empty corner cell, blanks."""
    lines = ["|  | " + " | ".join(HEADER[1:]) + " |", "|" + " --- |" * len(HEADER)]
    for row, values in grid.items():
        cells = [_blank_zero(v, rng) for v in values[:6]] + [str(values[6])]
        lines.append("| " + " | ".join([REQUEST_LABELS[row], *cells]) + " |")
    return "\n".join(lines)


def spreadsheet_review(review: list[int]) -> str:
    """The review/litigation table as a spreadsheet exports it, merged header cells padded."""
    outcomes = "\t".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)
    return "\n".join([
        "行政复议\t\t\t\t\t行政诉讼",
        "\t\t\t\t\t未经复议直接起诉\t\t\t\t\t复议后起诉",
        outcomes,
        "\t".join(str(v) for v in review),
    ])


def column_block_layout(grid: dict[str, list[int]], rng: random.Random) -> str:
    """PDF text: some runs of rows print column by column, with their labels after the numbers."""
    rows = list(grid)
    out: list[str] = list(HEADER)
    i = 0
    while i < len(rows):
        k = rng.choice([1, 1, 2, 3, 4])
        block = rows[i:i + k]
        if len(block) == 1:
            out.append(REQUEST_LABELS[block[0]])
            out.extend(f"\n{v}" for v in grid[block[0]])
        else:
            for c in range(7):
                out.append("\n" + "\n".join(str(grid[r][c]) for r in block))
            out.extend(f"\n{REQUEST_LABELS[r]}" for r in block)
        i += len(block)
    return "\n".join(out)


def gb_report(table_text: str, gb2021: bool, review: list[int] | None = None) -> str:
    review = review or [0] * 15
    article = (
        "第二十条第(一)项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n规章\n1\n2\n3\n行政规范性文件\n4\n5\n6"
        if gb2021
        else "第二十条第(一)项\n信息内容\n本年新制作数量\n本年新公开数量\n对外公开总数量\n规章\n1\n2\n3\n规范性文件\n4\n5\n6"
    )
    return "\n".join([
        "某某县人民政府2021年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度工作有序开展。",
        "二、主动公开政府信息情况",
        article,
        "三、收到和处理政府信息公开申请情况",
        table_text,
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\n行政诉讼\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计",
        "\n".join(str(v) for v in review),
        "五、存在的主要问题及改进情况",
        "问题仍然存在。",
    ])


LEGACY_SHORT_ROWS = [
    ("主动公开文件数", "条", "proactive.total"),
    ("其中:1.政府网站公开数", "条", "proactive.channel.website"),
    ("2.政府公报公开数", "条", "proactive.channel.gazette"),
    ("受理政府信息公开申请总数", "条", "applications.received"),
    ("其中:1.当面申请数", "条", "applications.channel.in_person"),
    ("2.网络申请数", "条", "applications.channel.online"),
    ("3.信函、传真申请数", "条", "applications.channel.letter_fax"),
    ("对申请的答复总数", "条", "applications.answered"),
    ("其中:1.同意公开答复数", "条", "applications.outcome.granted"),
    ("2.同意部分公开答复数", "条", "applications.outcome.partial"),
    ("3.不予公开答复数", "条", "applications.outcome.denied"),
    ("4.其他类型答复数", "条", "applications.outcome.other"),
    ("接受行政申诉、举报数", "件", "complaints.total"),
    ("行政复议数", "件", "review.total"),
    ("行政诉讼数", "件", "litigation.total"),
]


def legacy_values(rng: random.Random) -> dict[str, tuple[int, int]]:
    return {path: (v := rng.randint(0, 300), v + rng.randint(0, 3000)) for _, _, path in LEGACY_SHORT_ROWS}


LegacyLayout = Callable[[dict[str, tuple[int, int]]], str]


def legacy_tabs(values: dict[str, tuple[int, int]]) -> str:
    lines = ["指标名称\t计量单位\t2016年\t历年累计"]
    for label, unit, path in LEGACY_SHORT_ROWS:
        year, cum = values[path]
        lines.append(f"{label}\t{unit}\t{year}\t{cum}")
    return "\n".join(lines)


def legacy_spaces(values: dict[str, tuple[int, int]]) -> str:
    lines = ["指标名称 计量单位 2016年 历年累计"]
    for label, unit, path in LEGACY_SHORT_ROWS:
        year, cum = values[path]
        lines.append(f"{label} {unit} {year} {cum}")
    return "\n".join(lines)


def legacy_pipes(values: dict[str, tuple[int, int]]) -> str:
    lines = ["指 标 名 称 |", "计量 单位 |", "2016年度 |", "历年累计 |"]
    for label, unit, path in LEGACY_SHORT_ROWS:
        year, cum = values[path]
        lines += [f"{label} |", f"{unit} |", f"{year} |", f"{cum} |"]
    return "\n".join(lines)


def legacy_lines(values: dict[str, tuple[int, int]]) -> str:
    lines = ["\t指 标 名 称", "\t单位", "\t2016年", "\t历年累计", ""]
    for label, unit, path in LEGACY_SHORT_ROWS:
        year, cum = values[path]
        lines += [f"\t{label}", f"\t{unit}", f"\t{year}", f"\t{cum}", ""]
    return "\n".join(lines)


def legacy_report(table_text: str) -> str:
    return "\n".join([
        "某某镇2016年政府信息公开工作年度报告",
        "一、概述",
        "本年度工作有序开展。",
        "六、需要说明的其他事项与附表",
        "(一)附表",
        table_text,
    ])


def inline_layout(grid: dict[str, list[int]], rng: random.Random) -> str:
    """A crawler's flattening: the whole table on one line, neighbouring cells' digits glued."""
    parts: list[str] = []
    for row, values in grid.items():
        digits = "".join(str(v) if rng.random() < 0.7 else f"{v} " for v in values).strip()
        parts.append(REQUEST_LABELS[row] + digits)
    return "".join(parts)
