"""Word .docx files: the paragraphs and tables of the document body, in document order.

The reader walks python-docx's XML elements itself instead of using ``Paragraph.text``, so
the text inside content controls, tracked insertions, hyperlinks and fields is kept while
deleted revisions and text boxes are left out. Tables are written as tab-separated rows
with merged cells repeated, fenced by blank lines. A document.xml that unpacks far past the
byte limit is refused before it is parsed. Internal to the load stage: callers use
:func:`extractor.load.load`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .cells import is_plain_number
from .document import Source
from .errors import EmptyInputError, ExtractorError, InputTooLargeError, UnsupportedInputError
from .load_text import _LIMIT_HINT, _is_blank

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_SDT, _W_SDT_CONTENT = f"{_W}p", f"{_W}tbl", f"{_W}sdt", f"{_W}sdtContent"
_W_CUSTOM_XML = f"{_W}customXml"
_W_T, _W_TAB, _W_PTAB, _W_BR, _W_CR = f"{_W}t", f"{_W}tab", f"{_W}ptab", f"{_W}br", f"{_W}cr"
_W_NB_HYPHEN, _W_TXBX, _W_DEL = f"{_W}noBreakHyphen", f"{_W}txbxContent", f"{_W}del"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DOCX_XML_FACTOR = 10  # uncompressed document.xml may be this many times max_bytes


def _load_docx(data: bytes, name: str, path: Path | None, source: str, max_bytes: int) -> Source:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml_size = archive.getinfo("word/document.xml").file_size
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnsupportedInputError(
            "not a valid .docx (broken zip or no word/document.xml); open it in Word/WPS and save it again",
            source=source,
        ) from exc
    if xml_size > _DOCX_XML_FACTOR * max_bytes:
        raise InputTooLargeError(
            f"the document text unpacks to {xml_size:,} bytes, more than {_DOCX_XML_FACTOR}x the limit "
            f"of {max_bytes:,} bytes; {_LIMIT_HINT}",
            source=source,
        )
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        text = _docx_text(document.element.body)
    except ExtractorError:
        raise
    except Exception as exc:
        raise UnsupportedInputError(
            f"cannot read the Word document ({type(exc).__name__}: {exc}); open it in Word/WPS and save it "
            "again as .docx, or export it to PDF",
            source=source,
        ) from exc
    if _is_blank(text):
        raise EmptyInputError("the Word document has no text; check it is the report and not a scan "
                              "(a scanned report needs OCR first)", source=source)
    return Source(name=name, text=text, kind="docx", encoding=None, path=path)


def _docx_blocks(parent: Any) -> Iterator[Any]:
    """Paragraphs and tables in document order, looking inside content controls."""
    for child in parent.iterchildren():
        if child.tag in (_W_P, _W_TBL):
            yield child
        elif child.tag == _W_SDT:
            content = child.find(_W_SDT_CONTENT)
            if content is not None:
                yield from _docx_blocks(content)
        elif child.tag == _W_CUSTOM_XML:
            yield from _docx_blocks(child)


def _docx_runs(element: Any, out: list[str]) -> None:
    for child in element.iterchildren():
        tag = child.tag
        if tag == _W_T:
            out.append(child.text or "")
        elif tag in (_W_TAB, _W_PTAB):
            out.append("\t")
        elif tag in (_W_BR, _W_CR):
            out.append("\n")
        elif tag == _W_NB_HYPHEN:
            out.append("-")
        elif tag in (_W_DEL, _W_TXBX, _MC_FALLBACK, _W_P):
            # Deleted revisions are not the text; text boxes (and their fallback copy)
            # would land mid-sentence, so they are left out.
            continue
        elif isinstance(tag, str):
            # w:ins, w:hyperlink, w:smartTag, w:fldSimple... hold runs one level down;
            # python-docx's Paragraph.text only sees direct runs and hyperlinks.
            _docx_runs(child, out)


def _docx_paragraph_text(p: Any) -> str:
    out: list[str] = []
    _docx_runs(p, out)
    return "".join(out)


def _docx_text(body: Any) -> str:
    from docx.table import Table

    lines: list[str] = []
    for block in _docx_blocks(body):
        if block.tag == _W_P:
            lines.append(_docx_paragraph_text(block))
            continue
        # Table only needs a parent for style look-ups, which this reader never makes.
        table = Table(block, None)  # type: ignore[arg-type]
        rows = ["\t".join(r) for r in _docx_table_rows(table) if any(r)]
        if not rows:
            continue
        if lines and lines[-1] != "":
            lines.append("")
        lines.extend(rows)
        lines.append("")
    return "\n".join(lines).strip("\n") + "\n"


def _docx_table_rows(table: Any) -> list[list[str]]:
    # Keyed by the element itself, not id(): lxml proxies are recreated on access, so an
    # id can be reused by another cell once the first proxy is freed. Holding the key keeps
    # the proxy (and its identity) alive.
    memo: dict[Any, str] = {}

    def cell_text(tc: Any) -> str:
        if tc not in memo:
            # Every paragraph under the cell, nested tables included, in order.
            parts = [_docx_paragraph_text(p) for p in tc.iter(_W_P)]
            memo[tc] = " ".join(" ".join(parts).split())
        return memo[tc]

    rows: list[list[str]] = []
    for row in table.rows:
        # python-docx repeats a merged cell for every grid column/row it covers.
        cells = [""] * row.grid_cols_before
        previous = None
        for c in row.cells:
            text = cell_text(c._tc)
            if c._tc is not previous or not is_plain_number(text):
                cells.append(text)
            previous = c._tc
        rows.append(cells)
    return rows

