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
from dataclasses import dataclass
from functools import cached_property

from .cells import VALUE_TAIL, is_value_tail
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


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str

    @cached_property
    def cells(self) -> list[Cell]:
        """The line split into cells on tabs or pipes, keeping clean offsets (asked for twice)."""
        text = self.text
        if "|" in text:
            parts = [(m.start(), m.end()) for m in _PIPE_PARTS.finditer(text)]
        elif "\t" in text:
            parts = [(m.start(), m.end()) for m in _TAB_PARTS.finditer(text)]
        elif _WIDE_GAP.search(text):
            parts = [(m.start(), m.end()) for m in _SPACED_PARTS.finditer(text)]
        elif (tail := VALUE_TAIL.search(text)) and is_value_tail(tail.group()):
            parts = [(0, tail.start()), *((m.start(), m.end()) for m in _WORDS.finditer(text[tail.start():]))]
            parts = [parts[0], *((a + tail.start(), b + tail.start()) for a, b in parts[1:])]
        else:
            parts = [(0, len(text))]
        cells: list[Cell] = []
        for a, b in parts:
            raw = text[a:b]
            stripped = raw.strip()
            if not stripped:
                continue
            lead = len(raw) - len(raw.lstrip())
            s = self.start + a + lead
            cells.append(Cell(stripped, s, s + len(stripped)))
        return cells


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        lines.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


def _is_table_line(line: _Line) -> bool:
    stripped = line.text.strip()
    if not stripped:
        return True
    if _MARKDOWN_RULE.match(stripped):
        return True
    cells = line.cells
    if not cells:
        return True
    if len(cells) == 1 and (stripped.endswith("。") or len(stripped) > _MAX_CELL_CHARS):
        return False
    return all(len(c.text) <= _MAX_CELL_CHARS for c in cells)


def find_sections(text: str) -> tuple[Section, ...]:
    heads: list[tuple[int, str, SectionKey]] = []
    for line in _lines(text):
        stripped = line.text.strip()
        if not stripped or len(stripped) > 64 or stripped.endswith("。"):
            continue
        m = _TOP_HEADING.match(line.text)
        title = m.group(2) if m else None
        if title is None and _BARE_HEADING.match(line.text):
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
        heads.append((line.start, stripped, key))
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


def _continues_label(text: str) -> bool:
    if _looks_numbered(text):
        return False
    return len(text) <= 2 or text.startswith(("(", "（"))


_NUMBERED = re.compile(rf"^(?:[(（]?[{_NUMERALS}]+[)）、]|\d+[.、．]|其中|[(（]\d+[)）])")


def _looks_numbered(text: str) -> bool:
    return bool(_NUMBERED.match(text))


def _build_table(lines: list[_Line], section: str | None) -> Table | None:
    body = [ln for ln in lines if ln.text.strip() and not _MARKDOWN_RULE.match(ln.text.strip())]
    if not body:
        return None
    per_line = [ln.cells for ln in body]
    cells = [c for cs in per_line for c in cs]
    numbers = sum(1 for c in cells if is_number_cell(c.text))
    if numbers < 2 or len(cells) < 4:
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
    run: list[_Line] = []

    def flush() -> None:
        if run:
            section = next((s.key for s in sections if s.start <= run[0].start < s.end), None)
            table = _build_table(run, section)
            if table is not None:
                tables.append(table)
        run.clear()

    for line in _lines(text):
        if _is_table_line(line):
            run.append(line)
        else:
            flush()
    flush()
    return tuple(tables)


def segment(source: Source, clean: CleanText) -> Document:
    sections = find_sections(clean.text)
    tables = find_tables(clean.text, sections)
    return Document(source=source, clean=clean, sections=sections, tables=tables)
