"""What a table cell looks like, shared by the stages that must recognise one.

Normalization must leave a row whose cells are separated by single spaces alone (it
removes stray spaces elsewhere), and the segmenter must split that same row into cells:
both ask this module, so they can never disagree.
"""

from __future__ import annotations

import re

from .document import Cell

UNIT_WORDS = "条|件|个|人次|人|次|篇|项|期|份|万元|元"

# A table row whose cells are separated by single spaces ("主动公开文件数 条 137 574"):
# a unit followed by numbers, or two numbers or more, at the end of the line.
# Written to start with the space it consumes (the non-space before it checked behind), so
# that a search skips to spaces instead of trying every position; the same matches as
# (?<=\S)(?: (?:UNIT))?(?: [+-]?[0-9][0-9,.]*%?)+ *$
VALUE_TAIL = re.compile(rf" (?<=\S )(?:(?:{UNIT_WORDS}) )?[+-]?[0-9][0-9,.]*%?(?: [+-]?[0-9][0-9,.]*%?)* *$", re.M)


def is_value_tail(tail: str) -> bool:
    tokens = tail.split()
    numbers = [t for t in tokens if t[0].isdigit() or t[0] in "+-"]
    return len(numbers) >= 2 or (len(tokens) >= 2 and not tokens[0][0].isdigit())


def stripped_cell(raw: str, offset: int) -> Cell | None:
    """The cell a piece of a line holds, its whitespace cut off (``raw`` starts at ``offset``)."""
    stripped = raw.strip()
    if not stripped:
        return None
    start = offset + len(raw) - len(raw.lstrip())
    return Cell(stripped, start, start + len(stripped))


_PLAIN_NUMBER = re.compile(r"\s*[+\-]?\d[\d,]*(?:\.\d+)?\s*")


def is_plain_number(text: str) -> bool:
    """A cell holding one number and nothing else. A number that spans columns is one value:
    Word widens the last cell of a short row (``行政事业性收费 | 1 | -1`` in a four-column
    table) rather than leave a gap, so loaders lay it once where they repeat spanned text."""
    return bool(_PLAIN_NUMBER.fullmatch(text))

