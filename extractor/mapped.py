"""The mapped string: text that knows, per character, which source span it came from.

Normalization steps never rebuild text from scratch; they *edit* a :class:`MappedText`
(replace, insert or delete spans), and every edit composes the offset map, so the final
map back into ``Source.text`` is exact however many steps ran. :class:`RepairLog`
records what the steps changed, in source coordinates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from extractor.document import CleanText, Repair

__all__ = ["MappedText", "Piece", "RepairLog", "Replacement"]

# A replacement piece that says exactly which current characters it was made from:
# (text, first index, end index) in the coordinates of the string being edited.
Piece = tuple[str, int, int]
Replacement = str | Sequence[Piece]


class MappedText:
    """Text plus, per character, the source span it came from.

    Characters inserted from nothing get the empty span at the insertion point, which is
    what :class:`CleanText` documents.
    """

    __slots__ = ("ends", "source", "starts", "text")

    def __init__(self, text: str, starts: list[int], ends: list[int], source: str) -> None:
        self.text = text
        self.starts = starts
        self.ends = ends
        self.source = source

    @classmethod
    def of(cls, source: str) -> MappedText:
        n = len(source)
        return cls(source, list(range(n)), list(range(1, n + 1)), source)

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Source span of the current characters [i, j); an empty range is a point."""
        if i < j:
            return self.starts[i], max(self.ends[i:j])
        if i < len(self.text):
            return self.starts[i], self.starts[i]
        end = self.ends[-1] if self.ends else 0
        return end, end

    def edit(self, edits: Iterable[tuple[int, int, Replacement]]) -> MappedText:
        """Apply non-overlapping edits ``(i, j, replacement)`` given in increasing order.

        A ``str`` replacement is made from the whole of [i, j) (every new character gets
        that span). A sequence of pieces says, per piece, which characters it came from,
        so a repair that rebuilds characters from parts of their neighbours stays exact.
        """
        text_parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        changed = False
        for i, j, repl in edits:
            if i < pos:
                raise ValueError("edits overlap or are out of order")
            changed = True
            text_parts.append(self.text[pos:i])
            starts.extend(self.starts[pos:i])
            ends.extend(self.ends[pos:i])
            if isinstance(repl, str):
                if repl:
                    a, b = self.span(i, j)
                    text_parts.append(repl)
                    starts.extend([a] * len(repl))
                    ends.extend([b] * len(repl))
            else:
                for piece, pi, pj in repl:
                    if not piece:
                        continue
                    a, b = self.span(pi, pj)
                    text_parts.append(piece)
                    starts.extend([a] * len(piece))
                    ends.extend([b] * len(piece))
            pos = j
        if not changed:
            return self
        text_parts.append(self.text[pos:])
        starts.extend(self.starts[pos:])
        ends.extend(self.ends[pos:])
        return MappedText("".join(text_parts), starts, ends, self.source)

    def sub(self, pattern: re.Pattern[str], repl: Callable[[re.Match[str]], Replacement | None]) -> MappedText:
        """Regex substitution; ``repl`` returning ``None`` leaves the match alone."""
        edits: list[tuple[int, int, Replacement]] = []
        for m in pattern.finditer(self.text):
            r = repl(m)
            if r is not None and not (isinstance(r, str) and r == m.group()):
                edits.append((m.start(), m.end(), r))
        return self.edit(edits)

    def translate(self, mapping: Callable[[str], str], unchanged: re.Pattern[str] | None = None) -> MappedText:
        """Per-character mapping (to zero, one or several characters).

        ``unchanged`` matches characters ``mapping`` is known to return as they are; they
        are cut out before the distinct characters are collected, which is cheaper than
        collecting them all when they are most of the text.
        """
        cache: dict[str, str] = {}
        for ch in set(unchanged.sub("", self.text) if unchanged else self.text):
            out = mapping(ch)
            if out != ch:
                cache[ch] = out
        if not cache:
            return self
        one_to_one = {k: v for k, v in cache.items() if len(v) == 1}
        text = self.text
        if one_to_one.keys().isdisjoint(one_to_one.values()) and len(one_to_one) <= 64:
            # str.translate looks every character up in the table; a str.replace per
            # changed character is many times faster when, as usual, only a few differ
            # (exact only while no replacement is itself replaced, hence the check).
            for k, v in one_to_one.items():
                text = text.replace(k, v)
        else:
            text = text.translate({ord(k): v for k, v in one_to_one.items()})
        mapped = MappedText(text, self.starts, self.ends, self.source)
        others = {k: v for k, v in cache.items() if len(v) != 1}
        if not others:
            return mapped
        pattern = re.compile("[" + "".join(re.escape(k) for k in others) + "]")
        return mapped.sub(pattern, lambda m: others[m.group()])

    def to_clean(self, repairs: Sequence[Repair]) -> CleanText:
        return CleanText(self.text, tuple(self.starts), tuple(self.ends), tuple(repairs))


class RepairLog:
    """Collects :class:`Repair` records, in source order at the end."""

    def __init__(self) -> None:
        self.items: list[Repair] = []

    def add(self, ms: MappedText, i: int, j: int, kind: str, after: str) -> None:
        a, b = ms.span(i, j)
        self.items.append(Repair(kind, a, b, ms.source[a:b], after))

    def add_source(self, kind: str, a: int, b: int, before: str, after: str) -> None:
        self.items.append(Repair(kind, a, b, before, after))

    def sorted(self) -> list[Repair]:
        return sorted(self.items, key=lambda r: (r.source_start, r.source_end))
