"""The per-report function: load → normalize → segment → rules → reconcile → validate → Report."""

from __future__ import annotations

import os
import time
from pathlib import Path

from .config import Config, config_from_env
from .document import Candidate, Document, Source
from .errors import ConfigError, ExtractorError
from .load import load, load_text
from .normalize import normalize
from .reconcile import reconcile
from .schemas.report import FieldValue, Provenance, Report, Usage
from .segment import segment
from .sentences import sentence_candidates
from .tables import detect_format, table_candidates
from .validate import gb_findings, legacy_findings, share_findings, summarize

PIPELINE_VERSION = "0.1.0"


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


def rules_report(doc: Document, *, include_text: bool = False) -> Report:
    started = time.perf_counter()
    text = doc.text
    fmt = detect_format(text)
    tables = table_candidates(doc, fmt)
    sentences = sentence_candidates(text)
    # In the gb formats the applications table carries the request figures; prose
    # restatements under the legacy applications.* paths would count them twice.
    skip = ("applications.",) if fmt != "legacy" else ()
    merged = reconcile([*tables.candidates, *sentences], doc.clean, skip_prefixes=skip)
    fields = dict(merged.fields)
    fields["meta.format"] = FieldValue(value=fmt, provenance=Provenance(method="shape", rule="template_markers"))
    narrative: dict[str, list[Candidate]] = {}
    for c in sentences:
        if not any(c.path.startswith(p) for p in skip):
            narrative.setdefault(c.path, []).append(c)
    findings = list(merged.findings)
    if fmt == "legacy":
        findings += legacy_findings(fields, narrative, doc.clean)
        findings += share_findings(fields, narrative, doc.clean, "applications.received")
    else:
        findings += gb_findings(fields)
    seen: set[tuple[str, str]] = set()
    unique = []
    for f in findings:
        if (f.field, f.kind) not in seen:
            seen.add((f.field, f.kind))
            unique.append(f)
    return Report(
        source=doc.source.name,
        format=fmt,
        mode="rules",
        encoding=doc.source.encoding,
        kind=doc.source.kind,
        fields=fields,
        findings=unique,
        summary=summarize(fields, fmt),
        usage=Usage(seconds=round(time.perf_counter() - started, 4)),
        warnings=list(tables.ambiguities),
        repairs=len(doc.clean.repairs),
        pipeline_version=PIPELINE_VERSION,
        clean_text=text if include_text else None,
    )


# The model path (llm, hybrid) is not part of this version; `auto` therefore means rules.
MODEL_PATH_AVAILABLE = False


def effective_mode(config: Config) -> str:
    if config.mode == "auto" and not MODEL_PATH_AVAILABLE:
        return "rules"
    return config.resolved_mode()


def extract(
    path_or_text: str | os.PathLike[str],
    *,
    mode: str | None = None,
    config: Config | None = None,
    include_text: bool = False,
) -> Report:
    """Extract one report (a path, or the report's text itself) into the report model.

    Raises an ``ExtractorError`` subclass with the file name and the cause when the
    input cannot be read.
    """
    config = (config or config_from_env()).with_overrides(mode=mode)
    resolved = effective_mode(config)
    if resolved != "rules":
        raise ConfigError(
            f"mode {resolved!r} needs the model path, which this version does not include; use --mode rules"
        )
    source = read_source(path_or_text, config)
    try:
        doc = analyse(source)
    except ExtractorError:
        raise
    except (ValueError, RecursionError) as exc:  # a bug on strange input must not lose the batch
        raise ExtractorError(f"could not analyse the report ({type(exc).__name__}: {exc})",
                             source=source.name) from exc
    return rules_report(doc, include_text=include_text)
