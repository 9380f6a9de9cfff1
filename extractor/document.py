"""The typed objects that flow, one way, between the pipeline stages.

load ──▶ Source ──normalize──▶ CleanText ──segment──▶ Document

Offsets are Python string indices (code points). A *source offset* indexes
``Source.text``: for a text file that is the decoded file itself; for HTML, Word
and PDF it is the text the loader read out of the file (tables written as one
row per line, cells separated by tabs). A *clean offset* indexes
``CleanText.text``; ``CleanText.to_source`` maps any clean span back.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

SourceKind = Literal["text", "html", "docx", "pdf"]


@dataclass(frozen=True)
class Source:
    """One report as read from disk (or passed in as text), before any cleaning."""

    name: str
    text: str
    kind: SourceKind = "text"
    encoding: str | None = None
    path: Path | None = None
    pages: tuple[int, ...] = ()  # source offset where each PDF page starts

    def page_of(self, offset: int) -> int | None:
        """1-based page number of a source offset, for PDFs."""
        if not self.pages:
            return None
        return bisect_right(self.pages, offset)


@dataclass(frozen=True)
class Repair:
    """A change normalization made that a reader may want to audit."""

    kind: str  # "mojibake", "mojibake_unrecoverable", "pinyin", "html", "furniture", ...
    source_start: int
    source_end: int
    before: str
    after: str


@dataclass(frozen=True)
class CleanText:
    """Simplified, normalized text plus, for every character, the source span it came from.

    ``starts[i]``/``ends[i]`` is the half-open source span that clean character ``i``
    was made from. Characters the cleaner inserted (a joining space, say) get the
    empty span at the place they were inserted.
    """

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    repairs: tuple[Repair, ...] = ()

    def __post_init__(self) -> None:
        if not (len(self.text) == len(self.starts) == len(self.ends)):
            raise ValueError("offset map must have one entry per clean character")

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        """Map the clean span [start, end) to the source span it was made from."""
        if not self.text:
            return (0, 0)
        if end <= start:
            pos = self.starts[min(start, len(self.text) - 1)] if start < len(self.text) else self.ends[-1]
            return (pos, pos)
        return (min(self.starts[start:end]), max(self.ends[start:end]))

    @classmethod
    def identity(cls, text: str) -> CleanText:
        return cls(text, tuple(range(len(text))), tuple(range(1, len(text) + 1)))


@dataclass(frozen=True)
class Cell:
    text: str
    start: int  # clean offsets
    end: int


@dataclass(frozen=True)
class Table:
    """A table recovered from the clean text, as rows of cells in reading order."""

    rows: tuple[tuple[Cell, ...], ...]
    start: int
    end: int
    layout: str  # "lines" (one cell per line), "tabs", "pipes", "markdown", "inline"
    section: str | None = None

    def cells(self) -> list[Cell]:
        return [c for row in self.rows for c in row]


SectionKey = Literal[
    "preamble",
    "overview",
    "proactive",
    "requests",
    "review",
    "problems",
    "other",
    "appendix",
    "organisation",
    "fees",
    "responses",
    "unknown",
]


@dataclass(frozen=True)
class Section:
    heading: str
    key: SectionKey
    start: int  # clean offsets; the heading starts at ``start``
    end: int


@dataclass(frozen=True)
class Document:
    source: Source
    clean: CleanText
    sections: tuple[Section, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        return self.clean.text

    def section_at(self, offset: int) -> Section | None:
        for section in self.sections:
            if section.start <= offset < section.end:
                return section
        return None


@dataclass(frozen=True)
class Candidate:
    """One value a rule found for a field path, with where it was found (clean offsets)."""

    path: str
    value: int | float | str
    method: Literal["table", "sentence", "model", "shape"]
    rule: str
    start: int
    end: int
    table: int | None = None
    row: int | None = None
    column: int | None = None
