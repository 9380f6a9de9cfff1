"""The table engine on tables built in each template and layout, with planted numbers."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.document import CleanText, Document, Source
from extractor.normalize import clean_text
from extractor.segment import segment
from extractor.tables import detect_format, parse_number, table_candidates
from tests import tablebuilders as tb


def _doc(text: str) -> Document:
    return segment(Source("t.txt", text), CleanText.identity(text))


def _values(text: str, fmt: str | None = None) -> tuple[dict[str, int | float | str], list[str]]:
    doc = _doc(text)
    result = table_candidates(doc, fmt or detect_format(text))
    out: dict[str, int | float | str] = {}
    for c in result.candidates:
        out.setdefault(c.path, c.value)
        # A blank cell of a separated row is a stated 0 with an empty span at its place.
        assert doc.text[c.start:c.end].strip() != "" or (c.value == 0 and c.start == c.end)
    return out, result.ambiguities


def _expected_requests(grid: dict[str, list[int]]) -> dict[str, int]:
    return {f"requests.{r}.{c}": v for r, vs in grid.items() for c, v in zip(tb.COLUMNS, vs, strict=True)}


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("本年制发件数 本年废止件数 现行有效件数", "gb2021"),
        ("本年新制作数量 本年新公开数量 对外公开总数量 上一年项目数量", "gb2019"),
        ("指标名称 计量单位 2016年 历年累计 主动公开文件数", "legacy"),
        ("第二十条第(一)项 ... 收到和处理政府信息公开申请情况 2020年", "gb2019"),
        ("第二十条第(一)项 ... 收到和处理政府信息公开申请情况 2022年", "gb2021"),
    ],
)
def test_format_is_recognised_from_content(text: str, fmt: str) -> None:
    assert detect_format(text) == fmt


@pytest.mark.parametrize(
    ("cell", "value"),
    [("12", 12), ("1,036", 1036), ("+1036", 1036), ("-3", -3), ("251000元", 251000), ("2.5万元", 25000),
     ("—", 0), ("/", 0), ("无", 0), ("", 0), ("七", 7), ("3.15", 3.15)],
)
def test_cell_numbers(cell: str, value: float) -> None:
    assert parse_number(cell) == pytest.approx(value)


def test_cell_that_is_not_a_number() -> None:
    assert parse_number("自然人") is None


LAYOUTS = ["lines_blank", "lines_tight", "tabs", "pipes", "blocks", "spreadsheet", "markdown"]


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), rows25=st.booleans(), layout=st.sampled_from(LAYOUTS))
def test_applications_table_returns_exactly_the_planted_numbers(seed: int, rows25: bool, layout: str) -> None:
    rng = random.Random(seed)
    grid = tb.request_grid(rng, rows25)
    table = {
        "lines_blank": lambda: tb.lines_layout(grid),
        "lines_tight": lambda: tb.lines_layout(grid, blank_between=False),
        "tabs": lambda: tb.tab_layout(grid),
        "pipes": lambda: tb.pipe_layout(grid),
        "blocks": lambda: tb.column_block_layout(grid, rng),
        "spreadsheet": lambda: tb.spreadsheet_layout(grid, rng),
        "markdown": lambda: tb.markdown_layout(grid, rng),
    }[layout]()
    text = tb.gb_report(table, gb2021=rows25)
    got, ambiguities = _values(text)
    expected = _expected_requests(grid)
    assert {k: v for k, v in got.items() if k.startswith("requests.")} == expected, ambiguities


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=12, max_size=12))
def test_review_table_in_printed_order(parts: list[int]) -> None:
    review: list[int] = []
    for b in range(3):
        block = parts[b * 4:(b + 1) * 4]
        review += [*block, sum(block)]
    grid = tb.request_grid(random.Random(1), False)
    got, _ = _values(tb.gb_report(tb.lines_layout(grid), gb2021=False, review=review))
    names = [f"{p}.{o}" for p in ("review", "litigation.direct", "litigation.after_review")
             for o in ("upheld", "corrected", "other", "pending", "total")]
    assert [got[n] for n in names] == review


def test_review_table_with_a_wrong_total_is_read_as_printed() -> None:
    review = [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
    grid = tb.request_grid(random.Random(2), False)
    got, _ = _values(tb.gb_report(tb.lines_layout(grid), gb2021=False, review=review))
    assert got["review.total"] == 0 and got["review.upheld"] == 10 and got["litigation.after_review.upheld"] == 5


def test_review_table_whose_litigation_blocks_cannot_be_told_apart_is_not_guessed() -> None:
    # parts of the after-review block printed before the direct block's parts, totals scattered
    review = [72, 64, 178, 37, 12, 1, 1, 6, 351, 13, 4, 8, 1, 26, 20]
    grid = tb.request_grid(random.Random(3), False)
    got, ambiguities = _values(tb.gb_report(tb.lines_layout(grid), gb2021=False, review=review))
    assert "litigation.direct.total" not in got
    assert ambiguities


def test_review_table_from_a_spreadsheet_with_padded_header_rows() -> None:
    review = [1, 0, 0, 1, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    grid = tb.request_grid(random.Random(5), False)
    text = tb.gb_report(tb.lines_layout(grid), gb2021=False, review=review)
    printed = "行政复议\n行政诉讼\n结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n" + "\n".join(map(str, review))
    assert printed in text
    got, ambiguities = _values(text.replace(printed, tb.spreadsheet_review(review)))
    names = [f"{p}.{o}" for p in ("review", "litigation.direct", "litigation.after_review")
             for o in ("upheld", "corrected", "other", "pending", "total")]
    assert [got[n] for n in names] == review, ambiguities


def test_article_20_markdown_rows_with_border_pipes() -> None:
    grid = tb.request_grid(random.Random(6), True)
    text = tb.gb_report(tb.lines_layout(grid), gb2021=True)
    block = "信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n规章\n1\n2\n3\n行政规范性文件\n4\n5\n6"
    markdown = "\n".join([
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
        "| --- | --- | --- | --- |",
        "| 规章 | 1 |  | 3 |",
        "| 行政规范性文件 | 4 | 5 | 6 |",
    ])
    assert block in text
    got, ambiguities = _values(text.replace(block, markdown))
    assert (got["proactive.regulations.issued"], got["proactive.regulations.repealed"],
            got["proactive.regulations.in_force"], got["proactive.normative.in_force"]) == (1, 0, 3, 6), ambiguities


@pytest.mark.parametrize("gb2021", [False, True])
def test_article_20_blocks(gb2021: bool) -> None:
    grid = tb.request_grid(random.Random(4), gb2021)
    got, _ = _values(tb.gb_report(tb.lines_layout(grid), gb2021=gb2021))
    if gb2021:
        assert (got["proactive.regulations.issued"], got["proactive.regulations.repealed"],
                got["proactive.regulations.in_force"]) == (1, 2, 3)
        assert got["proactive.normative.in_force"] == 6
    else:
        assert (got["proactive.regulations.issued"], got["proactive.regulations.published"],
                got["proactive.regulations.public_total"]) == (1, 2, 3)
        assert got["proactive.normative.public_total"] == 6


def test_article_20_value_printed_before_its_label_and_units() -> None:
    text = "\n".join([
        "二、主动公开政府信息情况",
        "第二十条第(五)项", "信息内容", "本年处理决定数量", "550", "行政许可",
        "第二十条第(八)项", "信息内容", "本年收费金额(单位:万元)", "7730.28", "行政事业性收费",
        "第二十条第(九)项", "信息内容", "采购项目数量", "采购总金额(万元)", "政府集中采购", "19", "12.5",
        "三、收到和处理政府信息公开申请情况",
    ])
    got, _ = _values(text, "gb2021")
    assert got["proactive.licensing.decisions"] == 550
    assert got["proactive.fees.amount_wan"] == pytest.approx(7730.28)
    assert got["proactive.procurement.amount_yuan"] == 125000


def test_article_20_amount_whose_cell_carries_its_own_unit_is_scaled_once() -> None:
    text = "\n".join([
        "二、主动公开政府信息情况",
        "第二十条第(九)项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购", "126", "38652.19万元",
        "三、收到和处理政府信息公开申请情况",
    ])
    got, _ = _values(text, "gb2019")
    assert got["proactive.procurement.amount_yuan"] == pytest.approx(386521900)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), layout=st.sampled_from(["tabs", "pipes", "lines", "spaces"]))
def test_legacy_short_table_returns_the_planted_numbers(seed: int, layout: str) -> None:
    values = tb.legacy_values(random.Random(seed))
    builders = {"tabs": tb.legacy_tabs, "pipes": tb.legacy_pipes, "lines": tb.legacy_lines, "spaces": tb.legacy_spaces}
    text = tb.legacy_report(builders[layout](values))
    clean = clean_text(text)
    doc = segment(Source("t.txt", text), clean)
    got: dict[str, int | float | str] = {}
    for c in table_candidates(doc, "legacy").candidates:
        got.setdefault(c.path, c.value)
    expected = {}
    for path, (year, cum) in values.items():
        expected[path] = year
        expected[f"cumulative.{path}"] = cum
    assert got == expected


def test_legacy_label_broken_across_two_lines() -> None:
    table = "指标名称\t计量单位\t2017年\t历年累计\n受理政府信息公开申请总\t条\t3\t9\n\n数\t\t\t\n其中:1.当面申请数\t条\t3\t9"
    got, _ = _values(tb.legacy_report(table), "legacy")
    assert got["applications.received"] == 3 and got["cumulative.applications.received"] == 9
    assert got["applications.channel.in_person"] == 3


def test_legacy_children_take_their_parent_context() -> None:
    table = "\n".join([
        "\t统计指标\t单位\t统计数", "",
        "\t四、行政复议数量\t件\t3", "\t(一)维持具体行政行为数\t件\t2", "\t(二)被依法纠错数\t件\t1",
        "\t六、被举报投诉数量\t件\t4", "\t(一)维持具体行政行为数\t件\t4",
        "\t十、设置政府信息查阅点数\t个\t5", "\t(一)区县政府及其部门\t个\t2", "\t(二)乡镇政府(街道办事处)\t个\t3",
        "\t十一、查阅点接待人数\t次\t70", "\t(一)区县政府及其部门\t次\t30",
    ])
    got, _ = _values(tb.legacy_report(table), "legacy")
    assert got["review.total"] == 3 and got["review.upheld"] == 2 and got["review.corrected"] == 1
    assert got["complaints.total"] == 4 and got["complaints.upheld"] == 4
    assert got["reading_points.county"] == 2 and got["reading_points.township"] == 3
    assert got["reading_points.visitors"] == 70 and got["reading_points.visitors_county"] == 30


def test_legacy_fee_in_wan_is_normalised_to_yuan() -> None:
    table = "指标名称\t计量单位\t2015年\n主动公开文件数\t条\t5\n政府信息公开收费减免金额\t万元\t1.2"
    got, _ = _values(tb.legacy_report(table), "legacy")
    assert got["fees.amount_yuan"] == 12000


def test_legacy_national_table_wording_of_fees_and_complaints() -> None:
    table = "\n".join([
        "指标名称\t单位\t本年\t累计",
        "主动公开政府信息数\t条\t5\t50",
        "依申请公开信息收取的费用\t万元\t0.58\t1.2",
        "政府信息公开举报投诉数\t件\t2\t7",
    ])
    got, _ = _values(tb.legacy_report(table), "legacy")
    assert (got["fees.amount_yuan"], got["cumulative.fees.amount_yuan"]) == (5800, 12000)
    assert (got["complaints.total"], got["cumulative.complaints.total"]) == (2, 7)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), rows25=st.booleans())
def test_glued_digits_are_split_only_where_the_arithmetic_pins_one_split(seed: int, rows25: bool) -> None:
    rng = random.Random(seed)
    grid = tb.request_grid(rng, rows25)
    got, ambiguities = _values(tb.gb_report(tb.inline_layout(grid, rng), gb2021=rows25))
    expected = _expected_requests(grid)
    requests = {k: v for k, v in got.items() if k.startswith("requests.")}
    assert requests, ambiguities
    for path, value in requests.items():
        assert value == expected[path], path
    read_rows = {p.split(".")[1] for p in requests}
    missing_rows = set(grid) - read_rows
    for row in missing_rows:
        assert any(f"row {row}:" in a for a in ambiguities), row


def test_glued_row_with_one_possible_split() -> None:
    from extractor.tables import split_glued

    readings = split_glued(["150", "000015"], 7, lambda v: sum(v[:6]) == v[6])
    assert len(readings) == 1
    assert [int(["150", "000015"][g][a:b]) for g, a, b in readings[0]] == [15, 0, 0, 0, 0, 0, 15]
    assert len(split_glued(["121212"], 3, lambda v: True)) == 2  # several splits: the caller reads nothing


def test_total_column_filled_on_a_few_rows_and_dashes_for_zero() -> None:
    grid = tb.request_grid(random.Random(7), False)
    lines = ["\t".join(tb.HEADER)]
    keep_total = {"new_received", "carried_over", "total", "carried_forward"}
    for row, values in grid.items():
        cells = ["—" if v == 0 and row == "granted" else str(v) for v in values[:6]]
        if row in keep_total:
            cells.append(str(values[6]))
        lines.append("\t".join([tb.REQUEST_LABELS[row], *cells]))
    got, _ = _values(tb.gb_report("\n".join(lines), gb2021=False))
    expected = _expected_requests(grid)
    for path, value in expected.items():
        row, column = path.split(".")[1:]
        if column == "total" and row not in keep_total:
            assert path not in got  # a blank 总计 states nothing
        else:
            assert got[path] == value, path


def test_article_20_header_without_brackets() -> None:
    grid = tb.request_grid(random.Random(8), True)
    text = tb.gb_report(tb.lines_layout(grid), gb2021=True).replace("第二十条第(一)项", "第二十条第一项")
    got, _ = _values(text)
    assert got["proactive.normative.repealed"] == 5


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), rows25=st.booleans())
def test_column_blocks_without_blank_lines_give_no_wrong_number(seed: int, rows25: bool) -> None:
    rng = random.Random(seed)
    grid = tb.request_grid(rng, rows25)
    squeezed = "\n".join(line for line in tb.column_block_layout(grid, rng).split("\n") if line.strip())
    got, ambiguities = _values(tb.gb_report(squeezed, gb2021=rows25))
    expected = _expected_requests(grid)
    requests = {k: v for k, v in got.items() if k.startswith("requests.")}
    assert all(expected[k] == v for k, v in requests.items())
    assert requests or ambiguities


def test_review_heading_worded_differently_and_double_dash_cells() -> None:
    grid = tb.request_grid(random.Random(9), False)
    review = [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    text = tb.gb_report(tb.lines_layout(grid), gb2021=False, review=review)
    text = text.replace("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况")
    text = text.replace("规章\n1\n2\n3", "规章\n1\n——\n3")
    got, _ = _values(text)
    assert got["review.upheld"] == 1 and got["litigation.after_review.total"] == 0
    assert got["proactive.regulations.published"] == 0 and got["proactive.regulations.public_total"] == 3


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_blank_cells_of_a_tab_row_are_zero_and_a_blank_total_states_nothing(seed: int) -> None:
    rng = random.Random(seed)
    grid = tb.request_grid(rng, False)
    keep_total = {"new_received", "carried_over", "total", "carried_forward"}
    lines = ["\t".join(tb.HEADER)]
    for row, values in grid.items():
        cells = ["" if v == 0 and rng.random() < 0.5 else str(v) for v in values[:6]]
        cells.append(str(values[6]) if row in keep_total else "")
        lines.append("\t".join([tb.REQUEST_LABELS[row], *cells]))
    doc = _doc(tb.gb_report("\n".join(lines), gb2021=False))
    got: dict[str, int | float | str] = {}
    for c in table_candidates(doc, "gb2019").candidates:
        got.setdefault(c.path, c.value)
    for path, value in _expected_requests(grid).items():
        row, column = path.split(".")[1:]
        if column == "total" and row not in keep_total:
            assert path not in got
        else:
            assert got[path] == value, path


def test_review_blocks_interleaved_in_pdf_text_are_told_apart_by_their_rows_and_labels() -> None:
    # the printed order of a PDF's text layer: review parts, the after-review parts (after
    # the 复议后起诉 label), the review total, the direct block, the after-review total
    region = "\n".join([
        "四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "未经复议直接起诉", "结果", "维持", "总计",
        "72", "64", "178", "37", "复议后起诉", "尚未审结", "12", "1", "1", "6", "总计", "351",
        "13", "4", "8", "1", "26", "20", "五、存在的主要问题及改进情况", "无。",
    ])
    text = "某县2024年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n无\n" + region
    got, _ = _values(text, "gb2021")
    assert [got[f"review.{o}"] for o in ("upheld", "corrected", "other", "pending", "total")] == [72, 64, 178, 37, 351]
    assert [got[f"litigation.direct.{o}"] for o in ("upheld", "corrected", "other", "pending", "total")] == [
        13, 4, 8, 1, 26]
    assert [got[f"litigation.after_review.{o}"] for o in ("upheld", "corrected", "other", "pending", "total")] == [
        12, 1, 1, 6, 20]
