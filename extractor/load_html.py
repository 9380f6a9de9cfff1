"""HTML pages: pick the encoding, then read the visible text in reading order.

Scripts, styles, hidden elements and other non-content tags are dropped and block elements
start new lines. A data table becomes one tab-separated line per row, rowspan/colspan cells
repeated in every slot they cover, fenced by blank lines; a table used for page layout
(nested tables or long cells) is read as blocks of text instead. Internal to the load
stage: callers use :func:`extractor.load.load`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cells import is_plain_number
from .document import Source
from .errors import EmptyInputError, ExtractorError, UnsupportedInputError
from .load_text import _codec_name, _decode_bom, _is_blank, _try_decode, decode_text

if TYPE_CHECKING:
    from lxml.html import HtmlElement as Tag


_DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""",
    re.IGNORECASE,
)
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_DROP_TAGS = frozenset(
    "script style noscript template head title meta link iframe frame object embed svg math canvas "
    "select textarea button map area".split()
)
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup html legend li main menu nav ol p pre "
    "section summary ul tr tbody thead tfoot".split()
)
_MAX_COLSPAN = 1000
_LAYOUT_CELL_CHARS = 500


def _html_encoding(data: bytes, source: str) -> tuple[str, str]:
    bom = _decode_bom(data)
    if bom is not None:
        return bom
    # Valid non-ASCII UTF-8 is almost never an accident, and pages saved by a browser
    # are UTF-8 while keeping their old "gb2312" meta: bytes beat the label. (NULs are
    # valid UTF-8 too, but mean UTF-16 or binary: decode_text sorts those out.)
    utf8 = _try_decode(data, "utf-8") if b"\x00" not in data else None
    if utf8 is not None:
        return utf8, "utf-8"
    match = _DECLARED_CHARSET.search(data[:8192])
    if match:
        label = (match.group(1) or match.group(2)).decode("ascii", "replace").lower()
        encoding = _declared_codec(label)
        if encoding is not None:
            text = _try_decode(data, encoding)
            if text is not None:
                return text, encoding
    return decode_text(data, source=source)


def _declared_codec(label: str) -> str | None:
    """The codec to try for a declared charset; None when the label cannot be trusted."""
    if label in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn", "csgb2312"}:
        return "gb18030"  # pages labelled gb2312 routinely use GBK/GB18030 characters
    if label in {"big5", "x-x-big5", "cn-big5", "csbig5"}:
        return "big5"
    codec = _codec_name(label)
    # Western single-byte labels decode anything "successfully", so they prove nothing
    # about a Chinese report; utf-16/32 in a meta tag is a known authoring error.
    if codec in {"big5", "cp950", "big5hkscs", "gb18030", "gbk", "gb2312", "utf-8"}:
        return codec
    return None


def _load_html(data: bytes, name: str, path: Path | None, source: str) -> Source:
    text, encoding = _html_encoding(data, source)
    try:
        import lxml.html
        from lxml.etree import ParserError

        # Parsed from UTF-8 bytes: lxml refuses a str that still carries an encoding declaration.
        # huge_tree: without it libxml2 silently drops whatever is nested over 255 deep.
        parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True)
        try:
            root = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=parser)
        except ParserError:  # "Document is empty": only spaces or comments, reported below
            root = None
        if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
            # past libxml2's depth limit even with huge_tree: the rest of the page was dropped
            raise UnsupportedInputError("HTML nests elements too deeply to read whole; save the page as text or PDF",
                                        source=source)
        out = _Lines()
        # What follows </html> is parsed into sibling elements of the root: read those too.
        tops = [] if root is None else [root, *root.itersiblings()]
        _read(out, [("element", top, False) for top in tops if isinstance(top.tag, str)])
    except RecursionError as exc:
        raise UnsupportedInputError("HTML is nested too deeply to read; save the page as text or PDF",
                                    source=source) from exc
    except ExtractorError:
        raise
    except Exception as exc:
        raise UnsupportedInputError(
            f"cannot parse the HTML ({type(exc).__name__}); save the page as text or PDF", source=source
        ) from exc
    visible = out.text()
    if _is_blank(visible):
        raise EmptyInputError(
            "HTML has no visible text (only markup or scripts); save the rendered page instead", source=source
        )
    return Source(name=name, text=visible, kind="html", encoding=encoding, path=path)


class _Lines:
    """Collects text; block boundaries ask for *at least* n newlines so they never pile up."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._tail = 0  # newlines at the end, ignoring spaces
        self._started = False

    def write(self, s: str) -> None:
        if not s:
            return
        self._parts.append(s)
        body = s.rstrip(" \n")
        if body:
            self._started = True
            self._tail = s[len(body):].count("\n")
        else:
            self._tail += s.count("\n")

    def newline(self, count: int = 1) -> None:
        if self._started and self._tail < count:
            self.write("\n" * (count - self._tail))

    def text(self) -> str:
        lines = [line.strip(" ") for line in "".join(self._parts).split("\n")]
        joined = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
        return joined + "\n" if joined else ""


def _is_hidden(tag: Tag) -> bool:
    style = tag.get("style")
    return "hidden" in tag.attrib or (style is not None and _HIDDEN_STYLE.search(style) is not None)


# What the walker does next: an element to read, a piece of text, a block edge, a cell gap.
_Step = tuple[str, Any, bool]


def _html_walk(node: Tag, out: _Lines, *, pre: bool) -> None:
    """Read an element's content (its text and children, not the element itself)."""
    _read(out, [("content", node, pre)])


def _read(out: _Lines, steps: list[_Step]) -> None:
    """Carry out ``steps`` in order, each element's own steps taking its place.

    An explicit stack instead of recursion: pages whose unclosed <font> or <div> tags nest
    thousands deep are read like any other.
    """
    stack = steps[::-1]
    while stack:
        kind, item, pre = stack.pop()
        if kind == "text":
            out.write(item if pre else _HTML_SPACE.sub(" ", item))
        elif kind == "newline":
            out.newline()
        elif kind == "gap":
            out.write(" ")
        elif kind == "content":
            inner: list[_Step] = [("text", item.text, pre)] if item.text else []
            for child in item:
                if isinstance(child.tag, str):  # comments and processing instructions have a factory as tag
                    inner.append(("element", child, pre))
                if child.tail:
                    inner.append(("text", child.tail, pre))
            stack.extend(reversed(inner))
        else:
            stack.extend(reversed(_element_steps(item, out, pre)))


def _element_steps(child: Tag, out: _Lines, pre: bool) -> list[_Step]:
    """What one element (not its tail) turns into: nothing, a break, a table, a cell, a block or inline."""
    name = child.tag.lower()
    if name in _DROP_TAGS or _is_hidden(child):
        return []
    if name == "br":
        return [("text", "\n", True)]
    if name == "hr":
        return [("newline", None, pre)]
    if name == "table":
        _html_table(child, out)
        return []
    if name in ("td", "th"):
        # A cell outside any table: keep its text apart from its neighbours.
        return [("gap", None, pre), ("content", child, pre), ("gap", None, pre)]
    if name in _BLOCK_TAGS:
        return [("newline", None, pre), ("content", child, pre or name == "pre"), ("newline", None, pre)]
    return [("content", child, pre)]


def _span(cell: Tag, attr: str) -> int:
    raw = cell.get(attr)
    match = re.match(r"\s*(\d+)", raw) if isinstance(raw, str) else None
    return int(match.group(1)) if match else 1


def _own_rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]


def _children(node: Tag, *names: str) -> list[Tag]:
    return [c for c in node if isinstance(c.tag, str) and c.tag.lower() in names]


def _cell_text_html(cell: Tag) -> str:
    sub = _Lines()
    _html_walk(cell, sub, pre=False)
    return " ".join(sub.text().split())


def _html_table(table: Tag, out: _Lines) -> None:
    rows = _own_rows(table)
    cells = [_children(tr, "td", "th") for tr in rows]
    texts = [[_cell_text_html(c) for c in row] for row in cells]
    # Old government sites lay whole pages out in tables; flattening those into one
    # tab line would glue every paragraph together, so they are read as blocks instead.
    layout = any(
        next(c.iter("table"), None) is not None or len(t) > _LAYOUT_CELL_CHARS
        for row, row_texts in zip(cells, texts, strict=True)
        for c, t in zip(row, row_texts, strict=True)
    )
    if layout:
        for row in cells:
            for c in row:
                out.newline()
                _html_walk(c, out, pre=False)
                out.newline()
        return
    for caption in _children(table, "caption")[:1]:
        out.newline()
        _html_walk(caption, out, pre=False)
        out.newline()
    spans = [
        [(t, _span(c, "rowspan"), min(max(_span(c, "colspan"), 1), _MAX_COLSPAN))
         for c, t in zip(row, row_texts, strict=True)]
        for row, row_texts in zip(cells, texts, strict=True)
    ]
    _write_table(out, _expand_grid(spans))


def _expand_grid(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    """Lay (text, rowspan, colspan) cells on a grid, repeating spanned text in every slot,
    except a number across columns, which is laid once."""
    height = len(rows)
    grid: list[dict[int, str | None]] = [{} for _ in range(height)]
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while c in grid[r]:
                c += 1
            # rowspan="0" means "to the end of the table"; spans past the end are cut off.
            down = height - r if rowspan <= 0 else min(rowspan, height - r)
            once = colspan > 1 and is_plain_number(text)
            for dr in range(down):
                for dc in range(colspan):
                    grid[r + dr].setdefault(c + dc, None if once and dc else text)
            c += colspan
    return [
        [t for t in (slots.get(c, "") for c in range(max(slots) + 1)) if t is not None] if slots else []
        for slots in grid
    ]


def _write_table(out: _Lines, rows: Iterable[Sequence[str]]) -> None:
    # Rows with no text at all carry nothing a reader could use.
    lines = ["\t".join(row) for row in rows if any(cell for cell in row)]
    if not lines:
        return
    out.newline(2)
    out.write("\n".join(lines))
    out.newline(2)

