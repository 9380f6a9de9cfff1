"""The model stage: chunks → cached, concurrent model calls → grounded candidates + usage.

It knows the model only through ``extractor.providers.ModelClient``. Answers are cached
on disk, keyed by what they depend on (the client's identity: base URL, model, mode and
sampling; the prompt's name and version; the response schema's hash; the chunk text), so
a second run of the same input makes no model call. Every value is grounded in the chunk
text it came from; a value the text does not state is kept out and listed as ungrounded.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chunking import Chunk, chunk_document, estimate_tokens
from .document import Candidate, Document
from .errors import ModelError
from .grounding import locate
from .prompting import load_prompt
from .providers import ModelClient
from .schemas.chunks import answer_paths, asked_paths, response_model, schema_hash
from .schemas.report import Usage
from .schemas.vocabulary import spec_for

DEFAULT_CACHE_BYTES = 512 * 1024 * 1024


class ResponseCache:
    """Answers on disk (diskcache); values are plain JSON, never anything with a key in it."""

    def __init__(self, directory: Path, size_limit: int = DEFAULT_CACHE_BYTES) -> None:
        import diskcache

        self.directory = directory
        self._cache = diskcache.Cache(str(directory), size_limit=size_limit)

    def get(self, key: str) -> dict[str, Any] | None:
        value = self._cache.get(key)
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        self._cache.set(key, value)

    def stats(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "entries": len(self._cache), "bytes": self._cache.volume()}

    def clear(self) -> int:
        return int(self._cache.clear())

    def close(self) -> None:
        self._cache.close()


def cache_key(identity: str, prompt_key: str, schema: str, text: str) -> str:
    blob = json.dumps({"client": identity, "prompt": prompt_key, "schema": schema, "text": text},
                      sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass
class ModelRun:
    candidates: list[Candidate] = field(default_factory=list)
    ungrounded: list[dict[str, Any]] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    errors: list[str] = field(default_factory=list)


def _covered_by_verified_tables(doc: Document, chunk: Chunk, verified_spans: list[tuple[int, int]]) -> bool:
    """A chunk that is almost all table cells, every number of which the rules read and verified."""
    inside = 0
    numbers = 0
    for table in doc.tables:
        if table.end <= chunk.start or table.start >= chunk.end:
            continue
        inside += min(table.end, chunk.end) - max(table.start, chunk.start)
        for cell in table.cells():
            if not (chunk.start <= cell.start and cell.end <= chunk.end):
                continue
            if cell.text.replace(",", "").replace(".", "").isdigit():
                numbers += 1
                if not any(a <= cell.start and cell.end <= b for a, b in verified_spans):
                    return False
    return numbers > 0 and inside >= 0.8 * (chunk.end - chunk.start)


def _ground(chunk: Chunk, data: dict[str, Any], report: str) -> tuple[list[Candidate], list[dict[str, Any]]]:
    candidates: list[Candidate] = []
    ungrounded: list[dict[str, Any]] = []
    for path, value in data.items():
        spec = spec_for(path)
        if path.startswith("ext."):
            items = [v.strip() for v in str(value).replace(";", "；").split("；") if v.strip()]
            found = [(v, locate(path, v, chunk.text, "str")) for v in items]
            kept = [(v, span) for v, span in found if span is not None]
            for v, span in found:
                if span is None:
                    ungrounded.append({"path": path, "value": v, "chunk": chunk.kind, "report": report})
            if kept:
                first = kept[0][1]
                assert first is not None
                candidates.append(Candidate(path, "；".join(v for v, _ in kept), "model", f"model:{chunk.kind}",
                                            chunk.offset + first[0], chunk.offset + first[1]))
            continue
        if spec is None:
            ungrounded.append({"path": path, "value": value, "chunk": chunk.kind, "report": report,
                               "reason": "not a vocabulary path"})
            continue
        span = locate(path, value, chunk.text, spec.type, spec.label)
        if span is None:
            ungrounded.append({"path": path, "value": value, "chunk": chunk.kind, "report": report})
            continue
        candidates.append(Candidate(path, value, "model", f"model:{chunk.kind}",
                                    chunk.offset + span[0], chunk.offset + span[1]))
    return candidates, ungrounded


async def run_model(
    doc: Document,
    client: ModelClient,
    *,
    cache: ResponseCache | None,
    verified_spans: Iterable[tuple[int, int]] = (),
    concurrency: int = 4,
    token_budget: int = 60_000,
    chunk_tokens: int = 1500,
    fmt: str = "legacy",
    semaphore: asyncio.Semaphore | None = None,
) -> ModelRun:
    """Ask the model about every chunk the rules did not settle.

    ``semaphore``, when given, bounds the calls in flight across every report that shares it
    (a batch); otherwise this report gets ``concurrency`` calls of its own.
    """
    started = time.perf_counter()
    run = ModelRun()
    spans = list(verified_spans)
    chunks = chunk_document(doc, max_tokens=chunk_tokens, fmt=fmt)
    to_send: list[tuple[int, Chunk]] = []
    budget = token_budget
    for index, chunk in enumerate(chunks):
        if _covered_by_verified_tables(doc, chunk, spans):
            run.usage.chunks_skipped += 1
            continue
        cost = estimate_tokens(chunk.text) + 400
        if cost > budget:
            run.usage.chunks_skipped += 1
            run.errors.append(f"{doc.source.name}: chunk {chunk.kind}#{index} skipped: the report's token budget "
                              f"({token_budget}) is spent; raise --token-budget to send it")
            continue
        budget -= cost
        to_send.append((index, chunk))
    semaphore = semaphore or asyncio.Semaphore(max(1, concurrency))

    async def one(index: int, chunk: Chunk) -> None:
        prompt = load_prompt(chunk.kind)
        model = response_model(chunk.kind)
        key = cache_key(client.identity, prompt.key, schema_hash(chunk.kind), chunk.text)
        cached = cache.get(key) if cache is not None else None
        if cached is not None:
            run.usage.cache_hits += 1
            run.usage.cached_prompt_tokens += int(cached.get("prompt_tokens", 0))
            data = cached["data"]
        else:
            async with semaphore:
                try:
                    answer = await client.ask(prompt, chunk.text, model)
                except ModelError as exc:
                    run.usage.calls += getattr(exc, "calls", 1)
                    run.usage.prompt_tokens += getattr(exc, "prompt_tokens", 0)
                    run.usage.completion_tokens += getattr(exc, "completion_tokens", 0)
                    run.errors.append(f"{doc.source.name}: chunk {chunk.kind}#{index}: {exc}")
                    return
            run.usage.calls += answer.attempts
            run.usage.prompt_tokens += answer.prompt_tokens
            run.usage.completion_tokens += answer.completion_tokens
            data = answer_paths(answer.answer)
            if cache is not None:
                cache.set(key, {"data": data, "prompt_tokens": answer.prompt_tokens,
                                "completion_tokens": answer.completion_tokens})
        run.usage.chunks_sent += 1
        candidates, ungrounded = _ground(chunk, {k: v for k, v in data.items() if k in asked_paths(chunk.kind)},
                                         doc.source.name)
        run.candidates.extend(candidates)
        run.ungrounded.extend(ungrounded)

    await asyncio.gather(*(one(i, c) for i, c in to_send))
    run.candidates.sort(key=lambda c: c.start)
    run.usage.seconds = round(time.perf_counter() - started, 4)
    return run
