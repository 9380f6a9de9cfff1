"""Split a segmented report into chunks for the model: by section, never through a table.

Each chunk has a kind (which response model and prompt it uses), its clean-text span, and
a little context from before it so a sentence cut at a section boundary still reads. A
section longer than the token budget is split at line ends outside tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

from .document import Document, Section

# Chinese text runs at one to two characters per token for the tokenizers in use; the
# estimate errs on the safe side, as it only has to keep chunks inside a context window.
CHARS_PER_TOKEN = 1.0
DEFAULT_CHUNK_TOKENS = 1500
CONTEXT_CHARS = 80

_KIND_OF_SECTION = {
    "preamble": "meta",
    "overview": "proactive",
    "proactive": "proactive",
    "responses": "proactive",
    "requests": "applications",
    "fees": "applications",
    "review": "review",
    "organisation": "organisation",
    "problems": "problems",
    "other": "meta",
    "appendix": "appendix",
    "unknown": "proactive",
}


@dataclass(frozen=True)
class Chunk:
    kind: str
    start: int  # clean offsets of the chunk's own text (context excluded)
    end: int
    text: str  # context + own text, as sent
    context_chars: int  # how many leading characters of `text` are context

    @property
    def offset(self) -> int:
        """Clean offset of text[0]."""
        return self.start - self.context_chars


def estimate_tokens(text: str) -> int:
    return int(len(text) / CHARS_PER_TOKEN) + 1


def _table_spans(doc: Document) -> list[tuple[int, int]]:
    return [(t.start, t.end) for t in doc.tables]


def _cut_points(doc: Document, start: int, end: int, budget_chars: int) -> list[int]:
    """Line ends inside [start, end) where a cut keeps every table whole and pieces under budget."""
    tables = _table_spans(doc)
    cuts = [start]
    while end - cuts[-1] > budget_chars:
        limit = cuts[-1] + budget_chars
        candidate = doc.text.rfind("\n", cuts[-1] + 1, limit)
        while candidate > cuts[-1] and any(a < candidate < b for a, b in tables):
            candidate = doc.text.rfind("\n", cuts[-1] + 1, candidate)
        if candidate <= cuts[-1]:
            # a table longer than the budget: it goes whole into one chunk
            inside = next(((a, b) for a, b in tables if a <= limit < b), None)
            candidate = inside[1] if inside else limit
        cuts.append(candidate)
    cuts.append(end)
    return cuts


def _merge_small(doc: Document, chunks: list[Chunk], budget_chars: int) -> list[Chunk]:
    """Neighbouring chunks of one kind travel together while they fit: fewer calls, same facts."""
    merged: list[Chunk] = []
    for chunk in chunks:
        last = merged[-1] if merged else None
        if last is not None and last.kind == chunk.kind and last.end == chunk.start and (
            chunk.end - last.start <= budget_chars
        ):
            merged[-1] = Chunk(last.kind, last.start, chunk.end,
                               last.text + doc.text[chunk.start:chunk.end], last.context_chars)
        else:
            merged.append(chunk)
    return merged


def _table_kind(doc: Document, fmt: str, section_key: str, start: int, end: int) -> str | None:
    """Chunks that are mostly table get the kind of the table they hold."""
    inside = sum(max(0, min(t.end, end) - max(t.start, start)) for t in doc.tables)
    if inside < 0.6 * (end - start):
        return None
    if fmt == "legacy":
        return "appendix"
    text = doc.text[start:end]
    if "第二十条" in text or section_key == "proactive":
        return "articles"
    if section_key == "requests" or "本年新收" in text:
        return "requests"
    if section_key == "review":
        return "review"
    return None


def chunk_document(doc: Document, *, max_tokens: int = DEFAULT_CHUNK_TOKENS, fmt: str = "legacy") -> list[Chunk]:
    budget_chars = int(max_tokens * CHARS_PER_TOKEN)
    chunks: list[Chunk] = []
    sections: list[Section] = list(doc.sections)
    for section in sections:
        kind = _KIND_OF_SECTION.get(section.key, "proactive")
        # the title block and the signature both carry meta facts
        cuts = _cut_points(doc, section.start, section.end, budget_chars)
        for a, b in pairwise(cuts):
            if not doc.text[a:b].strip():
                continue
            context_start = max(0, a - CONTEXT_CHARS)
            context = doc.text[context_start:a]
            piece_kind = _table_kind(doc, fmt, section.key, a, b) or kind
            chunks.append(Chunk(piece_kind, a, b, context + doc.text[a:b], len(context)))
    chunks = _merge_small(doc, chunks, budget_chars)
    if chunks and chunks[-1].kind != "meta":
        # the signature and date at the end of a report are meta facts
        tail_start = max(chunks[-1].start, len(doc.text) - 300)
        chunks.append(Chunk("meta", tail_start, len(doc.text), doc.text[tail_start:], 0))
    return chunks
