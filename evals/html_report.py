"""A self-contained HTML page of an evaluation result: scores, and each error beside its source text.

No scripts, no network: the page is opened from disk and may be mailed around, and every piece of
report text and every value goes through `html.escape` (report text is untrusted input).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

CONTEXT_CHARS = 40

Spans = Mapping[str, tuple[int, int] | Sequence[int]]
SourceMap = Mapping[str, tuple[str, Spans]]

_CSS = """
body { font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ddd; padding: .25em .6em; vertical-align: top; text-align: left; }
th { background: #f4f4f4; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.path { font-family: ui-monospace, monospace; white-space: nowrap; }
.snippet { font-family: ui-monospace, monospace; white-space: pre-wrap; max-width: 48em; }
mark { background: #ffe08a; padding: 0 .1em; }
.kind-wrong { color: #b00020; } .kind-missing { color: #8a5a00; } .kind-extra { color: #5b3cc4; }
.kind-finding_missing, .kind-finding_extra { color: #00687a; }
.error { background: #fde7e9; padding: .5em; border-left: 4px solid #b00020; }
.muted { color: #777; }
"""

_COUNT_KEYS = ("precision", "recall", "f1", "tp", "fp", "fn")


def _cell(value: Any, css: str = "") -> str:
    attr = f' class="{css}"' if css else ""
    return f"<td{attr}>{escape(_text(value))}</td>"


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _counts_table(title: str, rows: Mapping[str, Mapping[str, Any]]) -> str:
    if not rows:
        return ""
    head = "".join(f"<th>{escape(h)}</th>" for h in (title, "P", "R", "F1", "tp", "fp", "fn"))
    body = "".join(
        "<tr>" + _cell(name) + "".join(_cell(entry.get(k), "num") for k in _COUNT_KEYS) + "</tr>"
        for name, entry in rows.items()
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _as_span(value: Any) -> tuple[int, int] | None:
    if isinstance(value, list | tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return int(value[0]), int(value[1])
    return None


def snippet_html(text: str, span: tuple[int, int], context: int = CONTEXT_CHARS) -> str | None:
    """The text around a span, the span marked; None if the span does not fit the text."""
    start, end = span
    if not 0 <= start <= end <= len(text):
        return None
    before_start, after_end = max(0, start - context), min(len(text), end + context)
    return (
        ("…" if before_start > 0 else "")
        + escape(text[before_start:start])
        + f"<mark>{escape(text[start:end])}</mark>"
        + escape(text[end:after_end])
        + ("…" if after_end < len(text) else "")
    )


def _errors_table(errors: Sequence[Mapping[str, Any]], source: tuple[str, Spans] | None) -> str:
    if not errors:
        return '<p class="muted">No errors.</p>'
    rows = []
    for error in errors:
        path, kind = str(error.get("path", "")), str(error.get("kind", ""))
        context = '<span class="muted">no span</span>'
        if source is not None:
            text, spans = source
            # The sources map knows where the extractor found the value; the error's own span
            # (added by the harness) is the fallback.
            span = _as_span(spans.get(path)) or _as_span(error.get("span"))
            if kind == "missing":
                span = None  # nothing was predicted, so there is nothing to point at
            snippet = snippet_html(text, span) if span is not None else None
            if snippet is not None:
                context = f'<div class="snippet">{snippet}</div>'
        rows.append(
            "<tr>"
            + _cell(path, "path")
            + f'<td class="kind-{escape(kind, quote=True)}">{escape(kind)}</td>'
            + _cell(error.get("gold"))
            + _cell(error.get("predicted"))
            + f"<td>{context}</td>"
            + "</tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in ("path", "kind", "gold", "predicted", "source text"))
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def render_html(
    result: Mapping[str, Any],
    sources: SourceMap | None = None,
    *,
    title: str = "Extraction evaluation",
) -> str:
    """The whole page. `sources`: stem → (clean text, path → clean span), from the scored reports."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
    ]
    usage = result.get("usage", {})
    parts.append(
        "<p>"
        + escape(
            f"mode {result.get('mode', '-')} · model {result.get('model') or '-'} · "
            f"{len(result.get('by_report', {}))} reports · "
            f"{float(result.get('seconds', 0.0)):.1f} s · "
            f"{usage.get('prompt_tokens', 0)} prompt + "
            f"{usage.get('completion_tokens', 0)} completion tokens, "
            f"{usage.get('calls', 0)} calls, {usage.get('cache_hits', 0)} cache hits"
        )
        + "</p>"
    )
    totals = {"fields": result.get("overall", {}), "findings": result.get("findings", {})}
    parts.append(_counts_table("", totals))
    parts.append("<h2>By family</h2>" + _counts_table("family", result.get("by_family", {})))
    parts.append("<h2>By format</h2>" + _counts_table("format", result.get("by_format", {})))

    by_report: Mapping[str, Mapping[str, Any]] = result.get("by_report", {})
    anchors = {stem: f"report-{i}" for i, stem in enumerate(by_report)}
    summary_rows = []
    for stem, entry in by_report.items():
        link = f'<td><a href="#{anchors[stem]}">{escape(stem)}</a></td>'
        summary_rows.append(
            "<tr>" + link + _cell(entry.get("format"))
            + "".join(_cell(entry.get(k), "num") for k in _COUNT_KEYS)
            + _cell(entry.get("findings", {}).get("f1"), "num")
            + _cell(entry.get("seconds"), "num")
            + _cell("error" if entry.get("error") else "")
            + "</tr>"
        )
    head = "".join(
        f"<th>{h}</th>" for h in ("report", "format", "P", "R", "F1", "tp", "fp", "fn", "find F1", "s", "")
    )
    parts.append(f"<h2>By report</h2><table><tr>{head}</tr>{''.join(summary_rows)}</table>")

    for stem, entry in by_report.items():
        parts.append(f'<h2 id="{anchors[stem]}">{escape(stem)}</h2>')
        parts.append(
            "<p>" + escape(
                f"{entry.get('source', '')} · {entry.get('format', '')} · "
                f"F1 {_text(entry.get('f1'))} (tp {entry.get('tp', 0)}, fp {entry.get('fp', 0)}, "
                f"fn {entry.get('fn', 0)})"
            ) + "</p>"
        )
        if entry.get("error"):
            parts.append(f'<p class="error">{escape(str(entry["error"]))}</p>')
        for problem in entry.get("gold_problems", []) or []:
            parts.append(f'<p class="error">gold: {escape(str(problem))}</p>')
        source = sources.get(stem) if sources is not None else None
        parts.append(_errors_table(entry.get("errors", []), source))

    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)
