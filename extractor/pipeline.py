"""The per-report function: load → normalize → segment → rules / model → reconcile → validate → Report."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .config import Config, config_from_env
from .document import Candidate, Document, Source
from .errors import ExtractorError
from .llm import ModelRun, ResponseCache, run_model
from .load import load, load_text
from .normalize import normalize
from .providers import ModelClient
from .reconcile import attach_model, reconcile
from .schemas.report import FieldValue, Finding, Provenance, Report, Usage
from .segment import segment
from .sentences import for_format, sentence_candidates
from .tables import TableResult, detect_format, table_candidates
from .validate import gb_findings, gb_narrative_findings, legacy_findings, share_findings, summarize

PIPELINE_VERSION = "0.2.0"


def _looks_like_text(value: str) -> bool:
    if "\n" in value or len(value) > 1024:
        return True
    try:
        return not Path(value).exists() and any("\u4e00" <= ch <= "\u9fff" for ch in value) and (
            not Path(value).suffix
        )
    except OSError:
        return True


def read_source(path_or_text: str | os.PathLike[str], config: Config) -> Source:
    if isinstance(path_or_text, str) and _looks_like_text(path_or_text):
        return load_text(path_or_text)
    return load(path_or_text, max_bytes=config.max_bytes)


def analyse(source: Source) -> Document:
    return segment(source, normalize(source))


@dataclass
class RuleRun:
    fmt: str
    tables: TableResult = field(default_factory=TableResult)
    sentences: list[Candidate] = field(default_factory=list)


def run_rules(doc: Document, *, use_rules: bool = True) -> RuleRun:
    fmt = detect_format(doc.text)
    if not use_rules:
        return RuleRun(fmt)
    return RuleRun(fmt, table_candidates(doc, fmt), for_format(sentence_candidates(doc.text), fmt))


def build_report(doc: Document, rules: RuleRun, model: ModelRun | None, *, mode: str, model_name: str | None,
                 include_text: bool, started: float) -> Report:
    fmt = rules.fmt
    # In the gb formats the applications table carries the request figures; prose
    # restatements under the legacy applications.* paths would count them twice.
    skip = ("applications.",) if fmt != "legacy" else ()
    merged = reconcile([*rules.tables.candidates, *rules.sentences], doc.clean, skip_prefixes=skip)
    if model is not None:
        attach_model(merged, [c for c in model.candidates if not c.path.startswith(skip)],
                     doc.clean)
    fields = dict(merged.fields)
    fields["meta.format"] = FieldValue(value=fmt, provenance=Provenance(method="shape", rule="template_markers"))
    narrative: dict[str, list[Candidate]] = {}
    for c in rules.sentences:
        if not c.path.startswith(skip):
            narrative.setdefault(c.path, []).append(c)
    findings: list[Finding] = list(merged.findings)
    if fmt == "legacy":
        findings += legacy_findings(fields, narrative, doc.clean)
        findings += share_findings(fields, narrative, doc.clean, "applications.received")
    else:
        findings += gb_findings(fields)
        findings += gb_narrative_findings(
            fields, [c for c in rules.sentences if c.path == "applications.received"], doc.clean)
    seen: set[tuple[str, str]] = set()
    unique = []
    for f in findings:
        if (f.field, f.kind) not in seen:
            seen.add((f.field, f.kind))
            unique.append(f)
    usage = model.usage if model is not None else Usage()
    usage = usage.model_copy(update={"seconds": round(time.perf_counter() - started, 4)})
    return Report(
        source=doc.source.name,
        format=fmt,  # type: ignore[arg-type]
        mode=mode,  # type: ignore[arg-type]
        model=model_name if model is not None else None,
        encoding=doc.source.encoding,
        kind=doc.source.kind,
        fields=fields,
        findings=unique,
        disputes=merged.disputes,
        ungrounded=model.ungrounded if model is not None else [],
        summary=summarize(fields, fmt),
        usage=usage,
        warnings=[*rules.tables.ambiguities, *(model.errors if model is not None else [])],
        repairs=len(doc.clean.repairs),
        pipeline_version=PIPELINE_VERSION,
        clean_text=doc.text if include_text else None,
    )


def rules_report(doc: Document, *, include_text: bool = False) -> Report:
    started = time.perf_counter()
    return build_report(doc, run_rules(doc), None, mode="rules", model_name=None, include_text=include_text,
                        started=started)


def make_client(config: Config) -> ModelClient:
    from .openai_provider import OpenAICompatibleClient

    assert config.model is not None
    return OpenAICompatibleClient(
        base_url=config.base_url, api_key=config.api_key, model=config.model, mode=config.instructor_mode,
        temperature=config.temperature, max_tokens=config.answer_tokens, timeout=config.timeout,
        retries=config.retries, reasks=config.reasks,
    )


def open_cache(config: Config) -> ResponseCache | None:
    return ResponseCache(config.resolved_cache_dir(), config.cache_bytes) if config.use_cache else None


async def extract_async(
    doc: Document, *, mode: str, config: Config, client: ModelClient, cache: ResponseCache | None,
    include_text: bool = False, semaphore: asyncio.Semaphore | None = None,
) -> Report:
    started = time.perf_counter()
    rules = run_rules(doc, use_rules=(mode == "hybrid"))
    verified = [(c.start, c.end) for c in rules.tables.candidates if c.path in rules.tables.verified]
    model = await run_model(doc, client, cache=cache, verified_spans=verified, concurrency=config.concurrency,
                            token_budget=config.token_budget, chunk_tokens=config.chunk_tokens, fmt=rules.fmt,
                            semaphore=semaphore)
    return build_report(doc, rules, model, mode=mode, model_name=config.model, include_text=include_text,
                        started=started)


def extract(
    path_or_text: str | os.PathLike[str],
    *,
    mode: str | None = None,
    config: Config | None = None,
    include_text: bool = False,
    client: ModelClient | None = None,
    cache: ResponseCache | None = None,
) -> Report:
    """Extract one report (a path, or the report's text itself) into the report model.

    Raises an ``ExtractorError`` subclass with the file name and the cause when the input
    cannot be read. A model that keeps failing does not raise: the rules' result is
    returned and the failure is listed in ``report.warnings``.
    """
    config = (config or config_from_env()).with_overrides(mode=mode)
    resolved = config.resolved_mode() if client is None else (config.mode if config.mode != "auto" else "hybrid")
    source = read_source(path_or_text, config)
    try:
        doc = analyse(source)
    except ExtractorError:
        raise
    except (ValueError, RecursionError) as exc:  # a bug on strange input must not lose the batch
        raise ExtractorError(f"could not analyse the report ({type(exc).__name__}: {exc})",
                             source=source.name) from exc
    if resolved == "rules":
        return rules_report(doc, include_text=include_text)
    own_client = client is None
    own_cache = cache is None
    active_client = client or make_client(config)
    active_cache = cache if cache is not None else open_cache(config)

    async def go() -> Report:
        try:
            return await extract_async(doc, mode=resolved, config=config, client=active_client,
                                       cache=active_cache, include_text=include_text)
        finally:
            if own_client:
                await active_client.aclose()

    try:
        return asyncio.run(go())
    finally:
        if own_cache and active_cache is not None:
            active_cache.close()
