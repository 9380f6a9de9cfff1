"""Sections and tables recovered from each flattened layout, with cells that keep their offsets."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from extractor.document import CleanText, Document, Source, Table
from extractor.load import load
from extractor.normalize import normalize
from extractor.segment import find_sections, segment

ROWS = [("主动公开文件数", "条", "12", "40"), ("受理政府信息公开申请总数", "件", "3", "9"), ("行政复议数", "件", "0", "1")]
HEAD = ("指标名称", "计量单位", "2016年", "历年累计")


def _doc(text: str) -> Document:
    return segment(Source("t.txt", text), CleanText.identity(text))


def _only_table(doc: Document) -> Table:
    assert len(doc.tables) == 1, [t.layout for t in doc.tables]
    return doc.tables[0]


def _assert_offsets(doc: Document, table: Table) -> None:
    for row in table.rows:
        for cell in row:
            assert doc.text[cell.start:cell.end] == cell.text


def _texts(table: Table) -> list[list[str]]:
    return [[c.text for c in row] for row in table.rows]


def test_tab_separated_rows() -> None:
    text = "附表\n" + "\n".join("\t".join(r) for r in [HEAD, *ROWS]) + "\n"
    doc = _doc(text)
    table = _only_table(doc)
    assert table.layout == "tabs"
    assert _texts(table)[-3:] == [list(r) for r in ROWS]
    _assert_offsets(doc, table)


def test_pipe_cells_one_per_line() -> None:
    cells = [*HEAD, *(c for r in ROWS for c in r)]
    text = "附表\n" + "\n".join(f"{c} |" for c in cells)
    doc = _doc(text)
    table = _only_table(doc)
    assert table.layout == "pipes"
    assert [list(r) for r in ROWS] == _texts(table)[-3:]
    _assert_offsets(doc, table)


@pytest.mark.parametrize("blank", [True, False])
def test_one_cell_per_line(blank: bool) -> None:
    cells = [*HEAD, *(c for r in ROWS for c in r)]
    text = "附表\n" + ("\n\n" if blank else "\n").join(cells)
    doc = _doc(text)
    table = _only_table(doc)
    assert table.layout == "lines"
    assert [list(r) for r in ROWS] == _texts(table)[-3:]
    _assert_offsets(doc, table)


def test_markdown_table() -> None:
    lines = ["| " + " | ".join(HEAD) + " |", "|---|---|---|---|", *("| " + " | ".join(r) + " |" for r in ROWS)]
    doc = _doc("附表\n" + "\n".join(lines))
    table = _only_table(doc)
    assert table.layout == "markdown"
    assert _texts(table)[-4:] == [list(HEAD), *(list(r) for r in ROWS)]
    _assert_offsets(doc, table)


def test_label_wrapped_onto_the_next_cell_stays_in_its_row() -> None:
    cells = ["(一)主动公开政府信息数", "(不同渠道和方式公开相同信息计1条)", "条", "23", "(二)其中:主动公开规范性文件数", "条", "5"]
    table = _only_table(_doc("\n".join(cells)))
    assert _texts(table) == [cells[:4], cells[4:]]


def test_prose_is_not_a_table() -> None:
    text = "一、总体情况\n2017年,本镇主动公开政府信息137条,其中机构职能类29条。全年未收到申请。\n二、主动公开政府信息情况\n共公开12条。"
    assert _doc(text).tables == ()


def test_sections_of_the_gb_template_and_of_older_reports() -> None:
    text = "\n".join([
        "某县2020年政府信息公开工作年度报告", "一、总体情况", "正文。", "二、主动公开政府信息情况", "第二十条",
        "三、收到和处理政府信息公开申请情况", "一、本年新收政府信息公开申请数量", "0",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "无。",
    ])
    keys = [s.key for s in find_sections(text)]
    assert keys == ["preamble", "overview", "proactive", "requests", "review", "problems", "other"]
    legacy = "\n".join(["引言", "一、概述", "二、主动公开政府信息的情况", "三、政府信息依申请公开办理情况",
                        "四、因政府信息公开申请行政复议、提起行政诉讼的情况", "七、需要说明的其他事项与附表"])
    assert [s.key for s in find_sections(legacy)] == ["preamble", "overview", "proactive", "requests", "review",
                                                       "appendix"]


def _rows_of_loaded(path: Path) -> tuple[Document, Table]:
    source = load(path)
    doc = segment(source, normalize(source))
    tables = [t for t in doc.tables if any(c.text == "受理政府信息公开申请总数" for c in t.cells())]
    assert tables, [t.layout for t in doc.tables]
    return doc, tables[0]


def test_html_table_rows(tmp_path: Path) -> None:
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in [HEAD, *ROWS])
    path = tmp_path / "r.html"
    path.write_text(f"<html><body><p>附表</p><table>{body}</table></body></html>", encoding="utf-8")
    doc, table = _rows_of_loaded(path)
    assert [list(r) for r in ROWS] == _texts(table)[-3:]
    _assert_offsets(doc, table)


def test_docx_table_rows(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("附表")
    grid = document.add_table(rows=len(ROWS) + 1, cols=4)
    for i, row in enumerate([HEAD, *ROWS]):
        for j, value in enumerate(row):
            grid.cell(i, j).text = value
    path = tmp_path / "r.docx"
    document.save(str(path))
    doc, table = _rows_of_loaded(path)
    assert [list(r) for r in ROWS] == _texts(table)[-3:]
    _assert_offsets(doc, table)
