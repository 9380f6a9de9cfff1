"""The rule engine's table half: recognise the report format and read its numeric tables.

Every parser here is generic code over the templates in ``extractor.schemas.templates``.
They work on the *cell stream* of a region (cells in reading order, each with its clean
span), because the row boundaries of a flattened table are the first thing copying
destroys, while the order of cells mostly survives. Where the order does not survive
(PDF text that prints a column block before its labels), the tables' own arithmetic
picks the reading; where no reading fits, nothing is guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Literal

from .cells import stripped_cell
from .document import Candidate, Cell, Document, Table
from .schemas.templates import (
    ARTICLE_BLOCKS,
    LEGACY_ROWS,
    REQUEST_COLUMN_ORDER,
    REQUEST_ROW_NUMBERING,
    REQUEST_ROW_PATTERNS,
    REQUEST_ROWS_23,
    REQUEST_ROWS_25,
    REVIEW_BLOCKS,
    REVIEW_OUTCOMES,
    RowSpec,
    request_row_of,
)
from .segment import is_blank_cell, is_number_cell, is_unit_cell

Format = Literal["legacy", "gb2019", "gb2021"]

_GB2021_MARKERS = re.compile(r"本年制发件数|本年废止件数|现行有效件数|本年收费金额|逾期不补正")
_GB2019_MARKERS = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|采购总金额")
_GB_COMMON = re.compile(r"第二十条第|收到和处理政府信息公开申请|三安全一稳定|本年新收政府信息公开申请")


def detect_format(text: str) -> Format:
    """Recognise the template from the tables' own vocabulary, never from the year alone."""
    compact = re.sub(r"\s+", "", text)
    n2021 = len(_GB2021_MARKERS.findall(compact))
    n2019 = len(_GB2019_MARKERS.findall(compact))
    if n2021 or n2019:
        return "gb2021" if n2021 >= n2019 else "gb2019"
    if _GB_COMMON.search(compact):
        year = re.search(r"(20\d\d)年", compact)
        return "gb2021" if year and int(year.group(1)) >= 2021 else "gb2019"
    return "legacy"


@dataclass
class TableResult:
    candidates: list[Candidate] = field(default_factory=list)
    ambiguities: list[str] = field(default_factory=list)
    verified: set[str] = field(default_factory=set)  # paths whose table arithmetic holds


_UNIT_WAN = re.compile(r"万元")
_CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                   "八": 8, "九": 9}


_ZERO_CELL = re.compile(r"[\-—–/／无_]+")
_NUMBER_WITH_UNIT = re.compile(r"([+\-]?\d+(?:\.\d+)?)(%|万元|元|条|件|个|人次|人|次|篇|项|期|份)?")


@lru_cache(maxsize=8192)
def parse_number(text: str) -> float | None:
    """A cell's number: separators, signs and units tolerated; blank, '—', '/', '无' mean 0."""
    t = text.strip().replace(",", "").replace(" ", "")
    if not t or _ZERO_CELL.fullmatch(t):
        return 0.0
    m = _NUMBER_WITH_UNIT.fullmatch(t)
    if m:
        value = float(m.group(1))
        return value * 10000 if m.group(2) == "万元" else value
    if len(t) == 1 and t in _CHINESE_DIGITS:
        return float(_CHINESE_DIGITS[t])
    return None


def _as_value(number: float) -> int | float:
    return int(number) if float(number).is_integer() else round(number, 6)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


_DASH_CELL = re.compile(r"[\-—–/／]{1,2}|无")  # not a markdown rule (---)


def _is_cell_value(text: str) -> bool:
    """A number, a blank cell of a row, or a dash, slash or 无 that a printed table uses for zero."""
    return text == "" or is_number_cell(text) or bool(_DASH_CELL.fullmatch(text.strip()))


# --------------------------------------------------------------------------- streams
@dataclass(frozen=True)
class StreamCell:
    cell: Cell
    line: int  # index of the line the cell is on, to tell adjacent lines from blank-separated ones


_FIELD = re.compile(r"[^\t|]*")
_MARKDOWN_RULE = re.compile(r":?-{3,}:?")


def _fields(raw: str, pos: int) -> list[tuple[Cell | None, int]]:
    """The fields of a separated line, each a cell (None where empty) and its offset.

    A pipe at either end of the line is a border (``| 规章 | 0 |``), not an empty field; a
    tab at the start is an empty field (a merged label column, as spreadsheets export it).
    """
    fields: list[tuple[Cell | None, int]] = []
    for m in _FIELD.finditer(raw):
        if m.start() == m.end() and m.start() > 0 and raw[m.start() - 1] not in "\t|":
            continue  # the empty match re.finditer yields after each field
        fields.append((stripped_cell(m.group(), pos + m.start()), pos + m.start()))
    if raw.lstrip(" ").startswith("|") and fields and fields[0][0] is None:
        fields.pop(0)
    if raw.rstrip(" ").endswith("|") and fields and fields[-1][0] is None:
        fields.pop()
    return fields


def _label_end(fields: Sequence[tuple[Cell | None, int]]) -> int:
    """Index after the last field holding text that is not a value (0 for a row of values)."""
    return max((i + 1 for i, (cell, _) in enumerate(fields) if cell is not None and not _is_cell_value(cell.text)),
               default=0)


def _value_start(rows: Sequence[Sequence[tuple[Cell | None, int]]]) -> int | None:
    """The first value column of a separated table, or None where no row holds a value.

    Spreadsheets export merged label cells as empty fields, so a row may carry empty fields
    between its label and its first value (``一、本年新收…\t\t\t11``): those are padding, not
    blank values. The value columns start at the leftmost column any row has a number in,
    or further left where a label-only row (``\t\t2.重复申请\t\t…``) shows the labels end
    sooner; a row with text beyond that column is a header.
    """
    firsts = []
    for fields in rows:
        end = _label_end(fields)
        first = next((i for i in range(end, len(fields)) if fields[i][0] is not None), None)
        if first is not None:
            firsts.append(first)
    if not firsts:
        return None
    leftmost = min(firsts)
    return max((e for e in map(_label_end, rows) if e <= leftmost), default=leftmost)


def region_stream(doc: Document, start: int, end: int) -> list[StreamCell]:
    """Cells of every line in [start, end), split on tabs and pipes.

    In a row of cells (a line with two separators or more) an empty field in a value column
    is kept, as an empty text: a printed table's blank cell counts as 0, except in the 总计
    column. Empty fields among the labels and in header rows are dropped, and so are
    markdown rules (``|---|---|``).
    """
    text = doc.text
    lines: list[tuple[int, str, list[tuple[Cell | None, int]] | None]] = []
    pos = start
    for raw in text[start:end].split("\n"):
        if ("\t" in raw or "|" in raw) and raw.count("\t") + raw.count("|") >= 2:
            parsed = _fields(raw, pos)
            if not all(cell is None or _MARKDOWN_RULE.fullmatch(cell.text) for cell, _ in parsed):
                lines.append((pos, raw, parsed))
            else:
                lines.append((pos, "", None))
        else:
            lines.append((pos, raw, None))
        pos += len(raw) + 1
    value_start = _value_start([f for _, _, f in lines if f is not None])
    out: list[StreamCell] = []
    for line_no, (pos, raw, fields) in enumerate(lines):
        if fields is None:
            if "\t" not in raw and "|" not in raw:
                if (cell := stripped_cell(raw, pos)) is not None:
                    out.append(StreamCell(cell, line_no))
            else:  # one separator: its non-empty fields, no blanks
                out.extend(StreamCell(c, line_no) for c, _ in _fields(raw, pos) if c is not None)
            continue
        # A row with text beyond the first value column is a header: its empty fields are
        # layout. Elsewhere an empty field in a value column is a blank cell; with no value
        # column known, every empty field after the row's first text is.
        header = value_start is not None and _label_end(fields) > value_start
        seen_text = False
        for i, (cell, offset) in enumerate(fields):
            if cell is not None:
                seen_text = True
                out.append(StreamCell(cell, line_no))
            elif not header and (i >= value_start if value_start is not None else seen_text):
                out.append(StreamCell(Cell("", offset, offset), line_no))
    return out


def _find(pattern: str, text: str, start: int = 0, end: int | None = None) -> re.Match[str] | None:
    return re.compile(pattern).search(text, start, len(text) if end is None else end)


def _candidate(path: str, number: float, cell: Cell, rule: str, table: int | None = None,
               row: int | None = None, column: int | None = None) -> Candidate:
    return Candidate(path, _as_value(number), "table", rule, cell.start, cell.end, table, row, column)


# --------------------------------------------------------------------------- gb: 第二十条
def parse_articles(doc: Document, fmt: Format, start: int, end: int) -> TableResult:
    result = TableResult()
    text = doc.text
    article = re.compile(r"第二十条第\s*\(?\s*[一二三四五六七八九十]+\s*\)?\s*项")
    markers = [(m.start(), m.end(), m.group()) for m in article.finditer(text, 0, end) if m.start() >= start]
    for i, (_, m_end, header) in enumerate(markers):
        block_end = markers[i + 1][0] if i + 1 < len(markers) else end
        numeral = re.sub(r"[^一二三四五六七八九十]", "", header.replace("第二十条", ""))
        spec = next((b for b in ARTICLE_BLOCKS if b.item == numeral), None)
        if spec is None:
            continue
        columns = spec.columns.get(fmt) or spec.columns["gb2019"]
        stream = region_stream(doc, m_end, block_end)
        labels: list[tuple[int, str]] = []
        numbers: list[tuple[int, Cell, float]] = []
        wan = bool(_UNIT_WAN.search(text[m_end:block_end]))
        for k, sc in enumerate(stream):
            compact = _compact(sc.cell.text)
            row = next((p for p, pat in spec.rows if re.search(pat, compact)), None)
            if row is not None and row not in [r for _, r in labels]:
                labels.append((k, row))
            elif _is_cell_value(sc.cell.text):
                value = parse_number(sc.cell.text)
                if value is not None:
                    numbers.append((k, sc.cell, value))
        if not labels:
            continue
        if len(numbers) != len(labels) * len(columns):
            result.ambiguities.append(
                f"{header}: {len(numbers)} numbers for {len(labels)} rows of {len(columns)} columns; not read"
            )
            continue
        for r, (_, prefix) in enumerate(labels):
            for c, suffix in enumerate(columns):
                _, cell, value = numbers[r * len(columns) + c]
                path = f"{prefix}.{suffix}"
                if "万元" in cell.text:
                    # parse_number already read the cell's own unit into 元
                    if suffix == "amount_wan":
                        value /= 10000
                elif suffix == "amount_yuan" and wan:
                    value *= 10000
                elif suffix == "amount_wan" and not wan and "元" in text[m_end:block_end]:
                    value /= 10000
                result.candidates.append(_candidate(path, value, cell, "article20", row=r, column=c))
    return result


# --------------------------------------------------------------------------- gb: applications
def _runs(stream: Sequence[StreamCell], is_value: Sequence[bool]) -> list[list[StreamCell]]:
    """Numeric cells grouped into runs on consecutive lines (a PDF column block prints as one run).

    ``is_value`` tells, for each cell of the stream, whether it is a cell value.
    """
    runs: list[list[StreamCell]] = []
    prev_line = -10
    for sc, value in zip(stream, is_value, strict=True):
        if not value:
            prev_line = -10
            continue
        if runs and sc.line == prev_line + 1:
            runs[-1].append(sc)
        else:
            runs.append([sc])
        prev_line = sc.line
    return runs


def _row_major(runs: list[list[StreamCell]], width: int) -> list[StreamCell]:
    """Undo column blocks: `width` equal runs of k>1 cells are k rows printed column by column."""
    out: list[StreamCell] = []
    i = 0
    while i < len(runs):
        k = len(runs[i])
        group = runs[i:i + width]
        if k > 1 and len(group) == width and all(len(g) == k for g in group):
            for r in range(k):
                out.extend(g[r] for g in group)
            i += width
            continue
        out.extend(runs[i])
        i += 1
    return out


_MAX_BLOCK_ROWS = 12


def block_readings(values: Sequence[float], rows: int, width: int = 7, limit: int = 3) -> list[list[int]]:
    """Orders of `values` that read as `rows` rows of `width`, some runs of rows printed column by column.

    Each reading is a permutation of indices into `values`, row-major. Only readings in
    which every row's last cell is the sum of the others are kept; at most `limit`
    distinct ones are returned (the caller needs to know whether one reading is certain).
    """
    partial: list[list[tuple[list[int], tuple[float, ...]]]] = [[] for _ in range(rows + 1)]
    partial[0] = [([], ())]
    for r in range(rows):
        if not partial[r]:
            continue
        # Which blocks fit at row r does not depend on the reading of the rows before it:
        # they are found once, for every reading.
        base = width * r
        blocks: list[tuple[int, list[int], tuple[float, ...]]] = []
        for k in range(1, min(_MAX_BLOCK_ROWS, rows - r) + 1):
            if base + width * k > len(values):
                break
            block = [base + c * k + i for i in range(k) for c in range(width)]
            row_cells = [block[i * width:(i + 1) * width] for i in range(k)]
            ok = all(abs(sum(values[j] for j in cells[:-1]) - values[cells[-1]]) < 1e-6 for cells in row_cells)
            if ok:
                blocks.append((k, block, tuple(values[j] for j in block)))
        for order, seen in partial[r]:
            for k, block, block_values in blocks:
                new_order = order + block
                signature = seen + block_values
                bucket = partial[r + k]
                if all(sig != signature for _, sig in bucket) and len(bucket) < limit:
                    bucket.append((new_order, signature))
    return [order for order, _ in partial[rows]]


_FLOW_ROWS = ("new_received", "carried_over", "total", "carried_forward")


def _grid_violations(grid: dict[str, list[float]], outcome_rows: Sequence[str]) -> int:
    bad = 0
    for values in grid.values():
        if len(values) == 7 and abs(sum(values[:6]) - values[6]) > 1e-6:
            bad += 1
    # A column's identity is checked only where each of its rows is in the grid and reaches
    # that column: in the first `width` columns.
    flow = [row for r in _FLOW_ROWS if (row := grid.get(r)) is not None]
    flow_width = min(map(len, flow)) if len(flow) == len(_FLOW_ROWS) else 0
    total = grid.get("total", [])
    outcomes = [row for r in outcome_rows if (row := grid.get(r)) is not None]
    outcomes_width = min([len(total), *map(len, outcomes)]) if len(outcomes) == len(outcome_rows) else 0
    for c in range(7):
        if c < flow_width:
            a, b, t, f = (row[c] or 0.0 for row in flow)
            bad += abs(a + b - t - f) > 1e-6
        if c < outcomes_width:
            bad += abs(sum(row[c] or 0.0 for row in outcomes) - total[c]) > 1e-6
    return bad


_MAX_TABLE_ERRORS = 3


def parse_requests(doc: Document, fmt: Format, start: int, end: int) -> TableResult:
    result = TableResult()
    stream = region_stream(doc, start, end)
    # Every reading below asks of each cell whether it is a value, and of each label which row
    # it names; both are asked once here.
    is_value = [_is_cell_value(sc.cell.text) for sc in stream]
    row_names = [None if value else request_row_of(sc.cell.text) for sc, value in zip(stream, is_value, strict=True)]
    numbers = [sc for sc, value in zip(stream, is_value, strict=True) if value]
    readings: list[tuple[int, str, dict[str, list[StreamCell]]]] = []
    # Reading 1: the numbers in order, column blocks undone, as 23 or 25 rows of 7.
    ordered = _row_major(_runs(stream, is_value), 7)
    for rows in (REQUEST_ROWS_25, REQUEST_ROWS_23):
        if len(ordered) == 7 * len(rows):
            grid = {row: ordered[i * 7:(i + 1) * 7] for i, row in enumerate(rows)}
            readings.append((0, "sequence", grid))
            sequence_values = {r: [parse_number(sc.cell.text) or 0.0 for sc in cs] for r, cs in grid.items()}
            if _grid_violations(sequence_values, rows[2:-2]) == 0:
                continue
            # Reading 1b: the same numbers where blank lines no longer mark the column
            # blocks: the row sums find the blocks, if only one way fits.
            number_values = [parse_number(sc.cell.text) or 0.0 for sc in numbers]
            fitting = []
            for permutation in block_readings(number_values, len(rows), limit=200):
                values = {row: [number_values[j] for j in permutation[i * 7:(i + 1) * 7]] for i, row in enumerate(rows)}
                if _grid_violations(values, rows[2:-2]) == 0:
                    fitting.append(permutation)
            if len(fitting) == 1:
                cells = [numbers[j] for j in fitting[0]]
                readings.append((1, "blocks", {row: cells[i * 7:(i + 1) * 7] for i, row in enumerate(rows)}))
    # Reading 2: each row label takes the seven numbers that follow it.
    labelled: dict[str, list[StreamCell]] = {}
    for k, row in enumerate(row_names):
        if row is None or row in labelled:
            continue
        following: list[StreamCell] = []
        for j in range(k + 1, len(stream)):
            if is_value[j]:
                following.append(stream[j])
                if len(following) == 7:
                    break
            elif row_names[j] is not None:
                break
        if len(following) == 7 and following[6].cell.text == "":
            labelled[row] = following[:6]  # a blank 总计 states nothing
        elif len(following) == 7:
            labelled[row] = following
        elif len(following) == 6:
            # a 总计 column filled on a few rows only: the six applicant columns are printed first
            labelled[row] = following
    if labelled:
        readings.append((2, "labels", labelled))
    inline_ambiguities: list[str] = []
    if len(numbers) < 7 * len(REQUEST_ROWS_23):
        inline, inline_ambiguities = _inline_requests(doc, start, end)
        if inline:
            readings.append((3, "inline", inline))
    best: tuple[int, int, str, dict[str, list[StreamCell]]] | None = None
    for rank, name, grid in readings:
        values = {r: [parse_number(sc.cell.text) or 0.0 for sc in cells] for r, cells in grid.items()}
        outcome_rows = REQUEST_ROWS_25[2:-2] if "other_misc" in grid else REQUEST_ROWS_23[2:-2]
        score = _grid_violations(values, outcome_rows)
        key = (score - len(grid), rank)
        if best is None or key < (best[0], best[1]):
            best = (key[0], rank, name, grid)
    if best is None:
        result.ambiguities.append("applications table: no reading of its cells fits the template; not read")
        return result
    violations, _, name, grid = best
    violations += len(grid)
    if violations > _MAX_TABLE_ERRORS:
        # A report's own slips break one or two identities; a misread table breaks many.
        result.ambiguities.append(
            f"applications table: the best reading of its cells breaks {violations} of its identities; not read")
        return result
    if name == "inline":
        result.ambiguities.extend(inline_ambiguities)
    values = {r: [parse_number(sc.cell.text) or 0.0 for sc in cells] for r, cells in grid.items()}
    outcome_rows = REQUEST_ROWS_25[2:-2] if "other_misc" in grid else REQUEST_ROWS_23[2:-2]
    if _grid_violations(values, outcome_rows) == 0:
        result.verified.update(f"requests.{r}.{c}" for r in grid for c in REQUEST_COLUMN_ORDER)
    for r_index, (row, cells) in enumerate(grid.items()):
        for c_index, (column, sc) in enumerate(zip(REQUEST_COLUMN_ORDER, cells, strict=False)):
            value = parse_number(sc.cell.text)
            if value is None:
                continue
            result.candidates.append(
                _candidate(f"requests.{row}.{column}", value, sc.cell, f"requests_{name}", row=r_index,
                           column=c_index)
            )
    return result


def split_glued(groups: Sequence[str], n: int, accept: Callable[[list[int]], bool], limit: int = 2
                ) -> list[list[tuple[int, int, int]]]:
    """The ways to cut runs of glued digits into `n` numbers that `accept` allows.

    A crawler that flattens a table into one line glues neighbouring cells together
    (`0000000`, `150 000015`). Each returned reading lists (group, start, end) digit
    slices; a number never starts with 0 unless it is 0, and a run is never split across
    the separators that did survive. At most `limit` readings are returned: callers only
    need to know whether the reading is unique.
    """
    found: list[list[tuple[int, int, int]]] = []

    def walk(g: int, pos: int, taken: list[tuple[int, int, int]]) -> None:
        if len(found) >= limit or len(taken) > n:
            return
        if g == len(groups):
            if len(taken) == n and accept([int(groups[a][b:c]) for a, b, c in taken]):
                found.append(list(taken))
            return
        digits = groups[g]
        if pos == len(digits):
            walk(g + 1, 0, taken)
            return
        longest = 1 if digits[pos] == "0" else len(digits) - pos
        for length in range(1, longest + 1):
            walk(g, pos + length, [*taken, (g, pos, pos + length)])

    walk(0, 0, [])
    return found


def _inline_requests(doc: Document, start: int, end: int) -> tuple[dict[str, list[StreamCell]], list[str]]:
    """Rows of an applications table flattened into running text, digits of its cells glued."""
    text = doc.text
    rows = REQUEST_ROWS_25 if re.search(r"逾期不补正", text[start:end]) else REQUEST_ROWS_23
    patterns = dict(REQUEST_ROW_PATTERNS)
    spans: list[tuple[str, int, int]] = []
    pos = start
    for row in rows:
        m = re.compile(patterns[row].replace("^", "").replace("$", "")).search(text, pos, end)
        if m is None:
            continue
        spans.append((row, m.start(), m.end()))
        pos = m.end()
    grid: dict[str, list[StreamCell]] = {}
    ambiguous: list[str] = []
    for i, (row, _, label_end) in enumerate(spans):
        stop = spans[i + 1][1] if i + 1 < len(spans) else end
        segment = text[label_end:stop]
        segment = re.sub(r"[(（][^)）]*[)）]", lambda m: " " * len(m.group()), segment)
        number = REQUEST_ROW_NUMBERING.get(spans[i + 1][0]) if i + 1 < len(spans) else None
        if number:
            tail = re.search(rf"{number}\s*[.、．]\D*$", segment)
            if tail:
                segment = segment[:tail.start()] + " " * (len(segment) - tail.start())
        groups = [(m.group(), label_end + m.start()) for m in re.finditer(r"\d+", segment)]
        if not groups:
            continue
        readings = split_glued([g for g, _ in groups], 7, lambda v: sum(v[:6]) == v[6])
        if len(readings) != 1:
            ambiguous.append(f"applications table, row {row}: "
                             f"{'several splits fit' if readings else 'no split fits'} "
                             f"{' '.join(g for g, _ in groups)!r}; not read")
            continue
        cells = []
        for g, a, b in readings[0]:
            offset = groups[g][1]
            cells.append(StreamCell(Cell(groups[g][0][a:b], offset + a, offset + b), -1))
        grid[row] = cells
    return grid, ambiguous


# --------------------------------------------------------------------------- gb: review/litigation
def _block_ok(values: Sequence[float]) -> bool:
    return abs(sum(values[:4]) - values[4]) < 1e-6


def parse_review(doc: Document, start: int, end: int) -> TableResult:
    result = TableResult()
    numbers = [sc.cell for sc in region_stream(doc, start, end) if _is_cell_value(sc.cell.text)]
    if len(numbers) < 15:
        if numbers:
            result.ambiguities.append(f"review/litigation table: {len(numbers)} numbers for 15 cells; not read")
        return result
    numbers = numbers[:15]
    values = [parse_number(c.text) or 0.0 for c in numbers]
    blocks: list[list[int]] | None = [list(range(i * 5, i * 5 + 5)) for i in range(3)]
    if not all(_block_ok([values[i] for i in b]) for b in blocks or []):
        partitions = _order_preserving_blocks(values)
        label = re.compile(r"复议后起诉").search(doc.text, start, end)
        alternative = _consistent_partition(partitions, [c.start for c in numbers], label.end() if label else None)
        if alternative is not None:
            blocks = alternative
        elif partitions:
            result.ambiguities.append("review/litigation table: several readings fit; not read")
            return result
    assert blocks is not None
    for b_index, (prefix, block) in enumerate(zip(REVIEW_BLOCKS, blocks, strict=True)):
        for o_index, (outcome, idx) in enumerate(zip(REVIEW_OUTCOMES, block, strict=True)):
            result.candidates.append(_candidate(f"{prefix}.{outcome}", values[idx], numbers[idx], "review_table",
                                                row=b_index, column=o_index))
        if _block_ok([values[i] for i in block]):
            result.verified.update(f"{prefix}.{o}" for o in REVIEW_OUTCOMES)
    return result


def _order_preserving_blocks(values: Sequence[float]) -> list[list[list[int]]]:
    """Split 15 printed numbers into 3 blocks of 4 parts + total, each keeping printed order."""
    found: list[list[list[int]]] = []

    def search(remaining: list[int], blocks: list[list[int]]) -> None:
        if len(found) >= 64:
            return
        if not remaining:
            found.append([list(b) for b in blocks])
            return
        first = remaining[0]
        rest = remaining[1:]
        head = values[first]
        # The blocks of combinations(rest, 4) in the same order, the sum of a block's parts
        # taken once for every total after them; a full list stops the search.
        for i, j, k in combinations(range(len(rest)), 3):
            parts = sum((head, values[rest[i]], values[rest[j]], values[rest[k]]))
            for m in range(k + 1, len(rest)):
                if abs(parts - values[rest[m]]) < 1e-6:
                    combo = (rest[i], rest[j], rest[k], rest[m])
                    search([x for x in rest if x not in combo], [*blocks, [first, *combo]])
                    if len(found) >= 64:
                        return

    search(list(range(15)), [])
    return found


def _consistent_partition(found: list[list[list[int]]], offsets: Sequence[int],
                          after_review_label: int | None) -> list[list[int]] | None:
    """The one partition whose blocks add up, with its litigation blocks told apart, or None.

    Where several partitions add up, the one whose blocks keep their four outcome cells
    together is taken, if it is the only one. The review block is printed first. The two
    litigation blocks are in template order when
    one is printed wholly before the other; when their numbers interleave (PDF text), the
    block that starts first after the printed 复议后起诉 label is the after-review one.
    """
    if len(found) > 1:
        # a block's four outcome cells are one printed row: they stay together even where
        # its 总计 cell is displaced
        found = [p for p in found if all(b[3] - b[0] == 3 for b in p)]
    if len(found) != 1:
        return None
    review, first, second = found[0]
    if first[-1] < second[0]:
        return [review, first, second]
    if after_review_label is not None:
        after = [b for b in (first, second) if offsets[b[0]] > after_review_label]
        if after:
            chosen = min(after, key=lambda b: offsets[b[0]])
            other = second if chosen is first else first
            if offsets[other[0]] > offsets[chosen[0]] or offsets[other[0]] < after_review_label:
                return [review, other, chosen]
    return None


# --------------------------------------------------------------------------- legacy
_LEGACY_ROW_RES = tuple(
    (spec, re.compile(spec.pattern), re.compile(spec.exclude) if spec.exclude else None) for spec in LEGACY_ROWS
)


@lru_cache(maxsize=4096)
def _legacy_row(label: str, context: str | None) -> RowSpec | None:
    compact = _compact(label)
    for spec, pattern, exclude in _LEGACY_ROW_RES:
        if spec.contexts and context not in spec.contexts:
            continue
        if exclude is not None and exclude.search(compact):
            continue
        if pattern.search(compact):
            return spec
    return None


def _has_cumulative_column(table: Table) -> bool:
    for row in table.rows:
        if any(is_number_cell(c.text) for c in row):
            return False
        if any("累计" in c.text for c in row):
            return True
    return False


def _emit_legacy_row(label_cells: list[Cell], values: list[Cell], context: str | None, cumulative: bool,
                     where: tuple[int, int], result: TableResult) -> str | None:
    """Read one legacy row into candidates; return the parent context for the rows after it."""
    label = "".join(c.text for c in label_cells)
    spec = _legacy_row(label, context)
    if spec is None and len(label_cells) > 1:
        spec = _legacy_row(label_cells[0].text, context)  # a label wrapped onto a second cell
    if spec is None:
        return context
    if spec.sets_context:
        context = spec.sets_context
    numbers: list[tuple[Cell, float]] = []
    for c in values:
        v = None if is_unit_cell(c.text) else parse_number(c.text)
        if v is not None:
            numbers.append((c, v))
    unit = next((c.text for c in values if is_unit_cell(c.text)), "")
    columns = [spec.path, f"cumulative.{spec.path}"] if cumulative else [spec.path]
    for col, (path, (cell, value)) in enumerate(zip(columns, numbers, strict=False)):
        if spec.path == "fees.amount_yuan" and unit == "万元":
            value *= 10000
        if spec.path == "budget.special_wan" and unit == "元":
            value /= 10000
        result.candidates.append(_candidate(path, value, cell, "legacy_table", where[0], where[1], col))
    return context


def parse_legacy_tables(doc: Document) -> TableResult:
    result = TableResult()
    for t_index, table in enumerate(doc.tables):
        cumulative = _has_cumulative_column(table)
        context: str | None = None
        pending: list[Cell] = []
        values: list[Cell] = []
        row = 0
        for cell in table.cells():
            text = cell.text
            if is_number_cell(text) or is_unit_cell(text) or (is_blank_cell(text) and pending):
                if pending:
                    values.append(cell)
                continue
            if pending and (values or _legacy_row(text, context) is not None):
                # a row without values (a heading row) may still set the context
                context = _emit_legacy_row(pending, values, context, cumulative, (t_index, row), result)
                pending, values, row = [], [], row + 1
            pending.append(cell)
        if pending:
            _emit_legacy_row(pending, values, context, cumulative, (t_index, row), result)
    return result


# --------------------------------------------------------------------------- entry point
_NUMBERING = r"\s*(?:[一二三四五六七八九十]{1,2}\s*[、.]|\d\s*[、.])?\s*"


def _heading(doc: Document, pattern: str, after: int = 0) -> int | None:
    m = _find(pattern, doc.text, after)
    return m.start() if m else None


def table_candidates(doc: Document, fmt: Format) -> TableResult:
    if fmt == "legacy":
        return parse_legacy_tables(doc)
    text = doc.text
    requests_at = _heading(doc, rf"(?m)^{_NUMBERING}收到和处理政府信息公开申请")
    review_at = _heading(doc, rf"(?m)^{_NUMBERING}[^\n]{{0,20}}行政复议[^\n]{{0,12}}诉讼", requests_at or 0)
    problems_at = _heading(doc, rf"(?m)^{_NUMBERING}[^\n]{{0,12}}问题", review_at or 0)
    articles_at = _heading(doc, r"第二十条第")
    parts: list[TableResult] = []
    if articles_at is not None:
        parts.append(parse_articles(doc, fmt, articles_at, requests_at or len(text)))
    if requests_at is not None:
        parts.append(parse_requests(doc, fmt, requests_at, review_at or len(text)))
    if review_at is not None:
        parts.append(parse_review(doc, review_at, problems_at or len(text)))
    return merge(parts)


def merge(results: Iterable[TableResult]) -> TableResult:
    out = TableResult()
    for r in results:
        out.candidates.extend(r.candidates)
        out.ambiguities.extend(r.ambiguities)
        out.verified |= r.verified
    return out
