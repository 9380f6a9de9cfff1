"""The loader: encodings, HTML/Word/PDF readers, bad inputs and input expansion.

Every fixture is generated in tmp_path from the real seed reports, so the tests run
offline and exercise the kind of text the loader meets in practice.
"""

from __future__ import annotations

import html
import os
import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.errors import (
    DecodingError,
    EmptyInputError,
    ExtractorError,
    InputError,
    InputTooLargeError,
    MissingInputError,
    NeedsOCRError,
    UnsupportedInputError,
)
from extractor.load import (
    SUPPORTED_SUFFIXES,
    decode_text,
    expand_inputs,
    load,
    load_bytes,
    load_text,
)

CORPUS = Path(__file__).parent.parent / "evals/corpus"
SEEDS = CORPUS / "seeds"
DEV = CORPUS / "dev"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
# 004 is a simplified-Chinese county report whose appendix table is written one cell per line.
TABLE_SEED = SEEDS / "004_1727cc934ec3d614.txt"


# --------------------------------------------------------------------------- helpers


def seed_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def big5_portion(text: str) -> str:
    """The seed in traditional characters, keeping only the sentences Big5 can encode strictly.

    OpenCC's s2t produces a few characters outside Big5 (爲, 羣, 衆, 着; seed 003 also has
    pinyin with tone marks); their sentences are dropped rather than approximated.
    """
    import opencc

    # Seed 003 is scraped text with pinyin glosses after characters, "簡(jiǎn)稱"; tone
    # marks are outside Big5, so the glosses go first.
    text = re.sub(r"\([a-z\u00c0-\u024f]+\)", "", text)
    traditional = opencc.OpenCC("s2t").convert(text)
    kept = []
    for line in re.split(r"(?<=[。\n])", traditional):
        try:
            line.encode("big5")
        except UnicodeEncodeError:
            continue
        kept.append(line)
    return "".join(kept)


def appendix_rows() -> list[list[str]]:
    """Seed 004's appendix table as rows of cells (cell whitespace collapsed)."""
    text = seed_text(TABLE_SEED)
    block = text[text.index("（一）附表") :]
    rows: list[list[str]] = []
    current: list[str] = []
    for line in block.splitlines()[1:]:
        if line.startswith("\t"):
            current.append(" ".join(line.split()))
        elif not line.strip():
            if current:
                rows.append(current)
            current = []
        else:
            break
    if current:
        rows.append(current)
    assert len(rows) >= 10 and all(len(r) == 4 for r in rows), rows
    return rows


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


def expect_error(
    error: type[ExtractorError], call: Callable[[], object], name: str, *, words: Sequence[str] = ()
) -> ExtractorError:
    """The call raises exactly our error class, naming the file, with no library text leaking."""
    with pytest.raises(ExtractorError) as info:
        call()
    exc = info.value
    assert isinstance(exc, error), f"expected {error.__name__}, got {type(exc).__name__}: {exc}"
    message = str(exc)
    assert name in message
    assert "Traceback" not in message
    for word in words:
        assert word in message, message
    return exc


def table_lines(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if "\t" in line]


# --------------------------------------------------------------------------- text encodings


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
@pytest.mark.parametrize(
    ("codec", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("utf-16", "utf-16"),  # with BOM
        ("utf-16-le", "utf-16-le"),  # no BOM
        ("utf-16-be", "utf-16-be"),
        ("utf-32", "utf-32"),
    ],
)
def test_seed_round_trips_in_each_encoding(tmp_path: Path, seed: Path, codec: str, reported: str) -> None:
    text = seed_text(seed)
    path = write(tmp_path, f"report-{codec}.txt", text.encode(codec))
    source = load(path)
    assert source.encoding == reported
    assert source.text == text
    assert source.kind == "text"
    assert source.name == path.name and source.path == path
    # The reported encoding decodes the file back to the very same text.
    assert path.read_bytes().decode(source.encoding) == source.text


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_big5_seed_loads_as_big5(tmp_path: Path, seed: Path) -> None:
    text = big5_portion(seed_text(seed))
    assert len(text) > 1000
    path = write(tmp_path, "report-big5.txt", text.encode("big5", errors="strict"))
    source = load(path)
    assert source.encoding == "big5"
    assert source.text == text


def test_crlf_is_kept_exactly(tmp_path: Path) -> None:
    text = seed_text(SEED_FILES[0]).replace("\n", "\r\n")
    source = load(write(tmp_path, "crlf.txt", text.encode("gb18030")))
    assert source.text == text
    assert "\r\n" in source.text


def test_dev_gb18030_file_matches_its_utf8_twin() -> None:
    source = load(DEV / "hongze_2023_gb18030.txt")
    assert source.encoding == "gb18030"
    assert "\r\n" in source.text  # offsets index the file, so CRLF stays
    utf8 = (DEV / "hongze_2023.txt").read_text(encoding="utf-8")
    assert source.text.replace("\r\n", "\n") == utf8


def test_pure_chinese_utf16_without_bom_or_ascii(tmp_path: Path) -> None:
    # No ASCII means no NUL bytes: the encoding contest has to find it.
    text = "".join(ch for ch in seed_text(SEED_FILES[1]) if ord(ch) > 0x2000)[:3000]
    source = load(write(tmp_path, "wide.txt", text.encode("utf-16-le")))
    assert (source.encoding, source.text) == ("utf-16-le", text)


def test_utf8_with_a_few_broken_bytes_keeps_the_rest(tmp_path: Path) -> None:
    text = seed_text(SEED_FILES[2])
    data = text.encode("utf-8")
    cut = data.index("主动公开".encode())
    broken = data[:cut] + b"\xff" + data[cut:]  # one stray byte, e.g. from a bad copy
    source = load(write(tmp_path, "broken.txt", broken))
    assert source.encoding == "utf-8"
    assert source.text.replace("\ufffd", "") == text


def test_gb18030_cut_mid_character_is_still_gb18030(tmp_path: Path) -> None:
    text = seed_text(SEED_FILES[0]).rstrip() + "完"
    data = text.encode("gb18030")[:-1]  # the last character loses its second byte
    source = load(write(tmp_path, "cut.txt", data))
    assert source.encoding == "gb18030"
    assert source.text == text[:-1] + "\ufffd"


def test_seed_lines_decode_in_gb18030_and_big5_property() -> None:
    lines = [ln for p in SEED_FILES for ln in seed_text(p).splitlines() if len(ln.strip()) >= 20]
    big5_lines = [ln for ln in (big5_portion(seed_text(p)) for p in SEED_FILES[:3]) for ln in ln.splitlines()]
    big5_lines = [ln for ln in big5_lines if len(ln.strip()) >= 20]

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.data())
    def check(data: st.DataObject) -> None:
        count = data.draw(st.integers(min_value=1, max_value=4))
        gb = "\n".join(data.draw(st.sampled_from(lines)) for _ in range(count))
        assert decode_text(gb.encode("gb18030")) == (gb, "gb18030")
        b5 = "\n".join(data.draw(st.sampled_from(big5_lines)) for _ in range(count))
        assert decode_text(b5.encode("big5")) == (b5, "big5")

    check()


def test_load_text_and_load_bytes() -> None:
    text = seed_text(SEED_FILES[0])
    source = load_text(text, name="pasted")
    assert (source.name, source.text, source.kind, source.path) == ("pasted", text, "text", None)
    assert load_text(text).name == "<text>"
    expect_error(EmptyInputError, lambda: load_text(" \n\u3000 "), "<text>")
    from_bytes = load_bytes(text.encode("gb18030"), "r.txt")
    assert (from_bytes.text, from_bytes.encoding) == (text, "gb18030")


# --------------------------------------------------------------------------- HTML


def appendix_html(rows: list[list[str]], *, charset: str = "utf-8") -> tuple[str, list[list[str]]]:
    """The appendix as an HTML table with a title colspan, a unit rowspan, entities and junk.

    Returns the page and the rows the loader should produce.
    """
    unit_run = 3  # rows 1-3 share the unit "条", written once with rowspan
    assert all(rows[i][1] == "条" for i in range(1, 1 + unit_run))
    out = [
        "<!DOCTYPE html><html><head>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        "<title>标题不可见</title><style>td { color: red }</style>",
        "<script>var junk = '脚本内容不应出现';</script></head><body>",
        "<div class='nav'>首页 &gt; 政务公开</div>",
        "<p>六、需要说明的其他事项与附表</p>",
        "<noscript>请启用脚本</noscript>",
        '<table border="1"><tbody>',
        '<tr><th colspan="4">政府信息公开情况统计表</th></tr>',
    ]
    expected = [["政府信息公开情况统计表"] * 4]
    for i, row in enumerate(rows):
        label, unit, year, total = (html.escape(c) for c in row)
        cells = [f"<td>&nbsp;{label}\n  </td>"]
        if i == 1:
            cells.append(f'<td rowspan="{unit_run}">{unit}</td>')
        elif not 1 < i <= unit_run:
            cells.append(f"<td>{unit}</td>")
        cells.append(f"<td><span>{year}</span></td><td><p>{total}</p></td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
        expected.append(row)
    out += [
        "</tbody></table>",
        "<p>注：&#26412;表数据&amp;说明<br>第二行</p>",
        "<!-- 注释不应出现 -->",
        "<script>document.write('脚本内容不应出现')</script>",
        "</body></html>",
    ]
    return "\n".join(out), expected


def test_html_table_spans_expand_and_junk_is_dropped(tmp_path: Path) -> None:
    page, expected = appendix_html(appendix_rows())
    source = load(write(tmp_path, "report.html", page))
    assert source.kind == "html" and source.encoding == "utf-8"
    text = source.text
    for junk in ("脚本内容不应出现", "标题不可见", "color: red", "注释不应出现", "请启用脚本"):
        assert junk not in text
    assert table_lines(text) == expected
    # The table is fenced by blank lines and sits between the paragraphs around it.
    lines = text.splitlines()
    first = lines.index("\t".join(expected[0]))
    last = lines.index("\t".join(expected[-1]))
    assert lines[first - 1] == "" and lines[last + 1] == ""
    assert lines[first - 2] == "六、需要说明的其他事项与附表"
    assert lines[last + 2 :][:2] == ["注：本表数据&说明", "第二行"]
    assert lines[0] == "首页 > 政务公开"


def test_html_number_across_columns_is_laid_once(tmp_path: Path) -> None:
    # Word widens the last cell of a short row of a four-column table; the label's colspan
    # still repeats (a heading names every column under it).
    page = (
        "<html><body><table>"
        "<tr><td>信息内容</td><td>本年新制作数量</td><td>本年新公开数量</td><td>对外公开总数量</td></tr>"
        '<tr><td>行政事业性收费</td><td>1</td><td colspan="2"><p>-1</p></td></tr>'
        '<tr><td colspan="2">合计</td><td>3</td><td>4</td></tr>'
        "</table></body></html>"
    )
    text = load(write(tmp_path, "r.html", page)).text
    assert table_lines(text)[1:] == [["行政事业性收费", "1", "-1"], ["合计", "合计", "3", "4"]]


def test_html_in_gb18030_with_meta_charset(tmp_path: Path) -> None:
    page, expected = appendix_html(appendix_rows(), charset="gb2312")
    source = load(write(tmp_path, "report.htm", page.encode("gb18030")))
    assert source.encoding == "gb18030"
    assert table_lines(source.text) == expected


def test_html_layout_table_is_read_as_blocks(tmp_path: Path) -> None:
    # Old government sites wrap the whole article in a layout table.
    paragraphs = [p for p in seed_text(SEED_FILES[0]).split("\n\n") if len(p) > 60][:6]
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    inner = "<table><tr><td>规章</td><td>1</td></tr><tr><td>规范性文件</td><td>8</td></tr></table>"
    page = f"<html><body><table><tr><td>{body}{inner}</td></tr></table></body></html>"
    text = load(write(tmp_path, "layout.html", page)).text
    for p in paragraphs:
        assert " ".join(p.split()) in text.splitlines()
    assert table_lines(text) == [["规章", "1"], ["规范性文件", "8"]]


def test_html_without_visible_text_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.html", "<html><head><title>x</title></head><body><script>1</script></body></html>")
    expect_error(EmptyInputError, lambda: load(path), "blank.html")
    spaces, comment = write(tmp_path, "spaces.html", "  \n "), write(tmp_path, "comment.html", "<!-- 草稿 -->")
    expect_error(EmptyInputError, lambda: load(spaces), "spaces.html")
    expect_error(EmptyInputError, lambda: load(comment), "comment.html")


def test_html_unclosed_tags_nesting_deep_are_read_whole(tmp_path: Path) -> None:
    # old editors leave <font> open on every paragraph: each one nests inside the last
    page = "<p>开始" + "".join(f"<font>第{i}段" for i in range(1500)) + "结束"
    text = load(write(tmp_path, "fonts.html", page)).text
    assert text.startswith("开始第0段") and text.rstrip().endswith("第1499段结束")
    too_deep = write(tmp_path, "deep.html", "<div>" * 3000 + "正文")
    expect_error(UnsupportedInputError, lambda: load(too_deep), "deep.html")


def test_html_after_the_closing_tag_is_kept(tmp_path: Path) -> None:
    page = "<html><body><p>一、概述</p></body></html><p>二、附表</p>尾注<!-- x -->"
    assert load(write(tmp_path, "after.html", page)).text == "一、概述\n二、附表\n尾注\n"


# --------------------------------------------------------------------------- Word


def make_docx(path: Path, rows: list[list[str]], before: list[str], after: list[str]) -> None:
    import docx

    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    table = document.add_table(rows=len(rows) + 1, cols=4)
    title = table.cell(0, 0).merge(table.cell(0, 3))  # horizontal merge
    title.text = "政府信息公开情况统计表"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    unit = table.cell(2, 1).merge(table.cell(4, 1))  # vertical merge over three rows
    unit.text = "条"
    for line in after:
        document.add_paragraph(line)
    document.save(str(path))


def test_docx_keeps_document_order_and_expands_merged_cells(tmp_path: Path) -> None:
    rows = appendix_rows()
    before = ["安砂镇政府信息公开工作年度报告", "六、需要说明的其他事项与附表"]
    after = ["七、其他需要报告的事项", "无。"]
    path = tmp_path / "report.docx"
    make_docx(path, rows, before, after)
    source = load(path)
    assert source.kind == "docx" and source.encoding is None
    lines = source.text.splitlines()
    assert table_lines(source.text) == [["政府信息公开情况统计表"] * 4, *rows]
    first = lines.index("\t".join(["政府信息公开情况统计表"] * 4))
    last = lines.index("\t".join(rows[-1]))
    assert lines[:first] == [*before, ""]
    assert lines[last + 1 :] == ["", *after]


def test_docx_number_across_columns_is_laid_once(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    table = document.add_table(rows=2, cols=4)
    for c, text in enumerate(["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]):
        table.cell(0, c).text = text
    table.cell(1, 0).text = "行政事业性收费"
    table.cell(1, 1).text = "1"
    table.cell(1, 2).merge(table.cell(1, 3)).text = "-1"
    path = tmp_path / "short_row.docx"
    document.save(str(path))
    assert table_lines(load(path).text)[1] == ["行政事业性收费", "1", "-1"]


def test_real_dev_docx() -> None:
    source = load(DEV / "huaian_2024_word.docx")
    assert source.kind == "docx" and source.name == "huaian_2024_word.docx"
    text = source.text
    assert "收到和处理政府信息公开申请情况" in text
    # This report's tables were laid out as paragraphs, one cell per line.
    for cell in ("一、本年新收政府信息公开申请数量", "3119", "行政许可", "447228", "1.属于国家秘密"):
        assert cell in text.splitlines()
    twin = (DEV / "huaian_2024.txt").read_text(encoding="utf-8")
    assert re.sub(r"\s+", "", text) == re.sub(r"\s+", "", twin)


# --------------------------------------------------------------------------- PDF


def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def make_pdf(path: Path, pages: list[list[str]], table: list[list[str]] | None = None) -> None:
    """One Chinese paragraph per line; the optional table (with spans) follows page 1's first line."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = _cjk_font()
    style = ParagraphStyle("zh", fontName=font, fontSize=11, leading=16)
    story: list[object] = []
    for number, lines in enumerate(pages):
        if number:
            story.append(PageBreak())
        for i, line in enumerate(lines):
            story.append(Paragraph(html.escape(line), style))
            if number == 0 and table is not None and i == 0:
                grid = Table(table)
                grid.setStyle(TableStyle([
                    ("FONTNAME", (0, 0), (-1, -1), font),
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("SPAN", (0, 0), (-1, 0)),  # title across all columns
                    ("SPAN", (1, 2), (1, 4)),  # the unit "条" down three rows
                ]))
                story += [Spacer(1, 6), grid, Spacer(1, 6)]
    SimpleDocTemplate(str(path)).build(story)


def test_pdf_chinese_text_tables_and_pages(tmp_path: Path) -> None:
    rows = appendix_rows()[:5]
    assert [r[1] for r in rows[1:4]] == ["条"] * 3
    # Spanned-over cells are blank in the drawing; the loader must repeat "条" in them.
    drawn = [[r[0], "" if i in (2, 3) else r[1], *r[2:]] for i, r in enumerate(rows)]
    table = [["政府信息公开情况统计表", "", "", ""], *drawn]
    page1 = ["六、需要说明的其他事项与附表", "以上为本年度统计数据。"]
    page2 = ["七、其他需要报告的事项", "本机关全年收取信息处理费 0 元。"]
    path = tmp_path / "report.pdf"
    make_pdf(path, [page1, page2], table)
    source = load(path)
    assert source.kind == "pdf" and len(source.pages) == 2
    text = source.text
    # CID fonts extract as real characters, not (cid:NN).
    assert "(cid:" not in text
    lines = text.splitlines()
    assert lines[0] == page1[0]
    expected = [["政府信息公开情况统计表"] * 4, *rows]
    assert table_lines(text) == expected
    # The table replaces its region: rows appear once, between the paragraphs around it.
    first = lines.index("\t".join(expected[0]))
    last = lines.index("\t".join(expected[-1]))
    assert lines[first - 1] == "" and lines[last + 1] == ""
    assert lines[last + 2] == page1[1]
    assert text.count(rows[1][0]) == 1
    # Page offsets: page 2 starts right after the form feed that ends page 1.
    second = source.pages[1]
    assert text[second - 1] == "\f"
    assert text[second:].startswith(page2[0])
    assert source.page_of(text.index(page2[1])) == 2
    assert source.page_of(text.index(page1[1])) == 1


def test_pdf_without_text_layer_needs_ocr(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(72, 72, 200, 100, fill=1)  # stands in for a scanned page image
    pdf.showPage()
    pdf.save()
    expect_error(NeedsOCRError, lambda: load(path), "scan.pdf", words=("OCR", "ocrmypdf"))


def test_encrypted_pdf_is_unsupported(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    path = tmp_path / "locked.pdf"
    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.setFont(_cjk_font(), 12)
    pdf.drawString(72, 720, "政府信息公开工作年度报告")
    pdf.showPage()
    pdf.save()
    expect_error(UnsupportedInputError, lambda: load(path), "locked.pdf", words=("password",))


# --------------------------------------------------------------------------- bad inputs

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"


def random_binary(size: int = 4096) -> bytes:
    rng = random.Random(7)
    data = bytearray(rng.randrange(256) for _ in range(size))
    data[10] = data[500] = 0  # make sure there are NULs
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "data", "error", "words"),
    [
        ("empty.txt", b"", EmptyInputError, ("empty",)),
        ("blank.txt", " \n\t\r\n\u3000\n".encode(), EmptyInputError, ("whitespace",)),
        ("blank-gb.txt", "\u3000\u3000\r\n".encode("gb18030"), EmptyInputError, ()),
        ("noise.txt", random_binary(), UnsupportedInputError, ("binary file, not a text report",)),
        ("image.txt", PNG_HEADER + random_binary(512), UnsupportedInputError, ("binary", "PNG")),
        ("controls.txt", bytes(range(1, 32)) * 20, UnsupportedInputError, ("binary",)),
        ("blob.xyz", random_binary(), UnsupportedInputError, (".xyz", ".docx", ".pdf")),
        ("broken.docx", b"this is not a zip archive at all", UnsupportedInputError, ("docx",)),
        ("broken.pdf", b"%PDF-1.4\n1 0 obj garbage", UnsupportedInputError, ("PDF",)),
        ("fake.pdf", "政府信息公开".encode(), UnsupportedInputError, ("PDF",)),
        ("legacy.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), UnsupportedInputError, (".doc",)),
        ("empty.docx", b"", EmptyInputError, ()),
    ],
)
def test_bad_inputs_raise_our_errors(
    tmp_path: Path, name: str, data: bytes, error: type[ExtractorError], words: Sequence[str]
) -> None:
    path = write(tmp_path, name, data)
    exc = expect_error(error, lambda: load(path), name, words=words)
    assert exc.source == str(path)


def test_zip_that_is_not_a_docx(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "report.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not word")
    expect_error(UnsupportedInputError, lambda: load(path), "report.docx")


def test_truncated_docx(tmp_path: Path) -> None:
    path = tmp_path / "full.docx"
    make_docx(path, appendix_rows(), ["前文"], ["后文"])
    cut = write(tmp_path, "cut.docx", path.read_bytes()[:3000])
    expect_error(UnsupportedInputError, lambda: load(cut), "cut.docx")


def test_missing_path_and_directory(tmp_path: Path) -> None:
    expect_error(MissingInputError, lambda: load(tmp_path / "nope.txt"), "nope.txt", words=("not found",))
    expect_error(UnsupportedInputError, lambda: load(tmp_path), tmp_path.name, words=("expand_inputs",))


def test_file_above_the_size_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", seed_text(SEED_FILES[0]))
    size = path.stat().st_size
    expect_error(
        InputTooLargeError,
        lambda: load(path, max_bytes=1000),
        "big.txt",
        words=("1,000", "EXTRACTOR_MAX_BYTES", "--max-bytes"),
    )
    assert load(path, max_bytes=size).text  # exactly at the limit is fine


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "secret.txt", "政府信息公开")
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    # Tests may run as root, where chmod 000 does not stop reading.
    monkeypatch.setattr(Path, "open", deny)
    exc = expect_error(InputError, lambda: load(path), "secret.txt", words=("permission",))
    assert type(exc) is InputError


def test_unknown_suffix_is_sniffed(tmp_path: Path) -> None:
    text = seed_text(SEED_FILES[0])
    as_text = load(write(tmp_path, "report.dat", text.encode("gb18030")))
    assert (as_text.kind, as_text.encoding, as_text.text) == ("text", "gb18030", text)
    page, _ = appendix_html(appendix_rows())
    assert load(write(tmp_path, "page.asp", page)).kind == "html"
    docx_path = tmp_path / "t.docx"
    make_docx(docx_path, appendix_rows(), ["前文"], ["后文"])
    assert load(write(tmp_path, "report.bin", docx_path.read_bytes())).kind == "docx"
    pdf_path = tmp_path / "t.pdf"
    make_pdf(pdf_path, [["政府信息公开工作年度报告"]])
    assert load(write(tmp_path, "report", pdf_path.read_bytes())).kind == "pdf"
    # A PDF saved under a text name is still read as a PDF.
    assert load(write(tmp_path, "mislabelled.txt", pdf_path.read_bytes())).kind == "pdf"


def test_decoding_errors_are_ours() -> None:
    # Nothing fits these bytes as Chinese text; whatever happens, no UnicodeDecodeError leaks.
    for data in (b"\x81" * 7, bytes(range(0x80, 0x100)) * 3):
        try:
            decode_text(data, source="odd.txt")
        except (DecodingError, UnsupportedInputError) as exc:
            assert "odd.txt" in str(exc)


# --------------------------------------------------------------------------- expand_inputs


def make_tree(root: Path) -> None:
    (root / "a").mkdir(parents=True)
    (root / "a" / "deep").mkdir()
    (root / ".hidden").mkdir()
    for rel in ("b.txt", "a/c.html", "a/deep/d.pdf", "a/e.docx", "z.TXT"):
        write(root, rel, "政府信息公开")
    for rel in ("notes.png", ".hidden/x.txt", "a/~$e.docx", ".dot.txt"):
        write(root, rel, "skip")


def test_expand_directory(tmp_path: Path) -> None:
    make_tree(tmp_path)
    paths, failures = expand_inputs([str(tmp_path)])
    assert failures == []
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "a/c.html", "a/deep/d.pdf", "a/e.docx", "b.txt", "z.TXT",
    ]


def test_expand_globs_files_and_failures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    paths, failures = expand_inputs(["**/*.html", "*.txt", "b.txt", "notes.png", "missing.txt", "*.nothing"])
    assert [p.as_posix() for p in paths] == ["a/c.html", "b.txt", "notes.png"]
    assert [(raw, type(err)) for raw, err in failures] == [
        ("missing.txt", MissingInputError),
        ("*.nothing", MissingInputError),
    ]
    assert all(raw in str(err) for raw, err in failures)
    # A glob that matches only unsupported files says so.
    _, failures = expand_inputs(["*.png"])
    assert "supported suffix" in str(failures[0][1])


def test_expand_empty_directory(tmp_path: Path) -> None:
    paths, failures = expand_inputs([str(tmp_path)])
    assert paths == [] and isinstance(failures[0][1], MissingInputError)


def test_supported_suffixes_are_the_documented_ones() -> None:
    assert set(SUPPORTED_SUFFIXES) == {
        ".txt", ".text", ".md", ".csv", ".tsv", ".html", ".htm", ".xhtml", ".docx", ".pdf",
    }


def test_every_seed_loads_quickly() -> None:
    import time

    started = time.perf_counter()
    for path in [*SEED_FILES, DEV / "huaian_2024_word.docx", DEV / "hongze_2023_gb18030.txt"]:
        assert load(path).text
    assert time.perf_counter() - started < 5, "loading the seeds should take well under a second"


def test_paths_accept_pathlike_and_str(tmp_path: Path) -> None:
    path = write(tmp_path, "r.md", "# 报告\n政府信息公开")
    assert load(str(path)).text == load(path).text == load(os.fspath(path)).text
