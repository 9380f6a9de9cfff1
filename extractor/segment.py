"""Segment the clean text into the report's sections and its tables.

Tables reach us flattened in many ways: one cell per line (with or without blank
lines between cells), tab- or indent-separated rows, pipe-separated cells, markdown,
and the loader's own tab rows for HTML/Word/PDF tables. All of them become a
``Table`` of rows of ``Cell``s that keep their clean offsets. Where the flattening
lost the row boundaries (one cell per line), rows are rebuilt from the cells
themselves: a row starts at a label cell and takes the value cells after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .cells import VALUE_TAIL, is_value_tail, stripped_cell
from .document import Cell, CleanText, Document, Section, SectionKey, Source, Table

# Headings of the three formats and of the older reports, most specific first.
_SECTION_KEYS: tuple[tuple[SectionKey, re.Pattern[str]], ...] = (
    ("appendix", re.compile(r"附表|统计表")),
    ("review", re.compile(r"行政复议|行政诉讼")),
    ("requests", re.compile(r"依申请|收到和处理|申请的?办理|申请情况")),
    ("proactive", re.compile(r"主动公开")),
    ("fees", re.compile(r"收费|减免")),
    ("responses", re.compile(r"回应|解读")),
    ("problems", re.compile(r"问题|改进")),
    ("other", re.compile(r"其他需要|需要说明|其他事项|其它事项")),
    ("overview", re.compile(r"总体情况|概述|基本情况")),
    ("organisation", re.compile(r"组织|机构|制度建设")),
)
_NUMERALS = "一二三四五六七八九十"
_TOP_HEADING = re.compile(rf"^\s*([{_NUMERALS}]{{1,3}})\s*[、.．]\s*(\S.{{0,60}})$")
# Row labels of the gb2019/gb2021 applications table look like top-level headings.
_TABLE_ROW_HEADING = re.compile(r"本年新收|上年结转|结转下年度|本年度办理结果|申请数量$|[\d\s]+$")
_BARE_HEADING = re.compile(r"^\s*(引言|概述|前言|附表[:：]?|附件[:：]?)\s*$")
_BARE_HEADING_FIRSTS = "引概前附"

_NUMBER_CELL = re.compile(
    r"^[+\-]?\s*(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:%|元|万元|条|件|个|人|次|篇|项|期|份|人次)?$"
)
_BLANKISH_CELL = re.compile(r"^[\s\-—–/／无_]*$")
_UNIT_CELL = re.compile(r"^(?:条|件|个|人|次|篇|项|期|份|人次|元|万元|\(元\)|\(万元\)|_)$")
_MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_MAX_CELL_CHARS = 70
_PIPE_PARTS = re.compile(r"[^|]+")
_TAB_PARTS = re.compile(r"[^\t]+")
_WIDE_GAP = re.compile(r"\S {3,}\S")
_SPACED_PARTS = re.compile(r"\S+(?: {1,2}\S+)*")
_WORDS = re.compile(r"\S+")


def is_number_cell(text: str) -> bool:
    return bool(_NUMBER_CELL.match(text.strip()))


def is_blank_cell(text: str) -> bool:
    return bool(_BLANKISH_CELL.match(text))


def is_unit_cell(text: str) -> bool:
    return bool(_UNIT_CELL.match(text.strip()))


def is_value_cell(text: str) -> bool:
    return is_number_cell(text) or is_blank_cell(text) or is_unit_cell(text)


def _split_cells(text: str, offset: int) -> list[Cell]:
    """A line split into cells on tabs, pipes or wide gaps, keeping clean offsets."""
    if "|" in text:
        parts = [(m.start(), m.end()) for m in _PIPE_PARTS.finditer(text)]
    elif "\t" in text:
        parts = [(m.start(), m.end()) for m in _TAB_PARTS.finditer(text)]
    # Both remaining separators need a space; most lines have none and are one cell.
    elif " " in text and _WIDE_GAP.search(text):
        parts = [(m.start(), m.end()) for m in _SPACED_PARTS.finditer(text)]
    elif " " in text and (tail := VALUE_TAIL.search(text)) and is_value_tail(tail.group()):
        parts = [(0, tail.start()), *((m.start(), m.end()) for m in _WORDS.finditer(text[tail.start():]))]
        parts = [parts[0], *((a + tail.start(), b + tail.start()) for a, b in parts[1:])]
    else:
        parts = [(0, len(text))]
    cells: list[Cell] = []
    for a, b in parts:
        cell = stripped_cell(text[a:b], offset + a)
        if cell is not None:
            cells.append(cell)
    return cells


class _Line:
    """A line with text, split into its cells (a table needs them, and so does telling prose apart)."""

    __slots__ = ("cells", "end", "start", "text")

    def __init__(self, start: int, text: str) -> None:
        self.start = start
        self.end = start + len(text)
        self.text = text
        self.cells = _split_cells(text, start)


def _is_markdown_rule(stripped: str) -> bool:
    # The substring test is the rule's own minimum and spares the regex on every other line.
    return "---" in stripped and bool(_MARKDOWN_RULE.match(stripped))


def _is_table_line(stripped: str, cells: list[Cell]) -> bool:
    """Whether a line with text (not a markdown rule) can belong to a table: it does not read as prose."""
    if not cells:
        return True
    if len(stripped) <= _MAX_CELL_CHARS:
        # No cell is longer than its line, so only a single sentence is prose here.
        return len(cells) > 1 or not stripped.endswith("。")
    return len(cells) > 1 and all(len(c.text) <= _MAX_CELL_CHARS for c in cells)


def _table_runs(text: str) -> Iterator[tuple[int, list[_Line]]]:
    """Maximal runs of table lines: where each run starts, and its lines with text other than markdown rules.

    Blank lines and markdown rules belong to a run without adding to it; a run's start may be one.
    """
    run_start: int | None = None
    body: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        start = pos
        pos += len(raw) + 1
        stripped = raw.strip()
        if stripped and not _is_markdown_rule(stripped):
            line = _Line(start, raw)
            if not _is_table_line(stripped, line.cells):
                if run_start is not None:
                    yield run_start, body
                run_start, body = None, []
                continue
            body.append(line)
        if run_start is None:
            run_start = start
    if run_start is not None:
        yield run_start, body


def find_sections(text: str) -> tuple[Section, ...]:
    heads: list[tuple[int, str, SectionKey]] = []
    pos = 0
    for raw in text.split("\n"):
        line_start = pos
        pos += len(raw) + 1
        stripped = raw.strip()
        if not stripped or len(stripped) > 64 or stripped.endswith("。"):
            continue
        # Each heading pattern can only match a line whose first character starts one of its words.
        first = stripped[0]
        title: str | None = None
        if first in _NUMERALS:
            m = _TOP_HEADING.match(raw)
            title = m.group(2) if m else None
        elif first in _BARE_HEADING_FIRSTS and _BARE_HEADING.match(raw):
            title = stripped
        if title is None or _TABLE_ROW_HEADING.search(title):
            continue
        key: SectionKey = "unknown"
        for candidate, pattern in _SECTION_KEYS:
            if pattern.search(title):
                key = candidate
                break
        if title.startswith("引言") or title.startswith("前言"):
            key = "preamble"
        heads.append((line_start, stripped, key))
    sections: list[Section] = []
    if heads and heads[0][0] > 0:
        sections.append(Section("", "preamble", 0, heads[0][0]))
    for i, (start, heading, key) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        sections.append(Section(heading, key, start, end))
    if not sections:
        sections.append(Section("", "unknown", 0, len(text)))
    return tuple(sections)


def _rows_from_cells(cells: list[Cell]) -> list[tuple[Cell, ...]]:
    """Rebuild rows from a cell stream: each label cell opens a row, value cells join it.

    A label wrapped onto a second cell (a bracketed remark, or a one- or two-character
    tail such as 数) continues the label before it instead of opening a row.
    """
    rows: list[list[Cell]] = []
    for cell in cells:
        text = cell.text
        if rows and is_value_cell(text):
            rows[-1].append(cell)
        elif rows and len(rows[-1]) == 1 and _continues_label(text):
            rows[-1].append(cell)
        else:
            rows.append([cell])
    return [tuple(r) for r in rows]


def _has_two_numbers(cells: list[Cell]) -> bool:
    # A table's many numbers need not all be counted: two are enough to keep it.
    seen = 0
    for c in cells:
        if _NUMBER_CELL.match(c.text):
            seen += 1
            if seen == 2:
                return True
    return False


def _continues_label(text: str) -> bool:
    if _looks_numbered(text):
        return False
    return len(text) <= 2 or text.startswith(("(", "（"))


_NUMBERED = re.compile(rf"^(?:[(（]?[{_NUMERALS}]+[)）、]|\d+[.、．]|其中|[(（]\d+[)）])")


def _looks_numbered(text: str) -> bool:
    return bool(_NUMBERED.match(text))


def _build_table(body: list[_Line], section: str | None) -> Table | None:
    """The table a run's lines hold, if they hold four cells or more, two of them numbers."""
    per_line = [ln.cells for ln in body]
    cells = [c for cs in per_line for c in cs]
    if len(cells) < 4 or not _has_two_numbers(cells):
        return None
    multi = sum(1 for cs in per_line if len(cs) >= 2)
    if any("|" in ln.text for ln in body) and multi >= len(body) / 2:
        layout = "markdown" if any(ln.text.lstrip().startswith("|") for ln in body) else "pipes"
        rows = [tuple(cs) for cs in per_line if cs]
    elif multi >= len(body) / 2:
        layout = "tabs"
        rows = [tuple(cs) for cs in per_line if cs]
    else:
        layout = "pipes" if any("|" in ln.text for ln in body) else "lines"
        rows = _rows_from_cells(cells)
    return Table(tuple(rows), body[0].start, body[-1].end, layout, section)


def find_tables(text: str, sections: tuple[Section, ...]) -> tuple[Table, ...]:
    """Maximal runs of short lines that hold enough numeric cells are tables."""
    tables: list[Table] = []
    for run_start, body in _table_runs(text):
        if not body:
            continue
        section = next((s.key for s in sections if s.start <= run_start < s.end), None)
        table = _build_table(body, section)
        if table is not None:
            tables.append(table)
    return tuple(tables)


def segment(source: Source, clean: CleanText) -> Document:
    sections = find_sections(clean.text)
    tables = find_tables(clean.text, sections)
    return Document(source=source, clean=clean, sections=sections, tables=tables)
