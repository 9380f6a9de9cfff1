"""PDF files: the text layer page by page, with ruled tables written as tab-separated rows.

Read with pdfplumber; how a page's text and tables are laid out is described in
:func:`_load_pdf`. Every page ends with ``\\n\\f`` and ``Source.pages`` holds each page's
start offset. Encrypted PDFs and PDFs without a usable text layer (scans, fonts without a
Unicode map) are refused with a message saying what to do. Internal to the load stage:
callers use :func:`extractor.load.load`.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from .document import Source
from .errors import EmptyInputError, ExtractorError, NeedsOCRError, UnsupportedInputError

_CID_GARBAGE = re.compile(r"\(cid:\d+\)")
_PAGE_END = "\n\f"  # like pdftotext: the form feed closes each page


def _load_pdf(data: bytes, name: str, path: Path | None, source: str) -> Source:
    """Text page by page; tables cut out of the page text and written as tab rows where they stand.

    Each page is split into horizontal bands at the top of every ruled table that
    pdfplumber finds (at least 2 rows and 2 columns): the band's text (characters
    inside a table removed) comes first, then the table's rows, so there is no
    duplicated table text and the reading order is kept. Text beside a table follows
    that table. Every page ends with ``\\n\\f``; ``Source.pages`` holds each page's start.
    """
    try:
        import pdfplumber

        chunks: list[str] = []
        pages: list[int] = []
        offset = 0
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                pages.append(offset)
                chunk = _pdf_page_text(page).rstrip("\n") + _PAGE_END
                chunks.append(chunk)
                offset += len(chunk)
    except ExtractorError:
        raise
    except Exception as exc:
        if _is_encryption_error(exc):
            raise UnsupportedInputError(
                "PDF is encrypted (password-protected); remove the password (e.g. qpdf --decrypt "
                "--password=... in.pdf out.pdf) and pass the decrypted file",
                source=source,
            ) from exc
        raise UnsupportedInputError(
            f"cannot read the PDF ({type(exc).__name__}); it is corrupt or truncated: download it again, "
            "or repair it (e.g. qpdf in.pdf out.pdf)",
            source=source,
        ) from exc
    text = "".join(chunks)
    if not pages:
        raise EmptyInputError("PDF has no pages; download it again", source=source)
    visible = re.sub(r"\s+", "", text)
    if not visible:
        raise NeedsOCRError("PDF has no text layer; run OCR first (e.g. ocrmypdf) and pass the OCR'd file",
                            source=source)
    garbage = sum(len(m) for m in _CID_GARBAGE.findall(visible))
    if garbage > 0.5 * len(visible):
        raise NeedsOCRError(
            "PDF text cannot be decoded (its fonts have no Unicode map, text comes out as (cid:NN)); "
            "run OCR first (e.g. ocrmypdf --force-ocr) and pass the OCR'd file",
            source=source,
        )
    return Source(name=name, text=text, kind="pdf", encoding=None, path=path, pages=tuple(pages))


def _is_encryption_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        e = stack.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        label = f"{type(e).__name__} {e}".lower()
        if "password" in label or "encrypt" in label:
            return True
        # pdfplumber wraps pdfminer's exception in args, not __cause__.
        stack.extend(a for a in e.args if isinstance(a, BaseException))
        stack.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    return False


def _center_y(obj: dict[str, Any]) -> float:
    return (float(obj["top"]) + float(obj["bottom"])) / 2


def _pdf_page_text(page: Any) -> str:
    tables = []
    for found in page.find_tables():
        rows = _pdf_table_rows(found)
        lines = ["\t".join(r) for r in rows if any(r)]
        # A ruled box around a paragraph is found as a 1-column "table": leave it as text.
        if len(lines) >= 2 and max(len(r) for r in rows) >= 2:
            tables.append((found.bbox, lines))
    if not tables:
        return page.extract_text() or ""
    tables.sort(key=lambda t: (t[0][1], t[0][0]))
    boxes = [bbox for bbox, _ in tables]

    def outside_tables(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        cx = (float(obj["x0"]) + float(obj["x1"])) / 2
        cy = _center_y(obj)
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)

    rest = page.filter(outside_tables)
    pieces: list[tuple[str, str]] = []
    low = float("-inf")
    for (_, lines), high in zip(tables, [b[1] for b in boxes], strict=True):
        pieces.append(("text", _band_text(rest, low, high)))
        pieces.append(("table", "\n".join(lines)))
        low = high
    pieces.append(("text", _band_text(rest, low, float("inf"))))

    result = ""
    previous = ""
    for kind, body in pieces:
        if not body.strip():
            continue
        if result:
            result += "\n\n" if "table" in (kind, previous) else "\n"
        result += body
        previous = kind
    return result


def _band_text(page: Any, low: float, high: float) -> str:
    def inside(obj: dict[str, Any]) -> bool:
        return obj.get("object_type") != "char" or low <= _center_y(obj) < high

    return page.filter(inside).extract_text() or ""


def _pdf_table_rows(table: Any) -> list[list[str]]:
    """Table cells with merged cells repeated, like the HTML and Word readers do.

    pdfplumber puts the text of a merged cell in its top-left slot and None in the
    others; the cell covering a None slot's centre supplies its text.
    """
    extracted: list[list[str | None]] = table.extract()
    rows = table.rows
    columns = table.columns
    by_box: dict[tuple[float, ...], str] = {}
    for r, row in enumerate(rows):
        for c, bbox in enumerate(row.cells):
            if bbox is not None and r < len(extracted) and c < len(extracted[r]):
                by_box[tuple(bbox)] = _collapse(extracted[r][c])

    def covering(cx: float, cy: float) -> str:
        for bbox, text in by_box.items():
            x0, top, x1, bottom = bbox
            if x0 <= cx <= x1 and top <= cy <= bottom:
                return text
        return ""

    result: list[list[str]] = []
    for r, row in enumerate(extracted):
        cells: list[str] = []
        for c, value in enumerate(row):
            if value is not None:
                cells.append(_collapse(value))
            elif r < len(rows) and c < len(columns):
                rb, cb = rows[r].bbox, columns[c].bbox
                cells.append(covering((cb[0] + cb[2]) / 2, (rb[1] + rb[3]) / 2))
            else:
                cells.append("")
        result.append(cells)
    return result


def _collapse(value: str | None) -> str:
    return " ".join(value.split()) if value else ""
